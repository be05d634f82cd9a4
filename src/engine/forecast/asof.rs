//! What was known about each deal on a given day. A deal's stage, amount, close date, CRM probability and
//! forecast category on day D are the last values its history wrote on or before D (Salesforce
//! OpportunityHistory, HubSpot "Date entered" columns, an older export of the same deals); close-date
//! pushes are counted up to D. A deal without a history row by D falls back to its current values when it
//! is still open today, and to "unknown" when it has closed since — and the forecast says that such a
//! rebuild leaks (see [`Timeline::leak`]). Only deals in scope (not excluded, in the scope's pipelines,
//! deal types and reps) are on the timeline.

use chrono::NaiveDate;

use crate::engine::metrics::MetricSettings;
use crate::engine::model::words::{Outcome, fold};
use crate::engine::model::{DealIx, DealStatus, RepIx, SalesModel, StageIx, Sym};

/// A deal's state on a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DealAt {
    /// `None`: unknown on that day (no history by then and closed since).
    pub stage: Option<StageIx>,
    /// In home-currency units, at the rate of that day; `None` without an amount or a rate.
    pub amount_home: Option<f64>,
    pub close_on: Option<NaiveDate>,
    /// 0 ..= 1.
    pub probability: Option<f64>,
    pub category: Category,
    /// Times the close date moved later, up to that day.
    pub pushes: u32,
    /// The day the deal entered its stage of that day (its creation when history does not say).
    pub stage_since: NaiveDate,
    /// Some history row on or before that day gave these values.
    pub from_history: bool,
}

/// A forecast category, as the CRMs name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Commit,
    BestCase,
    Pipeline,
    Omitted,
    Closed,
    /// No category (or one pipelens does not know).
    None,
}

impl Category {
    /// The category a CRM's text names (Salesforce, HubSpot, Dynamics, Zoho; English and Spanish).
    pub fn of(text: &str) -> Category {
        let f = fold(text);
        let f = f.trim();
        if f.is_empty() {
            Category::None
        } else if f.contains("commit") || f.contains("compromis") || f.contains("comprometid") {
            Category::Commit
        } else if f.contains("best") || f.contains("upside") || f.contains("mejor caso") {
            Category::BestCase
        } else if f.contains("omit") {
            Category::Omitted
        } else if f.contains("closed") || f.contains("cerrad") || f == "won" {
            Category::Closed
        } else if f.contains("pipeline") || f.contains("embudo") {
            Category::Pipeline
        } else {
            Category::None
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Category::Commit => "Commit",
            Category::BestCase => "Best Case",
            Category::Pipeline => "Pipeline",
            Category::Omitted => "Omitted",
            Category::Closed => "Closed",
            Category::None => "",
        }
    }
}

/// Every in-scope deal's dates and history, for rebuilding states on any day.
pub struct Timeline<'a> {
    pub model: &'a SalesModel,
    pub settings: &'a MetricSettings,
    /// In-scope deals, in model order.
    pub deals: Vec<DealIx>,
    /// Per model deal: the day it was created (history's first day when the column is empty).
    pub created_on: Vec<Option<NaiveDate>>,
    /// Per model deal: the day it was won, lost or disqualified (`None` while open).
    pub closed_on: Vec<Option<NaiveDate>>,
    /// Per model deal: the range of its rows in the model's history.
    rows: Vec<std::ops::Range<usize>>,
    /// Per model deal: its category text read once.
    current_category: Vec<Category>,
    /// Per history row: its category read once.
    row_category: Vec<Category>,
    /// Closed deals whose close day is unknown: left out of everything, counted here.
    pub closed_without_date: u64,
    /// In-scope deals without any creation day: left out, counted here.
    pub without_created: u64,
    /// Some deal carries a forecast category.
    pub has_categories: bool,
    /// Some deal carries a CRM probability.
    pub has_probabilities: bool,
}

impl<'a> Timeline<'a> {
    /// The timeline of the deals that count under `settings` (its scope and exclusions).
    pub fn new(model: &'a SalesModel, settings: &'a MetricSettings, in_scope: &[bool]) -> Self {
        let d = &model.deals;
        let h = &model.history;
        let mut rows = vec![0..0; d.len()];
        let mut start = 0;
        while start < h.len() {
            let deal = h.deal[start] as usize;
            let mut end = start;
            while end < h.len() && h.deal[end] as usize == deal {
                end += 1;
            }
            if let Some(r) = rows.get_mut(deal) {
                *r = start..end;
            }
            start = end;
        }
        let mut cache: std::collections::HashMap<Sym, Category> = Default::default();
        let mut category = |sym: Sym| {
            *cache
                .entry(sym)
                .or_insert_with(|| Category::of(model.text(sym)))
        };
        let current_category: Vec<Category> =
            d.forecast_category.iter().map(|&s| category(s)).collect();
        let row_category: Vec<Category> =
            h.forecast_category.iter().map(|&s| category(s)).collect();
        let mut created_on = vec![None; d.len()];
        let mut closed_on = vec![None; d.len()];
        let mut deals = Vec::new();
        let (mut closed_without_date, mut without_created) = (0, 0);
        for i in 0..d.len() {
            if !in_scope.get(i).copied().unwrap_or(false) {
                continue;
            }
            let first_row = rows[i].clone().next().map(|k| h.at[k].date());
            created_on[i] = match (d.created_on[i], first_row) {
                (Some(c), Some(f)) => Some(c.min(f)),
                (c, f) => c.or(f),
            };
            if d.status[i] != DealStatus::Open {
                closed_on[i] = d.closed_on[i];
                if closed_on[i].is_none() {
                    closed_without_date += 1;
                    continue;
                }
            }
            if created_on[i].is_none() {
                without_created += 1;
                continue;
            }
            deals.push(i as DealIx);
        }
        let has_categories = deals
            .iter()
            .any(|&i| !matches!(current_category[i as usize], Category::None))
            || row_category.iter().any(|c| *c != Category::None);
        let has_probabilities = deals.iter().any(|&i| d.probability[i as usize].is_some())
            || h.probability.iter().any(Option::is_some);
        Timeline {
            model,
            settings,
            deals,
            created_on,
            closed_on,
            rows,
            current_category,
            row_category,
            closed_without_date,
            without_created,
            has_categories,
            has_probabilities,
        }
    }

    /// The rep a deal counts for (the credited rep: the owner at close where owner history says so).
    pub fn rep(&self, deal: DealIx) -> Option<RepIx> {
        self.model.deals.credited[deal as usize]
    }

    /// Open on `day`: created on or before it and not closed by then.
    pub fn open_on(&self, deal: DealIx, day: NaiveDate) -> bool {
        let i = deal as usize;
        self.created_on[i].is_some_and(|c| c <= day) && self.closed_on[i].is_none_or(|c| c > day)
    }

    /// Won on a day inside `from ..= to`.
    pub fn won_between(&self, deal: DealIx, from: NaiveDate, to: NaiveDate) -> bool {
        let i = deal as usize;
        self.model.deals.status[i] == DealStatus::Won
            && self.closed_on[i].is_some_and(|c| c >= from && c <= to)
    }

    /// The deal's amount in home units at the rate of `on` (its current amount).
    pub fn amount_now(&self, deal: DealIx, on: NaiveDate) -> Option<f64> {
        let d = &self.model.deals;
        let i = deal as usize;
        let cents = d.amount_cents[i]?;
        self.home(cents, d.currency[i], on)
    }

    fn home(&self, cents: i64, currency: Sym, on: NaiveDate) -> Option<f64> {
        self.settings
            .money
            .to_home(cents, self.model.text(currency), Some(on))
            .map(|c| c as f64 / 100.0)
    }

    /// The deal as it was known at the end of `day`.
    pub fn at(&self, deal: DealIx, day: NaiveDate) -> DealAt {
        let m = self.model;
        let (d, h) = (&m.deals, &m.history);
        let i = deal as usize;
        let created = self.created_on[i].unwrap_or(day);
        let mut state = DealAt {
            stage: None,
            amount_home: None,
            close_on: None,
            probability: None,
            category: Category::None,
            pushes: 0,
            stage_since: created,
            from_history: false,
        };
        let mut amount_cents = None;
        for k in self.rows[i].clone() {
            let at = h.at[k].date();
            if at > day {
                break;
            }
            state.from_history = true;
            if let Some(stage) = h.stage[k] {
                if state.stage != Some(stage) {
                    state.stage_since = at;
                }
                state.stage = Some(stage);
            }
            if let Some(a) = h.amount_cents[k] {
                amount_cents = Some(a);
            }
            if let Some(close) = h.expected_close_on[k] {
                if state.close_on.is_some_and(|before| close > before) {
                    state.pushes += 1;
                }
                state.close_on = Some(close);
            }
            if let Some(p) = h.probability[k] {
                state.probability = Some(f64::from(p).clamp(0.0, 1.0));
            }
            if self.row_category[k] != Category::None {
                state.category = self.row_category[k];
            }
        }
        let open_now = d.status[i] == DealStatus::Open;
        if open_now {
            // Still open today: what history does not say is taken from today's values.
            state.stage = state.stage.or(Some(d.stage[i]));
            amount_cents = amount_cents.or(d.amount_cents[i]);
            state.close_on = state.close_on.or(d.expected_close_on[i]);
            state.probability = state
                .probability
                .or(d.probability[i].map(|p| f64::from(p).clamp(0.0, 1.0)));
            if state.category == Category::None {
                state.category = self.current_category[i];
            }
        } else {
            // Closed since: today's amount is the best word on it; a closed stage or category is not
            // what the deal was on `day`.
            amount_cents = amount_cents.or(d.amount_cents[i]);
            if state
                .stage
                .is_some_and(|s| m.stages.outcome(s) != Outcome::Open)
            {
                state.stage = None;
            }
            if state.category == Category::Closed {
                state.category = Category::None;
            }
        }
        state.amount_home = amount_cents.and_then(|c| self.home(c, d.currency[i], day));
        state
    }

    /// Why a rebuild on `day` is not what the export said on that day, if it is not: the deals open on
    /// `day` with no history by then.
    pub fn leak(&self, day: NaiveDate) -> Option<String> {
        let open: Vec<DealIx> = self
            .deals
            .iter()
            .copied()
            .filter(|&i| self.open_on(i, day))
            .collect();
        let blind = open
            .iter()
            .filter(|&&i| {
                !self.rows[i as usize]
                    .clone()
                    .any(|k| self.model.history.at[k].date() <= day)
            })
            .count();
        (blind > 0).then(|| {
            format!(
                "{blind} of the {} deals open on {day} have no stage history by then: their stage, amount and close date on that day are today's values (or unknown where they have closed since), so this forecast knows more than a forecast made on {day} could.",
                open.len()
            )
        })
    }
}
