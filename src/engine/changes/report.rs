//! The answer: what changed between two exports of the same deals, as the CLI prints it in JSON and the app
//! will lay it out. Every tally holds a count of deals and an amount in the home currency, both as units
//! (`amount`, for reading) and as exact hundredths (`amount_cents`, which the identity
//! `start + Σ movements = end` holds on, per rep and for the team).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::metrics::money::Unconverted;

/// The period the waterfall covers. `start` and `end` are `null` for `all` (every close date).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesPeriod {
    pub label: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// A number of deals and their amount in the home currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub deals: u64,
    /// In home-currency units (`amount_cents / 100`).
    #[serde(rename = "amount")]
    pub amount_home: f64,
    /// In hundredths of the home currency: exact.
    #[serde(rename = "amount_cents")]
    pub amount_home_cents: i64,
}

impl Tally {
    /// Adds one deal of `amount_home_cents` (negative for a deal leaving the period's pipeline).
    pub fn add(&mut self, amount_home_cents: i64) {
        self.deals += 1;
        self.amount_home_cents += amount_home_cents;
        self.amount_home = self.amount_home_cents as f64 / 100.0;
    }
}

/// One tally per movement, in the order the waterfall draws them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Movements {
    pub won: Tally,
    pub lost: Tally,
    pub moved_out: Tally,
    pub missing: Tally,
    pub new: Tally,
    pub pulled_in: Tally,
    pub reopened: Tally,
    pub amount_change: Tally,
}

impl Movements {
    pub fn get_mut(&mut self, movement: Movement) -> &mut Tally {
        match movement {
            Movement::Won => &mut self.won,
            Movement::Lost => &mut self.lost,
            Movement::MovedOut => &mut self.moved_out,
            Movement::Missing => &mut self.missing,
            Movement::New => &mut self.new,
            Movement::PulledIn => &mut self.pulled_in,
            Movement::Reopened => &mut self.reopened,
            Movement::AmountChange => &mut self.amount_change,
        }
    }

    pub fn get(&self, movement: Movement) -> &Tally {
        match movement {
            Movement::Won => &self.won,
            Movement::Lost => &self.lost,
            Movement::MovedOut => &self.moved_out,
            Movement::Missing => &self.missing,
            Movement::New => &self.new,
            Movement::PulledIn => &self.pulled_in,
            Movement::Reopened => &self.reopened,
            Movement::AmountChange => &self.amount_change,
        }
    }

    /// Σ of every movement's amount, in hundredths of the home currency.
    pub fn sum_cents(&self) -> i64 {
        Movement::ALL
            .iter()
            .map(|m| self.get(*m).amount_home_cents)
            .sum()
    }
}

/// The pipeline of the period in BEFORE (`start`), what moved it, and the pipeline in AFTER (`end`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Waterfall {
    pub start: Tally,
    pub end: Tally,
    pub movements: Movements,
}

/// A rep's waterfall (deals count for their AFTER owner; see [`DealChange::reassigned`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepChanges {
    pub rep: String,
    /// The rep's stable key (a normalised e-mail or name); `None` for deals without an owner.
    pub rep_id: Option<String>,
    #[serde(flatten)]
    pub waterfall: Waterfall,
}

/// How a deal moved the period's pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// In the start, won in AFTER: −BEFORE amount.
    Won,
    /// In the start, lost (or disqualified) in AFTER: −BEFORE amount.
    Lost,
    /// In the start, still open in AFTER with a close date outside the period (or none): −BEFORE amount.
    MovedOut,
    /// In the start, absent from AFTER (deleted, merged or filtered out of the export): −BEFORE amount.
    Missing,
    /// In the end, absent from BEFORE: +AFTER amount.
    New,
    /// In the end, open in BEFORE with a close date outside the period (or none): +AFTER amount.
    PulledIn,
    /// In the end, closed in BEFORE: +AFTER amount.
    Reopened,
    /// In the start and the end with another amount: AFTER − BEFORE amount.
    AmountChange,
}

impl Movement {
    /// In the order of the waterfall: deals leaving, deals joining, then amount changes.
    pub const ALL: [Movement; 8] = [
        Movement::Won,
        Movement::Lost,
        Movement::MovedOut,
        Movement::Missing,
        Movement::New,
        Movement::PulledIn,
        Movement::Reopened,
        Movement::AmountChange,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Movement::Won => "won",
            Movement::Lost => "lost",
            Movement::MovedOut => "moved_out",
            Movement::Missing => "missing",
            Movement::New => "new",
            Movement::PulledIn => "pulled_in",
            Movement::Reopened => "reopened",
            Movement::AmountChange => "amount_change",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Movement::Won => "Won",
            Movement::Lost => "Lost",
            Movement::MovedOut => "Moved out",
            Movement::Missing => "Missing from AFTER",
            Movement::New => "New",
            Movement::PulledIn => "Pulled in",
            Movement::Reopened => "Reopened",
            Movement::AmountChange => "Amount change",
        }
    }
}

/// A change of a deal that is not a movement of the waterfall, listed per deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Open in both with both close dates in the period, and another close date.
    CloseDateInPeriod,
    /// Open in both, in a later stage.
    StageForward,
    /// Open in both, in an earlier stage.
    StageBack,
    /// Open in both, in another forecast category (Best Case → Commit …).
    Category,
    /// Another owner: the deal counts for the AFTER owner.
    Reassigned,
    /// In BEFORE, not in AFTER (in the waterfall as `missing` when it was in the start).
    MissingFromAfter,
    /// Its amount could not be converted to the home currency: listed, left out of every tally.
    NoRate,
}

impl Change {
    /// The change in words, as the deal list writes it.
    pub fn label(self) -> &'static str {
        match self {
            Change::CloseDateInPeriod => "close date moved in the period",
            Change::StageForward => "stage forward",
            Change::StageBack => "stage back",
            Change::Category => "category changed",
            Change::Reassigned => "reassigned",
            Change::MissingFromAfter => "missing from AFTER",
            Change::NoRate => "no exchange rate",
        }
    }
}

/// A deal as one export holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealState {
    pub rep: String,
    pub stage: String,
    /// `open`, `won`, `lost` or `disqualified`.
    pub status: String,
    /// The expected close date of an open deal, the close date of a closed one.
    pub close_date: Option<NaiveDate>,
    pub in_period: bool,
    /// In the deal's currency (units); `None` when the export gives no amount.
    pub amount_in_deal_currency: Option<f64>,
    pub deal_currency: String,
    /// In home-currency units; `None` without a rate (or without an amount).
    #[serde(rename = "amount")]
    pub amount_home: Option<f64>,
    pub category: String,
}

/// A deal that changed: its movement in the waterfall (if any), its other changes, and both states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealChange {
    pub id: String,
    pub name: String,
    /// The rep it counts for: the AFTER owner, or the BEFORE owner when it is not in AFTER.
    pub rep: String,
    pub movement: Option<Movement>,
    /// What the deal adds to the waterfall, in hundredths of the home currency (0 without a movement
    /// or without a rate).
    #[serde(rename = "amount_cents")]
    pub amount_home_cents: i64,
    pub changes: Vec<Change>,
    pub before: Option<DealState>,
    pub after: Option<DealState>,
}

/// What changed between two exports of the same deals, for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesReport {
    pub period: ChangesPeriod,
    /// The day the BEFORE export was taken, and how that was decided.
    pub before: NaiveDate,
    pub before_from: String,
    pub after: NaiveDate,
    pub after_from: String,
    pub currency: String,
    pub team: Waterfall,
    pub reps: Vec<RepChanges>,
    /// Every deal with a movement or a change, by movement, then rep, then id.
    pub deals: Vec<DealChange>,
    /// Amounts no rate converts: those deals are listed with [`Change::NoRate`] and left out of every tally.
    pub unconverted: Vec<Unconverted>,
    pub notes: Vec<String>,
}

/// One step of the trend: the waterfall from one export to the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendStep {
    pub before: NaiveDate,
    pub after: NaiveDate,
    pub team: Waterfall,
}

/// The waterfall of every pair of consecutive exports (three exports, two steps …), all for the same
/// period: the one the settings name on the newest export's day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesTrend {
    pub period: ChangesPeriod,
    pub currency: String,
    /// Oldest first.
    pub steps: Vec<TrendStep>,
    pub notes: Vec<String>,
}
