//! The model: the high side of the data flow. Records from [`crate::engine::ingest`] become one canonical,
//! typed sales model — reps, deals, stage changes, activities, quotas — with every decision about what a file
//! is, what its columns mean and how its values read stated in the report.

pub mod values;
