//! What a forecast or a backtest is asked for: the period (this or next month or quarter, or one named),
//! the team quota when no quota file gives one, the seed and number of draws, and the metric settings it
//! shares with every other answer (as-of date, calendar, money, scope).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::metrics::MetricSettings;
use crate::engine::metrics::period::{Calendar, DateRange, PeriodSpec};

/// Draws of the Monte Carlo unless asked otherwise.
pub const DEFAULT_DRAWS: u32 = 10_000;
/// The seed unless asked otherwise.
pub const DEFAULT_SEED: u64 = 42;
/// More draws than this are refused (memory and time in a browser tab).
pub const MAX_DRAWS: u32 = 200_000;

/// The length of the periods a forecast steps through when it looks back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    Month,
    Quarter,
}

impl Grain {
    /// The period spec that steps by this grain in [`Calendar::step`].
    pub fn spec(self) -> PeriodSpec {
        match self {
            Grain::Month => PeriodSpec::ThisMonth,
            Grain::Quarter => PeriodSpec::ThisQuarter,
        }
    }

    /// The period of this grain containing `day`.
    pub fn period_of(self, calendar: &Calendar, day: NaiveDate) -> Option<DateRange> {
        match self {
            Grain::Month => calendar.month_of(day),
            Grain::Quarter => calendar.quarter_of(day),
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Grain::Month => "month",
            Grain::Quarter => "quarter",
        }
    }
}

/// The period to forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ForecastPeriod {
    /// The month or quarter containing the as-of date (`ahead` 0) or the one after it (`ahead` 1).
    Relative { grain: Grain, ahead: u32 },
    /// A named month or quarter (`2023-08`, `2023-Q3`).
    Named { spec: PeriodSpec },
}

impl Default for ForecastPeriod {
    fn default() -> Self {
        ForecastPeriod::Relative {
            grain: Grain::Quarter,
            ahead: 0,
        }
    }
}

impl ForecastPeriod {
    /// `this-month`, `next-month`, `this-quarter`, `next-quarter`, `2023-08`, `2023-Q3`.
    pub fn parse(text: &str) -> Result<ForecastPeriod, String> {
        let t = text.trim().to_ascii_lowercase().replace(' ', "-");
        let relative = |grain, ahead| Ok(ForecastPeriod::Relative { grain, ahead });
        match t.as_str() {
            "this-month" => relative(Grain::Month, 0),
            "next-month" => relative(Grain::Month, 1),
            "this-quarter" => relative(Grain::Quarter, 0),
            "next-quarter" => relative(Grain::Quarter, 1),
            _ => match PeriodSpec::parse(text) {
                Ok(spec @ (PeriodSpec::Month { .. } | PeriodSpec::Quarter { .. })) => {
                    Ok(ForecastPeriod::Named { spec })
                }
                _ => Err(format!(
                    "'{text}' is not a forecast period: use this-month, next-month, this-quarter, next-quarter, a month like 2023-08 or a quarter like 2023-Q3"
                )),
            },
        }
    }

    /// The forecast period for the period a view shows: a month or quarter as it is, this or last month
    /// as this month, and anything else (a year, a custom range, everything) as this quarter.
    pub fn for_spec(spec: &PeriodSpec) -> ForecastPeriod {
        match spec {
            PeriodSpec::Month { .. } | PeriodSpec::Quarter { .. } => {
                ForecastPeriod::Named { spec: spec.clone() }
            }
            PeriodSpec::ThisMonth | PeriodSpec::LastMonth => ForecastPeriod::Relative {
                grain: Grain::Month,
                ahead: 0,
            },
            _ => ForecastPeriod::default(),
        }
    }

    pub fn grain(&self) -> Grain {
        match self {
            ForecastPeriod::Relative { grain, .. } => *grain,
            ForecastPeriod::Named {
                spec: PeriodSpec::Month { .. },
            } => Grain::Month,
            ForecastPeriod::Named { .. } => Grain::Quarter,
        }
    }

    /// The days of the period, given the calendar and the as-of date.
    pub fn resolve(&self, calendar: &Calendar, as_of: NaiveDate) -> Option<DateRange> {
        match self {
            ForecastPeriod::Relative { grain, ahead } => {
                let this = grain.period_of(calendar, as_of)?;
                calendar.step(&grain.spec(), this, i32::try_from(*ahead).ok()?)
            }
            ForecastPeriod::Named { spec } => spec.resolve(calendar, as_of, as_of),
        }
    }
}

/// A forecast request's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastSettings {
    /// As-of date, calendar, money and scope (the period here is ignored: `period` says it).
    pub metrics: MetricSettings,
    #[serde(default)]
    pub period: ForecastPeriod,
    /// The team's quota for the period, in home-currency units, when no quota file gives one.
    #[serde(default)]
    pub team_quota: Option<f64>,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default = "default_draws")]
    pub draws: u32,
}

fn default_seed() -> u64 {
    DEFAULT_SEED
}

fn default_draws() -> u32 {
    DEFAULT_DRAWS
}

impl Default for ForecastSettings {
    fn default() -> Self {
        ForecastSettings {
            metrics: MetricSettings::default(),
            period: ForecastPeriod::default(),
            team_quota: None,
            seed: DEFAULT_SEED,
            draws: DEFAULT_DRAWS,
        }
    }
}

/// A backtest request's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestSettings {
    /// As-of date (the last day whose data counts), calendar, money and scope.
    pub metrics: MetricSettings,
    pub grain: Grain,
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Draws per origin (fewer than a forecast's: every origin is drawn).
    #[serde(default = "backtest_draws")]
    pub draws: u32,
}

fn backtest_draws() -> u32 {
    2_000
}

impl Default for BacktestSettings {
    fn default() -> Self {
        BacktestSettings {
            metrics: MetricSettings::default(),
            grain: Grain::Month,
            seed: DEFAULT_SEED,
            draws: backtest_draws(),
        }
    }
}
