//! Ingest benchmark: bytes → records on a seeded ~100 MB export (30 columns, quoted fields with embedded
//! delimiters and line breaks, CRLF). Prints MB/s for pipelens's reader and, in the same process on the
//! same bytes, for the `csv` crate's `ByteRecord` loop (the baseline). Runs are interleaved round by round
//! and the best of each is kept, so machine noise hits every contender alike.
//!
//! `cargo bench --no-default-features --bench ingest` (profile `bench`: opt-level 3), or `./dev.sh bench`.
//! Numbers, not assertions: a slower machine is not a failure. `PIPELENS_BENCH_MB` sets the size.

mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{MB, ROUNDS, csv_crate, decoded_records, full_import, record_reader};
use pipelens::engine::ingest::dialect::sniff;

fn timed<T>(best: &mut f64, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = f();
    *best = best.min(start.elapsed().as_secs_f64());
    value
}

fn main() {
    let size = std::env::var("PIPELENS_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100usize)
        * 1_000_000;
    let bytes = common::export(size, 42);
    let mb = bytes.len() as f64 / MB;
    let dialect = sniff(&bytes[..65_536], None);
    if std::env::var("PIPELENS_BENCH_ONLY").as_deref() == Ok("import") {
        // For a profiler: the import alone.
        for _ in 0..ROUNDS {
            black_box(full_import(bytes.clone()));
        }
        return;
    }
    println!(
        "ingest benchmark: {mb:.1} MB export, 30 columns, quoted fields, embedded CRLF; best of {ROUNDS} interleaved rounds"
    );
    let mut best = [f64::MAX; 4];
    let mut counts = [0u64; 4];
    for _ in 0..ROUNDS {
        counts[0] = timed(&mut best[0], || csv_crate(&bytes));
        counts[1] = timed(&mut best[1], || record_reader(&bytes, &dialect));
        counts[2] = timed(&mut best[2], || decoded_records(&bytes, &dialect));
        let input = bytes.clone();
        counts[3] = timed(&mut best[3], || full_import(input));
    }
    assert_eq!(counts[0], counts[1], "both parsers see the same records");
    assert_eq!(
        counts[0], counts[2],
        "decoding changes nothing in valid UTF-8"
    );
    assert_eq!(
        counts[3] + 1,
        counts[0],
        "every record but the header is accepted"
    );
    print!("{}", common::table(mb, &best));
    println!("  ({} records)", counts[0]);
}
