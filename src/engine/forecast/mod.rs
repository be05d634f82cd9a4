//! The forecast: where each rep and the team will land in a period, as a range with the chance of quota,
//! and how accurate that would have been on the team's own history.
//!
//! The flow inside: [`asof`] rebuilds what was known about every deal on a day (stage, amount, close date,
//! probability, category) from its history, so nothing after that day leaks in; [`km`] holds the
//! Kaplan–Meier and competing-risks curves; [`rates`] fits each open deal's chance of being won inside the
//! window from deals seen at earlier weekly landmarks (still-open deals censored, small cells shrunk toward
//! their parents); [`fresh`] estimates the deals not yet created; [`origin`] puts those together for one
//! as-of day with every baseline ([`baselines`]); [`calibrate`] learns the shared period-level shock from
//! earlier origins only; [`simulate`] draws the seeded Monte Carlo; [`combine`] moves it toward a run-rate
//! method where earlier origins say that method beats it; [`score`] and [`backtest`] score
//! rolling origins; [`deals`] pages the forecast call's deal list; [`task`] runs a forecast or a backtest a slice at a time for the session; [`report`]
//! holds the answers.

pub mod asof;
pub mod backtest;
pub mod baselines;
pub mod calibrate;
pub mod combine;
pub mod deals;
pub mod fresh;
pub mod km;
pub mod origin;
pub mod rates;
pub mod report;

pub mod score;
pub mod settings;
pub mod simulate;
pub mod task;

pub use report::{BacktestReport, ForecastReport};
pub use settings::{BacktestSettings, ForecastPeriod, ForecastSettings, Grain};
pub use task::{BacktestTask, ForecastTask};
