//! The forecast engine on worlds where the truth is known, and on the real exports beside the repository.
//!
//! The synthetic world is written here as a Salesforce data export (Opportunity.csv with its
//! OpportunityHistory.csv) by a small process of its own: deals are created at a steady rate, walk
//! Prospecting → Qualification → Proposal and are won or lost with fixed chances, their close dates pushed
//! when they run late. Because the process is known, the tests can ask what no real export can answer: does
//! a forecast as of D from today's export equal one from the export as it was on D (no look-ahead), and does
//! the P10–P90 range cover about four periods in five?

mod support;

use chrono::{Days, NaiveDate};
use pipelens::engine::EngineError;
use pipelens::engine::forecast::report::{BacktestReport, ForecastReport};
use pipelens::engine::forecast::{BacktestSettings, ForecastPeriod, ForecastSettings, Grain};
use pipelens::engine::ingest::ImportOptions;
use pipelens::engine::metrics::MetricSettings;
use pipelens::engine::metrics::period::PeriodSpec;
use pipelens::engine::protocol::{Backtest, Backtested, Forecast, Forecasted};
use pipelens::engine::session::Session;

/// A small multiplicative generator, so the world does not depend on the engine's randomness.
struct World(u64);

impl World {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn days(&mut self, lo: u64, hi: u64) -> u64 {
        lo + (self.next() * (hi - lo + 1) as f64) as u64
    }
}

/// One change of a deal: the day, stage, amount, close date, probability (%), category.
#[derive(Clone)]
struct Event {
    day: NaiveDate,
    stage: &'static str,
    amount: f64,
    close: NaiveDate,
    probability: u32,
    category: &'static str,
}

struct Deal {
    id: String,
    owner: &'static str,
    created: NaiveDate,
    events: Vec<Event>,
}

const STAGES: [(&str, u32, &str); 3] = [
    ("Prospecting", 10, "Pipeline"),
    ("Qualification", 30, "Best Case"),
    ("Proposal", 60, "Commit"),
];

/// `months` months of deals from 2022-01-01, `per_month` created a month on average, each stage passed
/// with chance `advance`.
fn world(seed: u64, months: u32, per_month: f64, advance: f64) -> Vec<Deal> {
    let mut w = World(seed);
    let start = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
    let days = u64::from(months) * 365 / 12;
    let owners = ["0051", "0052", "0053", "0054"];
    let count = (per_month * f64::from(months)) as usize;
    let mut deals = Vec::new();
    for n in 0..count {
        let created = start + Days::new(w.days(0, days - 1));
        let amount = (1_000.0 * (50f64).powf(w.next())).round();
        let mut close = created + Days::new(w.days(20, 70));
        let mut day = created;
        let mut events = Vec::new();
        let mut outcome = None;
        for (k, (stage, probability, category)) in STAGES.iter().enumerate() {
            events.push(Event {
                day,
                stage,
                amount,
                close,
                probability: *probability,
                category,
            });
            day = day + Days::new(w.days(4, 30));
            if day + Days::new(3) > close {
                close = day + Days::new(w.days(10, 40));
                events.push(Event {
                    day,
                    stage,
                    amount,
                    close,
                    probability: *probability,
                    category,
                });
            }
            if w.next() > advance {
                outcome = Some(false);
                break;
            }
            if k == STAGES.len() - 1 {
                outcome = Some(true);
            }
        }
        match outcome {
            Some(true) => events.push(Event {
                day,
                stage: "Closed Won",
                amount,
                close: day,
                probability: 100,
                category: "Closed",
            }),
            _ => events.push(Event {
                day,
                stage: "Closed Lost",
                amount,
                close: day,
                probability: 0,
                category: "Omitted",
            }),
        }
        deals.push(Deal {
            id: format!("0060000{n:05}"),
            owner: owners[n % owners.len()],
            created,
            events,
        });
    }
    deals
}

/// The world's export as it was at the end of `day`: Opportunity.csv and OpportunityHistory.csv.
fn export(deals: &[Deal], day: NaiveDate) -> Vec<(String, Vec<u8>, ImportOptions)> {
    let mut opps = String::from(
        "Id,AccountId,Name,OwnerId,StageName,Amount,CloseDate,IsClosed,IsWon,CreatedDate,Probability,ForecastCategoryName\n",
    );
    let mut history = String::from(
        "Id,OpportunityId,CreatedDate,StageName,Amount,CloseDate,Probability,ForecastCategory,PrevAmount\n",
    );
    let mut row = 0;
    for d in deals.iter().filter(|d| d.created <= day) {
        let known: Vec<&Event> = d.events.iter().filter(|e| e.day <= day).collect();
        let Some(now) = known.last() else { continue };
        let closed = now.stage.starts_with("Closed");
        opps.push_str(&format!(
            "{},001{},Deal {},{},{},{:.2},{},{},{},{}T09:00:00.000Z,{},{}\n",
            d.id,
            &d.id[7..],
            &d.id[7..],
            d.owner,
            now.stage,
            now.amount,
            now.close,
            closed,
            now.stage == "Closed Won",
            d.created,
            now.probability,
            now.category
        ));
        for e in known {
            row += 1;
            history.push_str(&format!(
                "0080{row:08},{},{} 10:00:00,{},{:.2},{},{},{},{:.2}\n",
                d.id, e.day, e.stage, e.amount, e.close, e.probability, e.category, e.amount
            ));
        }
    }
    vec![
        (
            "Opportunity.csv".to_owned(),
            opps.into_bytes(),
            ImportOptions::default(),
        ),
        (
            "OpportunityHistory.csv".to_owned(),
            history.into_bytes(),
            ImportOptions::default(),
        ),
    ]
}

fn session(deals: &[Deal], day: NaiveDate) -> Session {
    support::session_with(export(deals, day), None)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn settings(as_of: NaiveDate, period: ForecastPeriod, seed: u64) -> ForecastSettings {
    ForecastSettings {
        metrics: MetricSettings {
            as_of: Some(as_of),
            ..MetricSettings::default()
        },
        period,
        team_quota: Some(150_000.0),
        seed,
        draws: 4_000,
    }
}

fn forecast(
    session: &mut Session,
    settings: ForecastSettings,
) -> Result<ForecastReport, EngineError> {
    session
        .ask(Forecast {
            settings: Box::new(settings),
        })
        .map(|Forecasted { report }| *report)
}

fn backtest(session: &mut Session, as_of: NaiveDate, grain: Grain) -> BacktestReport {
    let Backtested { report } = session
        .ask(Backtest {
            settings: Box::new(BacktestSettings {
                metrics: MetricSettings {
                    as_of: Some(as_of),
                    ..MetricSettings::default()
                },
                grain,
                seed: 7,
                draws: 2_000,
            }),
        })
        .unwrap();
    *report
}

const THIS_MONTH: ForecastPeriod = ForecastPeriod::Relative {
    grain: Grain::Month,
    ahead: 0,
};

#[test]
fn a_forecast_as_of_d_from_todays_export_equals_the_one_from_the_export_as_it_was_on_d() {
    let deals = world(11, 18, 40.0, 0.7);
    let d = day(2023, 3, 15);
    let mut today = session(&deals, day(2023, 6, 30));
    let mut then = session(&deals, d);
    for period in [
        THIS_MONTH,
        ForecastPeriod::Relative {
            grain: Grain::Quarter,
            ahead: 1,
        },
    ] {
        let full = forecast(&mut today, settings(d, period.clone(), 3)).unwrap();
        let truncated = forecast(&mut then, settings(d, period, 3)).unwrap();
        assert!(!full.leaky, "{:?}", full.leak_reasons);
        assert!(full.team.p50.is_some());
        // The fan too: it has points still to come (so the equality below says something about them),
        // and they are the same to the bit.
        assert!(
            full.fan.iter().filter(|p| p.p50.is_some()).count() >= 2,
            "{:?}",
            full.fan
        );
        assert_eq!(
            full.fan, truncated.fan,
            "the later export leaked into the fan"
        );
        assert_eq!(
            full, truncated,
            "the later export leaked into the forecast as of {d}"
        );
    }
    // The later export does know more: the same request as of a later day differs.
    let later = forecast(&mut today, settings(day(2023, 4, 15), THIS_MONTH, 3)).unwrap();
    assert_ne!(later.team.closed, 0.0);
}

#[test]
fn the_same_seed_gives_the_same_forecast_and_another_seed_another_draw() {
    let deals = world(5, 15, 40.0, 0.7);
    let mut s = session(&deals, day(2023, 3, 31));
    let a = forecast(&mut s, settings(day(2023, 3, 10), THIS_MONTH, 1)).unwrap();
    let b = forecast(&mut s, settings(day(2023, 3, 10), THIS_MONTH, 1)).unwrap();
    let c = forecast(&mut s, settings(day(2023, 3, 10), THIS_MONTH, 2)).unwrap();
    assert_eq!(a, b);
    assert_ne!(a.team.p50, c.team.p50);
    // Team draws are sums of the reps' draws: the team's mean is the sum of the reps' means.
    let reps: f64 = a.reps.iter().map(|r| r.mean.unwrap_or(0.0)).sum();
    let with_distribution = a.reps.iter().all(|r| r.distribution);
    if with_distribution {
        assert!((a.team.mean.unwrap() - reps).abs() < 1e-6 * reps.max(1.0));
    }
    // Ranges are ordered and include what is already closed.
    let t = &a.team;
    assert!(
        t.closed <= t.p10.unwrap()
            && t.p10 <= t.p25
            && t.p25 <= t.p50
            && t.p50 <= t.p75
            && t.p75 <= t.p90
    );
    assert!(t.chance_of_quota.is_some_and(|c| (0.0..=1.0).contains(&c)));
}

#[test]
fn in_a_world_where_the_truth_is_known_the_p10_p90_range_covers_about_four_periods_in_five() {
    let deals = world(2024, 30, 45.0, 0.7);
    let mut s = session(&deals, day(2024, 6, 30));
    let report = backtest(&mut s, day(2024, 6, 30), Grain::Month);
    let model = report.methods.iter().find(|m| m.name == "model").unwrap();
    let coverage = model.interval_coverage.unwrap();
    eprintln!(
        "synthetic world: {} origins in {} months, model WAPE {:?}, bias {:?}, P10–P90 coverage {coverage:.2}",
        report.origins, report.periods, model.wape, model.bias
    );
    assert!(report.periods >= 20, "{}", report.periods);
    assert!((0.6..=0.97).contains(&coverage), "coverage {coverage}");
    assert!(model.bias.unwrap().abs() < 0.25, "bias {:?}", model.bias);
    // Every baseline is scored beside the model; seasonal naive only once 13 months are known.
    for name in [
        "naive",
        "pace",
        "seasonal_naive",
        "lag_quarter",
        "crm_weighted",
        "commit",
        "commit_best_case",
    ] {
        let m = report
            .methods
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("{name}"));
        assert!(m.baseline && m.interval_coverage.is_none(), "{name}");
        assert!(m.wape.is_some(), "{name} has no score");
    }
    let b = &report.deal_brier;
    assert!(b.model.unwrap() < b.crm_probability.unwrap(), "{b:?}");
    // Calibration: ten bands holding every scored deal once; where a band has many deals, what was won
    // is near what was predicted (the process is known, so the model should be close).
    let bands = &report.calibration;
    assert_eq!(bands.len(), 10);
    assert_eq!(bands.iter().map(|b| b.deals).sum::<u64>(), b.all_deals);
    assert!(b.all_deals > 0);
    for band in bands {
        assert!(band.from < band.to);
        match (band.deals, band.predicted, band.actual) {
            (0, None, None) => {}
            (n, Some(p), Some(a)) if n > 0 => {
                assert!((band.from..=band.to).contains(&p), "{band:?}");
                if n >= 200 {
                    assert!((p - a).abs() < 0.15, "miscalibrated band {band:?}");
                }
            }
            _ => panic!("band inconsistent: {band:?}"),
        }
    }
}

#[test]
fn small_data_is_said_not_hidden() {
    // Eight months of twelve deals: under a hundred closed deals by the as-of day.
    let deals = world(9, 8, 12.0, 0.7);
    let mut s = session(&deals, day(2022, 8, 31));
    let report = forecast(&mut s, settings(day(2022, 8, 10), THIS_MONTH, 1)).unwrap();
    assert!(report.limited_history);
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.starts_with("Limited history")),
        "{:?}",
        report.notes
    );
    for rep in &report.reps {
        assert_eq!(rep.distribution, rep.open_deals >= 5, "{}", rep.rep);
        if !rep.distribution {
            assert_eq!(
                (rep.p10, rep.p50, rep.p90, rep.chance_of_quota),
                (None, None, None, None)
            );
        }
    }
    assert!(
        report.reps.iter().any(|r| !r.distribution),
        "every rep has five open deals"
    );
}

#[test]
fn bad_input_gets_a_clear_message_never_a_panic() {
    let deals = world(3, 12, 30.0, 0.7);
    let mut s = session(&deals, day(2022, 12, 31));
    // Before any deal has closed.
    let early = forecast(&mut s, settings(day(2022, 1, 3), THIS_MONTH, 1));
    assert!(
        matches!(early, Err(EngineError::NoClosedDeals { .. })),
        "{early:?}"
    );
    // A period that has no days left: the range is what was booked.
    let named = ForecastPeriod::Named {
        spec: PeriodSpec::Month {
            year: 2022,
            month: 6,
        },
    };
    let over = forecast(&mut s, settings(day(2022, 9, 1), named, 1)).unwrap();
    assert_eq!(over.team.p50, Some(over.team.closed));
    assert_eq!(over.team.p10, over.team.p90);
    assert!(
        over.notes.iter().any(|n| n.contains("ended")),
        "{:?}",
        over.notes
    );
    // Draws out of range.
    let mut zero = settings(day(2022, 9, 1), THIS_MONTH, 1);
    zero.draws = 0;
    assert!(matches!(
        forecast(&mut s, zero),
        Err(EngineError::BadDraws { .. })
    ));
    // No deals at all.
    let mut empty = Session::new();
    assert!(forecast(&mut empty, settings(day(2022, 9, 1), THIS_MONTH, 1)).is_err());
    // Periods the forecast does not know.
    assert!(ForecastPeriod::parse("2023").is_err());
    assert!(ForecastPeriod::parse("next-month").is_ok());
}

#[test]
fn a_forecast_is_a_sliced_task_that_reports_progress_and_stops_on_cancel() {
    use pipelens::engine::protocol::{Cancel, Envelope, Reply, Request};
    let deals = world(4, 14, 30.0, 0.7);
    let mut s = session(&deals, day(2023, 2, 28));
    let mut job = s.begin(Envelope::new(
        90,
        Request::Forecast(Forecast {
            settings: Box::new(settings(day(2023, 2, 14), THIS_MONTH, 1)),
        }),
    ));
    let mut progress = Vec::new();
    for _ in 0..4 {
        match s.step(&mut job).body {
            Reply::Progress { progress: p } => progress.push((p.done, p.total)),
            other => panic!("finished too soon: {other:?}"),
        }
    }
    assert!(
        progress.windows(2).all(|w| w[0].0 <= w[1].0),
        "{progress:?}"
    );
    assert!(
        progress.last().unwrap().1 > 10,
        "too few slices: {progress:?}"
    );
    let mut cancel = s.begin(Envelope::new(
        91,
        Request::Cancel(Cancel { request_id: 90 }),
    ));
    s.step(&mut cancel);
    assert!(matches!(
        s.step(&mut job).body,
        Reply::Failed {
            error: EngineError::Cancelled { .. },
            ..
        }
    ));
}

fn shared_dir(test: &str, name: &str) -> Option<std::path::PathBuf> {
    let dir = support::shared_data(test)?.join("real").join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("PIPELENS_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!(
            "{test}: {} is missing and PIPELENS_REQUIRE_SHARED=1",
            dir.display()
        );
    }
    eprintln!("skipping: ../shared/data/real/{name} not found");
    None
}

fn csvs(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    paths.sort();
    paths
}

/// The real LATAM org backup, monthly, at the rates the issue states (USD 1; MXN 17.70, COP 4325, PEN 3.74
/// per USD). The scores are printed; the assertion only guards the shape and keeps the model within a
/// quarter of the best baseline from week 3 (the closing note has the figures).
#[test]
fn the_latam_backtest_scores_the_model_beside_every_baseline() {
    let Some(dir) = shared_dir("latam backtest", "salesforce-export-latam") else {
        return;
    };
    let mut s = support::session_of_paths(&csvs(&dir), &Default::default());
    let mut metrics = MetricSettings::default();
    metrics.money.rates = pipelens::engine::metrics::money::Money::parse_rates(
        "currency,rate\nMXN,0.05649717514\nCOP,0.00023121387\nPEN,0.26737967914\n",
    )
    .unwrap();
    let Backtested { report } = s
        .ask(Backtest {
            settings: Box::new(BacktestSettings {
                metrics,
                grain: Grain::Month,
                seed: 42,
                draws: 2_000,
            }),
        })
        .unwrap();
    let late = |name: &str| {
        report
            .methods
            .iter()
            .find(|m| m.name == name)
            .and_then(|m| m.wape_from_week_3)
    };
    let model = late("model").unwrap();
    let best = ["naive", "pace", "commit", "crm_weighted"]
        .iter()
        .filter_map(|n| late(n))
        .fold(f64::INFINITY, f64::min);
    eprintln!(
        "LATAM monthly from week 3: model WAPE {model:.3}, best baseline {best:.3}; {} origins, {} months",
        report.origins, report.periods
    );
    assert!(report.periods >= 6);
    assert!(
        model <= best * 1.25,
        "model {model} vs best baseline {best}"
    );
    let m = report.methods.iter().find(|m| m.name == "model").unwrap();
    assert!(m.interval_coverage.is_some());
    assert!(
        report
            .methods
            .iter()
            .find(|m| m.name == "seasonal_naive")
            .unwrap()
            .wape
            .is_none(),
        "under 13 months: no seasonal naive"
    );
}

/// Maven's synthetic CRM has no history: every origin is labelled leaky, and still scored.
#[test]
fn maven_runs_labelled_leaky() {
    let Some(dir) = shared_dir("maven backtest", "maven-crm-sales-opportunities") else {
        return;
    };
    let mut s = support::session_of_paths(&csvs(&dir), &Default::default());
    let Backtested { report } = s
        .ask(Backtest {
            settings: Box::new(BacktestSettings {
                grain: Grain::Month,
                ..BacktestSettings::default()
            }),
        })
        .unwrap();
    assert!(report.leaky);
    assert!(report.origins > 0);
    let model = report.methods.iter().find(|m| m.name == "model").unwrap();
    eprintln!(
        "Maven monthly: model WAPE {:?}, lag_quarter {:?}",
        model.wape,
        report
            .methods
            .iter()
            .find(|m| m.name == "lag_quarter")
            .unwrap()
            .wape
    );
    assert!(model.wape.is_some());
}

/// The forecast call's flags: a Commit deal is at risk for a reason it states (the model well below the CRM,
/// pushed twice, quiet for two weeks); upside is a Pipeline or Best Case deal the model rates likely.
#[test]
fn commit_at_risk_and_upside_say_why() {
    use pipelens::engine::forecast::task::{AT_RISK_POINTS, AT_RISK_PUSHES, UPSIDE_CHANCE};
    let mut deals = world(21, 18, 60.0, 0.7);
    // A Commit deal whose close date was pushed three times, still open and closing this month.
    let e = |on: NaiveDate,
             stage: &'static str,
             probability,
             category: &'static str,
             close: NaiveDate| Event {
        day: on,
        stage,
        amount: 20_000.0,
        close,
        probability,
        category,
    };
    deals.push(Deal {
        id: "006999999999".to_owned(),
        owner: "0051",
        created: day(2023, 3, 1),
        events: vec![
            e(
                day(2023, 3, 1),
                "Prospecting",
                10,
                "Pipeline",
                day(2023, 4, 15),
            ),
            e(day(2023, 3, 20), "Proposal", 60, "Commit", day(2023, 4, 15)),
            e(day(2023, 4, 14), "Proposal", 60, "Commit", day(2023, 5, 10)),
            e(day(2023, 5, 9), "Proposal", 60, "Commit", day(2023, 5, 31)),
            e(day(2023, 5, 30), "Proposal", 60, "Commit", day(2023, 6, 20)),
        ],
    });
    let mut s = session(&deals, day(2023, 6, 30));
    let report = forecast(&mut s, settings(day(2023, 6, 12), THIS_MONTH, 1)).unwrap();
    let mut commits = 0;
    let mut at_risk = 0;
    for d in &report.deals {
        let flagged = d.flags.iter().any(|f| f == "commit_at_risk");
        assert_eq!(flagged, !d.at_risk.is_empty(), "{}", d.id);
        let below = d
            .crm_probability
            .is_some_and(|c| d.model_probability < c - AT_RISK_POINTS);
        let quiet = d.days_since_activity.is_some_and(|n| n > 14);
        let commit = d.category == "Commit";
        commits += usize::from(commit);
        at_risk += usize::from(flagged);
        assert_eq!(
            flagged,
            commit && (below || d.push_count >= AT_RISK_PUSHES || quiet),
            "{}: {:?}",
            d.id,
            d.at_risk
        );
        let upside = matches!(d.category.as_str(), "Pipeline" | "Best Case")
            && d.model_probability >= UPSIDE_CHANCE;
        assert_eq!(d.flags.iter().any(|f| f == "upside"), upside, "{}", d.id);
    }
    eprintln!(
        "{} deals, {commits} Commit, {at_risk} at risk",
        report.deals.len()
    );
    assert!(commits > 0, "no Commit deal to judge");
    let pushed = report
        .deals
        .iter()
        .find(|d| d.id == "006999999999")
        .unwrap();
    assert!(
        pushed.flags.iter().any(|f| f == "commit_at_risk"),
        "{pushed:?}"
    );
    assert!(
        pushed.at_risk.iter().any(|r| r.contains("pushed 3 times")),
        "{:?}",
        pushed.at_risk
    );
}

/// An export of "open deals, and deals closed since a day" (a report filtered on close date, or a CRM whose
/// earlier closes were never imported) holds deals created months before that day but none of the closes
/// before it. The quarter holding the first close is then only partly booked, and a model fitted in it sees
/// nothing close: scoring it says nothing about the model, and its misses taught the shock of later origins
/// (on the demo, whose export has this shape, Q2's origins under-forecast by nine tenths and Q3's were
/// multiplied by e^1.98: the backtest's bias was +0.45). The backtest starts after that quarter.
#[test]
fn an_export_without_the_closes_before_a_day_does_not_teach_the_shock() {
    let cut = day(2022, 11, 10);
    let deals: Vec<Deal> = world(2024, 30, 45.0, 0.7)
        .into_iter()
        .filter(|d| {
            d.events
                .last()
                .is_none_or(|e| !e.stage.starts_with("Closed") || e.day >= cut)
        })
        .collect();
    // Deals created in the quarter before the first close are in the export.
    assert!(deals.iter().any(|d| d.created < day(2022, 10, 1)));
    let mut s = session(&deals, day(2024, 6, 30));
    let report = backtest(&mut s, day(2024, 6, 30), Grain::Quarter);
    let model = report.methods.iter().find(|m| m.name == "model").unwrap();
    eprintln!(
        "closes from {cut}: {} origins in {} quarters, model WAPE {:?}, bias {:?}, coverage {:?}",
        report.origins, report.periods, model.wape, model.bias, model.interval_coverage
    );
    assert!(
        report.rows.iter().all(|r| r.period_start > cut),
        "the quarter of the first close was scored"
    );
    assert!(report.periods >= 5, "{}", report.periods);
    assert!(model.bias.unwrap().abs() < 0.25, "bias {:?}", model.bias);
}

/// The fan: booked by week up to the as-of day (its last point is the team's closed, exactly), then the
/// range of bookings by each later week, ordered, ending on the period's own range; days strictly
/// increase; a period that has ended has no range, one still to come no bookings.
#[test]
fn the_fan_books_to_date_then_ranges_to_the_period_end() {
    let deals = world(8, 18, 40.0, 0.7);
    let mut s = session(&deals, day(2023, 6, 30));
    let as_of = day(2023, 5, 10);
    let quarter = ForecastPeriod::Relative {
        grain: Grain::Quarter,
        ahead: 0,
    };
    let report = forecast(&mut s, settings(as_of, quarter, 5)).unwrap();
    let fan = &report.fan;
    for p in fan {
        eprintln!(
            "{} booked {:?} p10 {:?} p50 {:?} p90 {:?}",
            p.day, p.booked, p.p10, p.p50, p.p90
        );
    }
    assert_eq!(fan.first().unwrap().day, report.period.start);
    assert_eq!(fan.last().unwrap().day, report.period.end);
    assert!(fan.windows(2).all(|w| w[0].day < w[1].day), "{fan:?}");
    let (past, future): (Vec<_>, Vec<_>) = fan.iter().partition(|p| p.day <= as_of);
    // 2023-04-01, 08, 15, 22, 29, 05-06 and the as-of day; then 05-13 … 06-24 and the end.
    assert_eq!(past.len(), 7, "{past:?}");
    assert_eq!(future.len(), 8, "{future:?}");
    for p in &past {
        assert!(
            p.booked.is_some() && p.p10.is_none() && p.p90.is_none(),
            "{p:?}"
        );
    }
    assert!(
        past.windows(2).all(|w| w[0].booked <= w[1].booked),
        "amounts are positive here: {past:?}"
    );
    let at = past.last().unwrap();
    assert_eq!(at.day, as_of);
    assert_eq!(at.booked, Some(report.team.closed));
    for p in &future {
        assert!(p.booked.is_none(), "{p:?}");
        let q = [p.p10, p.p25, p.p50, p.p75, p.p90].map(|q| q.unwrap());
        assert!(q.windows(2).all(|w| w[0] <= w[1]), "{p:?}");
        assert!(q[0] >= report.team.closed - 1e-6, "{p:?}");
    }
    let end = future.last().unwrap();
    let t = &report.team;
    assert_eq!(
        (end.p10, end.p25, end.p50, end.p75, end.p90),
        (t.p10, t.p25, t.p50, t.p75, t.p90)
    );
    // Cut short, the period books less: a week after the as-of day is well under the end.
    assert!(
        future[0].p50.unwrap() < end.p50.unwrap(),
        "{:?} against {:?}",
        future[0],
        end
    );
    // A period that has ended: booked week by week to its end, no range.
    let ended = forecast(
        &mut s,
        settings(as_of, ForecastPeriod::parse("2023-03").unwrap(), 5),
    )
    .unwrap();
    assert!(
        ended
            .fan
            .iter()
            .all(|p| p.p50.is_none() && p.booked.is_some())
    );
    assert_eq!(ended.fan.last().unwrap().day, ended.period.end);
    assert_eq!(ended.fan.last().unwrap().booked, Some(ended.team.closed));
    // A period still to come: nothing booked yet, a range at every point.
    let next = forecast(
        &mut s,
        settings(
            as_of,
            ForecastPeriod::Relative {
                grain: Grain::Month,
                ahead: 1,
            },
            5,
        ),
    )
    .unwrap();
    assert!(
        next.fan
            .iter()
            .all(|p| p.booked.is_none() && p.p50.is_some())
    );
    assert_eq!(next.fan.first().unwrap().day, next.period.start);
}

/// The task's progress counts the fan's future weeks: it ends with done equal to steps, never above.
#[test]
fn the_fans_weeks_are_steps_of_the_task() {
    use pipelens::engine::forecast::ForecastTask;
    let deals = world(8, 14, 30.0, 0.7);
    let mut s = session(&deals, day(2023, 2, 28));
    let model = s.model().unwrap();
    let mut task = ForecastTask::new(settings(day(2023, 1, 3), THIS_MONTH, 1));
    let mut seen = Vec::new();
    let report = loop {
        let step = task.step(model).unwrap();
        assert!(
            task.done() <= task.steps(),
            "{} of {}",
            task.done(),
            task.steps()
        );
        seen.push((task.done(), task.steps()));
        if let Some(report) = step {
            break report;
        }
    };
    assert_eq!(task.done(), task.steps(), "{seen:?}");
    assert_eq!(seen.len(), task.steps(), "one call per step: {seen:?}");
    // January 2023 as of the 3rd: the 8th, 15th, 22nd and 29th still to come, then the end.
    let future = report.fan.iter().filter(|p| p.p50.is_some()).count();
    assert_eq!(future, 5, "{:?}", report.fan);
}

/// Each listed deal says why in two to four sentences: its stage's share won at its age with the count
/// behind it (the numbers in the fields), then its own: pushes, quiet days, its close date.
#[test]
fn a_deals_why_names_its_stage_the_count_and_its_pushes() {
    let mut deals = world(21, 18, 60.0, 0.7);
    let e = |on: NaiveDate, close: NaiveDate| Event {
        day: on,
        stage: "Proposal",
        amount: 20_000.0,
        close,
        probability: 60,
        category: "Commit",
    };
    deals.push(Deal {
        id: "006999999998".to_owned(),
        owner: "0052",
        created: day(2023, 3, 1),
        events: vec![
            e(day(2023, 3, 1), day(2023, 4, 15)),
            e(day(2023, 4, 14), day(2023, 5, 10)),
            e(day(2023, 5, 9), day(2023, 6, 25)),
        ],
    });
    let mut s = session(&deals, day(2023, 6, 30));
    let report = forecast(&mut s, settings(day(2023, 6, 12), THIS_MONTH, 1)).unwrap();
    assert!(report.deals.len() > 10);
    for d in &report.deals {
        assert!((2..=4).contains(&d.why.len()), "{}: {:?}", d.id, d.why);
        let first = &d.why[0];
        assert!(first.contains(&d.stage), "{}: {first}", d.id);
        let rate = d
            .stage_win_rate
            .unwrap_or_else(|| panic!("{}: {first}", d.id));
        assert!((0.0..=1.0).contains(&rate));
        assert!(d.stage_win_deals > 0);
        assert!(
            first.contains(&format!("Of {} earlier deals", d.stage_win_deals)),
            "{}: {first}",
            d.id
        );
        assert!(first.contains(&format!("{:.0}%", rate * 100.0)), "{first}");
        // When the model's chance shows differently from the cell's own share, the why says so.
        let differs =
            format!("{:.0}", rate * 100.0) != format!("{:.0}", d.model_probability * 100.0);
        assert_eq!(
            differs,
            d.why.iter().any(|w| w.starts_with(&format!(
                "The model gives it {:.0}%",
                d.model_probability * 100.0
            ))),
            "{}: {:?}",
            d.id,
            d.why
        );
        if d.push_count == 0 {
            assert!(
                !d.why.iter().any(|w| w.starts_with("Pushed")),
                "{:?}",
                d.why
            );
        }
    }
    let pushed = report
        .deals
        .iter()
        .find(|d| d.id == "006999999998")
        .unwrap();
    eprintln!("{:#?}", pushed.why);
    eprintln!("{:#?}", report.deals[0].why);
    assert_eq!(pushed.push_count, 2);
    assert!(
        pushed.why.iter().any(|w| w == "Pushed twice."),
        "{:?}",
        pushed.why
    );
    assert!(
        pushed.why[0].contains(" earlier deals in Proposal"),
        "{:?}",
        pushed.why
    );
}

/// WinModel::explain walks the same cells as the chance: its last step is the chance, to the bit.
#[test]
fn the_explained_cells_end_at_the_models_chance() {
    use pipelens::engine::forecast::asof::Timeline;
    use pipelens::engine::forecast::rates::{Features, WinModel, Window};
    let deals = world(3, 18, 50.0, 0.7);
    let mut s = session(&deals, day(2023, 6, 30));
    let model = s.model().unwrap();
    let metrics = MetricSettings::default();
    let scope = vec![true; model.deals.len()];
    let timeline = Timeline::new(model, &metrics, &scope);
    let origin = day(2023, 5, 20);
    let window = Window { from: 0, to: 41 };
    let win = WinModel::fit(&timeline, origin, window);
    let mut checked = 0;
    for &deal in &timeline.deals {
        if !timeline.open_on(deal, origin) {
            continue;
        }
        let f = Features::of(&timeline.at(deal, origin), origin, window, win.median_won);
        let age = (origin - timeline.created_on[deal as usize].unwrap()).num_days();
        let cells = win.explain(&f, age);
        let last = cells.last().map_or(0.0, |c| c.shrunk.clamp(0.0, 1.0));
        assert_eq!(last, win.probability(&f, age));
        assert!(cells.windows(2).all(|w| w[0].level < w[1].level));
        checked += 1;
    }
    assert!(checked > 20, "{checked}");
}

/// New deals over a period cut short count over earlier periods cut the same days in: more the later the
/// cut, fewer than over the whole period, and none when the cut ends on the window's first day (nothing is
/// created and won that fast in this world).
#[test]
fn new_deals_of_a_period_cut_short_count_the_same_days_of_earlier_periods() {
    use pipelens::engine::forecast::asof::Timeline;
    use pipelens::engine::forecast::fresh::Fresh;
    use pipelens::engine::metrics::period::DateRange;
    let deals = world(6, 18, 60.0, 0.7);
    let mut s = session(&deals, day(2023, 6, 30));
    let model = s.model().unwrap();
    let metrics = MetricSettings::default();
    let scope = vec![true; model.deals.len()];
    let timeline = Timeline::new(model, &metrics, &scope);
    let calendar = &metrics.calendar;
    let origin = day(2023, 4, 30);
    let fit = |end: NaiveDate| {
        let f = Fresh::fit(
            &timeline,
            calendar,
            Grain::Quarter,
            DateRange::new(day(2023, 4, 1), end),
            day(2023, 5, 1),
            origin,
        );
        f.reps.values().map(|r| r.rate).sum::<f64>()
    };
    let whole = fit(day(2023, 6, 30));
    let cut: Vec<f64> = [
        day(2023, 5, 15),
        day(2023, 5, 31),
        day(2023, 6, 15),
        day(2023, 6, 29),
    ]
    .into_iter()
    .map(fit)
    .collect();
    eprintln!(
        "new deals expected: whole quarter {whole:.2}, cut at May 15, 31, June 15, 29: {cut:.2?}"
    );
    assert!(whole > 0.0);
    assert!(cut.windows(2).all(|w| w[0] <= w[1]), "{cut:?}");
    assert!(cut[2] < whole, "{cut:?} against {whole}");
    assert!(cut[3] <= whole, "{cut:?} against {whole}");
    assert_eq!(fit(day(2023, 5, 1)), 0.0);
}
