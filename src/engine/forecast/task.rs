//! The forecast and the backtest as sliced tasks for the session: one step per origin (a fit and its
//! draws), then the answer — so the worker reports progress and a Cancel stops it within one origin. A
//! forecast first runs the backtest's [`Runner`] over its recent past (the last [`PAST_MONTHS`] months or
//! [`PAST_QUARTERS`] quarters), which calibrates it and says how far off it has been.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::engine::EngineError;
use crate::engine::forecast::asof::{Category, Timeline};
use crate::engine::forecast::backtest::{Runner, origins, report as backtest_report};
use crate::engine::forecast::calibrate::Shock;
use crate::engine::forecast::origin::{Origin, RepOrigin};
use crate::engine::forecast::rates::CloseBucket;
use crate::engine::forecast::report::{
    BacktestReport, ForecastDeal, ForecastReport, ForecastRow, PeriodOut,
};
use crate::engine::forecast::settings::{BacktestSettings, ForecastSettings, Grain, MAX_DRAWS};
use crate::engine::forecast::simulate::{Draws, chance_at_least, quantile, simulate};
use crate::engine::metrics::MetricSettings;
use crate::engine::metrics::period::DateRange;
use crate::engine::metrics::prepared::{Prepared, latest_date, quota_in, shared_quota_in};
use crate::engine::model::{DealIx, SalesModel};

/// Past periods a forecast calibrates on.
pub const PAST_MONTHS: usize = 12;
pub const PAST_QUARTERS: usize = 8;
/// A rep with fewer open deals gets the deal list but no distribution.
pub const MIN_OPEN_DEALS: usize = 5;
/// A Commit deal is at risk when the model's chance is this far (0–1) below the CRM's probability …
pub const AT_RISK_POINTS: f64 = 0.25;
/// … or its close date was pushed this many times …
pub const AT_RISK_PUSHES: u32 = 2;
/// … or nothing happened on it for more days than this.
pub const AT_RISK_QUIET_DAYS: i64 = 14;
/// A Pipeline or Best Case deal is upside when the model gives it at least this chance.
pub const UPSIDE_CHANCE: f64 = 0.5;

/// The as-of day and where it came from.
fn as_of(
    model: &SalesModel,
    settings: &MetricSettings,
) -> Result<(NaiveDate, String), EngineError> {
    match settings.as_of {
        Some(day) => Ok((day, "set by you".to_owned())),
        None => latest_date(model)
            .map(|d| (d, "the latest date in the data".to_owned()))
            .ok_or(EngineError::NoDates),
    }
}

/// The in-scope flags of every deal under the settings.
fn in_scope(model: &SalesModel, settings: &MetricSettings, as_of: NaiveDate) -> Vec<bool> {
    Prepared::for_range(model, settings, DateRange::new(as_of, as_of), as_of, "").in_scope
}

/// What both tasks refuse before any work: no deals, or a number of draws out of range.
fn can_start(model: &SalesModel, draws: u32) -> Result<(), EngineError> {
    if model.deals.is_empty() {
        return Err(EngineError::NoDeals);
    }
    if draws == 0 || draws > MAX_DRAWS {
        return Err(EngineError::BadDraws {
            draws,
            max: MAX_DRAWS,
        });
    }
    Ok(())
}

/// The day the data starts to show the team's bookings: its first close, or its first creation when that
/// is later. Before the first close the export holds open deals and no closes, as an export of "open, or
/// closed in the last N months" does, or a CRM whose earlier closes were never imported: that period's
/// total is only part of what was booked, a model fitted then sees nothing close, and its miss would teach
/// the shock of every later origin (as with [`Baselines`](crate::engine::forecast::baselines::Baselines),
/// whose periods count only once bookings had begun). Origins start after the period holding this day.
fn first_day(timeline: &Timeline<'_>) -> Option<NaiveDate> {
    let first_created = timeline
        .deals
        .iter()
        .filter_map(|&d| timeline.created_on[d as usize])
        .min()?;
    let first_close = timeline
        .deals
        .iter()
        .filter_map(|&d| timeline.closed_on[d as usize])
        .min();
    Some(first_close.map_or(first_created, |c| c.max(first_created)))
}

/// A forecast being worked out.
pub struct ForecastTask {
    settings: ForecastSettings,
    plan: Option<Plan>,
    runner: Runner,
}

struct Plan {
    as_of: NaiveDate,
    as_of_from: String,
    period: DateRange,
}

impl ForecastTask {
    /// `settings.metrics` must already carry the calendar it is to use.
    pub fn new(settings: ForecastSettings) -> ForecastTask {
        ForecastTask {
            settings,
            plan: None,
            runner: Runner::default(),
        }
    }

    pub fn done(&self) -> usize {
        self.runner.next + usize::from(self.plan.is_some())
    }

    pub fn steps(&self) -> usize {
        self.runner.origins.len() + 2
    }

    /// One step: the plan, one past origin, or the forecast itself.
    pub fn step(&mut self, model: &SalesModel) -> Result<Option<ForecastReport>, EngineError> {
        let s = &self.settings;
        can_start(model, s.draws)?;
        let grain = s.period.grain();
        let calendar = &s.metrics.calendar;
        let Some(plan) = &self.plan else {
            let (day, from) = as_of(model, &s.metrics)?;
            let period =
                s.period
                    .resolve(calendar, day)
                    .ok_or_else(|| EngineError::NoSuchPeriod {
                        period: format!("{:?}", s.period),
                    })?;
            let scope = in_scope(model, &s.metrics, day);
            let timeline = Timeline::new(model, &s.metrics, &scope);
            let keep = match grain {
                Grain::Month => PAST_MONTHS,
                Grain::Quarter => PAST_QUARTERS,
            };
            let past = first_day(&timeline)
                .map(|first| origins(calendar, grain, first, day, Some(keep)))
                .unwrap_or_default();
            self.runner = Runner::new(past.into_iter().filter(|(d, _)| *d < day).collect());
            self.plan = Some(Plan {
                as_of: day,
                as_of_from: from,
                period,
            });
            return Ok(None);
        };
        let scope = in_scope(model, &s.metrics, plan.as_of);
        let timeline = Timeline::new(model, &s.metrics, &scope);
        if !self.runner.done() {
            self.runner
                .step(&timeline, calendar, grain, plan.as_of, 2_000, s.seed);
            return Ok(None);
        }
        let origin = Origin::build(
            &timeline,
            calendar,
            grain,
            plan.period,
            plan.as_of,
            plan.as_of,
        );
        if origin.closed_before == 0 {
            return Err(EngineError::NoClosedDeals { as_of: plan.as_of });
        }
        let shock = self.runner.shock_for(&origin);
        let mut draws = simulate(&origin, &shock, s.draws, s.seed);
        let (_, blend) = self.runner.blend(&origin, &mut draws);
        let mut report = self.assemble(&timeline, &origin, shock, draws, plan);
        if let Some(b) = &blend {
            report.notes.insert(
                2,
                format!(
                    "Blended with {} (weight {:.2}): on {} earlier origins in {} periods it missed by {:.0} in all against the model's {:.0}, so the most likely number moves toward it and the range moves with it.",
                    b.method, b.weight, b.origins, b.periods, b.method_error, b.model_error
                ),
            );
        }
        report.combination = blend;
        Ok(Some(report))
    }

    fn assemble(
        &self,
        timeline: &Timeline<'_>,
        origin: &Origin,
        shock: Shock,
        draws: Draws,
        plan: &Plan,
    ) -> ForecastReport {
        let s = &self.settings;
        let model = timeline.model;
        let p = Prepared::for_range(model, &s.metrics, plan.period, plan.as_of, &plan.as_of_from);
        let brief = self.runner.brief(origin.week);
        let has_cat = timeline.has_categories;
        let has_prob = timeline.has_probabilities;
        let ended = origin.window.to <= origin.window.from;
        let row = |rep: String,
                   rep_id: Option<String>,
                   r: &RepOrigin,
                   sim: &[f64],
                   quota: Option<f64>,
                   new: f64| {
            let mut sorted = sim.to_vec();
            sorted.sort_by(f64::total_cmp);
            let distribution = r.open_deals >= MIN_OPEN_DEALS || ended;
            let q = |x| distribution.then(|| quantile(&sorted, x)).flatten();
            ForecastRow {
                rep,
                rep_id,
                closed: r.closed,
                p10: q(0.1),
                p25: q(0.25),
                p50: q(0.5),
                p75: q(0.75),
                p90: q(0.9),
                mean: distribution.then(|| sorted.iter().sum::<f64>() / sorted.len().max(1) as f64),
                quota,
                chance_of_quota: quota
                    .filter(|_| distribution)
                    .and_then(|goal| chance_at_least(&sorted, goal)),
                commit: has_cat.then_some(r.closed + r.commit),
                best_case: has_cat.then_some(r.closed + r.commit + r.best_case),
                crm_weighted: has_prob.then_some(r.closed + r.crm_weighted),
                open_deals: r.open_deals as u64,
                expected_new_deals: new,
                distribution,
                backtest: None,
            }
        };
        let mut reps = Vec::new();
        let mut rep_quota_total = 0.0;
        let mut any_quota = false;
        for rep in origin.rep_order.iter().copied() {
            let Some(r) = origin.reps.get(&rep) else {
                continue;
            };
            let quota = rep
                .and_then(|ix| quota_in(&p, ix, plan.period))
                .map(|c| c as f64 / 100.0);
            if let Some(q) = quota {
                rep_quota_total += q;
                any_quota = true;
            }
            let new = origin.fresh.reps.get(&rep).map_or(0.0, |f| f.rate);
            let sim = draws.reps.get(&rep).map_or(&[][..], Vec::as_slice);
            let rep_id = rep
                .and_then(|ix| model.reps.get(ix as usize))
                .map(|r| r.key.clone());
            reps.push(row(
                model.rep_name(rep).to_owned(),
                rep_id,
                r,
                sim,
                quota,
                new,
            ));
        }
        let shared = shared_quota_in(&p, plan.period).map(|c| c as f64 / 100.0);
        let team_quota = s.team_quota.or_else(|| {
            (any_quota || shared.is_some()).then(|| rep_quota_total + shared.unwrap_or(0.0))
        });
        let ordered = || origin.rep_order.iter().filter_map(|r| origin.reps.get(r));
        let team_sum = RepOrigin {
            closed: origin.closed,
            mean_rest: origin.mean_rest,
            var_rest: origin.var_rest,
            open_deals: origin.deals.len(),
            commit: ordered().map(|r| r.commit).sum::<f64>() + 0.0,
            best_case: ordered().map(|r| r.best_case).sum::<f64>() + 0.0,
            crm_weighted: ordered().map(|r| r.crm_weighted).sum::<f64>() + 0.0,
            actual: None,
        };
        let team_new = origin
            .rep_order
            .iter()
            .filter_map(|r| origin.fresh.reps.get(r))
            .map(|f| f.rate)
            .sum::<f64>()
            + 0.0;
        let mut team = row(
            "Team".to_owned(),
            None,
            &team_sum,
            &draws.team,
            team_quota,
            team_new,
        );
        team.backtest = brief.clone();
        reps.sort_by(|a, b| {
            b.p50
                .unwrap_or(b.closed)
                .total_cmp(&a.p50.unwrap_or(a.closed))
                .then(a.rep.cmp(&b.rep))
        });
        let deals = self.deal_rows(timeline, origin, plan);
        let mut notes = Vec::new();
        notes.push(format!(
            "Most likely (P50) and the P10–P90 range are of the period's total bookings, closed included, from {} draws (seed {}): each open deal is won with its chance of closing by {} — learned from deals seen at weekly landmarks before {}, still-open ones censored — plus the deals not yet created, as many as were created and won in the same days of earlier {}s.",
            s.draws, s.seed, plan.period.end, plan.as_of, s.period.grain().word()
        ));
        if shock.calibrated {
            notes.push(format!(
                "Calibrated on {} earlier origins in {} finished {}s: the rest of the period is scaled by e^{:.2} (the model's median miss there) and spread by a shared shock of σ = {:.2}, the same for every rep in a draw.",
                shock.origins, shock.periods, s.period.grain().word(), shock.shift, shock.sigma
            ));
        } else {
            notes.push(format!(
                "Not calibrated: only {} earlier origins with a finished {} — the range is the model's own and is likely too narrow.",
                shock.origins, s.period.grain().word()
            ));
        }
        if origin.limited_history {
            notes.push(format!(
                "Limited history: {} deals had closed by {} (under {}), so chances are by stage and close date only.",
                origin.closed_before, plan.as_of, crate::engine::forecast::rates::LIMITED_HISTORY_CLOSED
            ));
        }
        if origin.window.to <= origin.window.from {
            notes.push(format!(
                "The period ended on {}: its range is what was booked.",
                plan.period.end
            ));
        }
        if origin.deals_without_amount > 0 {
            notes.push(format!(
                "{} open deals have no amount (or no rate into {}): they count as 0 in every number here.",
                origin.deals_without_amount, s.metrics.money.home_currency
            ));
        }
        if timeline.closed_without_date > 0 {
            notes.push(format!(
                "{} closed deals have no close date and are left out of the forecast and its history.",
                timeline.closed_without_date
            ));
        }
        if timeline.without_created > 0 {
            notes.push(format!(
                "{} deals have no creation date and no history and are left out.",
                timeline.without_created
            ));
        }
        let few = reps.iter().filter(|r| !r.distribution).count();
        if few > 0 {
            notes.push(format!(
                "{few} reps have fewer than {MIN_OPEN_DEALS} open deals: no range for them, only their deals (their draws still count in the team's)."
            ));
        }
        if !has_cat {
            notes.push("The export has no forecast categories: no Commit roll-up.".to_owned());
        }
        notes.push("Each rep's forecast follows the deal's credited rep (the current owner unless owner history says otherwise).".to_owned());
        let leak = origin.leak.clone();
        ForecastReport {
            as_of: plan.as_of,
            as_of_from: plan.as_of_from.clone(),
            period: PeriodOut {
                label: plan.period.label(),
                start: plan.period.start,
                end: plan.period.end,
            },
            currency: s.metrics.money.home_currency.clone(),
            method: "model".to_owned(),
            leaky: leak.is_some(),
            leak_reasons: leak.into_iter().collect(),
            limited_history: origin.limited_history,
            seed: s.seed,
            draws: s.draws,
            calibration: shock,
            accuracy: accuracy_sentence(brief.as_ref(), s.period.grain()),
            combination: None,
            team,
            reps,
            deals,
            fan: Vec::new(),
            tested: backtest_report(
                &self.runner,
                s.period.grain(),
                plan.as_of,
                &s.metrics.money.home_currency,
            ),
            notes,
        }
    }

    fn deal_rows(
        &self,
        timeline: &Timeline<'_>,
        origin: &Origin,
        plan: &Plan,
    ) -> Vec<ForecastDeal> {
        let model = timeline.model;
        let (d, a) = (&model.deals, &model.activities);
        let mut last_activity: HashMap<DealIx, NaiveDate> = HashMap::new();
        for k in 0..a.len() {
            if let (Some(deal), Some(at)) = (a.deal[k], a.at[k]) {
                let day = at.date();
                if day <= plan.as_of {
                    let e = last_activity.entry(deal).or_insert(day);
                    *e = (*e).max(day);
                }
            }
        }
        let stale_days = i64::from(self.settings.metrics.stale_days);
        let median = origin_median(origin);
        let mut rows: Vec<ForecastDeal> = origin
            .deals
            .iter()
            .filter(|o| o.in_period)
            .map(|o| {
                let i = o.deal as usize;
                let last = last_activity
                    .get(&o.deal)
                    .copied()
                    .or(d.last_activity_on[i].filter(|l| *l <= plan.as_of));
                let days_since_activity = last.map(|l| (plan.as_of - l).num_days());
                let mut flags = Vec::new();
                if o.close == CloseBucket::PastDue {
                    flags.push("past_due".to_owned());
                }
                if o.pushes > 0 {
                    flags.push("pushed".to_owned());
                }
                if !o.has_amount {
                    flags.push("no_amount".to_owned());
                }
                if days_since_activity.is_some_and(|n| n > stale_days) {
                    flags.push("stale".to_owned());
                }
                if median.is_some_and(|m| o.amount > 4.0 * m) {
                    flags.push("large".to_owned());
                }
                let mut at_risk = Vec::new();
                if o.category == Category::Commit {
                    if let Some(crm) = o.p_crm
                        && o.p_model < crm - AT_RISK_POINTS
                    {
                        at_risk.push(format!(
                            "the model gives it {} where the CRM says {}",
                            crate::engine::numfmt::percent(Some(o.p_model)),
                            crate::engine::numfmt::percent(Some(crm))
                        ));
                    }
                    if o.pushes >= AT_RISK_PUSHES {
                        at_risk.push(format!("its close date was pushed {} times", o.pushes));
                    }
                    if let Some(n) = days_since_activity.filter(|n| *n > AT_RISK_QUIET_DAYS) {
                        at_risk.push(format!("no activity for {n} days"));
                    }
                    if !at_risk.is_empty() {
                        flags.push("commit_at_risk".to_owned());
                    }
                }
                if matches!(o.category, Category::Pipeline | Category::BestCase)
                    && o.p_model >= UPSIDE_CHANCE
                {
                    flags.push("upside".to_owned());
                }
                ForecastDeal {
                    id: model.text(d.id[i]).to_owned(),
                    name: model.text(d.name[i]).to_owned(),
                    rep: model.rep_name(o.rep).to_owned(),
                    stage: o
                        .stage
                        .and_then(|s| model.stages.get(s))
                        .map_or_else(String::new, |e| e.raw.clone()),
                    amount: o.has_amount.then_some(o.amount),
                    close_date: o.close_on,
                    category: match o.category {
                        Category::None => String::new(),
                        c => c.word().to_owned(),
                    },
                    crm_probability: o.p_crm,
                    model_probability: o.p_model,
                    push_count: o.pushes,
                    days_since_activity,
                    age_days: (plan.as_of - o.created_on).num_days(),
                    flags,
                    at_risk,
                    stage_win_rate: None,
                    stage_win_deals: 0,
                    why: Vec::new(),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            (b.model_probability * b.amount.unwrap_or(0.0))
                .total_cmp(&(a.model_probability * a.amount.unwrap_or(0.0)))
                .then(a.id.cmp(&b.id))
        });
        rows
    }
}

/// "Over the last 6 months this forecast was off by 34% at week 3 of the month (6 origins).", or why
/// there is no such sentence.
fn accuracy_sentence(
    brief: Option<&crate::engine::forecast::report::BriefBacktest>,
    grain: crate::engine::forecast::settings::Grain,
) -> String {
    let word = grain.word();
    match brief {
        None => format!(
            "Too little history to say how accurate this is: no earlier {word} has been forecast and finished in these files."
        ),
        Some(b) => format!(
            "Over the last {} {word}{} this forecast was off by {} {} ({} origins{}).",
            b.periods,
            if b.periods == 1 { "" } else { "s" },
            crate::engine::numfmt::percent(Some(b.wape)),
            match b.week {
                Some(w) => format!("at week {w} of the {word}"),
                None => "on average".to_owned(),
            },
            b.origins,
            b.interval_coverage
                .map(|c| format!(
                    "; the P10–P90 range held the result {}",
                    crate::engine::numfmt::percent(Some(c))
                ))
                .unwrap_or_default()
        ),
    }
}

/// The median amount of the origin's open deals closing in the period (for the `large` flag).
fn origin_median(origin: &Origin) -> Option<f64> {
    let mut amounts: Vec<f64> = origin
        .deals
        .iter()
        .filter(|d| d.has_amount)
        .map(|d| d.amount)
        .collect();
    if amounts.is_empty() {
        return None;
    }
    amounts.sort_by(f64::total_cmp);
    Some(amounts[(amounts.len() - 1) / 2])
}

/// A backtest being worked out.
pub struct BacktestTask {
    settings: BacktestSettings,
    plan: Option<NaiveDate>,
    runner: Runner,
}

impl BacktestTask {
    /// `settings.metrics` must already carry the calendar it is to use.
    pub fn new(settings: BacktestSettings) -> BacktestTask {
        BacktestTask {
            settings,
            plan: None,
            runner: Runner::default(),
        }
    }

    pub fn done(&self) -> usize {
        self.runner.next + usize::from(self.plan.is_some())
    }

    pub fn steps(&self) -> usize {
        self.runner.origins.len() + 2
    }

    pub fn step(&mut self, model: &SalesModel) -> Result<Option<BacktestReport>, EngineError> {
        let s = &self.settings;
        can_start(model, s.draws)?;
        let calendar = &s.metrics.calendar;
        let Some(day) = self.plan else {
            let (day, _) = as_of(model, &s.metrics)?;
            let scope = in_scope(model, &s.metrics, day);
            let timeline = Timeline::new(model, &s.metrics, &scope);
            let all = first_day(&timeline)
                .map(|first| origins(calendar, s.grain, first, day, None))
                .unwrap_or_default();
            self.runner = Runner::new(all);
            self.plan = Some(day);
            return Ok(None);
        };
        let scope = in_scope(model, &s.metrics, day);
        let timeline = Timeline::new(model, &s.metrics, &scope);
        if !self.runner.done() {
            self.runner
                .step(&timeline, calendar, s.grain, day, s.draws, s.seed);
            return Ok(None);
        }
        Ok(Some(backtest_report(
            &self.runner,
            s.grain,
            day,
            &s.metrics.money.home_currency,
        )))
    }
}

/// Runs a task to its end (tests, benches).
pub fn forecast(
    model: &SalesModel,
    settings: ForecastSettings,
) -> Result<ForecastReport, EngineError> {
    let mut task = ForecastTask::new(settings);
    loop {
        if let Some(report) = task.step(model)? {
            return Ok(report);
        }
    }
}

pub fn backtest(
    model: &SalesModel,
    settings: BacktestSettings,
) -> Result<BacktestReport, EngineError> {
    let mut task = BacktestTask::new(settings);
    loop {
        if let Some(report) = task.step(model)? {
            return Ok(report);
        }
    }
}
