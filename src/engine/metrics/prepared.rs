//! The prepared inputs every analysis starts from: [`Prepared`] (the per-deal facts of one period and scope,
//! computed once), each rep's [`Sets`] of deals, and the per-rep performance metrics made from them
//! ([`RepMetrics`]), with quotas prorated and ramped. Process, pipeline and activity read these; the
//! orchestrator in [`crate::engine::metrics::compute`] puts their answers together.

use crate::engine::EngineError;
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::engine::metrics::money::{Sum, Unconverted};
use crate::engine::metrics::period::DateRange;
use crate::engine::metrics::settings::{
    DealType, LostCategory, MetricSettings, OppsCredit, lost_category,
};
use crate::engine::model::words::{Outcome, StandardStage};
use crate::engine::model::{DealIx, DealStatus, RepIx, SalesModel, Sym};

/// The levers of sales velocity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Velocity {
    pub opportunities: u64,
    pub win_rate: Option<f64>,
    pub avg_deal_size: Option<f64>,
    pub cycle_days: Option<f64>,
    /// opportunities × win rate × average deal ÷ cycle days.
    pub per_day: Option<f64>,
}

/// Every metric for one rep (or the team). Amounts are in home-currency units.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepMetrics {
    /// Index of the rep in the model's roster; `None` for deals without an owner and for the team.
    #[serde(skip)]
    pub rep_ix: Option<RepIx>,
    /// The rep's stable identity (a normalised e-mail or name); `None` for "(no owner)" and the team.
    pub rep_id: Option<String>,
    pub rep: String,
    pub team: Option<String>,
    pub active: bool,
    pub deals_won: u64,
    pub deals_lost: u64,
    pub deals_disqualified: u64,
    pub bookings: Option<f64>,
    pub win_rate: Option<f64>,
    /// won + lost: the sample a win rate rests on.
    pub win_rate_n: u64,
    pub win_rate_by_value: Option<f64>,
    pub win_rate_stage_floor: Option<f64>,
    pub win_rate_stage_floor_n: u64,
    pub win_rate_cohort: Option<f64>,
    pub cohort_closed_share: Option<f64>,
    pub avg_deal_size: Option<f64>,
    pub median_deal_size: Option<f64>,
    pub sales_cycle_median_days: Option<f64>,
    pub sales_cycle_from_qualified_median_days: Option<f64>,
    pub time_to_lose_median_days: Option<f64>,
    pub opps_created: u64,
    pub opps_created_value: Option<f64>,
    pub quota: Option<f64>,
    pub attainment: Option<f64>,
    pub pacing: Option<f64>,
    pub velocity: Velocity,
}

/// The lower median (the smaller of the two middle values when their number is even).
pub fn lower_median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[(values.len() - 1) / 2])
}

/// The latest date the data mentions: the default "today".
pub fn latest_date(model: &SalesModel) -> Option<NaiveDate> {
    let d = &model.deals;
    let deal_dates = (0..d.len())
        .flat_map(|i| [d.created_on[i], d.closed_on[i]])
        .flatten();
    let history = model.history.at.iter().map(|t| t.date());
    let activities = model.activities.at.iter().flatten().map(|t| t.date());
    deal_dates.chain(history).chain(activities).max()
}

fn earliest_date(model: &SalesModel) -> Option<NaiveDate> {
    let d = &model.deals;
    (0..d.len())
        .flat_map(|i| [d.created_on[i], d.closed_on[i], d.expected_close_on[i]])
        .flatten()
        .min()
}

/// The per-deal facts every metric uses, computed once.
pub struct Prepared<'a> {
    pub model: &'a SalesModel,
    pub settings: &'a MetricSettings,
    pub period: DateRange,
    pub as_of: NaiveDate,
    pub as_of_from: String,
    /// The deal counts at all (in scope, not excluded).
    pub in_scope: Vec<bool>,
    pub lost_category: Vec<Option<LostCategory>>,
    /// Deals with stage history.
    pub has_history: Vec<bool>,
    /// The first day each deal entered a qualification-or-later stage, from history.
    pub qualified_on: Vec<Option<NaiveDate>>,
    /// The highest open-stage order each deal reached (from history and its current stage).
    pub furthest_order: Vec<Option<u32>>,
    /// Each rep passes the scope's rep filters (role, team, rep).
    pub rep_allowed: Vec<bool>,
    /// Some rep filter is set.
    pub rep_filtered: bool,
}

impl<'a> Prepared<'a> {
    pub fn new(
        model: &'a SalesModel,
        settings: &'a MetricSettings,
    ) -> Result<Prepared<'a>, EngineError> {
        if model.deals.is_empty() {
            return Err(EngineError::NoDeals);
        }
        let (as_of, as_of_from) = match settings.as_of {
            Some(day) => (day, "set by you".to_owned()),
            None => match latest_date(model) {
                Some(day) => (day, "the latest date in the data".to_owned()),
                None => {
                    return Err(EngineError::NoDates);
                }
            },
        };
        let first = earliest_date(model).unwrap_or(as_of);
        let period = settings
            .period
            .resolve(&settings.calendar, as_of, first)
            .ok_or_else(|| EngineError::NoSuchPeriod {
                period: settings.period.to_string(),
            })?;
        Ok(Prepared::for_range(
            model,
            settings,
            period,
            as_of,
            &as_of_from,
        ))
    }

    /// Prepared for a given range and as-of date (an earlier period to compare with).
    pub fn for_range(
        model: &'a SalesModel,
        settings: &'a MetricSettings,
        period: DateRange,
        as_of: NaiveDate,
        as_of_from: &str,
    ) -> Prepared<'a> {
        let as_of_from = as_of_from.to_owned();
        let d = &model.deals;
        let scope = &settings.scope;
        // Decided once per rep and per distinct text, then looked up per deal.
        let rep_allowed: Vec<bool> = model
            .reps
            .iter()
            .map(|r| {
                (scope.roles.is_empty()
                    || r.role
                        .as_ref()
                        .is_some_and(|role| scope.roles.contains(role)))
                    && (scope.teams.is_empty()
                        || r.team.as_ref().is_some_and(|t| scope.teams.contains(t)))
                    && (scope.reps.is_empty() || scope.reps.contains(&r.name))
            })
            .collect();
        let no_rep_allowed =
            scope.roles.is_empty() && scope.teams.is_empty() && scope.reps.is_empty();
        let mut text_allowed: HashMap<(u8, Sym), bool> = HashMap::new();
        let mut allowed = |kind: u8, sym: Sym| -> bool {
            *text_allowed
                .entry((kind, sym))
                .or_insert_with(|| match kind {
                    0 => {
                        scope.pipelines.is_empty()
                            || scope.pipelines.iter().any(|p| p == model.text(sym))
                    }
                    _ => {
                        scope.deal_types.is_empty()
                            || scope.deal_types.contains(&DealType::of(model.text(sym)))
                    }
                })
        };
        let in_scope = (0..d.len())
            .map(|i| {
                !d.excluded[i]
                    && allowed(0, d.pipeline[i])
                    && allowed(1, d.deal_type[i])
                    && d.credited[i].map_or(no_rep_allowed, |r| {
                        rep_allowed.get(r as usize).copied().unwrap_or(false)
                    })
            })
            .collect();
        let mut categories: HashMap<Sym, LostCategory> = HashMap::new();
        let lost_category = (0..d.len())
            .map(|i| match d.status[i] {
                DealStatus::Disqualified => Some(LostCategory::Disqualified),
                DealStatus::Lost => {
                    Some(*categories.entry(d.lost_reason[i]).or_insert_with(|| {
                        let reason = model.text(d.lost_reason[i]);
                        settings
                            .lost_reasons
                            .iter()
                            .find(|r| r.reason.eq_ignore_ascii_case(reason.trim()))
                            .map_or_else(|| lost_category(reason), |r| r.category)
                    }))
                }
                _ => None,
            })
            .collect();
        let mut has_history = vec![false; d.len()];
        let mut qualified_on: Vec<Option<NaiveDate>> = vec![None; d.len()];
        let mut furthest_order: Vec<Option<u32>> = (0..d.len())
            .map(|i| {
                model
                    .stages
                    .get(d.stage[i])
                    .filter(|e| e.outcome == Outcome::Open && !e.raw.is_empty())
                    .map(|e| e.order)
            })
            .collect();
        let h = &model.history;
        for k in 0..h.len() {
            let deal = h.deal[k] as usize;
            has_history[deal] = true;
            if let Some(entry) = h.stage[k].and_then(|s| model.stages.get(s)) {
                if entry.outcome == Outcome::Open {
                    let order = furthest_order[deal].map_or(entry.order, |o| o.max(entry.order));
                    furthest_order[deal] = Some(order);
                }
                if entry.standard >= StandardStage::Qualification
                    && entry.outcome == Outcome::Open
                    && qualified_on[deal].is_none()
                {
                    qualified_on[deal] = Some(h.at[k].date());
                }
            }
        }
        Prepared {
            model,
            settings,
            period,
            as_of,
            as_of_from,
            in_scope,
            lost_category,
            has_history,
            qualified_on,
            furthest_order,
            rep_allowed,
            rep_filtered: !no_rep_allowed,
        }
    }

    /// Closed within the period and no later than the as-of date.
    pub fn closed_in_period(&self, deal: usize) -> bool {
        self.model.deals.closed_on[deal]
            .is_some_and(|day| self.period.contains(day) && day <= self.as_of)
    }

    pub fn created_in_period(&self, deal: usize) -> bool {
        self.model.deals.created_on[deal]
            .is_some_and(|day| self.period.contains(day) && day <= self.as_of)
    }

    /// A deal's amount in home-currency cents, at the rate of its close (or creation) date.
    pub fn home_cents(&self, deal: usize) -> Option<i64> {
        let d = &self.model.deals;
        let on = d.closed_on[deal].or(d.created_on[deal]);
        d.amount_cents[deal].and_then(|a| {
            self.settings
                .money
                .to_home(a, self.model.text(d.currency[deal]), on)
        })
    }

    /// Whether a lost deal counts as lost in win rates.
    pub fn lost_counts(&self, deal: usize) -> bool {
        match self.lost_category[deal] {
            Some(LostCategory::Disqualified) | None => false,
            Some(LostCategory::NoDecision) => self.settings.no_decision_is_lost,
            Some(_) => true,
        }
    }

    /// The rep a closed deal is credited to, or an open or created one belongs to.
    pub fn credited(&self, deal: usize) -> Option<RepIx> {
        self.model.deals.credited[deal]
    }

    pub fn creation_credit(&self, deal: usize) -> Option<RepIx> {
        let d = &self.model.deals;
        match self.settings.opps_credit {
            OppsCredit::Owner => d.owner[deal],
            OppsCredit::Creator => d.creator[deal].or(d.owner[deal]),
        }
    }

    /// The stage order of the stage-floor setting in a deal's pipeline.
    fn floor_order(&self, deal: usize) -> Option<u32> {
        let floor = self.settings.stage_floor.as_ref()?;
        let pipeline = self.model.text(self.model.deals.pipeline[deal]);
        self.model
            .stages
            .entries
            .iter()
            .filter(|e| e.raw.eq_ignore_ascii_case(floor))
            .find(|e| e.pipeline == pipeline)
            .or_else(|| {
                self.model
                    .stages
                    .entries
                    .iter()
                    .find(|e| e.raw.eq_ignore_ascii_case(floor))
            })
            .map(|e| e.order)
    }
}

/// The sets one rep's metrics are counted from.
#[derive(Debug, Clone, Default)]
pub struct Sets {
    pub won: Vec<DealIx>,
    pub lost: Vec<DealIx>,
    pub disqualified: Vec<DealIx>,
    pub created: Vec<DealIx>,
    /// Won and lost deals that reached the stage floor.
    pub floor_won: Vec<DealIx>,
    pub floor_lost: Vec<DealIx>,
}

/// Sorts every deal of the scope into its rep's sets. The key is the rep index; `None` is "(no owner)".
pub fn sets(p: &Prepared<'_>) -> BTreeMap<Option<RepIx>, Sets> {
    let d = &p.model.deals;
    let mut by_rep: BTreeMap<Option<RepIx>, Sets> = BTreeMap::new();
    for i in 0..d.len() {
        if !p.in_scope[i] {
            continue;
        }
        let ix = i as DealIx;
        if p.closed_in_period(i) {
            let sets = by_rep.entry(p.credited(i)).or_default();
            let floor = p.floor_order(i);
            match d.status[i] {
                DealStatus::Won => {
                    sets.won.push(ix);
                    if floor.is_some() {
                        sets.floor_won.push(ix);
                    }
                }
                DealStatus::Lost | DealStatus::Disqualified if p.lost_counts(i) => {
                    sets.lost.push(ix);
                    if let Some(floor) = floor
                        && p.has_history[i]
                        && p.furthest_order[i].is_some_and(|o| o >= floor)
                    {
                        sets.floor_lost.push(ix);
                    }
                }
                DealStatus::Lost | DealStatus::Disqualified => sets.disqualified.push(ix),
                DealStatus::Open => {}
            }
        }
        if p.created_in_period(i) {
            by_rep
                .entry(p.creation_credit(i))
                .or_default()
                .created
                .push(ix);
        }
    }
    by_rep
}

fn cents_to_units(cents: i64) -> f64 {
    cents as f64 / 100.0
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// A rep's (or the team's) metrics from its sets.
pub(crate) fn metrics_of(
    p: &Prepared<'_>,
    sets: &Sets,
    quota_cents: Option<i64>,
    pacing_share: Option<f64>,
    money: &mut BTreeMap<String, Unconverted>,
) -> RepMetrics {
    let d = &p.model.deals;
    let mut bookings = Sum::default();
    let mut lost_value = Sum::default();
    let mut sizes = Vec::new();
    let mut cycles = Vec::new();
    let mut cycles_from_qualified = Vec::new();
    for &ix in &sets.won {
        let i = ix as usize;
        if let Some(amount) = d.amount_cents[i] {
            bookings.add(
                &p.settings.money,
                amount,
                p.model.text(d.currency[i]),
                d.closed_on[i],
            );
            if amount > 0
                && let Some(home) = p.home_cents(i)
            {
                sizes.push(cents_to_units(home));
            }
        }
        if let (Some(created), Some(closed)) = (d.created_on[i], d.closed_on[i]) {
            cycles.push((closed - created).num_days().max(0) as f64);
        }
        if let (Some(qualified), Some(closed)) = (p.qualified_on[i], d.closed_on[i]) {
            cycles_from_qualified.push((closed - qualified).num_days().max(0) as f64);
        }
    }
    let mut lose_days = Vec::new();
    for &ix in &sets.lost {
        let i = ix as usize;
        if let Some(amount) = d.amount_cents[i] {
            lost_value.add(
                &p.settings.money,
                amount,
                p.model.text(d.currency[i]),
                d.closed_on[i],
            );
        }
        if let (Some(created), Some(closed)) = (d.created_on[i], d.closed_on[i]) {
            lose_days.push((closed - created).num_days().max(0) as f64);
        }
    }
    let mut created_value = Sum::default();
    let (mut cohort_won, mut cohort_lost, mut cohort_closed) = (0u64, 0u64, 0u64);
    for &ix in &sets.created {
        let i = ix as usize;
        if let Some(amount) = d.amount_cents[i] {
            created_value.add(
                &p.settings.money,
                amount,
                p.model.text(d.currency[i]),
                d.created_on[i],
            );
        }
        let closed_by_now = d.closed_on[i].is_some_and(|c| c <= p.as_of);
        if closed_by_now {
            cohort_closed += 1;
            match d.status[i] {
                DealStatus::Won => cohort_won += 1,
                DealStatus::Lost | DealStatus::Disqualified if p.lost_counts(i) => cohort_lost += 1,
                _ => {}
            }
        }
    }
    // What could not be converted, each deal once: a deal created and won in the period is in two sums.
    let mut counted = std::collections::BTreeSet::new();
    let listed = [
        (&sets.won, true),
        (&sets.lost, true),
        (&sets.created, false),
    ];
    for (list, by_close) in listed {
        for &ix in list {
            let i = ix as usize;
            let Some(amount) = d.amount_cents[i] else {
                continue;
            };
            let currency = p.model.text(d.currency[i]);
            let on = if by_close {
                d.closed_on[i]
            } else {
                d.created_on[i]
            };
            if p.settings.money.to_home(amount, currency, on).is_some() || !counted.insert(i) {
                continue;
            }
            let entry = money
                .entry(currency.to_uppercase())
                .or_insert_with(|| Unconverted {
                    currency: currency.to_uppercase(),
                    ..Unconverted::default()
                });
            entry.deals += 1;
            entry.amount_cents += amount;
        }
    }
    let (won, lost) = (sets.won.len() as u64, sets.lost.len() as u64);
    let bookings_units = cents_to_units(bookings.home_cents);
    let won_value = bookings.home_cents.max(0) as f64;
    let avg = (!sizes.is_empty()).then(|| sizes.iter().sum::<f64>() / sizes.len() as f64);
    let median = lower_median(&mut sizes.clone());
    let cycle = lower_median(&mut cycles);
    let win_rate = ratio(won as f64, (won + lost) as f64);
    let cohort_share = ratio(cohort_closed as f64, sets.created.len() as f64);
    let floor_n = (sets.floor_won.len() + sets.floor_lost.len()) as u64;
    let any_history = p.has_history.iter().any(|h| *h);
    let quota = quota_cents.filter(|q| *q > 0).map(cents_to_units);
    let opps = sets.created.len() as u64;
    let per_day = match (win_rate, avg, cycle) {
        (Some(w), Some(a), Some(c)) if c > 0.0 => Some(opps as f64 * w * a / c),
        _ => None,
    };
    RepMetrics {
        rep_ix: None,
        rep_id: None,
        rep: String::new(),
        team: None,
        active: true,
        deals_won: won,
        deals_lost: lost,
        deals_disqualified: sets.disqualified.len() as u64,
        bookings: Some(bookings_units),
        win_rate,
        win_rate_n: won + lost,
        win_rate_by_value: ratio(won_value, won_value + lost_value.home_cents.max(0) as f64),
        win_rate_stage_floor: if p.settings.stage_floor.is_some() && any_history {
            ratio(sets.floor_won.len() as f64, floor_n as f64)
        } else {
            None
        },
        win_rate_stage_floor_n: floor_n,
        win_rate_cohort: cohort_share
            .filter(|s| *s >= 0.9)
            .and_then(|_| ratio(cohort_won as f64, (cohort_won + cohort_lost) as f64)),
        cohort_closed_share: cohort_share,
        avg_deal_size: avg,
        median_deal_size: median,
        sales_cycle_median_days: cycle,
        sales_cycle_from_qualified_median_days: lower_median(&mut cycles_from_qualified),
        time_to_lose_median_days: lower_median(&mut lose_days),
        opps_created: opps,
        opps_created_value: Some(cents_to_units(created_value.home_cents)),
        quota,
        attainment: quota.map(|q| bookings_units / q),
        pacing: match (quota, pacing_share) {
            (Some(q), Some(share)) if share > 0.0 => Some(bookings_units / (q * share)),
            _ => None,
        },
        velocity: Velocity {
            opportunities: opps,
            win_rate,
            avg_deal_size: avg,
            cycle_days: cycle,
            per_day,
        },
    }
}

/// A rep's quota for the period: each quota overlapping it, prorated by the days they share, scaled by the
/// ramp schedule for a rep who started recently.
pub(crate) fn quota_for(p: &Prepared<'_>, rep: RepIx) -> Option<i64> {
    quota_in(p, rep, p.period)
}

/// A rep's quota for any range of days, prorated and ramped as [`quota_for`] says.
pub fn quota_in(p: &Prepared<'_>, rep: RepIx, period: DateRange) -> Option<i64> {
    let quotas: Vec<_> = p
        .model
        .quotas
        .iter()
        .filter(|q| q.rep == Some(rep))
        .collect();
    if quotas.is_empty() {
        return None;
    }
    let started = p.model.reps.get(rep as usize).and_then(|r| r.started_on);
    let mut total = 0f64;
    for q in quotas {
        let range = DateRange::new(q.period_start, q.period_end);
        let shared = range.overlap(&period);
        if shared == 0 {
            continue;
        }
        let amount = p.settings.money.to_home(
            q.amount_cents,
            q.currency.as_deref().unwrap_or(""),
            Some(q.period_start),
        )? as f64;
        let share = match (started, p.settings.ramp.is_empty()) {
            // Day by day over the shared days: nothing before the start, the ramp's share in each month after.
            (Some(start), false) => {
                let from = range.start.max(period.start);
                let to = range.end.min(period.end);
                let mut weighted = 0f64;
                let mut day = from;
                while day <= to {
                    let months = (day.year() - start.year()) * 12 + day.month() as i32
                        - start.month() as i32;
                    weighted += if day < start {
                        0.0
                    } else {
                        usize::try_from(months)
                            .ok()
                            .and_then(|m| p.settings.ramp.get(m))
                            .copied()
                            .unwrap_or(1.0)
                    };
                    match day.succ_opt() {
                        Some(next) => day = next,
                        None => break,
                    }
                }
                weighted
            }
            _ => shared as f64,
        };
        total += amount * share / range.days() as f64;
    }
    Some(total.round() as i64)
}

/// A team's shared quota (quota rows without a rep) over a range, prorated by the days it shares.
pub fn shared_quota_in(p: &Prepared<'_>, period: DateRange) -> Option<i64> {
    let shared: i64 = p
        .model
        .quotas
        .iter()
        .filter(|q| q.rep.is_none())
        .map(|q| {
            let range = DateRange::new(q.period_start, q.period_end);
            let amount = p
                .settings
                .money
                .to_home(
                    q.amount_cents,
                    q.currency.as_deref().unwrap_or(""),
                    Some(q.period_start),
                )
                .unwrap_or(0) as f64;
            (amount * range.overlap(&period) as f64 / range.days() as f64).round() as i64
        })
        .sum();
    (shared > 0).then_some(shared)
}
