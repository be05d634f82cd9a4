//! Metrics: per-rep performance numbers by stated definitions — periods and the as-of date ([`period`]),
//! money in one home currency ([`money`]), the metric catalog ([`definitions`]) and the computation with its
//! reconciliation against CRM reports ([`compute`]). Pure functions of the model and the settings: the same
//! inputs give the same numbers, whatever day it is.

pub mod compute;
pub mod definitions;
pub mod money;
pub mod period;

pub use compute::{MetricSettings, MetricsReport, RepMetrics, compute};
