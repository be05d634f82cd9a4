//! Build: every imported file, recognised and mapped, read into the one [`SalesModel`] — users and teams
//! first (so owners resolve), then leads, deals, their stage and owner history, activities, quotas and the
//! fiscal calendar — with what was decided for each file in a [`FileModel`] for its report.
//!
//! Per file, each mapped value column is decided once from all its values (date order, decimal mark,
//! probability scale; `decide`, fed a slice of values per step, concluded into `decided`), stated as an
//! assumption the user can flip, then every row is read with that decision by the reader of the file's kind
//! (`rows`, `reader`, one file per kind). A bad value in a field the record cannot do without rejects the
//! row; a bad optional value keeps the row and is listed.
//! The build runs as a [`BuildTask`] of small steps (`task`); [`build`] runs it to the end.
//!
//! [`SalesModel`]: crate::engine::model::SalesModel

mod activities;
mod context;
mod deal_row;
mod deals;
mod decide;
mod decided;
mod durations;
mod finish;
mod history;
mod leads;
mod periods;
mod quotas;
mod reader;
mod rows;
mod snapshot;
mod task;
mod types;
mod users;

pub use decide::DECIDE_VALUES_PER_STEP;
pub use quotas::period_span;
pub use task::{BuildTask, FINISH_STEPS, ROWS_PER_STEP};
pub use types::{Built, FileInput, FileModel};

use crate::engine::model::ModelSettings;

/// Builds the model from every file, with the user's settings, in one go.
pub fn build(inputs: &[FileInput<'_>], settings: &ModelSettings) -> Built {
    let mut task = BuildTask::new(inputs, settings);
    loop {
        if let Some(built) = task.step(inputs) {
            return built;
        }
    }
}
