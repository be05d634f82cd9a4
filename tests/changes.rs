//! What changed between two exports: the waterfall's contract on hand-made Salesforce-report pairs (golden
//! JSON and one line of expectation per deal), the identity start + Σ movements = end over random pairs,
//! bad input as a typed error, and the CLI.

mod support;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use pipelens::engine::EngineError;
use pipelens::engine::changes::{Change, ChangesReport, Movement, Waterfall};
use pipelens::engine::ingest::{FileId, ImportOptions};
use pipelens::engine::metrics::MetricSettings;
use pipelens::engine::metrics::money::{Money, Rate};
use pipelens::engine::metrics::period::PeriodSpec;
use pipelens::engine::protocol::{Changes, ImportFile};
use pipelens::engine::rng::Rng;
use pipelens::engine::session::Session;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(support::fixture(&format!("changes/{name}"))).unwrap()
}

/// Imports a file (taken on a day, when given) and gives its id.
fn import(
    session: &mut Session,
    name: &str,
    bytes: Vec<u8>,
    taken_on: Option<NaiveDate>,
) -> Result<FileId, EngineError> {
    session
        .ask(ImportFile {
            name: name.to_owned(),
            bytes,
            options: ImportOptions {
                taken_on,
                ..ImportOptions::default()
            },
        })
        .map(|imported| imported.file_id)
}

fn settings(period: PeriodSpec) -> MetricSettings {
    MetricSettings {
        period,
        money: Money {
            home_currency: "USD".to_owned(),
            rates: vec![Rate {
                currency: "EUR".to_owned(),
                rate: 1.10,
                from: None,
            }],
        },
        ..MetricSettings::default()
    }
}

/// BEFORE and AFTER of one session compared.
fn compare(
    before: (&str, Vec<u8>, Option<NaiveDate>),
    after: (&str, Vec<u8>, Option<NaiveDate>),
    period: PeriodSpec,
) -> Result<ChangesReport, EngineError> {
    let mut session = Session::new();
    let b = import(&mut session, before.0, before.1, before.2)?;
    let a = import(&mut session, after.0, after.1, after.2)?;
    session
        .ask(Changes {
            settings: Box::new(settings(period)),
            before_files: vec![b],
            after_files: vec![a],
            swap: false,
        })
        .map(|c| *c.report)
}

fn fixture_pair(period: PeriodSpec) -> ChangesReport {
    compare(
        ("before.csv", read("before.csv"), None),
        ("after.csv", read("after.csv"), None),
        period,
    )
    .unwrap()
}

fn q1() -> PeriodSpec {
    PeriodSpec::Quarter {
        year: 2026,
        quarter: 1,
    }
}

/// start + Σ movements = end, in hundredths, for the team and every rep; the deal list's amounts add up to
/// the movements.
fn assert_identity(report: &ChangesReport) {
    let check = |who: &str, w: &Waterfall| {
        assert_eq!(
            w.start.amount_home_cents + w.movements.sum_cents(),
            w.end.amount_home_cents,
            "{who}: start + Σ movements ≠ end"
        );
    };
    check("team", &report.team);
    for rep in &report.reps {
        check(&rep.rep, &rep.waterfall);
    }
    for m in Movement::ALL {
        let listed: i64 = report
            .deals
            .iter()
            .filter(|d| d.movement == Some(m))
            .map(|d| d.amount_home_cents)
            .sum();
        let without_rate = report
            .deals
            .iter()
            .filter(|d| d.movement == Some(m) && d.changes.contains(&Change::NoRate))
            .count() as u64;
        let tally = report.team.movements.get(m);
        assert_eq!(
            listed,
            tally.amount_home_cents,
            "{}: deals vs tally",
            m.id()
        );
        let count = report
            .deals
            .iter()
            .filter(|d| d.movement == Some(m))
            .count() as u64;
        assert_eq!(count - without_rate, tally.deals, "{}: deal count", m.id());
    }
}

#[test]
fn each_deal_of_the_hand_made_pair_moves_as_the_contract_says() {
    let report = fixture_pair(q1());
    assert_identity(&report);
    // id: movement, its amount (USD cents), its other changes.
    use Change::*;
    use Movement::*;
    let expected: &[(&str, Option<Movement>, i64, &[Change])] = &[
        ("W1", Some(Won), -1_000_000, &[]),
        ("L1", Some(Lost), -400_000, &[]),
        ("M1", Some(MovedOut), -700_000, &[]),
        ("X1", Some(Missing), -250_000, &[MissingFromAfter]),
        ("N1", Some(New), 300_000, &[]),
        ("P1", Some(PulledIn), 500_000, &[]),
        ("R1", Some(Reopened), 600_000, &[]),
        (
            "A1",
            Some(AmountChange),
            150_000,
            &[CloseDateInPeriod, StageForward, Category],
        ),
        ("E1", Some(AmountChange), 22_000, &[]),
        ("O1", None, 0, &[Reassigned]),
        ("B1", None, 0, &[StageBack]),
        ("D1", None, 0, &[MissingFromAfter]),
        ("C1", None, 0, &[NoRate]),
    ];
    let got: BTreeMap<&str, _> = report
        .deals
        .iter()
        .map(|d| {
            (
                d.id.as_str(),
                (d.movement, d.amount_home_cents, d.changes.as_slice()),
            )
        })
        .collect();
    for (id, movement, cents, changes) in expected {
        assert_eq!(got.get(id), Some(&(*movement, *cents, *changes)), "{id}");
    }
    assert_eq!(
        got.len(),
        expected.len(),
        "unchanged deals (U1, K1) are not listed: {got:?}"
    );
    assert_eq!(
        (
            report.team.start.amount_home_cents,
            report.team.end.amount_home_cents
        ),
        (5_110_000, 4_332_000)
    );
    // The reassigned deal counts for its AFTER owner, start and end.
    let cara = report.reps.iter().find(|r| r.rep == "Cara Cruz").unwrap();
    assert_eq!(cara.waterfall.start.amount_home_cents, 1_850_000);
    let o1 = report.deals.iter().find(|d| d.id == "O1").unwrap();
    assert_eq!(o1.rep, "Cara Cruz");
    assert_eq!(
        o1.before.as_ref().map(|b| b.rep.as_str()),
        Some("Ben Brook")
    );
    // The deal without a rate is in no tally and said in the notes.
    assert_eq!(report.unconverted.len(), 1);
    assert_eq!(report.unconverted[0].currency, "COP");
    assert!(
        report.notes.iter().any(|n| n.contains("COP")),
        "{:?}",
        report.notes
    );
    // The days came from inside the files.
    assert_eq!(
        (report.before, report.after),
        (day("2026-01-22"), day("2026-02-06"))
    );
}

#[test]
fn golden_waterfalls_of_the_hand_made_pair() {
    let input = support::fixture("changes/after.csv");
    let taken = compare(
        ("before.csv", read("before.csv"), Some(day("2026-02-02"))),
        ("after.csv", read("after.csv"), Some(day("2026-02-09"))),
        PeriodSpec::ThisQuarter,
    )
    .unwrap();
    assert_eq!(taken.after_from, "the day the export was taken, as given");
    let cases = [
        ("q1", fixture_pair(q1())),
        ("this-quarter-taken-on", taken),
        ("all", fixture_pair(PeriodSpec::All)),
    ];
    for (_, report) in &cases {
        assert_identity(report);
    }
    let all = &cases[2].1;
    assert_eq!((all.period.start, all.period.end), (None, None));
    assert_eq!(
        all.team.movements.moved_out.deals + all.team.movements.pulled_in.deals,
        0
    );
    support::assert_golden(
        "changes",
        cases.into_iter().map(|(name, report)| {
            (
                name.to_owned(),
                input.clone(),
                serde_json::to_string_pretty(&report).unwrap(),
            )
        }),
    );
}

const HEADER: &str = "\"Opportunity ID\",\"Opportunity Name\",\"Account Name\",\"Opportunity Owner\",\"Amount\",\"Created Date\",\"Close Date\",\"Stage\",\"Probability (%)\",\"Forecast Category\",\"Fiscal Period\"\n";
const STAGES: [&str; 7] = [
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
];
const REPS: [&str; 4] = ["Ana Alves", "Ben Brook", "Cara Cruz", "Dev Dutta"];
const CATEGORIES: [&str; 3] = ["Pipeline", "Best Case", "Commit"];

/// One random side of a deal: (owner, stage, close date, amount in cents, category).
type Row = (&'static str, &'static str, NaiveDate, i64, &'static str);

fn random_row(rng: &mut Rng) -> Row {
    let close = day("2025-12-01") + chrono::Days::new(rng.below(200));
    (
        rng.word(&REPS),
        rng.word(&STAGES),
        close,
        rng.range(0, 5_000_000),
        rng.word(&CATEGORIES),
    )
}

fn csv(rows: &BTreeMap<String, Row>) -> Vec<u8> {
    let mut out = String::from(HEADER);
    for (id, (owner, stage, close, cents, category)) in rows {
        out.push_str(&format!(
            "\"{id}\",\"Deal {id}\",\"Acct\",\"{owner}\",\"{}.{:02}\",\"2025-11-01\",\"{close}\",\"{stage}\",\"50%\",\"{category}\",\"\"\n",
            cents / 100,
            cents % 100
        ));
    }
    out.into_bytes()
}

/// Over random pairs of exports: start + Σ movements = end exactly, per rep and for the team, and the start
/// and end are the open deals of the period as the generator wrote them.
#[test]
fn start_plus_every_movement_is_the_end_over_random_pairs() {
    let period = (day("2026-01-01"), day("2026-03-31"));
    let open_in_period = |r: &Row| !r.1.starts_with("Closed") && period.0 <= r.2 && r.2 <= period.1;
    for seed in 0..40 {
        let mut rng = Rng::stream(seed, 18);
        let (mut before, mut after) = (BTreeMap::new(), BTreeMap::new());
        for i in 0..(5 + rng.below(30)) {
            let id = format!("D{i:03}");
            let b = random_row(&mut rng);
            let shared = i == 0 || rng.chance(0.85);
            if shared || rng.chance(0.5) {
                before.insert(id.clone(), b);
            }
            if shared || !before.contains_key(&id) {
                // Half the time the deal is as it was; else a fresh draw of every field.
                let a = if rng.chance(0.5) {
                    b
                } else {
                    random_row(&mut rng)
                };
                after.insert(id, a);
            }
        }
        let report = compare(
            ("before.csv", csv(&before), Some(day("2026-02-02"))),
            ("after.csv", csv(&after), Some(day("2026-02-09"))),
            q1(),
        )
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_identity(&report);
        let total = |rows: &BTreeMap<String, Row>| -> (u64, i64) {
            let open: Vec<&Row> = rows.values().filter(|r| open_in_period(r)).collect();
            (open.len() as u64, open.iter().map(|r| r.3).sum())
        };
        let t = &report.team;
        assert_eq!(
            (t.start.deals, t.start.amount_home_cents),
            total(&before),
            "seed {seed}: start"
        );
        assert_eq!(
            (t.end.deals, t.end.amount_home_cents),
            total(&after),
            "seed {seed}: end"
        );
        let reps: u64 = report.reps.iter().map(|r| r.waterfall.start.deals).sum();
        assert_eq!(
            reps, t.start.deals,
            "seed {seed}: the reps' starts add up to the team's"
        );
        let missing = before.keys().filter(|id| !after.contains_key(*id)).count();
        let listed = report
            .deals
            .iter()
            .filter(|d| d.changes.contains(&Change::MissingFromAfter))
            .count();
        assert_eq!(
            listed, missing,
            "seed {seed}: every deal missing from AFTER is listed"
        );
    }
}

fn bad(
    before: (&str, &str, Option<NaiveDate>),
    after: (&str, &str, Option<NaiveDate>),
) -> EngineError {
    compare(
        (before.0, before.1.as_bytes().to_vec(), before.2),
        (after.0, after.1.as_bytes().to_vec(), after.2),
        q1(),
    )
    .expect_err("a bad pair is refused")
}

const SF: &str = "\"Opportunity ID\",\"Opportunity Name\",\"Account Name\",\"Opportunity Owner\",\"Amount\",\"Created Date\",\"Close Date\",\"Stage\",\"Probability (%)\",\"Forecast Category\",\"Fiscal Period\"\n\"D1\",\"One\",\"Acme\",\"Ana Alves\",\"100.00\",\"2026-01-02\",\"2026-03-01\",\"Prospecting\",\"10%\",\"Pipeline\",\"Q1-2026\"\n";

#[test]
fn exports_of_different_crms_are_refused_with_both_named() {
    let hubspot = "\"Record ID\",\"Deal Name\",\"Deal Stage\",\"Pipeline\",\"Deal owner\",\"Amount\",\"Close Date\",\"Create Date\",\"Deal probability\"\n\"D1\",\"One\",\"Appointment Scheduled\",\"Sales Pipeline\",\"Ana Alves\",\"100\",\"2026-03-01 10:00\",\"2026-01-02 09:00\",\"0.2\"\n";
    let error = bad(("sf.csv", SF, None), ("hs.csv", hubspot, None));
    assert!(
        matches!(error, EngineError::ChangesDifferentCrms { .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("Salesforce") && text.contains("HubSpot"),
        "{text}"
    );
}

#[test]
fn an_export_of_another_object_is_refused_as_holding_no_deals() {
    let calls = "\"Activity Type\",\"Subject\",\"Date\",\"Assigned To\",\"Opportunity ID\"\n\"Call\",\"Intro\",\"2026-01-05\",\"Ana Alves\",\"D1\"\n";
    let error = bad(("deals.csv", SF, None), ("calls.csv", calls, None));
    assert!(
        matches!(&error, EngineError::ChangesNoDeals { side, files } if side == "AFTER" && files == "calls.csv"),
        "{error:?}"
    );
}

#[test]
fn exports_sharing_no_deal_id_are_refused() {
    let other = SF.replace("\"D1\"", "\"Z9\"");
    let error = bad(("a.csv", SF, None), ("b.csv", &other, None));
    assert_eq!(
        error,
        EngineError::ChangesNoSharedDeals {
            before_deals: 1,
            after_deals: 1
        }
    );
}

#[test]
fn a_before_newer_than_its_after_is_refused_saying_so() {
    let error = bad(
        ("a.csv", SF, Some(day("2026-02-09"))),
        ("b.csv", SF, Some(day("2026-02-02"))),
    );
    assert!(
        matches!(error, EngineError::ChangesBeforeIsNewer { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("newer"), "{error}");
}

#[test]
fn an_export_without_a_date_inside_needs_its_day() {
    // Only open deals and no created date: nothing says when it was taken.
    let undated = "\"Opportunity ID\",\"Opportunity Name\",\"Opportunity Owner\",\"Amount\",\"Close Date\",\"Stage\"\n\"D1\",\"One\",\"Ana Alves\",\"100.00\",\"2026-03-01\",\"Prospecting\"\n";
    let error = bad(("a.csv", undated, None), ("b.csv", SF, None));
    assert!(
        matches!(error, EngineError::ExportDayUnknown { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("--taken-on"), "{error}");
    // With its day given, the same pair compares.
    let ok = compare(
        (
            "a.csv",
            undated.as_bytes().to_vec(),
            Some(day("2026-01-01")),
        ),
        ("b.csv", SF.as_bytes().to_vec(), None),
        q1(),
    );
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn a_group_naming_a_file_not_held_is_an_unknown_file() {
    let mut session = Session::new();
    let a = import(&mut session, "a.csv", SF.as_bytes().to_vec(), None).unwrap();
    let error = session
        .ask(Changes {
            settings: Box::new(settings(q1())),
            before_files: vec![a],
            after_files: vec![a + 7],
            swap: false,
        })
        .expect_err("file 8 is not held");
    assert!(
        matches!(error, EngineError::UnknownFile { .. }),
        "{error:?}"
    );
}

#[test]
fn garbage_on_either_side_is_an_error_never_a_panic() {
    for junk in ["", "x\n", "\"Opportunity ID\"\n\"\"\n", "a,b,c\n1,2\n"] {
        let result = compare(
            ("a.csv", SF.as_bytes().to_vec(), None),
            ("b.csv", junk.as_bytes().to_vec(), None),
            q1(),
        );
        assert!(result.is_err(), "{junk:?}: {result:?}");
    }
}

fn pipelens(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pipelens"))
        .args(args)
        .output()
        .expect("the pipelens binary runs")
}

#[test]
fn the_cli_prints_the_engine_s_waterfall_as_json_and_as_a_table() {
    let path = |name: &str| {
        support::fixture(&format!("changes/{name}"))
            .display()
            .to_string()
    };
    let (before, after, rates) = (path("before.csv"), path("after.csv"), path("rates.csv"));
    let args = [
        "changes", "--before", &before, "--after", &after, "--period", "2026-Q1", "--rates", &rates,
    ];
    let out = pipelens(&[&args[..], &["--format", "json"]].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: ChangesReport = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        cli,
        fixture_pair(q1()),
        "the CLI's JSON is the session's answer"
    );
    let table = pipelens(&args);
    let text = String::from_utf8_lossy(&table.stdout);
    for line in [
        "Start",
        "Moved out",
        "Missing from AFTER",
        "End",
        "Ana Alves",
        "W1 Acme",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }
    // Swapped: refused with the reason, exit 1.
    let swapped = pipelens(&["changes", "--before", &after, "--after", &before]);
    assert_eq!(swapped.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&swapped.stderr).contains("newer"));
    // One side missing: a usage error, exit 2.
    let half = pipelens(&["changes", "--before", &before]);
    assert_eq!(half.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&half.stderr).contains("--after"));
    // --taken-on names a file by its path when both sides share a file name.
    let taken = pipelens(&[
        "changes",
        "--before",
        &before,
        "--after",
        &after,
        "--format",
        "json",
        "--taken-on",
        &format!("{before}=2026-02-02"),
    ]);
    let taken: ChangesReport = serde_json::from_slice(&taken.stdout).unwrap();
    assert_eq!(taken.before, day("2026-02-02"));
}

/// Two demo runs a week apart reuse ids for other deals: ids shared with other names are said in the notes.
#[test]
fn shared_ids_on_deals_of_other_names_are_noted() {
    let renamed = SF.replace("\"One\"", "\"Another deal\"");
    let report = compare(
        ("a.csv", SF.as_bytes().to_vec(), None),
        ("b.csv", renamed.into_bytes(), None),
        q1(),
    )
    .unwrap();
    assert!(
        report.notes.iter().any(|n| n.contains("1 of the 1 deals")),
        "{:?}",
        report.notes
    );
    let same = compare(
        ("a.csv", SF.as_bytes().to_vec(), None),
        ("b.csv", SF.as_bytes().to_vec(), None),
        q1(),
    )
    .unwrap();
    assert!(!same.notes.iter().any(|n| n.contains("another name")));
}

/// The request and its answer cross the wire (the worker's door) and read back as themselves.
#[test]
fn the_changes_request_and_its_answer_cross_the_wire() {
    use pipelens::engine::protocol::{Answer, Envelope, Reply, Request, wire};
    let request = Envelope::new(
        7,
        Request::Changes(Changes {
            settings: Box::new(settings(q1())),
            before_files: vec![0, 2],
            after_files: vec![1],
            swap: false,
        }),
    );
    let back: Envelope<Request> = wire::decode(&wire::encode(&request)).unwrap();
    assert_eq!(back, request);
    let report = fixture_pair(q1());
    let reply = Envelope::new(
        7,
        Reply::Answer {
            answer: Answer::Compared(pipelens::engine::protocol::Compared {
                report: Box::new(report),
            }),
        },
    );
    let back: Envelope<Reply> = wire::decode(&wire::encode(&reply)).unwrap();
    assert_eq!(back, reply);
}

/// The scope of the report options applies, judged on the side a deal counts on: one rep's scope is that
/// rep's waterfall of the whole team, and the deals left out are said.
#[test]
fn a_rep_scope_gives_that_rep_s_waterfall_and_says_what_it_left_out() {
    let whole = fixture_pair(q1());
    let mut session = Session::new();
    let b = import(&mut session, "before.csv", read("before.csv"), None).unwrap();
    let a = import(&mut session, "after.csv", read("after.csv"), None).unwrap();
    let mut scoped = settings(q1());
    scoped.scope.reps.push("Cara Cruz".to_owned());
    let report = *session
        .ask(Changes {
            settings: Box::new(scoped),
            before_files: vec![b],
            after_files: vec![a],
            swap: false,
        })
        .unwrap()
        .report;
    assert_identity(&report);
    let cara = whole.reps.iter().find(|r| r.rep == "Cara Cruz").unwrap();
    assert_eq!(report.reps.len(), 1);
    assert_eq!(report.team, cara.waterfall);
    // O1 moved from Ben to Cara: in Cara's scope by its AFTER owner.
    assert!(report.deals.iter().any(|d| d.id == "O1"));
    assert!(
        report.notes.iter().any(|n| n.contains("outside the scope")),
        "{:?}",
        report.notes
    );
}

/// Asked with no groups (as the app asks), the session pairs the two newest exports of deals by their
/// days — the same answer as naming them — and says what is missing when there is one export, or two of
/// one day.
#[test]
fn with_no_groups_the_session_pairs_the_two_newest_exports_by_their_days() {
    let (d1, d2) = (day("2026-02-09"), day("2026-02-16"));
    let mut session = Session::new();
    let b = import(&mut session, "before.csv", read("before.csv"), Some(d1)).unwrap();
    let a = import(&mut session, "after.csv", read("after.csv"), Some(d2)).unwrap();
    let ask = |session: &mut Session, before_files, after_files| {
        session
            .ask(Changes {
                settings: Box::new(settings(q1())),
                before_files,
                after_files,
                swap: false,
            })
            .map(|c| *c.report)
    };
    let named = ask(&mut session, vec![b], vec![a]).unwrap();
    let paired = ask(&mut session, vec![], vec![]).unwrap();
    assert_eq!(paired, named);
    assert_eq!((paired.before, paired.after), (d1, d2));

    let mut one = Session::new();
    import(&mut one, "after.csv", read("after.csv"), Some(d2)).unwrap();
    let error = ask(&mut one, vec![], vec![]).unwrap_err();
    assert!(
        matches!(error, EngineError::ChangesNeedTwoExports { exports: 1, .. }),
        "{error:?}"
    );
    let mut same_day = Session::new();
    import(&mut same_day, "before.csv", read("before.csv"), Some(d2)).unwrap();
    import(&mut same_day, "after.csv", read("after.csv"), Some(d2)).unwrap();
    let error = ask(&mut same_day, vec![], vec![]).unwrap_err();
    assert!(
        matches!(error, EngineError::ChangesNeedTwoExports { exports: 2, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("2026-02-16"), "{error}");
}

/// Three exports give two steps, each the waterfall of that pair alone, for one period; the end of a
/// step is the start of the next. Two exports give one step; one export says what is missing.
#[test]
fn three_exports_give_a_week_over_week_trend() {
    use pipelens::engine::protocol::ChangesTrend;
    let (d1, d2, d3) = (day("2026-02-02"), day("2026-02-09"), day("2026-02-16"));
    // The third week: Juno's amount raised and Orca lost.
    let third = String::from_utf8(read("after.csv"))
        .unwrap()
        .replace(
            r#""U1","Juno starter","Juno","Cara Cruz","2,000.00""#,
            r#""U1","Juno starter","Juno","Cara Cruz","4,500.00""#,
        )
        .replace(
            r#""2026-02-06","2026-03-20","Prospecting","10%","Pipeline""#,
            r#""2026-02-06","2026-02-12","Closed Lost","0%","Omitted""#,
        );
    assert_ne!(third.as_bytes(), read("after.csv").as_slice());
    let trend = |files: &[(&str, Vec<u8>, NaiveDate)]| {
        let mut session = Session::new();
        for (name, bytes, on) in files {
            import(&mut session, name, bytes.clone(), Some(*on)).unwrap();
        }
        session.ask(ChangesTrend {
            settings: Box::new(settings(q1())),
        })
    };
    let pair = |a: (&str, Vec<u8>, NaiveDate), b: (&str, Vec<u8>, NaiveDate)| {
        let mut session = Session::new();
        let x = import(&mut session, a.0, a.1, Some(a.2)).unwrap();
        let y = import(&mut session, b.0, b.1, Some(b.2)).unwrap();
        session
            .ask(Changes {
                settings: Box::new(settings(q1())),
                before_files: vec![x],
                after_files: vec![y],
                swap: false,
            })
            .unwrap()
            .report
    };
    let files = [
        ("before.csv", read("before.csv"), d1),
        ("after.csv", read("after.csv"), d2),
        ("third.csv", third.clone().into_bytes(), d3),
    ];
    let got = trend(&files).unwrap().trend;
    assert_eq!(got.steps.len(), 2);
    assert_eq!(
        (got.steps[0].before, got.steps[0].after, got.steps[1].after),
        (d1, d2, d3)
    );
    let first = pair(files[0].clone(), files[1].clone());
    let second = pair(files[1].clone(), files[2].clone());
    assert_eq!(got.steps[0].team, first.team);
    assert_eq!(got.steps[1].team, second.team);
    assert_eq!(got.steps[1].team.start, got.steps[0].team.end);
    let m = &got.steps[1].team.movements;
    assert_eq!((m.lost.deals, m.amount_change.deals), (1, 1));
    assert_eq!(m.amount_change.amount_home_cents, 250_000);

    let two = trend(&files[..2]).unwrap().trend;
    assert_eq!(two.steps.len(), 1);
    let one = trend(&files[..1]).unwrap_err();
    assert!(
        matches!(one, EngineError::ChangesNeedTwoExports { exports: 1, .. }),
        "{one:?}"
    );
}

/// Exports with no date inside them: each side's day is its file's own date when the reader gives it (the
/// CLI gives the modified day), and without it an error asks for the day.
#[test]
fn an_export_without_dates_falls_back_on_the_files_own_date() {
    let undated = |amount: &str| {
        format!(
            "\"Opportunity ID\",\"Opportunity Name\",\"Opportunity Owner\",\"Amount\",\"Stage\"\n\"W1\",\"Acme\",\"Ana Alves\",\"{amount}\",\"Proposal/Price Quote\"\n\"W2\",\"Beta\",\"Ben Brook\",\"2,000.00\",\"Prospecting\"\n"
        )
        .into_bytes()
    };
    let ask = |saved: Option<(NaiveDate, NaiveDate)>| {
        let mut session = Session::new();
        let mut ids = Vec::new();
        for (k, amount) in ["1,000.00", "1,500.00"].iter().enumerate() {
            let id = session
                .ask(ImportFile {
                    name: format!("deals-{k}.csv"),
                    bytes: undated(amount),
                    options: ImportOptions {
                        saved_on: saved.map(|(a, b)| if k == 0 { a } else { b }),
                        ..ImportOptions::default()
                    },
                })
                .unwrap()
                .file_id;
            ids.push(id);
        }
        session
            .ask(Changes {
                settings: Box::new(settings(PeriodSpec::All)),
                before_files: vec![ids[0]],
                after_files: vec![ids[1]],
                swap: false,
            })
            .map(|c| *c.report)
    };
    let (d1, d2) = (day("2026-02-02"), day("2026-02-09"));
    let report = ask(Some((d1, d2))).unwrap();
    assert_eq!((report.before, report.after), (d1, d2));
    assert!(
        report.before_from.contains("file's own date"),
        "{}",
        report.before_from
    );
    assert_eq!(
        report.team.movements.amount_change.amount_home_cents,
        50_000
    );
    let unknown = ask(None).unwrap_err();
    assert!(
        matches!(unknown, EngineError::ExportDayUnknown { .. }),
        "{unknown:?}"
    );
}
