//! The ingest benchmark in the browser: the same seeded export and the same contenders as the native
//! benchmark (`common.rs`), compiled to wasm and run in headless Chromium. Prints MB/s through the test
//! runner's console; asserts only that every contender saw the same records.
//!
//! `cargo test --profile speed --target wasm32-unknown-unknown --test bench_web -- --nocapture`
//! (`./dev.sh bench` runs it).
#![cfg(target_arch = "wasm32")]

mod common;

use common::{MB, ROUNDS, csv_crate, decoded_records, full_import, record_reader};
use pipelens::engine::ingest::dialect::sniff;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_s() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now() / 1000.0)
}

fn timed<T>(best: &mut f64, f: impl FnOnce() -> T) -> T {
    let start = now_s();
    let value = f();
    *best = best.min(now_s() - start);
    value
}

#[wasm_bindgen_test]
fn ingest_throughput_in_the_browser() {
    let bytes = common::export(100_000_000, 42);
    let mb = bytes.len() as f64 / MB;
    let dialect = sniff(&bytes[..65_536], None);
    let mut best = [f64::MAX; 4];
    let mut counts = [0u64; 4];
    for _ in 0..ROUNDS {
        counts[0] = timed(&mut best[0], || csv_crate(&bytes));
        counts[1] = timed(&mut best[1], || record_reader(&bytes, &dialect));
        counts[2] = timed(&mut best[2], || decoded_records(&bytes, &dialect));
        let input = bytes.clone();
        counts[3] = timed(&mut best[3], || full_import(input));
    }
    let report = format!(
        "wasm ingest benchmark (headless Chromium): {mb:.1} MB export; best of {ROUNDS} interleaved rounds\n{}",
        common::table(mb, &best)
    );
    web_sys::console::log_1(&report.into());
    assert_eq!(
        (counts[1], counts[2], counts[3] + 1),
        (counts[0], counts[0], counts[0])
    );
}
