//! The forecast's and the backtest's answers, as the CLI prints them in JSON and the app lays them out.
//! Amounts are in home-currency units; probabilities and shares are 0–1; undefined numbers are `null`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::forecast::calibrate::Shock;
use crate::engine::forecast::combine::Blend;
use crate::engine::forecast::settings::Grain;

/// The period forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodOut {
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// How far off the model has been on this data, at this week of the period where there is enough.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefBacktest {
    pub wape: f64,
    pub bias: Option<f64>,
    pub interval_coverage: Option<f64>,
    pub origins: u64,
    /// Independent periods behind `origins`.
    pub periods: u64,
    /// The week of the period scored (`None`: every week, too few origins at this one).
    pub week: Option<u32>,
}

/// One rep's forecast, or the team's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastRow {
    pub rep: String,
    /// The rep's stable key; `None` for the team and for deals without an owner.
    pub rep_id: Option<String>,
    /// Won in the period up to the as-of date.
    pub closed: f64,
    /// Quantiles of the period's total bookings (closed included); `None` when there are too few open
    /// deals for a distribution (see `distribution`).
    pub p10: Option<f64>,
    pub p25: Option<f64>,
    pub p50: Option<f64>,
    pub p75: Option<f64>,
    pub p90: Option<f64>,
    pub mean: Option<f64>,
    pub quota: Option<f64>,
    pub chance_of_quota: Option<f64>,
    /// Closed + open Commit deals closing in the period (`None` without forecast categories).
    pub commit: Option<f64>,
    /// Closed + Commit + Best Case.
    pub best_case: Option<f64>,
    /// Closed + open deals closing in the period × their CRM probability (`None` without probabilities).
    pub crm_weighted: Option<f64>,
    pub open_deals: u64,
    /// The new deals expected to be created and won in the rest of the period.
    pub expected_new_deals: f64,
    pub distribution: bool,
    pub backtest: Option<BriefBacktest>,
}

/// An open deal closing in the period, for the forecast call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastDeal {
    pub id: String,
    pub name: String,
    pub rep: String,
    pub stage: String,
    pub amount: Option<f64>,
    pub close_date: Option<NaiveDate>,
    pub category: String,
    pub crm_probability: Option<f64>,
    pub model_probability: f64,
    pub push_count: u32,
    pub days_since_activity: Option<i64>,
    pub age_days: i64,
    /// `past_due`, `pushed`, `no_amount`, `stale`, `large`, `commit_at_risk`, `upside`.
    pub flags: Vec<String>,
    /// Why a Commit deal is at risk, in words (empty when it is not).
    pub at_risk: Vec<String>,
    /// The share won inside the forecast window (what is left of the period) of the earlier deals in
    /// this deal's most specific cell with a stage that the model used: the same stage and close-date
    /// position and, with enough history, the same pushes, time in stage, age (over 90 days or not) and
    /// size band — seen at weekly landmarks, still-open ones censored. It is the cell's own share, before
    /// shrinking toward broader cells (`model_probability` is after); `None` when no earlier deal fell in
    /// such a cell.
    pub stage_win_rate: Option<f64>,
    /// The distinct earlier deals behind `stage_win_rate` (0 with none).
    pub stage_win_deals: u64,
    /// Why the model rates the deal so, two to four sentences: that cell's share and count (and the
    /// model's chance after shrinking, when it shows differently), past due, pushes, quiet days, its close
    /// date.
    pub why: Vec<String>,
}

/// One day of the fan chart. Up to the as-of day: `booked`, the period's won amount to that day; after
/// it: the quantiles of the period's bookings by that day (closed included). The last point's quantiles
/// are the period forecast's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FanPoint {
    pub day: NaiveDate,
    pub booked: Option<f64>,
    pub p10: Option<f64>,
    pub p25: Option<f64>,
    pub p50: Option<f64>,
    pub p75: Option<f64>,
    pub p90: Option<f64>,
}

/// The forecast of one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastReport {
    pub as_of: NaiveDate,
    pub as_of_from: String,
    pub period: PeriodOut,
    pub currency: String,
    pub method: String,
    pub leaky: bool,
    pub leak_reasons: Vec<String>,
    pub limited_history: bool,
    pub seed: u64,
    pub draws: u32,
    /// The shared shock and what it was fitted on.
    pub calibration: Shock,
    /// How accurate this forecast has been on this data, in words (or that there is too little history).
    pub accuracy: String,
    /// The run-rate method the median was moved toward, where earlier origins say it beats the model.
    pub combination: Option<Blend>,
    pub team: ForecastRow,
    pub reps: Vec<ForecastRow>,
    pub deals: Vec<ForecastDeal>,
    /// The team's bookings to date and the range to the end of the period, a point a week.
    pub fan: Vec<FanPoint>,
    /// The backtest the forecast ran over its recent past (its calibration and accuracy come from it).
    pub tested: BacktestReport,
    /// Every assumption and caveat, in words.
    pub notes: Vec<String>,
}

/// One method's scores over the origins where it is defined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodScore {
    pub name: String,
    pub baseline: bool,
    pub origins: u64,
    /// Defined at every scored origin (else its scores are over `origins` only and not comparable).
    pub same_origins: bool,
    pub wape: Option<f64>,
    pub bias: Option<f64>,
    pub mase: Option<f64>,
    pub interval_coverage: Option<f64>,
    pub pinball: Option<f64>,
    pub wape_from_week_3: Option<f64>,
    pub by_week: Vec<WeekScore>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekScore {
    pub week: u32,
    pub origins: u64,
    pub wape: Option<f64>,
    pub bias: Option<f64>,
    /// The share of origins whose result fell inside the P10–P90 range (the model only).
    pub coverage: Option<f64>,
}

/// Deal-level calibration: the open deals at scored origins whose model chance fell in `[from, to)`,
/// the mean of those chances and the share of them won inside the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBand {
    pub from: f64,
    pub to: f64,
    pub deals: u64,
    pub predicted: Option<f64>,
    pub actual: Option<f64>,
}

/// Brier scores of deal-level chances (open deals with a close date in the period, at each origin), on
/// the deals where all three chances exist; `model_all_deals` is the model's on every such deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealBrier {
    pub deals: u64,
    pub model: Option<f64>,
    pub crm_probability: Option<f64>,
    pub stage_rate: Option<f64>,
    pub all_deals: u64,
    pub model_all_deals: Option<f64>,
}

/// One scored origin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OriginRow {
    pub origin: NaiveDate,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub week: u32,
    pub actual: f64,
    pub closed: f64,
    /// The model's mean before calibration.
    pub expected: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub naive: Option<f64>,
    pub pace: Option<f64>,
    pub commit: Option<f64>,
    pub crm_weighted: Option<f64>,
    pub calibrated: bool,
}

/// The rolling-origin backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    pub period: Grain,
    pub as_of: NaiveDate,
    pub currency: String,
    pub origins: u64,
    pub periods: u64,
    pub leaky: bool,
    pub limited_history: bool,
    pub methods: Vec<MethodScore>,
    pub deal_brier: DealBrier,
    /// The model's chances against what happened, by band of chance.
    pub calibration: Vec<CalibrationBand>,
    pub rows: Vec<OriginRow>,
    pub notes: Vec<String>,
}
