//! The demo team: its files import through pipelens's real recognisers (as a user's would, through a
//! `Session`), and the model built from them gives back, rep by rep, what the generator knows is true.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use pipelens::engine::demo::{
    Archetype, DEFAULT_SEED, Demo, DemoFile, DemoTruth, Habit, RepTruth, Style, generate,
};
use pipelens::engine::ingest::ImportOptions;
use pipelens::engine::ingest::report::FileReport;
use pipelens::engine::model::summary::ModelSummary;
use pipelens::engine::model::{ActivityKind, ClosedOnFrom, DealStatus, Outcome, SalesModel};
use pipelens::engine::protocol::{Overview, Summary};
use pipelens::engine::session::Session;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| generate(as_of(), DEFAULT_SEED))
}

/// Imports files into a new session, in order, as the app does, and returns it with the summary.
fn import(files: &[DemoFile]) -> (Session, Vec<FileReport>, ModelSummary) {
    let mut session = support::session_with(
        files
            .iter()
            .map(|f| (f.name.clone(), f.bytes.clone(), ImportOptions::default())),
        None,
    );
    let Overview { files, model } = session.ask(Summary {}).unwrap();
    (session, files, *model)
}

/// The per-rep numbers the truth states.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Numbers {
    owned: u64,
    won: u64,
    lost: u64,
    open: u64,
    bookings_cents: i64,
    calls: u64,
    emails: u64,
    meetings: u64,
    tasks: u64,
    connected_calls: u64,
    call_seconds: u64,
}

fn truth_numbers(truth: &DemoTruth) -> BTreeMap<String, Numbers> {
    truth
        .reps
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                Numbers {
                    owned: r.deals_owned,
                    won: r.deals_won,
                    lost: r.deals_lost,
                    open: r.deals_open,
                    bookings_cents: r.bookings_cents,
                    calls: r.activities.calls,
                    emails: r.activities.emails,
                    meetings: r.activities.meetings,
                    tasks: r.activities.tasks,
                    connected_calls: r.connected_calls,
                    call_seconds: r.call_seconds,
                },
            )
        })
        .collect()
}

/// An activity is completed when its file says so, or — when it says nothing — when it is in the past.
fn completed(m: &SalesModel, i: usize) -> bool {
    match m.activities.done[i] {
        Some(done) => done,
        None => m.activities.at[i].is_some_and(|t| t.date() <= as_of()),
    }
}

/// The same numbers as the model sees them: deals by owner, outcomes and bookings by credited rep.
fn model_numbers(m: &SalesModel) -> BTreeMap<String, Numbers> {
    let mut out: BTreeMap<String, Numbers> = BTreeMap::new();
    let d = &m.deals;
    for i in 0..d.len() {
        out.entry(m.rep_name(d.owner[i]).to_owned())
            .or_default()
            .owned += 1;
        let n = out.entry(m.rep_name(d.credited[i]).to_owned()).or_default();
        match d.status[i] {
            DealStatus::Won => {
                n.won += 1;
                n.bookings_cents += d.amount_cents[i].unwrap();
            }
            DealStatus::Lost | DealStatus::Disqualified => n.lost += 1,
            DealStatus::Open => n.open += 1,
        }
    }
    let a = &m.activities;
    for i in (0..a.len()).filter(|&i| completed(m, i)) {
        let n = out.entry(m.rep_name(a.rep[i]).to_owned()).or_default();
        match a.kind[i] {
            ActivityKind::Call => {
                n.calls += 1;
                n.connected_calls += u64::from(a.connected[i] == Some(true));
                n.call_seconds += u64::from(a.duration_s[i].unwrap_or(0));
            }
            ActivityKind::Email => n.emails += 1,
            ActivityKind::Meeting => n.meetings += 1,
            ActivityKind::Task => n.tasks += 1,
            ActivityKind::Other => panic!("activity {i} has no kind"),
        }
    }
    out
}

/// What every import of the demo must show, whichever CRM's files it came from.
fn check_import(files: &[DemoFile], expected: &[(&str, &str, &str)]) -> Session {
    let truth = &demo().truth;
    let (mut session, reports, summary) = import(files);
    let got: Vec<(&str, &str, &str)> = reports
        .iter()
        .map(|f| (f.source.as_str(), f.kind.as_str(), f.confidence.as_str()))
        .collect();
    assert_eq!(got, expected, "files are recognised as what they are");
    for f in &reports {
        assert_eq!(
            f.rows_read,
            f.rows_accepted + f.rows_rejected + f.rows_skipped,
            "{} balances",
            f.file
        );
        assert_eq!(f.rows_rejected, 0, "{}: {:?}", f.file, f.rejections);
        assert!(f.issues.is_empty(), "{}: {:?}", f.file, f.issues);
        // The report's notes say how it was read; none says a trailer's count disagrees.
        assert!(
            !f.warnings.iter().any(|w| w.contains("trailer says")),
            "{}: {:?}",
            f.file,
            f.warnings
        );
        // Only the Salesforce report's trailer (two blank lines and three trailer lines) is skipped.
        let trailer = if f.file == "demo-salesforce-opportunities.csv" {
            5
        } else {
            0
        };
        assert_eq!(f.rows_skipped, trailer, "{}: {:?}", f.file, f.rejections);
    }
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    assert!(summary.review.is_empty(), "{:?}", summary.review);
    assert_eq!(summary.deals.total, truth.totals.deals);
    assert_eq!(
        (summary.deals.won, summary.deals.lost, summary.deals.open),
        (truth.totals.won, truth.totals.lost, truth.totals.open)
    );
    assert_eq!(summary.deals.disqualified, 0);
    assert_eq!(
        summary.quotas,
        truth
            .reps
            .iter()
            .map(|r| r.quotas.len() as u64)
            .sum::<u64>()
    );

    let m = session.model().unwrap();
    let d = &m.deals;
    assert!(
        (0..d.len()).all(|i| d.credited[i] == d.owner[i] && d.owner[i].is_some()),
        "no owner history: every deal is credited to its owner"
    );
    assert_eq!(model_numbers(m), truth_numbers(truth));
    assert_eq!(
        m.activities.deal.iter().filter(|x| x.is_some()).count() as u64,
        truth.totals.linked_activities,
        "every activity linked to a deal is linked on import"
    );
    assert_eq!(
        (0..m.activities.len())
            .filter(|&i| !completed(m, i))
            .count() as u64,
        truth.totals.open_tasks
    );

    // The roster: twelve reps (managers are not reps), two managers with their teams, one leaver.
    let names: BTreeSet<&str> = m.reps.iter().map(|r| r.name.as_str()).collect();
    let expected_names: BTreeSet<&str> = truth.reps.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, expected_names);
    for rep in &truth.reps {
        let r = m.reps.iter().find(|r| r.name == rep.name).unwrap();
        assert_eq!(
            r.manager.as_deref(),
            Some(rep.manager.as_str()),
            "{}",
            rep.name
        );
        assert_eq!(r.team.as_deref(), Some(rep.team.as_str()), "{}", rep.name);
        assert_eq!(r.role.as_deref(), Some(rep.role.as_str()), "{}", rep.name);
        assert_eq!(
            (r.started_on, r.ended_on),
            (Some(rep.started_on), rep.ended_on)
        );
    }
    let managers: BTreeSet<(&str, &str)> = m
        .reps
        .iter()
        .map(|r| (r.manager.as_deref().unwrap(), r.team.as_deref().unwrap()))
        .collect();
    assert_eq!(managers.len(), 2, "{managers:?}");
    assert_eq!(m.reps.iter().filter(|r| r.ended_on.is_some()).count(), 1);

    // Quotas: one per rep and calendar quarter, in USD.
    for q in &m.quotas {
        let rep = truth.rep(m.rep_name(q.rep)).unwrap();
        let period = format!(
            "{}-Q{}",
            q.period_start.year(),
            q.period_start.month0() / 3 + 1
        );
        let stated = rep.quotas.iter().find(|t| t.period == period).unwrap();
        assert_eq!(q.amount_cents, stated.amount_cents);
        assert_eq!(q.currency.as_deref(), Some("USD"));
    }
    check_dates(m);
    session
}

/// Every date is on or before the as-of date; only open deals' expected closes may be after it.
fn check_dates(m: &SalesModel) {
    let as_of = as_of();
    let d = &m.deals;
    let mut closing_later = 0;
    for i in 0..d.len() {
        assert!(d.created_on[i].unwrap() <= as_of);
        assert!(d.closed_on[i].is_none_or(|c| c <= as_of && c >= d.created_on[i].unwrap()));
        match d.status[i] {
            DealStatus::Open => {
                closing_later += usize::from(d.expected_close_on[i].unwrap() > as_of)
            }
            _ => assert!(d.expected_close_on[i].unwrap() <= as_of && d.closed_on[i].is_some()),
        }
        assert!(d.last_activity_on[i].is_none_or(|l| l <= as_of));
        assert_eq!(d.currency[i], m.strings.find("USD").unwrap());
    }
    assert!(
        closing_later > 0,
        "open deals expected to close after the as-of date"
    );
    assert!(m.history.at.iter().all(|t| t.date() <= as_of));
    assert!(m.activities.at.iter().all(|t| t.unwrap().date() <= as_of));
    assert!(m.quotas.iter().all(|q| q.period_start <= as_of));
    for r in &m.reps {
        assert!(r.started_on.unwrap() <= as_of && r.ended_on.is_none_or(|e| e <= as_of));
    }
}

#[test]
fn same_inputs_give_the_same_bytes_and_another_seed_another_team() {
    let again = generate(as_of(), DEFAULT_SEED);
    assert_eq!(&again, demo());
    let other = generate(as_of(), DEFAULT_SEED + 1);
    for (a, b) in demo().files.iter().zip(&other.files) {
        assert_eq!(a.name, b.name);
        if !matches!(a.name.as_str(), "demo-teams.csv" | "demo-quotas.csv") {
            assert!(a.bytes != b.bytes, "{}", a.name);
        }
    }
    assert_ne!(demo().truth, other.truth);
    let later = generate(as_of() + chrono::Days::new(7), DEFAULT_SEED);
    assert_ne!(later.files, demo().files);
    assert!(later.hubspot_files()[0].name.ends_with("2026-03-09.csv"));
}

/// Generated afresh twice, both sets are the same bytes; another seed changes every generated file of both.
#[test]
fn the_same_as_of_and_seed_give_identical_files_and_another_seed_other_files() {
    let day = NaiveDate::from_ymd_opt(2025, 11, 17).unwrap();
    let (a, b, c) = (generate(day, 11), generate(day, 11), generate(day, 12));
    for style in [Style::Salesforce, Style::Hubspot] {
        assert_eq!(a.files_in(style), b.files_in(style), "{style:?}");
        for (x, z) in a.files_in(style).iter().zip(c.files_in(style)) {
            assert_eq!(x.name, z.name);
            // The teams and quotas files come from the fixed roster (only the new hire's start and the
            // leaver's last day move with the seed, and they may land on the same week).
            if !matches!(x.name.as_str(), "demo-teams.csv" | "demo-quotas.csv") {
                assert_ne!(x.bytes, z.bytes, "{}", x.name);
            }
        }
    }
    assert_eq!(a.truth, b.truth);
    assert_ne!(a.truth, c.truth);
}

#[test]
fn the_salesforce_set_imports_and_matches_the_truth() {
    let truth = &demo().truth;
    let files = demo().salesforce_files();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "demo-salesforce-opportunities.csv",
            "OpportunityHistory.csv",
            "demo-salesforce-activities.csv",
            "demo-teams.csv",
            "demo-quotas.csv"
        ]
    );
    let mut session = check_import(
        files,
        &[
            ("salesforce", "deals", "sure"),
            ("salesforce", "stage_history", "sure"),
            ("generic", "activities", "guess"),
            ("generic", "teams", "guess"),
            ("generic", "quotas", "guess"),
        ],
    );
    let m = session.model().unwrap();
    let d = &m.deals;
    let h = &m.history;
    assert_eq!(h.len() as u64, truth.story.history_rows);

    // The stage table, per pipeline (the report's record type): the seven stages in order, from their
    // probabilities; renewals start at Qualification.
    let ladder = [
        "Prospecting",
        "Qualification",
        "Discovery",
        "Proposal",
        "Negotiation",
        "Closed Won",
        "Closed Lost",
    ];
    for (pipeline, expected) in [("New Business", &ladder[..]), ("Renewals", &ladder[1..])] {
        let mut stages: Vec<(&str, u32)> = m
            .stages
            .entries
            .iter()
            .filter(|s| s.pipeline == pipeline)
            .map(|s| (s.raw.as_str(), s.order))
            .collect();
        stages.sort_by_key(|s| s.1);
        assert_eq!(
            stages.iter().map(|s| s.0).collect::<Vec<_>>(),
            expected,
            "{pipeline}"
        );
    }

    // Every closed deal's close comes from its history, which joined by the 18-character ids.
    let with_history: BTreeSet<u32> = h.deal.iter().copied().collect();
    assert_eq!(with_history.len(), d.len());
    for i in (0..d.len()).filter(|&i| d.status[i] != DealStatus::Open) {
        assert_eq!(d.closed_on_from[i], ClosedOnFrom::History);
        assert_eq!(
            d.closed_on[i],
            d.expected_close_on[i],
            "{}",
            m.text(d.name[i])
        );
    }

    // The story, as the history shows it.
    let mut slipped = BTreeSet::new();
    let mut reopened = BTreeSet::new();
    let mut last_change: BTreeMap<u32, NaiveDate> = BTreeMap::new();
    let (mut left_prospecting, mut lost_in_prospecting) = (0, 0);
    let mut first_stage: BTreeMap<u32, Option<u16>> = BTreeMap::new();
    for i in 0..h.len() {
        let deal = h.deal[i];
        let previous = (i > 0 && h.deal[i - 1] == deal).then(|| i - 1);
        if h.stage_changed[i] {
            last_change.insert(deal, h.at[i].date());
        }
        if let Some(p) = previous {
            if !h.stage_changed[i] && h.expected_close_on[i] > h.expected_close_on[p] {
                slipped.insert(deal);
            }
            let was_lost = h.stage[p].is_some_and(|s| m.stages.outcome(s) == Outcome::Lost);
            if was_lost && h.stage[i].is_some_and(|s| m.stages.outcome(s) == Outcome::Open) {
                reopened.insert(deal);
            }
        }
        let stage = |s: Option<u16>| s.and_then(|s| m.stages.get(s)).map(|e| e.raw.as_str());
        match first_stage.get(&deal) {
            None => {
                first_stage.insert(deal, h.stage[i]);
            }
            Some(first) if stage(*first) == Some("Prospecting") && h.stage_changed[i] => {
                match stage(h.stage[i]) {
                    Some("Closed Lost") => lost_in_prospecting += 1,
                    _ => left_prospecting += 1,
                }
                first_stage.insert(deal, None);
            }
            Some(_) => {}
        }
    }
    let story = &truth.story;
    assert_eq!(slipped.len() as u64, story.slipped_deals);
    assert_eq!(reopened.len() as u64, story.reopened_deals);
    assert_eq!(
        (left_prospecting, lost_in_prospecting),
        (story.left_prospecting, story.lost_in_prospecting)
    );
    let leave_share = left_prospecting as f64 / (left_prospecting + lost_in_prospecting) as f64;
    assert!(
        (0.5..0.7).contains(&leave_share),
        "{leave_share}: about 60% leave Prospecting"
    );
    let win_rate = truth.totals.won as f64 / (truth.totals.won + truth.totals.lost) as f64;
    assert!((0.25..=0.36).contains(&win_rate), "{win_rate}");

    // Open deals: past due, and stale (no stage change and no linked activity for 30 days).
    let mut last_touch = last_change.clone();
    for i in 0..m.activities.len() {
        if let (Some(deal), Some(at)) = (m.activities.deal[i], m.activities.at[i]) {
            let day = last_touch.entry(deal).or_insert(at.date());
            *day = (*day).max(at.date());
        }
    }
    let open: Vec<usize> = (0..d.len())
        .filter(|&i| d.status[i] == DealStatus::Open)
        .collect();
    let past_due = open
        .iter()
        .filter(|&&i| d.expected_close_on[i].unwrap() < as_of())
        .count() as u64;
    let stale = open
        .iter()
        .filter(|&&i| (as_of() - last_touch[&(i as u32)]).num_days() >= 30)
        .count() as u64;
    assert_eq!(
        (past_due, stale),
        (story.past_due_open_deals, story.stale_open_deals)
    );
    assert!(past_due > 0 && stale > 0 && story.skipped_stage_deals > 0 && story.reopened_deals > 0);

    // Quarter-end spikes: the last two weeks of a quarter (15% of its days) hold far more of the closes.
    let closed: Vec<NaiveDate> = d.closed_on.iter().flatten().copied().collect();
    let at_quarter_end = closed
        .iter()
        .filter(|c| {
            let next_quarter = NaiveDate::from_ymd_opt(
                c.year() + i32::from(c.month() > 9),
                (c.month0() / 3 * 3 + 3) % 12 + 1,
                1,
            )
            .unwrap();
            (next_quarter - **c).num_days() <= 14
        })
        .count();
    assert_eq!(
        at_quarter_end as u64,
        story.closes_in_last_two_weeks_of_quarter
    );
    assert!(
        at_quarter_end as f64 / closed.len() as f64 > 0.24,
        "{at_quarter_end} of {}",
        closed.len()
    );

    // The leaver's deals and activities stop when they left; their open deals went to teammates.
    let leaver = truth.rep_of(Archetype::Leaver).unwrap();
    let ended = leaver.ended_on.unwrap();
    let ix = m.reps.iter().position(|r| r.name == leaver.name).unwrap() as u32;
    for i in (0..d.len()).filter(|&i| d.owner[i] == Some(ix)) {
        assert!(d.created_on[i].unwrap() <= ended);
        assert!(
            d.closed_on[i].is_some_and(|c| c <= ended),
            "{}",
            m.text(d.name[i])
        );
    }
    assert!(
        (0..m.activities.len())
            .filter(|&i| m.activities.rep[i] == Some(ix))
            .all(|i| m.activities.at[i].unwrap().date() <= ended)
    );
}

#[test]
fn the_hubspot_set_imports_and_matches_the_same_truth() {
    let files = demo().hubspot_files();
    assert_eq!(
        files[0].name,
        format!("hubspot-crm-exports-demo-deals-{}.csv", as_of())
    );
    assert_eq!(
        files[1].name,
        format!("hubspot-crm-exports-demo-calls-{}.csv", as_of())
    );
    let mut session = check_import(
        files,
        &[
            ("hubspot", "deals", "sure"),
            ("hubspot", "activities", "sure"),
            ("hubspot", "activities", "sure"),
            ("generic", "teams", "guess"),
            ("generic", "quotas", "guess"),
        ],
    );
    let m = session.model().unwrap();
    let d = &m.deals;
    // New-business deals are dated by their `Date entered "Closed …"` columns; every close is where the
    // Salesforce set's history puts it.
    assert!(d.closed_on_from.contains(&ClosedOnFrom::WonLostTime));
    let pipelines: BTreeSet<&str> = d.pipeline.iter().map(|p| m.text(*p)).collect();
    assert_eq!(pipelines, BTreeSet::from(["New Business", "Renewals"]));
    let (mut sf, _, _) = import(&demo().salesforce_files()[..1]);
    let sf = sf.model().unwrap();
    let sf_by_name: BTreeMap<&str, usize> = (0..sf.deals.len())
        .map(|i| (sf.text(sf.deals.name[i]), i))
        .collect();
    assert_eq!(sf_by_name.len(), d.len(), "deal names are unique");
    for i in 0..d.len() {
        let j = sf_by_name[m.text(d.name[i])];
        assert_eq!(
            (
                d.status[i],
                d.amount_cents[i],
                d.created_on[i],
                m.rep_name(d.owner[i]),
                m.text(d.stage_raw[i]),
                m.text(d.account[i]),
                m.text(d.deal_type[i]),
            ),
            (
                sf.deals.status[j],
                sf.deals.amount_cents[j],
                sf.deals.created_on[j],
                sf.rep_name(sf.deals.owner[j]),
                sf.text(sf.deals.stage_raw[j]),
                sf.text(sf.deals.account[j]),
                sf.text(sf.deals.deal_type[j]),
            ),
            "{}",
            m.text(d.name[i])
        );
        if d.status[i] != DealStatus::Open {
            assert_eq!(
                d.closed_on[i],
                sf.deals.expected_close_on[j],
                "{}",
                m.text(d.name[i])
            );
        } else {
            assert_eq!(d.expected_close_on[i], sf.deals.expected_close_on[j]);
        }
        assert!((d.probability[i].unwrap() - sf.deals.probability[j].unwrap()).abs() < 1e-6);
    }
}

/// The archetypes, as the truth shows them, for the default demo and a few other seeds.
#[test]
fn the_story_holds_for_every_seed() {
    for seed in [DEFAULT_SEED, 1, 2, 3, 4, 5, 6, 7] {
        let truth = if seed == DEFAULT_SEED {
            demo().truth.clone()
        } else {
            generate(as_of(), seed).truth
        };
        let reps = &truth.reps;
        assert_eq!(reps.len(), 12);
        assert!(
            reps.iter().all(|r| r.deals_owned > 0),
            "seed {seed}: every rep has deals"
        );
        let teams: BTreeSet<(&str, &str)> = reps
            .iter()
            .map(|r| (r.manager.as_str(), r.team.as_str()))
            .collect();
        assert_eq!(teams.len(), 2);
        for (manager, _) in &teams {
            assert_eq!(reps.iter().filter(|r| r.manager == *manager).count(), 6);
        }
        let accented = reps.iter().filter(|r| !r.name.is_ascii()).count();
        assert!(accented >= 2);
        assert!(
            reps.iter()
                .all(|r| r.email.ends_with("@brightline.example"))
        );

        let leaver = truth.rep_of(Archetype::Leaver).unwrap();
        let gone = (truth.as_of - leaver.ended_on.unwrap()).num_days();
        assert!(
            (140..=165).contains(&gone),
            "seed {seed}: left {gone} days ago"
        );
        assert_eq!(
            leaver.deals_open, 0,
            "seed {seed}: a leaver's open deals went to teammates"
        );
        assert_eq!(reps.iter().filter(|r| r.ended_on.is_some()).count(), 1);

        let new_hire = truth.rep_of(Archetype::RampingNewHire).unwrap();
        let tenure = (truth.as_of - new_hire.started_on).num_days();
        assert!(
            (55..=75).contains(&tenure),
            "seed {seed}: started {tenure} days ago"
        );
        assert!(
            new_hire.deals_won <= 3,
            "seed {seed}: a new hire closes few deals"
        );
        let ramp: Vec<i64> = new_hire.quotas.iter().map(|q| q.amount_cents).collect();
        // 25%, 50%, 75%, 100% of a full quota over the quarters since the start.
        assert!(
            !ramp.is_empty() && ramp.iter().zip(1..).all(|(q, k)| *q == k * ramp[0]),
            "seed {seed}: {ramp:?}"
        );

        // Compare reps who closed enough to have a win rate.
        let seasoned: Vec<_> = reps
            .iter()
            .filter(|r| r.deals_won + r.deals_lost >= 10)
            .collect();
        let mut rates: Vec<f64> = seasoned.iter().map(|r| r.win_rate().unwrap()).collect();
        rates.sort_by(f64::total_cmp);
        let median_rate = rates[rates.len() / 2];
        let mut calls: Vec<u64> = reps.iter().map(|r| r.activities.calls).collect();
        calls.sort_unstable();
        let median_calls = calls[calls.len() / 2];

        let busy = truth.rep_of(Archetype::BusyLowConversion).unwrap();
        assert!(
            reps.iter()
                .all(|r| r.name == busy.name || r.activities.calls < busy.activities.calls)
        );
        assert!(
            busy.win_rate().unwrap() < median_rate,
            "seed {seed}: busy converts below the median"
        );

        let sharp = truth.rep_of(Archetype::FewCallsHighWin).unwrap();
        assert!(sharp.activities.calls < median_calls);
        // The app's demo has the few-calls rep with the best win rate; other seeds have them among the best
        // two. (The generator changed from SplitMix64 to PCG: of seeds 0..60, PCG gives one, seed 4, where a
        // solid rep wins 0.416 against their 0.385; SplitMix64 gave none.)
        let above = seasoned
            .iter()
            .filter(|r| r.win_rate().unwrap() > sharp.win_rate().unwrap())
            .count();
        let allowed = if seed == DEFAULT_SEED { 0 } else { 1 };
        assert!(above <= allowed, "seed {seed}: {rates:?}");

        let big = truth.rep_of(Archetype::BigDealsLongCycles).unwrap();
        let largest = reps
            .iter()
            .filter(|r| r.deals_won > 0)
            .max_by_key(|r| r.average_won_cents().unwrap())
            .unwrap();
        assert_eq!(largest.name, big.name, "seed {seed}");

        // The forecast habits, in the generator's own terms: the optimist's Commit at week 6 is above what
        // they then book in most quarters, the sandbagger's below.
        let optimist = truth.rep_with(Habit::Optimistic).unwrap();
        let sandbagger = truth.rep_with(Habit::Sandbagger).unwrap();
        let over = |r: &RepTruth| {
            r.commit_calls
                .iter()
                .filter(|c| c.commit_cents > c.booked_cents)
                .count()
        };
        let quarters = optimist.commit_calls.len();
        eprintln!(
            "seed {seed}: optimist over in {} of {quarters}, sandbagger over in {} ({:?})",
            over(optimist),
            over(sandbagger),
            optimist
                .commit_calls
                .iter()
                .map(|c| (c.commit_cents / 100, c.booked_cents / 100))
                .collect::<Vec<_>>()
        );
        assert!(quarters >= 5, "seed {seed}: {quarters} quarters");
        assert!(
            2 * over(optimist) > quarters,
            "seed {seed}: {:?}",
            optimist.commit_calls
        );
        assert!(
            2 * over(sandbagger) < quarters,
            "seed {seed}: {:?}",
            sandbagger.commit_calls
        );

        let s = &truth.story;
        assert!(
            s.renewal_deals > 0 && s.expansion_deals > 0 && s.new_business_deals > s.renewal_deals
        );
        assert!(s.reopened_deals > 0 && s.slipped_deals > 0 && s.skipped_stage_deals > 0);
        assert!(
            s.stale_open_deals > 0 && s.past_due_open_deals > 0 && s.open_deals_closing_later > 0
        );
        assert!(
            s.closes_in_last_two_weeks_of_quarter as f64 / s.closes as f64 > 0.22,
            "seed {seed}: {s:?}"
        );
    }
    assert!(demo().truth.story.big_deals_won > 0);
}

#[test]
fn the_files_look_like_their_exports() {
    let text = |files: &[DemoFile], i: usize| String::from_utf8(files[i].bytes.clone()).unwrap();
    let sf = demo().salesforce_files();
    let report = text(sf, 0);
    assert!(report.starts_with(
        "\"Opportunity ID\",\"Opportunity Name\",\"Account Name\",\"Opportunity Owner\""
    ));
    let tail: Vec<&str> = report.lines().rev().take(5).collect();
    assert_eq!(
        tail,
        [
            "\"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"",
            "\"Confidential Information - Do Not Distribute\"",
            "",
            &format!("\"Grand Totals ({} records)\"", {
                let n = demo().truth.totals.deals;
                format!("{},{:03}", n / 1000, n % 1000)
            }),
            "",
        ]
    );
    assert!(report.contains("\"USD "));
    let history = text(sf, 1);
    assert!(
        history
            .starts_with("\"Id\",\"OpportunityId\",\"CreatedById\",\"CreatedDate\",\"StageName\"")
    );
    let hubspot = demo().hubspot_files();
    assert!(
        hubspot[0]
            .bytes
            .starts_with("\u{feff}\"Record ID\"".as_bytes())
    );
    assert!(text(hubspot, 0).contains("\"Date entered \"\"Closed Won (New Business)\"\"\""));
    let calls = text(hubspot, 1);
    let longest = calls
        .lines()
        .skip(1)
        .map(|line| line.split("\",\"").nth(4).unwrap().parse::<u64>().unwrap())
        .max()
        .unwrap();
    assert!(
        longest > 1_000_000,
        "call durations are in milliseconds: {longest}"
    );
    assert_eq!(
        text(sf, 3),
        text(hubspot, 3),
        "the same teams file in both sets"
    );
    assert_eq!(
        text(sf, 4),
        text(hubspot, 4),
        "the same quotas file in both sets"
    );
    assert!(text(sf, 4).contains(",2026-Q1,"));
}

#[test]
fn generation_time_is_reported() {
    let started = std::time::Instant::now();
    let demo = generate(as_of(), DEFAULT_SEED);
    let elapsed = started.elapsed();
    let bytes: usize = demo
        .salesforce_files()
        .iter()
        .chain(demo.hubspot_files())
        .map(|f| f.bytes.len())
        .sum();
    eprintln!(
        "demo generated in {elapsed:?}: {} deals, {} activities, {bytes} bytes in both sets",
        demo.truth.totals.deals,
        demo.truth.totals.activities.total() + demo.truth.totals.open_tasks
    );
    assert!(elapsed.as_secs() < 60);
}
/// `cargo test --no-default-features --test demo write_demo_files -- --ignored` writes both sets and the truth
/// to `target/tmp/demo/` to look at.
#[test]
#[ignore]
fn write_demo_files() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("demo");
    std::fs::create_dir_all(&dir).unwrap();
    let demo = demo();
    for f in demo.salesforce_files().iter().chain(demo.hubspot_files()) {
        std::fs::write(dir.join(&f.name), &f.bytes).unwrap();
    }
    let truth = serde_json::to_string_pretty(&demo.truth).unwrap();
    std::fs::write(dir.join("truth.json"), truth).unwrap();
    eprintln!("wrote {}", dir.display());
}

/// This week's files, then last week's Opportunities report taken on its day (the older export).
fn with_last_week(session_files: &[DemoFile]) -> Vec<(String, Vec<u8>, ImportOptions)> {
    let this_week = ImportOptions {
        taken_on: Some(as_of()),
        ..ImportOptions::default()
    };
    session_files
        .iter()
        .map(|f| (f.name.clone(), f.bytes.clone(), this_week.clone()))
        .chain(std::iter::once((
            demo().last_week.name.clone(),
            demo().last_week.bytes.clone(),
            ImportOptions {
                taken_on: Some(demo().last_week_on),
                ..ImportOptions::default()
            },
        )))
        .collect()
}

/// The app loads the demo through one request the engine answers in its worker: the same files, imported
/// the same way (taken on the as-of date, last week's report on its day), so the same model as importing
/// the generated files one by one.
#[test]
fn load_demo_is_the_import_of_the_demo_files() {
    use pipelens::engine::protocol::{DemoFiles, LoadDemo};
    let mut by_hand = support::session_with(with_last_week(&demo().files), None);
    let Overview { model: by_hand, .. } = by_hand.ask(Summary {}).unwrap();
    let by_hand = *by_hand;
    let mut session = Session::new();
    let loaded = session
        .ask(LoadDemo {
            as_of: as_of(),
            seed: DEFAULT_SEED,
        })
        .unwrap();
    let names: Vec<&str> = loaded
        .files
        .iter()
        .map(|f| f.report.file.as_str())
        .collect();
    let expected: Vec<&str> = demo()
        .files
        .iter()
        .chain([&demo().last_week])
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, expected);
    let Overview { model, .. } = session.ask(Summary {}).unwrap();
    assert_eq!(*model, by_hand);
    // The downloads are the same files as text, in each CRM's set.
    for style in [Style::Salesforce, Style::Hubspot] {
        let set = session
            .ask(DemoFiles {
                as_of: as_of(),
                seed: DEFAULT_SEED,
                style,
            })
            .unwrap();
        let want: Vec<(String, String)> = demo()
            .files_in(style)
            .iter()
            .map(|f| (f.name.clone(), String::from_utf8(f.bytes.clone()).unwrap()))
            .collect();
        let got: Vec<(String, String)> = set.files.into_iter().map(|f| (f.name, f.text)).collect();
        assert_eq!(got, want);
    }
}

/// The forecast's view of the demo's habits, through the engine: for every past quarter, a forecast as of
/// its week-6 day rebuilds each deal from the history rows on or before that day, and its Commit roll-up for
/// the optimist and the sandbagger is the one the generator recorded (so `OpportunityHistory.csv` carries
/// each call as it was then, not today's category). The optimist's Commit is above what they went on to
/// book in most quarters, the sandbagger's below in most. The model's backtest bias on the demo is small:
/// the band is ±0.2, the size of the run-rate baselines' bias here (pace about −0.23, the CRM-weighted
/// pipeline −0.19) and about what a backtest of five quarters can tell from zero when a quarter's misses
/// run to 0.2 or 0.3 either way. A demo whose model is further off than its own baselines would show a
/// prospect a broken forecast, or a broken demo: this is an honesty check, not a target to tune to.
#[test]
fn the_demo_forecast_sees_the_optimist_and_the_sandbagger_and_is_not_biased() {
    use pipelens::engine::forecast::report::{BacktestReport, ForecastReport};
    use pipelens::engine::forecast::{BacktestSettings, ForecastPeriod, ForecastSettings, Grain};
    use pipelens::engine::metrics::MetricSettings;
    use pipelens::engine::metrics::period::PeriodSpec;
    use pipelens::engine::protocol::{Backtest, Backtested, Forecast, Forecasted};

    let truth = &demo().truth;
    let (mut session, _, _) = import(demo().salesforce_files());
    let metrics = |day: NaiveDate| MetricSettings {
        as_of: Some(day),
        ..MetricSettings::default()
    };
    for habit in [Habit::Optimistic, Habit::Sandbagger] {
        let rep = truth.rep_with(habit).unwrap();
        assert!(rep.commit_calls.len() >= 5, "{:?}", rep.commit_calls);
        let mut over = 0;
        for call in &rep.commit_calls {
            let Forecasted { report } = session
                .ask(Forecast {
                    settings: Box::new(ForecastSettings {
                        metrics: metrics(call.on),
                        period: ForecastPeriod::Named {
                            spec: PeriodSpec::Quarter {
                                year: call.on.year(),
                                quarter: call.on.month0() / 3 + 1,
                            },
                        },
                        team_quota: None,
                        seed: 1,
                        draws: 500,
                    }),
                })
                .unwrap();
            let report: ForecastReport = *report;
            let row = report.reps.iter().find(|r| r.rep == rep.name).unwrap();
            let commit = row.commit.unwrap();
            assert!(
                (commit - call.commit_cents as f64 / 100.0).abs() < 0.5,
                "{} {}: the engine's Commit {commit} against the generator's {call:?}",
                rep.name,
                call.period
            );
            over += usize::from(commit > call.booked_cents as f64 / 100.0);
        }
        let quarters = rep.commit_calls.len();
        eprintln!(
            "{} ({habit:?}): Commit at week 6 above bookings in {over} of {quarters} quarters",
            rep.name
        );
        match habit {
            Habit::Optimistic => assert!(2 * over > quarters, "{over} of {quarters}"),
            _ => assert!(2 * over < quarters, "{over} of {quarters}"),
        }
    }

    // The backtest as of the tests' day, and as of a day whose history starts five weeks before a quarter
    // ends (the day the issue's figures came from: the part-booked quarter once taught the shock +0.45).
    let later = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let later_session = import(generate(later, DEFAULT_SEED).salesforce_files()).0;
    for (day, mut s) in [(as_of(), session), (later, later_session)] {
        let Backtested { report } = s
            .ask(Backtest {
                settings: Box::new(BacktestSettings {
                    metrics: metrics(day),
                    grain: Grain::Quarter,
                    seed: 42,
                    draws: 500,
                }),
            })
            .unwrap();
        let report: BacktestReport = *report;
        let model = report.methods.iter().find(|m| m.name == "model").unwrap();
        let bias = model.bias.unwrap();
        eprintln!(
            "demo as of {day}, quarterly backtest: {} origins in {} quarters, model WAPE {:?}, bias {bias:.3}, P10–P90 {:?}",
            report.origins, report.periods, model.wape, model.interval_coverage
        );
        assert!(report.periods >= 4, "{}", report.periods);
        assert!(
            bias.abs() < 0.2,
            "as of {day}, the model's bias on the demo is {bias}"
        );
    }
}

/// Last week's report is the same world a week earlier: added to this week's files it changes no metric (its
/// rows are the deals' states on that day, which the history already holds), and What changed between the
/// two is the week's real movements — start + every step = end — with every deal of last week found again
/// (no id naming another deal).
#[test]
fn last_weeks_report_changes_no_number_and_gives_the_weeks_waterfall() {
    use pipelens::engine::metrics::MetricSettings;
    use pipelens::engine::protocol::{Changes, Metrics};
    let settings = MetricSettings {
        as_of: Some(as_of()),
        ..MetricSettings::default()
    };
    let metrics = |session: &mut Session| {
        let report = session
            .ask(Metrics {
                settings: Box::new(settings.clone()),
            })
            .unwrap()
            .report;
        serde_json::to_value((
            &report.team,
            &report.reps,
            &report.pipeline,
            &report.process,
        ))
        .unwrap()
    };
    let (mut this_week, _, _) = import(&demo().files);
    let mut both = support::session_with(with_last_week(&demo().files), None);
    assert_eq!(metrics(&mut both), metrics(&mut this_week));

    let changes = both
        .ask(Changes {
            settings: Box::new(settings.clone()),
            before_files: Vec::new(),
            after_files: Vec::new(),
            swap: false,
        })
        .unwrap()
        .report;
    let moved: i64 = changes.team.movements.sum_cents();
    assert_eq!(
        changes.team.start.amount_home_cents + moved,
        changes.team.end.amount_home_cents
    );
    assert!(changes.team.start.deals > 10, "{:?}", changes.team);
    let steps = pipelens::engine::changes::Movement::ALL
        .iter()
        .filter(|m| changes.team.movements.get(**m).deals > 0)
        .count();
    assert!(
        steps >= 2,
        "a week moves deals: {:?}",
        changes.team.movements
    );
    assert_eq!(
        changes.team.movements.missing.deals, 0,
        "every deal of last week is in this week's report"
    );
    assert!(
        changes
            .notes
            .iter()
            .all(|n| !n.contains("name different deals")),
        "{:?}",
        changes.notes
    );
}
