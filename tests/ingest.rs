//! Import, part 1: every shape of export file read into records, with a report that accounts for every row.
//!
//! Golden reports: each file in `tests/fixtures/ingest/` has its expected report and first rows, as JSON, in
//! the insta snapshot `tests/fixtures/ingest/golden/<file>.snap`. `BLESS=1 cargo test --test ingest` rewrites
//! them; read the diff before committing.

mod support;

use std::path::Path;

use pipelens::engine::EngineError;
use pipelens::engine::ingest::limits::Limits;
use pipelens::engine::ingest::report::FileReport;
use pipelens::engine::ingest::{ImportJob, ImportOptions, ImportedFile, Slice};
use serde_json::{Value, json};

/// Reads a whole file through the import job, checking the row invariant.
fn import_with(
    name: &str,
    bytes: Vec<u8>,
    options: ImportOptions,
    limits: Limits,
) -> Result<ImportedFile, EngineError> {
    let mut job = ImportJob::new(0, name.to_owned(), bytes, options, limits);
    loop {
        match job.step() {
            Slice::Working(_) => {}
            Slice::Done(result) => {
                if let Ok(file) = &result {
                    assert_balanced(&file.report);
                }
                return result.map(|file| *file);
            }
        }
    }
}

fn import(name: &str, bytes: Vec<u8>) -> Result<ImportedFile, EngineError> {
    import_with(name, bytes, ImportOptions::default(), Limits::default())
}

fn assert_balanced(report: &FileReport) {
    assert_eq!(
        report.rows_read,
        report.rows_accepted + report.rows_rejected + report.rows_skipped,
        "rows_read = accepted + rejected + skipped for {}",
        report.file
    );
    let listed = report.rejections.len() as u64 + report.rejections_omitted;
    assert_eq!(
        listed,
        report.rows_rejected + report.rows_skipped,
        "every rejected or skipped row is listed: {}",
        report.file
    );
}

fn rows(file: &ImportedFile, n: usize) -> Vec<Vec<String>> {
    (0..file.table.row_count().min(n))
        .map(|r| file.table.row(r).map(str::to_owned).collect())
        .collect()
}

fn golden_value(result: &Result<ImportedFile, EngineError>) -> Value {
    match result {
        Ok(file) => json!({ "report": file.report, "rows": rows(file, 10) }),
        Err(error) => json!({ "error": error.to_string() }),
    }
}

#[test]
fn every_fixture_matches_its_golden_report() {
    let dir = support::fixture("ingest");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".py"))
        .collect();
    names.sort();
    assert!(names.len() >= 30, "fixtures found: {names:?}");
    support::assert_golden(
        "ingest/golden",
        names.into_iter().map(|name| {
            let path = dir.join(&name);
            let actual = golden_value(&import(&name, std::fs::read(&path).unwrap()));
            let text = serde_json::to_string_pretty(&actual).unwrap();
            (name, path, text)
        }),
    );
}

fn fixture(name: &str) -> ImportedFile {
    let bytes = std::fs::read(support::fixture(&format!("ingest/{name}"))).unwrap();
    import(name, bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

// A few properties stated directly, so a wrong bless cannot hide them.

#[test]
fn quotes_line_breaks_and_bom_are_read_exactly() {
    let file = fixture("utf8-bom-quotes-crlf.csv");
    assert_eq!(
        file.report.header[0], "Opportunity Name",
        "the BOM is not part of the first name"
    );
    assert_eq!(
        rows(&file, 2)[0],
        [
            "Renewal, 2026",
            "Acme",
            "12000",
            "2026-03-31",
            "Two\r\nlines"
        ]
    );
    assert_eq!(rows(&file, 2)[1][1], "Globex \"West\"");
    assert_eq!(file.report.line_ending, "CRLF");
    assert_eq!(file.table.origin(1).map(|o| (o.row, o.line)), Some((3, 4)));
}

#[test]
fn every_encoding_reads_the_same_text() {
    for name in [
        "excel-unicode-text.txt",
        "utf16be-bom.csv",
        "utf16le-no-bom.txt",
    ] {
        let file = fixture(name);
        assert_eq!(file.report.rows_accepted, 2, "{name}");
        assert_eq!(rows(&file, 1)[0][1], "Müller GmbH", "{name}");
        assert_eq!(rows(&file, 2)[1][1], "Señal Norte", "{name}");
    }
    assert_eq!(
        fixture("excel-unicode-text.txt").report.encoding,
        "UTF-16LE"
    );
    assert_eq!(fixture("utf16be-bom.csv").report.encoding, "UTF-16BE");
    let no_bom = fixture("utf16le-no-bom.txt");
    assert_eq!(no_bom.report.encoding, "UTF-16LE");
    assert!(no_bom.report.warnings[0].contains("every other byte is zero"));
    let latin = fixture("windows-1252.csv");
    assert_eq!(latin.report.encoding, "windows-1252");
    assert_eq!(
        rows(&latin, 1)[0],
        ["Café Müller", "José Núñez", "1.200,50 €", "Ganada"]
    );
}

#[test]
fn an_invalid_byte_is_replaced_and_its_row_named() {
    let file = fixture("invalid-utf8.csv");
    assert_eq!(
        file.report.encoding, "UTF-8",
        "valid UTF-8 before the bad byte decides"
    );
    assert_eq!(file.report.rows_accepted, 3);
    assert_eq!(rows(&file, 3)[1][0], "Bad \u{FFFD} byte");
    let issue = &file.report.issues[0];
    assert_eq!((issue.row, issue.column.as_deref()), (3, Some("Name")));
    assert!(issue.reason.contains("not valid"), "{}", issue.reason);
}

#[test]
fn a_late_non_utf8_byte_rereads_the_file_as_windows_1252() {
    // 4 MB of plain ASCII decide UTF-8; a Latin-1 'é' after them must not become U+FFFD.
    let mut text = String::from("Name,Amount\n");
    while text.len() < 4_300_000 {
        text.push_str("Plain ASCII row,100\n");
    }
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"Caf\xe9,200\n");
    let file = import("late.csv", bytes).unwrap();
    assert_eq!(file.report.encoding, "windows-1252");
    assert!(
        file.report.warnings[0].contains("read again as Windows-1252"),
        "{}",
        file.report.warnings[0]
    );
    let last = file.table.row_count() - 1;
    assert_eq!(file.table.cell(last, 0), "Café");
}

#[test]
fn line_endings_of_every_kind_count_lines_and_blank_rows() {
    let file = fixture("cr-only.csv");
    assert_eq!(file.report.line_ending, "CR");
    assert_eq!(
        (file.report.rows_accepted, file.report.rows_skipped),
        (2, 1)
    );
    assert_eq!(file.table.origin(1).map(|o| o.row), Some(4));
    let mixed = fixture("mixed-line-endings.csv");
    assert_eq!(mixed.report.rows_accepted, 3);
    assert_eq!(mixed.report.line_ending, "mixed");
}

#[test]
fn salesforce_trailers_are_skipped_and_their_count_checked() {
    let file = fixture("salesforce-report.csv");
    assert_eq!(
        (file.report.rows_accepted, file.report.rows_rejected),
        (3, 0)
    );
    assert_eq!(
        file.report.rows_skipped, 6,
        "2 blank lines, grand totals, confidential, copyright, org name"
    );
    assert!(
        !file
            .report
            .warnings
            .iter()
            .any(|w| w.contains("check that the export is complete"))
    );
    let short = fixture("salesforce-report-short.csv");
    assert!(
        short
            .report
            .warnings
            .iter()
            .any(|w| w.contains("says 'Grand Totals (5 records)', but 2 rows"))
    );
}

#[test]
fn a_title_above_the_header_is_skipped() {
    let file = fixture("title-above-header.csv");
    assert_eq!(file.report.header_row, 4);
    assert_eq!(
        file.report.header,
        ["Opportunity Name", "Opportunity Owner", "Amount", "Stage"]
    );
    assert_eq!(file.report.rows_skipped, 3);
    assert_eq!(file.report.rows_accepted, 2);
}

#[test]
fn duplicate_and_blank_names_become_unique() {
    let file = fixture("duplicate-and-blank-headers.csv");
    assert_eq!(
        file.report.header,
        [
            "Opportunity ID",
            "Opportunity ID (2)",
            "Column 3",
            "Amount",
            "amount (2)"
        ]
    );
    assert_eq!(file.report.columns[1].original, "Opportunity ID");
}

#[test]
fn ragged_rows_are_kept_when_nothing_is_lost_and_rejected_when_a_value_would_be() {
    let file = fixture("ragged.csv");
    assert_eq!(
        (file.report.rows_accepted, file.report.rows_rejected),
        (4, 1)
    );
    let rejected = &file.report.rejections[0];
    assert_eq!(rejected.row, 5);
    assert!(
        rejected.reason.contains("'extra value'"),
        "{}",
        rejected.reason
    );
    assert!(
        file.report.issues[0]
            .reason
            .contains("2 of the header's 3 fields")
    );
    assert_eq!(rows(&file, 2)[1], ["Globex", "Sam", ""]);
}

#[test]
fn an_unclosed_quote_rejects_its_row_and_says_why() {
    let file = fixture("unterminated-quote.csv");
    assert_eq!(
        (file.report.rows_accepted, file.report.rows_rejected),
        (1, 1)
    );
    assert!(file.report.rejections[0].reason.contains("never closed"));
}

#[test]
fn data_without_a_header_gets_column_names_and_a_warning() {
    let file = fixture("no-header.csv");
    assert_eq!(file.report.header_row, 0);
    assert_eq!(
        file.report.header,
        ["Column 1", "Column 2", "Column 3", "Column 4"]
    );
    assert_eq!(file.report.rows_accepted, 3);
    // The user can say otherwise.
    let bytes = std::fs::read(support::fixture("ingest/no-header.csv")).unwrap();
    let options = ImportOptions {
        header_row: Some(1),
        ..ImportOptions::default()
    };
    let forced = import_with("no-header.csv", bytes, options, Limits::default()).unwrap();
    assert_eq!(forced.report.header[1], "Acme");
    assert_eq!(forced.report.rows_accepted, 2);
}

#[test]
fn workbooks_read_dates_in_their_own_system_and_mark_hidden_columns() {
    let file = fixture("dynamics-opportunities.xlsx");
    assert_eq!(file.report.format, "xlsx");
    assert_eq!(file.report.sheet.as_deref(), Some("Open Opportunities"));
    assert_eq!(file.report.sheets.len(), 2);
    assert!(!file.report.sheets[1].visible);
    assert_eq!(file.report.columns.iter().filter(|c| c.hidden).count(), 3);
    let first = rows(&file, 1).remove(0);
    assert_eq!(first[5], "2026-03-31");
    assert_eq!(first[2], "2026-03-19T12:00:00");
    assert_eq!(first[8], "189000000012");
    assert_eq!(first[9], "TRUE");
    assert_eq!(
        (file.report.rows_accepted, file.report.rows_skipped),
        (3, 1)
    );
    assert!(file.report.warnings.iter().any(|w| w.contains("#N/A")));
    let old_mac = fixture("date-1904.xlsx");
    assert_eq!(rows(&old_mac, 1)[0][1], "2026-03-31");
    assert!(
        old_mac
            .report
            .warnings
            .iter()
            .any(|w| w.contains("1904 date system"))
    );
    let titled = fixture("title-and-empty-sheet.xlsx");
    assert_eq!(titled.report.sheet.as_deref(), Some("Pipeline"));
    assert_eq!(titled.report.header_row, 3);
}

#[test]
fn a_chosen_sheet_that_does_not_exist_lists_the_sheets() {
    let bytes = std::fs::read(support::fixture("ingest/dynamics-opportunities.xlsx")).unwrap();
    let options = ImportOptions {
        sheet: Some("Nope".into()),
        ..ImportOptions::default()
    };
    let error = import_with("d.xlsx", bytes, options, Limits::default()).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("'Open Opportunities', 'hiddenSheet'"),
        "{error}"
    );
}

#[test]
fn files_that_are_not_exports_give_a_plain_error() {
    let read = |name: &str| std::fs::read(support::fixture(&format!("ingest/{name}"))).unwrap();
    assert!(matches!(
        import("x.csv", read("renamed-image.csv")),
        Err(EngineError::NotAnExport { .. })
    ));
    assert!(matches!(
        import("x.zip", read("data-export.zip")),
        Err(EngineError::NotAWorkbook { .. })
    ));
    assert!(matches!(
        import("x.csv", read("empty.csv")),
        Err(EngineError::EmptyFile { .. })
    ));
    assert!(matches!(
        import("x.csv", read("only-blank-lines.csv")),
        Err(EngineError::EmptyFile { .. })
    ));
    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(matches!(
        import("noise.csv", random),
        Err(EngineError::NotText { .. })
    ));
}

#[test]
fn size_limits_refuse_with_a_clear_message() {
    let limits = Limits {
        max_file_bytes: 100,
        ..Limits::default()
    };
    let error =
        import_with("big.csv", vec![b'a'; 101], ImportOptions::default(), limits).unwrap_err();
    assert_eq!(
        error.to_string(),
        "'big.csv' is 101 B; pipelens reads files of up to 100 B. Export fewer rows or columns (for example one year at a time)"
    );
    let limits = Limits {
        max_field_bytes: 10,
        ..Limits::default()
    };
    let file = import_with(
        "f.csv",
        b"a,b\nshort,1\nthis value is long,2\n".to_vec(),
        ImportOptions::default(),
        limits,
    )
    .unwrap();
    assert_eq!(
        (file.report.rows_accepted, file.report.rows_rejected),
        (1, 1)
    );
    assert_eq!(file.report.rejections[0].column.as_deref(), Some("a"));
}

/// A zip whose one big part is all zeros: the shape of a zip bomb.
fn zip_with_part(name: &str, size: usize) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    writer.start_file("xl/workbook.xml", options).unwrap();
    writer.write_all(b"<workbook/>").unwrap();
    writer.start_file(name, options).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..size / zeros.len() {
        writer.write_all(&zeros).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn zip_bombs_are_refused_by_declared_and_actual_size() {
    let bomb = zip_with_part("xl/worksheets/sheet1.xml", 64 << 20);
    let error = import("bomb.xlsx", bomb.clone()).unwrap_err();
    assert!(matches!(error, EngineError::ZipBomb { .. }), "{error}");
    assert!(error.to_string().contains("expand"), "{error}");
    let limits = Limits {
        max_unzipped_bytes: 32 << 20,
        max_zip_ratio: u64::MAX,
        ..Limits::default()
    };
    let error =
        import_with("bomb.xlsx", bomb.clone(), ImportOptions::default(), limits).unwrap_err();
    assert!(error.to_string().contains("declare more than"), "{error}");
    // A part that lies about its size: declared small, inflates big.
    let mut liar = bomb;
    let declared_small = 1_000u32.to_le_bytes();
    let mut patched = 0;
    for at in 0..liar.len().saturating_sub(4) {
        let signature: [u8; 4] = [liar[at], liar[at + 1], liar[at + 2], liar[at + 3]];
        if &signature == b"PK\x03\x04"
            && liar.get(at + 30..at + 30 + 24) == Some(b"xl/worksheets/sheet1.xml")
        {
            liar[at + 22..at + 26].copy_from_slice(&declared_small);
            patched += 1;
        }
        if &signature == b"PK\x01\x02"
            && liar.get(at + 46..at + 46 + 24) == Some(b"xl/worksheets/sheet1.xml")
        {
            liar[at + 24..at + 28].copy_from_slice(&declared_small);
            patched += 1;
        }
    }
    assert_eq!(patched, 2);
    let limits = Limits {
        max_zip_ratio: u64::MAX,
        ..Limits::default()
    };
    let error = import_with("liar.xlsx", liar, ImportOptions::default(), limits).unwrap_err();
    assert!(
        matches!(
            error,
            EngineError::ZipBomb { .. } | EngineError::Spreadsheet { .. }
        ),
        "a lying part is refused: {error}"
    );
}

#[test]
fn chunk_boundaries_do_not_change_what_is_read() {
    // Multi-byte characters and CRLF pairs land on every slice boundary somewhere in 9 MB.
    let mut text = String::from("id,name,note\r\n");
    let mut i = 0;
    while text.len() < 9_000_000 {
        text.push_str(&format!(
            "{i},Müller – ünïcödé {i},\"quoted, with\r\nline break\"\r\n"
        ));
        i += 1;
    }
    let file = import("chunks.csv", text.into_bytes()).unwrap();
    assert_eq!(file.report.rows_accepted, i);
    assert_eq!(file.report.rows_skipped + file.report.rows_rejected, 0);
    assert!(
        file.report.issues.is_empty(),
        "{:?}",
        file.report.issues.first()
    );
    let last = i as usize - 1;
    assert_eq!(file.table.cell(last, 1), format!("Müller – ünïcödé {last}"));
    assert_eq!(
        file.table.origin(last).map(|o| o.line),
        Some(2 + 2 * last as u64)
    );
}

// ---- the CSV suites beside the repository ----

fn parse_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn csv_spectrum_cases_parse_to_their_expected_json() {
    let Some(shared) = support::shared_data("csv_spectrum_cases_parse_to_their_expected_json")
    else {
        return;
    };
    let dir = shared.join("csv-suites/csv-spectrum");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir.join("csvs")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let mut expected = parse_json(&dir.join(format!("json/{stem}.json")));
        if stem == "location_coordinates" {
            // Known upstream defect (see its SOURCE.txt): one object, and a wrong phone number.
            expected = json!([expected]);
            expected[0]["Contact Phone Number"] = json!("2095257564");
        }
        let file =
            import(&stem, std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{stem}: {e}"));
        let actual: Vec<Value> = (0..file.table.row_count())
            .map(|r| {
                let object: serde_json::Map<String, Value> = file
                    .report
                    .header
                    .iter()
                    .zip(file.table.row(r))
                    .map(|(k, v)| (k.clone(), Value::String(v.to_owned())))
                    .collect();
                Value::Object(object)
            })
            .collect();
        assert_eq!(Value::Array(actual), expected, "csv-spectrum case {stem}");
        checked += 1;
    }
    assert_eq!(checked, 12);
}

#[test]
fn csvw_dialect_tests_read_with_the_default_dialect() {
    let Some(shared) = support::shared_data("csvw_dialect_tests_read_with_the_default_dialect")
    else {
        return;
    };
    let dir = shared.join("csv-suites/w3c-csvw-tests");
    let mut checked = 0;
    // Tests 059–072 describe invalid dialects that a processor must ignore, reading the table with the default
    // dialect — which is what sniffing must find too. Columns typed by a datatype are converted by CSVW
    // (dates to ISO), so only the untyped columns compare as raw text.
    for n in 59..=72 {
        let metadata_path = dir.join(format!("test{n:03}-metadata.json"));
        let Ok(text) = std::fs::read_to_string(&metadata_path) else {
            continue;
        };
        let metadata: Value = serde_json::from_str(&text).unwrap();
        let expected = parse_json(&dir.join(format!("test{n:03}.json")));
        let csv = metadata["url"].as_str().unwrap();
        let file = import(csv, std::fs::read(dir.join(csv)).unwrap()).unwrap();
        let columns = metadata["tableSchema"]["columns"].as_array().unwrap();
        let expected_rows = expected["tables"][0]["row"].as_array().unwrap();
        assert_eq!(file.table.row_count(), expected_rows.len(), "test{n:03}");
        for (r, expected_row) in expected_rows.iter().enumerate() {
            let described = &expected_row["describes"][0];
            for column in columns {
                let title = column["titles"].as_str().unwrap();
                let name = column["name"].as_str().unwrap();
                let index = file.report.header.iter().position(|h| h == title).unwrap();
                if column.get("datatype").is_none() {
                    assert_eq!(
                        file.table.cell(r, index),
                        described[name].as_str().unwrap(),
                        "test{n:03} row {r} {name}"
                    );
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 13, "CSVW dialect tests checked: {checked}");
}

#[test]
fn every_real_export_is_read_with_every_row_accounted_for() {
    let Some(shared) =
        support::shared_data("every_real_export_is_read_with_every_row_accounted_for")
    else {
        return;
    };
    let mut checked = Vec::new();
    for dir in std::fs::read_dir(shared.join("real")).unwrap() {
        for entry in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "csv") {
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let folder = path
                .parent()
                .and_then(|p| p.file_name())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&path).unwrap();
            let physical_lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
            let file = import(&name, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                file.report.rows_read < physical_lines.max(1),
                "{name}: rows read within the file's lines"
            );
            checked.push((
                format!("{folder}/{name}"),
                file.report.rows_read,
                file.report.rows_rejected,
            ));
        }
    }
    let find = |n: &str| checked.iter().find(|c| c.0 == n).map(|c| (c.1, c.2));
    assert_eq!(
        find("maven-crm-sales-opportunities/sales_pipeline.csv"),
        Some((8_800, 0))
    );
    assert_eq!(
        find("salesforce-export-latam/Opportunity.csv"),
        Some((512, 0))
    );
    assert_eq!(
        find("salesforce-export-sample-org/Opportunity.csv"),
        Some((31, 0))
    );
    assert_eq!(
        find("salesforce-export-sample-org/OpportunityHistory.csv"),
        Some((62, 0))
    );
    assert_eq!(
        find("olist-marketing-funnel/olist_closed_deals_dataset.csv"),
        Some((842, 0))
    );
    assert_eq!(
        find("olist-marketing-funnel/olist_marketing_qualified_leads_dataset.csv"),
        Some((8_000, 0))
    );
    assert!(checked.len() >= 20, "{checked:?}");
}

#[test]
fn the_latam_backup_reads_as_latin1_with_its_real_counts() {
    let Some(shared) =
        support::shared_data("the_latam_backup_reads_as_latin1_with_its_real_counts")
    else {
        return;
    };
    let dir = shared.join("real/salesforce-export-latam");
    let read = |name: &str| import(name, std::fs::read(dir.join(name)).unwrap()).unwrap();
    let opportunities = read("Opportunity.csv");
    assert_eq!(opportunities.report.encoding, "windows-1252");
    assert_eq!(
        (
            opportunities.report.rows_accepted,
            opportunities.report.rows_rejected
        ),
        (512, 0)
    );
    let stage = opportunities
        .report
        .header
        .iter()
        .position(|h| h == "StageName")
        .unwrap();
    let stages: std::collections::BTreeSet<&str> = (0..512)
        .map(|r| opportunities.table.cell(r, stage))
        .collect();
    assert!(
        stages
            .iter()
            .any(|s| s.contains('ó') || s.contains('é') || s.contains('í')),
        "{stages:?}"
    );
    assert_eq!(read("OpportunityHistory.csv").report.rows_accepted, 2809);
    assert_eq!(read("Task.csv").report.rows_accepted, 507);
    assert_eq!(read("User.csv").report.rows_accepted, 45);
    assert_eq!(read("Period.csv").report.rows_accepted, 306);
    assert_eq!(read("ForecastingQuota.csv").report.rows_read, 0);
}

// ---- hostile input ----

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn arbitrary_bytes_end_in_a_report_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            if let Ok(file) = import("any.bin", bytes) {
                assert_balanced(&file.report);
            }
        }

        #[test]
        fn csv_like_text_always_balances(
            cells in proptest::collection::vec(
                proptest::string::string_regex("[a-z\",;\\t\\r\\n |\u{e9}\u{0}]{0,8}").unwrap(), 0..200)
        ) {
            let text: String = cells.concat();
            if let Ok(file) = import("any.csv", text.into_bytes()) {
                assert_balanced(&file.report);
            }
        }

        #[test]
        fn a_clean_table_reads_back_exactly(
            table in proptest::collection::vec(
                proptest::collection::vec(proptest::string::string_regex("[a-zA-Z0-9 ,\"\n]{0,6}").unwrap(), 3), 1..40)
        ) {
            let quote = |c: &str| format!("\"{}\"", c.replace('"', "\"\""));
            let mut text = String::from("alpha,beta,gamma\n");
            for row in &table {
                text.push_str(&row.iter().map(|c| quote(c)).collect::<Vec<_>>().join(","));
                text.push('\n');
            }
            let file = import("clean.csv", text.into_bytes()).unwrap();
            let blank_rows = table.iter().filter(|r| r.iter().all(|c| c.trim().is_empty())).count();
            prop_assert_eq!(file.report.rows_accepted as usize, table.len() - blank_rows);
            let kept: Vec<&Vec<String>> = table.iter().filter(|r| !r.iter().all(|c| c.trim().is_empty())).collect();
            for (r, row) in kept.iter().enumerate() {
                let read: Vec<&str> = file.table.row(r).collect();
                prop_assert_eq!(read, row.iter().map(String::as_str).collect::<Vec<_>>());
            }
        }
    }
}

// ---- regressions: one test per bug found, named after it ----

/// Found by `cargo fuzz` (crash-a663116a…): forty blank lines filled the header prelude before any record,
/// and deciding the header among no rows indexed an empty list.
#[test]
fn regression_forty_blank_lines_before_any_record_do_not_panic() {
    let mut bytes = vec![b'\r'; 40];
    bytes.extend_from_slice(b"2\xff\t\t");
    let file = import("blank-start.csv", bytes).unwrap();
    assert_eq!(file.report.rows_skipped, 40);
    assert_eq!(file.report.header_row, 41);
    let mut many = "\n".repeat(100_000);
    many.push_str("Name,Amount\nAcme,1\n");
    let file = import("many-blank.csv", many.into_bytes()).unwrap();
    assert_eq!(
        (file.report.rows_skipped, file.report.rows_accepted),
        (100_000, 1)
    );
}
