//! What changed since the last export: for a period and two exports of the same deals (BEFORE and AFTER),
//! the pipeline waterfall per rep and for the team — start + Σ movements = end, exactly, in hundredths of
//! the home currency — and the deals that moved, slipped, advanced or changed hands. No field history is
//! needed: two exports taken on different days are enough.
//!
//! Each side is a [`SalesModel`] built from its own files ([`side`]: each deal by CRM id, with its home
//! amount); [`classify`] holds the contract deal by deal; [`compare`] checks both exports are of the same
//! deals, settles the days and the period and adds every deal up; [`report`] is the JSON answer. The
//! session builds the two models (`Changes { before_files, after_files }`); the engine here only compares.
//! [`shift`] sets the forecast on the earlier export's day beside the one on the later day, deal by deal.
//!
//! [`SalesModel`]: crate::engine::model::SalesModel

pub mod classify;
pub mod compare;
pub mod report;
pub mod shift;
pub mod side;

pub use compare::compare;
pub use report::{
    Change, ChangesPeriod, ChangesReport, ChangesTrend, DealChange, DealState, Movement, Movements,
    RepChanges, Tally, TrendStep, Waterfall,
};
pub use shift::{ForecastShift, attribute};
pub use side::Side;
