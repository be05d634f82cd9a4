//! One forecast origin: a day D and a period P, with everything known at D put together — what each rep
//! has closed in P by D, each open deal's chance of being won in what is left of P ([`WinModel`]), the
//! expected deals not yet created ([`Fresh`]), the mean and variance of the rest, every baseline
//! ([`Baselines`]) and, when P has ended in the data, what was actually booked. The backtest builds one per
//! weekly origin, the forecast one for its as-of day.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::engine::forecast::asof::{Category, Timeline};
use crate::engine::forecast::baselines::{Baselines, OpenSums, booked};
use crate::engine::forecast::fresh::Fresh;
use crate::engine::forecast::rates::{CloseBucket, Features, WinModel, Window};
use crate::engine::forecast::settings::Grain;
use crate::engine::metrics::period::{Calendar, DateRange};
use crate::engine::model::{DealIx, RepIx, StageIx};

/// An open deal at the origin, with its chances.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenDeal {
    pub deal: DealIx,
    pub rep: Option<RepIx>,
    /// Home units on the origin day; 0 when the deal has no amount (or no rate).
    pub amount: f64,
    pub has_amount: bool,
    /// The model's chance of being won inside the window.
    pub p_model: f64,
    pub p_crm: Option<f64>,
    /// The plain stage rate inside the window.
    pub p_stage: Option<f64>,
    pub close_on: Option<NaiveDate>,
    pub close: CloseBucket,
    pub category: Category,
    pub pushes: u32,
    pub stage: Option<StageIx>,
    pub created_on: NaiveDate,
    /// The close date is inside the period.
    pub in_period: bool,
}

/// One rep's side of an origin.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepOrigin {
    pub closed: f64,
    /// Expected value and variance of what is still to be won (open deals and new ones).
    pub mean_rest: f64,
    pub var_rest: f64,
    pub open_deals: usize,
    pub commit: f64,
    pub best_case: f64,
    pub crm_weighted: f64,
    /// Booked in the period, when it has ended in the data.
    pub actual: Option<f64>,
}

/// Everything known at one origin.
pub struct Origin {
    pub day: NaiveDate,
    pub period: DateRange,
    pub window: Window,
    /// 1 for the period's first seven days, …; 0 when the period starts after the origin.
    pub week: u32,
    pub deals: Vec<OpenDeal>,
    pub reps: BTreeMap<Option<RepIx>, RepOrigin>,
    /// The reps in the order of their stable keys (not of their place in the roster, which depends on
    /// which file named them first): sums and draws go in this order, so two exports of the same deals
    /// give the same numbers to the last bit.
    pub rep_order: Vec<Option<RepIx>>,
    pub fresh: Fresh,
    pub closed: f64,
    pub mean_rest: f64,
    pub var_rest: f64,
    pub baselines: Baselines,
    /// Booked in the period, when it has ended by the data's last day.
    pub actual: Option<f64>,
    pub limited_history: bool,
    pub closed_before: usize,
    pub leak: Option<String>,
    pub deals_without_amount: usize,
}

impl Origin {
    /// The origin `day` for `period`; `data_end` is the last day the data knows (for the actual).
    pub fn build(
        timeline: &Timeline<'_>,
        calendar: &Calendar,
        grain: Grain,
        period: DateRange,
        day: NaiveDate,
        data_end: NaiveDate,
    ) -> Origin {
        let window_start = period.start.max(day.succ_opt().unwrap_or(day));
        let days = |to: NaiveDate| (to - day).num_days().max(0) as u32;
        let window = Window {
            from: days(window_start).saturating_sub(1),
            to: days(period.end),
        };
        let model = WinModel::fit(timeline, day, window);
        let fresh = Fresh::fit(timeline, calendar, grain, period, window_start, day);
        let in_window = window.to > window.from;
        let mut deals = Vec::new();
        let mut reps: BTreeMap<Option<RepIx>, RepOrigin> = BTreeMap::new();
        let closed_by = day.min(period.end);
        let mut deals_without_amount = 0;
        for &deal in &timeline.deals {
            let rep = timeline.rep(deal);
            if timeline.won_between(deal, period.start, closed_by) {
                let amount = timeline
                    .amount_now(deal, timeline.closed_on[deal as usize].unwrap_or(day))
                    .unwrap_or(0.0);
                reps.entry(rep).or_default().closed += amount;
            }
            if !in_window || !timeline.open_on(deal, day) {
                continue;
            }
            let at = timeline.at(deal, day);
            let f = Features::of(&at, day, window, model.median_won);
            let created_on = timeline.created_on[deal as usize].unwrap_or(day);
            let p_model = model.probability(&f, (day - created_on).num_days());
            if at.amount_home.is_none() {
                deals_without_amount += 1;
            }
            let amount = at.amount_home.unwrap_or(0.0);
            let in_period = at.close_on.is_some_and(|c| period.contains(c));
            let r = reps.entry(rep).or_default();
            r.open_deals += 1;
            r.mean_rest += p_model * amount;
            r.var_rest += p_model * (1.0 - p_model) * amount * amount;
            if at
                .close_on
                .is_some_and(|c| c >= window_start && c <= period.end)
            {
                match at.category {
                    Category::Commit => r.commit += amount,
                    Category::BestCase => r.best_case += amount,
                    _ => {}
                }
                r.crm_weighted += amount * at.probability.unwrap_or(0.0);
            }
            deals.push(OpenDeal {
                deal,
                rep,
                amount,
                has_amount: at.amount_home.is_some(),
                p_model,
                p_crm: at.probability,
                p_stage: at.stage.and_then(|s| model.stage_rate(s)),
                close_on: at.close_on,
                close: f.close,
                category: at.category,
                pushes: at.pushes,
                stage: at.stage,
                created_on,
                in_period,
            });
        }
        if in_window {
            for (&rep, f) in &fresh.reps {
                let (mean, square) = fresh.moments(rep);
                if f.rate > 0.0 {
                    let r = reps.entry(rep).or_default();
                    r.mean_rest += mean;
                    r.var_rest += square;
                }
            }
        }
        let ended = period.end <= data_end;
        if ended {
            for (rep, total) in booked(timeline, period, data_end) {
                reps.entry(rep).or_default().actual = Some(total);
            }
            for r in reps.values_mut() {
                r.actual.get_or_insert(0.0);
            }
        }
        let mut rep_order: Vec<Option<RepIx>> = reps.keys().copied().collect();
        let key = |rep: &Option<RepIx>| {
            rep.and_then(|r| timeline.model.reps.get(r as usize))
                .map(|r| r.key.clone())
        };
        rep_order.sort_by_key(key);
        let ordered = || rep_order.iter().filter_map(|r| reps.get(r));
        let closed = ordered().map(|r| r.closed).sum::<f64>() + 0.0;
        let mean_rest = ordered().map(|r| r.mean_rest).sum::<f64>() + 0.0;
        let var_rest = ordered().map(|r| r.var_rest).sum::<f64>() + 0.0;
        let open = OpenSums {
            commit: ordered().map(|r| r.commit).sum::<f64>() + 0.0,
            best_case: ordered().map(|r| r.best_case).sum::<f64>() + 0.0,
            crm_weighted: ordered().map(|r| r.crm_weighted).sum::<f64>() + 0.0,
        };
        let baselines = Baselines::at(timeline, calendar, grain, period, day, &open, closed);
        let actual = ended.then(|| ordered().filter_map(|r| r.actual).sum::<f64>() + 0.0);
        let week = if day >= period.start {
            ((day - period.start).num_days() / 7 + 1) as u32
        } else {
            0
        };
        Origin {
            day,
            period,
            window,
            week,
            deals,
            reps,
            rep_order,
            fresh,
            closed,
            mean_rest,
            var_rest,
            baselines,
            actual,
            limited_history: model.limited_history,
            closed_before: model.closed_before,
            leak: timeline.leak(day),
            deals_without_amount,
        }
    }

    /// The model's expected total (before calibration).
    pub fn expected(&self) -> f64 {
        self.closed + self.mean_rest
    }
}
