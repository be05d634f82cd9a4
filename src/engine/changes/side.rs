//! One side of the comparison: an export (its model, what its files said about themselves) and each of its
//! deals as it stood that day, keyed by CRM id, with its amount in the home currency. The day of the export
//! is decided here: the `taken on` day its files were given, else the latest date inside them, else the
//! files' own dates.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::engine::EngineError;
use crate::engine::metrics::money::Money;
use crate::engine::metrics::prepared::latest_date;
use crate::engine::metrics::settings::{DealType, Scope};
use crate::engine::model::{DealIx, DealStatus, SalesModel, Source};

/// What the caller knows of one side's export.
pub struct Side<'a> {
    /// `BEFORE` or `AFTER`, for messages.
    pub name: &'static str,
    pub model: &'a SalesModel,
    /// The names of its files, for messages.
    pub files: Vec<String>,
    /// The CRM its deals files came from (none: no file of the side was read as deals).
    pub sources: Vec<Source>,
    /// The day its deals files were exported, when given (`--taken-on`, the file's date in the app).
    pub taken_on: Option<NaiveDate>,
    /// The newest of its deals files' own dates (their modified days), when known.
    pub saved_on: Option<NaiveDate>,
    /// The user said which export is the earlier one (swapping what the days said): BEFORE is compared
    /// as the earlier export even when its day is later.
    pub order_given: bool,
}

impl Side<'_> {
    /// The day of the export and where it came from, or an error saying neither is known.
    pub fn day(&self) -> Result<(NaiveDate, String), EngineError> {
        if let Some(day) = self.taken_on {
            return Ok((day, "the day the export was taken, as given".to_owned()));
        }
        match (latest_date(self.model), self.saved_on) {
            (Some(day), _) => Ok((
                day,
                "the latest created, closed, history or activity date inside the export".to_owned(),
            )),
            (None, Some(day)) => Ok((
                day,
                "the file's own date (its modified day): the export holds no date".to_owned(),
            )),
            (None, None) => Err(EngineError::ExportDayUnknown {
                side: self.name.to_owned(),
                files: self.files.join(", "),
            }),
        }
    }
}

/// A deal on one side, with what the comparison needs.
#[derive(Debug, Clone)]
pub struct Snap {
    pub ix: DealIx,
    pub name: String,
    /// The owner's stable key (empty without an owner) and name.
    pub rep_key: String,
    pub rep: String,
    pub pipeline: String,
    pub stage: String,
    /// The stage's position in its pipeline (from this side's stage table).
    pub stage_order: u32,
    pub status: DealStatus,
    pub close_date: Option<NaiveDate>,
    pub amount_cents: Option<i64>,
    pub currency: String,
    /// `None`: the amount has a currency no rate converts. A deal without an amount is 0.
    pub amount_home_cents: Option<i64>,
    pub category: String,
    /// Passes the scope (pipelines, deal types, and the owner's role, team and name), as metrics judge it.
    pub in_scope: bool,
}

impl Snap {
    pub fn is_open(&self) -> bool {
        self.status == DealStatus::Open
    }
}

/// Each deal of a side by CRM id, with the deals that could not be keyed.
pub struct Snapshot {
    pub deals: BTreeMap<String, Snap>,
    /// Deals the user excluded on the review list.
    pub excluded: u64,
    /// Deals without an id (cannot be matched across exports).
    pub without_id: u64,
    /// Ids held by more than one deal: the first is kept.
    pub duplicate_ids: Vec<String>,
}

/// Reads a side's deals, converting amounts at the rates in force on `rate_day` (one day for both sides, so a
/// change of amount is a change in the CRM, never of the rate), each judged against the scope.
pub fn snapshot(model: &SalesModel, money: &Money, scope: &Scope, rate_day: NaiveDate) -> Snapshot {
    let d = &model.deals;
    let mut out = Snapshot {
        deals: BTreeMap::new(),
        excluded: 0,
        without_id: 0,
        duplicate_ids: Vec::new(),
    };
    for i in 0..d.len() {
        if at(&d.excluded, i).unwrap_or(false) {
            out.excluded += 1;
            continue;
        }
        let id = model
            .text(at(&d.id, i).unwrap_or_default())
            .trim()
            .to_owned();
        if id.is_empty() {
            out.without_id += 1;
            continue;
        }
        if out.deals.contains_key(&id) {
            out.duplicate_ids.push(id);
            continue;
        }
        let status = at(&d.status, i).unwrap_or(DealStatus::Open);
        let close_date = if status == DealStatus::Open {
            at(&d.expected_close_on, i).flatten()
        } else {
            at(&d.closed_on, i)
                .flatten()
                .or_else(|| at(&d.expected_close_on, i).flatten())
        };
        let owner = at(&d.owner, i).flatten();
        let rep = owner.and_then(|r| model.reps.get(r as usize));
        let stage = at(&d.stage, i).and_then(|s| model.stages.get(s));
        let currency = model
            .text(at(&d.currency, i).unwrap_or_default())
            .to_owned();
        let amount_cents = at(&d.amount_cents, i).flatten();
        let amount_home_cents = match amount_cents {
            None => Some(0),
            Some(cents) => money.to_home(cents, &currency, Some(rate_day)),
        };
        let pipeline = model.text(at(&d.pipeline, i).unwrap_or_default());
        let deal_type = model.text(at(&d.deal_type, i).unwrap_or_default());
        let rep_filtered =
            !(scope.roles.is_empty() && scope.teams.is_empty() && scope.reps.is_empty());
        let in_scope = (scope.pipelines.is_empty()
            || scope.pipelines.iter().any(|p| p == pipeline))
            && (scope.deal_types.is_empty() || scope.deal_types.contains(&DealType::of(deal_type)))
            && rep.map_or(!rep_filtered, |r| {
                (scope.roles.is_empty() || r.role.as_ref().is_some_and(|x| scope.roles.contains(x)))
                    && (scope.teams.is_empty()
                        || r.team.as_ref().is_some_and(|t| scope.teams.contains(t)))
                    && (scope.reps.is_empty() || scope.reps.contains(&r.name))
            });
        let snap = Snap {
            ix: i as DealIx,
            name: model.text(at(&d.name, i).unwrap_or_default()).to_owned(),
            rep_key: rep.map(|r| r.key.clone()).unwrap_or_default(),
            rep: model.rep_name(owner).to_owned(),
            pipeline: model
                .text(at(&d.pipeline, i).unwrap_or_default())
                .to_owned(),
            stage: model
                .text(at(&d.stage_raw, i).unwrap_or_default())
                .to_owned(),
            stage_order: stage.map_or(0, |s| s.order),
            status,
            close_date,
            amount_cents,
            currency,
            amount_home_cents,
            category: model
                .text(at(&d.forecast_category, i).unwrap_or_default())
                .trim()
                .to_owned(),
            in_scope,
        };
        out.deals.insert(id, snap);
    }
    out
}

/// The `i`th value of a column (a short column reads as missing, never a panic).
fn at<T: Copy>(column: &[T], i: usize) -> Option<T> {
    column.get(i).copied()
}
