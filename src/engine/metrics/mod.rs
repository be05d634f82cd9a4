//! Metrics: per-rep performance numbers by stated definitions — periods and the as-of date ([`period`]),
//! money in one home currency ([`money`]), the metric catalog ([`definitions`]) and the computation with its
//! reconciliation against CRM reports ([`compute`]). Pure functions of the model and the settings: the same
//! inputs give the same numbers, whatever day it is.

pub mod activity;
pub mod compute;
pub mod context;
pub mod definitions;
pub mod explain;
pub mod leaderboard;
pub mod money;
pub mod period;
pub mod pipeline;
pub mod plan;
pub mod prepared;
pub mod process;
pub mod report;
pub mod settings;
pub mod stage_months;
pub mod stats;
pub mod transitions;
pub mod trend;

pub use compute::{MetricSettings, MetricsReport, RepMetrics, compute};
