//! Import, part 2: files recognised, mapped and read into one sales model — checked on hand-made exports of
//! every source (golden summaries, insta snapshots in `tests/fixtures/model/golden/<scenario>.snap`; `BLESS=1
//! cargo test --test model` rewrites them) and on the real exports beside the repository.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use pipelens::engine::ingest::ImportOptions;
use pipelens::engine::ingest::report::FileReport;
use pipelens::engine::model::summary::ModelSummary;
use pipelens::engine::model::{
    ActivityKind, AssumptionChoice, ClosedOnFrom, DealStatus, ModelSettings, RosterChoice,
    RosterField, SalesModel,
};
use pipelens::engine::protocol::{Overview, Summary};
use pipelens::engine::session::Session;
use serde_json::{Value, json};

/// Imports every file of a folder (sorted by name) with settings, and returns the session.
fn session_of(dir: &Path, settings: &ModelSettings) -> Session {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "SOURCE.txt"))
        .collect();
    names.sort();
    support::session_of_paths(&names, settings)
}

fn summary(session: &mut Session) -> (Vec<FileReport>, ModelSummary) {
    let Overview { files, model } = session.ask(Summary {}).unwrap();
    for f in &files {
        assert_eq!(
            f.rows_read,
            f.rows_accepted + f.rows_rejected + f.rows_skipped,
            "{} balances",
            f.file
        );
        assert_eq!(
            f.rejections.len() as u64 + f.rejections_omitted,
            f.rows_rejected + f.rows_skipped,
            "{}",
            f.file
        );
    }
    (files, *model)
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "-".to_owned(), |d| d.format("%Y-%m-%d").to_string())
}

/// The golden view of a scenario: per file what it is and how it maps, the model's counts, roster, stages
/// and review list, and one line per deal and activity.
fn golden(session: &mut Session) -> Value {
    let (files, model) = summary(session);
    let m: &SalesModel = session.model().unwrap();
    let d = &m.deals;
    let files: Vec<Value> = files
        .iter()
        .map(|f| {
            json!({
                "file": f.file, "source": f.source, "kind": f.kind, "confidence": f.confidence, "layout": f.layout,
                "rows": format!("{} read = {} accepted + {} rejected + {} skipped", f.rows_read, f.rows_accepted, f.rows_rejected, f.rows_skipped),
                "mapping": f.mapping.iter().map(|e| format!("{} <- {} ({})", e.field, e.column, e.by)).collect::<Vec<_>>(),
                "assumptions": f.assumptions.iter().map(|a| format!("{} = {}: {}", a.id, a.choice, a.text)).collect::<Vec<_>>(),
                "scope": f.scope,
                "set_aside": f.rejections.iter().map(|n| format!("row {}: {:?} {}", n.row, n.kind, n.reason)).collect::<Vec<_>>(),
                "kept": f.issues.iter().map(|n| format!("row {}: {}", n.row, n.reason)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let deals: Vec<String> = (0..d.len())
        .map(|i| {
            format!(
                "{} | {} | owner {} | credited {}{} | {} | {:?} | created {} | expected {} | closed {} ({:?}) | {} {} | p {}",
                m.text(d.id[i]),
                m.text(d.name[i]),
                m.rep_name(d.owner[i]),
                m.rep_name(d.credited[i]),
                if d.owner_assumed_current[i] { " (assumed current)" } else { "" },
                m.text(d.stage_raw[i]),
                d.status[i],
                date(d.created_on[i]),
                date(d.expected_close_on[i]),
                date(d.closed_on[i]),
                d.closed_on_from[i],
                d.amount_cents[i].map_or("-".to_owned(), |c| format!("{:.2}", c as f64 / 100.0)),
                m.text(d.currency[i]),
                d.probability[i].map_or("-".to_owned(), |p| format!("{p:.2}")),
            )
        })
        .collect();
    let a = &m.activities;
    let activities: Vec<String> = (0..a.len())
        .map(|i| {
            format!(
                "{} | {:?} | {} | done {:?} | {}s | connected {:?} | deal {}",
                m.rep_name(a.rep[i]),
                a.kind[i],
                a.at[i].map_or("-".to_owned(), |t| t.format("%Y-%m-%d %H:%M").to_string()),
                a.done[i],
                a.duration_s[i].map_or("-".to_owned(), |s| s.to_string()),
                a.connected[i],
                a.deal[i].map_or("-".to_owned(), |x| m.text(d.id[x as usize]).to_owned()),
            )
        })
        .collect();
    json!({
        "files": files,
        "deals": model.deals,
        "reps": model.reps.iter().map(|r| format!("{}: owns {}, credited {}, {} activities{}{}{}", r.name, r.deals_owned, r.deals_credited, r.activities,
            r.team.as_ref().map_or(String::new(), |t| format!(", team {t}")), r.manager.as_ref().map_or(String::new(), |t| format!(", manager {t}")),
            r.review.as_ref().map_or(String::new(), |t| format!(" [review: {t}]")))).collect::<Vec<_>>(),
        "stages": model.stages.iter().map(|s| format!("{}{} -> {:?} #{} {:?} ({} deals){}; order from {}; outcome from {}",
            if s.pipeline.is_empty() { String::new() } else { format!("{} · ", s.pipeline) }, s.raw, s.standard, s.order, s.outcome, s.deals,
            if s.history_only { ", history only" } else { "" }, s.order_from, s.outcome_from)).collect::<Vec<_>>(),
        "review": model.review.iter().map(|r| format!("{} [{}]{}", r.description, r.key, if r.excluded { " excluded" } else { "" })).collect::<Vec<_>>(),
        "merges": model.merges.iter().map(|m| &m.text).collect::<Vec<_>>(),
        "warnings": model.warnings,
        "deal_lines": deals,
        "activity_lines": activities,
        "quotas": m.quotas.iter().map(|q| format!("{} {}..{} {:.2} {:?}", m.rep_name(q.rep), q.period_start, q.period_end, q.amount_cents as f64 / 100.0, q.currency)).collect::<Vec<_>>(),
        "history": (0..m.history.len()).map(|i| format!("{} {} {:?} changed {}", m.text(d.id[m.history.deal[i] as usize]), m.history.at[i], m.history.stage[i].and_then(|s| m.stages.get(s)).map(|e| e.raw.as_str()), m.history.stage_changed[i])).collect::<Vec<_>>(),
    })
}

#[test]
fn every_source_scenario_matches_its_golden_summary() {
    let root = support::fixture("model");
    let mut scenarios: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "golden"))
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 8, "{scenarios:?}");
    support::assert_golden(
        "model/golden",
        scenarios.into_iter().map(|dir| {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let summary = golden(&mut session_of(&dir, &ModelSettings::default()));
            (name, dir, serde_json::to_string_pretty(&summary).unwrap())
        }),
    );
}

fn scenario(name: &str, settings: &ModelSettings) -> Session {
    session_of(&support::fixture(&format!("model/{name}")), settings)
}

#[test]
fn every_source_is_recognised_as_what_it_is() {
    for (name, expected) in [
        (
            "hubspot",
            vec![
                ("hubspot", "deals", "sure"),
                ("hubspot", "activities", "sure"),
            ],
        ),
        (
            "pipedrive",
            vec![
                ("pipedrive", "activities", "sure"),
                ("pipedrive", "deals", "sure"),
            ],
        ),
        (
            "zoho",
            vec![("zoho", "deals", "sure"), ("zoho", "stage_history", "sure")],
        ),
        ("close", vec![("close", "deals", "sure")]),
        ("salesforce-report", vec![("salesforce", "deals", "sure")]),
        (
            "salesforce-api",
            vec![
                ("salesforce", "deals", "sure"),
                ("salesforce", "field_history", "sure"),
                ("salesforce", "stage_history", "sure"),
                ("salesforce", "users", "sure"),
            ],
        ),
        (
            "generic-eu",
            vec![
                ("generic", "teams", "guess"),
                ("generic", "deals", "guess"),
                ("generic", "quotas", "guess"),
            ],
        ),
    ] {
        let (files, _) = summary(&mut scenario(name, &ModelSettings::default()));
        let got: Vec<(&str, &str, &str)> = files
            .iter()
            .map(|f| (f.source.as_str(), f.kind.as_str(), f.confidence.as_str()))
            .collect();
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn owner_history_credits_the_owner_at_close() {
    let mut session = scenario("salesforce-api", &ModelSettings::default());
    let m = session.model().unwrap();
    let d = &m.deals;
    let acme = (0..d.len())
        .find(|&i| m.text(d.name[i]) == "Acme renewal")
        .unwrap();
    // Owned by Sam at the close (2026-02-10), moved back to Dana on 2026-03-01.
    assert_eq!(m.rep_name(d.owner[acme]), "Sam Ortiz");
    assert_eq!(m.rep_name(d.credited[acme]), "Sam Ortiz");
    assert!(!d.owner_assumed_current[acme]);
    assert_eq!(
        (d.closed_on_from[acme], date(d.closed_on[acme])),
        (ClosedOnFrom::History, "2026-02-08".to_owned())
    );
    let globex = (0..d.len())
        .find(|&i| m.text(d.name[i]) == "Globex pilot")
        .unwrap();
    assert!(
        d.owner_assumed_current[globex],
        "no owner change covers Globex"
    );
    let (files, model) = summary(&mut session);
    assert!(
        !model.reps.iter().any(|r| r.name == "Integration User"),
        "users who own nothing are not reps"
    );
    let history = files.iter().find(|f| f.kind == "stage_history").unwrap();
    assert_eq!(
        history.rows_skipped, 1,
        "the history of a deal not imported is set aside"
    );
}

#[test]
fn a_day_first_column_is_decided_by_its_values_and_can_be_flipped() {
    let mut session = scenario("salesforce-report", &ModelSettings::default());
    let (files, _) = summary(&mut session);
    let close = files[0]
        .assumptions
        .iter()
        .find(|a| a.id == "date_order:Close Date")
        .unwrap();
    assert_eq!(close.choice, "day_first");
    assert!(close.text.contains("16/10/2025"), "{}", close.text);
    let m = session.model().unwrap();
    assert_eq!(date(m.deals.expected_close_on[0]), "2025-10-16");
    // Flipped by the user: month-first makes '16/10/2025' unreadable, and the row says so.
    let settings = ModelSettings {
        assumptions: vec![AssumptionChoice {
            file: None,
            id: "date_order:Close Date".into(),
            choice: "month_first".into(),
        }],
        ..ModelSettings::default()
    };
    let mut flipped = scenario("salesforce-report", &settings);
    let (files, _) = summary(&mut flipped);
    assert!(
        files[0].issues.iter().any(|n| n.value == "16/10/2025"),
        "{:?}",
        files[0].issues
    );
    assert_eq!(
        date(flipped.model().unwrap().deals.expected_close_on[1]),
        "2025-01-11"
    );
}

#[test]
fn review_list_is_conservative_and_exclusion_is_undoable() {
    let mut session = scenario("review", &ModelSettings::default());
    let (_, model) = summary(&mut session);
    let keys: BTreeSet<&str> = model.review.iter().map(|r| r.key.as_str()).collect();
    // A2 is A1 entered twice; A3 is the same account buying again a month later: business, not a duplicate.
    assert!(keys.contains("duplicate:A2"), "{keys:?}");
    assert!(
        !keys.contains("duplicate:A3") && !keys.contains("duplicate:A4"),
        "{keys:?}"
    );
    assert!(keys.contains("test:A5"), "{keys:?}");
    assert!(
        keys.iter()
            .any(|k| k.starts_with("rep:") && k.contains("integration")),
        "{keys:?}"
    );
    assert_eq!(model.deals.flagged, 2);
    assert_eq!(
        model.deals.excluded, 0,
        "flagged deals stay in the numbers until excluded"
    );
    let settings = ModelSettings {
        excluded: vec!["duplicate:A2".into()],
        ..ModelSettings::default()
    };
    let mut excluded = scenario("review", &settings);
    let (_, model) = summary(&mut excluded);
    assert_eq!(model.deals.excluded, 1);
    assert!(
        model
            .review
            .iter()
            .any(|r| r.key == "duplicate:A2" && r.excluded)
    );
}

/// Regression: excluding a person flagged as not a rep left them in every per-rep number (only deals on the
/// review list were excluded).
#[test]
fn a_person_excluded_as_not_a_rep_leaves_the_reps_but_not_the_totals() {
    let mut session = scenario("review", &ModelSettings::default());
    let (_, before) = summary(&mut session);
    let key = before
        .review
        .iter()
        .find(|r| r.key.starts_with("rep:") && r.key.contains("integration"))
        .map(|r| r.key.clone())
        .unwrap();
    let owned = |m: &SalesModel| {
        let ix = m
            .reps
            .iter()
            .position(|r| format!("rep:{}", r.key) == key)
            .unwrap() as u32;
        m.deals.owner.iter().filter(|o| **o == Some(ix)).count()
    };
    assert!(
        owned(session.model().unwrap()) > 0,
        "the integration user owns deals in this scenario"
    );
    let settings = ModelSettings {
        excluded: vec![key.clone()],
        ..ModelSettings::default()
    };
    let mut excluded = scenario("review", &settings);
    let (_, after) = summary(&mut excluded);
    assert_eq!(
        after.deals.total, before.deals.total,
        "their deals still count in the team's totals"
    );
    assert_eq!(owned(excluded.model().unwrap()), 0);
    assert!(after.review.iter().any(|r| r.key == key && r.excluded));
}

#[test]
fn roster_facts_set_by_hand_replace_the_files_and_bad_dates_are_said() {
    let (_, before) = summary(&mut scenario("generic-eu", &ModelSettings::default()));
    let jose = before.reps.iter().find(|r| r.name == "José Núñez").unwrap();
    assert_eq!(jose.team.as_deref(), Some("Iberia"));
    assert_eq!(
        jose.started_on.map(|d| d.to_string()).as_deref(),
        Some("2024-03-01")
    );
    let choice = |field, value: &str| RosterChoice {
        rep: jose.key.clone(),
        field,
        value: value.into(),
    };
    let settings = ModelSettings {
        roster: vec![
            choice(RosterField::Team, "Nordics"),
            choice(RosterField::Team, " France "),
            choice(RosterField::Manager, ""),
            choice(RosterField::Role, "SDR"),
            choice(RosterField::StartedOn, "2025-01-15"),
            choice(RosterField::EndedOn, "31/12/2025"),
            RosterChoice {
                rep: "somebody@not.in.these.files".into(),
                field: RosterField::Team,
                value: "Ghosts".into(),
            },
        ],
        ..ModelSettings::default()
    };
    let mut session = scenario("generic-eu", &settings);
    let (_, after) = summary(&mut session);
    let jose = after.reps.iter().find(|r| r.name == "José Núñez").unwrap();
    assert_eq!(
        jose.team.as_deref(),
        Some("France"),
        "the latest choice wins, trimmed"
    );
    assert_eq!(
        jose.manager, None,
        "an empty value clears the files' manager"
    );
    assert_eq!(jose.role.as_deref(), Some("SDR"));
    assert_eq!(
        jose.started_on.map(|d| d.to_string()).as_deref(),
        Some("2025-01-15")
    );
    assert_eq!(jose.ended_on, None, "an unreadable date changes nothing");
    assert!(
        after.warnings.iter().any(|w| w.contains("'31/12/2025'")
            && w.contains("YYYY-MM-DD")
            && w.contains("José Núñez")),
        "{:?}",
        after.warnings
    );
    let ana = after.reps.iter().find(|r| r.name == "Ana Peña").unwrap();
    assert_eq!(
        ana.team.as_deref(),
        Some("Iberia"),
        "other reps keep the files' facts"
    );
    // The model the metrics read carries the choices too (team filter, ramped quota, active).
    let m = session.model().unwrap();
    let rep = m.reps.iter().find(|r| r.name == "José Núñez").unwrap();
    assert_eq!(rep.team.as_deref(), Some("France"));
}

#[test]
fn a_match_across_files_is_undone_by_its_key_and_any_rep_can_be_excluded() {
    let (_, before) = summary(&mut scenario("hubspot", &ModelSettings::default()));
    assert_eq!(before.merges.len(), 2, "{:?}", before.merges);
    let dana = before
        .merges
        .iter()
        .find(|m| m.text.starts_with("'Dana Reyes'"))
        .unwrap();
    let settings = ModelSettings {
        keep_apart: vec![dana.keep_apart.clone()],
        ..ModelSettings::default()
    };
    let (_, after) = summary(&mut scenario("hubspot", &settings));
    assert_eq!(after.merges.len(), 1);
    assert!(after.merges[0].text.starts_with("'Sam Ortiz'"));
    let names: Vec<(&str, u64, u64)> = after
        .reps
        .iter()
        .map(|r| (r.name.as_str(), r.deals_owned, r.activities))
        .collect();
    assert_eq!(
        names,
        [
            ("Dana Reyes", 2, 0),
            ("Sam Ortiz", 2, 1),
            (
                "Dana Reyes (hubspot-crm-exports-calls-2026-03-02.csv)",
                0,
                2
            ),
        ],
        "the calls file's Dana is one other person, with both her calls"
    );
    // Any person on the roster can be excluded, not only those the review list flags.
    let sam = &after.reps[1];
    assert!(!sam.excluded);
    let settings = ModelSettings {
        excluded: vec![format!("rep:{}", sam.key)],
        ..settings
    };
    let mut session = scenario("hubspot", &settings);
    let (_, excluded) = summary(&mut session);
    let sam = excluded
        .reps
        .iter()
        .find(|r| r.name == "Sam Ortiz")
        .unwrap();
    assert!(sam.excluded);
    assert_eq!((sam.deals_owned, sam.activities), (0, 0));
    assert_eq!(
        excluded.deals.total, after.deals.total,
        "their deals stay in the totals"
    );
}

#[test]
fn mapping_and_kind_choices_change_what_is_read() {
    let settings = ModelSettings {
        mappings: vec![pipelens::engine::model::MappingChoice {
            file: Some("report1700000000000.csv".into()),
            field: pipelens::engine::model::Field::Owner,
            column: Some("Account Name".into()),
        }],
        ..ModelSettings::default()
    };
    let mut session = scenario("salesforce-report", &settings);
    let (files, model) = summary(&mut session);
    assert!(
        files[0]
            .mapping
            .iter()
            .any(|m| m.field == "owner" && m.column == "Account Name" && m.by == "user")
    );
    assert!(
        model.reps.iter().any(|r| r.name == "Globex"),
        "{:?}",
        model.reps
    );
    let settings = ModelSettings {
        kinds: vec![pipelens::engine::model::KindChoice {
            file: Some("report1700000000000.csv".into()),
            kind: pipelens::engine::model::Kind::NotUsed,
        }],
        ..ModelSettings::default()
    };
    let (files, model) = summary(&mut scenario("salesforce-report", &settings));
    assert_eq!(
        (files[0].kind.as_str(), files[0].rows_accepted),
        ("not_used", 0)
    );
    assert_eq!(model.deals.total, 0);
}

// ---- the real exports beside the repository ----

fn real(folder: &str, test: &str) -> Option<Session> {
    let shared = support::shared_data(test)?;
    Some(session_of(
        &shared.join("real").join(folder),
        &ModelSettings::default(),
    ))
}

#[test]
fn latam_backup_gives_512_deals_8_named_owners_joined_history_and_spanish_activity_kinds() {
    let Some(mut session) = real("salesforce-export-latam", "latam_backup_model") else {
        return;
    };
    let (files, model) = summary(&mut session);
    assert_eq!(
        (
            model.deals.total,
            model.deals.won,
            model.deals.lost,
            model.deals.open
        ),
        (512, 163, 203, 146)
    );
    let m = session.model().unwrap();
    let owners: BTreeSet<&str> = m.deals.owner.iter().map(|o| m.rep_name(*o)).collect();
    assert_eq!(owners.len(), 8, "{owners:?}");
    assert!(
        owners.iter().all(|o| !o.starts_with("005")),
        "owners are named through User.csv: {owners:?}"
    );
    assert_eq!(model.history_rows, 2809);
    let history_deals: BTreeSet<u32> = m.history.deal.iter().copied().collect();
    assert_eq!(
        history_deals.len(),
        512,
        "every deal has its history joined"
    );
    assert!(
        model.stage_changes < model.history_rows,
        "not every history row is a stage change"
    );
    let closed_from_history = (0..m.deals.len())
        .filter(|&i| m.deals.closed_on_from[i] == ClosedOnFrom::History)
        .count();
    assert_eq!(
        closed_from_history, 366,
        "every closed deal's close comes from its history"
    );
    // Activity kinds from Spanish subjects: an independent count of the subjects' first words.
    let task = support::shared_data("latam")
        .unwrap()
        .join("real/salesforce-export-latam/Task.csv");
    let text: String = std::fs::read(&task)
        .unwrap()
        .iter()
        .map(|&b| b as char)
        .collect();
    let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let subject = line.split("\",\"").nth(5).unwrap_or("");
        let first = subject
            .split(' ')
            .next()
            .unwrap_or("")
            .trim_end_matches(':');
        let kind = match first {
            "Email" => "email",
            "Llamada" | "Call" => "call",
            "Reunión" => "meeting",
            "Seguimiento" => "task",
            _ => "other",
        };
        *expected.entry(kind).or_default() += 1;
    }
    let a = &m.activities;
    let task_file = files.iter().position(|f| f.file == "Task.csv").unwrap() as u32;
    let mut got: BTreeMap<&str, usize> = BTreeMap::new();
    for i in (0..a.len()).filter(|&i| a.file[i] == task_file) {
        *got.entry(a.kind[i].label()).or_default() += 1;
    }
    assert_eq!(got, expected);
    let stages: Vec<(&str, u32)> = model
        .stages
        .iter()
        .map(|s| (s.raw.as_str(), s.order))
        .collect();
    assert_eq!(
        stages,
        [
            ("Interes", 1),
            ("Diseño Propuesta", 2),
            ("Presentación Propuesta", 3),
            ("Negociación", 4),
            ("Firmas", 5),
            ("Closed Won", 6),
            ("Closed Lost", 7)
        ]
    );
    let not_used: BTreeSet<&str> = files
        .iter()
        .filter(|f| f.kind == "not_used")
        .map(|f| f.file.as_str())
        .collect();
    assert_eq!(
        not_used,
        BTreeSet::from([
            "FiscalYearSettings.csv",
            "Territory2.csv",
            "UserRole.csv",
            "UserTerritory2Association.csv"
        ])
    );
    assert!(
        a.deal.iter().flatten().count() > 0,
        "activities whose WhatId is an opportunity link to it"
    );
    let _ = ActivityKind::Call;
}

#[test]
fn maven_gives_8800_deals_over_30_agents_with_managers_and_offices() {
    let Some(mut session) = real("maven-crm-sales-opportunities", "maven_model") else {
        return;
    };
    let (files, model) = summary(&mut session);
    assert_eq!(
        (
            model.deals.total,
            model.deals.won,
            model.deals.lost,
            model.deals.open
        ),
        (8800, 4238, 2473, 2089)
    );
    let m = session.model().unwrap();
    let owners: BTreeSet<u32> = m.deals.owner.iter().flatten().copied().collect();
    assert_eq!(owners.len(), 30);
    for owner in owners {
        let rep = &m.reps[owner as usize];
        assert!(
            rep.manager.is_some() && rep.team.is_some(),
            "{} has a manager and an office",
            rep.name
        );
    }
    // Independently: count each agent's won deals from the CSV text itself.
    let path = support::shared_data("maven")
        .unwrap()
        .join("real/maven-crm-sales-opportunities/sales_pipeline.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut won: BTreeMap<String, usize> = BTreeMap::new();
    let mut blank_accounts = 0;
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        if cols[4] == "Won" {
            *won.entry(cols[1].to_owned()).or_default() += 1;
        }
        blank_accounts += usize::from(cols[3].is_empty());
    }
    for (agent, n) in &won {
        let ix = m.reps.iter().position(|r| &r.name == agent).unwrap() as u32;
        let got = (0..m.deals.len())
            .filter(|&i| m.deals.owner[i] == Some(ix) && m.deals.status[i] == DealStatus::Won)
            .count();
        assert_eq!(got, *n, "{agent}");
    }
    assert_eq!(blank_accounts, 1425);
    assert_eq!(
        m.deals
            .account
            .iter()
            .filter(|a| m.text(**a).is_empty())
            .count(),
        1425
    );
    assert_eq!(
        model.deals.flagged, 0,
        "same account, same product, same month is business: nothing flagged"
    );
    assert_eq!(
        files.iter().filter(|f| f.kind == "not_used").count(),
        2,
        "accounts.csv and products.csv are listed as not used"
    );
}

#[test]
fn sample_org_and_olist_import_with_every_row_accounted_for() {
    let Some(mut org) = real("salesforce-export-sample-org", "sample_org_model") else {
        return;
    };
    let (files, model) = summary(&mut org);
    assert_eq!(model.deals.total, 31);
    assert!(
        files
            .iter()
            .all(|f| f.rows_read == f.rows_accepted + f.rows_rejected + f.rows_skipped)
    );
    assert!(
        model.warnings.iter().any(|w| w.contains("User.csv")),
        "owner ids without a users file are explained"
    );
    let Some(mut olist) = real("olist-marketing-funnel", "olist_model") else {
        return;
    };
    let (files, model) = summary(&mut olist);
    assert_eq!(
        (model.deals.total, model.deals.won),
        (842, 842),
        "no stage column: every closed deal is a won deal"
    );
    let deals = files.iter().find(|f| f.kind == "deals").unwrap();
    assert!(
        deals
            .assumptions
            .iter()
            .any(|a| a.id == "outcome_without_stage" && a.choice == "won")
    );
    let m = olist.model().unwrap();
    let dated = m.deals.created_on.iter().filter(|c| c.is_some()).count();
    assert_eq!(
        dated, 842,
        "each deal is dated by its lead's first contact (joined by mql_id)"
    );
}

/// Imports (name, text) pairs into a fresh session.
fn session_from(files: &[(&str, &str)]) -> Session {
    support::session_with(
        files.iter().map(|(name, text)| {
            (
                (*name).to_owned(),
                text.as_bytes().to_vec(),
                ImportOptions::default(),
            )
        }),
        None,
    )
}

/// Regression (found by the demo generator): a Salesforce report's 15-character ids did not join the
/// 18-character ids of OpportunityHistory.csv, so the history was skipped.
#[test]
fn report_ids_of_15_characters_join_data_export_ids_of_18() {
    let report = "\"Opportunity ID\",\"Opportunity Name\",\"Account Name\",\"Opportunity Owner\",\"Amount\",\"Close Date\",\"Created Date\",\"Stage\",\"Probability (%)\",\"Forecast Category\",\"Fiscal Period\"\n\
        \"0068a00001keiIU\",\"Acme - Platform\",\"Acme\",\"Dana Reyes\",\"USD 1,000.00\",\"9/16/2024\",\"6/27/2024\",\"Closed Won\",\"100%\",\"Closed\",\"Q3-2024\"\n";
    let history = "\"Id\",\"OpportunityId\",\"CreatedDate\",\"StageName\",\"Amount\",\"CloseDate\"\n\
        \"0088a00001kyFu6AAE\",\"0068a00001keiIUAAY\",\"2024-06-27 10:00:00\",\"Prospecting\",\"1000\",\"2024-09-30 00:00:00\"\n\
        \"0088a00001kyFu7AAE\",\"0068a00001keiIUAAY\",\"2024-09-10 10:00:00\",\"Closed Won\",\"1000\",\"2024-09-10 00:00:00\"\n";
    let mut session = session_from(&[
        ("opportunities.csv", report),
        ("OpportunityHistory.csv", history),
    ]);
    let model = session.model().expect("a model");
    assert_eq!(model.deals.len(), 1);
    assert_eq!(model.history.len(), 2, "both history rows join the deal");
    assert_eq!(model.deals.closed_on_from[0], ClosedOnFrom::History);
    assert_eq!(
        model.deals.closed_on[0],
        chrono::NaiveDate::from_ymd_opt(2024, 9, 10)
    );
}

/// Regression (found by the demo generator): with several HubSpot pipelines only the first
/// `Date entered "Closed Won (…)"` column was read, so a Renewals win was dated by its Close Date.
#[test]
fn every_hubspot_date_entered_closed_won_column_dates_the_win() {
    let deals = "\"Record ID\",\"Deal Name\",\"Deal Stage\",\"Pipeline\",\"Deal owner\",\"Amount\",\"Close Date\",\"Create Date\",\"Date entered \"\"Closed Won (New Business)\"\"\",\"Date entered \"\"Closed Won (Renewals)\"\"\"\n\
        \"1\",\"A\",\"Closed Won\",\"New Business\",\"Dana Reyes\",\"100\",\"2026-01-31 10:00\",\"2025-12-01 10:00\",\"2026-01-15 10:00\",\"\"\n\
        \"2\",\"B\",\"Closed Won\",\"Renewals\",\"Dana Reyes\",\"100\",\"2026-01-31 10:00\",\"2025-12-01 10:00\",\"\",\"2026-01-20 10:00\"\n";
    let mut session = session_from(&[("hubspot-crm-exports-deals.csv", deals)]);
    let model = session.model().expect("a model");
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 1, d);
    assert_eq!(model.deals.closed_on, vec![day(15), day(20)]);
}
