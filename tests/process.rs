//! Metrics, part 2: process (funnel, transitions, time in stage, stalled), pipeline health (coverage, slips,
//! pushes, aging, staleness, concentration, pipeline created), activity, team context and explain — every
//! number checked against values worked out by hand from `tests/fixtures/metrics2` (the comments in each test go deal
//! by deal) — and the model's reading of two exports of the same deals taken on different days.
//!
//! Period: Q1 2026 (2026-01-01 – 2026-03-31), as of Sunday 2026-03-15 unless a test says otherwise.

mod support;

use pipelens::engine::EngineError;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use pipelens::engine::ingest::ImportOptions;
use pipelens::engine::ingest::report::FileReport;
use pipelens::engine::metrics::activity::RepActivity;
use pipelens::engine::metrics::compute::{
    MetricSettings, MetricsReport, Prepared, RepMetrics, compute,
};
use pipelens::engine::metrics::definitions::{Direction, Verdict};
use pipelens::engine::metrics::explain::explain;
use pipelens::engine::metrics::period::{DateRange, PeriodSpec};
use pipelens::engine::metrics::pipeline::{RepPipeline, Timeline};
use pipelens::engine::metrics::process::FunnelStage;
use pipelens::engine::model::{DealIx, ModelSettings, SalesModel};
use pipelens::engine::protocol::{Overview, Summary};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The model a session built from the fixture files, and every file's report after the last rebuild.
struct Loaded {
    model: SalesModel,
    files: Vec<FileReport>,
}

impl Loaded {
    fn model(&self) -> &SalesModel {
        &self.model
    }

    fn file(&self, name: &str) -> &FileReport {
        self.files
            .iter()
            .find(|f| f.file == name)
            .unwrap_or_else(|| panic!("no file {name}"))
    }
}

/// Imports fixture files in this order, each with the day its export was taken (if said).
fn load(files: &[(&str, Option<NaiveDate>)]) -> Loaded {
    let dir = support::fixture("metrics2");
    let mut session = support::session_with(
        files.iter().map(|(name, taken_on)| {
            let options = ImportOptions {
                taken_on: *taken_on,
                ..ImportOptions::default()
            };
            (
                (*name).to_owned(),
                std::fs::read(dir.join(name)).unwrap(),
                options,
            )
        }),
        Some(&ModelSettings::default()),
    );
    let Overview { files, .. } = session.ask(Summary {}).unwrap();
    let model = session.model().expect("a model").clone();
    Loaded { model, files }
}

/// The five files of the main fixture: deals with their stage history, activities, teams and quotas.
fn fixture() -> Loaded {
    load(&[
        ("deals.csv", None),
        ("OpportunityHistory.csv", None),
        ("activities.csv", None),
        ("teams.csv", None),
        ("quotas.csv", None),
    ])
}

fn q1() -> MetricSettings {
    MetricSettings {
        period: PeriodSpec::Quarter {
            year: 2026,
            quarter: 1,
        },
        as_of: Some(d(2026, 3, 15)),
        ..MetricSettings::default()
    }
}

fn run(loaded: &Loaded, settings: &MetricSettings) -> MetricsReport {
    compute(loaded.model(), settings).unwrap()
}

fn rep<'a>(report: &'a MetricsReport, name: &str) -> &'a RepMetrics {
    report
        .reps
        .iter()
        .find(|r| r.rep == name)
        .unwrap_or_else(|| panic!("no rep {name}"))
}

fn pipe<'a>(report: &'a MetricsReport, name: &str) -> &'a RepPipeline {
    if name == "Team" {
        return &report.pipeline.team;
    }
    report
        .pipeline
        .reps
        .iter()
        .find(|r| r.rep == name)
        .unwrap_or_else(|| panic!("no pipeline row {name}"))
}

fn act<'a>(report: &'a MetricsReport, name: &str) -> &'a RepActivity {
    if name == "Team" {
        return &report.activity.team;
    }
    report
        .activity
        .reps
        .iter()
        .find(|r| r.rep == name)
        .unwrap_or_else(|| panic!("no activity row {name}"))
}

fn deal(model: &SalesModel, id: &str) -> usize {
    (0..model.deals.len())
        .find(|&i| model.text(model.deals.id[i]) == id)
        .unwrap_or_else(|| panic!("no deal {id}"))
}

/// The ids of some deals, sorted.
fn ids(model: &SalesModel, deals: &[DealIx]) -> Vec<String> {
    let mut v: Vec<String> = deals
        .iter()
        .map(|&i| model.text(model.deals.id[i as usize]).to_owned())
        .collect();
    v.sort();
    v
}

fn near(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

/// For values built from `f32` probabilities (0.1, 0.3, 0.8 … are not exact in `f32`).
fn near_f32(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6 * b.abs().max(1.0))
}

fn funnel_row<'a>(stages: &'a [FunnelStage], name: &str) -> &'a FunnelStage {
    stages
        .iter()
        .find(|s| s.stage == name)
        .unwrap_or_else(|| panic!("no funnel row {name}"))
}

/// (entered, converted, lost, open, won) of a funnel row.
fn counts(s: &FunnelStage) -> (u64, u64, u64, u64, u64) {
    (s.entered, s.converted, s.lost, s.open, s.won)
}

// ---------------------------------------------------------------------------------------------------------
// The files
// ---------------------------------------------------------------------------------------------------------

#[test]
fn the_fixture_files_are_recognised_and_every_row_is_accounted_for() {
    let loaded = fixture();
    let kinds: Vec<(&str, &str)> = loaded
        .files
        .iter()
        .map(|f| (f.file.as_str(), f.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("deals.csv", "deals"),
            ("OpportunityHistory.csv", "stage_history"),
            ("activities.csv", "activities"),
            ("teams.csv", "teams"),
            ("quotas.csv", "quotas"),
        ]
    );
    let mapped = |file: &str, field: &str| -> Option<String> {
        loaded
            .file(file)
            .mapping
            .iter()
            .find(|m| m.field == field)
            .map(|m| m.column.clone())
    };
    for (file, field, column) in [
        ("deals.csv", "deal_id", "Opportunity ID"),
        ("deals.csv", "owner", "Opportunity Owner"),
        ("deals.csv", "stage", "Stage"),
        ("deals.csv", "amount", "Amount"),
        ("deals.csv", "probability", "Probability (%)"),
        ("deals.csv", "expected_close", "Close Date"),
        ("deals.csv", "created", "Created Date"),
        ("deals.csv", "forecast_category", "Forecast Category"),
        ("deals.csv", "lost_reason", "Lost Reason"),
        ("deals.csv", "last_activity", "Last Activity"),
        ("OpportunityHistory.csv", "deal_id", "OpportunityId"),
        ("OpportunityHistory.csv", "at", "CreatedDate"),
        ("OpportunityHistory.csv", "stage", "StageName"),
        ("OpportunityHistory.csv", "amount", "Amount"),
        ("OpportunityHistory.csv", "expected_close", "CloseDate"),
        ("activities.csv", "activity_type", "Activity Type"),
        ("activities.csv", "at", "Date"),
        ("activities.csv", "owner", "Assigned To"),
        ("activities.csv", "done", "Done"),
        ("activities.csv", "outcome", "Disposition"),
        ("activities.csv", "deal_id", "Opportunity ID"),
        ("teams.csv", "rep", "Rep"),
        ("teams.csv", "role", "Role"),
        ("teams.csv", "started", "Start Date"),
        ("quotas.csv", "rep", "Rep"),
        ("quotas.csv", "period", "Period"),
        ("quotas.csv", "amount", "Amount"),
    ] {
        assert_eq!(
            mapped(file, field).as_deref(),
            Some(column),
            "{file}: {field}"
        );
    }
    // Every row read is used: 37 deals, 90 history rows, 22 activities, 4 team rows, 8 quotas.
    for (file, rows) in [
        ("deals.csv", 37),
        ("OpportunityHistory.csv", 90),
        ("activities.csv", 22),
        ("teams.csv", 4),
        ("quotas.csv", 8),
    ] {
        let f = loaded.file(file);
        assert!(f.balanced(), "{file}");
        assert_eq!(
            (
                f.rows_read,
                f.rows_accepted,
                f.rows_rejected,
                f.rows_skipped
            ),
            (rows, rows, 0, 0),
            "{file}: {:?}",
            f.rejections
        );
    }
    let model = loaded.model();
    assert_eq!(
        (
            model.deals.len(),
            model.history.len(),
            model.activities.len(),
            model.quotas.len()
        ),
        (37, 90, 22, 8)
    );
    // The stages order by their deals' median probability (10, 30, 50, 75), closed stages after.
    let order: BTreeMap<&str, u32> = model
        .stages
        .entries
        .iter()
        .map(|e| (e.raw.as_str(), e.order))
        .collect();
    assert_eq!(
        order.into_iter().collect::<Vec<_>>(),
        [
            ("Closed Lost", 6),
            ("Closed Won", 5),
            ("Negotiation", 4),
            ("Proposal", 3),
            ("Prospecting", 1),
            ("Qualification", 2),
        ]
    );
    let dee = model.reps.iter().find(|r| r.name == "Dee Park").unwrap();
    assert_eq!(
        (dee.role.as_deref(), dee.started_on),
        (Some("Account Executive"), Some(d(2026, 2, 16)))
    );
}

// ---------------------------------------------------------------------------------------------------------
// Process
// ---------------------------------------------------------------------------------------------------------

#[test]
fn funnel_counts_each_stages_cohort_by_first_entry_in_the_period() {
    let loaded = fixture();
    let model = loaded.model();
    let report = run(&loaded, &q1());
    let p = &report.process;
    assert!(p.available);
    assert_eq!(p.note, None, "the stage history is there");
    assert_eq!(p.unknown_paths, 0, "every closed deal has history or won");
    assert_eq!(p.team.len(), 1);
    let stages = &p.team[0].stages;
    let names: Vec<&str> = stages.iter().map(|s| s.stage.as_str()).collect();
    assert_eq!(
        names,
        ["Prospecting", "Qualification", "Proposal", "Negotiation"]
    );

    // Prospecting: the 24 deals created in Q1 (D01–D24). D14 was created straight into Qualification: it
    // skipped Prospecting and counts as having passed it, entering on 9 Feb. Pre-period deals entered it (or
    // skipped it) before 1 Jan. Lost here: D04, D18. Still here: D06, D13, D22. The other 19 moved on.
    // Won: D01, D02, D03, D11, D17, D21.
    let prospecting = funnel_row(stages, "Prospecting");
    assert_eq!(counts(prospecting), (24, 19, 2, 3, 6));
    // 24 ≥ 20 and (19 + 2) ÷ 24 = 87.5% ≥ 80% have moved on or closed: shown. 19 ÷ 24; 6 ÷ 24 = 0.25.
    assert_eq!(prospecting.hidden, None);
    assert!(near(prospecting.rate, 19.0 / 24.0));
    assert!(near(prospecting.to_won, 0.25));
    assert!(ids(model, &prospecting.deals).contains(&"D14".to_owned()));

    // Qualification: the 19 that got past Prospecting (D21 won straight from Prospecting: a won deal
    // passed every stage, entering on its close, 2 Mar) + S09 (pre-period, entered 8 Jan) = 20.
    // Moved on or won: D01 D02 D03 D05 D09 D10 D11 D15 D16 D17 D21 D24 = 12; lost here: D12, D19;
    // still here: D07 D08 D14 D20 D23 S09 = 6. (12 + 2) ÷ 20 = 70% < 80%: hidden although n = 20.
    let qualification = funnel_row(stages, "Qualification");
    assert_eq!(counts(qualification), (20, 12, 2, 6, 6));
    assert_eq!(qualification.rate, None);
    assert_eq!(
        qualification.hidden.as_deref(),
        Some("only 70% of these deals have moved on or closed (at least 80%)")
    );
    let q_ids = ids(model, &qualification.deals);
    assert!(q_ids.contains(&"S09".to_owned()) && q_ids.contains(&"D21".to_owned()));

    // Proposal: the 12 that moved past Qualification (D02 skipped Proposal, entering Negotiation on 2 Feb;
    // D21 won) + S05 (skipped Proposal, Negotiation on 12 Jan) = 13 < 20: hidden.
    // Moved on or won: D01 D02 D03 D10 D11 D16 D17 D21 S05 = 9; lost here: D05 (its last open stage);
    // still here: D15, D24 and D09 (went back to Qualification on 2 Mar: it reached Proposal, not beyond).
    let proposal = funnel_row(stages, "Proposal");
    assert_eq!(counts(proposal), (13, 9, 1, 3, 7));
    assert_eq!(
        proposal.hidden.as_deref(),
        Some("n = 13, too few to judge (at least 20)")
    );
    assert_eq!(proposal.rate, None);
    let p_ids = ids(model, &proposal.deals);
    for id in ["D02", "D21", "S05", "D09"] {
        assert!(p_ids.contains(&id.to_owned()), "{id}");
    }

    // Negotiation: D01 D02 D03 D10 D11 D16 D17 D21 S05 = 9; won 7, still here D10 and D16.
    let negotiation = funnel_row(stages, "Negotiation");
    assert_eq!(counts(negotiation), (9, 7, 0, 2, 7));
    assert_eq!(
        negotiation.hidden.as_deref(),
        Some("n = 9, too few to judge (at least 20)")
    );

    // Ann's own funnel: D01–D10 entered Prospecting; D04 lost there, D06 still there.
    let ann_ix = rep(&report, "Ann Lee").rep_ix;
    let ann = &p.by_rep[&ann_ix][0].stages;
    assert_eq!(counts(funnel_row(ann, "Prospecting")), (10, 8, 1, 1, 3));
    // Ann's Proposal: D01 D02(skipped) D03 D05 D09 D10; moved on D01 D02 D03 D10; lost D05; open D09.
    assert_eq!(counts(funnel_row(ann, "Proposal")), (6, 4, 1, 1, 3));

    // The variant counts only stages a deal entered: D14 drops out of Prospecting (23 entered, 18 moved
    // on); won deals still passed every stage, so the later rows do not change.
    let entered_only = run(
        &loaded,
        &MetricSettings {
            skipped_stages_pass: false,
            ..q1()
        },
    );
    let variant = &entered_only.process.team[0].stages;
    let prospecting = funnel_row(variant, "Prospecting");
    assert_eq!(counts(prospecting), (23, 18, 2, 3, 6));
    // (18 + 2) ÷ 23 = 87% ≥ 80%, n = 23 ≥ 20: shown, 18 ÷ 23.
    assert!(near(prospecting.rate, 18.0 / 23.0));
    assert!(!ids(model, &prospecting.deals).contains(&"D14".to_owned()));
    assert_eq!(&variant[1..], &stages[1..]);
}

#[test]
fn transitions_count_every_stage_change_in_the_period_including_a_revisit() {
    let loaded = fixture();
    let report = run(&loaded, &q1());
    let matrix: BTreeMap<(&str, &str), u64> = report
        .process
        .transitions
        .iter()
        .map(|t| ((t.from.as_str(), t.to.as_str()), t.deals))
        .collect();
    let expected: BTreeMap<(&str, &str), u64> = [
        // D01 D02 D03 D05 D07 D08 D09 D10 D11 D12 D15 D16 D17 D19 D20 D23 D24, and S09 (8 Jan).
        (("Prospecting", "Qualification"), 18),
        // D04, D18.
        (("Prospecting", "Closed Lost"), 2),
        // D21, straight from Prospecting.
        (("Prospecting", "Closed Won"), 1),
        // D01 D03 D05 D09 D10 D11 D15 D16 D17 D24.
        (("Qualification", "Proposal"), 10),
        // D02 and S05 skipped Proposal.
        (("Qualification", "Negotiation"), 2),
        // D12, D19, and S03 (lost 10 Feb).
        (("Qualification", "Closed Lost"), 3),
        // D01 D03 D10 D11 D16 D17.
        (("Proposal", "Negotiation"), 6),
        // D05.
        (("Proposal", "Closed Lost"), 1),
        // D09 went back on 2 Mar: a revisit is a transition like any other.
        (("Proposal", "Qualification"), 1),
        // D01 D02 D03 D11 D17 and S05.
        (("Negotiation", "Closed Won"), 6),
    ]
    .into_iter()
    .collect();
    assert_eq!(matrix, expected);
    // Close-date-only rows (S01 20 Feb, S02 25 Jan, S04 2 Feb, S06 6 Feb and 5 Mar) are not transitions:
    // 18 + 2 + 1 + 10 + 2 + 3 + 6 + 1 + 1 + 6 = 50.
    assert_eq!(
        report
            .process
            .transitions
            .iter()
            .map(|t| t.deals)
            .sum::<u64>(),
        50
    );
    // The same moves as the view's matrix: one pipeline, stages in order, D09's revisit the only backward
    // cell, and the same count in every cell as above.
    let [m] = report.process.transition_matrices.as_slice() else {
        panic!(
            "one matrix, got {}",
            report.process.transition_matrices.len()
        );
    };
    assert_eq!(m.total_moves, 50);
    let labels = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        m.rows
            .iter()
            .map(|r| r.from.label.clone())
            .collect::<Vec<_>>(),
        labels(vec![
            "Prospecting",
            "Qualification",
            "Proposal",
            "Negotiation"
        ])
    );
    assert_eq!(
        m.to_stages
            .iter()
            .map(|s| s.label.clone())
            .collect::<Vec<_>>(),
        labels(vec![
            "Qualification",
            "Proposal",
            "Negotiation",
            "Closed Won",
            "Closed Lost"
        ])
    );
    let mut backward = Vec::new();
    for row in &m.rows {
        assert_eq!(
            row.cells.iter().map(|c| c.moves).sum::<u64>(),
            row.total_moves
        );
        for cell in &row.cells {
            let expected = matrix
                .get(&(row.from.stage.as_str(), cell.to.as_str()))
                .copied()
                .unwrap_or(0);
            assert_eq!(cell.moves, expected, "{} → {}", row.from.stage, cell.to);
            if cell.backward {
                backward.push((row.from.stage.as_str(), cell.to.as_str()));
            }
        }
    }
    assert_eq!(backward, [("Proposal", "Qualification")]);
}

#[test]
fn time_in_stage_and_stalled_deals_come_from_the_stays_that_ended_in_the_period() {
    let loaded = fixture();
    let model = loaded.model();
    let report = run(&loaded, &q1());
    // (stage, median days, p75 days, p75 of won deals' stays, stays)
    type Row<'a> = (&'a str, Option<f64>, Option<f64>, Option<f64>, u64);
    let rows: Vec<Row> = report
        .process
        .time_in_stage
        .iter()
        .map(|t| {
            (
                t.stage.as_str(),
                t.median_days,
                t.p75_days,
                t.won_p75_days,
                t.stays,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            // 21 stays left Prospecting in Q1: fourteen of 7 days, D07 8, D03 10, D21 13, D08 14, S09 21
            // (18 Dec → 8 Jan), D04 28, D18 35. Lower median: the 11th = 7. p75: the ⌈21 × 0.75⌉ = 16th = 10.
            // Won deals' stays: 7, 7, 7, 7 (D01 D02 D11 D17), 10 (D03), 13 (D21): the 5th of 6 = 10.
            ("Prospecting", Some(7.0), Some(10.0), Some(10.0), 21),
            // 15 stays: D24 7, D03 11, eight of 14 (D01 D05 D09 D10 D11 D15 D16 D17), D02 19, S05 28,
            // D12 35, D19 35, S03 85 (17 Nov → 10 Feb). Median: the 8th = 14; p75: the 12th = 28.
            // Won: 11, 14, 14, 14, 19, 28 → the 5th = 19.
            ("Qualification", Some(14.0), Some(28.0), Some(19.0), 15),
            // 8 stays: 14 (D01 D03 D09 D16), 21 (D10 D11 D17), 26 (D05). Median: the 4th = 14; p75: the
            // 6th = 21. Won: 14, 14, 21, 21 → the 3rd = 21.
            ("Proposal", Some(14.0), Some(21.0), Some(21.0), 8),
            // 6 stays, all won: D03 16, D01 18, D11 20, D17 28, D02 30, S05 45. Median: the 3rd = 20; p75: the
            // 5th = 30.
            ("Negotiation", Some(20.0), Some(30.0), Some(30.0), 6),
        ]
    );
    // Stalled: open and in their stage (since the last stage change) longer than the won line above, as of
    // 15 Mar. Prospecting (10): D13 19 days, S08 226. Qualification (19): D07 53, D08 26, D14 34, D20 24,
    // S07 97, S09 66 (D23 18 and D09 13 — back since 2 Mar — are not). Proposal (21): D15 34, S01 104,
    // S04 104, S06 146 (D24 10 is not). Negotiation (30): S02 95 (D10 23 and D16 18 are not).
    assert_eq!(
        ids(model, &report.process.stalled),
        [
            "D07", "D08", "D13", "D14", "D15", "D20", "S01", "S02", "S04", "S06", "S07", "S08",
            "S09"
        ]
    );
    assert_eq!(report.process.stalled_count, 13);
}

// ---------------------------------------------------------------------------------------------------------
// Pipeline health
// ---------------------------------------------------------------------------------------------------------

/// The attainment and coverage charts chose their reps in the views; the report names them: the reps with a
/// quota (and on the plan, for attainment).
#[test]
fn the_attainment_and_coverage_charts_show_the_reps_the_report_names() {
    let report = run(&fixture(), &q1());
    let all = ["Ann Lee", "Bo Berg", "Cy Diaz", "Dee Park"];
    assert_eq!(report.attainment_chart, all);
    assert_eq!(report.pipeline.coverage_chart, all);

    // Without Dee's quota she has neither chart's bar, though she is still on the plan.
    let dir = support::fixture("metrics2");
    let file = |name: &str| {
        (
            name.to_owned(),
            std::fs::read(dir.join(name)).unwrap(),
            ImportOptions::default(),
        )
    };
    let quotas =
        "Rep,Period,Amount\nAnn Lee,2026-Q1,60000\nBo Berg,2026-Q1,50000\nCy Diaz,2026-Q1,40000\n";
    let mut session = support::session_with(
        [
            file("deals.csv"),
            file("OpportunityHistory.csv"),
            file("teams.csv"),
            (
                "quotas.csv".to_owned(),
                quotas.as_bytes().to_vec(),
                ImportOptions::default(),
            ),
        ],
        Some(&ModelSettings::default()),
    );
    let report = session
        .ask(pipelens::engine::protocol::Metrics {
            settings: Box::new(q1()),
        })
        .unwrap()
        .report;
    assert_eq!(report.attainment_chart, &all[..3]);
    assert_eq!(report.pipeline.coverage_chart, &all[..3]);
    assert!(report.plan.reps.iter().any(|p| p.rep == "Dee Park"));
}

#[test]
fn timeline_state_at_reads_the_last_history_row_on_or_before_a_day() {
    let loaded = fixture();
    let model = loaded.model();
    let settings = q1();
    let p = Prepared::new(model, &settings).unwrap();
    let timeline = Timeline::new(&p);
    assert!(timeline.has_close_history);
    let stage_name = |ix| model.stages.get(ix).unwrap().raw.clone();
    // S06: created 20 Oct 2025 (Proposal, 30,000, close 10 Mar); 6 Feb: 25,000, close 24 Mar; 5 Mar: 15 May.
    let s06 = deal(model, "S06");
    assert_eq!(timeline.state_at(&p, s06, d(2025, 10, 1)), None, "not yet");
    let then = timeline.state_at(&p, s06, d(2025, 12, 15)).unwrap();
    assert_eq!(
        (
            then.open,
            stage_name(then.stage),
            then.expected_close_on,
            then.amount_cents
        ),
        (
            true,
            "Proposal".to_owned(),
            Some(d(2026, 3, 10)),
            Some(3_000_000)
        )
    );
    let mid = timeline.state_at(&p, s06, d(2026, 2, 10)).unwrap();
    assert_eq!(
        (mid.expected_close_on, mid.amount_cents),
        (Some(d(2026, 3, 24)), Some(2_500_000))
    );
    let now = timeline.state_at(&p, s06, d(2026, 3, 15)).unwrap();
    assert_eq!(now.expected_close_on, Some(d(2026, 5, 15)));
    // S03: open in Qualification until it was lost on 10 Feb.
    let s03 = deal(model, "S03");
    let before = timeline.state_at(&p, s03, d(2026, 1, 25)).unwrap();
    assert_eq!(
        (
            before.open,
            stage_name(before.stage),
            before.expected_close_on
        ),
        (true, "Qualification".to_owned(), Some(d(2026, 4, 15)))
    );
    let after = timeline.state_at(&p, s03, d(2026, 2, 11)).unwrap();
    assert_eq!(
        (after.open, stage_name(after.stage)),
        (false, "Closed Lost".to_owned())
    );
    // D09 was in Proposal on 20 Feb and back in Qualification on 3 Mar.
    let d09 = deal(model, "D09");
    assert_eq!(
        stage_name(timeline.state_at(&p, d09, d(2026, 2, 20)).unwrap().stage),
        "Proposal"
    );
    assert_eq!(
        stage_name(timeline.state_at(&p, d09, d(2026, 3, 3)).unwrap().stage),
        "Qualification"
    );
    // X01 has no history: its current values all along (closed on 14 Nov 2025).
    let x01 = deal(model, "X01");
    assert!(timeline.state_at(&p, x01, d(2025, 11, 1)).unwrap().open);
    assert!(!timeline.state_at(&p, x01, d(2025, 11, 14)).unwrap().open);
}

#[test]
fn coverage_is_the_open_amount_due_by_the_period_end_over_what_is_left_to_book() {
    let loaded = fixture();
    let model = loaded.model();
    let report = run(&loaded, &q1());

    // Ann: quota 60,000; booked D01 12,000 + D02 10,000 + D03 8,000 = 30,000; gap 30,000.
    // Open, expected 15–31 Mar: S02 15,000 (27 Mar), D06 4,000 (31 Mar), D09 10,000 (20 Mar), D10 16,000
    // (31 Mar) = 45,000 → 45,000 ÷ 30,000 = 1.5. D07 (6 Mar) is past due, shown apart; S01, S08, D08 are
    // expected in Q2.
    let ann = pipe(&report, "Ann Lee");
    let c = &ann.coverage;
    assert_eq!(
        (
            c.open_deals,
            c.open_amount,
            c.quota,
            c.booked,
            c.gap,
            c.quota_met
        ),
        (4, 45000.0, Some(60000.0), 30000.0, Some(30000.0), false)
    );
    assert_eq!(ids(model, &c.deals), ["D06", "D09", "D10", "S02"]);
    assert!(near(c.coverage, 1.5));
    // Weighted: 15,000 × 0.75 + 4,000 × 0.10 + 10,000 × 0.30 (D09 has no probability: Qualification's
    // median, 20 20 25 [30] 30 35 40) + 16,000 × 0.80 = 11,250 + 400 + 3,000 + 12,800 = 27,450 → 0.915.
    assert!(near_f32(c.weighted, 27450.0 / 30000.0), "{:?}", c.weighted);
    assert_eq!(c.unweighted_deals, 0);
    // Commit + Best Case: S02 (Commit) 15,000 + D09 (Best Case) 10,000 + D10 (Commit) 16,000 = 41,000.
    assert!(near(c.commit_best_case, 41000.0 / 30000.0));
    // Against the full quota: 45,000 ÷ 60,000.
    assert!(near(c.against_full_quota, 0.75));
    assert_eq!((ann.past_due_deals, ann.past_due_amount), (1, 6000.0));
    assert_eq!(ids(model, &ann.past_due), ["D07"]);

    // Bo: quota 50,000; booked D11 9,000; gap 41,000. Open 15–31 Mar: S04 12,000 (20 Mar), D14 11,000
    // (25 Mar), D15 14,000 (18 Mar) = 37,000. Past due: S07 (31 Jan), 7,000.
    let bo = pipe(&report, "Bo Berg");
    let c = &bo.coverage;
    assert_eq!(
        (c.open_deals, c.open_amount, c.gap, c.quota_met),
        (3, 37000.0, Some(41000.0), false)
    );
    assert!(near(c.coverage, 37000.0 / 41000.0));
    // S04 has no probability: Proposal's median, 50 [50] 50 60 → 0.5. 12,000 × 0.5 + 11,000 × 0.4 +
    // 14,000 × 0.5 = 6,000 + 4,400 + 7,000 = 17,400.
    assert!(near_f32(c.weighted, 17400.0 / 41000.0), "{:?}", c.weighted);
    // S04 and D15 are Best Case (26,000); D14 is Pipeline.
    assert!(near(c.commit_best_case, 26000.0 / 41000.0));
    assert!(near(c.against_full_quota, 37000.0 / 50000.0));
    assert_eq!((bo.past_due_deals, bo.past_due_amount), (1, 7000.0));

    // Cy: quota 40,000; booked D17 24,000 + S05 18,000 = 42,000 ≥ 40,000: quota met, no coverage ratio.
    // S09 9,000 and D20 5,000 are still open for the rest of the quarter: 14,000 ÷ 40,000 of the full quota.
    let cy = pipe(&report, "Cy Diaz");
    let c = &cy.coverage;
    assert_eq!(
        (
            c.open_deals,
            c.open_amount,
            c.booked,
            c.gap,
            c.quota_met,
            c.coverage
        ),
        (2, 14000.0, 42000.0, Some(0.0), true, None)
    );
    assert_eq!((c.weighted, c.commit_best_case), (None, None));
    assert!(near(c.against_full_quota, 0.35));
    assert_eq!(cy.past_due_deals, 0);

    // Dee: quota 15,000; booked D21 6,000; gap 9,000. D23 7,000 (26 Mar) + D24 12,000 (31 Mar) = 19,000.
    // Weighted 7,000 × 0.3 + 12,000 × 0.6 = 9,300. Commit: D24 12,000.
    let dee = pipe(&report, "Dee Park");
    let c = &dee.coverage;
    assert_eq!(
        (c.open_deals, c.open_amount, c.gap),
        (2, 19000.0, Some(9000.0))
    );
    assert!(near(c.coverage, 19000.0 / 9000.0));
    assert!(near_f32(c.weighted, 9300.0 / 9000.0));
    assert!(near(c.commit_best_case, 12000.0 / 9000.0));
    assert!(near(c.against_full_quota, 19000.0 / 15000.0));

    // The team: quota 60,000 + 50,000 + 40,000 + 15,000 = 165,000; booked 87,000; gap 78,000; open
    // 45,000 + 37,000 + 14,000 + 19,000 = 115,000 over 11 deals.
    let team = pipe(&report, "Team");
    let c = &team.coverage;
    assert_eq!(
        (c.open_deals, c.open_amount, c.quota, c.booked, c.gap),
        (11, 115000.0, Some(165000.0), 87000.0, Some(78000.0))
    );
    assert!(near(c.coverage, 115000.0 / 78000.0));
    // 27,450 + 17,400 + (Cy: 9,000 × 0.35 + 5,000 × 0.25 = 4,400) + 9,300 = 58,550.
    assert!(near_f32(c.weighted, 58550.0 / 78000.0), "{:?}", c.weighted);
    // 41,000 + 26,000 + 0 + 12,000 = 79,000.
    assert!(near(c.commit_best_case, 79000.0 / 78000.0));
    assert!(near(c.against_full_quota, 115000.0 / 165000.0));
    assert_eq!((team.past_due_deals, team.past_due_amount), (2, 13000.0));

    // Required coverage needs deals open at the same point (day 73) of the last four quarters with a close
    // date in the rest of that quarter: on 13 Dec 2025 every open deal was expected in 2026, and earlier
    // quarters had no open deals expected in them. No rate, so nothing is required.
    assert!(report.pipeline.stage_win_rates.is_empty());
    for row in report.pipeline.reps.iter().chain([&report.pipeline.team]) {
        assert_eq!(row.coverage.required, None, "{}", row.rep);
    }

    // Next quarter (Apr–Jun): open deals expected in it ÷ its quota.
    assert_eq!(
        report.pipeline.next_period,
        Some(DateRange::new(d(2026, 4, 1), d(2026, 6, 30)))
    );
    // Ann: S01 20,000 + S08 5,000 + D08 9,000 = 34,000 ÷ 60,000. The same figure for this quarter 17 days
    // before it began (1 Apr − 15 Mar = 17 days; 1 Jan − 17 = 15 Dec 2025): S01 20,000 (then due 27 Feb) +
    // S02 15,000 (then due 30 Jan) = 35,000 ÷ 60,000.
    assert!(near(ann.next_period_coverage, 34000.0 / 60000.0));
    assert!(near(ann.next_period_coverage_last_time, 35000.0 / 60000.0));
    // Bo: D13 3,000 + D16 20,000 = 23,000 ÷ 50,000; on 15 Dec S03 10,000 + S07 7,000 = 17,000 ÷ 50,000.
    assert!(near(bo.next_period_coverage, 0.46));
    assert!(near(bo.next_period_coverage_last_time, 0.34));
    // Cy: S06 25,000 ÷ 40,000; on 15 Dec S06 (then 30,000, due 10 Mar) + S05 18,000 = 48,000 ÷ 40,000.
    assert!(near(cy.next_period_coverage, 0.625));
    assert!(near(cy.next_period_coverage_last_time, 1.2));
    // Dee: D22 2,000 ÷ 30,000; nothing on 15 Dec: 0 ÷ 15,000.
    assert!(near(dee.next_period_coverage, 2000.0 / 30000.0));
    assert_eq!(dee.next_period_coverage_last_time, Some(0.0));
    // Team: 84,000 ÷ (60,000 + 50,000 + 40,000 + 30,000); 100,000 ÷ 165,000.
    assert!(near(team.next_period_coverage, 84000.0 / 180000.0));
    assert!(near(
        team.next_period_coverage_last_time,
        100000.0 / 165000.0
    ));

    // Stage floor Proposal: only deals in Proposal or Negotiation. Ann: S02 15,000 + D10 16,000 = 31,000;
    // Bo: S04 12,000 + D15 14,000 = 26,000; Dee: D24 12,000; Cy: none (S09, D20 are in Qualification).
    let floored = run(
        &loaded,
        &MetricSettings {
            stage_floor: Some("Proposal".into()),
            ..q1()
        },
    );
    let open = |name: &str| {
        let c = &pipe(&floored, name).coverage;
        (c.open_deals, c.open_amount)
    };
    assert_eq!(open("Ann Lee"), (2, 31000.0));
    assert_eq!(open("Bo Berg"), (2, 26000.0));
    assert_eq!(open("Cy Diaz"), (0, 0.0));
    assert_eq!(open("Dee Park"), (1, 12000.0));
    assert_eq!(open("Team"), (5, 69000.0));
    assert!(near(
        pipe(&floored, "Ann Lee").coverage.coverage,
        31000.0 / 30000.0
    ));
    assert!(near(
        pipe(&floored, "Team").coverage.coverage,
        69000.0 / 78000.0
    ));
}

#[test]
fn pushes_pull_ins_and_slips_come_from_the_close_dates_in_the_stage_history() {
    let loaded = fixture();
    let model = loaded.model();
    let report = run(&loaded, &q1());
    assert_eq!(report.pipeline.slips_hidden, None);
    assert_eq!(report.pipeline.slip_reference, d(2026, 1, 1));
    // (pushes, deals pushed, median push days, pulled in, slip base, slipped, slipped amount)
    let row = |name: &str| {
        let r = pipe(&report, name);
        (
            r.pushes,
            r.deals_pushed,
            r.push_days_median,
            r.pulled_in,
            r.slip_base_deals,
            r.slipped_deals,
            r.slipped_amount,
        )
    };
    // Ann: S01 pushed 27 Feb → 30 Apr (62 days) on 20 Feb, S02 30 Jan → 27 Mar (56) on 25 Jan; lower
    // median of 56, 62 = 56. Open on 1 Jan and due in Q1: S01 (27 Feb), S02 (30 Jan). S01 is still open on
    // 15 Mar and due 30 Apr: slipped, with its 1 Jan amount 20,000. S02 was pushed but stays in Q1.
    assert_eq!(row("Ann Lee"), (2, 2, Some(56.0), 0, 2, 1, 20000.0));
    assert!(near(pipe(&report, "Ann Lee").slip_rate, 0.5));
    assert_eq!(ids(model, &pipe(&report, "Ann Lee").slipped), ["S01"]);
    assert_eq!(ids(model, &pipe(&report, "Ann Lee").pushed), ["S01", "S02"]);
    // Bo: S03 pushed 15 Feb → 15 Apr (59) on 20 Jan, D16 31 Mar → 15 Apr (15) on 25 Feb; median of 15, 59
    // = 15. Pulled in: S04 20 Apr → 20 Mar (2 Feb), and S03 15 Apr → 10 Feb when it was lost (its lost row
    // carries the day it closed as its close date: a change to an earlier date). Slip base: S03 (15 Feb),
    // S07 (31 Jan). S03 was lost in Q1 and S07 is past due but still expected in Q1: none slipped. D16 was
    // created after 1 Jan: not in the base although pushed out of the quarter.
    assert_eq!(row("Bo Berg"), (2, 2, Some(15.0), 2, 2, 0, 0.0));
    assert_eq!(pipe(&report, "Bo Berg").slip_rate, Some(0.0));
    assert_eq!(ids(model, &pipe(&report, "Bo Berg").pushed), ["D16", "S03"]);
    // Cy: S06 pushed twice, 10 Mar → 24 Mar (14) on 6 Feb and 24 Mar → 15 May (52) on 5 Mar: 2 pushes on
    // 1 deal, median 14. Base: S05 (26 Feb, won), S06 (10 Mar), S09 (27 Mar, unchanged). S06 slipped, with
    // its 1 Jan amount, 30,000 (cut to 25,000 on 6 Feb). 1 of 3.
    assert_eq!(row("Cy Diaz"), (2, 1, Some(14.0), 0, 3, 1, 30000.0));
    assert!(near(pipe(&report, "Cy Diaz").slip_rate, 1.0 / 3.0));
    // Dee joined in February: nothing open on 1 Jan, no rate.
    assert_eq!(row("Dee Park"), (0, 0, None, 0, 0, 0, 0.0));
    assert_eq!(pipe(&report, "Dee Park").slip_rate, None);
    // Team: pushes 62 56 59 15 14 52 → lower median of 14 15 [52] 56 59 62 = 52; slipped 2 of 7.
    assert_eq!(row("Team"), (6, 5, Some(52.0), 2, 7, 2, 50000.0));
    assert!(near(pipe(&report, "Team").slip_rate, 2.0 / 7.0));
    assert_eq!(ids(model, &pipe(&report, "Team").slipped), ["S01", "S06"]);
}

#[test]
fn aging_staleness_concentration_and_pipeline_created_per_week() {
    let loaded = fixture();
    let model = loaded.model();
    let report = run(&loaded, &q1());
    let team = pipe(&report, "Team");
    // 20 open deals on 15 Mar, ages in days: 0–30: D22 5, D06 6, D13 19, D24 24, D23 25; 31–60: D20 31,
    // D14 34, D08 40, D09 48, D16 53, D15 55; 61–90: D07 61, D10 65, S09 87; 91–180: S02 95, S07 97, S04 104,
    // S01 132, S06 146; over 180: S08 226.
    assert_eq!(team.open_deals, 20);
    assert_eq!(team.age_buckets, [5, 6, 3, 5, 1, 0]);
    // Lower median of 20 ages: the 10th, 53.
    assert_eq!(team.age_median_days, Some(53.0));
    // Ann: D06 6 | D08 40, D09 48 | D07 61, D10 65 | S02 95, S01 132 | S08 226 → the 4th of 8, 61.
    let ann = pipe(&report, "Ann Lee");
    assert_eq!(ann.age_buckets, [1, 2, 2, 2, 1, 0]);
    assert_eq!(ann.age_median_days, Some(61.0));

    // Stale (no activity, no stage change for more than 30 days by 15 Mar, i.e. last touched by 12 Feb):
    // S08 (1 Aug), D07 (stage 21 Jan), S07 (8 Dec), S09 (8 Jan), D15 (9 Feb), S04 (Last Activity 12 Feb:
    // 31 days), S06 (stage 20 Oct; its call on 10 Mar is planned, not done). Not stale: D14 (meeting 13 Feb,
    // 30 days), S01 (call 3 Mar), S02 (Last Activity 11 Mar); close-date changes are not touches.
    assert_eq!(
        ids(model, &team.stale),
        ["D07", "D15", "S04", "S06", "S07", "S08", "S09"]
    );
    // 6,000 + 14,000 + 12,000 + 25,000 + 7,000 + 5,000 + 9,000.
    assert_eq!((team.stale_deals, team.stale_amount), (7, 78000.0));
    let stale = |r: &MetricsReport, name: &str| {
        let p = pipe(r, name);
        (p.stale_deals, p.stale_amount)
    };
    assert_eq!(stale(&report, "Ann Lee"), (2, 11000.0));
    assert_eq!(stale(&report, "Bo Berg"), (3, 33000.0));
    assert_eq!(stale(&report, "Cy Diaz"), (2, 34000.0));
    assert_eq!(stale(&report, "Dee Park"), (0, 0.0));
    // With a 60-day threshold: S08 226, S06 146, S07 97, S09 66 days.
    let sixty = run(
        &loaded,
        &MetricSettings {
            stale_days: 60,
            ..q1()
        },
    );
    assert_eq!(
        ids(model, &pipe(&sixty, "Team").stale),
        ["S06", "S07", "S08", "S09"]
    );

    // Concentration: Ann's open 85,000 (S01 20,000, D10 16,000, S02 15,000, D09 10,000, D08 9,000,
    // D07 6,000, S08 5,000, D06 4,000): 20,000 ÷ 85,000 and 36,000 ÷ 85,000.
    assert_eq!(ann.open_amount, 85000.0);
    assert!(near(ann.top1_share, 20000.0 / 85000.0));
    assert!(near(ann.top2_share, 36000.0 / 85000.0));
    // Bo: 67,000; D16 20,000, D15 14,000.
    let bo = pipe(&report, "Bo Berg");
    assert!(near(bo.top1_share, 20000.0 / 67000.0));
    assert!(near(bo.top2_share, 34000.0 / 67000.0));
    // Team: 85,000 + 67,000 + 39,000 + 21,000 = 212,000; S06 25,000, then 20,000 (S01 or D16).
    assert_eq!(team.open_amount, 212000.0);
    assert!(near(team.top1_share, 25000.0 / 212000.0));
    assert!(near(team.top2_share, 45000.0 / 212000.0));

    // Created per week (Monday), D01–D24 by creation day. 1 Jan is a Thursday: its week starts 29 Dec.
    assert_eq!(
        team.created_per_week,
        [
            (d(2025, 12, 29), 1, 24000.0), // D17 (2 Jan)
            (d(2026, 1, 5), 5, 52000.0),   // D01 12k, D11 9k, D02 10k, D04 5k, D10 16k
            (d(2026, 1, 12), 4, 27000.0),  // D12 6k, D07 6k, D19 8k, D05 7k
            (d(2026, 1, 19), 3, 42000.0),  // D15 14k, D03 8k, D16 20k
            (d(2026, 1, 26), 1, 10000.0),  // D09
            (d(2026, 2, 2), 2, 12000.0),   // D08 9k, D18 3k
            (d(2026, 2, 9), 2, 16000.0),   // D14 11k, D20 5k
            (d(2026, 2, 16), 3, 25000.0),  // D21 6k, D23 7k, D24 12k
            (d(2026, 2, 23), 1, 3000.0),   // D13
            (d(2026, 3, 9), 2, 6000.0),    // D06 4k, D22 2k
        ]
    );
    assert_eq!(
        ann.created_per_week,
        [
            (d(2026, 1, 5), 4, 43000.0),  // D01, D02, D04, D10
            (d(2026, 1, 12), 2, 13000.0), // D07, D05
            (d(2026, 1, 19), 1, 8000.0),  // D03
            (d(2026, 1, 26), 1, 10000.0), // D09
            (d(2026, 2, 2), 1, 9000.0),   // D08
            (d(2026, 3, 9), 1, 4000.0),   // D06
        ]
    );
}

// ---------------------------------------------------------------------------------------------------------
// Activity
// ---------------------------------------------------------------------------------------------------------

#[test]
fn activity_counts_completed_work_per_working_day_employed() {
    let loaded = fixture();
    let report = run(&loaded, &q1());
    let a = &report.activity;
    assert!(a.available);
    let names: Vec<&str> = a.reps.iter().map(|r| r.rep.as_str()).collect();
    assert_eq!(
        names,
        ["Ann Lee", "Bo Berg", "Cy Diaz", "Dee Park", "(no rep)"]
    );
    // Working days 1 Jan – 15 Mar: January 22, February 20, March 2–13 10 = 52.
    // Ann: calls on 6 Jan (connected), 7 Jan (no answer), 10 Feb (no Done value, but a disposition: a logged
    // call), 3 Mar (connected); an email on 20 Jan; a meeting on 3 Feb; a task on 12 Mar with no status
    // (dated before the as-of date: done). Not counted: the planned meeting of 20 Mar, the email of
    // 15 Dec 2025. 4 + 1 + 1 + 1 = 7.
    let ann = act(&report, "Ann Lee");
    assert_eq!(
        (
            ann.calls,
            ann.emails,
            ann.meetings_held,
            ann.tasks,
            ann.other,
            ann.total
        ),
        (4, 1, 1, 1, 0, 7)
    );
    assert_eq!(ann.working_days, 52);
    assert!(near(ann.per_working_day, 7.0 / 52.0));
    assert!(near(ann.calls_per_day, 4.0 / 52.0));
    // 3 of the 4 calls connected.
    assert_eq!(ann.connected_calls, Some(3));
    assert!(near(ann.connect_rate, 0.75));
    assert_eq!(
        ann.mix,
        [
            ("call".to_owned(), 4.0 / 7.0),
            ("email".to_owned(), 1.0 / 7.0),
            ("meeting".to_owned(), 1.0 / 7.0),
            ("task".to_owned(), 1.0 / 7.0),
        ]
    );
    // Chain: 7 activities ÷ 1 meeting; 1 meeting ÷ 10 deals created (D01–D10); 10 ÷ 3 won.
    assert_eq!((ann.opps_created, ann.deals_won), (10, 3));
    assert!(near(ann.activities_per_meeting, 7.0));
    assert!(near(ann.meetings_per_opportunity, 0.1));
    assert!(near(ann.opportunities_per_win, 10.0 / 3.0));

    // Bo: meetings 13 Feb and 2 Mar, calls 16 Feb (busy) and 17 Feb (no disposition); the call of 16 Mar
    // is after the as-of date. Connected: 0 of the 1 call with an outcome.
    let bo = act(&report, "Bo Berg");
    assert_eq!((bo.calls, bo.meetings_held, bo.total), (2, 2, 4));
    assert_eq!((bo.connected_calls, bo.connect_rate), (Some(0), Some(0.0)));
    assert!(near(bo.per_working_day, 4.0 / 52.0));
    // 4 ÷ 2 meetings; 2 meetings ÷ 6 created (D11–D16); 6 ÷ 1 won.
    assert!(near(bo.activities_per_meeting, 2.0));
    assert!(near(bo.meetings_per_opportunity, 2.0 / 6.0));
    assert!(near(bo.opportunities_per_win, 6.0));

    // Cy: two emails; the call of 10 Mar is planned (Done = no). No calls: no connect rate, 0 calls a day.
    // No meetings: no activities per meeting; 0 meetings ÷ 4 created; 4 ÷ 2 won (D17, S05).
    let cy = act(&report, "Cy Diaz");
    assert_eq!((cy.emails, cy.calls, cy.total), (2, 0, 2));
    assert_eq!((cy.connected_calls, cy.connect_rate), (None, None));
    assert_eq!(cy.calls_per_day, Some(0.0));
    assert_eq!(cy.activities_per_meeting, None);
    assert_eq!(cy.meetings_per_opportunity, Some(0.0));
    assert!(near(cy.opportunities_per_win, 2.0));

    // Dee started on Monday 16 Feb: 16 Feb – 13 Mar, 20 working days. 2 calls (1 connected, 1 voicemail),
    // 1 meeting, 1 email.
    let dee = act(&report, "Dee Park");
    assert_eq!(dee.working_days, 20);
    assert_eq!((dee.calls, dee.meetings_held, dee.total), (2, 1, 4));
    assert!(near(dee.per_working_day, 0.2));
    assert!(near(dee.calls_per_day, 0.1));
    assert!(near(dee.connect_rate, 0.5));
    assert!(near(dee.activities_per_meeting, 4.0));
    assert!(near(dee.meetings_per_opportunity, 0.25));
    assert!(near(dee.opportunities_per_win, 4.0));

    // The inbound call of 22 Jan has no rep: the team counts it, no rep does.
    let none = act(&report, "(no rep)");
    assert_eq!(
        (none.calls, none.working_days, none.per_working_day),
        (1, 0, None)
    );

    // Team: 7 + 4 + 2 + 4 + 1 = 18 activities over 52 × 3 + 20 = 176 working days; calls 4 + 2 + 2 + 1 = 9,
    // of which 8 say whether someone answered and 3 + 0 + 1 + 1 = 5 did.
    let team = act(&report, "Team");
    assert_eq!(
        (
            team.total,
            team.calls,
            team.emails,
            team.meetings_held,
            team.tasks
        ),
        (18, 9, 4, 4, 1)
    );
    assert_eq!(team.working_days, 176);
    assert!(near(team.per_working_day, 18.0 / 176.0));
    assert_eq!(team.connected_calls, Some(5));
    assert!(near(team.connect_rate, 5.0 / 8.0));
    // 18 ÷ 4 meetings; 4 ÷ 24 created; 24 ÷ 7 won.
    assert_eq!((team.opps_created, team.deals_won), (24, 7));
    assert!(near(team.activities_per_meeting, 4.5));
    assert!(near(team.meetings_per_opportunity, 4.0 / 24.0));
    assert!(near(team.opportunities_per_win, 24.0 / 7.0));
}

// ---------------------------------------------------------------------------------------------------------
// Team context
// ---------------------------------------------------------------------------------------------------------

#[test]
fn team_context_ranks_each_rep_compares_periods_and_shrinks_small_samples() {
    let loaded = fixture();
    let report = run(&loaded, &q1());
    // Compared with Q4 2025 and Q1 2025, each up to its 73rd day (1 Jan + 73 days = 15 Mar).
    let compared: Vec<(NaiveDate, NaiveDate, NaiveDate)> = report
        .compared_with
        .iter()
        .map(|c| (c.start, c.end, c.as_of))
        .collect();
    assert_eq!(
        compared,
        [
            (d(2025, 10, 1), d(2025, 12, 31), d(2025, 12, 13)),
            (d(2025, 1, 1), d(2025, 3, 31), d(2025, 3, 15)),
        ]
    );
    let metric = |id: &str| {
        report
            .context
            .iter()
            .find(|m| m.metric == id)
            .unwrap_or_else(|| panic!("no context for {id}"))
    };

    // Deals won: Ann 3, Bo 1, Cy 2, Dee 1. Sorted 1 1 2 3: lower median 1; top quartile the ⌈0.75 × 4⌉ = 3rd
    // from the worst, 2.
    let won = metric("deals_won");
    assert_eq!(won.direction, Direction::HigherIsBetter);
    assert_eq!(
        (won.spread.median, won.spread.top_quartile, won.spread.n),
        (Some(1.0), Some(2.0), 4)
    );
    // Q4 2025 up to 13 Dec: X01 (Ann), X02 X03 (Bo), X04 (Cy) = 4. 7 − 4 = 3, 7 ÷ 4 = 1.75.
    assert_eq!(won.team, Some(7.0));
    let team_prev = won.team_previous.as_ref().unwrap();
    assert_eq!(
        (
            team_prev.previous,
            team_prev.delta,
            team_prev.ratio,
            team_prev.verdict
        ),
        (4.0, 3.0, Some(1.75), Verdict::Better)
    );
    // Q1 2025 had nothing: 0 won, a change of 7 with no ratio.
    let year_ago = won.team_year_ago.as_ref().unwrap();
    assert_eq!(
        (year_ago.previous, year_ago.delta, year_ago.ratio),
        (0.0, 7.0, None)
    );
    let standing = |name: &str| {
        let r = won.reps.iter().find(|r| r.rep == name).unwrap();
        let s = r.standing.as_ref().unwrap();
        (
            r.value,
            s.rank,
            s.of,
            (s.percentile * 100.0).round() / 100.0,
            r.previous.as_ref().map(|c| (c.previous, c.delta, c.ratio)),
            r.peers.as_str(),
        )
    };
    // Percentile: (reps strictly worse + half the ties) ÷ 3 others × 100.
    assert_eq!(
        standing("Ann Lee"),
        (
            Some(3.0),
            1,
            4,
            100.0,
            Some((1.0, 2.0, Some(3.0))),
            "Account Executive (4 reps)"
        )
    );
    assert_eq!(
        standing("Cy Diaz"),
        (
            Some(2.0),
            2,
            4,
            66.67,
            Some((1.0, 1.0, Some(2.0))),
            "Account Executive (4 reps)"
        )
    );
    assert_eq!(
        standing("Bo Berg"),
        (
            Some(1.0),
            3,
            4,
            16.67,
            Some((2.0, -1.0, Some(0.5))),
            "Account Executive (4 reps)"
        )
    );
    // Bo won one fewer than in Q4: worse, since more deals won is better.
    let bo = won.reps.iter().find(|r| r.rep == "Bo Berg").unwrap();
    assert_eq!(
        bo.previous.as_ref().map(|c| c.verdict),
        Some(Verdict::Worse)
    );
    // The sales cycle is better shorter: its changes are judged the other way round.
    let cycle = metric("sales_cycle_median_days");
    assert_eq!(cycle.direction, Direction::LowerIsBetter);
    let judged: Vec<(f64, Verdict)> = cycle
        .reps
        .iter()
        .filter_map(|r| r.previous.as_ref())
        .chain(cycle.team_previous.as_ref())
        .map(|c| (c.delta, c.verdict))
        .collect();
    assert!(!judged.is_empty());
    for (delta, verdict) in judged {
        let expected = if delta < 0.0 {
            Verdict::Better
        } else if delta > 0.0 {
            Verdict::Worse
        } else {
            Verdict::Unchanged
        };
        assert_eq!(verdict, expected, "cycle change of {delta} days");
    }
    // Dee had no deals in Q4 2025 (she joined in February): no change.
    assert_eq!(
        standing("Dee Park"),
        (Some(1.0), 3, 4, 16.67, None, "Account Executive (4 reps)")
    );

    // Win rate, shrunk. Won/lost in Q1: Ann 3/2, Bo 1/2 (D12, S03), Cy 2/2, Dee 1/0 → pooled 7 ÷ 13.
    // Σ n (p − p̄)² = 5 (0.6 − 7/13)² + 3 (1/3 − 7/13)² + 4 (0.5 − 7/13)² + 1 (1 − 7/13)² ≈ 0.364, less than
    // the (4 − 1) p̄ (1 − p̄) ≈ 0.746 that chance alone gives: the default strength 20.
    let rate = metric("win_rate");
    assert_eq!(rate.priors.len(), 1);
    let (group, prior) = &rate.priors[0];
    assert_eq!(group, "Account Executive (4 reps)");
    assert!(near(Some(prior.mean), 7.0 / 13.0));
    assert_eq!(prior.strength, 20.0);
    assert!(prior.from.contains("no more than chance"), "{}", prior.from);
    let dee = rate.reps.iter().find(|r| r.rep == "Dee Park").unwrap();
    assert_eq!((dee.value, dee.n), (Some(1.0), Some(1)));
    // One closed deal is too few to judge; a metric with no sample (bookings) never is.
    assert!(dee.too_few_to_judge);
    assert!(
        metric("bookings")
            .reps
            .iter()
            .all(|r| r.n.is_none() && !r.too_few_to_judge)
    );
    let shrunk = dee.shrunk.as_ref().unwrap();
    // Beta(1 + 20 × 7/13, 0 + 20 × 6/13): mean 153/13 ÷ 273/13 = 153 ÷ 273 ≈ 0.560.
    assert_eq!((shrunk.raw, shrunk.n), (Some(1.0), 1));
    assert!(near(Some(shrunk.rate), 153.0 / 273.0));
    assert!(7.0 / 13.0 < shrunk.rate && shrunk.rate < 1.0);
    assert!(shrunk.low80 < shrunk.rate && shrunk.rate < shrunk.high80);
    assert!(0.0 < shrunk.low80 && shrunk.high80 < 1.0);
    // Ann: Beta(3 + 140/13, 2 + 120/13): 179 ÷ 325, between 7/13 and 0.6.
    let ann = rate.reps.iter().find(|r| r.rep == "Ann Lee").unwrap();
    assert_eq!(ann.n, Some(5));
    let shrunk = ann.shrunk.as_ref().unwrap();
    assert!(near(Some(shrunk.rate), 179.0 / 325.0));
    assert!(7.0 / 13.0 < shrunk.rate && shrunk.rate < 0.6);
    assert!(shrunk.low80 < shrunk.rate && shrunk.rate < shrunk.high80);
}

// ---------------------------------------------------------------------------------------------------------
// Explain
// ---------------------------------------------------------------------------------------------------------

#[test]
fn explain_shows_the_formula_and_pages_the_deals_behind_it() {
    let loaded = fixture();
    let model = loaded.model();
    let settings = q1();
    let page = |n: u32| explain(model, &settings, "win_rate", Some("Ann Lee"), n, 2).unwrap();
    let first = page(0);
    assert_eq!(first.rep, "Ann Lee");
    assert_eq!(first.value, Some(0.6));
    assert_eq!(
        first.formula,
        "win rate = won ÷ (won + lost) = 3 ÷ (3 + 2) = 60.0%"
    );
    // Won D01 (27 Feb), D02 (4 Mar), D03 (12 Mar); lost D04 (5 Feb), D05 (3 Mar): 5 records by close date.
    assert_eq!(first.total_records, 5);
    assert_eq!((first.page, first.page_size), (0, 2));
    let on_page = |e: &pipelens::engine::metrics::explain::Explanation| {
        e.records
            .iter()
            .map(|r| (r.id.clone(), r.status.clone(), r.date))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        on_page(&first),
        [
            ("D04".to_owned(), "lost".to_owned(), Some(d(2026, 2, 5))),
            ("D01".to_owned(), "won".to_owned(), Some(d(2026, 2, 27))),
        ]
    );
    assert_eq!(
        on_page(&page(1)),
        [
            ("D05".to_owned(), "lost".to_owned(), Some(d(2026, 3, 3))),
            ("D02".to_owned(), "won".to_owned(), Some(d(2026, 3, 4))),
        ]
    );
    assert_eq!(
        on_page(&page(2)),
        [("D03".to_owned(), "won".to_owned(), Some(d(2026, 3, 12)))]
    );
    assert!(page(3).records.is_empty());
    assert_eq!(page(3).total_records, 5);

    // The team's Prospecting conversion: 19 ÷ 24 (2 lost, 3 still open).
    let conversion = explain(
        model,
        &settings,
        "stage_conversion:Prospecting",
        None,
        0,
        50,
    )
    .unwrap();
    assert!(near(conversion.value, 19.0 / 24.0));
    assert_eq!(
        conversion.formula,
        "conversion from Prospecting = moved on ÷ entered = 19 ÷ 24 (2 lost, 3 still open) = 79.2%"
    );
    assert_eq!(conversion.total_records, 24);
    // Ann's stalled deals: D07, D08, S01, S02, S08.
    let stalled = explain(model, &settings, "stalled_deals", Some("Ann Lee"), 0, 50).unwrap();
    assert_eq!(stalled.value, Some(5.0));
    let mut stalled_ids: Vec<String> = stalled.records.iter().map(|r| r.id.clone()).collect();
    stalled_ids.sort();
    assert_eq!(stalled_ids, ["D07", "D08", "S01", "S02", "S08"]);

    // What explain does not know, it lists.
    let Err(error) = explain(model, &settings, "win_ratio", Some("Ann Lee"), 0, 2) else {
        panic!("an unknown metric is an error");
    };
    assert!(
        matches!(&error, EngineError::UnknownMetric { metric, .. } if metric == "win_ratio"),
        "{error:?}"
    );
    let why = error.to_string();
    assert!(
        why.starts_with(
            "'win_ratio' is not a metric explain knows: use one of deals_won, deals_lost, win_rate,"
        ),
        "{why}"
    );
    assert!(why.contains("stage_conversion:STAGE"), "{why}");
    let Err(error) = explain(model, &settings, "win_rate", Some("Zed"), 0, 2) else {
        panic!("an unknown rep is an error");
    };
    assert!(matches!(&error, EngineError::UnknownRep { rep, .. } if rep == "Zed"));
    assert_eq!(
        error.to_string(),
        "no rep named 'Zed': use Team or one of Ann Lee, Bo Berg, Cy Diaz, Dee Park"
    );
}

// ---------------------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------------------

/// A serializer that only looks at the floats a value serializes and lists the ones that are not finite
/// (serde_json would write them as `null`).
mod finite {
    use serde::Serialize;
    use serde::ser;

    #[derive(Debug)]
    pub struct Error(String);

    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for Error {}

    impl ser::Error for Error {
        fn custom<T: std::fmt::Display>(msg: T) -> Self {
            Error(msg.to_string())
        }
    }

    #[derive(Default)]
    pub struct Checker {
        path: Vec<String>,
        /// Paths of non-finite floats.
        pub bad: Vec<String>,
        /// Floats seen.
        pub floats: u64,
    }

    impl Checker {
        fn float(&mut self, v: f64) -> Result<(), Error> {
            self.floats += 1;
            if !v.is_finite() {
                self.bad.push(format!("{} = {v}", self.path.join(".")));
            }
            Ok(())
        }

        fn field<T: ?Sized + Serialize>(&mut self, key: &str, value: &T) -> Result<(), Error> {
            self.path.push(key.to_owned());
            value.serialize(&mut *self)?;
            self.path.pop();
            Ok(())
        }
    }

    impl ser::Serializer for &mut Checker {
        type Ok = ();
        type Error = Error;
        type SerializeSeq = Self;
        type SerializeTuple = Self;
        type SerializeTupleStruct = Self;
        type SerializeTupleVariant = Self;
        type SerializeMap = Self;
        type SerializeStruct = Self;
        type SerializeStructVariant = Self;

        fn serialize_bool(self, _: bool) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_i8(self, _: i8) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_i16(self, _: i16) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_i32(self, _: i32) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_i64(self, _: i64) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_u8(self, _: u8) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_u16(self, _: u16) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_u32(self, _: u32) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_u64(self, _: u64) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_f32(self, v: f32) -> Result<(), Error> {
            self.float(f64::from(v))
        }
        fn serialize_f64(self, v: f64) -> Result<(), Error> {
            self.float(v)
        }
        fn serialize_char(self, _: char) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_str(self, _: &str) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_none(self) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Error> {
            value.serialize(self)
        }
        fn serialize_unit(self) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
        ) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result<(), Error> {
            value.serialize(self)
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
            value: &T,
        ) -> Result<(), Error> {
            self.field(variant, value)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self, Error> {
            Ok(self)
        }
    }

    impl ser::SerializeSeq for &mut Checker {
        type Ok = ();
        type Error = Error;
        fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
            value.serialize(&mut **self)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    impl ser::SerializeTuple for &mut Checker {
        type Ok = ();
        type Error = Error;
        fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
            value.serialize(&mut **self)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    impl ser::SerializeTupleStruct for &mut Checker {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
            value.serialize(&mut **self)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    impl ser::SerializeTupleVariant for &mut Checker {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
            value.serialize(&mut **self)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    impl ser::SerializeMap for &mut Checker {
        type Ok = ();
        type Error = Error;
        fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
            key.serialize(&mut **self)
        }
        fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
            value.serialize(&mut **self)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    impl ser::SerializeStruct for &mut Checker {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: ?Sized + Serialize>(
            &mut self,
            key: &'static str,
            value: &T,
        ) -> Result<(), Error> {
            self.field(key, value)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }

    impl ser::SerializeStructVariant for &mut Checker {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: ?Sized + Serialize>(
            &mut self,
            key: &'static str,
            value: &T,
        ) -> Result<(), Error> {
            self.field(key, value)
        }
        fn end(self) -> Result<(), Error> {
            Ok(())
        }
    }
}

#[test]
fn the_metrics_report_serializes_to_json_with_only_finite_numbers() {
    let loaded = fixture();
    // The main period, a period with no deals at all (every ratio's divisor 0), and a variant.
    // (settings, the fewest floats its report must hold: the empty period still has its context and rates)
    for (settings, min_floats) in [
        (q1(), 100),
        (
            MetricSettings {
                period: PeriodSpec::Quarter {
                    year: 2024,
                    quarter: 2,
                },
                as_of: Some(d(2024, 5, 1)),
                ..MetricSettings::default()
            },
            20,
        ),
        (
            MetricSettings {
                stage_floor: Some("Negotiation".into()),
                skipped_stages_pass: false,
                stale_days: 0,
                ..q1()
            },
            100,
        ),
    ] {
        let report = run(&loaded, &settings);
        let mut checker = finite::Checker::default();
        serde::Serialize::serialize(&report, &mut checker).unwrap();
        assert!(checker.floats > min_floats, "{} floats", checker.floats);
        assert!(checker.bad.is_empty(), "{:?}", checker.bad);
        // NaN is never equal to itself: a report equal to its copy holds none, serialized or not.
        assert!(report == report.clone());
        let json = serde_json::to_string(&report).unwrap();
        let back: MetricsReport = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Two exports of the same deals
// ---------------------------------------------------------------------------------------------------------

#[test]
fn an_older_export_of_the_same_deals_becomes_their_history() {
    // deals_old.csv is deals.csv as it stood on 1 Jan: the 13 deals that existed then (S01–S09, X01–X04)
    // with their stages and close dates of that day, and D99, a deal deleted since. No stage history file.
    // It is imported first; the newer export is still read as the current state.
    let loaded = load(&[
        ("deals_old.csv", Some(d(2026, 1, 1))),
        ("deals.csv", Some(d(2026, 3, 15))),
        ("teams.csv", None),
        ("quotas.csv", None),
    ]);
    let model = loaded.model();
    // Not one deal more: 37 as in deals.csv alone.
    assert_eq!(model.deals.len(), 37);
    // 13 rows of 1 Jan, and each of those 13 deals' current values on 15 Mar.
    assert_eq!(model.history.len(), 26);
    let old = loaded.file("deals_old.csv");
    assert_eq!(old.kind, "deals");
    assert_eq!(
        (
            old.rows_read,
            old.rows_accepted,
            old.rows_rejected,
            old.rows_skipped
        ),
        (14, 13, 0, 1)
    );
    assert!(old.balanced());
    let skipped: Vec<(&str, &str)> = old
        .rejections
        .iter()
        .map(|n| (n.value.as_str(), n.reason.as_str()))
        .collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].0, "D99");
    assert!(
        skipped[0]
            .1
            .contains("not in the newer export of 2026-03-15"),
        "{}",
        skipped[0].1
    );
    assert!(
        old.warnings
            .iter()
            .any(|w| w.contains("An earlier export of the same deals, taken on 2026-01-01")),
        "{:?}",
        old.warnings
    );
    let new = loaded.file("deals.csv");
    assert_eq!(
        (
            new.rows_read,
            new.rows_accepted,
            new.rows_rejected,
            new.rows_skipped
        ),
        (37, 37, 0, 0)
    );
    assert!(loaded.files.iter().all(|f| f.balanced()));

    let report = run(&loaded, &q1());
    assert_eq!(report.pipeline.slips_hidden, None);
    // Outcomes do not change: 7 won, 6 lost in Q1.
    assert_eq!((report.team.deals_won, report.team.deals_lost), (7, 6));
    // Two snapshots show only the net change of each close date, dated the newer export's day (15 Mar):
    // Ann S01 27 Feb → 30 Apr (62), S02 30 Jan → 27 Mar (56); Cy S06 10 Mar → 15 May (66, its two pushes
    // seen as one); Bo S03 15 Feb → 10 Feb and S04 20 Apr → 20 Mar pulled in.
    // (pushes, deals pushed, median push days, pulled in, slip base, slipped, slipped amount)
    let row = |name: &str| {
        let r = pipe(&report, name);
        (
            r.pushes,
            r.deals_pushed,
            r.push_days_median,
            r.pulled_in,
            r.slip_base_deals,
            r.slipped_deals,
            r.slipped_amount,
        )
    };
    assert_eq!(row("Ann Lee"), (2, 2, Some(56.0), 0, 2, 1, 20000.0));
    assert_eq!(row("Bo Berg"), (0, 0, None, 2, 2, 0, 0.0));
    // S06 was 30,000 on 1 Jan in the older export.
    assert_eq!(row("Cy Diaz"), (1, 1, Some(66.0), 0, 3, 1, 30000.0));
    assert_eq!(row("Dee Park"), (0, 0, None, 0, 0, 0, 0.0));
    // Team: lower median of 56 [62] 66.
    assert_eq!(row("Team"), (3, 3, Some(62.0), 2, 7, 2, 50000.0));
    assert_eq!(ids(model, &pipe(&report, "Team").slipped), ["S01", "S06"]);
}

#[test]
fn without_different_days_an_older_export_is_only_duplicates() {
    for (label, old_day, new_day) in [
        ("no days", None, None),
        ("the same day", Some(d(2026, 3, 15)), Some(d(2026, 3, 15))),
    ] {
        let loaded = load(&[
            ("deals.csv", new_day),
            ("deals_old.csv", old_day),
            ("teams.csv", None),
            ("quotas.csv", None),
        ]);
        let model = loaded.model();
        // The 13 known ids are duplicates of deals already read; D99 is a deal like any other.
        assert_eq!(model.deals.len(), 38, "{label}");
        assert!(model.history.is_empty(), "{label}");
        let old = loaded.file("deals_old.csv");
        assert_eq!(
            (
                old.rows_read,
                old.rows_accepted,
                old.rows_rejected,
                old.rows_skipped
            ),
            (14, 1, 0, 13),
            "{label}"
        );
        assert!(old.balanced(), "{label}");
        assert!(
            old.rejections
                .iter()
                .all(|n| n.reason.contains("was already read")),
            "{label}: {:?}",
            old.rejections
        );
        let report = run(&loaded, &q1());
        let hidden = report.pipeline.slips_hidden.as_deref().unwrap_or_default();
        assert!(
            hidden.contains("two exports of the same deals taken on different days"),
            "{label}: {hidden}"
        );
        let team = pipe(&report, "Team");
        assert_eq!(
            (
                team.pushes,
                team.pulled_in,
                team.slip_base_deals,
                team.slipped_deals,
                team.slip_rate
            ),
            (0, 0, 0, 0, None),
            "{label}"
        );
    }
}

/// The plan: Sunday 15 March leaves 12 business days (16–20, 23–27, 30–31 March). Each rep's reverse funnel
/// runs from their coverage gap at their own average deal, win rate and activities per opportunity created.
#[test]
fn the_plan_runs_each_reps_gap_back_to_activities_per_business_day_left() {
    let report = run(&fixture(), &q1());
    let plan = &report.plan;
    assert_eq!(plan.business_days_left, 12);
    let row = |name: &str| {
        plan.reps
            .iter()
            .find(|r| r.rep == name)
            .unwrap_or_else(|| panic!("no plan row {name}"))
    };
    // Ann: quota 60,000, booked 30,000 → gap 30,000; 10,000 a deal → 3 deals; win rate 60% → 5 opportunities;
    // 7 activities over 10 opportunities created → 3.5 activities, 3.5 / 12 a day.
    let ann = row("Ann Lee");
    assert!(near(ann.activities_per_opportunity, 0.7));
    assert_eq!(ann.needed.gap, Some(30_000.0));
    assert!(near(ann.needed.deals, 3.0));
    assert!(near(ann.needed.opportunities, 5.0));
    assert!(near(ann.needed.activities, 3.5));
    assert!(near(ann.needed.activities_per_day, 3.5 / 12.0));
    // Dee: 15,000 − 6,000 = 9,000 at 6,000 a deal → 1.5 deals, all won → 1.5 opportunities; 4 activities over 4
    // opportunities → 1.5 activities, 0.125 a day.
    let dee = row("Dee Park");
    assert_eq!(dee.needed.gap, Some(9_000.0));
    assert!(near(dee.needed.opportunities, 1.5));
    assert!(near(dee.needed.activities_per_day, 0.125));
    // Cy has booked 42,000 of 40,000: nothing more is needed.
    let cy = row("Cy Diaz");
    assert_eq!(
        (
            cy.needed.gap,
            cy.needed.activities_per_day,
            cy.needed.note.clone()
        ),
        (Some(0.0), Some(0.0), None)
    );
    // The tick of "usual by now": attainment ÷ pacing, the same share of quota for every rep.
    for r in &plan.reps {
        let m = rep(&report, &r.rep);
        let usual = m.attainment.unwrap() / m.pacing.unwrap();
        assert!(near(r.usual_attainment_by_now, usual), "{}", r.rep);
    }
    assert_eq!(plan.reps.len(), 4);
    assert_eq!(report.period.calendar_quarter, "2026-Q1");
}

/// The leaderboard: bookings in Q1, highest first.
#[test]
fn the_leaderboard_ranks_the_reps_by_bookings() {
    let report = run(&fixture(), &q1());
    let board: Vec<(u32, &str)> = report
        .leaderboard
        .iter()
        .map(|r| (r.rank, r.rep.as_str()))
        .collect();
    // Cy 42,000 · Ann 30,000 · Bo 9,000 · Dee 6,000.
    assert_eq!(
        board,
        [
            (1, "Cy Diaz"),
            (2, "Ann Lee"),
            (3, "Bo Berg"),
            (4, "Dee Park")
        ]
    );
}

/// Each rep against the team, stage by stage of the team's funnel: the rep's conversion, the team's, and the
/// leak (at least 5 of the rep's deals and more than 5 points below the team).
#[test]
fn each_rep_against_the_team_carries_stage_conversion_and_the_leak() {
    let report = run(&fixture(), &q1());
    let p = &report.process;
    let team = &p.team[0];
    // The team: Prospecting 19 of 24 moved on, Qualification 12 of 20.
    assert!(near(
        funnel_row(&team.stages, "Prospecting").conversion,
        19.0 / 24.0
    ));
    assert!(near(
        funnel_row(&team.stages, "Qualification").conversion,
        0.6
    ));
    let names: Vec<&str> = p.rep_vs_team.iter().map(|r| r.rep.as_str()).collect();
    assert_eq!(names, ["Ann Lee", "Bo Berg", "Cy Diaz", "Dee Park"]);
    let cy = p.rep_vs_team.iter().find(|r| r.rep == "Cy Diaz").unwrap();
    let qualification = cy
        .stages
        .iter()
        .find(|s| s.stage == "Qualification")
        .unwrap();
    // Cy moved 1 of 4 on from Qualification (team 60%): 35 points below, but 4 deals are too few to call it
    // a leak; Bo's Negotiation (1 of 2, team 7 of 9) is too small as well.
    assert_eq!((qualification.entered, qualification.converted), (4, 1));
    assert!(near(qualification.conversion, 0.25));
    assert!(near(qualification.team_conversion, 0.6));
    assert!(!qualification.leak);
    assert!(p.rep_vs_team.iter().all(|r| r.leak.is_none()));
    // Every rep row is the team's stages in order, each conversion the rep's converted ÷ entered.
    for r in &p.rep_vs_team {
        let stages: Vec<&str> = r.stages.iter().map(|s| s.stage.as_str()).collect();
        assert_eq!(
            stages,
            ["Prospecting", "Qualification", "Proposal", "Negotiation"]
        );
        for s in &r.stages {
            assert!(near(s.conversion, s.converted as f64 / s.entered as f64));
        }
    }
}
