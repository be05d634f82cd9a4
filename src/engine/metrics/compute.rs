//! Compute: per-rep and team performance metrics over a period, by the definitions in
//! [`crate::engine::metrics::definitions`]. One pass over the deals sorts each into its rep's sets (won,
//! lost, created …); every number is derived from those sets, so the same sets can later show the deals
//! behind it. Undefined values are `None` (JSON `null`) — never NaN, never a silent 0.

use crate::engine::EngineError;
use std::collections::BTreeMap;

use chrono::Datelike;

use crate::engine::metrics::activity::activity;
use crate::engine::metrics::context::context;
use crate::engine::metrics::leaderboard::leaderboard;
use crate::engine::metrics::money::Unconverted;
use crate::engine::metrics::period::{DateRange, business_days};
use crate::engine::metrics::pipeline::pipeline;
use crate::engine::metrics::plan::{attainment_chart, plan};
use crate::engine::metrics::prepared::{metrics_of, quota_for};
use crate::engine::metrics::process::process;
use crate::engine::model::{DealStatus, RepIx, SalesModel};

// The names callers have always reached through `compute`.
pub use crate::engine::metrics::prepared::{
    Prepared, RepMetrics, Sets, Velocity, latest_date, lower_median, quota_in, sets,
    shared_quota_in,
};
pub use crate::engine::metrics::report::{
    MetricsReport, MoneyInfo, PacingBasis, PacingCurve, PeriodInfo, Reconciliation,
};
pub use crate::engine::metrics::settings::{
    DealType, LostCategory, LostReasonRule, MetricSettings, OppsCredit, Scope, lost_category,
};

/// Past periods looked at for the usual pacing curve…
const PACING_PERIODS: usize = 8;
/// …and how many of them must have bookings before their median is used instead of a straight line.
const MIN_PACING_PERIODS: usize = 4;

/// The share of a period's bookings usually booked by the as-of date's business day: the median over the
/// previous [`MIN_PACING_PERIODS`]–[`PACING_PERIODS`] periods of the same length with bookings, or
/// straight-line when there are fewer; `None` when the period is not under way on the as-of date.
fn pacing_basis(p: &Prepared<'_>) -> Option<PacingBasis> {
    if !p.period.contains(p.as_of) || p.as_of == p.period.end {
        return None;
    }
    let elapsed = business_days(&DateRange::new(p.period.start, p.as_of));
    let total = business_days(&p.period).max(1);
    let straight = elapsed as f64 / total as f64;
    let d = &p.model.deals;
    let mut shares = Vec::new();
    let mut past = p.period;
    for _ in 0..PACING_PERIODS {
        past = p.settings.calendar.step(&p.settings.period, past, -1)?;
        // The same business day of the past period.
        let mut cutoff = past.start;
        let mut counted = 0;
        while counted < elapsed && cutoff < past.end {
            if cutoff.weekday().num_days_from_monday() < 5 {
                counted += 1;
            }
            cutoff = cutoff.succ_opt()?;
        }
        let (mut by_then, mut whole) = (0i64, 0i64);
        for i in 0..d.len() {
            if !p.in_scope[i] || d.status[i] != DealStatus::Won {
                continue;
            }
            let Some(closed) = d.closed_on[i].filter(|c| past.contains(*c)) else {
                continue;
            };
            let amount = p.home_cents(i).unwrap_or(0).max(0);
            whole += amount;
            if closed < cutoff {
                by_then += amount;
            }
        }
        if whole > 0 {
            shares.push(by_then as f64 / whole as f64);
        }
    }
    if shares.len() >= MIN_PACING_PERIODS {
        let n = shares.len();
        let share = lower_median(&mut shares)?;
        Some(PacingBasis {
            share_by_now: share,
            curve: PacingCurve::Usual {
                past_periods: n as u32,
            },
            sentence: format!(
                "Pacing compares bookings with the share of a period usually booked by this business day: {:.0}%, the median of the last {n} periods.",
                share * 100.0
            ),
        })
    } else {
        Some(PacingBasis {
            share_by_now: straight,
            curve: PacingCurve::StraightLine,
            sentence: format!(
                "Pacing is straight-line ({:.0}% of the period's business days have passed): fewer than {MIN_PACING_PERIODS} past periods have bookings to learn the usual curve from.",
                straight * 100.0
            ),
        })
    }
}

fn median_of(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let mut v: Vec<f64> = values.flatten().collect();
    lower_median(&mut v)
}

/// All metrics for the settings' period: performance, process, pipeline health, activity, and each
/// metric in the context of the team, the previous period and the same period a year before.
pub fn compute(
    model: &SalesModel,
    settings: &MetricSettings,
) -> Result<MetricsReport, EngineError> {
    let mut task = ComputeTask::new(settings.clone());
    loop {
        if let Some(report) = task.step(model)? {
            return Ok(report);
        }
    }
}

/// [`compute`] a part at a time, so a caller can report progress and stop between parts: the
/// performance metrics, then process, pipeline health, activity, the previous period, the same period a
/// year before, and the context. Every step is given the same model.
pub struct ComputeTask {
    settings: MetricSettings,
    next: usize,
    by_rep: BTreeMap<Option<RepIx>, Sets>,
    report: Option<MetricsReport>,
    previous: Option<MetricsReport>,
    year_ago: Option<MetricsReport>,
}

impl ComputeTask {
    /// Steps in all.
    pub const STEPS: usize = 7;

    pub fn new(settings: MetricSettings) -> Self {
        ComputeTask {
            settings,
            next: 0,
            by_rep: BTreeMap::new(),
            report: None,
            previous: None,
            year_ago: None,
        }
    }

    /// Steps done so far.
    pub fn done(&self) -> usize {
        self.next
    }

    /// Does the next part; the last one gives the report.
    pub fn step(&mut self, model: &SalesModel) -> Result<Option<MetricsReport>, EngineError> {
        let settings = &self.settings;
        // Preparing is cheap next to any part (a pass over the deals), so each step prepares afresh
        // instead of holding borrows across steps.
        let p = Prepared::new(model, settings)?;
        let step = self.next;
        self.next += 1;
        match (step, self.report.as_mut()) {
            (0, _) | (_, None) => {
                self.by_rep = sets(&p);
                self.report = Some(core(&p, &self.by_rep));
                self.next = 1;
            }
            (1, Some(report)) => report.process = process(&p, settings.skipped_stages_pass),
            (2, Some(report)) => report.pipeline = pipeline(&p, &report.reps, &report.team),
            (3, Some(report)) => report.activity = activity(&p, &self.by_rep),
            (4, Some(_)) => {
                self.previous = compared(
                    model,
                    settings,
                    &p,
                    settings.calendar.step(&settings.period, p.period, -1),
                );
            }
            (5, Some(_)) => {
                self.year_ago = compared(
                    model,
                    settings,
                    &p,
                    settings.calendar.year_before(&settings.period, p.period),
                );
            }
            (_, Some(_)) => {
                let Some(mut report) = self.report.take() else {
                    return Ok(None);
                };
                let (previous, year_ago) = (self.previous.take(), self.year_ago.take());
                report.context = context(model, &report, previous.as_ref(), year_ago.as_ref());
                report.compared_with = [previous.as_ref(), year_ago.as_ref()]
                    .into_iter()
                    .flatten()
                    .map(|r| r.period.clone())
                    .collect();
                report
                    .assumptions
                    .extend(report.process.note.iter().cloned());
                report.plan = plan(
                    report.period.as_of,
                    report.period.end,
                    &report.reps,
                    &report.pipeline.reps,
                    &report.activity.reps,
                );
                report.leaderboard = leaderboard(&report.reps);
                report.attainment_chart = attainment_chart(&report.reps);
                return Ok(Some(report));
            }
        }
        Ok(None)
    }
}

/// The same metrics up to the same day of an earlier period (the previous one, or the same period a year
/// before), for the context.
fn compared(
    model: &SalesModel,
    settings: &MetricSettings,
    p: &Prepared<'_>,
    range: Option<DateRange>,
) -> Option<MetricsReport> {
    let offset = (p.as_of - p.period.start).num_days().max(0) as u64;
    let range = range?;
    let as_of = range
        .start
        .checked_add_days(chrono::Days::new(offset))?
        .min(range.end);
    let earlier = Prepared::for_range(model, settings, range, as_of, "the same day of that period");
    let earlier_sets = sets(&earlier);
    let mut r = core(&earlier, &earlier_sets);
    r.activity = activity(&earlier, &earlier_sets);
    r.pipeline = pipeline(&earlier, &r.reps, &r.team);
    Some(r)
}

/// Performance metrics of one period (no process, pipeline or context).
pub fn core(p: &Prepared<'_>, by_rep: &BTreeMap<Option<RepIx>, Sets>) -> MetricsReport {
    let (model, settings) = (p.model, p.settings);
    let pacing = pacing_basis(p);
    let mut unconverted = BTreeMap::new();
    let mut reps = Vec::new();
    for (rep, rep_sets) in by_rep {
        let quota = rep.and_then(|r| quota_for(p, r));
        let mut m = metrics_of(
            p,
            rep_sets,
            quota,
            pacing.as_ref().map(|b| b.share_by_now),
            &mut BTreeMap::new(),
        );
        m.rep_ix = *rep;
        m.rep = model.rep_name(*rep).to_owned();
        let roster = rep.and_then(|r| model.reps.get(r as usize));
        m.rep_id = roster.map(|r| r.key.clone());
        m.team = roster.and_then(|r| r.team.clone());
        m.active = roster.is_none_or(|r| {
            r.active != Some(false) && r.ended_on.is_none_or(|e| e >= p.period.start)
        });
        reps.push(m);
    }
    reps.sort_by(|a, b| (a.rep_ix.is_none(), &a.rep).cmp(&(b.rep_ix.is_none(), &b.rep)));
    // The team: every set merged (reps who have left and deals without an owner included).
    let mut all = Sets::default();
    for s in by_rep.values() {
        all.won.extend(&s.won);
        all.lost.extend(&s.lost);
        all.disqualified.extend(&s.disqualified);
        all.created.extend(&s.created);
        all.floor_won.extend(&s.floor_won);
        all.floor_lost.extend(&s.floor_lost);
    }
    let rep_quotas: Vec<f64> = reps.iter().filter_map(|r| r.quota).collect();
    let team_quota = (!rep_quotas.is_empty())
        .then(|| (rep_quotas.iter().sum::<f64>() * 100.0).round() as i64)
        .or_else(|| shared_quota_in(p, p.period));
    // What could not be converted is counted over the team's deals, each once (a deal in two reps' sets,
    // as owner and as creator, is one deal).
    let mut team = metrics_of(
        p,
        &all,
        team_quota,
        pacing.as_ref().map(|b| b.share_by_now),
        &mut unconverted,
    );
    team.rep = "Team".to_owned();
    // Quotas for only some reps: the team's attainment and pacing compare the bookings of the reps who
    // carry a quota with those quotas, never everyone's bookings with part of the quota.
    let uncovered: Vec<&RepMetrics> = reps
        .iter()
        .filter(|r| r.quota.is_none() && r.bookings.is_some_and(|b| b > 0.0))
        .collect();
    let mut quota_note = None;
    if !rep_quotas.is_empty() && !uncovered.is_empty() {
        let covered: f64 = reps
            .iter()
            .filter(|r| r.quota.is_some())
            .filter_map(|r| r.bookings)
            .sum();
        let all_bookings = team.bookings.unwrap_or(0.0);
        team.attainment = team.quota.filter(|q| *q > 0.0).map(|q| covered / q);
        team.pacing = team
            .pacing
            .filter(|_| all_bookings > 0.0)
            .map(|pace| pace * covered / all_bookings);
        let left_out: f64 = uncovered.iter().filter_map(|r| r.bookings).sum();
        quota_note = Some(format!(
            "Team attainment and pacing count the {} reps with a quota; {} reps without one booked {:.2} {}, left out of them.",
            rep_quotas.len(),
            uncovered.len(),
            left_out,
            settings.money.home_currency
        ));
    }
    let active: Vec<&RepMetrics> = reps
        .iter()
        .filter(|r| r.active && r.rep_ix.is_some())
        .collect();
    let team_median = RepMetrics {
        rep: "Team median".to_owned(),
        deals_won: median_of(active.iter().map(|r| Some(r.deals_won as f64))).unwrap_or(0.0) as u64,
        deals_lost: median_of(active.iter().map(|r| Some(r.deals_lost as f64))).unwrap_or(0.0)
            as u64,
        bookings: median_of(active.iter().map(|r| r.bookings)),
        win_rate: median_of(active.iter().map(|r| r.win_rate)),
        win_rate_by_value: median_of(active.iter().map(|r| r.win_rate_by_value)),
        avg_deal_size: median_of(active.iter().map(|r| r.avg_deal_size)),
        median_deal_size: median_of(active.iter().map(|r| r.median_deal_size)),
        sales_cycle_median_days: median_of(active.iter().map(|r| r.sales_cycle_median_days)),
        time_to_lose_median_days: median_of(active.iter().map(|r| r.time_to_lose_median_days)),
        opps_created: median_of(active.iter().map(|r| Some(r.opps_created as f64))).unwrap_or(0.0)
            as u64,
        attainment: median_of(active.iter().map(|r| r.attainment)),
        pacing: median_of(active.iter().map(|r| r.pacing)),
        ..RepMetrics::default()
    };
    let mut assumptions = vec![
        format!("Period {} (as of {}, {}).", p.period.label(), p.as_of.format("%Y-%m-%d"), p.as_of_from),
        settings.calendar.sentence(),
        settings.scope.sentence(),
        "Deals count in the period of their close date (closed_on: from the stage history where there is one, else the won or lost time, else the Close Date).".to_owned(),
        "Closed deals are credited to their owner at close where owner history says so, else to their current owner.".to_owned(),
        format!(
            "Win rates leave out disqualified deals and excluded duplicates; no-decision losses count as {}.",
            if settings.no_decision_is_lost { "lost" } else { "neither won nor lost" }
        ),
        "Medians are lower medians: with an even number of values, the smaller middle one.".to_owned(),
        "Reps who have left count in team totals but not in team medians.".to_owned(),
        format!("Amounts are in {}; deals without a currency are taken to be in it.", settings.money.home_currency),
    ];
    if let Some(basis) = &pacing {
        assumptions.push(basis.sentence.clone());
    }
    assumptions.extend(quota_note);
    if !settings.ramp.is_empty() {
        let steps: Vec<String> = settings
            .ramp
            .iter()
            .map(|r| format!("{:.0}%", r * 100.0))
            .collect();
        assumptions.push(format!(
            "New reps' quotas ramp by month since they started: {}, then 100%.",
            steps.join(", ")
        ));
    }
    let unconverted: Vec<Unconverted> = unconverted.into_values().collect();
    if !unconverted.is_empty() {
        let list: Vec<String> = unconverted
            .iter()
            .map(|u| {
                format!(
                    "{} {} deals ({:.2} {})",
                    u.deals,
                    u.currency,
                    u.amount_in_currency(),
                    u.currency
                )
            })
            .collect();
        assumptions.push(format!(
            "No rate converts {} into {}: those amounts are left out of every sum, so the sums are incomplete. Add rates to include them.",
            list.join(", "),
            settings.money.home_currency
        ));
    }
    MetricsReport {
        period: PeriodInfo {
            start: p.period.start,
            end: p.period.end,
            as_of: p.as_of,
            as_of_from: p.as_of_from.clone(),
            calendar_quarter: format!(
                "{}-Q{}",
                p.period.start.year(),
                (p.period.start.month() - 1) / 3 + 1
            ),
        },
        home_currency: settings.money.home_currency.clone(),
        team,
        team_median,
        reps,
        money: MoneyInfo {
            incomplete: !unconverted.is_empty(),
            unconverted,
            ask_currency: crate::engine::metrics::report::only_foreign_currency(p, &settings.money),
        },
        reconciliation: vec![
            reconcile(p, DealStatus::Won, "deals_won"),
            reconcile(p, DealStatus::Lost, "deals_lost"),
        ],
        scope: settings.scope.sentence(),
        assumptions,
        pacing,
        ..MetricsReport::default()
    }
}

/// Why the count of won (or lost) deals here differs from all such deals in the files — and from a CRM
/// report that filters by Close Date.
fn reconcile(p: &Prepared<'_>, status: DealStatus, metric: &str) -> Reconciliation {
    let d = &p.model.deals;
    let matches = |i: usize| match status {
        DealStatus::Lost => matches!(d.status[i], DealStatus::Lost | DealStatus::Disqualified),
        s => d.status[i] == s,
    };
    let candidates: Vec<usize> = (0..d.len()).filter(|&i| matches(i)).collect();
    let mut removed: Vec<(String, u64)> = Vec::new();
    let mut remaining = Vec::new();
    let (mut excluded, mut out_of_scope, mut no_date, mut outside, mut after, mut not_lost) =
        (0, 0, 0, 0, 0, 0);
    for &i in &candidates {
        if d.excluded[i] {
            excluded += 1;
        } else if !p.in_scope[i] {
            out_of_scope += 1;
        } else if d.closed_on[i].is_none() {
            no_date += 1;
        } else if d.closed_on[i].is_some_and(|c| c > p.as_of && p.period.contains(c)) {
            after += 1;
        } else if !p.closed_in_period(i) {
            outside += 1;
        } else if status == DealStatus::Lost && !p.lost_counts(i) {
            not_lost += 1;
        } else {
            remaining.push(i);
        }
    }
    for (reason, n) in [
        ("excluded by you on the review list", excluded),
        (
            "outside the scope (pipeline, deal type, team, role or rep filters)",
            out_of_scope,
        ),
        ("no close date", no_date),
        ("closed after the as-of date", after),
        ("closed outside the period", outside),
        (
            "disqualified (or no decision, as set), not counted as lost",
            not_lost,
        ),
    ] {
        if n > 0 {
            removed.push((reason.to_owned(), n));
        }
    }
    let mut counted = vec![false; d.len()];
    for &i in &remaining {
        counted[i] = true;
    }
    let mut notes = Vec::new();
    let by_close_date_in = remaining
        .iter()
        .filter(|&&i| d.expected_close_on[i].is_some_and(|c| !p.period.contains(c)))
        .count();
    let by_close_date_out = candidates
        .iter()
        .filter(|&&i| {
            !counted[i]
                && p.in_scope[i]
                && d.closed_on[i].is_some_and(|c| !p.period.contains(c))
                && d.expected_close_on[i].is_some_and(|c| p.period.contains(c) && c <= p.as_of)
        })
        .count();
    if by_close_date_in > 0 {
        notes.push(format!("{by_close_date_in} of these closed in the period by their stage history or won/lost time, but a CRM report filtered by Close Date would place them outside it."));
    }
    if by_close_date_out > 0 {
        notes.push(format!("{by_close_date_out} more have a Close Date in the period but closed outside it by their history: a CRM report filtered by Close Date would count them."));
    }
    Reconciliation {
        metric: metric.to_owned(),
        in_files: candidates.len() as u64,
        counted: remaining.len() as u64,
        removed,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deal_types_and_lost_reasons_classify_by_their_words() {
        assert_eq!(DealType::of("New Business"), DealType::NewBusiness);
        assert_eq!(DealType::of("newbusiness"), DealType::NewBusiness);
        assert_eq!(DealType::of("Existing Business"), DealType::Expansion);
        assert_eq!(DealType::of("Renewal"), DealType::Renewal);
        assert_eq!(DealType::of(""), DealType::Other);
        assert_eq!(
            lost_category("Went with competitor"),
            LostCategory::Competitive
        );
        assert_eq!(lost_category("No budget"), LostCategory::NoDecision);
        assert_eq!(lost_category("Duplicate"), LostCategory::Disqualified);
        assert_eq!(lost_category(""), LostCategory::Other);
    }

    #[test]
    fn lower_median_takes_the_smaller_middle() {
        assert_eq!(lower_median(&mut []), None);
        assert_eq!(lower_median(&mut [3.0]), Some(3.0));
        assert_eq!(lower_median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.0));
        assert_eq!(lower_median(&mut [5.0, 1.0, 3.0]), Some(3.0));
    }
}
