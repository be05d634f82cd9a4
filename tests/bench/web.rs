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

/// The forecast's Monte Carlo in the browser: 10,000 draws over 5,000 open deals (the bar is
/// 200 ms), beside a loop that sums p × amount the same number of times.
#[wasm_bindgen_test]
fn monte_carlo_in_the_browser() {
    use pipelens::engine::forecast::calibrate::Shock;
    use pipelens::engine::forecast::simulate::simulate;
    let origin = common::forecast_origin(5_000, 7);
    let shock = Shock {
        shift: -0.3,
        sigma: 0.4,
        ..Shock::NONE
    };
    let (mut best_mc, mut best_sum) = (f64::MAX, f64::MAX);
    let mut team = 0.0;
    for _ in 0..ROUNDS {
        let draws = timed(&mut best_mc, || simulate(&origin, &shock, 10_000, 42));
        team = draws.team.iter().sum::<f64>() / draws.team.len() as f64;
        timed(&mut best_sum, || common::expected_sums(&origin, 10_000));
    }
    let report = format!(
        "wasm Monte Carlo (headless Chromium): 10,000 draws × 5,000 open deals: {:.0} ms (best of {ROUNDS}); the p × amount loop over the same deals and draws: {:.0} ms; ratio {:.1}×",
        best_mc * 1000.0,
        best_sum * 1000.0,
        best_mc / best_sum.max(1e-9)
    );
    web_sys::console::log_1(&report.into());
    assert!(team > 0.0);
}
