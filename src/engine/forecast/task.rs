//! The forecast and the backtest as sliced tasks for the session: one step per origin (a fit and its
//! draws), then the answer — so the worker reports progress and a Cancel stops it within one origin. A
//! forecast first runs the backtest's [`Runner`] over its recent past (the last [`PAST_MONTHS`] months or
//! [`PAST_QUARTERS`] quarters), which calibrates it and says how far off it has been; then the period's
//! own origin and its draws; then each listed deal's reasons, from the same fit refitted (its own step, as
//! the fit is the slow part); then one step per week of the fan still to come.
//!
//! The fan: up to the as-of day, what was booked in the period by each week's first day (the same won
//! amounts the origin counts as closed). After it, the range of the period's bookings by day t is the
//! forecast of the period cut short at t: an [`Origin`] for `[period start, t]` at the as-of day, so each
//! open deal's chance is refitted for being won by t (the window ends at t, the close-date buckets follow)
//! and the deals not yet created are counted over the same stretch of earlier periods (see
//! [`crate::engine::forecast::fresh`]). It is drawn with the forecast's own shock and seed but at most
//! [`FAN_DRAWS`] draws, and the blend with a run-rate method, when there is one, scales what is still to
//! win by the period's own factor (the blend is chosen for the whole period; a run rate of a part of it is
//! not scored anywhere). The last point, the period's end, is the forecast's own range.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::engine::EngineError;
use crate::engine::forecast::asof::{Category, Timeline};
use crate::engine::forecast::backtest::{Runner, origins, report as backtest_report};
use crate::engine::forecast::calibrate::Shock;
use crate::engine::forecast::combine::factor;
use crate::engine::forecast::origin::{OpenDeal, Origin, RepOrigin};
use crate::engine::forecast::rates::{CellUse, CloseBucket, Features, WinModel, Window};
use crate::engine::forecast::report::{
    BacktestReport, FanPoint, ForecastDeal, ForecastReport, ForecastRow, PeriodOut,
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
/// Draws for each of the fan's points before the period's end, at most (the end is the forecast's own).
pub const FAN_DRAWS: u32 = 2_000;
/// Days between the fan's points.
pub const FAN_STEP_DAYS: u64 = 7;
/// A deal's reasons, at most.
pub const MAX_WHY: usize = 4;

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
    /// The period's forecast once drawn, waiting for the fan's points still to come.
    pending: Option<Pending>,
    /// The period's own origin is drawn, its deals' reasons are given, and how many of the fan's future
    /// points are done.
    drawn: bool,
    explained: bool,
    fan_done: usize,
    /// The headline only: no fan after the as-of day and no reasons per deal (see [`ForecastTask::brief`]).
    brief: bool,
}

struct Plan {
    as_of: NaiveDate,
    as_of_from: String,
    period: DateRange,
    /// The fan's days after the as-of day and before the period's end, in order.
    future: Vec<NaiveDate>,
}

/// The report but its fan's future points, and what those are drawn with.
struct Pending {
    report: ForecastReport,
    shock: Shock,
    /// What still to win is scaled by this in every draw (1 without a blend).
    blend_factor: f64,
    /// Future points done so far.
    points: Vec<FanPoint>,
    /// The period's own origin, for its deals' reasons (given in a step of their own).
    origin: Origin,
    explained: bool,
}

/// The fan's days in `period` seen on `as_of`: every [`FAN_STEP_DAYS`] from its start, and its end.
fn fan_days(period: DateRange) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = (0..)
        .map_while(|k| {
            period
                .start
                .checked_add_days(chrono::Days::new(FAN_STEP_DAYS * k))
        })
        .take_while(|d| *d < period.end)
        .collect();
    days.push(period.end);
    days
}

/// The days after `as_of` the fan draws, but the period's end (the forecast's own range).
fn future_days(period: DateRange, as_of: NaiveDate) -> Vec<NaiveDate> {
    fan_days(period)
        .into_iter()
        .filter(|d| *d > as_of && *d < period.end)
        .collect()
}

/// What was booked in the period by each week's first day up to the as-of day, and on the as-of day
/// (the period's end when it has ended): won in `[period.start, day]`, each won deal at its amount on its
/// close day, summed by rep in the origin's rep order as [`Origin::build`] sums `closed` — so the as-of
/// point is the origin's `closed` to the bit.
fn booked_points(timeline: &Timeline<'_>, origin: &Origin) -> Vec<FanPoint> {
    let period = origin.period;
    let last = origin.day.min(period.end);
    if last < period.start {
        return Vec::new();
    }
    let mut days: Vec<NaiveDate> = fan_days(period).into_iter().filter(|d| *d < last).collect();
    days.push(last);
    days.into_iter()
        .map(|day| {
            let mut by_rep: HashMap<Option<crate::engine::model::RepIx>, f64> = HashMap::new();
            for &deal in &timeline.deals {
                if timeline.won_between(deal, period.start, day) {
                    let amount = timeline
                        .amount_now(deal, timeline.closed_on[deal as usize].unwrap_or(day))
                        .unwrap_or(0.0);
                    *by_rep.entry(timeline.rep(deal)).or_default() += amount;
                }
            }
            let booked = origin
                .rep_order
                .iter()
                .filter_map(|r| by_rep.get(r))
                .sum::<f64>()
                + 0.0;
            FanPoint {
                day,
                booked: Some(booked),
                p10: None,
                p25: None,
                p50: None,
                p75: None,
                p90: None,
            }
        })
        .collect()
}

/// A point of the fan from sorted draws of the team.
fn range_point(day: NaiveDate, sorted: &[f64]) -> FanPoint {
    let q = |x| quantile(sorted, x);
    FanPoint {
        day,
        booked: None,
        p10: q(0.1),
        p25: q(0.25),
        p50: q(0.5),
        p75: q(0.75),
        p90: q(0.9),
    }
}

impl ForecastTask {
    /// `settings.metrics` must already carry the calendar it is to use.
    pub fn new(settings: ForecastSettings) -> ForecastTask {
        ForecastTask {
            settings,
            plan: None,
            runner: Runner::default(),
            pending: None,
            drawn: false,
            explained: false,
            fan_done: 0,
            brief: false,
        }
    }

    /// A forecast without the fan's future points and without each deal's reasons: the same ranges,
    /// deals and chances, in far fewer steps (for comparing two forecasts, as What changed does).
    pub fn brief(settings: ForecastSettings) -> ForecastTask {
        ForecastTask {
            brief: true,
            ..ForecastTask::new(settings)
        }
    }

    pub fn done(&self) -> usize {
        self.runner.next
            + usize::from(self.plan.is_some())
            + usize::from(self.drawn)
            + usize::from(self.explained)
            + self.fan_done
    }

    /// The plan, the past origins, the period's own, its deals' reasons and one per future week of the
    /// fan (known once the plan is made).
    pub fn steps(&self) -> usize {
        self.runner.origins.len() + 3 + self.plan.as_ref().map_or(0, |p| p.future.len())
    }

    /// One step: the plan, one past origin, the forecast itself, or one future point of its fan.
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
                future: if self.brief {
                    Vec::new()
                } else {
                    future_days(period, day)
                },
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
        if let Some(mut pending) = self.pending.take() {
            if !pending.explained {
                // The same fit the origin's chances came from (same timeline, day and window).
                let win = WinModel::fit(&timeline, plan.as_of, pending.origin.window);
                pending.report.deals = self.deal_rows(&timeline, &pending.origin, plan, Some(&win));
                pending.explained = true;
                self.explained = true;
            } else if let Some(&t) = plan.future.get(pending.points.len()) {
                let point = if pending.report.team.distribution {
                    let cut = Origin::build(
                        &timeline,
                        calendar,
                        grain,
                        DateRange::new(plan.period.start, t),
                        plan.as_of,
                        plan.as_of,
                    );
                    let draws = simulate(&cut, &pending.shock, s.draws.min(FAN_DRAWS), s.seed);
                    let f = pending.blend_factor;
                    let mut team: Vec<f64> = draws
                        .team
                        .iter()
                        .map(|d| cut.closed + (d - cut.closed) * f)
                        .collect();
                    team.sort_by(f64::total_cmp);
                    range_point(t, &team)
                } else {
                    FanPoint {
                        day: t,
                        booked: None,
                        p10: None,
                        p25: None,
                        p50: None,
                        p75: None,
                        p90: None,
                    }
                };
                pending.points.push(point);
                self.fan_done = pending.points.len();
            }
            if !pending.explained || pending.points.len() < plan.future.len() {
                self.pending = Some(pending);
                return Ok(None);
            }
            let end = pending.report.fan.pop();
            pending.report.fan.append(&mut pending.points);
            pending.report.fan.extend(end);
            return Ok(Some(pending.report));
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
        let (model_p50, blend) = self.runner.blend(&origin, &mut draws);
        let blend_factor = blend.as_ref().map_or(1.0, |b| {
            factor(b, &origin.baselines, model_p50, origin.closed)
        });
        let mut report = self.assemble(&timeline, &origin, shock, draws, plan);
        self.drawn = true;
        if let Some(b) = &blend {
            report.notes.insert(
                2,
                format!(
                    "Blended with {} (weight {:.2}): on {} earlier origins in {} periods it missed by {:.0} in all against the model's {:.0}, so the most likely number moves toward it and the range (and the fan's) moves with it.",
                    b.method, b.weight, b.origins, b.periods, b.method_error, b.model_error
                ),
            );
        }
        report.combination = blend;
        self.pending = Some(Pending {
            report,
            shock,
            blend_factor,
            points: Vec::new(),
            origin,
            explained: self.brief,
        });
        self.explained = self.brief;
        Ok(None)
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
        let deals = self.deal_rows(timeline, origin, plan, None);
        let mut fan = booked_points(timeline, origin);
        if plan.period.end > plan.as_of {
            fan.push(FanPoint {
                day: plan.period.end,
                booked: None,
                p10: team.p10,
                p25: team.p25,
                p50: team.p50,
                p75: team.p75,
                p90: team.p90,
            });
        }
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
        if plan.future.is_empty() {
            if plan.period.end <= plan.as_of {
                notes.push("The fan shows what was booked week by week; the period has ended, so there is no range.".to_owned());
            }
        } else {
            notes.push(format!(
                "The fan's range by each week is the forecast of the period cut short at that day (chances refitted for being won by then, new deals counted over the same days of earlier {}s), from {} draws with the same seed and shock{}; its last point is the period's own range above.",
                s.period.grain().word(),
                s.draws.min(FAN_DRAWS),
                if team.distribution { "" } else { " — none here, as the team has too few open deals for a range" }
            ));
        }
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
            fan,
            tested: backtest_report(
                &self.runner,
                s.period.grain(),
                plan.as_of,
                &s.metrics.money.home_currency,
            ),
            notes,
        }
    }

    /// The listed deals (open, closing in the period), largest expected amount first; their reasons
    /// from `win`, the fit the origin's chances came from (empty without it: they come a step later).
    fn deal_rows(
        &self,
        timeline: &Timeline<'_>,
        origin: &Origin,
        plan: &Plan,
        win: Option<&WinModel>,
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
                let age_days = (plan.as_of - o.created_on).num_days();
                let reasons = win.map_or(
                    Reasons {
                        stage_rate: None,
                        stage_deals: 0,
                        sentences: Vec::new(),
                    },
                    |win| {
                        let features = Features::of(
                            &timeline.at(o.deal, plan.as_of),
                            plan.as_of,
                            origin.window,
                            win.median_won,
                        );
                        let stage_name = o
                            .stage
                            .and_then(|s| model.stages.get(s))
                            .map(|e| e.raw.clone());
                        why(&Why {
                            deal: o,
                            cells: &win.explain(&features, age_days),
                            window: origin.window,
                            stage: stage_name.as_deref(),
                            age_days,
                            days_since_activity,
                        })
                    },
                );
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
                    stage_win_rate: reasons.stage_rate,
                    stage_win_deals: reasons.stage_deals,
                    why: reasons.sentences,
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

/// What a listed deal's reasons are made of.
struct Why<'a> {
    deal: &'a OpenDeal,
    /// The cells its chance went through ([`WinModel::explain`]).
    cells: &'a [CellUse],
    window: Window,
    /// The stage's name as the export wrote it (`None`: not known on the as-of day).
    stage: Option<&'a str>,
    age_days: i64,
    days_since_activity: Option<i64>,
}

/// A listed deal's reasons: the raw share won of its most specific cell with a stage, that cell's deals,
/// and the sentences.
struct Reasons {
    stage_rate: Option<f64>,
    stage_deals: u64,
    sentences: Vec<String>,
}

fn whole_percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn times(n: u32) -> String {
    match n {
        1 => "once".to_owned(),
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    }
}

/// The deals of a cell, in words: "deals in Negotiation over 90 days old, with a close date in the next
/// 24 days, alike in pushes, time in stage and size,".
fn cell_words(level: usize, w: &Why<'_>) -> String {
    let stage = match w.stage {
        Some(name) => format!("in {name}"),
        None => "of unknown stage".to_owned(),
    };
    let window = w.window;
    let close = match w.deal.close {
        CloseBucket::NoDate => "with no close date".to_owned(),
        CloseBucket::PastDue => "past their close date".to_owned(),
        CloseBucket::BeforeWindow => format!("with a close date in the next {} days", window.from),
        CloseBucket::InWindow if window.from == 0 => {
            format!("with a close date in the next {} days", window.to)
        }
        CloseBucket::InWindow => format!(
            "with a close date {}–{} days away",
            window.from + 1,
            window.to
        ),
        CloseBucket::Later => format!("with a close date more than {} days away", window.to),
    };
    let age = if w.age_days > 90 {
        "over 90 days old"
    } else {
        "up to 90 days old"
    };
    match level {
        0 => "all deals".to_owned(),
        1 => format!("all deals {close}"),
        2 => format!("deals {stage} {close}"),
        _ => format!("deals {stage} {age}, {close}, alike in pushes, time in stage and size,"),
    }
}

/// "Of 212 earlier deals in Negotiation …, an estimated 31% were won within 24 days.", how the model moved it,
/// then the deal's own: past due, pushes, quiet days, its close date. At most [`MAX_WHY`].
fn why(w: &Why<'_>) -> Reasons {
    let o = w.deal;
    let window = w.window;
    let won_within = if window.from == 0 {
        format!("within {} days", window.to)
    } else {
        format!("{}–{} days later", window.from + 1, window.to)
    };
    let shown = w.cells.iter().rev().find(|c| c.level >= 2);
    let mut sentences = Vec::new();
    match shown {
        Some(c) => {
            // The share is a Kaplan–Meier estimate over the deals' weekly landmarks (a deal still open
            // counts until it was last seen), so it need not be a fraction of the deal count.
            sentences.push(format!(
                "Of {} earlier {}, an estimated {} were won {won_within}.",
                c.deals,
                cell_words(c.level, w).trim_end_matches(','),
                whole_percent(c.own),
            ));
            if whole_percent(c.own) != whole_percent(o.p_model)
                && let Some(parent) = w.cells.iter().rev().find(|p| p.level < c.level)
            {
                sentences.push(format!(
                    "The model gives it {}: with {} deals behind that share it leans toward {} ({}, {} deals).",
                    whole_percent(o.p_model),
                    c.deals,
                    cell_words(parent.level, w).trim_end_matches(','),
                    whole_percent(parent.own),
                    parent.deals
                ));
            }
        }
        None => {
            let stage = w.stage.unwrap_or("an unknown stage");
            sentences.push(match w.cells.last() {
                Some(c) => format!(
                    "No earlier deal in {stage} was seen like this one, so the model gives it {}, from {} ({} won {won_within}, {} deals).",
                    whole_percent(o.p_model),
                    cell_words(c.level, w).trim_end_matches(','),
                    whole_percent(c.own),
                    c.deals
                ),
                None => format!(
                    "No earlier deal in {stage} was seen like this one, so the model gives it {}.",
                    whole_percent(o.p_model)
                ),
            });
        }
    }
    if o.close == CloseBucket::PastDue
        && let Some(close) = o.close_on
    {
        sentences.push(format!("Past due since {close}."));
    }
    if o.pushes > 0 {
        sentences.push(format!("Pushed {}.", times(o.pushes)));
    }
    if let Some(n) = w.days_since_activity.filter(|n| *n > AT_RISK_QUIET_DAYS) {
        sentences.push(format!("No activity for {n} days."));
    }
    if o.close != CloseBucket::PastDue
        && let Some(close) = o.close_on
    {
        sentences.push(format!("Close date {close} is inside the period."));
    }
    sentences.truncate(MAX_WHY);
    Reasons {
        stage_rate: shown.map(|c| c.own),
        stage_deals: shown.map_or(0, |c| c.deals as u64),
        sentences,
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
