//! One module per view: Import, then the five foundations of the sales manager's role, then the forecast call.

pub mod changes;
pub mod changes_forecast;
pub mod changes_trend;
pub mod coaching;
pub mod forecast;
pub mod import;
pub mod pack;
pub mod people;
pub mod performance;
pub mod pipeline;
pub mod planning;
pub mod planning_capacity;
pub mod process;
pub mod scorecard;
pub mod shared;
