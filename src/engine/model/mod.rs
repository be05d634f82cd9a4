//! The model: the high side of the data flow. Records from [`crate::engine::ingest`] become one canonical,
//! typed sales model — reps, deals, their history, activities, quotas — with every decision about what a
//! file is ([`recognize`]), what its columns mean and how its values read ([`values`]), who gets credit and
//! which stage means what ([`stages`]) stated in the report and reversible through [`ModelSettings`].
//!
//! Storage is columnar (a struct of vectors per record type) with repeated strings interned, so millions of
//! rows stay compact in a browser tab. [`build::build`] is the one entry point.

pub mod build;
pub mod fields;
pub mod labels;
pub mod people;
pub mod recognize;
pub mod review;
pub mod sources;
pub mod stages;
pub mod summary;
pub mod values;
pub mod words;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::engine::ingest::FileId;
pub use fields::{Field, Kind};
pub use sources::Source;
pub use stages::{StageEntry, StageTable};
pub use words::{ActivityKind, Outcome, StandardStage};

/// An interned string; `Sym(0)` is the empty string.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Sym(pub u32);

/// Repeated strings stored once.
#[derive(Debug, Clone)]
pub struct Interner {
    index: HashMap<String, Sym>,
    strings: Vec<String>,
}

impl Default for Interner {
    fn default() -> Self {
        let mut interner = Interner {
            index: HashMap::new(),
            strings: Vec::new(),
        };
        interner.intern("");
        interner
    }
}

impl Interner {
    pub fn intern(&mut self, text: &str) -> Sym {
        if let Some(sym) = self.index.get(text) {
            return *sym;
        }
        let sym = Sym(self.strings.len() as u32);
        self.strings.push(text.to_owned());
        self.index.insert(text.to_owned(), sym);
        sym
    }

    pub fn get(&self, sym: Sym) -> &str {
        self.strings.get(sym.0 as usize).map_or("", String::as_str)
    }

    pub fn find(&self, text: &str) -> Option<Sym> {
        self.index.get(text).copied()
    }
}

pub type RepIx = u32;
pub type DealIx = u32;
pub type StageIx = u16;

/// A person who sells (or at least owns records), as far as the files tell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rep {
    /// The identity records were matched on: a normalised e-mail, else a normalised name.
    pub key: String,
    pub name: String,
    pub email: Option<String>,
    /// The CRM's own ids for this person (user ids), as found.
    pub ids: Vec<String>,
    pub team: Option<String>,
    pub manager: Option<String>,
    pub role: Option<String>,
    pub active: Option<bool>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    /// Other spellings found for the same person.
    pub aliases: Vec<String>,
    /// The files that mention this person.
    pub files: Vec<FileId>,
    /// Why the review list questions whether this is a rep at all.
    pub review: Option<String>,
    /// Excluded by the user (`rep:KEY` in [`ModelSettings::excluded`]): credited with nothing.
    pub excluded: bool,
}

/// Open, won, lost, or disqualified (lost before it was ever a real opportunity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealStatus {
    Open,
    Won,
    Lost,
    Disqualified,
}

/// Which evidence gave a deal its close date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosedOnFrom {
    /// The time the stage history shows it entering its closed stage.
    History,
    /// A won or lost time column.
    WonLostTime,
    /// A column of actual close dates.
    ClosedColumn,
    /// The (expected) close date, which closed deals carry as their close date.
    CloseDate,
    /// No close date of its own: the day it last changed stage, else the day it was last changed (the
    /// `closed_without_date` assumption, switchable).
    Updated,
    /// Not closed, or no date at all.
    None,
}

/// Deals, one index per deal, one vector per field.
#[derive(Debug, Clone, Default)]
pub struct Deals {
    pub file: Vec<FileId>,
    /// Spreadsheet row in its file.
    pub row: Vec<u64>,
    pub id: Vec<Sym>,
    pub name: Vec<Sym>,
    pub account: Vec<Sym>,
    pub pipeline: Vec<Sym>,
    pub deal_type: Vec<Sym>,
    pub stage_raw: Vec<Sym>,
    pub stage: Vec<StageIx>,
    pub status: Vec<DealStatus>,
    pub created_on: Vec<Option<NaiveDate>>,
    pub expected_close_on: Vec<Option<NaiveDate>>,
    pub closed_on: Vec<Option<NaiveDate>>,
    pub closed_on_from: Vec<ClosedOnFrom>,
    /// In hundredths of the deal's currency.
    pub amount_cents: Vec<Option<i64>>,
    /// ISO code, or empty when the export does not say.
    pub currency: Vec<Sym>,
    /// 0.0 ..= 1.0.
    pub probability: Vec<Option<f32>>,
    pub forecast_category: Vec<Sym>,
    pub lead_source: Vec<Sym>,
    pub lost_reason: Vec<Sym>,
    pub last_activity_on: Vec<Option<NaiveDate>>,
    /// The current owner.
    pub owner: Vec<Option<RepIx>>,
    /// Who gets credit: the owner at close for closed deals when owner history says so, else the owner.
    pub credited: Vec<Option<RepIx>>,
    /// Credit went to the current owner because no owner history covers the close.
    pub owner_assumed_current: Vec<bool>,
    pub creator: Vec<Option<RepIx>>,
    /// On the review list as a possible duplicate or test record (still counted until excluded).
    pub flagged: Vec<bool>,
    /// Excluded by the user from the review list.
    pub excluded: Vec<bool>,
}

impl Deals {
    pub fn len(&self) -> usize {
        self.id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }
}

/// Stage, amount and close-date history of deals, sorted by deal then time. Not every row changes the
/// stage: amount and close-date edits are rows too.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub deal: Vec<DealIx>,
    pub at: Vec<NaiveDateTime>,
    pub stage: Vec<Option<StageIx>>,
    pub amount_cents: Vec<Option<i64>>,
    pub expected_close_on: Vec<Option<NaiveDate>>,
    /// The CRM's probability after the change, 0.0 ..= 1.0, where the history says it.
    pub probability: Vec<Option<f32>>,
    /// The forecast category after the change (`Sym(0)` where the history does not say).
    pub forecast_category: Vec<Sym>,
    /// The row moves the deal into another stage than its previous row.
    pub stage_changed: Vec<bool>,
}

impl History {
    pub fn len(&self) -> usize {
        self.deal.len()
    }

    pub fn is_empty(&self) -> bool {
        self.deal.is_empty()
    }
}

/// Calls, emails, meetings, tasks.
#[derive(Debug, Clone, Default)]
pub struct Activities {
    pub file: Vec<FileId>,
    pub row: Vec<u64>,
    pub id: Vec<Sym>,
    pub rep: Vec<Option<RepIx>>,
    pub kind: Vec<ActivityKind>,
    pub at: Vec<Option<NaiveDateTime>>,
    /// Completed (`Some(true)`), planned or open (`Some(false)`), or not said (decided by date later).
    pub done: Vec<Option<bool>>,
    pub duration_s: Vec<Option<u32>>,
    pub outcome: Vec<Sym>,
    /// Someone answered (calls with an outcome).
    pub connected: Vec<Option<bool>>,
    pub direction: Vec<Sym>,
    /// Linked only when the record names exactly one imported deal.
    pub deal: Vec<Option<DealIx>>,
    pub subject: Vec<Sym>,
}

impl Activities {
    pub fn len(&self) -> usize {
        self.id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }
}

/// A quota for a rep or a team over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quota {
    pub rep: Option<RepIx>,
    pub team: Option<String>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub amount_cents: i64,
    pub currency: Option<String>,
}

/// A fiscal period from the CRM's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalPeriod {
    /// `Year`, `Quarter`, `Month` or `Week`.
    pub period_type: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub label: String,
}

/// The canonical sales model built from every imported file.
#[derive(Debug, Clone, Default)]
pub struct SalesModel {
    pub strings: Interner,
    pub reps: Vec<Rep>,
    pub deals: Deals,
    pub history: History,
    pub activities: Activities,
    pub quotas: Vec<Quota>,
    pub periods: Vec<FiscalPeriod>,
    pub stages: StageTable,
}

impl SalesModel {
    pub fn text(&self, sym: Sym) -> &str {
        self.strings.get(sym)
    }

    pub fn rep_name(&self, rep: Option<RepIx>) -> &str {
        rep.and_then(|r| self.reps.get(r as usize))
            .map_or("(no owner)", |r| r.name.as_str())
    }
}

/// The user's choices that change how files are read into the model. Everything defaults to "decide from
/// the files"; every choice is keyed by file name so it can be saved in a mapping profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelSettings {
    /// A kind chosen for a file.
    #[serde(default)]
    pub kinds: Vec<KindChoice>,
    /// Columns mapped by hand.
    #[serde(default)]
    pub mappings: Vec<MappingChoice>,
    /// Answers to assumptions (`date_order:Close Date` → `day_first` …).
    #[serde(default)]
    pub assumptions: Vec<AssumptionChoice>,
    /// Stage table rows set by hand.
    #[serde(default)]
    pub stages: Vec<stages::StageChoice>,
    /// Review-list keys the user excluded (duplicates, test records, system users).
    #[serde(default)]
    pub excluded: Vec<String>,
    /// Rep keys the user asked to keep apart although they matched.
    #[serde(default)]
    pub keep_apart: Vec<String>,
    /// IANA time zone that datetimes convert to; dates are never shifted. Default UTC.
    #[serde(default)]
    pub business_time_zone: Option<String>,
    /// Team facts set by hand on the roster (team, manager, role, start and end dates).
    #[serde(default)]
    pub roster: Vec<RosterChoice>,
}

/// A rep's team fact set by hand: `value` for `field` of the rep whose key is `rep` (empty: clear what the
/// files said). Dates are written YYYY-MM-DD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterChoice {
    pub rep: String,
    pub field: RosterField,
    pub value: String,
}

/// The roster facts a user can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RosterField {
    Team,
    Manager,
    Role,
    StartedOn,
    EndedOn,
}

impl RosterField {
    pub fn label(self) -> &'static str {
        match self {
            RosterField::Team => "team",
            RosterField::Manager => "manager",
            RosterField::Role => "role",
            RosterField::StartedOn => "start date",
            RosterField::EndedOn => "end date",
        }
    }
}

/// Two spellings of a person in two files read as one rep, and the [`ModelSettings::keep_apart`] key that
/// undoes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merge {
    pub text: String,
    pub keep_apart: String,
    /// The rep's name, the file that named them first, the file matched to it and on what ("name", "e-mail").
    pub rep: String,
    pub first_file: String,
    pub file: String,
    pub same: String,
}

/// `file` (or every file when `None`) is read as `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindChoice {
    pub file: Option<String>,
    pub kind: Kind,
}

/// In `file` (or any file that has the column, when `None`), `field` comes from `column` (`None`: unmapped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingChoice {
    pub file: Option<String>,
    pub field: Field,
    pub column: Option<String>,
}

/// The answer to an assumption of a file (or of every file when `file` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssumptionChoice {
    pub file: Option<String>,
    pub id: String,
    pub choice: String,
}

impl ModelSettings {
    pub fn kind_for(&self, file: &str) -> Option<Kind> {
        self.kinds
            .iter()
            .rev()
            .find(|c| c.file.as_deref().is_none_or(|f| f == file))
            .map(|c| c.kind)
    }

    pub fn choice(&self, file: &str, id: &str) -> Option<&str> {
        self.assumptions
            .iter()
            .rev()
            .find(|c| c.id == id && c.file.as_deref().is_none_or(|f| f == file))
            .map(|c| c.choice.as_str())
    }
}
