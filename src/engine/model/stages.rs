//! Stages: the table that says, for every raw stage of every pipeline, which standard stage it is, where it
//! sits in the pipeline's order and whether it means open, won or lost — and from what evidence. Stages seen
//! only in history (renamed or retired) are listed too, never dropped. The user can set any row.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::engine::model::StageIx;
use crate::engine::model::words::{
    HUBSPOT_STAGE_IDS, Outcome, StandardStage, fold, stage_outcome, standard_stage_of,
};

/// One row of the stage table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageEntry {
    /// Empty when the export has a single pipeline or does not say.
    pub pipeline: String,
    pub raw: String,
    pub standard: StandardStage,
    /// 1-based position within the pipeline (open stages first, then won, then lost).
    pub order: u32,
    pub outcome: Outcome,
    /// Where the order came from, in words.
    pub order_from: String,
    /// Where the outcome came from, in words.
    pub outcome_from: String,
    /// Deals currently in this stage.
    pub deals: u32,
    /// Seen only in stage history (a renamed or retired stage).
    pub history_only: bool,
    /// Nothing places it: no flag, probability or status says whether it is open or closed, its name is
    /// on no ladder, and deals take their outcome from it — read as open, and the user is asked.
    #[serde(default)]
    pub unsure: bool,
}

/// Every stage the files mention.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageTable {
    pub entries: Vec<StageEntry>,
}

impl StageTable {
    pub fn get(&self, stage: StageIx) -> Option<&StageEntry> {
        self.entries.get(stage as usize)
    }

    pub fn outcome(&self, stage: StageIx) -> Outcome {
        self.get(stage).map_or(Outcome::Open, |e| e.outcome)
    }
}

/// A stage table row set by the user; `None` fields keep what was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChoice {
    #[serde(default)]
    pub pipeline: Option<String>,
    pub raw: String,
    #[serde(default)]
    pub standard: Option<StandardStage>,
    #[serde(default)]
    pub order: Option<u32>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
}

#[derive(Default)]
struct Evidence {
    pipeline: String,
    raw: String,
    sort_orders: Vec<f64>,
    probabilities: Vec<f64>,
    /// Votes from explicit won/closed flags or a status column.
    won: u32,
    lost: u32,
    open: u32,
    vote_from: Option<&'static str>,
    /// Mean relative position in deals' histories (0 = first stage, 1 = last).
    history_positions: Vec<f64>,
    deals: u32,
    /// Deals whose outcome rests on this stage alone (no status or flag of their own).
    relying: u32,
}

/// Collects what the files say about stages, then decides the table.
#[derive(Default)]
pub struct StageCollector {
    index: HashMap<(String, String), StageIx>,
    /// Raw stage name (trimmed) → the first stage seen with it, in any pipeline (the lowest index).
    first_by_name: HashMap<String, StageIx>,
    evidence: Vec<Evidence>,
    /// Each deal's stages in the order it first entered them.
    sequences: Vec<Vec<StageIx>>,
}

impl StageCollector {
    /// The index of a (pipeline, raw stage) pair, adding it on first sight.
    pub fn see(&mut self, pipeline: &str, raw: &str) -> StageIx {
        let key = (pipeline.trim().to_owned(), raw.trim().to_owned());
        if let Some(ix) = self.index.get(&key) {
            return *ix;
        }
        let ix = self.evidence.len() as StageIx;
        self.evidence.push(Evidence {
            pipeline: key.0.clone(),
            raw: key.1.clone(),
            ..Evidence::default()
        });
        self.first_by_name.entry(key.1.clone()).or_insert(ix);
        self.index.insert(key, ix);
        ix
    }

    /// A stage seen in history: the same pipeline's stage of that name if one exists, else the first stage
    /// seen with that name in any pipeline (history files rarely name the pipeline), else a new row. The
    /// same files always give the same stage.
    pub fn see_in_history(&mut self, pipeline: &str, raw: &str) -> StageIx {
        let raw_trim = raw.trim();
        if let Some(ix) = self
            .index
            .get(&(pipeline.trim().to_owned(), raw_trim.to_owned()))
        {
            return *ix;
        }
        if let Some(ix) = self.first_by_name.get(raw_trim) {
            return *ix;
        }
        self.see(pipeline, raw)
    }

    /// A deal in this stage has no status or flag of its own: its outcome is the stage's.
    pub fn relies(&mut self, stage: StageIx) {
        if let Some(e) = self.evidence.get_mut(stage as usize) {
            e.relying += 1;
        }
    }

    pub fn count_deal(&mut self, stage: StageIx) {
        if let Some(e) = self.evidence.get_mut(stage as usize) {
            e.deals += 1;
        }
    }

    /// An explicit outcome for a deal in this stage (from IsWon/IsClosed or a status column).
    pub fn vote(&mut self, stage: StageIx, outcome: Outcome, from: &'static str) {
        if let Some(e) = self.evidence.get_mut(stage as usize) {
            match outcome {
                Outcome::Won => e.won += 1,
                Outcome::Lost => e.lost += 1,
                Outcome::Open => e.open += 1,
            }
            e.vote_from.get_or_insert(from);
        }
    }

    pub fn sort_order(&mut self, stage: StageIx, value: f64) {
        if let Some(e) = self.evidence.get_mut(stage as usize) {
            e.sort_orders.push(value);
        }
    }

    pub fn probability(&mut self, stage: StageIx, value: f64) {
        if let Some(e) = self.evidence.get_mut(stage as usize) {
            e.probabilities.push(value);
        }
    }

    /// The stages one deal went through, in time order (repeats allowed).
    pub fn history_sequence(&mut self, stages: &[StageIx]) {
        let mut first_seen: Vec<StageIx> = Vec::new();
        for s in stages {
            if !first_seen.contains(s) {
                first_seen.push(*s);
            }
        }
        let n = first_seen.len();
        if n < 2 {
            return;
        }
        for (i, s) in first_seen.iter().enumerate() {
            if let Some(e) = self.evidence.get_mut(*s as usize) {
                e.history_positions.push(i as f64 / (n - 1) as f64);
            }
        }
        self.sequences.push(first_seen);
    }

    /// Decides the table, then applies the user's rows.
    pub fn finish(self, choices: &[StageChoice]) -> StageTable {
        let mut entries: Vec<StageEntry> = self
            .evidence
            .iter()
            .map(|e| {
                let (outcome, outcome_from) = decide_outcome(e);
                let unsure = outcome_from == NO_EVIDENCE
                    && e.relying > 0
                    && standard_stage_of(&e.raw).is_none();
                StageEntry {
                    pipeline: e.pipeline.clone(),
                    raw: e.raw.clone(),
                    standard: StandardStage::Prospecting,
                    order: 0,
                    outcome,
                    outcome_from,
                    order_from: String::new(),
                    deals: e.deals,
                    history_only: e.deals == 0,
                    unsure,
                }
            })
            .collect();
        for choice in choices {
            for entry in entries.iter_mut().filter(|e| {
                e.raw == choice.raw && choice.pipeline.as_ref().is_none_or(|p| *p == e.pipeline)
            }) {
                if let Some(outcome) = choice.outcome {
                    entry.outcome = outcome;
                    entry.outcome_from = "set by you".to_owned();
                    entry.unsure = false;
                }
            }
        }
        let mut pipelines: Vec<String> = entries.iter().map(|e| e.pipeline.clone()).collect();
        pipelines.sort();
        pipelines.dedup();
        for pipeline in pipelines {
            let members: Vec<usize> = (0..entries.len())
                .filter(|&i| entries[i].pipeline == pipeline)
                .collect();
            order_pipeline(&mut entries, &self.evidence, &self.sequences, &members);
        }
        for choice in choices {
            for entry in entries.iter_mut().filter(|e| {
                e.raw == choice.raw && choice.pipeline.as_ref().is_none_or(|p| *p == e.pipeline)
            }) {
                if let Some(order) = choice.order {
                    entry.order = order;
                    entry.order_from = "set by you".to_owned();
                }
                if let Some(standard) = choice.standard {
                    entry.standard = standard;
                }
            }
        }
        StageTable { entries }
    }
}

fn decide_outcome(e: &Evidence) -> (Outcome, String) {
    let votes = e.won + e.lost + e.open;
    if votes > 0 {
        let (outcome, n) = [
            (Outcome::Won, e.won),
            (Outcome::Lost, e.lost),
            (Outcome::Open, e.open),
        ]
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .unwrap_or((Outcome::Open, 0));
        let from = e.vote_from.unwrap_or("the deals");
        let note = if n == votes {
            format!("{from} of its {votes} deals")
        } else {
            format!("{from}: {n} of its {votes} deals say so")
        };
        return (outcome, note);
    }
    if let Some(outcome) = stage_outcome(&e.raw) {
        return (outcome, "its name".to_owned());
    }
    if let Some(outcome) = hubspot_id(&e.raw).map(|(_, _, o)| o) {
        return (outcome, "HubSpot's stage id".to_owned());
    }
    (Outcome::Open, NO_EVIDENCE.to_owned())
}

/// Why a stage nothing places is read as open.
const NO_EVIDENCE: &str = "no evidence of a close: read as open";

fn hubspot_id(raw: &str) -> Option<(usize, &'static str, Outcome)> {
    let key = fold(raw).replace(' ', "");
    HUBSPOT_STAGE_IDS
        .iter()
        .enumerate()
        .find(|(_, (id, label, _))| key == *id || key == fold(label).replace(' ', ""))
        .map(|(i, (_, label, outcome))| (i, *label, *outcome))
}

fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(sorted[(sorted.len() - 1) / 2])
}

/// Orders one pipeline's stages: open stages by the best evidence there is, then won, then lost; and gives
/// each its standard stage.
fn order_pipeline(
    entries: &mut [StageEntry],
    evidence: &[Evidence],
    sequences: &[Vec<StageIx>],
    members: &[usize],
) {
    // The evidence is chosen from the stages deals are in now; stages seen only in history follow it where
    // they have it, else come after the other open stages.
    let current: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| entries[i].outcome == Outcome::Open && !entries[i].history_only)
        .collect();
    let all = |f: &dyn Fn(&Evidence) -> bool| {
        !current.is_empty() && current.iter().all(|&i| f(&evidence[i]))
    };
    let (source, key): (&str, Box<dyn Fn(usize) -> f64>) = if all(&|e| !e.sort_orders.is_empty()) {
        (
            "the CRM's stage sort order",
            Box::new(|i| median(&evidence[i].sort_orders).unwrap_or(f64::MAX)),
        )
    } else if all(&|e| hubspot_id(&e.raw).is_some()) {
        (
            "HubSpot's default pipeline",
            Box::new(|i| hubspot_id(&evidence[i].raw).map_or(f64::MAX, |(p, _, _)| p as f64)),
        )
    } else if all(&|e| !e.probabilities.is_empty()) {
        (
            "the stages' probabilities",
            Box::new(|i| median(&evidence[i].probabilities).unwrap_or(f64::MAX)),
        )
    } else if all(&|e| !e.history_positions.is_empty()) {
        (
            "the order deals moved through them in the stage history",
            Box::new(|i| {
                let p = &evidence[i].history_positions;
                if p.is_empty() {
                    f64::MAX
                } else {
                    p.iter().sum::<f64>() / p.len() as f64
                }
            }),
        )
    } else if all(&|e| standard_stage_of(&e.raw).is_some()) {
        (
            "their names",
            Box::new(|i| standard_stage_of(&evidence[i].raw).map_or(f64::MAX, |s| s as u8 as f64)),
        )
    } else {
        (
            "the order they first appear in the file (no better evidence)",
            Box::new(|i| i as f64),
        )
    };
    let rank = |o: Outcome| match o {
        Outcome::Open => 0,
        Outcome::Won => 1,
        Outcome::Lost => 2,
    };
    // A stage without the evidence (a stage seen only in history) goes just before the first stage with
    // it that deals moved on to, or just after the last one they came from.
    let interpolated = |i: usize| -> f64 {
        let own = key(i);
        if own != f64::MAX {
            return own;
        }
        let mut best = f64::MAX;
        for sequence in sequences.iter().filter(|s| s.contains(&(i as StageIx))) {
            let at = sequence.iter().position(|s| *s as usize == i).unwrap_or(0);
            let open_key = |s: &StageIx| {
                let s = *s as usize;
                (entries.get(s).is_some_and(|e| e.outcome == Outcome::Open))
                    .then(|| key(s))
                    .filter(|k| *k != f64::MAX)
            };
            let later = sequence[at + 1..].iter().find_map(open_key);
            let earlier = sequence[..at].iter().rev().find_map(open_key);
            let candidate = later
                .map(|k| k - 0.5)
                .or(earlier.map(|k| k + 0.5))
                .unwrap_or(f64::MAX);
            best = best.min(candidate);
        }
        best
    };
    let mut sorted: Vec<usize> = members.to_vec();
    sorted.sort_by(|&a, &b| {
        rank(entries[a].outcome)
            .cmp(&rank(entries[b].outcome))
            .then(interpolated(a).total_cmp(&interpolated(b)))
            .then(a.cmp(&b))
    });
    let open: Vec<usize> = sorted
        .iter()
        .copied()
        .filter(|&i| entries[i].outcome == Outcome::Open)
        .collect();
    for (position, &i) in sorted.iter().enumerate() {
        entries[i].order = position as u32 + 1;
        entries[i].order_from = if entries[i].outcome == Outcome::Open {
            source.to_owned()
        } else {
            "closed stages come after the open ones".to_owned()
        };
    }
    for (k, &i) in open.iter().enumerate() {
        entries[i].standard = standard_stage_of(&entries[i].raw).unwrap_or_else(|| {
            // Spread unnamed open stages over the ladder by their position.
            let rung = if open.len() <= 1 {
                0
            } else {
                k * (StandardStage::OPEN.len() - 1) / (open.len() - 1)
            };
            StandardStage::OPEN[rung.min(StandardStage::OPEN.len() - 1)]
        });
    }
    for &i in members {
        match entries[i].outcome {
            Outcome::Won => entries[i].standard = StandardStage::Won,
            Outcome::Lost => entries[i].standard = StandardStage::Lost,
            Outcome::Open => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a history stage missing from its deal's pipeline matched a stage of that name in any
    /// pipeline in HashMap order, so the stage chosen changed from run to run. It is the first seen.
    #[test]
    fn a_history_stage_missing_from_its_pipeline_is_the_first_seen_of_that_name() {
        // Fresh collectors (each with its own hash order), many pipelines sharing the name.
        for _ in 0..20 {
            let mut c = StageCollector::default();
            c.see("Renewals", "Prospecting");
            let first = c.see("Pipeline 0", "Negotiation");
            let mut others = Vec::new();
            for p in 1..40 {
                c.see(&format!("Pipeline {p}"), "Qualified");
                others.push(c.see(&format!("Pipeline {p}"), " Negotiation "));
            }
            assert!(others.iter().all(|ix| *ix > first), "{first} {others:?}");
            assert_eq!(c.see_in_history("", "Negotiation"), first);
            assert_eq!(c.see_in_history("Renewals", " Negotiation"), first);
            // The deal's own pipeline still comes first.
            assert_eq!(c.see_in_history("Pipeline 7", "Negotiation"), others[6]);
            // A name no pipeline has is a new row, found again as itself.
            let new = c.see_in_history("Renewals", "Old stage");
            assert_eq!(c.see_in_history("Pipeline 3", "Old stage"), new);
        }
    }

    #[test]
    fn sort_order_and_flags_decide_the_latam_pipeline() {
        let mut c = StageCollector::default();
        let stages = [
            ("Closed Won", 6.0, Outcome::Won),
            ("Interes", 1.0, Outcome::Open),
            ("Firmas", 5.0, Outcome::Open),
            ("Closed Lost", 7.0, Outcome::Lost),
            ("Negociación", 4.0, Outcome::Open),
        ];
        for (raw, order, outcome) in stages {
            let ix = c.see("", raw);
            c.count_deal(ix);
            c.sort_order(ix, order);
            c.vote(ix, outcome, "IsWon/IsClosed");
        }
        let table = c.finish(&[]);
        let by = |raw: &str| table.entries.iter().find(|e| e.raw == raw).unwrap();
        assert_eq!(by("Interes").order, 1);
        assert_eq!(by("Negociación").order, 2);
        assert_eq!(by("Firmas").order, 3);
        assert_eq!(
            (by("Closed Won").order, by("Closed Won").outcome),
            (4, Outcome::Won)
        );
        assert_eq!(
            (by("Closed Lost").order, by("Closed Lost").standard),
            (5, StandardStage::Lost)
        );
        assert_eq!(by("Interes").standard, StandardStage::Prospecting);
        assert_eq!(by("Firmas").standard, StandardStage::Commit);
        assert_eq!(by("Interes").order_from, "the CRM's stage sort order");
    }

    #[test]
    fn names_probabilities_and_user_choices() {
        let mut c = StageCollector::default();
        for raw in [
            "closedlost",
            "contractsent",
            "appointmentscheduled",
            "closedwon",
            "qualifiedtobuy",
        ] {
            let ix = c.see("default", raw);
            c.count_deal(ix);
        }
        let table = c.finish(&[StageChoice {
            pipeline: None,
            raw: "contractsent".into(),
            standard: None,
            order: None,
            outcome: Some(Outcome::Won),
        }]);
        let by = |raw: &str| table.entries.iter().find(|e| e.raw == raw).unwrap();
        assert_eq!(by("appointmentscheduled").order, 1);
        assert_eq!(by("qualifiedtobuy").order, 2);
        assert_eq!(by("closedwon").outcome, Outcome::Won);
        assert_eq!(by("closedlost").outcome, Outcome::Lost);
        assert_eq!(
            (
                by("contractsent").outcome,
                by("contractsent").outcome_from.as_str()
            ),
            (Outcome::Won, "set by you")
        );

        let mut c = StageCollector::default();
        for (raw, p) in [("Beta", 60.0), ("Alpha", 20.0), ("Gamma", 90.0)] {
            let ix = c.see("", raw);
            c.count_deal(ix);
            c.probability(ix, p);
        }
        let history_stage = c.see_in_history("", "Old Name");
        let table = c.finish(&[]);
        let orders: Vec<(&str, u32)> = table
            .entries
            .iter()
            .map(|e| (e.raw.as_str(), e.order))
            .collect();
        assert_eq!(
            orders,
            [("Beta", 2), ("Alpha", 1), ("Gamma", 3), ("Old Name", 4)]
        );
        assert!(table.get(history_stage).unwrap().history_only);
    }
}
