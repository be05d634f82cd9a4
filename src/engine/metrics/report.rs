//! The metrics report: what [`crate::engine::metrics::compute`] answers for a period — the team's and each
//! rep's metrics, the process, pipeline and activity analyses, each metric in the team's context, and the
//! reconciliation against CRM reports. Types only; every part is computed by its own module.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::metrics::activity::ActivityReport;
use crate::engine::metrics::definitions::Direction;
use crate::engine::metrics::leaderboard::Ranked;
use crate::engine::metrics::money::Unconverted;
use crate::engine::metrics::pipeline::PipelineReport;
use crate::engine::metrics::plan::PlanReport;
use crate::engine::metrics::prepared::RepMetrics;
use crate::engine::metrics::process::ProcessReport;
use crate::engine::metrics::stats::{Change, Prior, Shrunk, Spread, Standing};

/// A count explained against a CRM report's: what was taken out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    pub metric: String,
    /// Deals of this outcome in the model before any filter.
    pub in_files: u64,
    pub counted: u64,
    /// (reason, deals) in the order they were taken out.
    pub removed: Vec<(String, u64)>,
    /// Sentences about counts a CRM report filtered by Close Date would differ on.
    pub notes: Vec<String>,
}

/// The period, how money was converted, and what was assumed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PeriodInfo {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub as_of: NaiveDate,
    /// How the as-of date was chosen.
    pub as_of_from: String,
    /// The calendar quarter of the period's start as a quota file names it (`2026-Q1`).
    #[serde(default)]
    pub calendar_quarter: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MoneyInfo {
    pub unconverted: Vec<Unconverted>,
    /// Some amounts had no rate: sums leave them out.
    pub incomplete: bool,
    /// Every amount in scope is in this one currency, not the home currency, and no rate converts it: the
    /// question to put to the user (show everything in it, or give a rate), never a silent zero.
    #[serde(default)]
    pub ask_currency: Option<String>,
}

/// The currency to ask about: the only currency of every amount in scope, when it is not `home` and no
/// rate converts it. An empty currency is the home currency.
pub fn only_foreign_currency(
    p: &crate::engine::metrics::prepared::Prepared<'_>,
    money: &crate::engine::metrics::money::Money,
) -> Option<String> {
    let d = &p.model.deals;
    let mut only: Option<&str> = None;
    for i in (0..d.len()).filter(|&i| p.in_scope[i] && d.amount_cents[i].is_some()) {
        let c = p.model.text(d.currency[i]);
        let c = if c.is_empty() {
            money.home_currency.as_str()
        } else {
            c
        };
        match only {
            None => only = Some(c),
            Some(o) if o.eq_ignore_ascii_case(c) => {}
            Some(_) => return None,
        }
    }
    let only = only?;
    let foreign = !only.eq_ignore_ascii_case(&money.home_currency);
    let no_rate = !money
        .rates
        .iter()
        .any(|r| r.currency.eq_ignore_ascii_case(only));
    (foreign && no_rate).then(|| only.to_owned())
}

/// How pacing's share of the period usually booked by now was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PacingCurve {
    /// The median share booked by the same business day of the last `past_periods` periods.
    Usual { past_periods: u32 },
    /// The share of the period's business days that have passed: too few past periods have bookings to
    /// learn the usual curve from.
    StraightLine,
}

/// What pacing compares bookings with: the share of a period's bookings usually booked by the as-of date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PacingBasis {
    /// 0–1.
    pub share_by_now: f64,
    pub curve: PacingCurve,
    /// The sentence that says so (also among the report's assumptions).
    pub sentence: String,
}

/// All metrics for a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricsReport {
    pub period: PeriodInfo,
    pub home_currency: String,
    pub team: RepMetrics,
    /// The median of each metric over the reps who have not left (reps who have left count in the team
    /// totals only).
    pub team_median: RepMetrics,
    pub reps: Vec<RepMetrics>,
    pub money: MoneyInfo,
    pub reconciliation: Vec<Reconciliation>,
    pub scope: String,
    /// Every assumption behind the numbers, as sentences.
    pub assumptions: Vec<String>,
    /// What pacing compares bookings with; `None` when the period is not under way on the as-of date (or
    /// the as-of date is its last day), so there is no pacing.
    #[serde(default)]
    pub pacing: Option<PacingBasis>,
    #[serde(default)]
    pub process: ProcessReport,
    #[serde(default)]
    pub pipeline: PipelineReport,
    #[serde(default)]
    pub activity: ActivityReport,
    /// Each metric across the reps, against the previous period and the year before.
    #[serde(default)]
    pub context: Vec<MetricContext>,
    /// The periods the changes compare with (previous, then a year before), each up to the same day.
    #[serde(default)]
    pub compared_with: Vec<PeriodInfo>,
    /// What each rep still needs to reach quota (the reverse funnel), and the business days left.
    #[serde(default)]
    pub plan: PlanReport,
    /// The reps ranked by bookings, highest first.
    #[serde(default)]
    pub leaderboard: Vec<Ranked>,
    /// The reps the attainment charts (Performance's and Planning's) show, in rep order: those with a quota
    /// who are active or booked something ([`crate::engine::metrics::plan::attainment_chart`]).
    #[serde(default)]
    pub attainment_chart: Vec<String>,
}

/// One rep's standing on one metric.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepStanding {
    pub rep: String,
    pub value: Option<f64>,
    pub standing: Option<Standing>,
    pub previous: Option<Change>,
    pub year_ago: Option<Change>,
    /// Rates only: the value shrunk toward the peers' rate, with its 80% interval and n.
    pub shrunk: Option<Shrunk>,
    /// The sample behind the value (deals, calls …), when it is a count-based rate.
    pub n: Option<u64>,
    /// n is under [`crate::engine::metrics::context::MIN_SAMPLE_TO_JUDGE`]: too few to judge the value.
    #[serde(default)]
    pub too_few_to_judge: bool,
    /// Who the rep is compared with.
    pub peers: String,
}

/// One metric across the team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricContext {
    pub metric: String,
    /// Which way is better (the metric's definition says).
    pub direction: Direction,
    /// Over the active reps.
    pub spread: Spread,
    pub team: Option<f64>,
    pub team_previous: Option<Change>,
    pub team_year_ago: Option<Change>,
    pub reps: Vec<RepStanding>,
    /// For rates: the prior each peer group's shrinkage used, by group.
    pub priors: Vec<(String, Prior)>,
}
