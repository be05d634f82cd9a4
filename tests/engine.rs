//! Native integration tests of the engine session, through the same message door the UI uses.

mod support;

use pipelens::engine::EngineError;
use pipelens::engine::ingest::ImportOptions;
use pipelens::engine::ingest::limits::Limits;
use pipelens::engine::ingest::report::FileReport;
use pipelens::engine::metrics::compute::{ComputeTask, MetricSettings, compute};
use pipelens::engine::metrics::explain::{RecordColumn, RecordSort};
use pipelens::engine::metrics::period::PeriodSpec;
use pipelens::engine::metrics::trend::{TrendsTask, monthly};
use pipelens::engine::model::build::{DECIDE_VALUES_PER_STEP, FINISH_STEPS, ROWS_PER_STEP};
use pipelens::engine::model::stages::StageChoice;
use pipelens::engine::model::{ModelSettings, Outcome};
use pipelens::engine::protocol::{
    Answer, Cancel, CancelNoted, CheckFile, Computed, Envelope, Explain, Explained, FileOk, Forget,
    Forgotten, ImportFile, Imported, Metrics, Overview, PROTOCOL_VERSION, Page, Progress,
    RemoveFile, Reply, Request, Rows, RowsPage, SetSettings, Stage, Summary, Trended, Trends,
    typed,
};
use pipelens::engine::session::Session;

fn import_file(name: &str, bytes: Vec<u8>) -> ImportFile {
    ImportFile {
        name: name.to_owned(),
        bytes,
        options: ImportOptions::default(),
    }
}

fn import_request(name: &str, bytes: Vec<u8>) -> Request {
    import_file(name, bytes).into()
}

fn import(session: &mut Session, name: &str, bytes: Vec<u8>) -> Result<FileReport, EngineError> {
    session
        .ask(import_file(name, bytes))
        .map(|imported| *imported.report)
}

fn import_fixture(session: &mut Session, path: &str) -> FileReport {
    let bytes = std::fs::read(support::fixture(path)).expect("fixture exists");
    import(session, path, bytes).expect("fixture imports")
}

fn rows(
    session: &mut Session,
    file_id: u32,
    offset: u64,
    limit: u64,
) -> Result<Page<Vec<String>>, EngineError> {
    session
        .ask(Rows {
            file_id,
            offset,
            limit,
        })
        .map(|rows| rows.page)
}

#[test]
fn a_file_goes_through_the_door_and_its_rows_come_back_in_pages() {
    let mut session = Session::new();
    let report = import_fixture(&mut session, "skeleton/deals-semicolon-bom.csv");
    assert_eq!(
        (report.encoding.as_str(), report.delimiter.as_str()),
        ("UTF-8", ";")
    );
    assert_eq!(
        report.header,
        [
            "Opportunity Name",
            "Opportunity Owner",
            "Amount",
            "Close Date",
            "Stage"
        ]
    );
    assert_eq!(report.rows_accepted, 3);
    let page = rows(&mut session, 0, 1, 10).unwrap();
    assert_eq!((page.offset, page.total, page.items.len()), (1, 3, 2));
    assert_eq!(page.items[1][0], "Initech \"Phase 2\"");
    let past_the_end = rows(&mut session, 0, 10, 10).unwrap();
    assert_eq!((past_the_end.offset, past_the_end.items.len()), (3, 0));
}

#[test]
fn empty_file_is_a_plain_error_not_a_panic() {
    let mut session = Session::new();
    let error = import(&mut session, "empty.csv", Vec::new()).unwrap_err();
    assert_eq!(
        error,
        EngineError::EmptyFile {
            file: "empty.csv".to_owned()
        }
    );
    assert!(error.to_string().contains("needs at least a header row"));
}

#[test]
fn a_message_from_another_protocol_version_is_refused() {
    let mut session = Session::new();
    let envelope = Envelope {
        v: PROTOCOL_VERSION + 1,
        id: 7,
        body: Request::Forget(Forget {}),
    };
    let error = session.run(envelope, |_| ()).unwrap_err();
    assert!(matches!(error, EngineError::ProtocolVersion { .. }));
    assert!(error.to_string().contains("reload the page"));
}

#[test]
fn rows_of_an_unknown_file_name_the_valid_ids() {
    let mut session = Session::new();
    let error = rows(&mut session, 9, 0, 1).unwrap_err();
    assert!(
        error.to_string().contains("none (nothing imported yet)"),
        "{error}"
    );
    import_fixture(&mut session, "skeleton/deals-semicolon-bom.csv");
    let error = rows(&mut session, 9, 0, 1).unwrap_err();
    assert!(error.to_string().contains("ids 0"), "{error}");
}

/// A file big enough to take several slices.
fn big_csv(rows: usize) -> Vec<u8> {
    let mut text = String::from("id,owner,amount\n");
    for i in 0..rows {
        text.push_str(&format!("{i},rep {},{}\n", i % 7, i * 10));
    }
    text.into_bytes()
}

#[test]
fn long_imports_report_progress_and_can_be_cancelled_between_slices() {
    let mut session = Session::new();
    let mut job = session.begin(Envelope::new(
        5,
        import_request("big.csv", big_csv(1_000_000)),
    ));
    let mut progress = None;
    while progress.is_none_or(|p: Progress| p.rows == 0) {
        let reply = session.step(&mut job);
        assert_eq!(reply.id, 5);
        let Reply::Progress { progress: p } = reply.body else {
            panic!("expected progress, got {:?}", reply.body)
        };
        progress = Some(p);
    }
    let progress = progress.unwrap();
    assert_eq!(progress.stage, Stage::Parsing, "{progress:?}");
    assert!(progress.done < progress.total, "{progress:?}");

    let noted = session
        .run(Envelope::new(6, Cancel { request_id: 5 }.into()), |_| ())
        .unwrap();
    assert_eq!(noted, Answer::CancelNoted(CancelNoted { request_id: 5 }));
    let reply = session.step(&mut job);
    assert!(matches!(
        reply.body,
        Reply::Failed {
            error: EngineError::Cancelled { request_id: 5 },
            ..
        }
    ));
    // Nothing of the cancelled file stays in the session.
    assert!(rows(&mut session, 0, 0, 1).is_err());
}

#[test]
fn a_finished_import_counts_every_row_and_reports_growing_progress() {
    let mut session = Session::new();
    let mut seen = Vec::new();
    let answer = session
        .run(
            Envelope::new(1, import_request("big.csv", big_csv(600_000))),
            |reply| {
                if let Reply::Progress { progress } = reply {
                    assert_eq!(progress.stage, Stage::Parsing, "{progress:?}");
                    seen.push(progress.done);
                }
            },
        )
        .unwrap();
    let Answer::Imported(Imported { report, .. }) = answer else {
        panic!("expected Imported, got {answer:?}")
    };
    assert_eq!(report.rows_read, 600_000);
    assert_eq!(
        report.rows_accepted + report.rows_skipped,
        600_000,
        "id, owner, amount is no kind pipelens uses: skipped, counted"
    );
    assert!(
        seen.len() >= 3 && seen.windows(2).all(|w| w[0] <= w[1]),
        "{seen:?}"
    );
}

#[test]
fn every_message_survives_its_wire_form() {
    let requests = vec![
        (import_request("a.csv", vec![0, 255, 10]), "import_file"),
        (
            CheckFile {
                name: "a.csv".into(),
                size_bytes: 3,
            }
            .into(),
            "check_file",
        ),
        (
            Rows {
                file_id: 1,
                offset: 2,
                limit: 3,
            }
            .into(),
            "rows",
        ),
        (Summary {}.into(), "summary"),
        (RemoveFile { file_id: 2 }.into(), "remove_file"),
        (
            SetSettings {
                settings: Box::default(),
            }
            .into(),
            "set_settings",
        ),
        (
            Metrics {
                settings: Box::new(q1()),
            }
            .into(),
            "metrics",
        ),
        (
            Explain {
                settings: Box::new(q1()),
                metric: "win_rate".into(),
                rep: Some("Ann Lee".into()),
                page: 1,
                page_size: Some(10),
                sort: Some(RecordSort {
                    column: RecordColumn::Amount,
                    descending: true,
                }),
            }
            .into(),
            "explain",
        ),
        (
            Trends {
                settings: Box::new(q1()),
            }
            .into(),
            "trends",
        ),
        (Cancel { request_id: 4 }.into(), "cancel"),
        (Forget {}.into(), "forget"),
    ];
    for (request, tag) in requests {
        let envelope = Envelope::new(9, request);
        let json = serde_json::to_string(&envelope).unwrap();
        assert!(
            json.contains(&format!(r#""body":{{"type":"{tag}""#)),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<Envelope<Request>>(&json).unwrap(),
            envelope,
            "{json}"
        );
    }
    let mut session = Session::new();
    let report = import_fixture(&mut session, "skeleton/deals-latin1.tsv");
    let replies = vec![
        (
            Reply::Answer {
                answer: Answer::Imported(Imported {
                    file_id: 0,
                    report: Box::new(report),
                }),
            },
            "imported",
        ),
        (
            Reply::Answer {
                answer: Answer::RowsPage(RowsPage {
                    page: Page {
                        offset: 0,
                        total: 1,
                        items: vec![vec!["x".into()]],
                    },
                }),
            },
            "rows_page",
        ),
        (
            Reply::Answer {
                answer: Answer::FileOk(FileOk {}),
            },
            "file_ok",
        ),
        (
            Reply::Answer {
                answer: Answer::CancelNoted(CancelNoted { request_id: 3 }),
            },
            "cancel_noted",
        ),
        (
            Reply::Answer {
                answer: Answer::Forgotten(Forgotten {}),
            },
            "forgotten",
        ),
    ];
    for (reply, tag) in replies {
        let json = serde_json::to_string(&reply).unwrap();
        assert!(
            json.contains(&format!(r#""answer":{{"type":"{tag}""#)),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<Reply>(&json).unwrap(),
            reply,
            "{json}"
        );
    }
    let progress = Reply::Progress {
        progress: Progress {
            stage: Stage::Building,
            done: 1,
            total: 3,
            rows: 0,
        },
    };
    let json = serde_json::to_string(&progress).unwrap();
    assert!(json.contains(r#""stage":"building""#), "{json}");
    assert_eq!(serde_json::from_str::<Reply>(&json).unwrap(), progress);
    let failed = Reply::from_result(Err(EngineError::Cancelled { request_id: 3 }));
    let json = serde_json::to_string(&failed).unwrap();
    assert_eq!(
        serde_json::from_str::<Reply>(&json).unwrap(),
        failed,
        "{json}"
    );
}

#[test]
fn forget_drops_every_file() {
    let mut session = Session::new();
    import_fixture(&mut session, "skeleton/deals-semicolon-bom.csv");
    assert_eq!(session.ask(Forget {}).unwrap(), Forgotten {});
    assert!(rows(&mut session, 0, 0, 1).is_err());
}

#[test]
fn remove_file_drops_one_file_and_rebuilds_without_it() {
    let mut session = Session::new();
    import_fixture(&mut session, "skeleton/deals-semicolon-bom.csv");
    import_fixture(&mut session, "skeleton/deals-latin1.tsv");
    let deals = |session: &mut Session| {
        let Overview { files, model } = session.ask(Summary {}).unwrap();
        (files.len(), model.deals.total)
    };
    let (files, both) = deals(&mut session);
    assert_eq!(files, 2);
    let Overview { files, model } = session.ask(RemoveFile { file_id: 0 }).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].file, "skeleton/deals-latin1.tsv");
    assert!(
        model.deals.total < both,
        "{} deals after removing one of two files ({both} before)",
        model.deals.total
    );
    // The rows of a removed file are gone; removing it again names the ids that are left.
    assert!(rows(&mut session, 0, 0, 1).is_err());
    assert!(rows(&mut session, 1, 0, 1).is_ok());
    let error = session.ask(RemoveFile { file_id: 0 }).unwrap_err();
    assert!(error.to_string().contains('1'), "{error}");
}

/// Regression: Forget kept the choices made about the files (a flipped assumption came back with the next
/// import of the same file).
#[test]
fn forget_drops_the_choices_made_about_the_files_too() {
    use pipelens::engine::model::AssumptionChoice;
    let mut session = Session::new();
    let settings = ModelSettings {
        assumptions: vec![AssumptionChoice {
            file: None,
            id: "date_order:Close Date".into(),
            choice: "day_first".into(),
        }],
        business_time_zone: Some("America/Bogota".into()),
        ..ModelSettings::default()
    };
    let Overview { model, .. } = session
        .ask(SetSettings {
            settings: Box::new(settings),
        })
        .unwrap();
    assert_eq!(model.business_time_zone, "America/Bogota");
    session.ask(Forget {}).unwrap();
    let Overview { model, .. } = session.ask(Summary {}).unwrap();
    assert_eq!(model.business_time_zone, "UTC");
}

#[test]
fn files_beyond_the_size_limits_are_refused_before_reading() {
    let limits = Limits {
        max_file_bytes: 1_000,
        max_session_bytes: 1_500,
        ..Limits::default()
    };
    let mut session = Session::with_limits(limits);
    let check = |session: &mut Session, size_bytes| {
        session.ask(CheckFile {
            name: "f.csv".into(),
            size_bytes,
        })
    };
    assert_eq!(check(&mut session, 900), Ok(FileOk {}));
    let error = check(&mut session, 1_001).unwrap_err();
    assert!(
        error.to_string().contains("reads files of up to 1 KB"),
        "{error}"
    );
    import(
        &mut session,
        "a.csv",
        format!("a,b\n{}", "x,y\n".repeat(200)).into_bytes(),
    )
    .unwrap();
    let error = check(&mut session, 900).unwrap_err();
    assert!(matches!(error, EngineError::SessionFull { .. }), "{error}");
    session.ask(Forget {}).unwrap();
    assert_eq!(
        check(&mut session, 900),
        Ok(FileOk {}),
        "forgetting frees the session's room"
    );
}

// ---- the model, metrics, trends and explanations through the door ----

/// The deals and their stage history of the process fixture, imported (not yet built).
fn deals_and_history() -> Session {
    let mut session = Session::new();
    for name in ["deals.csv", "OpportunityHistory.csv"] {
        let bytes = std::fs::read(support::fixture("metrics2").join(name)).unwrap();
        let report = import(&mut session, name, bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(report.file, name);
    }
    session
}

fn q1() -> MetricSettings {
    MetricSettings {
        period: PeriodSpec::Quarter {
            year: 2026,
            quarter: 1,
        },
        as_of: Some(chrono::NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()),
        ..MetricSettings::default()
    }
}

/// Runs a request through an envelope, keeping every progress event.
fn run_with_progress(
    session: &mut Session,
    id: u64,
    request: impl Into<Request>,
) -> (Result<Answer, EngineError>, Vec<Progress>) {
    let mut seen = Vec::new();
    let answer = session.run(Envelope::new(id, request.into()), |reply| match reply {
        Reply::Progress { progress } => seen.push(*progress),
        other => panic!("only progress comes before the answer, got {other:?}"),
    });
    (answer, seen)
}

/// The columns of a file the build decides before reading its rows (its dates, amount and probability).
fn decided_columns(file: &FileReport) -> u64 {
    const DECIDED: [&str; 14] = [
        "created",
        "expected_close",
        "closed",
        "won_time",
        "lost_time",
        "last_activity",
        "at",
        "due",
        "started",
        "ended",
        "period_start",
        "period_end",
        "amount",
        "probability",
    ];
    file.mapping
        .iter()
        .filter(|e| DECIDED.contains(&e.field.as_str()))
        .count() as u64
}

#[test]
fn a_big_file_is_built_in_row_slices_and_a_cancel_stops_the_build_between_them() {
    let rows = ROWS_PER_STEP * 3 + 10;
    let mut csv = String::from(
        "Opportunity ID,Opportunity Name,Opportunity Owner,Stage,Amount,Created Date,Close Date\n",
    );
    for i in 0..rows {
        csv.push_str(&format!(
            "006{i:012},Deal {i},Rep {},Prospecting,{},2024-01-02,2024-03-04\n",
            i % 7,
            1000 + i
        ));
    }
    let mut session = Session::new();
    let (answer, _) =
        run_with_progress(&mut session, 1, import_file("deals.csv", csv.into_bytes()));
    assert!(answer.is_ok(), "{answer:?}");

    // A Cancel between two slices of the build ends it; nothing half-built is kept.
    let mut job = session.begin(Envelope::new(3, Summary {}.into()));
    for _ in 0..2 {
        let reply = session.step(&mut job);
        let Reply::Progress { progress } = reply.body else {
            panic!("the build is not done after two slices: {:?}", reply.body)
        };
        assert_eq!(progress.stage, Stage::Building, "{progress:?}");
        assert!(progress.done < progress.total, "{progress:?}");
    }
    session
        .run(Envelope::new(4, Cancel { request_id: 3 }.into()), |_| ())
        .unwrap();
    let reply = session.step(&mut job);
    assert!(
        matches!(
            reply.body,
            Reply::Failed {
                error: EngineError::Cancelled { request_id: 3 },
                ..
            }
        ),
        "{:?}",
        reply.body
    );

    // Built to the end: the bar moves through the rows, more than once per file.
    let (answer, progress) = run_with_progress(&mut session, 5, Summary {});
    let Answer::Overview(Overview { files, model }) = answer.unwrap() else {
        panic!("Summary answers Overview")
    };
    assert_eq!(model.deals.total as usize, rows, "every row is a deal");
    let building: Vec<u64> = progress
        .iter()
        .filter(|p| p.stage == Stage::Building)
        .map(|p| p.done)
        .collect();
    assert!(
        building.len() >= 6,
        "a start, four slices of rows, the end of the file and the finish: {building:?}"
    );

    // The columns are decided in slices too: Amount, Created Date and Close Date, every value of each,
    // at most DECIDE_VALUES_PER_STEP per step, before the file's start and its four slices of rows; then
    // the finish, in its steps.
    assert_eq!(decided_columns(&files[0]), 3, "{:?}", files[0].mapping);
    let values = 3 * rows;
    let deciding = values.div_ceil(DECIDE_VALUES_PER_STEP);
    let reading = rows.div_ceil(ROWS_PER_STEP);
    assert_eq!(
        building.len(),
        deciding + 1 + reading + FINISH_STEPS,
        "{deciding} steps deciding, a start, {reading} slices of rows and {FINISH_STEPS} to finish: {building:?}"
    );
    let total = progress[0].total;
    assert_eq!(total as usize, values + 1 + rows + FINISH_STEPS);
    let mut last = 0;
    for p in &progress {
        assert_eq!(p.total, total, "the total stays: {progress:?}");
        assert!(
            p.done > last && p.done - last <= DECIDE_VALUES_PER_STEP.max(ROWS_PER_STEP) as u64,
            "every step moves the bar on, by no more than one step's work: {progress:?}"
        );
        last = p.done;
    }
    assert_eq!(last, total);
}

#[test]
fn the_steps_that_decide_a_file_s_columns_grow_with_the_file() {
    // The same columns, a file and one four times longer: the steps before the first row is read grow with
    // it (a one-shot decision would be one step however long the file is).
    let mut before_rows = Vec::new();
    for rows in [4 * ROWS_PER_STEP, 16 * ROWS_PER_STEP] {
        let mut csv = String::from(
            "Activity Type,Subject,Date,Due Date,Created Date,Assigned To,Opportunity ID\n",
        );
        for i in 0..rows {
            csv.push_str(&format!(
                "Call,Call {i},{:02}/{:02}/2024,2024-02-03,2024-01-0{},Rep {},D{}\n",
                1 + i % 12,
                1 + i % 28,
                1 + i % 9,
                i % 5,
                i % 50
            ));
        }
        let mut session = Session::new();
        let (answer, _) = run_with_progress(
            &mut session,
            1,
            import_file("activities.csv", csv.into_bytes()),
        );
        assert!(answer.is_ok(), "{answer:?}");
        let (answer, progress) = run_with_progress(&mut session, 2, Summary {});
        let Answer::Overview(Overview { files, .. }) = answer.unwrap() else {
            panic!("Summary answers Overview")
        };
        assert_eq!(files[0].kind, "activities", "{:?}", files[0].mapping);
        let values = decided_columns(&files[0]) as usize * rows;
        assert_eq!(values, 3 * rows, "{:?}", files[0].mapping);
        // Steps until the bar passes the values decided and the file's start.
        let steps = progress
            .iter()
            .take_while(|p| (p.done as usize) <= values)
            .count();
        assert_eq!(
            steps,
            values.div_ceil(DECIDE_VALUES_PER_STEP),
            "{rows} rows: {progress:?}"
        );
        before_rows.push(steps);
    }
    assert_eq!(
        before_rows[1],
        4 * before_rows[0],
        "four times the rows, four times the steps: {before_rows:?}"
    );
}

#[test]
fn imports_leave_the_model_to_the_next_request_which_builds_it_once_with_progress() {
    let mut session = Session::new();
    let mut kinds_on_import = Vec::new();
    for name in ["deals.csv", "OpportunityHistory.csv"] {
        let bytes = std::fs::read(support::fixture("metrics2").join(name)).unwrap();
        let (answer, progress) = run_with_progress(&mut session, 1, import_file(name, bytes));
        let Answer::Imported(Imported { report, .. }) = answer.unwrap() else {
            panic!("an import answers Imported")
        };
        assert!(
            progress.iter().all(|p| p.stage == Stage::Parsing),
            "an import only parses: {progress:?}"
        );
        kinds_on_import.push(report.kind.clone());
    }
    assert_eq!(
        kinds_on_import,
        ["unknown", "unknown"],
        "the import's report is the reader's; the model decides the kind"
    );

    let (answer, progress) = run_with_progress(&mut session, 2, Summary {});
    let Answer::Overview(Overview { files, model }) = answer.unwrap() else {
        panic!("Summary answers Overview")
    };
    assert!(
        progress.iter().all(|p| p.stage == Stage::Building),
        "{progress:?}"
    );
    // Progress counts units of work: each value of a decided column, each row, a step to start each file,
    // and the finish's steps.
    let units: u64 = files
        .iter()
        .map(|f| f.rows_read * (1 + decided_columns(f)) + 1)
        .sum::<u64>()
        + FINISH_STEPS as u64;
    assert!(
        progress.iter().all(|p| p.total == units),
        "values decided, rows, a start per file and the finish's steps: {units} units, {progress:?}"
    );
    let done: Vec<u64> = progress.iter().map(|p| p.done).collect();
    assert!(
        done.windows(2).all(|w| w[0] < w[1]),
        "progress only moves on: {progress:?}"
    );
    assert_eq!(
        done.last(),
        progress.last().map(|p| p.total).as_ref(),
        "{progress:?}"
    );

    let kinds: Vec<(&str, &str)> = files
        .iter()
        .map(|f| (f.file.as_str(), f.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("deals.csv", "deals"),
            ("OpportunityHistory.csv", "stage_history")
        ]
    );
    assert!(files.iter().all(|f| f.source != "unknown"), "{files:?}");
    assert!(model.deals.total > 0);

    // Built once: the next request that needs the model does not build it again.
    let (answer, progress) = run_with_progress(&mut session, 3, Summary {});
    assert!(progress.is_empty(), "{progress:?}");
    let Answer::Overview(again) = answer.unwrap() else {
        panic!("Summary answers Overview")
    };
    assert_eq!(again.files, files);
}

#[test]
fn metrics_report_each_computing_step_and_equal_the_one_go_computation() {
    let mut session = deals_and_history();
    let settings = q1();
    let expected = compute(session.model().expect("a model"), &settings).unwrap();

    let (answer, progress) = run_with_progress(
        &mut session,
        4,
        Metrics {
            settings: Box::new(settings.clone()),
        },
    );
    let Answer::Computed(Computed { report }) = answer.unwrap() else {
        panic!("Metrics answers Computed")
    };
    assert_eq!(*report, expected);
    assert!(
        progress
            .iter()
            .all(|p| p.stage == Stage::Computing && p.total == ComputeTask::STEPS as u64),
        "{progress:?}"
    );
    // One event per part but the last, whose step gives the answer: ComputeTask::STEPS steps in all.
    let done: Vec<u64> = progress.iter().map(|p| p.done).collect();
    assert_eq!(
        done,
        (1..ComputeTask::STEPS as u64).collect::<Vec<_>>(),
        "{progress:?}"
    );

    // The typed door gives the same report.
    let computed = session
        .ask(Metrics {
            settings: Box::new(settings),
        })
        .unwrap();
    assert_eq!(*computed.report, expected);
}

#[test]
fn a_metrics_request_cancelled_after_its_first_step_ends_cancelled() {
    let mut session = deals_and_history();
    session.ask(Summary {}).unwrap();
    let mut job = session.begin(Envelope::new(
        20,
        Metrics {
            settings: Box::new(q1()),
        }
        .into(),
    ));
    let first = session.step(&mut job);
    assert_eq!(first.id, 20);
    let Reply::Progress { progress } = first.body else {
        panic!("expected progress, got {:?}", first.body)
    };
    assert_eq!((progress.stage, progress.done), (Stage::Computing, 1));

    let noted = session.ask(Cancel { request_id: 20 }).unwrap();
    assert_eq!(noted, CancelNoted { request_id: 20 });
    let reply = session.step(&mut job);
    assert_eq!(reply.id, 20);
    assert!(
        matches!(
            reply.body,
            Reply::Failed {
                error: EngineError::Cancelled { request_id: 20 },
                ..
            }
        ),
        "{:?}",
        reply.body
    );
    // The session goes on: the same request asked again is computed in full.
    let expected = compute(session.model().unwrap(), &q1()).unwrap();
    let computed = session
        .ask(Metrics {
            settings: Box::new(q1()),
        })
        .unwrap();
    assert_eq!(*computed.report, expected);
}

#[test]
fn trends_report_a_step_per_month_and_equal_the_one_go_months() {
    let mut session = deals_and_history();
    let settings = q1();
    let expected = monthly(session.model().unwrap(), &settings).unwrap();
    assert_eq!(expected.len(), TrendsTask::STEPS, "twelve months");

    let (answer, progress) = run_with_progress(
        &mut session,
        5,
        Trends {
            settings: Box::new(settings),
        },
    );
    let Answer::Trended(Trended { months }) = answer.unwrap() else {
        panic!("Trends answers Trended")
    };
    assert_eq!(months, expected);
    assert!(
        progress
            .iter()
            .all(|p| p.stage == Stage::Computing && p.total == TrendsTask::STEPS as u64),
        "{progress:?}"
    );
    // A step per month; the last month's step gives the answer.
    let done: Vec<u64> = progress.iter().map(|p| p.done).collect();
    assert_eq!(
        done,
        (1..months.len() as u64).collect::<Vec<_>>(),
        "{progress:?}"
    );
}

#[test]
fn explained_records_sorted_by_amount_descending_are_the_same_records_reordered() {
    let mut session = deals_and_history();
    let explain = |sort: Option<RecordSort>, page: u32, page_size: u32| Explain {
        settings: Box::new(q1()),
        metric: "win_rate".into(),
        rep: None,
        page,
        page_size: Some(page_size),
        sort,
    };
    let by_amount = RecordSort {
        column: RecordColumn::Amount,
        descending: true,
    };
    let Explained {
        explanation: unsorted,
    } = session.ask(explain(None, 0, 1_000)).unwrap();
    let Explained {
        explanation: sorted,
    } = session.ask(explain(Some(by_amount), 0, 1_000)).unwrap();

    assert_eq!(sorted.total_records, unsorted.total_records);
    assert_eq!(sorted.records.len() as u64, sorted.total_records);
    assert!(sorted.records.len() >= 3, "{:?}", sorted.records);
    let amounts: Vec<f64> = sorted
        .records
        .iter()
        .map(|r| r.amount.unwrap_or(f64::MIN))
        .collect();
    assert!(
        amounts.windows(2).all(|w| w[0] >= w[1]),
        "descending by amount: {amounts:?}"
    );
    assert!(
        amounts.first() > amounts.last(),
        "the amounts differ, so the order shows: {amounts:?}"
    );
    assert_ne!(
        sorted.records, unsorted.records,
        "the default order (date, then id) is not by amount, so the sort shows"
    );
    // The same records, only in another order.
    let key = |r: &pipelens::engine::metrics::explain::Record| (r.id.clone(), r.file, r.row);
    let mut a: Vec<_> = sorted.records.iter().map(key).collect();
    let mut b: Vec<_> = unsorted.records.iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(
        (sorted.value, &sorted.formula),
        (unsorted.value, &unsorted.formula)
    );

    // Sorting happens before paging: the first page holds the largest amounts.
    let Explained { explanation: first } = session.ask(explain(Some(by_amount), 0, 2)).unwrap();
    assert_eq!(first.total_records, unsorted.total_records);
    assert_eq!(first.records, sorted.records[..2]);
}

#[test]
fn asking_rows_of_an_unknown_file_is_an_unknown_file_error() {
    let mut session = Session::new();
    assert_eq!(
        session.ask(Rows {
            file_id: 3,
            offset: 0,
            limit: 10,
        }),
        Err(EngineError::UnknownFile {
            file_id: 3,
            valid: "none (nothing imported yet)".into(),
        })
    );
    import_fixture(&mut session, "skeleton/deals-semicolon-bom.csv");
    import_fixture(&mut session, "skeleton/deals-latin1.tsv");
    assert_eq!(
        session.ask(Rows {
            file_id: 3,
            offset: 0,
            limit: 10,
        }),
        Err(EngineError::UnknownFile {
            file_id: 3,
            valid: "0, 1".into(),
        })
    );
    assert!(
        session
            .ask(Rows {
                file_id: 1,
                offset: 0,
                limit: 10,
            })
            .is_ok()
    );
}

#[test]
fn an_answer_of_another_kind_is_a_protocol_error() {
    let error = typed::<Metrics>("Metrics", Answer::Forgotten(Forgotten {})).unwrap_err();
    assert!(
        matches!(&error, EngineError::Protocol { detail } if detail.contains("Metrics") && detail.contains("Forgotten")),
        "{error:?}"
    );
    assert!(error.to_string().contains("reload the page"), "{error}");
}

/// Regression: a Cancel of an id that is not running was kept, and stopped the next request given that id.
#[test]
fn a_cancel_of_an_id_not_running_does_not_stop_a_later_request_with_that_id() {
    let mut session = Session::new();
    let noted = session
        .run(
            Envelope::new(1, Request::from(Cancel { request_id: 2 })),
            |_| (),
        )
        .unwrap();
    assert_eq!(noted, Answer::CancelNoted(CancelNoted { request_id: 2 }));
    let answer = session.run(Envelope::new(2, Request::from(Summary {})), |_| ());
    assert!(matches!(answer, Ok(Answer::Overview(_))), "{answer:?}");
}

/// Regression: `model()` built an empty model for a session without files instead of saying there is none.
#[test]
fn a_session_without_files_has_no_model_even_after_forget() {
    let mut session = Session::new();
    assert!(session.model().is_none());
    import_fixture(&mut session, "skeleton/deals-semicolon-bom.csv");
    assert!(session.model().is_some_and(|m| m.deals.len() == 3));
    session.ask(Forget {}).unwrap();
    assert!(session.model().is_none());
}

// ---- regressions: answers the views lay out without computing ----

/// Open deals of two HubSpot pipelines that share the stage names Discovery and Proposal.
fn two_pipelines() -> Session {
    let deals = "\"Record ID\",\"Deal Name\",\"Deal Stage\",\"Pipeline\",\"Deal owner\",\"Amount\",\"Close Date\",\"Create Date\"\n\
        \"1\",\"N1\",\"Discovery\",\"New Business\",\"Dana Reyes\",\"10000\",\"2026-03-20 10:00\",\"2026-01-05 10:00\"\n\
        \"2\",\"N2\",\"Discovery\",\"New Business\",\"Dana Reyes\",\"2000\",\"2026-04-10 10:00\",\"2026-01-06 10:00\"\n\
        \"3\",\"N3\",\"Proposal\",\"New Business\",\"Dana Reyes\",\"5000\",\"2026-03-28 10:00\",\"2026-01-07 10:00\"\n\
        \"4\",\"R1\",\"Discovery\",\"Renewals\",\"Dana Reyes\",\"40000\",\"2026-03-25 10:00\",\"2026-01-08 10:00\"\n\
        \"5\",\"R2\",\"Proposal\",\"Renewals\",\"Dana Reyes\",\"8000\",\"2026-02-27 10:00\",\"2026-01-09 10:00\"\n";
    let mut session = Session::new();
    import(
        &mut session,
        "hubspot-crm-exports-deals.csv",
        deals.as_bytes().to_vec(),
    )
    .expect("the deals import");
    session
}

/// Regression: the Pipeline view's stage × close-month grid was keyed by the stage's name alone, so the
/// New Business and Renewals "Discovery" rows showed the same cell (one pipeline's amount, the other's lost).
#[test]
fn a_stage_name_two_pipelines_share_is_a_row_in_each_pipelines_stage_month_grid() {
    let mut session = two_pipelines();
    let report = session
        .ask(Metrics {
            settings: Box::new(q1()),
        })
        .unwrap()
        .report;
    let grids = &report.pipeline.stage_month_grids;
    assert_eq!(
        grids
            .iter()
            .map(|g| g.pipeline.as_str())
            .collect::<Vec<_>>(),
        ["New Business", "Renewals"]
    );
    // (stage, [(month, deals, amount)]) per row, empty cells left out.
    let shape = |g: &pipelens::engine::metrics::stage_months::StageMonthGrid| {
        g.rows
            .iter()
            .map(|r| {
                let cells: Vec<(String, u64, f64)> = r
                    .cells
                    .iter()
                    .zip(&g.months)
                    .filter(|(c, _)| c.deals > 0)
                    .map(|(c, m)| (m.starts_on.to_string(), c.deals, c.amount_home))
                    .collect();
                (r.stage.label.clone(), cells)
            })
            .collect::<Vec<_>>()
    };
    let s = |x: &str| x.to_owned();
    assert_eq!(
        shape(&grids[0]),
        [
            (
                s("Discovery"),
                vec![
                    (s("2026-03-01"), 1, 10_000.0),
                    (s("2026-04-01"), 1, 2_000.0)
                ]
            ),
            (s("Proposal"), vec![(s("2026-03-01"), 1, 5_000.0)]),
        ]
    );
    assert_eq!(
        shape(&grids[1]),
        [
            (s("Discovery"), vec![(s("2026-03-01"), 1, 40_000.0)]),
            (s("Proposal"), vec![(s("2026-02-01"), 1, 8_000.0)]),
        ]
    );
    // Every row is its own pipeline's stage, and February (before the as-of month) is past only where a
    // deal of that pipeline is expected in it.
    for g in grids {
        assert!(
            g.rows.iter().all(|r| r.stage.pipeline == g.pipeline),
            "{g:?}"
        );
    }
    assert_eq!(
        grids[1]
            .months
            .iter()
            .map(|m| (m.starts_on.to_string(), m.past))
            .collect::<Vec<_>>(),
        [(s("2026-02-01"), true), (s("2026-03-01"), false)]
    );
    assert_eq!((grids[0].deals, grids[0].amount_home), (3, 17_000.0));
}

/// Planning found its pacing sentence by looking for an assumption starting with "Pacing"; the report says
/// what pacing compares with in a typed field instead.
#[test]
fn the_report_says_what_pacing_compares_with_and_has_none_once_the_period_is_over() {
    use pipelens::engine::metrics::compute::PacingCurve;
    let mut session = deals_and_history();
    let quotas = std::fs::read(support::fixture("metrics2").join("quotas.csv")).unwrap();
    import(&mut session, "quotas.csv", quotas).unwrap();
    let report = session
        .ask(Metrics {
            settings: Box::new(q1()),
        })
        .unwrap()
        .report;
    let basis = report.pacing.as_ref().expect("Q1 is under way on 15 March");
    // The fixture has no bookings before Q1: straight-line. Business days 1 Jan – 15 Mar: 22 in January,
    // 20 in February, 10 in March (Sunday the 15th not counted) = 52 of Q1's 22 + 20 + 22 = 64.
    assert_eq!(basis.curve, PacingCurve::StraightLine);
    assert_eq!(basis.share_by_now, 52.0 / 64.0);
    assert!(
        basis.sentence.contains("straight-line (81%"),
        "{}",
        basis.sentence
    );
    assert!(report.assumptions.contains(&basis.sentence));
    // Every rep's pacing is their attainment over that share.
    let paced: Vec<&str> = report
        .reps
        .iter()
        .filter_map(|m| {
            let (attainment, pacing) = (m.attainment?, m.pacing?);
            assert!(
                (pacing - attainment / basis.share_by_now).abs() < 1e-9,
                "{}",
                m.rep
            );
            Some(m.rep.as_str())
        })
        .collect();
    assert_eq!(paced, ["Ann Lee", "Bo Berg", "Cy Diaz", "Dee Park"]);

    // On the period's last day there is no pacing, and no sentence about it.
    let over = MetricSettings {
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 3, 31),
        ..q1()
    };
    let report = session
        .ask(Metrics {
            settings: Box::new(over),
        })
        .unwrap()
        .report;
    assert_eq!(report.pacing, None);
    assert!(!report.assumptions.iter().any(|a| a.contains("Pacing")));
}

/// The trend charts paled a month by comparing its counts with numbers written in the views; each point
/// says whether it rests on too few deals, by the engine's minimums.
#[test]
fn each_trend_point_says_whether_it_rests_on_too_few_deals() {
    use pipelens::engine::metrics::trend::{
        MIN_CLOSED_REP_MONTH, MIN_CLOSED_TEAM_MONTH, MIN_WON_MONTH,
    };
    let mut session = deals_and_history();
    let months = session
        .ask(Trends {
            settings: Box::new(q1()),
        })
        .unwrap()
        .months;
    let mut flagged = 0;
    for m in &months {
        let t = &m.team;
        assert_eq!(
            t.win_rate_too_few,
            t.win_rate_n < MIN_CLOSED_TEAM_MONTH,
            "{}",
            m.start
        );
        assert_eq!(t.won_too_few, t.deals_won < MIN_WON_MONTH, "{}", m.start);
        for r in &m.reps {
            assert_eq!(
                r.win_rate_too_few,
                r.win_rate_n < MIN_CLOSED_REP_MONTH,
                "{} {}",
                m.start,
                r.rep
            );
            assert_eq!(
                r.won_too_few,
                r.deals_won < MIN_WON_MONTH,
                "{} {}",
                m.start,
                r.rep
            );
            flagged += usize::from(r.win_rate_too_few);
        }
    }
    // The fixture's reps close a few deals a month: every rep month is too few to judge.
    assert!(flagged > 0 && months.iter().all(|m| m.team.win_rate_too_few));
}

#[test]
fn an_explanation_pages_through_one_list_and_is_found_afresh_when_the_model_or_a_setting_changes() {
    let explain =
        |settings: MetricSettings, sort: Option<RecordSort>, page: u32, page_size: u32| Explain {
            settings: Box::new(settings),
            metric: "deals_won".into(),
            rep: None,
            page,
            page_size: Some(page_size),
            sort,
        };
    let every_page = |session: &mut Session, settings: &MetricSettings, sort| {
        let mut pages = Vec::new();
        for page in 0.. {
            let Explained { explanation } = session
                .ask(explain(settings.clone(), sort, page, 3))
                .unwrap();
            let last = explanation.records.len() < 3;
            pages.push(*explanation);
            if last {
                break;
            }
        }
        pages
    };
    // The truth for a model and settings: one page holding every record, from a session that never
    // explained anything before.
    let fresh = |model: &ModelSettings, settings: &MetricSettings, sort| {
        let mut session = deals_and_history();
        session
            .ask(SetSettings {
                settings: Box::new(model.clone()),
            })
            .unwrap();
        let Explained { explanation } = session
            .ask(explain(settings.clone(), sort, 0, 1_000))
            .unwrap();
        *explanation
    };
    let check = |session: &mut Session, model: &ModelSettings, settings: &MetricSettings, sort| {
        let truth = fresh(model, settings, sort);
        let pages = every_page(session, settings, sort);
        let records: Vec<_> = pages.iter().flat_map(|p| p.records.clone()).collect();
        assert_eq!(
            records, truth.records,
            "the pages, end to end, are the list"
        );
        for (n, page) in pages.iter().enumerate() {
            assert_eq!(page.page, n as u32);
            assert_eq!(page.page_size, 3);
            assert_eq!(
                (
                    page.total_records,
                    page.amount_sum,
                    page.value,
                    &page.formula
                ),
                (
                    truth.total_records,
                    truth.amount_sum,
                    truth.value,
                    &truth.formula
                ),
                "page {n}"
            );
        }
        truth
    };

    let mut session = deals_and_history();
    let by_amount = Some(RecordSort {
        column: RecordColumn::Amount,
        descending: true,
    });
    let model = ModelSettings::default();
    let q1_won = check(&mut session, &model, &q1(), None);
    assert!(q1_won.total_records >= 4, "{:?}", q1_won.records);
    // Another order, then back: each its own list.
    let sorted = check(&mut session, &model, &q1(), by_amount);
    assert_ne!(sorted.records, q1_won.records);
    check(&mut session, &model, &q1(), None);

    // Another period: another list.
    let q4 = MetricSettings {
        period: PeriodSpec::Quarter {
            year: 2025,
            quarter: 4,
        },
        ..q1()
    };
    let q4_won = check(&mut session, &model, &q4, None);
    assert_ne!(q4_won.records, q1_won.records);
    check(&mut session, &model, &q1(), None);

    // The model changes (lost deals read as won): the request just answered is found afresh.
    let lost_is_won = ModelSettings {
        stages: vec![StageChoice {
            pipeline: None,
            raw: "Closed Lost".into(),
            standard: None,
            order: None,
            outcome: Some(Outcome::Won),
        }],
        ..ModelSettings::default()
    };
    session
        .ask(SetSettings {
            settings: Box::new(lost_is_won.clone()),
        })
        .unwrap();
    let more_won = check(&mut session, &lost_is_won, &q1(), None);
    assert!(
        more_won.total_records > q1_won.total_records,
        "{} won deals, then {}",
        q1_won.total_records,
        more_won.total_records
    );
}
