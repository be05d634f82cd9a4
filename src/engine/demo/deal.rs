//! What a deal is in the demo: its stages (with the probabilities and forecast categories the exports
//! show, the categories as each rep's habit calls them), its kind and pipeline, and its history of steps.

use chrono::{NaiveDate, NaiveDateTime};

use super::world::Habit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Stage {
    Prospecting,
    Qualification,
    Discovery,
    Proposal,
    Negotiation,
    Won,
    Lost,
}

impl Stage {
    pub(super) fn open(index: usize) -> Stage {
        match index {
            0 => Stage::Prospecting,
            1 => Stage::Qualification,
            2 => Stage::Discovery,
            3 => Stage::Proposal,
            _ => Stage::Negotiation,
        }
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Stage::Prospecting => "Prospecting",
            Stage::Qualification => "Qualification",
            Stage::Discovery => "Discovery",
            Stage::Proposal => "Proposal",
            Stage::Negotiation => "Negotiation",
            Stage::Won => "Closed Won",
            Stage::Lost => "Closed Lost",
        }
    }

    pub(super) fn percent(self) -> u32 {
        match self {
            Stage::Prospecting => 10,
            Stage::Qualification => 20,
            Stage::Discovery => 40,
            Stage::Proposal => 60,
            Stage::Negotiation => 80,
            Stage::Won => 100,
            Stage::Lost => 0,
        }
    }

    pub(super) fn forecast(self) -> &'static str {
        match self {
            Stage::Prospecting | Stage::Qualification | Stage::Discovery => "Pipeline",
            Stage::Proposal => "Best Case",
            Stage::Negotiation => "Commit",
            Stage::Won => "Closed",
            Stage::Lost => "Omitted",
        }
    }

    /// The category a rep with this habit gives the stage: an optimist calls Commit from Qualification on, a
    /// sandbagger keeps Negotiation in Best Case and Proposal in Pipeline.
    pub(super) fn forecast_by(self, habit: Habit) -> &'static str {
        match (habit, self) {
            (Habit::Optimistic, Stage::Qualification | Stage::Discovery | Stage::Proposal) => {
                "Commit"
            }
            (Habit::Sandbagger, Stage::Negotiation) => "Best Case",
            (Habit::Sandbagger, Stage::Proposal) => "Pipeline",
            _ => self.forecast(),
        }
    }

    pub(super) fn closed(self) -> bool {
        matches!(self, Stage::Won | Stage::Lost)
    }

    /// Days a deal usually spends in the stage (before the rep's cycle factor).
    pub(super) fn days(self) -> (f64, f64) {
        match self {
            Stage::Prospecting => (5.0, 20.0),
            Stage::Qualification => (7.0, 25.0),
            Stage::Discovery => (10.0, 30.0),
            Stage::Proposal => (10.0, 35.0),
            _ => (7.0, 28.0),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DealKind {
    NewBusiness,
    Expansion,
    Renewal,
}

impl DealKind {
    pub(super) fn label(self) -> &'static str {
        match self {
            DealKind::NewBusiness => "New Business",
            DealKind::Expansion => "Expansion",
            DealKind::Renewal => "Renewal",
        }
    }

    pub(super) fn pipeline(self) -> &'static str {
        match self {
            DealKind::Renewal => "Renewals",
            _ => "New Business",
        }
    }
}

/// One row of a deal's history: the deal as it stood from `at`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Step {
    /// GMT.
    pub(super) at: NaiveDateTime,
    pub(super) stage: Stage,
    pub(super) amount_cents: i64,
    pub(super) close: NaiveDate,
}

#[derive(Debug, Clone)]
pub(super) struct Deal {
    /// The owner at the as-of date.
    pub(super) rep: usize,
    /// The owner before a hand-over, and the day of it.
    pub(super) first_rep: usize,
    pub(super) handed_over_on: Option<NaiveDate>,
    pub(super) kind: DealKind,
    pub(super) account: String,
    pub(super) product: &'static str,
    pub(super) name: String,
    pub(super) lead_source: &'static str,
    pub(super) lost_reason: &'static str,
    /// Rows on or before the as-of date, the first at creation.
    pub(super) steps: Vec<Step>,
    /// Days without any touch (a stuck deal): no activity is linked to it then.
    pub(super) quiet: Option<(NaiveDate, NaiveDate)>,
    pub(super) reopened: bool,
    pub(super) skipped: bool,
    pub(super) slipped: bool,
    pub(super) sf_id: String,
    pub(super) hs_id: u64,
    pub(super) last_activity: Option<NaiveDate>,
    /// Creation order within its rep, to sort deals created at the same instant.
    pub(super) seq: u64,
}

impl Deal {
    pub(super) fn created(&self) -> NaiveDateTime {
        self.steps.first().map_or(NaiveDateTime::MIN, |s| s.at)
    }

    pub(super) fn last(&self) -> Step {
        self.steps.last().copied().unwrap_or(Step {
            at: NaiveDateTime::MIN,
            stage: Stage::Prospecting,
            amount_cents: 0,
            close: NaiveDate::MIN,
        })
    }

    pub(super) fn stage(&self) -> Stage {
        self.last().stage
    }

    /// The close date of a closed deal.
    pub(super) fn closed_on(&self) -> Option<NaiveDate> {
        let last = self.last();
        last.stage.closed().then(|| last.at.date())
    }

    /// The stage the deal was in on a day (`None` before it was created).
    pub(super) fn stage_on(&self, date: NaiveDate) -> Option<Stage> {
        self.steps
            .iter()
            .take_while(|s| s.at.date() <= date)
            .last()
            .map(|s| s.stage)
    }

    /// Who owned the deal on a day.
    pub(super) fn owner_on(&self, date: NaiveDate) -> usize {
        match self.handed_over_on {
            Some(day) if date < day => self.first_rep,
            _ => self.rep,
        }
    }

    /// The deal as an export taken at the end of `day` would show it: its rows up to that day and its owner
    /// then; `None` when it was created later. The last activity is kept only when it is on or before the
    /// day (an earlier one is not known here, so the column is then empty).
    pub(super) fn as_it_was(&self, day: NaiveDate) -> Option<Deal> {
        if self.created().date() > day {
            return None;
        }
        let mut then = self.clone();
        then.steps.retain(|s| s.at.date() <= day);
        then.rep = self.owner_on(day);
        if then.rep == self.first_rep {
            then.handed_over_on = None;
        }
        then.last_activity = self.last_activity.filter(|d| *d <= day);
        Some(then)
    }

    /// The day the deal last changed stage (or was created).
    pub(super) fn last_stage_change(&self) -> NaiveDate {
        let mut day = self.created().date();
        let mut previous: Option<Stage> = None;
        for step in &self.steps {
            if previous != Some(step.stage) {
                day = step.at.date();
            }
            previous = Some(step.stage);
        }
        day
    }
}
