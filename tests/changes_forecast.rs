//! The forecast then and now (`ChangesForecast`) and the swapped order (`swap`), on the demo team with
//! last week's report beside this week's, through the session as the app asks.

mod support;

use chrono::NaiveDate;
use pipelens::engine::EngineError;
use pipelens::engine::changes::Movement;
use pipelens::engine::changes::shift::Cause;
use pipelens::engine::demo::{DEFAULT_SEED, Demo, generate};
use pipelens::engine::forecast::ForecastSettings;
use pipelens::engine::ingest::ImportOptions;
use pipelens::engine::metrics::MetricSettings;
use pipelens::engine::metrics::period::PeriodSpec;
use pipelens::engine::protocol::{Changes, ChangesForecast, Forecast};
use pipelens::engine::session::Session;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

fn demo() -> Demo {
    generate(as_of(), DEFAULT_SEED)
}

/// This week's files taken on the as-of day and, with `last_week`, last week's report on its day.
fn session(demo: &Demo, last_week: bool) -> Session {
    let on = |day| ImportOptions {
        taken_on: Some(day),
        ..ImportOptions::default()
    };
    let mut files: Vec<(String, Vec<u8>, ImportOptions)> = demo
        .files
        .iter()
        .map(|f| (f.name.clone(), f.bytes.clone(), on(as_of())))
        .collect();
    if last_week {
        files.push((
            demo.last_week.name.clone(),
            demo.last_week.bytes.clone(),
            on(demo.last_week_on),
        ));
    }
    support::session_with(files, None)
}

fn this_quarter() -> MetricSettings {
    MetricSettings {
        period: PeriodSpec::ThisQuarter,
        ..MetricSettings::default()
    }
}

fn forecast_on(
    session: &mut Session,
    day: NaiveDate,
) -> pipelens::engine::forecast::ForecastReport {
    let mut settings = ForecastSettings::default();
    settings.metrics.as_of = Some(day);
    *session
        .ask(Forecast {
            settings: Box::new(settings),
        })
        .unwrap()
        .report
}

/// "Then" is the forecast the Forecast view gives on last week's day, "now" the one on this week's; the
/// deals' changes add up to their lines, and the lines, the new deals and the rest to the mean's change.
#[test]
fn then_and_now_are_each_days_forecast_and_the_deals_add_up() {
    let demo = demo();
    let mut session = session(&demo, true);
    let shift = *session
        .ask(ChangesForecast {
            settings: Box::new(ForecastSettings::default()),
            before_files: Vec::new(),
            after_files: Vec::new(),
            swap: false,
        })
        .unwrap()
        .shift;
    let then = forecast_on(&mut session, demo.last_week_on);
    let now = forecast_on(&mut session, as_of());
    assert_eq!(shift.then.as_of, demo.last_week_on);
    assert_eq!(shift.now.as_of, as_of());
    assert_eq!(shift.then.p50, then.team.p50);
    assert_eq!(shift.now.p50, now.team.p50);
    assert_eq!(shift.then.mean, then.team.mean);
    assert_eq!(shift.now.mean, now.team.mean);
    assert!(
        then.team.p50 != now.team.p50,
        "a week of the demo moves the forecast"
    );

    let mean_delta = shift
        .mean_delta
        .expect("both forecasts have a distribution");
    let lines: f64 = shift.lines.iter().map(|l| l.delta).sum();
    let rest = shift.rest_delta.unwrap();
    assert!((lines + shift.new_deals_delta + rest - mean_delta).abs() < 1e-6);
    assert!(
        rest.abs() <= 0.25 * shift.now.mean.unwrap(),
        "the deals explain the forecast's change but a rest of {rest:.0}"
    );
    assert!(shift.lines.iter().all(|l| l.deals > 0));
    assert!(!shift.deals.is_empty());
    // Every listed deal's change is its expected value now less then, and the list is largest first.
    for pair in shift.deals.windows(2) {
        assert!(pair[0].delta.abs() >= pair[1].delta.abs());
    }
    for d in &shift.deals {
        assert!((d.expected_now - d.expected_then - d.delta).abs() < 1e-6);
        match d.cause {
            // A won deal counts its amount now: never less than its chance × amount then.
            Cause::Moved(Movement::Won) => assert!(d.delta >= 0.0, "{d:?}"),
            Cause::Moved(Movement::Lost | Movement::MovedOut | Movement::Missing) => {
                assert!(d.delta <= 0.0 && d.expected_now == 0.0, "{d:?}")
            }
            Cause::Moved(Movement::New | Movement::PulledIn | Movement::Reopened) => {
                assert!(d.expected_then == 0.0, "{d:?}")
            }
            _ => assert!(d.chance_then.is_some() && d.chance_now.is_some(), "{d:?}"),
        }
    }
    // The deals the waterfall says were won this week are in the lines, each counted once.
    let waterfall = session
        .ask(Changes {
            settings: Box::new(this_quarter()),
            before_files: Vec::new(),
            after_files: Vec::new(),
            swap: false,
        })
        .unwrap()
        .report;
    let won_line = shift
        .lines
        .iter()
        .find(|l| l.cause == Cause::Moved(Movement::Won));
    assert_eq!(
        won_line.map_or(0, |l| l.deals),
        waterfall.team.movements.won.deals
    );
    assert!(
        shift.sentence.starts_with("Most likely "),
        "{}",
        shift.sentence
    );
    assert!(shift.sentence.contains(&shift.deals[0].name));
}

/// Swapped, the earlier export is compared as the later: the start and the end trade places, and the deals
/// that closed in the week come back as reopened; what was assumed says the user gave the order.
#[test]
fn swapping_the_exports_runs_the_week_backwards() {
    let demo = demo();
    let mut session = session(&demo, true);
    let mut ask = |swap| {
        session
            .ask(Changes {
                settings: Box::new(this_quarter()),
                before_files: Vec::new(),
                after_files: Vec::new(),
                swap,
            })
            .unwrap()
            .report
    };
    let (plain, swapped) = (ask(false), ask(true));
    assert_eq!((swapped.before, swapped.after), (plain.after, plain.before));
    assert_eq!(swapped.team.start, plain.team.end);
    assert_eq!(swapped.team.end, plain.team.start);
    let m = &plain.team.movements;
    assert!(m.won.deals + m.lost.deals > 0);
    assert_eq!(
        swapped.team.movements.reopened.deals,
        m.won.deals + m.lost.deals
    );
    assert_eq!(
        swapped.team.start.amount_home_cents + swapped.team.movements.sum_cents(),
        swapped.team.end.amount_home_cents
    );
    assert!(
        swapped.before_from.contains("you said"),
        "{}",
        swapped.before_from
    );
    assert!(!plain.before_from.contains("you said"));
}

/// One export: the forecast then and now says what is missing, as the waterfall does.
#[test]
fn one_export_has_no_then() {
    let mut session = session(&demo(), false);
    let error = session
        .ask(ChangesForecast {
            settings: Box::new(ForecastSettings::default()),
            before_files: Vec::new(),
            after_files: Vec::new(),
            swap: false,
        })
        .unwrap_err();
    assert!(
        matches!(error, EngineError::ChangesNeedTwoExports { exports: 1, .. }),
        "{error:?}"
    );
}
