//! Native integration tests of the engine, through the same message door the UI uses.

mod support;

use pipelens::engine::EngineError;
use pipelens::engine::ingest::FileSummary;
use pipelens::engine::protocol::{Answer, Envelope, PROTOCOL_VERSION, Page, Reply, Request};
use pipelens::engine::session::Session;

fn import(session: &mut Session, name: &str, bytes: Vec<u8>) -> Result<FileSummary, EngineError> {
    let request = Request::ImportFile {
        name: name.to_owned(),
        bytes,
    };
    match session.run(Envelope::new(1, request), |_| ())? {
        Answer::Imported { summary } => Ok(summary),
        other => panic!("expected Imported, got {other:?}"),
    }
}

fn import_fixture(session: &mut Session, path: &str) -> FileSummary {
    let bytes = std::fs::read(support::fixture(path)).expect("fixture exists");
    import(session, path, bytes).expect("fixture imports")
}

#[test]
fn semicolon_file_with_bom_reads_with_quotes_and_header() {
    let mut session = Session::new();
    let summary = import_fixture(&mut session, "skeleton/deals-semicolon-bom.csv");
    assert_eq!(summary.encoding, "UTF-8");
    assert_eq!(summary.delimiter, ";");
    assert_eq!(
        summary.header,
        [
            "Opportunity Name",
            "Opportunity Owner",
            "Amount",
            "Close Date",
            "Stage"
        ]
    );
    assert_eq!(summary.rows, 3);
    let Answer::Rows { page } = session
        .run(
            Envelope::new(
                2,
                Request::Rows {
                    file_id: summary.file_id,
                    offset: 0,
                    limit: 10,
                },
            ),
            |_| (),
        )
        .unwrap()
    else {
        panic!("expected rows")
    };
    assert_eq!(page.total, 3);
    assert_eq!(page.items[0][0], "Acme; Inc. renewal");
    assert_eq!(page.items[2][0], "Initech \"Phase 2\"");
}

#[test]
fn latin1_tab_file_is_decoded_as_windows_1252_and_says_so() {
    let mut session = Session::new();
    let summary = import_fixture(&mut session, "skeleton/deals-latin1.tsv");
    assert_eq!(summary.encoding, "windows-1252");
    assert_eq!(summary.delimiter, "\t");
    assert_eq!(summary.rows, 2);
    assert!(
        summary.warnings.iter().any(|w| w.contains("Windows-1252")),
        "{:?}",
        summary.warnings
    );
    let Answer::Rows { page } = session
        .run(
            Envelope::new(
                2,
                Request::Rows {
                    file_id: 0,
                    offset: 0,
                    limit: 1,
                },
            ),
            |_| (),
        )
        .unwrap()
    else {
        panic!("expected rows")
    };
    assert_eq!(
        page.items,
        vec![vec!["Café Müller", "José Núñez", "1200", "Ganada"]]
    );
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
    let error = session
        .run(
            Envelope::new(
                1,
                Request::Rows {
                    file_id: 9,
                    offset: 0,
                    limit: 1,
                },
            ),
            |_| (),
        )
        .unwrap_err();
    assert!(
        error.to_string().contains("none (nothing imported yet)"),
        "{error}"
    );
    import_fixture(&mut session, "skeleton/deals-semicolon-bom.csv");
    let error = session
        .run(
            Envelope::new(
                1,
                Request::Rows {
                    file_id: 9,
                    offset: 0,
                    limit: 1,
                },
            ),
            |_| (),
        )
        .unwrap_err();
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
        Request::ImportFile {
            name: "big.csv".to_owned(),
            bytes: big_csv(100_000),
        },
    ));
    let first = session.step(&mut job);
    assert_eq!(first.id, 5);
    let Reply::Progress { progress } = first.body else {
        panic!("expected progress, got {:?}", first.body)
    };
    assert!(
        progress.rows > 0 && progress.done_bytes < progress.total_bytes,
        "{progress:?}"
    );

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
    let error = session.run(
        Envelope::new(
            7,
            Request::Rows {
                file_id: 0,
                offset: 0,
                limit: 1,
            },
        ),
        |_| (),
    );
    assert!(error.is_err());
}

#[test]
fn a_finished_import_counts_every_row_and_reports_growing_progress() {
    let mut session = Session::new();
    let mut seen = Vec::new();
    let answer = session
        .run(
            Envelope::new(
                1,
                Request::ImportFile {
                    name: "big.csv".into(),
                    bytes: big_csv(50_000),
                },
            ),
            |reply| {
                if let Reply::Progress { progress } = reply {
                    seen.push(progress.rows);
                }
            },
        )
        .unwrap();
    let Answer::Imported { summary } = answer else {
        panic!()
    };
    assert_eq!(summary.rows, 50_000);
    assert!(
        seen.len() >= 2 && seen.windows(2).all(|w| w[0] < w[1]),
        "{seen:?}"
    );
}

#[test]
fn every_message_survives_its_wire_form() {
    let requests = vec![
        Request::ImportFile {
            name: "a.csv".into(),
            bytes: vec![0, 255, 10],
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
    let replies = vec![
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
    assert!(
        session
            .run(
                Envelope::new(
                    3,
                    Request::Rows {
                        file_id: 0,
                        offset: 0,
                        limit: 1
                    }
                ),
                |_| ()
            )
            .is_err()
    );
}

/// Every real export beside the repository goes through the door and comes back with a header.
#[test]
fn every_real_export_imports_through_the_door() {
    let Some(shared) = support::shared_data("every_real_export_imports_through_the_door") else {
        return;
    };
    let mut count = 0;
    for dir in std::fs::read_dir(shared.join("real")).unwrap() {
        let dir = dir.unwrap().path();
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_none_or(|e| e != "csv") {
                continue;
            }
            let mut session = Session::new();
            let summary = import(
                &mut session,
                &path.display().to_string(),
                std::fs::read(&path).unwrap(),
            )
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(!summary.header.is_empty(), "{}", path.display());
            count += 1;
        }
    }
    assert!(
        count >= 20,
        "expected the real exports, found {count} files"
    );
}
