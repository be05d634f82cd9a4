//! Native integration tests of the engine session, through the same message door the UI uses.

mod support;

use pipelens::engine::EngineError;
use pipelens::engine::ingest::ImportOptions;
use pipelens::engine::ingest::limits::Limits;
use pipelens::engine::ingest::report::FileReport;
use pipelens::engine::protocol::{Answer, Envelope, PROTOCOL_VERSION, Page, Reply, Request};
use pipelens::engine::session::Session;

fn import_request(name: &str, bytes: Vec<u8>) -> Request {
    Request::ImportFile {
        name: name.to_owned(),
        bytes,
        options: ImportOptions::default(),
    }
}

fn import(session: &mut Session, name: &str, bytes: Vec<u8>) -> Result<FileReport, EngineError> {
    match session.run(Envelope::new(1, import_request(name, bytes)), |_| ())? {
        Answer::Imported { report, .. } => Ok(*report),
        other => panic!("expected Imported, got {other:?}"),
    }
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
    match session.run(
        Envelope::new(
            2,
            Request::Rows {
                file_id,
                offset,
                limit,
            },
        ),
        |_| (),
    )? {
        Answer::Rows { page } => Ok(page),
        other => panic!("expected Rows, got {other:?}"),
    }
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
        body: Request::Forget,
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
    while progress.is_none_or(|p: pipelens::engine::ingest::Progress| p.rows == 0) {
        let reply = session.step(&mut job);
        assert_eq!(reply.id, 5);
        let Reply::Progress { progress: p } = reply.body else {
            panic!("expected progress, got {:?}", reply.body)
        };
        progress = Some(p);
    }
    let progress = progress.unwrap();
    assert!(progress.done_bytes < progress.total_bytes, "{progress:?}");

    let noted = session
        .run(Envelope::new(6, Request::Cancel { request_id: 5 }), |_| ())
        .unwrap();
    assert_eq!(noted, Answer::CancelNoted { request_id: 5 });
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
                    seen.push(progress.done_bytes);
                }
            },
        )
        .unwrap();
    let Answer::Imported { report, .. } = answer else {
        panic!()
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
        import_request("a.csv", vec![0, 255, 10]),
        Request::CheckFile {
            name: "a.csv".into(),
            size_bytes: 3,
        },
        Request::Rows {
            file_id: 1,
            offset: 2,
            limit: 3,
        },
        Request::Cancel { request_id: 4 },
        Request::Forget,
    ];
    for request in requests {
        let envelope = Envelope::new(9, request);
        let json = serde_json::to_string(&envelope).unwrap();
        assert_eq!(
            serde_json::from_str::<Envelope<Request>>(&json).unwrap(),
            envelope,
            "{json}"
        );
    }
    let mut session = Session::new();
    let report = import_fixture(&mut session, "skeleton/deals-latin1.tsv");
    let replies = vec![
        Reply::Answer {
            answer: Answer::Imported {
                file_id: 0,
                report: Box::new(report),
            },
        },
        Reply::Answer {
            answer: Answer::Rows {
                page: Page {
                    offset: 0,
                    total: 1,
                    items: vec![vec!["x".into()]],
                },
            },
        },
        Reply::Answer {
            answer: Answer::Forgotten,
        },
        Reply::from_result(Err(EngineError::Cancelled { request_id: 3 })),
    ];
    for reply in replies {
        let json = serde_json::to_string(&reply).unwrap();
        assert_eq!(
            serde_json::from_str::<Reply>(&json).unwrap(),
            reply,
            "{json}"
        );
    }
}

#[test]
fn forget_drops_every_file() {
    let mut session = Session::new();
    import_fixture(&mut session, "skeleton/deals-semicolon-bom.csv");
    assert_eq!(
        session
            .run(Envelope::new(2, Request::Forget), |_| ())
            .unwrap(),
        Answer::Forgotten
    );
    assert!(rows(&mut session, 0, 0, 1).is_err());
}

#[test]
fn remove_file_drops_one_file_and_rebuilds_without_it() {
    let mut session = Session::new();
    import_fixture(&mut session, "skeleton/deals-semicolon-bom.csv");
    import_fixture(&mut session, "skeleton/deals-latin1.tsv");
    let deals = |session: &mut Session| match session
        .run(Envelope::new(9, Request::Summary), |_| ())
        .unwrap()
    {
        Answer::Summary { files, model } => (files.len(), model.deals.total),
        other => panic!("{other:?}"),
    };
    let (files, both) = deals(&mut session);
    assert_eq!(files, 2);
    let answer = session
        .run(
            Envelope::new(10, Request::RemoveFile { file_id: 0 }),
            |_| (),
        )
        .unwrap();
    let Answer::Summary { files, model } = answer else {
        panic!("{answer:?}")
    };
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
    let error = session
        .run(
            Envelope::new(12, Request::RemoveFile { file_id: 0 }),
            |_| (),
        )
        .unwrap_err();
    assert!(error.to_string().contains('1'), "{error}");
}

/// Regression: Forget kept the choices made about the files (a flipped assumption came back with the next
/// import of the same file).
#[test]
fn forget_drops_the_choices_made_about_the_files_too() {
    use pipelens::engine::model::{AssumptionChoice, ModelSettings};
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
    let summary = session
        .run(
            Envelope::new(
                1,
                Request::SetSettings {
                    settings: Box::new(settings),
                },
            ),
            |_| (),
        )
        .unwrap();
    let Answer::Summary { model, .. } = summary else {
        panic!("{summary:?}")
    };
    assert_eq!(model.business_time_zone, "America/Bogota");
    session
        .run(Envelope::new(2, Request::Forget), |_| ())
        .unwrap();
    let Answer::Summary { model, .. } = session
        .run(Envelope::new(3, Request::Summary), |_| ())
        .unwrap()
    else {
        panic!("no summary")
    };
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
        session.run(
            Envelope::new(
                1,
                Request::CheckFile {
                    name: "f.csv".into(),
                    size_bytes,
                },
            ),
            |_| (),
        )
    };
    assert_eq!(check(&mut session, 900), Ok(Answer::FileOk));
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
    session
        .run(Envelope::new(2, Request::Forget), |_| ())
        .unwrap();
    assert_eq!(
        check(&mut session, 900),
        Ok(Answer::FileOk),
        "forgetting frees the session's room"
    );
}
