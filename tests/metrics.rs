//! Metrics, part 1: every metric checked against numbers computed by hand, properties that must hold for any
//! data, and the real exports against independent computations written here (not through the engine).

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use pipelens::engine::ingest::ImportOptions;
use pipelens::engine::metrics::compute::{MetricSettings, MetricsReport, RepMetrics, compute};
use pipelens::engine::metrics::money::Money;
use pipelens::engine::metrics::period::PeriodSpec;
use pipelens::engine::model::{Kind, KindChoice, ModelSettings};
use pipelens::engine::protocol::{ImportFile, Overview, Summary};
use pipelens::engine::session::Session;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn load(paths: &[&Path], settings: ModelSettings) -> Session {
    support::session_of_paths(paths, &settings)
}

fn team_fixture() -> Session {
    team_with_quotas(&support::fixture("metrics/team").join("quotas.csv"))
}

/// The team's deals with the quota file at `quotas` (read as quotas whatever its name).
fn team_with_quotas(quotas: &Path) -> Session {
    let dir = support::fixture("metrics/team");
    load(
        &[&dir.join("deals.csv"), quotas],
        ModelSettings {
            kinds: vec![KindChoice {
                file: Some(quotas.file_name().unwrap().to_string_lossy().into_owned()),
                kind: Kind::Quotas,
            }],
            ..ModelSettings::default()
        },
    )
}

fn q1() -> MetricSettings {
    MetricSettings {
        period: PeriodSpec::Quarter {
            year: 2026,
            quarter: 1,
        },
        as_of: Some(d(2026, 3, 31)),
        ..MetricSettings::default()
    }
}

fn run(session: &mut Session, settings: &MetricSettings) -> MetricsReport {
    compute(session.model().unwrap(), settings).unwrap()
}

fn rep<'a>(report: &'a MetricsReport, name: &str) -> &'a RepMetrics {
    report
        .reps
        .iter()
        .find(|r| r.rep == name)
        .unwrap_or_else(|| panic!("no rep {name}"))
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

/// Every number below was worked out by hand from tests/fixtures/metrics/team/deals.csv.
#[test]
fn every_metric_matches_the_hand_computed_values() {
    let mut session = team_fixture();
    let report = run(&mut session, &q1());
    assert_eq!(
        (report.period.start, report.period.end),
        (d(2026, 1, 1), d(2026, 3, 31))
    );
    let ana = rep(&report, "Ana Alves");
    // Won in Q1: D1 (1,000), D2 (3,000), D6 (0). Lost: D3 (competitor). D4 is a duplicate: disqualified.
    assert_eq!(
        (ana.deals_won, ana.deals_lost, ana.deals_disqualified),
        (3, 1, 1)
    );
    assert_eq!(ana.bookings, Some(4000.0));
    assert_eq!((ana.win_rate, ana.win_rate_n), (Some(0.75), 4));
    assert!(close(ana.win_rate_by_value, 4000.0 / 6000.0));
    // Deal size counts amounts above zero only: mean of 1,000 and 3,000; lower median 1,000.
    assert_eq!(
        (ana.avg_deal_size, ana.median_deal_size),
        (Some(2000.0), Some(1000.0))
    );
    // Cycles of the won deals: 30, 40, 28 days → median 30. D3 took 60 days to lose.
    assert_eq!(
        (ana.sales_cycle_median_days, ana.time_to_lose_median_days),
        (Some(30.0), Some(60.0))
    );
    // Created in Q1: D1–D6. Five of six have closed (83% < 90%): no cohort win rate yet.
    assert_eq!(ana.opps_created, 6);
    assert_eq!(ana.opps_created_value, Some(13500.0));
    assert_eq!(ana.win_rate_cohort, None);
    assert!(close(ana.cohort_closed_share, 5.0 / 6.0));
    assert_eq!((ana.quota, ana.attainment), (Some(8000.0), Some(0.5)));

    let bo = rep(&report, "Bo Berg");
    // D7 won on the quarter's last day; D9 closed on 2 April, outside Q1. D8 lost for no budget (no decision).
    assert_eq!((bo.deals_won, bo.deals_lost), (1, 1));
    assert_eq!((bo.bookings, bo.win_rate), (Some(5000.0), Some(0.5)));
    assert!(close(bo.win_rate_by_value, 5000.0 / 6000.0));
    assert_eq!(
        (bo.sales_cycle_median_days, bo.time_to_lose_median_days),
        (Some(120.0), Some(30.0))
    );
    // Created in Q1: D8 (closed) and D9 (closed after the as-of date): half closed, no cohort rate.
    assert_eq!(bo.opps_created, 2);
    assert_eq!(bo.win_rate_cohort, None);
    assert_eq!((bo.quota, bo.attainment), (Some(10000.0), Some(0.5)));
    // Sales velocity is its levers: 2 opportunities × 50% × 5,000 ÷ 120 days.
    assert!(close(bo.velocity.per_day, 2.0 * 0.5 * 5000.0 / 120.0));

    let team = &report.team;
    assert_eq!(
        (team.deals_won, team.deals_lost, team.bookings),
        (4, 2, Some(9000.0))
    );
    assert!(close(team.win_rate, 4.0 / 6.0));
    assert_eq!((team.quota, team.attainment), (Some(18000.0), Some(0.5)));
    // Team medians over the two reps (lower median of two: the smaller).
    assert_eq!(report.team_median.win_rate, Some(0.5));
    assert_eq!(report.team_median.bookings, Some(4000.0));
    // Reconciliation: of the 5 won deals in the file, D9 closed outside the period.
    let won = &report.reconciliation[0];
    assert_eq!((won.in_files, won.counted), (5, 4));
    assert_eq!(
        won.removed,
        vec![("closed outside the period".to_owned(), 1)]
    );
    let lost = &report.reconciliation[1];
    assert_eq!(
        lost.removed,
        vec![(
            "disqualified (or no decision, as set), not counted as lost".to_owned(),
            1
        )]
    );
}

#[test]
fn the_summary_lists_each_lost_reason_with_its_deals_for_the_editable_table() {
    let mut session = team_fixture();
    let Overview { model, .. } = session.ask(Summary {}).unwrap();
    let reasons: Vec<(&str, u64)> = model
        .lost_reasons
        .iter()
        .map(|r| (r.reason.as_str(), r.deals))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("Duplicate", 1),
            ("No budget", 1),
            ("Went with competitor", 1)
        ]
    );
}

#[test]
fn each_lost_reason_in_the_summary_carries_the_category_its_words_give() {
    use pipelens::engine::metrics::compute::LostCategory;
    let mut session = team_fixture();
    let Overview { model, .. } = session.ask(Summary {}).unwrap();
    let categories: Vec<(&str, LostCategory)> = model
        .lost_reasons
        .iter()
        .map(|r| (r.reason.as_str(), r.default_category))
        .collect();
    assert_eq!(
        categories,
        vec![
            ("Duplicate", LostCategory::Disqualified),
            ("No budget", LostCategory::NoDecision),
            ("Went with competitor", LostCategory::Competitive)
        ]
    );
}

/// Regression: with quotas for only some reps, the team's attainment divided everyone's bookings by part of
/// the quota (827% on the demo team with one typed quota).
#[test]
fn team_attainment_with_quotas_for_some_reps_counts_only_their_bookings() {
    let quotas = std::env::temp_dir().join(format!(
        "pipelens-partial-quotas-{}.csv",
        std::process::id()
    ));
    std::fs::write(
        &quotas,
        "rep,period,amount,currency\nAna Alves,2026-Q1,8000,USD\n",
    )
    .unwrap();
    let mut session = team_with_quotas(&quotas);
    let _ = std::fs::remove_file(&quotas);
    let report = run(&mut session, &q1());
    let bo = rep(&report, "Bo Berg");
    assert_eq!((bo.quota, bo.attainment), (None, None));
    assert!(bo.bookings.is_some_and(|b| b > 0.0));
    // Ana booked 4,000 of her 8,000; Bo's bookings are not set against her quota.
    assert_eq!(
        (report.team.quota, report.team.attainment),
        (Some(8000.0), Some(0.5))
    );
    assert!(
        report
            .assumptions
            .iter()
            .any(|a| a.starts_with("Team attainment and pacing count the 1 reps with a quota")),
        "{:#?}",
        report.assumptions
    );
}

#[test]
fn variants_change_what_they_say_they_change() {
    let mut session = team_fixture();
    let settings = MetricSettings {
        no_decision_is_lost: false,
        ..q1()
    };
    let report = run(&mut session, &settings);
    assert_eq!(
        rep(&report, "Bo Berg").win_rate,
        Some(1.0),
        "no-decision losses left out"
    );
    // A half-month period: Ana's 8,000 quarterly quota prorates by days (15 of 90).
    let settings = MetricSettings {
        period: PeriodSpec::Custom {
            start: d(2026, 1, 1),
            end: d(2026, 1, 15),
        },
        as_of: Some(d(2026, 3, 31)),
        ..MetricSettings::default()
    };
    let report = run(&mut session, &settings);
    assert!(close(
        rep(&report, "Ana Alves").quota,
        (8000.0f64 * 15.0 / 90.0 * 100.0).round() / 100.0
    ));
    // A cohort that has fully closed: Bo's deals created in January (D8) all closed → 0 of 1 won.
    let settings = MetricSettings {
        period: PeriodSpec::Month {
            year: 2026,
            month: 1,
        },
        as_of: Some(d(2026, 3, 31)),
        ..MetricSettings::default()
    };
    let report = run(&mut session, &settings);
    assert_eq!(rep(&report, "Bo Berg").win_rate_cohort, Some(0.0));
    // Pacing mid-quarter with no past quarters to learn from is straight-line and says so.
    let settings = MetricSettings {
        period: PeriodSpec::ThisQuarter,
        as_of: Some(d(2026, 2, 13)),
        ..MetricSettings::default()
    };
    let report = run(&mut session, &settings);
    assert!(
        report
            .assumptions
            .iter()
            .any(|a| a.contains("straight-line")),
        "{:?}",
        report.assumptions
    );
    let ana = rep(&report, "Ana Alves");
    assert!(ana.pacing.is_some() && ana.attainment.is_some());
    // Scope: renewals only.
    let settings = MetricSettings {
        scope: pipelens::engine::metrics::compute::Scope {
            deal_types: vec![pipelens::engine::metrics::compute::DealType::Renewal],
            ..Default::default()
        },
        ..q1()
    };
    let report = run(&mut session, &settings);
    assert_eq!(report.team.deals_won, 2, "D6 and D7 are renewals");
    assert!(
        report.reconciliation[0]
            .removed
            .iter()
            .any(|(why, n)| why.starts_with("outside the scope") && *n == 3)
    );
}

#[test]
fn stage_floor_needs_history_and_counts_lost_deals_that_got_that_far() {
    let dir = support::fixture("model/salesforce-api");
    let paths: Vec<_> = ["Opportunity.csv", "OpportunityHistory.csv", "User.csv"]
        .iter()
        .map(|f| dir.join(f))
        .collect();
    let refs: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
    let mut session = load(&refs, ModelSettings::default());
    let settings = MetricSettings {
        stage_floor: Some("Proposal".into()),
        as_of: Some(d(2026, 3, 31)),
        ..MetricSettings::default()
    };
    let report = run(&mut session, &settings);
    // Acme (won) counts; Globex was lost from Qualification, before Proposal: it does not.
    assert_eq!(
        (
            report.team.win_rate_stage_floor,
            report.team.win_rate_stage_floor_n
        ),
        (Some(1.0), 1)
    );
    assert_eq!(report.team.win_rate, Some(0.5));
    // From qualification: Acme entered Qualification on 2025-12-01 and closed (history) on 2026-02-08.
    assert_eq!(
        report.team.sales_cycle_from_qualified_median_days,
        Some(69.0)
    );
}

#[test]
fn ramping_reps_carry_part_of_their_quota() {
    let dir = support::fixture("metrics/team");
    let teams = std::env::temp_dir().join(format!("pipelens-teams-{}.csv", std::process::id()));
    std::fs::write(&teams, "rep,manager,team,start date\nAna Alves,Kim Park,East,2026-02-01\nBo Berg,Kim Park,East,2024-01-01\n").unwrap();
    let mut session = load(
        &[&dir.join("deals.csv"), &dir.join("quotas.csv"), &teams],
        ModelSettings {
            kinds: vec![KindChoice {
                file: Some("quotas.csv".into()),
                kind: Kind::Quotas,
            }],
            ..ModelSettings::default()
        },
    );
    std::fs::remove_file(&teams).ok();
    let mut settings = q1();
    settings.ramp = vec![0.5];
    let report = run(&mut session, &settings);
    // Ana starts on 1 February: January carries nothing, February half (28 days), March all (31 days).
    assert!(close(
        rep(&report, "Ana Alves").quota,
        (8000.0f64 * (14.0 + 31.0) / 90.0 * 100.0).round() / 100.0
    ));
    assert_eq!(
        rep(&report, "Bo Berg").quota,
        Some(10000.0),
        "a rep who started long ago carries it all"
    );
    assert!(report.assumptions.iter().any(|a| a.contains("ramp")));
}

// ---- properties ----

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn deals_csv(rows: &[(u8, u8, u8, u8, u32)]) -> Vec<u8> {
        let mut text =
            String::from("Opportunity ID,Opportunity Owner,Amount,Created Date,Close Date,Stage\n");
        let stages = ["Closed Won", "Closed Lost", "Proposal"];
        for (i, (rep, stage, created_day, cycle, amount)) in rows.iter().enumerate() {
            let created = d(2026, 1, 1) + chrono::Days::new(u64::from(*created_day));
            let closed = created + chrono::Days::new(u64::from(*cycle));
            text.push_str(&format!(
                "X{i},Rep {},{amount},{},{},{}\n",
                rep % 4,
                created.format("%Y-%m-%d"),
                closed.format("%Y-%m-%d"),
                stages[*stage as usize % 3]
            ));
        }
        text.into_bytes()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        #[test]
        fn reps_sum_to_the_team_rates_stay_in_range_and_periods_split_cleanly(
            rows in proptest::collection::vec((0u8..8, 0u8..3, 0u8..180, 0u8..120, 0u32..100_000), 1..60)
        ) {
            let mut session = Session::new();
            session.ask(ImportFile { name: "d.csv".into(), bytes: deals_csv(&rows), options: ImportOptions::default() }).unwrap();
            let model = session.model().unwrap();
            let as_of = d(2026, 12, 31);
            let at = |period| compute(model, &MetricSettings { period, as_of: Some(as_of), ..MetricSettings::default() }).unwrap();
            let year = at(PeriodSpec::Year { year: 2026 });
            let sum = |f: fn(&RepMetrics) -> u64| year.reps.iter().map(f).sum::<u64>();
            prop_assert_eq!(sum(|r| r.deals_won), year.team.deals_won);
            prop_assert_eq!(sum(|r| r.deals_lost), year.team.deals_lost);
            prop_assert_eq!(sum(|r| r.opps_created), year.team.opps_created);
            let bookings: f64 = year.reps.iter().filter_map(|r| r.bookings).sum();
            prop_assert!((bookings - year.team.bookings.unwrap_or(0.0)).abs() < 1e-6);
            for r in year.reps.iter().chain([&year.team]) {
                for rate in [r.win_rate, r.win_rate_by_value, r.win_rate_cohort].into_iter().flatten() {
                    prop_assert!((0.0..=1.0).contains(&rate), "{rate}");
                }
                if r.win_rate_n == 0 { prop_assert!(r.win_rate.is_none()); }
            }
            let h1 = at(PeriodSpec::Custom { start: d(2026, 1, 1), end: d(2026, 6, 30) });
            let h2 = at(PeriodSpec::Custom { start: d(2026, 7, 1), end: d(2026, 12, 31) });
            prop_assert_eq!(h1.team.deals_won + h2.team.deals_won, year.team.deals_won);
            prop_assert_eq!(h1.team.deals_lost + h2.team.deals_lost, year.team.deals_lost);
            let split = h1.team.bookings.unwrap_or(0.0) + h2.team.bookings.unwrap_or(0.0);
            prop_assert!((split - year.team.bookings.unwrap_or(0.0)).abs() < 1e-6);
        }
    }
}

// ---- the real exports beside the repository ----

fn lower_median(mut v: Vec<i64>) -> Option<f64> {
    v.sort_unstable();
    v.get(v.len().checked_sub(1)? / 2).map(|x| *x as f64)
}

#[test]
fn maven_per_agent_metrics_equal_an_independent_computation() {
    let Some(shared) = support::shared_data("maven_metrics") else {
        return;
    };
    let dir = shared.join("real/maven-crm-sales-opportunities");
    let pipeline = dir.join("sales_pipeline.csv");
    let teams = dir.join("sales_teams.csv");
    let mut session = load(&[&pipeline, &teams], ModelSettings::default());
    let report = run(
        &mut session,
        &MetricSettings {
            period: PeriodSpec::All,
            ..MetricSettings::default()
        },
    );
    // Independently, from the CSV text: per agent, won / lost counts, won value, and won cycles.
    #[derive(Default)]
    struct Agent {
        won: u64,
        lost: u64,
        value: i64,
        sizes: Vec<i64>,
        cycles: Vec<i64>,
    }
    let mut agents: BTreeMap<String, Agent> = BTreeMap::new();
    let text = std::fs::read_to_string(&pipeline).unwrap();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let agent = agents.entry(c[1].to_owned()).or_default();
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        match c[4] {
            "Won" => {
                agent.won += 1;
                let value: i64 = c[7].parse().unwrap();
                agent.value += value;
                if value > 0 {
                    agent.sizes.push(value);
                }
                if let (Some(engage), Some(close)) = (date(c[5]), date(c[6])) {
                    agent.cycles.push((close - engage).num_days());
                }
            }
            "Lost" => agent.lost += 1,
            _ => {}
        }
    }
    assert_eq!(agents.len(), 30);
    for (name, a) in &agents {
        let r = rep(&report, name);
        assert_eq!((r.deals_won, r.deals_lost), (a.won, a.lost), "{name}");
        assert_eq!(r.bookings, Some(a.value as f64), "{name}");
        assert!(
            close(r.win_rate, a.won as f64 / (a.won + a.lost) as f64),
            "{name}"
        );
        let avg = a.sizes.iter().sum::<i64>() as f64 / a.sizes.len() as f64;
        assert!(
            close(r.avg_deal_size, avg),
            "{name}: {:?} vs {avg}",
            r.avg_deal_size
        );
        assert_eq!(
            r.sales_cycle_median_days,
            lower_median(a.cycles.clone()),
            "{name}"
        );
        assert!(
            r.team.is_some(),
            "{name} has an office from sales_teams.csv"
        );
    }
    // Mid-month, eight earlier months have bookings: pacing follows their curve, not a straight line.
    let settings = MetricSettings {
        period: PeriodSpec::ThisMonth,
        as_of: Some(d(2017, 11, 15)),
        ..MetricSettings::default()
    };
    let report = run(&mut session, &settings);
    assert!(
        report
            .assumptions
            .iter()
            .any(|a| a.contains("median of the last 8 periods")),
        "{:?}",
        report.assumptions
    );
    // Mid-quarter, only three earlier quarters have bookings (the first closes are in March 2017): straight-line.
    let settings = MetricSettings {
        period: PeriodSpec::ThisQuarter,
        as_of: Some(d(2017, 11, 15)),
        ..MetricSettings::default()
    };
    let report = run(&mut session, &settings);
    assert!(
        report
            .assumptions
            .iter()
            .any(|a| a.contains("straight-line")),
        "{:?}",
        report.assumptions
    );
}

#[test]
fn latam_bookings_convert_with_a_rates_file_and_say_what_they_cannot() {
    let Some(shared) = support::shared_data("latam_metrics") else {
        return;
    };
    let dir = shared.join("real/salesforce-export-latam");
    let files: Vec<_> = ["Opportunity.csv", "OpportunityHistory.csv", "User.csv"]
        .iter()
        .map(|f| dir.join(f))
        .collect();
    let refs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let mut session = load(&refs, ModelSettings::default());
    // Without rates: USD deals sum, the other currencies are listed and left out.
    let report = run(&mut session, &MetricSettings::default());
    assert!(report.money.incomplete);
    let unconverted: Vec<&str> = report
        .money
        .unconverted
        .iter()
        .map(|u| u.currency.as_str())
        .collect();
    assert_eq!(unconverted, ["COP", "MXN", "PEN"]);
    assert!(
        report
            .assumptions
            .iter()
            .any(|a| a.contains("No rate converts"))
    );
    // With a rates file written for this test (not real rates: fixed numbers to check arithmetic).
    let rates = Money::parse_rates("currency,rate\nMXN,0.05\nCOP,0.00025\nPEN,0.27\n").unwrap();
    let settings = MetricSettings {
        money: Money {
            home_currency: "USD".into(),
            rates,
        },
        ..MetricSettings::default()
    };
    let report = run(&mut session, &settings);
    assert!(!report.money.incomplete);
    // Independently: won amounts from Opportunity.csv (Latin-1, every field quoted) times the rate.
    let bytes = std::fs::read(dir.join("Opportunity.csv")).unwrap();
    let text: String = bytes.iter().map(|&b| b as char).collect();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split("\",\"")
        .map(|h| h.trim_matches('"').to_owned())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (amount, currency, won) = (col("Amount"), col("CurrencyIsoCode"), col("IsWon"));
    let rate = |c: &str| match c {
        "USD" => 1.0,
        "MXN" => 0.05,
        "COP" => 0.00025,
        "PEN" => 0.27,
        other => panic!("{other}"),
    };
    let mut expected_cents = 0i64;
    for line in lines {
        let cells: Vec<&str> = line.split("\",\"").map(|c| c.trim_matches('"')).collect();
        if cells[won] == "1" {
            let cents = (cells[amount].parse::<f64>().unwrap() * 100.0).round() as i64;
            expected_cents += (cents as f64 * rate(cells[currency])).round() as i64;
        }
    }
    assert_eq!(report.team.deals_won, 163);
    assert_eq!(
        (report.team.bookings.unwrap() * 100.0).round() as i64,
        expected_cents
    );
}
