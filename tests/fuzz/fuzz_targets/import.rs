//! Any bytes, read as an export, end in a report that accounts for every row or in a typed error —
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pipelens::engine::ingest::limits::Limits;
use pipelens::engine::ingest::{ImportJob, ImportOptions, Slice};

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_row_bytes: 64 * 1024, max_columns: 256, ..Limits::default() };
    let mut job = ImportJob::new(0, "fuzz.csv".into(), data.to_vec(), ImportOptions::default(), limits);
    loop {
        if let Slice::Done(result) = job.step() {
            if let Ok(file) = result {
                let r = &file.report;
                assert_eq!(r.rows_read, r.rows_accepted + r.rows_rejected + r.rows_skipped);
                assert_eq!(file.table.row_count() as u64, r.rows_accepted);
            }
            break;
        }
    }
});
