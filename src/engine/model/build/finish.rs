//! After every file is read, in a few steps ([`Finish`], a part per step): the stage table is decided
//! (history sequences order stages that carry no other evidence); history rows are laid down in order with
//! stage changes marked; each deal gets its status (disqualified told apart from lost) and its close date
//! (from history, the won/lost time, the actual close column, or the expected close, and each file says how
//! many came from where); each closed deal the rep it is credited to (the owner at close, where owner
//! history covers it); then the roster is matched across files, what to review is listed, and each file
//! says what it covers.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::engine::ingest::FileId;
use crate::engine::ingest::report::Assumption;
use crate::engine::model::build::context::{Context, DealFlags, OwnerChange};
use crate::engine::model::build::types::FileModel;
use crate::engine::model::people::Roster;
use crate::engine::model::review::{
    ReviewItem, file_scope, people_and_marks, possible_duplicates, test_records,
};
use crate::engine::model::words::{Outcome, fold};
use crate::engine::model::{ClosedOnFrom, DealIx, DealStatus, Deals, Field, Kind, Merge, StageIx};
use crate::engine::numfmt::thousands;

/// The parts of the finish, in order.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Part {
    #[default]
    StageTable,
    History,
    Outcomes,
    Credit,
    Roster,
    Duplicates,
    TestRecords,
    Review,
    Scope,
    Done,
}

/// The finish in progress: the next part, what the parts done leave for the next, and what they give.
#[derive(Default)]
pub(super) struct Finish {
    next: Part,
    /// When each deal last entered a closed stage, from history (the history part's, for the outcomes).
    closed_at: HashMap<DealIx, NaiveDate>,
    /// Closed deals by file and by where their close date came from (the outcomes part's, for the notes).
    from_counts: HashMap<(FileId, ClosedOnFrom), u64>,
    /// The user's roster choices that could not apply.
    pub(super) warnings: Vec<String>,
    /// Cross-file rep matches, each undoable.
    pub(super) merges: Vec<Merge>,
    pub(super) review: Vec<ReviewItem>,
}

impl Finish {
    /// Parts in all: a step each.
    pub(super) const PARTS: usize = 9;

    /// Every part is done.
    pub(super) fn is_done(&self) -> bool {
        self.next == Part::Done
    }

    /// Does the next part (nothing once every part is done).
    pub(super) fn step(&mut self, ctx: &mut Context, files: &mut [FileModel]) {
        self.next = match self.next {
            Part::StageTable => {
                ctx.decide_stages();
                Part::History
            }
            Part::History => {
                self.closed_at = ctx.lay_history();
                Part::Outcomes
            }
            Part::Outcomes => {
                self.from_counts = ctx.deal_outcomes(&self.closed_at);
                Part::Credit
            }
            Part::Credit => {
                ctx.credit(files, &self.from_counts);
                Part::Roster
            }
            Part::Roster => {
                (self.warnings, self.merges) = ctx.match_roster();
                Part::Duplicates
            }
            Part::Duplicates => {
                self.review = possible_duplicates(&ctx.model);
                Part::TestRecords
            }
            Part::TestRecords => {
                self.review.extend(test_records(&ctx.model));
                Part::Review
            }
            Part::Review => {
                people_and_marks(&mut ctx.model, &ctx.settings, &mut self.review);
                Part::Scope
            }
            Part::Scope => {
                for file in files.iter_mut() {
                    file.scope = file_scope(&ctx.model, file.file_id, file.mapping.kind);
                }
                Part::Done
            }
            Part::Done => Part::Done,
        };
    }
}

impl Context {
    /// The stage table: an older export's rows become history, history sequences order the stages.
    fn decide_stages(&mut self) {
        // A deal seen in an older export: its current values are a history row on the day they were taken.
        for (&deal, taken) in &self.snapshot_deals {
            if let Some(day) = taken {
                let d = &self.model.deals;
                let ix = deal as usize;
                self.pending_history.push((
                    deal,
                    day.and_hms_opt(0, 0, 0).unwrap_or_default(),
                    Some(d.stage[ix]),
                    d.amount_cents[ix],
                    d.expected_close_on[ix],
                    d.probability[ix],
                    d.forecast_category[ix],
                ));
            }
        }
        // History sequences order stages that carry no other evidence.
        self.pending_history.sort_by_key(|h| (h.0, h.1));
        let mut start = 0;
        while start < self.pending_history.len() {
            let deal = self.pending_history[start].0;
            let end = self.pending_history[start..]
                .iter()
                .position(|h| h.0 != deal)
                .map_or(self.pending_history.len(), |p| start + p);
            let sequence: Vec<StageIx> = self.pending_history[start..end]
                .iter()
                .filter_map(|h| h.2)
                .collect();
            self.stages.history_sequence(&sequence);
            start = end;
        }
        let collector = std::mem::take(&mut self.stages);
        self.model.stages = collector.finish(&self.settings.stages);
    }

    /// History rows, in order, with stage changes marked; gives when each deal last entered a closed stage.
    fn lay_history(&mut self) -> HashMap<DealIx, NaiveDate> {
        let stages = &self.model.stages;
        let h = &mut self.model.history;
        let mut previous: Option<(DealIx, Option<StageIx>)> = None;
        for (deal, at, stage, amount, close, probability, category) in &self.pending_history {
            let changed = match previous {
                Some((d, s)) if d == *deal => stage.is_some() && *stage != s,
                _ => stage.is_some(),
            };
            previous = Some((
                *deal,
                stage.or(previous
                    .and_then(|(d, s)| (d == *deal).then_some(s))
                    .flatten()),
            ));
            h.deal.push(*deal);
            h.at.push(*at);
            h.stage.push(*stage);
            h.amount_cents.push(*amount);
            h.expected_close_on.push(*close);
            h.probability.push(*probability);
            h.forecast_category.push(*category);
            h.stage_changed.push(changed);
        }

        // When each deal last entered a closed stage, from history.
        let mut closed_at: HashMap<DealIx, NaiveDate> = HashMap::new();
        let mut previous_closed: HashMap<DealIx, bool> = HashMap::new();
        for i in 0..self.model.history.len() {
            let (deal, stage, at) = (
                self.model.history.deal[i],
                self.model.history.stage[i],
                self.model.history.at[i],
            );
            let Some(stage) = stage else { continue };
            if self.snapshot_deals.contains_key(&deal) {
                // An export's day is not the day a deal closed.
                continue;
            }
            let closed = stages.outcome(stage) != Outcome::Open;
            let was_closed = previous_closed.insert(deal, closed).unwrap_or(false);
            if closed && !was_closed {
                closed_at.insert(deal, at.date());
            }
        }
        closed_at
    }

    /// Each deal's status and close date; gives the closed deals by file and by where the date came from.
    fn deal_outcomes(
        &mut self,
        closed_at: &HashMap<DealIx, NaiveDate>,
    ) -> HashMap<(FileId, ClosedOnFrom), u64> {
        let stages = &self.model.stages;
        let mut from_counts: HashMap<(FileId, ClosedOnFrom), u64> = HashMap::new();
        let d = &mut self.model.deals;
        for ix in 0..d.len() {
            let flags = self.deal_flags.get(ix).cloned().unwrap_or_default();
            let stage_outcome = stages
                .get(d.stage[ix])
                .filter(|e| !e.raw.is_empty())
                .map(|e| e.outcome);
            let outcome = flags.status.or(stage_outcome).unwrap_or(Outcome::Open);
            let stage_text = fold(stages.get(d.stage[ix]).map_or("", |e| e.raw.as_str()));
            let reason_text = fold(self.model.strings.get(d.lost_reason[ix]));
            d.status[ix] = match outcome {
                Outcome::Open => DealStatus::Open,
                Outcome::Won => DealStatus::Won,
                Outcome::Lost
                    if ["disqualif", "descalific", "unqualif", "nao qualific"]
                        .iter()
                        .any(|w| stage_text.contains(w) || reason_text.contains(w)) =>
                {
                    DealStatus::Disqualified
                }
                Outcome::Lost => DealStatus::Lost,
            };
            if d.created_on[ix].is_none()
                && let Some(created) = self.lead_created.get(&flags.lead_id)
            {
                d.created_on[ix] = Some(*created);
            }
            if outcome == Outcome::Open {
                continue;
            }
            let outcome_time = if outcome == Outcome::Won {
                flags.won_on
            } else {
                flags.lost_on
            };
            let (closed_on, from) = if let Some(date) = closed_at.get(&(ix as DealIx)) {
                (Some(*date), ClosedOnFrom::History)
            } else if let Some(date) = outcome_time {
                (Some(date), ClosedOnFrom::WonLostTime)
            } else if let Some(date) = flags.closed_column_on {
                (Some(date), ClosedOnFrom::ClosedColumn)
            } else if let Some(date) = d.expected_close_on[ix] {
                (Some(date), ClosedOnFrom::CloseDate)
            } else if let Some(date) = flags.updated_on.filter(|_| !flags.updated_left_out) {
                (Some(date), ClosedOnFrom::Updated)
            } else {
                (None, ClosedOnFrom::None)
            };
            d.closed_on[ix] = closed_on;
            d.closed_on_from[ix] = from;
            *from_counts.entry((d.file[ix], from)).or_insert(0) += 1;
        }
        from_counts
    }

    /// Credit: each closed deal to its owner at close, where owner history covers it; each deals file's
    /// notes on its close dates and credit.
    fn credit(
        &mut self,
        files: &mut [FileModel],
        from_counts: &HashMap<(FileId, ClosedOnFrom), u64>,
    ) {
        let d = &mut self.model.deals;
        self.owner_changes.sort_by_key(|c| (c.0, c.1));
        let mut changes: HashMap<DealIx, Vec<OwnerChange>> = HashMap::new();
        for (deal, at, old, new) in &self.owner_changes {
            changes.entry(*deal).or_default().push((*at, *old, *new));
        }
        let mut credited_by_history = 0u64;
        for (deal, list) in &changes {
            let ix = *deal as usize;
            let Some(closed_on) = d.closed_on.get(ix).copied().flatten() else {
                continue;
            };
            let at_close = list
                .iter()
                .rev()
                .find(|(at, _, _)| at.date() <= closed_on)
                .map(|(_, _, new)| *new)
                .or_else(|| list.first().map(|(_, old, _)| *old));
            if let Some(owner) = at_close {
                d.credited[ix] = owner;
                d.owner_assumed_current[ix] = false;
                credited_by_history += 1;
            }
        }
        for ix in 0..d.len() {
            if d.status[ix] == DealStatus::Open || changes.contains_key(&(ix as DealIx)) {
                d.owner_assumed_current[ix] =
                    d.status[ix] != DealStatus::Open && !changes.contains_key(&(ix as DealIx));
            }
        }

        for file in files.iter_mut().filter(|f| f.mapping.kind == Kind::Deals) {
            let count = |from| from_counts.get(&(file.file_id, from)).copied().unwrap_or(0);
            let parts: Vec<String> = [
                (ClosedOnFrom::History, "the stage history"),
                (ClosedOnFrom::WonLostTime, "the won or lost time"),
                (ClosedOnFrom::ClosedColumn, "the actual close date"),
                (ClosedOnFrom::CloseDate, "the close date"),
                (ClosedOnFrom::Updated, "the day last changed"),
                (ClosedOnFrom::None, "nothing (no date)"),
            ]
            .iter()
            .filter(|(from, _)| count(*from) > 0)
            .map(|(from, words)| format!("{} from {words}", count(*from)))
            .collect();
            if !parts.is_empty() {
                file.notes.push(format!(
                    "Close dates of closed deals: {}.",
                    parts.join(", ")
                ));
            }
            closed_without_date(file, d, &self.deal_flags);
            let closed: u64 = (0..d.len())
                .filter(|&i| d.file[i] == file.file_id && d.status[i] != DealStatus::Open)
                .count() as u64;
            file.notes.push(if changes.is_empty() {
                format!("Credit: no owner history, so {closed} closed deals are credited to their current owner.")
            } else {
                format!("Credit: {credited_by_history} closed deals to their owner at close (owner history); the rest to their current owner.")
            });
        }
    }

    /// The roster: the user's choices applied (gives those that could not be), reps matched across files
    /// (gives the matches) and kept in the model.
    fn match_roster(&mut self) -> (Vec<String>, Vec<Merge>) {
        let mut deals_owned = vec![0u32; self.roster_len()];
        for owner in self.model.deals.owner.iter().flatten() {
            if let Some(n) = deals_owned.get_mut(*owner as usize) {
                *n += 1;
            }
        }
        let mut roster = std::mem::replace(&mut self.roster, Roster::new(&[]));
        let warnings = roster.set_by_hand(&self.settings.roster);
        let (reps, merges) = roster.finish(&deals_owned);
        self.model.reps = reps;
        (warnings, merges)
    }
}

/// The assumption id: a closed deal with no close date of its own takes the day it last changed.
pub const CLOSED_WITHOUT_DATE: &str = "closed_without_date";

/// What a deals file's closed deals without a close date of their own became, said on its card: dated by
/// the day they last changed (a switchable assumption), left out by the user's choice, or left out for want
/// of any date — never silently, since a lost deal without a date would vanish from every win rate.
fn closed_without_date(file: &mut FileModel, d: &Deals, flags: &[DealFlags]) {
    let closed = |i: usize| d.file[i] == file.file_id && d.status[i] != DealStatus::Open;
    let count = |pick: &dyn Fn(usize) -> bool| -> (u64, u64) {
        (0..d.len())
            .filter(|&i| closed(i) && pick(i))
            .fold((0, 0), |(won, lost), i| {
                if d.status[i] == DealStatus::Won {
                    (won + 1, lost)
                } else {
                    (won, lost + 1)
                }
            })
    };
    // Its day of last change was there, but the user chose to leave such deals out.
    let withheld_at = |i: usize| {
        flags
            .get(i)
            .is_some_and(|f| f.updated_left_out && f.updated_on.is_some())
    };
    let dated = count(&|i| d.closed_on_from[i] == ClosedOnFrom::Updated);
    let withheld = count(&|i| d.closed_on[i].is_none() && withheld_at(i));
    let undated = count(&|i| d.closed_on[i].is_none() && !withheld_at(i));
    let column = file
        .mapping
        .column(Field::StageChanged)
        .or_else(|| file.mapping.column(Field::Modified))
        .map(str::to_owned);
    let n = |count: u64, what: &str| {
        let (noun, verb) = if count == 1 {
            ("deal", "has")
        } else {
            ("deals", "have")
        };
        (format!("{} {what} {noun}", thousands(count)), verb)
    };
    // "4 lost deals have", "1 lost deal has", "2 lost and 1 won deals have".
    let deals = |(won, lost): (u64, u64)| {
        let (text, verb) = match (won, lost) {
            (0, lost) => n(lost, "lost"),
            (won, 0) => n(won, "won"),
            (won, lost) => (
                format!("{} lost and {} won deals", thousands(lost), thousands(won)),
                "have",
            ),
        };
        format!("{text} {verb}")
    };
    let some = |(won, lost): (u64, u64)| won + lost > 0;
    if let Some(column) = column
        && (some(dated) || some(withheld))
    {
        let (text, choice, other) = if some(dated) {
            (
                format!(
                    "{} no close date — using '{column}', the day each last changed: a deal edited after it closed is counted as closing then.",
                    deals(dated)
                ),
                "updated_date",
                "leave_out",
            )
        } else {
            (
                format!(
                    "{} no close date and are left out of every rate and period, as you chose ('{column}' could date them).",
                    deals(withheld)
                ),
                "leave_out",
                "updated_date",
            )
        };
        file.assume(Assumption {
            id: CLOSED_WITHOUT_DATE.to_owned(),
            column: Some(column),
            text,
            choice: choice.to_owned(),
            alternatives: vec![other.to_owned()],
        });
    }
    if some(undated) {
        file.notes.push(format!(
            "{} no close date and no date of a last change: they are left out of every rate and period, so the win rate counts only the rest. Map a date column (closed, won or lost date, last modified) to count them.",
            deals(undated)
        ));
    }
}
