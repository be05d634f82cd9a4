//! Metrics benchmark, against a one-pass baseline in the same process. Numbers, not assertions.
//! `cargo bench --no-default-features --bench metrics` or `./dev.sh bench`.
//!
//! 1. Performance metrics: all metrics for all reps over 100k deals, and again after a filter change (one
//!    rep, one quarter); an explanation's first page, next page and a page far on.
//! 2. Process and activity: 100k deals with their stage history (~300k rows) and 1M activities; each part
//!    of `compute()` (`Prepared::new`, `sets`, `process`, `pipeline`, `activity`) on its own, then the whole.
//!    `PIPELENS_BENCH_DEALS` and `PIPELENS_BENCH_ACTIVITIES` set the sizes.

mod common;

use std::time::Instant;

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let start = Instant::now();
    let now = || start.elapsed().as_secs_f64();
    let deals = size("PIPELENS_BENCH_DEALS", 100_000);
    let activities = size("PIPELENS_BENCH_ACTIVITIES", 1_000_000);
    {
        let mut session = common::session_with("bench-deals.csv", common::deals_export(deals, 7));
        // The session builds a model even from no file: an empty one means the import failed.
        let Some(model) = session.model().filter(|m| !m.deals.is_empty()) else {
            eprintln!("the benchmark export did not import");
            return;
        };
        let best = common::metrics_rounds(model, now);
        println!(
            "metrics benchmark (native, profile bench): best of {} rounds",
            common::ROUNDS
        );
        print!("{}", common::metrics_table(model.deals.len(), &best));
        print!("{}", common::explain_pages(&mut session, now));
    }

    println!(
        "\nprocess and activity benchmark (native, profile bench): {deals} deals, their stage history, {activities} activities"
    );
    let (mut session, imports) = common::process_session(deals, activities, 7, now);
    print!("{imports}");
    let Some(model) = session.model().filter(|m| !m.deals.is_empty()) else {
        eprintln!("the benchmark exports did not import");
        return;
    };
    print!("{}", common::model_counts(model));
    let best = common::process_rounds(model, now);
    println!("  best of {} interleaved rounds:", common::ROUNDS);
    print!("{}", common::process_table(&best));
}
