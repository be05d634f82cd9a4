//! Process: where each rep's deals leak — the funnel by cohort in stage order, the stage-to-stage transition
//! matrix (counted here, arranged for the view by [`crate::engine::metrics::transitions`]), time in stage and
//! stalled deals. It needs stage history where the export has it and says so where it has not; a deal's path
//! is read from its history, else from its current open stage.
//!
//! Rules, as stated in the report: a deal counts in a stage's cohort when it first entered that stage in the
//! period; a deal that reached a later stage passed the ones it skipped (a variant does not count those); a
//! won deal passed every stage; a lost deal is charged to the furthest open stage it reached. Rates are hidden when fewer
//! than 20 deals entered or fewer than 80% of them have closed or moved on. Step rates are never multiplied.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::metrics::prepared::{Prepared, lower_median};
use crate::engine::metrics::transitions::{MoveCounts, TransitionMatrix, matrices};
use crate::engine::model::words::Outcome;
use crate::engine::model::{DealIx, DealStatus, RepIx, StageIx};

/// Deals needed before a rate is shown.
pub const MIN_COHORT: u64 = 20;
/// Share of a cohort that must have moved on or closed before its rate is shown.
pub const MIN_RESOLVED: f64 = 0.8;
/// Deals of the rep's that must have entered a stage before it can be their leak.
pub const LEAK_MIN_DEALS: u64 = 5;
/// How far (in share of deals) a rep's conversion must fall below the team's for the stage to be a leak.
pub const LEAK_MIN_GAP: f64 = 0.05;

/// One deal's way through the open stages.
#[derive(Debug, Clone)]
pub struct Path {
    /// First entry into each open stage, in pipeline order (skipped stages not listed).
    pub entries: Vec<(StageIx, NaiveDate)>,
    pub outcome: Outcome,
    pub from_history: bool,
}

/// The open stages of a deal's pipeline, in order.
fn pipeline_stages(p: &Prepared<'_>, deal: usize) -> Vec<(StageIx, u32)> {
    let pipeline = p.model.text(p.model.deals.pipeline[deal]);
    let mut stages: Vec<(StageIx, u32)> = p
        .model
        .stages
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.pipeline == pipeline && e.outcome == Outcome::Open && !e.raw.is_empty())
        .map(|(i, e)| (i as StageIx, e.order))
        .collect();
    stages.sort_by_key(|(_, order)| *order);
    stages
}

/// Every deal's path, from its history where there is one (index = deal).
pub fn paths(p: &Prepared<'_>) -> Vec<Option<Path>> {
    let d = &p.model.deals;
    let h = &p.model.history;
    let mut from_history: Vec<Vec<(StageIx, NaiveDate)>> = vec![Vec::new(); d.len()];
    for k in 0..h.len() {
        let (deal, at) = (h.deal[k] as usize, h.at[k].date());
        if at > p.as_of {
            continue;
        }
        if let Some(stage) = h.stage[k]
            && p.model
                .stages
                .get(stage)
                .is_some_and(|e| e.outcome == Outcome::Open)
            && !from_history[deal].iter().any(|(s, _)| *s == stage)
        {
            from_history[deal].push((stage, at));
        }
    }
    (0..d.len())
        .map(|i| {
            let outcome = match d.status[i] {
                DealStatus::Won if d.closed_on[i].is_some_and(|c| c <= p.as_of) => Outcome::Won,
                DealStatus::Lost | DealStatus::Disqualified
                    if d.closed_on[i].is_some_and(|c| c <= p.as_of) =>
                {
                    Outcome::Lost
                }
                _ => Outcome::Open,
            };
            if !from_history[i].is_empty() {
                let mut entries = std::mem::take(&mut from_history[i]);
                let order = |s: StageIx| p.model.stages.get(s).map_or(u32::MAX, |e| e.order);
                entries.sort_by_key(|(s, at)| (order(*s), *at));
                return Some(Path {
                    entries,
                    outcome,
                    from_history: true,
                });
            }
            // No history: the current stage, when it is an open one (Pipedrive and Dynamics keep a closed deal
            // in its last open stage; Salesforce moves it to a closed stage, which tells nothing).
            let current = d.stage[i];
            let open_stage = p
                .model
                .stages
                .get(current)
                .is_some_and(|e| e.outcome == Outcome::Open && !e.raw.is_empty());
            if open_stage {
                let entered = d.created_on[i].unwrap_or(p.period.start);
                return Some(Path {
                    entries: vec![(current, entered)],
                    outcome,
                    from_history: false,
                });
            }
            if outcome == Outcome::Won {
                let entered = d.created_on[i].unwrap_or(p.period.start);
                return Some(Path {
                    entries: Vec::new(),
                    outcome,
                    from_history: false,
                })
                .map(|mut path| {
                    path.entries = pipeline_stages(p, i)
                        .first()
                        .map(|(s, _)| vec![(*s, entered)])
                        .unwrap_or_default();
                    path
                });
            }
            None
        })
        .collect()
}

/// One row of a funnel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FunnelStage {
    pub stage: String,
    pub order: u32,
    /// Deals whose first entry into the stage fell in the period.
    pub entered: u64,
    /// Of those, moved to a later stage or won.
    pub converted: u64,
    /// Lost with this as the furthest open stage they reached.
    pub lost: u64,
    /// Still here or further on, not yet closed.
    pub open: u64,
    pub won: u64,
    /// converted ÷ entered, when shown.
    pub rate: Option<f64>,
    /// converted ÷ entered whenever a deal entered, shown or not (what a hidden rate would have been).
    #[serde(default)]
    pub conversion: Option<f64>,
    /// won ÷ entered, when shown.
    pub to_won: Option<f64>,
    /// Why the rate is hidden.
    pub hidden: Option<String>,
    /// The deals of the cohort.
    #[serde(skip)]
    pub deals: Vec<DealIx>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Funnel {
    pub pipeline: String,
    pub stages: Vec<FunnelStage>,
}

/// Stage changes of one pipeline's deals from one stage to another in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// The pipeline of the deals that moved (empty when the export has a single pipeline or does not say).
    #[serde(default)]
    pub pipeline: String,
    pub from: String,
    pub to: String,
    pub deals: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageTime {
    pub pipeline: String,
    pub stage: String,
    pub median_days: Option<f64>,
    pub p75_days: Option<f64>,
    /// p75 of stays that ended in a win: the line past which an open deal is stalled.
    pub won_p75_days: Option<f64>,
    pub stays: u64,
}

/// The process metrics of a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProcessReport {
    /// False when no file gives stage history or usable current stages.
    pub available: bool,
    /// What is missing, as a sentence with the export to add.
    pub note: Option<String>,
    pub team: Vec<Funnel>,
    /// Each rep's funnel, for the small multiples (rep index → funnels).
    #[serde(skip)]
    pub by_rep: BTreeMap<Option<RepIx>, Vec<Funnel>>,
    /// The same funnels by rep name, in name order (what crosses to the UI): (rep, funnels).
    pub rep_funnels: Vec<(String, Vec<Funnel>)>,
    /// Every (pipeline, from, to) stage change counted, in pipeline then stage-index order.
    pub transitions: Vec<Transition>,
    /// The same changes as one matrix per pipeline, ready to lay out.
    #[serde(default)]
    pub transition_matrices: Vec<TransitionMatrix>,
    pub time_in_stage: Vec<StageTime>,
    /// Open deals longer in their stage than won deals usually stay there.
    #[serde(skip)]
    pub stalled: Vec<DealIx>,
    pub stalled_count: u64,
    /// Deals whose path is unknown (closed in a closed stage, no history).
    pub unknown_paths: u64,
    /// Each rep's conversion per stage of the team's first funnel against the team's, with the leak named
    /// (reps with deals in that pipeline, in name order).
    #[serde(default)]
    pub rep_vs_team: Vec<RepVsTeam>,
}

/// One stage of a rep's funnel against the team's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageVsTeam {
    pub stage: String,
    /// The rep's deals that entered the stage in the period, and of those, moved on.
    pub entered: u64,
    pub converted: u64,
    /// The rep's converted ÷ entered (`None` when none entered).
    pub conversion: Option<f64>,
    /// The team's converted ÷ entered.
    pub team_conversion: Option<f64>,
    /// This stage is the rep's leak.
    pub leak: bool,
    /// Fewer than [`MIN_COHORT`] of the rep's deals entered: too few to judge the conversion.
    #[serde(default)]
    pub too_few_deals: bool,
}

/// A rep's funnel against the team's, stage by stage in the team's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepVsTeam {
    pub rep: String,
    pub pipeline: String,
    pub stages: Vec<StageVsTeam>,
    /// The leak: the stage furthest below the team (by more than [`LEAK_MIN_GAP`]) among stages with at least
    /// [`LEAK_MIN_DEALS`] of the rep's deals and a conversion on both sides; the first such stage on a tie.
    pub leak: Option<String>,
}

/// `rep`'s `mine` funnel against the `team` funnel of the same pipeline, with its leak.
pub fn rep_vs_team(rep: &str, mine: &Funnel, team: &Funnel) -> RepVsTeam {
    let mut stages: Vec<StageVsTeam> = team
        .stages
        .iter()
        .map(|t| {
            let m = mine.stages.iter().find(|s| s.stage == t.stage);
            let entered = m.map_or(0, |s| s.entered);
            StageVsTeam {
                stage: t.stage.clone(),
                entered,
                converted: m.map_or(0, |s| s.converted),
                conversion: m.and_then(|s| s.conversion),
                team_conversion: t.conversion,
                leak: false,
                too_few_deals: entered < MIN_COHORT,
            }
        })
        .collect();
    let leak = stages
        .iter()
        .enumerate()
        .filter(|(_, s)| s.entered >= LEAK_MIN_DEALS)
        .filter_map(|(k, s)| Some((k, s.conversion? - s.team_conversion?)))
        .filter(|(_, below)| *below < -LEAK_MIN_GAP)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k);
    if let Some(s) = leak.and_then(|k| stages.get_mut(k)) {
        s.leak = true;
    }
    RepVsTeam {
        rep: rep.to_owned(),
        pipeline: team.pipeline.clone(),
        leak: leak.and_then(|k| stages.get(k)).map(|s| s.stage.clone()),
        stages,
    }
}

fn p75(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((values.len() as f64) * 0.75).ceil() as usize;
    values.get(rank.saturating_sub(1)).copied()
}

/// Funnels for a set of deals, per pipeline.
fn funnels(
    p: &Prepared<'_>,
    paths: &[Option<Path>],
    deals: &[usize],
    skipped_count: bool,
) -> Vec<Funnel> {
    let mut by_pipeline: BTreeMap<String, BTreeMap<StageIx, FunnelStage>> = BTreeMap::new();
    for &i in deals {
        let Some(path) = &paths[i] else { continue };
        let stages = pipeline_stages(p, i);
        let pipeline = p.model.text(p.model.deals.pipeline[i]).to_owned();
        let reached_order = path
            .entries
            .iter()
            .filter_map(|(s, _)| p.model.stages.get(*s).map(|e| e.order))
            .max();
        let furthest = match path.outcome {
            Outcome::Won => u32::MAX,
            _ => reached_order.unwrap_or(0),
        };
        for (k, (stage, order)) in stages.iter().enumerate() {
            if *order > furthest {
                break;
            }
            // When did it pass? Skipped stages counted: the first day it reached this stage or any later one
            // (a later fall-back to an earlier stage is not a new entry). Otherwise its own first entry.
            let own = path
                .entries
                .iter()
                .find(|(s, _)| s == stage)
                .map(|(_, at)| *at);
            let reached = || {
                path.entries
                    .iter()
                    .filter(|(s, _)| stages[k..].iter().any(|(later, _)| later == s))
                    .map(|(_, at)| *at)
                    .min()
                    .or_else(|| {
                        (path.outcome == Outcome::Won)
                            .then(|| p.model.deals.closed_on[i])
                            .flatten()
                    })
            };
            let entered = if skipped_count {
                reached()
            } else {
                own.or_else(|| (path.outcome == Outcome::Won).then(reached).flatten())
            };
            let Some(entered) = entered.filter(|at| p.period.contains(*at) && *at <= p.as_of)
            else {
                continue;
            };
            let _ = entered;
            let row = by_pipeline
                .entry(pipeline.clone())
                .or_default()
                .entry(*stage)
                .or_insert_with(|| FunnelStage {
                    stage: p
                        .model
                        .stages
                        .get(*stage)
                        .map(|e| e.raw.clone())
                        .unwrap_or_default(),
                    order: *order,
                    ..FunnelStage::default()
                });
            row.entered += 1;
            row.deals.push(i as DealIx);
            let moved_on = path.outcome == Outcome::Won || furthest > *order;
            if moved_on {
                row.converted += 1;
            } else if path.outcome == Outcome::Lost {
                row.lost += 1;
            } else {
                row.open += 1;
            }
            if path.outcome == Outcome::Won {
                row.won += 1;
            }
        }
    }
    by_pipeline
        .into_iter()
        .map(|(pipeline, rows)| {
            let mut stages: Vec<FunnelStage> = rows.into_values().collect();
            stages.sort_by_key(|s| s.order);
            for s in &mut stages {
                s.conversion = (s.entered > 0).then(|| s.converted as f64 / s.entered as f64);
                let resolved = (s.converted + s.lost) as f64 / s.entered.max(1) as f64;
                if s.entered < MIN_COHORT {
                    s.hidden = Some(format!(
                        "n = {}, too few to judge (at least {MIN_COHORT})",
                        s.entered
                    ));
                } else if resolved < MIN_RESOLVED {
                    s.hidden = Some(format!(
                        "only {:.0}% of these deals have moved on or closed (at least 80%)",
                        resolved * 100.0
                    ));
                } else {
                    s.rate = Some(s.converted as f64 / s.entered as f64);
                    s.to_won = Some(s.won as f64 / s.entered as f64);
                }
            }
            Funnel { pipeline, stages }
        })
        .collect()
}

/// The process report of the period, for the team and for each rep.
pub fn process(p: &Prepared<'_>, skipped_count: bool) -> ProcessReport {
    let d = &p.model.deals;
    let all_paths = paths(p);
    let any_history = all_paths.iter().flatten().any(|path| path.from_history);
    let scoped: Vec<usize> = (0..d.len()).filter(|&i| p.in_scope[i]).collect();
    let unknown = scoped.iter().filter(|&&i| all_paths[i].is_none()).count() as u64;
    let usable = scoped.iter().filter(|&&i| all_paths[i].is_some()).count();
    let mut report = ProcessReport {
        available: usable > 0,
        unknown_paths: unknown,
        ..ProcessReport::default()
    };
    if !any_history {
        report.note = Some(if usable == 0 {
            "No stage history in these files, and closed deals sit in closed stages: add the stage history export (Salesforce: the Opportunity History report or OpportunityHistory.csv; Zoho: Stage History) to see the funnel.".to_owned()
        } else {
            format!(
                "No stage history in these files: the funnel uses each deal's current stage ({unknown} closed deals whose last open stage is unknown are left out). Add the stage history export for paths, transitions and time in stage."
            )
        });
    }
    report.team = funnels(p, &all_paths, &scoped, skipped_count);
    let mut by_rep: BTreeMap<Option<RepIx>, Vec<usize>> = BTreeMap::new();
    for &i in &scoped {
        by_rep.entry(d.owner[i]).or_default().push(i);
    }
    report.by_rep = by_rep
        .into_iter()
        .map(|(rep, deals)| (rep, funnels(p, &all_paths, &deals, skipped_count)))
        .collect();
    report.rep_funnels = report
        .by_rep
        .iter()
        .filter_map(|(rep, f)| rep.map(|r| (p.model.rep_name(Some(r)).to_owned(), f.clone())))
        .collect();
    report.rep_funnels.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(team) = report.team.first() {
        report.rep_vs_team = report
            .rep_funnels
            .iter()
            .filter_map(|(rep, funnels)| {
                let mine = funnels.iter().find(|f| f.pipeline == team.pipeline)?;
                Some(rep_vs_team(rep, mine, team))
            })
            .collect();
    }

    // Transitions and stays, from history rows within the period.
    let h = &p.model.history;
    let mut transitions = MoveCounts::new();
    let mut stays: BTreeMap<StageIx, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let mut current_entry: Vec<Option<(StageIx, NaiveDate)>> = vec![None; d.len()];
    let mut k = 0;
    while k < h.len() {
        let deal = h.deal[k] as usize;
        let mut previous: Option<(StageIx, NaiveDate)> = None;
        while k < h.len() && h.deal[k] as usize == deal {
            let at = h.at[k].date();
            if let (Some(stage), true) = (h.stage[k], at <= p.as_of && p.in_scope[deal]) {
                match previous {
                    Some((from, since)) if from != stage => {
                        if p.period.contains(at) {
                            let pipeline = p.model.text(d.pipeline[deal]).to_owned();
                            *transitions.entry((pipeline, from, stage)).or_default() += 1;
                            let days = (at - since).num_days().max(0) as f64;
                            let entry = stays.entry(from).or_default();
                            entry.0.push(days);
                            if d.status[deal] == DealStatus::Won {
                                entry.1.push(days);
                            }
                        }
                        previous = Some((stage, at));
                    }
                    None => previous = Some((stage, at)),
                    _ => {}
                }
            }
            k += 1;
        }
        current_entry[deal] = previous;
    }
    let name = |s: StageIx| {
        p.model
            .stages
            .get(s)
            .map(|e| e.raw.clone())
            .unwrap_or_default()
    };
    report.transition_matrices = matrices(&transitions, &p.model.stages);
    report.transitions = transitions
        .into_iter()
        .map(|((pipeline, from, to), deals)| Transition {
            pipeline,
            from: name(from),
            to: name(to),
            deals,
        })
        .collect();
    let mut won_p75: BTreeMap<StageIx, f64> = BTreeMap::new();
    report.time_in_stage = stays
        .into_iter()
        .map(|(stage, (mut all, mut won))| {
            let won_line = p75(&mut won);
            if let Some(line) = won_line {
                won_p75.insert(stage, line);
            }
            StageTime {
                pipeline: p
                    .model
                    .stages
                    .get(stage)
                    .map(|e| e.pipeline.clone())
                    .unwrap_or_default(),
                stage: name(stage),
                stays: all.len() as u64,
                p75_days: p75(&mut all),
                median_days: lower_median(&mut all),
                won_p75_days: won_line,
            }
        })
        .collect();
    report.time_in_stage.sort_by_key(|t| {
        p.model
            .stages
            .entries
            .iter()
            .find(|e| e.raw == t.stage && e.pipeline == t.pipeline)
            .map_or(u32::MAX, |e| e.order)
    });
    // Stalled: open now, in their stage longer than won deals' p75 there.
    for &i in &scoped {
        if d.status[i] != DealStatus::Open {
            continue;
        }
        let (stage, since) = match current_entry[i] {
            Some((stage, since)) if stage == d.stage[i] => (stage, since),
            _ => continue,
        };
        if let Some(line) = won_p75.get(&stage)
            && ((p.as_of - since).num_days() as f64) > *line
        {
            report.stalled.push(i as DealIx);
        }
    }
    report.stalled_count = report.stalled.len() as u64;
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A funnel of (stage, entered, converted) rows, with conversions as [`funnels`] sets them.
    fn funnel(rows: &[(&str, u64, u64)]) -> Funnel {
        Funnel {
            pipeline: "New".to_owned(),
            stages: rows
                .iter()
                .map(|&(stage, entered, converted)| FunnelStage {
                    stage: stage.to_owned(),
                    entered,
                    converted,
                    conversion: (entered > 0).then(|| converted as f64 / entered as f64),
                    ..FunnelStage::default()
                })
                .collect(),
        }
    }

    #[test]
    fn the_leak_is_the_stage_furthest_below_the_team_with_enough_deals() {
        // Team: Discovery 50%, Demo 50%, Proposal 50%, Close 50%.
        let team = funnel(&[
            ("Discovery", 40, 20),
            ("Demo", 40, 20),
            ("Proposal", 40, 20),
            ("Close", 40, 20),
        ]);
        // Discovery 4 deals (too few, though 0%), Demo 30% (−20 points), Proposal 40% (−10), no Close.
        let mine = funnel(&[("Discovery", 4, 0), ("Demo", 10, 3), ("Proposal", 5, 2)]);
        let r = rep_vs_team("Ann", &mine, &team);
        assert_eq!(r.leak.as_deref(), Some("Demo"));
        type Row<'a> = (&'a str, u64, Option<f64>, Option<f64>, bool);
        let rows: Vec<Row> = r
            .stages
            .iter()
            .map(|s| {
                (
                    s.stage.as_str(),
                    s.entered,
                    s.conversion,
                    s.team_conversion,
                    s.leak,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("Discovery", 4, Some(0.0), Some(0.5), false),
                ("Demo", 10, Some(0.3), Some(0.5), true),
                ("Proposal", 5, Some(0.4), Some(0.5), false),
                ("Close", 0, None, Some(0.5), false),
            ]
        );
        // Every stage of Ann's had fewer than 20 deals; 20 is enough.
        assert!(r.stages.iter().all(|s| s.too_few_deals));
        let enough = funnel(&[("Demo", 20, 10), ("Proposal", 19, 9)]);
        let flags: Vec<bool> = rep_vs_team("Di", &enough, &team)
            .stages
            .iter()
            .map(|s| s.too_few_deals)
            .collect();
        assert_eq!(flags, [true, false, true, true]);
        // Within 5 points of the team everywhere: no leak.
        let close = funnel(&[("Demo", 10, 5), ("Proposal", 20, 9)]);
        assert_eq!(rep_vs_team("Bo", &close, &team).leak, None);
        // Two stages equally far below: the first in stage order.
        let tie = funnel(&[("Demo", 10, 3), ("Proposal", 10, 3)]);
        assert_eq!(rep_vs_team("Cy", &tie, &team).leak.as_deref(), Some("Demo"));
    }

    #[test]
    fn p75_is_the_value_three_quarters_up() {
        assert_eq!(p75(&mut []), None);
        assert_eq!(p75(&mut [1.0, 2.0, 3.0, 4.0]), Some(3.0));
        assert_eq!(p75(&mut [10.0]), Some(10.0));
        assert_eq!(p75(&mut [5.0, 1.0, 4.0, 2.0, 3.0]), Some(4.0));
    }
}
