//! The forecast's benchmarks, natively: the Monte Carlo (10,000 draws over 5,000 open deals, beside a loop
//! that sums p × amount as often), and the monthly backtest of the real LATAM export (when
//! `../shared` is there) beside the metrics report of the same files, and a quarter's forecast task on
//! the generated 17,000-deal export (about 5,000 open), each slice timed: the past origins, the period's
//! own, and the fan's weeks. Prints numbers; asserts nothing about time. `cargo bench --no-default-features --bench forecast` (`./dev.sh bench` runs it).

mod common;

use std::time::Instant;

use pipelens::engine::forecast::calibrate::Shock;
use pipelens::engine::forecast::simulate::simulate;
use pipelens::engine::forecast::{BacktestSettings, Grain};
use pipelens::engine::metrics::MetricSettings;
use pipelens::engine::metrics::money::Money;
use pipelens::engine::protocol::{Backtest, Metrics};

fn best_of<T>(rounds: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    let origin = common::forecast_origin(5_000, 7);
    let shock = Shock {
        shift: -0.3,
        sigma: 0.4,
        ..Shock::NONE
    };
    let mc = best_of(5, || simulate(&origin, &shock, 10_000, 42));
    let sums = best_of(5, || common::expected_sums(&origin, 10_000));
    println!(
        "Monte Carlo, 10,000 draws × 5,000 open deals: {:.0} ms (best of 5); p × amount loop: {:.0} ms; ratio {:.1}×",
        mc * 1e3,
        sums * 1e3,
        mc / sums.max(1e-9)
    );
    fan_steps();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/real/salesforce-export-latam");
    if !dir.is_dir() {
        println!("LATAM backtest: skipped, {} not found", dir.display());
        return;
    }
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "csv"));
    paths.sort();
    let mut session = pipelens::engine::session::Session::new();
    for p in &paths {
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(p).unwrap_or_default();
        let _ = session.ask(pipelens::engine::protocol::ImportFile {
            name,
            bytes,
            options: Default::default(),
        });
    }
    let metrics = MetricSettings {
        money: Money {
            home_currency: "USD".to_owned(),
            rates: Money::parse_rates("MXN,0.05649717514\nCOP,0.00023121387\nPEN,0.26737967914\n")
                .unwrap_or_default(),
        },
        ..MetricSettings::default()
    };
    let settings = BacktestSettings {
        metrics: metrics.clone(),
        grain: Grain::Month,
        ..BacktestSettings::default()
    };
    let backtest = best_of(3, || {
        session.ask(Backtest {
            settings: Box::new(settings.clone()),
        })
    });
    // A different as-of day each round, so the session's cached report is not what is timed.
    let mut round = 0;
    let report = best_of(3, || {
        round += 1;
        let mut settings = metrics.clone();
        settings.as_of = chrono::NaiveDate::from_ymd_opt(2023, 9, round);
        session.ask(Metrics {
            settings: Box::new(settings),
        })
    });
    println!(
        "LATAM monthly backtest: {:.0} ms (best of 3); the metrics report of the same files: {:.0} ms; ratio {:.1}×",
        backtest * 1e3,
        report * 1e3,
        backtest / report.max(1e-9)
    );
}

/// A this-quarter forecast over the generated export (17,000 deals with their stage history), run a
/// slice at a time as the worker runs it: the longest slice of each kind.
fn fan_steps() {
    use pipelens::engine::forecast::{ForecastPeriod, ForecastSettings, ForecastTask};
    let (mut session, _) = common::process_session(17_000, 20_000, 3, || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    });
    let Some(model) = session.model() else {
        println!("Forecast slices: skipped, the generated export did not build");
        return;
    };
    let mut task = ForecastTask::new(ForecastSettings {
        period: ForecastPeriod::Relative {
            grain: Grain::Quarter,
            ahead: 0,
        },
        draws: 10_000,
        ..ForecastSettings::default()
    });
    let mut slices_ms = Vec::new();
    let report = loop {
        let t = Instant::now();
        let step = task.step(model);
        slices_ms.push(t.elapsed().as_secs_f64() * 1e3);
        match step {
            Ok(Some(report)) => break report,
            Ok(None) => {}
            Err(e) => {
                println!("Forecast slices: failed, {e}");
                return;
            }
        }
    };
    let fan_weeks = report
        .fan
        .iter()
        .filter(|p| p.day > report.as_of)
        .count()
        .saturating_sub(1);
    let n = slices_ms.len();
    let longest = |s: &[f64]| s.iter().copied().fold(0.0, f64::max);
    // Slices: the plan, the past origins, the period's own, its deals' reasons, the fan's weeks.
    let (past, rest) = slices_ms[1..].split_at(n.saturating_sub(3 + fan_weeks));
    let (own, rest) = rest.split_at(1.min(rest.len()));
    let (why, fan) = rest.split_at(1.min(rest.len()));
    println!(
        "Forecast of {} as of {} ({} open deals, 10,000 draws): {} slices; plan {:.0} ms; past origins longest {:.0} ms; the period's own {:.0} ms; its deals' reasons {:.0} ms; fan weeks ({}) longest {:.0} ms, mean {:.0} ms",
        report.period.label,
        report.as_of,
        report.team.open_deals,
        n,
        slices_ms[0],
        longest(past),
        longest(own),
        longest(why),
        fan.len(),
        longest(fan),
        fan.iter().sum::<f64>() / fan.len().max(1) as f64
    );
}
