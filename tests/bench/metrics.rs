//! Metrics benchmark: all metrics for all reps over 100k deals, and again after a filter change (one rep,
//! one quarter), against a one-pass baseline in the same process. `cargo bench --no-default-features
//! --bench metrics` or `./dev.sh bench`. Numbers, not assertions.

mod common;

use std::time::Instant;

fn main() {
    let deals = 100_000;
    let session = common::session_with("bench-deals.csv", common::deals_export(deals, 7));
    let Some(model) = session.model() else {
        eprintln!("the benchmark export did not import");
        return;
    };
    let start = Instant::now();
    let now = || start.elapsed().as_secs_f64();
    let best = common::metrics_rounds(model, now);
    println!(
        "metrics benchmark (native, profile bench): best of {} rounds",
        common::ROUNDS
    );
    print!("{}", common::metrics_table(model.deals.len(), &best));
}
