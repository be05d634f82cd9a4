//! Pipeline health: whether each rep's open pipeline is real — coverage of the quota still to book (and its
//! variants), the coverage history says is needed, past-due, pushed and pulled-in deals, deals that slipped
//! out of the period, aging, stale deals, pipeline created per week and concentration.
//!
//! A deal's state on a past day (open or not, stage, expected close, amount) comes from its history: the
//! last history row on or before that day, the first one when the day is earlier than all of them, and its
//! current values when it has no history. Two exports of the same deals taken on different days are history
//! too (see the model's build). Slip and push metrics need such history and are hidden, with the reason,
//! without it.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::engine::metrics::period::DateRange;
use crate::engine::metrics::prepared::{
    Prepared, RepMetrics, lower_median, quota_in, shared_quota_in,
};
use crate::engine::metrics::stage_months::{OpenDeal, StageMonthGrid, grids};
use crate::engine::model::words::{Outcome, fold};
use crate::engine::model::{DealIx, DealStatus, RepIx, StageIx};

/// Periods of history used for the required coverage.
const REQUIRED_COVERAGE_PERIODS: i32 = 4;
/// Deals needed in a stage before its historical win rate is used on its own.
const MIN_STAGE_SAMPLE: u64 = 20;

/// The buckets of [`RepPipeline::age_buckets`], by days since the deal was created ([`age_bucket`]).
pub const AGE_BUCKETS: [&str; 6] = [
    "≤ 30 days",
    "31–60",
    "61–90",
    "91–180",
    "> 180",
    "no created date",
];

/// The index in [`AGE_BUCKETS`] of a deal `age_days` old (`None`: no created date).
pub fn age_bucket(age_days: Option<i64>) -> usize {
    match age_days {
        Some(..=30) => 0,
        Some(31..=60) => 1,
        Some(61..=90) => 2,
        Some(91..=180) => 3,
        Some(_) => 4,
        None => 5,
    }
}

/// What a deal looked like on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DealState {
    pub open: bool,
    pub stage: StageIx,
    pub expected_close_on: Option<NaiveDate>,
    pub amount_cents: Option<i64>,
}

/// Deals' states over time, from their history rows.
pub struct Timeline {
    /// History rows of each deal: `rows[deal]..rows[deal + 1]`.
    rows: Vec<u32>,
    /// Some history row of some deal carries an expected close date.
    pub has_close_history: bool,
}

impl Timeline {
    pub fn new(p: &Prepared<'_>) -> Timeline {
        let h = &p.model.history;
        let n = p.model.deals.len();
        let mut rows = vec![0u32; n + 1];
        for &deal in &h.deal {
            if let Some(count) = rows.get_mut(deal as usize + 1) {
                *count += 1;
            }
        }
        for i in 1..rows.len() {
            rows[i] += rows[i - 1];
        }
        Timeline {
            rows,
            has_close_history: h.expected_close_on.iter().any(Option::is_some),
        }
    }

    fn range(&self, deal: usize) -> std::ops::Range<usize> {
        self.rows[deal] as usize..self.rows[deal + 1] as usize
    }

    /// The deal on `day`; `None` when it did not exist yet.
    pub fn state_at(&self, p: &Prepared<'_>, deal: usize, day: NaiveDate) -> Option<DealState> {
        let d = &p.model.deals;
        if d.created_on[deal].is_some_and(|c| c > day) {
            return None;
        }
        let closed_by = match d.closed_on[deal] {
            Some(c) => c <= day,
            // Closed, but not when: closed on every day we can speak of.
            None => d.status[deal] != DealStatus::Open,
        };
        let mut state = DealState {
            open: !closed_by,
            stage: d.stage[deal],
            expected_close_on: d.expected_close_on[deal],
            amount_cents: d.amount_cents[deal],
        };
        let rows = self.range(deal);
        let h = &p.model.history;
        // On the as-of date and later, after the last history row, a deal is as the export shows it.
        if rows.is_empty() || (day >= p.as_of && h.at[rows.end - 1].date() <= day) {
            return Some(state);
        }
        // Rows on or before the day; before the first row, the first row says what is known.
        let last = rows.clone().rev().find(|&k| h.at[k].date() <= day);
        let upto = last.map_or(rows.start + 1, |k| k + 1);
        let pick = |values: &dyn Fn(usize) -> bool| -> Option<usize> {
            (rows.start..upto).rev().find(|&k| values(k)).or_else(|| {
                last.is_none()
                    .then(|| rows.clone().find(|&k| values(k)))
                    .flatten()
            })
        };
        if let Some(k) = pick(&|k| h.stage[k].is_some()) {
            state.stage = h.stage[k].unwrap_or(state.stage);
            if p.model.stages.outcome(state.stage) != Outcome::Open && last.is_some() {
                state.open = false;
            } else if p.model.stages.outcome(state.stage) == Outcome::Open {
                state.open = d.closed_on[deal].is_none_or(|c| c > day);
            }
        }
        if let Some(k) = pick(&|k| h.expected_close_on[k].is_some()) {
            state.expected_close_on = h.expected_close_on[k];
        }
        if let Some(k) = pick(&|k| h.amount_cents[k].is_some()) {
            state.amount_cents = h.amount_cents[k];
        }
        Some(state)
    }

    /// Each change of a deal's expected close date: (day of the change, old date, new date).
    pub fn close_changes(
        &self,
        p: &Prepared<'_>,
        deal: usize,
    ) -> Vec<(NaiveDate, NaiveDate, NaiveDate)> {
        let h = &p.model.history;
        let mut changes = Vec::new();
        let mut previous: Option<NaiveDate> = None;
        for k in self.range(deal) {
            if let Some(close) = h.expected_close_on[k] {
                if let Some(old) = previous
                    && old != close
                {
                    changes.push((h.at[k].date(), old, close));
                }
                previous = Some(close);
            }
        }
        changes
    }

    /// The last day the deal changed stage, from its history.
    pub fn last_stage_change(
        &self,
        p: &Prepared<'_>,
        deal: usize,
        upto: NaiveDate,
    ) -> Option<NaiveDate> {
        let h = &p.model.history;
        self.range(deal)
            .rev()
            .find(|&k| h.stage_changed[k] && h.at[k].date() <= upto)
            .map(|k| h.at[k].date())
    }
}

/// Coverage of what is left to book.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Open deals expected to close between the as-of date and the period's end, at or past the floor.
    pub open_deals: u64,
    pub open_amount: f64,
    pub quota: Option<f64>,
    pub booked: f64,
    /// max(quota − booked, 0).
    pub gap: Option<f64>,
    /// open ÷ gap; `None` when the quota is met or unknown.
    pub coverage: Option<f64>,
    pub quota_met: bool,
    /// Σ amount × probability ÷ gap.
    pub weighted: Option<f64>,
    /// Commit and Best Case forecast categories only ÷ gap.
    pub commit_best_case: Option<f64>,
    /// open ÷ the full quota.
    pub against_full_quota: Option<f64>,
    /// 1 ÷ the historical in-period win rate of this stage mix.
    pub required: Option<f64>,
    /// Deals the weighted figure had to leave out (no probability anywhere for their stage).
    pub unweighted_deals: u64,
    #[serde(skip)]
    pub deals: Vec<DealIx>,
}

/// Pipeline health of one rep (or the team).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepPipeline {
    #[serde(skip)]
    pub rep_ix: Option<RepIx>,
    pub rep: String,
    pub coverage: Coverage,
    /// Next period: open amount expected to close in it ÷ its quota…
    pub next_period_coverage: Option<f64>,
    /// …and the same figure for this period, measured as far before its start as the as-of date is before
    /// the next one's.
    pub next_period_coverage_last_time: Option<f64>,
    pub open_deals: u64,
    pub open_amount: f64,
    pub past_due_deals: u64,
    pub past_due_amount: f64,
    /// Expected-close changes to a later date made in the period, the deals they touched and their days.
    pub pushes: u64,
    pub deals_pushed: u64,
    pub push_days_median: Option<f64>,
    pub pulled_in: u64,
    /// Open at the reference date with an expected close in the period; still open after it with a later
    /// date.
    pub slipped_deals: u64,
    pub slipped_amount: f64,
    /// Deals the slip rate is counted over (open at the reference date, expected in the period).
    pub slip_base_deals: u64,
    pub slip_rate: Option<f64>,
    pub age_median_days: Option<f64>,
    /// Open deals by age: 0–30, 31–60, 61–90, 91–180, over 180 days, unknown ([`AGE_BUCKETS`] names them).
    pub age_buckets: [u64; 6],
    pub stale_deals: u64,
    pub stale_amount: f64,
    /// Hygiene: open deals without an amount, and open deals untouched for 14 days.
    pub missing_amount_deals: u64,
    pub untouched_14d_deals: u64,
    /// Share of the open pipeline in the largest deal, and in the largest two.
    pub top1_share: Option<f64>,
    pub top2_share: Option<f64>,
    /// (Monday of the week, deals created, amount created).
    pub created_per_week: Vec<(NaiveDate, u64, f64)>,
    #[serde(skip)]
    pub past_due: Vec<DealIx>,
    #[serde(skip)]
    pub pushed: Vec<DealIx>,
    #[serde(skip)]
    pub slipped: Vec<DealIx>,
    #[serde(skip)]
    pub stale: Vec<DealIx>,
    #[serde(skip)]
    pub open: Vec<DealIx>,
}

/// Pipeline health of the period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PipelineReport {
    pub team: RepPipeline,
    pub reps: Vec<RepPipeline>,
    /// The reps the coverage chart shows, in rep order: those with a quota for the period (coverage is of
    /// what is left of it).
    #[serde(default)]
    pub coverage_chart: Vec<String>,
    /// Slip and push metrics are hidden (with this reason) when no history tells past close dates.
    pub slips_hidden: Option<String>,
    pub slip_reference: NaiveDate,
    pub next_period: Option<DateRange>,
    /// The team's open deals by stage and month of expected close (past-due months included), one grid per
    /// pipeline.
    #[serde(default)]
    pub stage_month_grids: Vec<StageMonthGrid>,
    /// The historical in-period win rate of each open stage: (stage, deals, won, rate).
    pub stage_win_rates: Vec<(String, u64, u64, Option<f64>)>,
    pub required_from: String,
    pub assumptions: Vec<String>,
}

fn units(cents: i64) -> f64 {
    cents as f64 / 100.0
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// Commit / Best Case in the usual spellings (Salesforce, HubSpot, Dynamics "Committed", Spanish "Compromiso").
fn is_commit_or_best(category: &str) -> bool {
    let f = fold(category);
    matches!(
        f.as_str(),
        "commit"
            | "committed"
            | "best case"
            | "bestcase"
            | "best"
            | "upside"
            | "compromiso"
            | "mejor caso"
    )
}

struct Ctx<'p, 'a> {
    p: &'p Prepared<'a>,
    timeline: Timeline,
    /// Median probability of the deals in each stage, for deals without one.
    stage_probability: BTreeMap<StageIx, f64>,
    /// Historical in-period win rate per stage.
    stage_rate: BTreeMap<StageIx, f64>,
    floor: Option<u32>,
    /// Per deal: the day of its last completed activity on or before the as-of date (one pass over the
    /// activities, shared by every rep's row).
    last_touch: Vec<Option<NaiveDate>>,
}

/// The day of each deal's last linked activity on or before `as_of` that is not marked not-done.
fn last_touches(p: &Prepared<'_>) -> Vec<Option<NaiveDate>> {
    let a = &p.model.activities;
    let mut last = vec![None; p.model.deals.len()];
    for (k, deal) in a.deal.iter().enumerate() {
        let (Some(deal), Some(at)) = (deal, a.at[k]) else {
            continue;
        };
        let day = at.date();
        if day <= p.as_of
            && a.done[k] != Some(false)
            && let Some(slot) = last.get_mut(*deal as usize)
        {
            *slot = Some(slot.map_or(day, |t: NaiveDate| t.max(day)));
        }
    }
    last
}

impl Ctx<'_, '_> {
    fn home(&self, deal: usize, cents: i64, on: NaiveDate) -> Option<i64> {
        let d = &self.p.model.deals;
        self.p
            .settings
            .money
            .to_home(cents, self.p.model.text(d.currency[deal]), Some(on))
    }

    fn at_or_past_floor(&self, stage: StageIx) -> bool {
        match self.floor {
            None => true,
            Some(floor) => self
                .p
                .model
                .stages
                .get(stage)
                .is_some_and(|e| e.order >= floor),
        }
    }

    /// Σ home amount of open deals expected to close in `range`, on `day`, at or past the floor.
    fn open_in(&self, deals: &[usize], range: DateRange, day: NaiveDate) -> (f64, Vec<DealIx>) {
        let mut total = 0i64;
        let mut list = Vec::new();
        for &i in deals {
            let Some(state) = self.timeline.state_at(self.p, i, day) else {
                continue;
            };
            if !state.open || !state.expected_close_on.is_some_and(|c| range.contains(c)) {
                continue;
            }
            if !self.at_or_past_floor(state.stage) {
                continue;
            }
            if let Some(home) = state.amount_cents.and_then(|a| self.home(i, a, day)) {
                total += home.max(0);
            }
            list.push(i as DealIx);
        }
        (units(total), list)
    }
}

/// The historical in-period win rate of each open stage: deals open in the stage at the same point of each
/// of the last periods, expected to close in that period, and the share won by its end.
fn stage_rates(ctx: &Ctx<'_, '_>, deals: &[usize]) -> (BTreeMap<StageIx, (u64, u64)>, String) {
    let p = ctx.p;
    let offset = (p.as_of - p.period.start).num_days().max(0) as u64;
    let mut counts: BTreeMap<StageIx, (u64, u64)> = BTreeMap::new();
    let mut used = 0;
    let mut past = p.period;
    for _ in 0..REQUIRED_COVERAGE_PERIODS {
        let Some(previous) = p.settings.calendar.step(&p.settings.period, past, -1) else {
            break;
        };
        past = previous;
        let Some(day) = past
            .start
            .checked_add_days(Days::new(offset))
            .filter(|d| *d <= past.end)
        else {
            continue;
        };
        used += 1;
        let rest = DateRange::new(day, past.end);
        for &i in deals {
            let Some(state) = ctx.timeline.state_at(p, i, day) else {
                continue;
            };
            if !state.open || !state.expected_close_on.is_some_and(|c| rest.contains(c)) {
                continue;
            }
            let entry = counts.entry(state.stage).or_default();
            entry.0 += 1;
            let d = &p.model.deals;
            if d.status[i] == DealStatus::Won && d.closed_on[i].is_some_and(|c| rest.contains(c)) {
                entry.1 += 1;
            }
        }
    }
    (
        counts,
        format!(
            "Required coverage = 1 ÷ the share of pipeline won by the period's end, from deals open at the same point of the last {used} periods, by stage (stages with fewer than {MIN_STAGE_SAMPLE} deals use all stages together)."
        ),
    )
}

/// Pipeline health for the team and each rep, with their quotas and bookings from `metrics`.
pub fn pipeline(p: &Prepared<'_>, metrics: &[RepMetrics], team: &RepMetrics) -> PipelineReport {
    let d = &p.model.deals;
    let timeline = Timeline::new(p);
    // Median probability per stage, from the deals that carry one.
    let mut by_stage: BTreeMap<StageIx, Vec<f64>> = BTreeMap::new();
    for i in 0..d.len() {
        if let Some(prob) = d.probability[i] {
            by_stage
                .entry(d.stage[i])
                .or_default()
                .push(f64::from(prob));
        }
    }
    let stage_probability = by_stage
        .into_iter()
        .filter_map(|(s, mut v)| lower_median(&mut v).map(|m| (s, m)))
        .collect();
    let floor = p.settings.stage_floor.as_ref().and_then(|floor| {
        p.model
            .stages
            .entries
            .iter()
            .find(|e| e.raw.eq_ignore_ascii_case(floor))
            .map(|e| e.order)
    });
    let mut ctx = Ctx {
        p,
        timeline,
        stage_probability,
        stage_rate: BTreeMap::new(),
        floor,
        last_touch: last_touches(p),
    };
    let scoped: Vec<usize> = (0..d.len()).filter(|&i| p.in_scope[i]).collect();

    let (counts, required_from) = stage_rates(&ctx, &scoped);
    let (all_n, all_won) = counts
        .values()
        .fold((0, 0), |(n, w), (a, b)| (n + a, w + b));
    let pooled = (all_n >= MIN_STAGE_SAMPLE).then(|| all_won as f64 / all_n as f64);
    let mut stage_win_rates = Vec::new();
    for (stage, (n, won)) in &counts {
        let rate = if *n >= MIN_STAGE_SAMPLE {
            Some(*won as f64 / *n as f64)
        } else {
            pooled
        };
        if let Some(rate) = rate {
            ctx.stage_rate.insert(*stage, rate);
        }
        let name = p
            .model
            .stages
            .get(*stage)
            .map(|e| e.raw.clone())
            .unwrap_or_default();
        stage_win_rates.push((
            name,
            *n,
            *won,
            (*n >= MIN_STAGE_SAMPLE).then(|| *won as f64 / *n as f64),
        ));
    }

    let next_period = p.settings.calendar.step(&p.settings.period, p.period, 1);
    let slip_reference = p.settings.slip_reference.unwrap_or(p.period.start);
    let slips_hidden = (!ctx.timeline.has_close_history).then(|| {
        "No history of close dates: slips and pushes need the stage history export (Salesforce: OpportunityHistory or the Opportunity History report) or two exports of the same deals taken on different days.".to_owned()
    });

    let mut by_rep: BTreeMap<Option<RepIx>, Vec<usize>> = BTreeMap::new();
    for &i in &scoped {
        by_rep.entry(d.owner[i]).or_default().push(i);
    }
    let metrics_of = |rep: Option<RepIx>| metrics.iter().find(|m| m.rep_ix == rep && rep.is_some());
    let mut reps: Vec<RepPipeline> = by_rep
        .iter()
        .map(|(rep, deals)| {
            let quota = rep.and_then(|r| quota_in(p, r, p.period)).map(units);
            let booked = metrics_of(*rep).and_then(|m| m.bookings).unwrap_or(0.0);
            let next_quota = match (rep, next_period) {
                (Some(r), Some(n)) => quota_in(p, *r, n).map(units),
                _ => None,
            };
            let this_quota = quota;
            let mut row = rep_pipeline(
                &ctx,
                deals,
                quota,
                booked,
                next_period,
                next_quota,
                this_quota,
                slip_reference,
                slips_hidden.is_none(),
            );
            row.rep_ix = *rep;
            row.rep = p.model.rep_name(*rep).to_owned();
            row
        })
        .collect();
    reps.sort_by(|a, b| (a.rep_ix.is_none(), &a.rep).cmp(&(b.rep_ix.is_none(), &b.rep)));
    let team_quota = team
        .quota
        .or_else(|| shared_quota_in(p, p.period).map(units));
    let team_next_quota = next_period.and_then(|n| {
        let per_rep: Vec<i64> = p
            .model
            .reps
            .iter()
            .enumerate()
            .filter_map(|(r, _)| quota_in(p, r as RepIx, n))
            .collect();
        if per_rep.is_empty() {
            shared_quota_in(p, n)
        } else {
            Some(per_rep.iter().sum())
        }
    });
    let mut team_row = rep_pipeline(
        &ctx,
        &scoped,
        team_quota,
        team.bookings.unwrap_or(0.0),
        next_period,
        team_next_quota.map(units),
        team_quota,
        slip_reference,
        slips_hidden.is_none(),
    );
    team_row.rep = "Team".to_owned();
    let stage_month_grids = stage_months(&ctx, &team_row.open);

    let mut assumptions = vec![
        format!(
            "Coverage = open amount expected to close from {} to {}{} ÷ what is left of the quota (quota − booked, at least 0); past-due deals are shown apart, not counted.",
            p.as_of,
            p.period.end,
            match &p.settings.stage_floor {
                Some(f) => format!(", in stage '{f}' or later"),
                None => String::new(),
            }
        ),
        "Weighted coverage multiplies each amount by the deal's probability (its stage's median probability when the deal has none).".to_owned(),
        "Commit + Best Case coverage counts deals whose forecast category is Commit or Best Case.".to_owned(),
        "A deal's past state (stage, close date, amount) is its last history row on or before that day; deals without history are taken to have had their current values all along.".to_owned(),
        format!("Stale: open with no activity and no stage change for {} days (last activity date, linked activities and stage history).", p.settings.stale_days),
        "Open deals belong to their current owner.".to_owned(),
        required_from.clone(),
    ];
    if slips_hidden.is_none() {
        assumptions.push(format!(
            "Slipped: open on {slip_reference} with an expected close in the period, and still open after it (or on the as-of date) with a later expected close."
        ));
    }
    PipelineReport {
        team: team_row,
        coverage_chart: reps
            .iter()
            .filter(|r| r.coverage.quota.is_some())
            .map(|r| r.rep.clone())
            .collect(),
        reps,
        slips_hidden,
        slip_reference,
        next_period,
        stage_month_grids,
        stage_win_rates,
        required_from,
        assumptions,
    }
}

/// The open deals by stage and month of expected close, one grid per pipeline.
fn stage_months(ctx: &Ctx<'_, '_>, open: &[DealIx]) -> Vec<StageMonthGrid> {
    let p = ctx.p;
    let d = &p.model.deals;
    let deals: Vec<OpenDeal> = open
        .iter()
        .filter_map(|&ix| {
            let i = ix as usize;
            let state = ctx.timeline.state_at(p, i, p.as_of)?;
            Some(OpenDeal {
                deal: ix,
                pipeline: p.model.text(d.pipeline[i]).to_owned(),
                stage: state.stage,
                expected_close_on: state.expected_close_on?,
                amount_home: state
                    .amount_cents
                    .and_then(|a| ctx.home(i, a, p.as_of))
                    .map_or(0.0, |c| units(c.max(0))),
            })
        })
        .collect();
    grids(&deals, &p.model.stages, p.as_of)
}

#[allow(clippy::too_many_arguments)]
fn rep_pipeline(
    ctx: &Ctx<'_, '_>,
    deals: &[usize],
    quota: Option<f64>,
    booked: f64,
    next_period: Option<DateRange>,
    next_quota: Option<f64>,
    this_quota: Option<f64>,
    slip_reference: NaiveDate,
    slips: bool,
) -> RepPipeline {
    let p = ctx.p;
    let d = &p.model.deals;
    let as_of = p.as_of;
    let mut row = RepPipeline::default();

    // Coverage of the rest of the period.
    let rest = DateRange::new(as_of.max(p.period.start), p.period.end);
    let mut cov = Coverage {
        quota,
        booked,
        ..Coverage::default()
    };
    let (mut open_cents, mut weighted_cents, mut commit_cents) = (0i64, 0f64, 0i64);
    if rest.start <= rest.end {
        for &i in deals {
            let Some(state) = ctx.timeline.state_at(p, i, as_of) else {
                continue;
            };
            if !state.open
                || !state.expected_close_on.is_some_and(|c| rest.contains(c))
                || !ctx.at_or_past_floor(state.stage)
            {
                continue;
            }
            cov.open_deals += 1;
            cov.deals.push(i as DealIx);
            let Some(home) = state.amount_cents.and_then(|a| ctx.home(i, a, as_of)) else {
                continue;
            };
            let home = home.max(0);
            open_cents += home;
            match d.probability[i]
                .map(f64::from)
                .or_else(|| ctx.stage_probability.get(&state.stage).copied())
            {
                Some(prob) => weighted_cents += home as f64 * prob.clamp(0.0, 1.0),
                None => cov.unweighted_deals += 1,
            }
            if is_commit_or_best(p.model.text(d.forecast_category[i])) {
                commit_cents += home;
            }
        }
    }
    cov.open_amount = units(open_cents);
    if let Some(q) = quota.filter(|q| *q > 0.0) {
        let gap = (q - booked).max(0.0);
        cov.gap = Some(gap);
        cov.quota_met = gap == 0.0;
        cov.coverage = ratio(cov.open_amount, gap);
        cov.weighted = ratio(weighted_cents / 100.0, gap);
        cov.commit_best_case = ratio(units(commit_cents), gap);
        cov.against_full_quota = ratio(cov.open_amount, q);
    }
    // Required coverage for this mix: Σ amount ÷ Σ amount × rate.
    let (mut amount, mut expected) = (0f64, 0f64);
    for &ix in &cov.deals {
        let i = ix as usize;
        let Some(state) = ctx.timeline.state_at(p, i, as_of) else {
            continue;
        };
        let Some(home) = state.amount_cents.and_then(|a| ctx.home(i, a, as_of)) else {
            continue;
        };
        if let Some(rate) = ctx.stage_rate.get(&state.stage) {
            amount += home.max(0) as f64;
            expected += home.max(0) as f64 * rate;
        }
    }
    cov.required = (expected > 0.0).then(|| amount / expected);
    row.coverage = cov;

    // Next period, now and at the same point before this period.
    if let Some(next) = next_period {
        let (next_amount, _) = ctx.open_in(deals, next, as_of);
        row.next_period_coverage = next_quota.and_then(|q| ratio(next_amount, q));
        let lead = (next.start - as_of).num_days().max(0) as u64;
        if let Some(then) = p.period.start.checked_sub_days(Days::new(lead)) {
            let (amount_then, _) = ctx.open_in(deals, p.period, then);
            row.next_period_coverage_last_time = this_quota.and_then(|q| ratio(amount_then, q));
        }
    }

    // Open pipeline now: past due, aging, staleness, concentration.
    let mut ages = Vec::new();
    let mut amounts = Vec::new();
    let mut open_total = 0i64;
    for &i in deals {
        let Some(state) = ctx.timeline.state_at(p, i, as_of) else {
            continue;
        };
        if !state.open {
            continue;
        }
        row.open_deals += 1;
        row.open.push(i as DealIx);
        let home = state
            .amount_cents
            .and_then(|a| ctx.home(i, a, as_of))
            .unwrap_or(0)
            .max(0);
        open_total += home;
        amounts.push(home);
        if state.expected_close_on.is_some_and(|c| c < as_of) {
            row.past_due_deals += 1;
            row.past_due_amount += units(home);
            row.past_due.push(i as DealIx);
        }
        let age_days = d.created_on[i].map(|c| (as_of - c).num_days());
        ages.extend(age_days.map(|a| a as f64));
        row.age_buckets[age_bucket(age_days)] += 1;
        let touched = [
            d.last_activity_on[i].filter(|t| *t <= as_of),
            ctx.last_touch.get(i).copied().flatten(),
            ctx.timeline.last_stage_change(p, i, as_of),
            d.created_on[i],
        ]
        .into_iter()
        .flatten()
        .max();
        if d.amount_cents[i].is_none() {
            row.missing_amount_deals += 1;
        }
        if touched.is_some_and(|t| (as_of - t).num_days() > 14) {
            row.untouched_14d_deals += 1;
        }
        if touched.is_some_and(|t| (as_of - t).num_days() > i64::from(p.settings.stale_days)) {
            row.stale_deals += 1;
            row.stale_amount += units(home);
            row.stale.push(i as DealIx);
        }
    }
    row.open_amount = units(open_total);
    row.age_median_days = lower_median(&mut ages);
    amounts.sort_unstable_by(|a, b| b.cmp(a));
    if open_total > 0 {
        row.top1_share = Some(amounts[0] as f64 / open_total as f64);
        row.top2_share = Some(amounts.iter().take(2).sum::<i64>() as f64 / open_total as f64);
    }

    // Pushes and pull-ins made in the period; slips out of it.
    if slips {
        let mut push_days = Vec::new();
        for &i in deals {
            let mut pushed = false;
            for (on, old, new) in ctx.timeline.close_changes(p, i) {
                if !p.period.contains(on) || on > as_of {
                    continue;
                }
                if new > old {
                    row.pushes += 1;
                    push_days.push((new - old).num_days() as f64);
                    pushed = true;
                } else {
                    row.pulled_in += 1;
                }
            }
            if pushed {
                row.deals_pushed += 1;
                row.pushed.push(i as DealIx);
            }
            let Some(before) = ctx.timeline.state_at(p, i, slip_reference) else {
                continue;
            };
            if !before.open
                || !before
                    .expected_close_on
                    .is_some_and(|c| p.period.contains(c))
            {
                continue;
            }
            row.slip_base_deals += 1;
            let after_day = p.period.end.min(as_of);
            let Some(after) = ctx.timeline.state_at(p, i, after_day) else {
                continue;
            };
            if after.open && after.expected_close_on.is_some_and(|c| c > p.period.end) {
                row.slipped_deals += 1;
                row.slipped.push(i as DealIx);
                row.slipped_amount += before
                    .amount_cents
                    .and_then(|a| ctx.home(i, a, slip_reference))
                    .map_or(0.0, |c| units(c.max(0)));
            }
        }
        row.push_days_median = lower_median(&mut push_days);
        row.slip_rate = ratio(row.slipped_deals as f64, row.slip_base_deals as f64);
    }

    // Pipeline created per week of the period.
    let mut weeks: BTreeMap<NaiveDate, (u64, i64)> = BTreeMap::new();
    for &i in deals {
        let Some(created) = d.created_on[i].filter(|c| p.period.contains(*c) && *c <= as_of) else {
            continue;
        };
        let monday = created - Days::new(u64::from(created.weekday().num_days_from_monday()));
        let entry = weeks.entry(monday).or_default();
        entry.0 += 1;
        entry.1 += d.amount_cents[i]
            .and_then(|a| ctx.home(i, a, created))
            .unwrap_or(0)
            .max(0);
    }
    row.created_per_week = weeks
        .into_iter()
        .map(|(w, (n, c))| (w, n, units(c)))
        .collect();
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deal_falls_in_the_age_bucket_its_label_names() {
        // Table: (age in days, bucket label).
        let cases = [
            (Some(0), "≤ 30 days"),
            (Some(30), "≤ 30 days"),
            (Some(31), "31–60"),
            (Some(60), "31–60"),
            (Some(90), "61–90"),
            (Some(91), "91–180"),
            (Some(180), "91–180"),
            (Some(181), "> 180"),
            (None, "no created date"),
        ];
        for (age, label) in cases {
            assert_eq!(AGE_BUCKETS[age_bucket(age)], label, "{age:?}");
        }
    }

    #[test]
    fn commit_and_best_case_in_several_spellings() {
        for yes in ["Commit", "Best Case", "BestCase", "Committed", "Compromiso"] {
            assert!(is_commit_or_best(yes), "{yes}");
        }
        for no in ["Pipeline", "Omitted", "Closed", ""] {
            assert!(!is_commit_or_best(no), "{no}");
        }
    }
}
