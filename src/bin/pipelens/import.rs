//! `pipelens import FILE...`: reads each file through the engine and prints its import report, as a table
//! for people or as the documented JSON contract (see `pipelens::engine::ingest::report`).

use std::path::PathBuf;
use std::process::ExitCode;

use lexopt::prelude::*;
use pipelens::engine::ingest::ImportOptions;
use pipelens::engine::ingest::report::{FileReport, ImportReport, NoteKind, RowNote};
use pipelens::engine::numfmt::{bytes, thousands};
use pipelens::engine::protocol::{Answer, Envelope, Request};
use pipelens::engine::session::Session;
use serde::Serialize;

use crate::{UsageError, describe};

/// Notes printed per file in the table format (the JSON lists them all).
const NOTES_SHOWN: usize = 20;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Table,
    Json,
}

/// A file that could not be read at all.
#[derive(Serialize)]
struct Failure {
    file: String,
    error: String,
}

#[derive(Serialize)]
struct Output {
    #[serde(flatten)]
    report: ImportReport,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<Failure>,
}

pub fn run(parser: &mut lexopt::Parser) -> Result<ExitCode, UsageError> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut format = Format::Table;
    let mut options = ImportOptions::default();
    while let Some(arg) = parser.next()? {
        match arg {
            Value(path) => files.push(path.into()),
            Long("format") => {
                format = match parser.value()?.string()?.as_str() {
                    "table" => Format::Table,
                    "json" => Format::Json,
                    other => {
                        return Err(UsageError(format!(
                            "unknown format '{other}'; use table or json"
                        )));
                    }
                }
            }
            Long("encoding") => options.encoding = Some(parser.value()?.string()?),
            Long("delimiter") => options.delimiter = Some(parser.value()?.string()?),
            Long("sheet") => options.sheet = Some(parser.value()?.string()?),
            Long("header-row") => {
                let text = parser.value()?.string()?;
                let row = text.parse().map_err(|_| {
                    UsageError(format!("--header-row takes a row number, not '{text}'"))
                })?;
                options.header_row = Some(row);
            }
            other => {
                return Err(UsageError(format!(
                    "unknown option '{}' for import; valid options are --format, --encoding, --delimiter, --sheet and --header-row",
                    describe(&other)
                )));
            }
        }
    }
    if files.is_empty() {
        return Err(UsageError("import needs at least one file".to_owned()));
    }

    let mut session = Session::new();
    let mut output = Output {
        report: ImportReport { files: Vec::new() },
        errors: Vec::new(),
    };
    for (i, path) in files.iter().enumerate() {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                output.errors.push(Failure {
                    file: name,
                    error: format!("cannot read {}: {error}", path.display()),
                });
                continue;
            }
        };
        let request = Request::ImportFile {
            name: name.clone(),
            bytes,
            options: options.clone(),
        };
        match session.run(Envelope::new(i as u64 + 1, request), |_| ()) {
            Ok(Answer::Imported { report, .. }) => output.report.files.push(*report),
            Ok(other) => output.errors.push(Failure {
                file: name,
                error: format!("unexpected answer {other:?}"),
            }),
            Err(error) => output.errors.push(Failure {
                file: name,
                error: error.to_string(),
            }),
        }
    }

    match format {
        Format::Json => match serde_json::to_string_pretty(&output) {
            Ok(json) => println!("{json}"),
            Err(error) => eprintln!("pipelens: cannot write JSON: {error}"),
        },
        Format::Table => {
            for report in &output.report.files {
                print!("{}", table(report));
            }
        }
    }
    for failure in &output.errors {
        eprintln!("pipelens: {}", failure.error);
    }
    Ok(if output.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The report of one file for people.
fn table(report: &FileReport) -> String {
    let mut out = String::new();
    let how = if report.format == "csv" {
        let delimiter = match report.delimiter.as_str() {
            "," => "comma".to_owned(),
            ";" => "semicolon".to_owned(),
            "\t" => "tab".to_owned(),
            "|" => "pipe".to_owned(),
            other => format!("'{other}'"),
        };
        format!(
            "{}, {delimiter}-separated, {} line ends",
            report.encoding, report.line_ending
        )
    } else {
        format!(
            "{} workbook, sheet '{}'",
            report.format.to_uppercase(),
            report.sheet.clone().unwrap_or_default()
        )
    };
    out.push_str(&format!(
        "{} — {}, {how}\n",
        report.file,
        bytes(report.size_bytes)
    ));
    let header = if report.header_row == 0 {
        "no header row".to_owned()
    } else {
        format!("header on row {}", report.header_row)
    };
    out.push_str(&format!(
        "  {header}, {} columns: {}\n",
        report.header.len(),
        report.header.join(", ")
    ));
    out.push_str(&format!(
        "  rows read {} = accepted {} + rejected {} + skipped {}\n",
        thousands(report.rows_read),
        thousands(report.rows_accepted),
        thousands(report.rows_rejected),
        thousands(report.rows_skipped)
    ));
    if !report.warnings.is_empty() {
        out.push_str("  notes:\n");
        for warning in &report.warnings {
            out.push_str(&format!("    - {warning}\n"));
        }
    }
    notes(
        &mut out,
        "rejected and skipped rows",
        &report.rejections,
        report.rejections_omitted,
    );
    notes(
        &mut out,
        "rows kept with a problem",
        &report.issues,
        report.issues_omitted,
    );
    out.push('\n');
    out
}

fn notes(out: &mut String, title: &str, list: &[RowNote], omitted: u64) {
    if list.is_empty() {
        return;
    }
    let total = list.len() as u64 + omitted;
    out.push_str(&format!("  {title} ({}):\n", thousands(total)));
    out.push_str("    row      line     kind      column              value / reason\n");
    for note in list.iter().take(NOTES_SHOWN) {
        let kind = match note.kind {
            NoteKind::Rejected => "rejected",
            NoteKind::Skipped => "skipped",
            NoteKind::Kept => "kept",
        };
        let column = note.column.clone().unwrap_or_else(|| "—".to_owned());
        let value = if note.value.is_empty() {
            String::new()
        } else {
            format!("'{}' ", note.value.replace('\n', "⏎"))
        };
        out.push_str(&format!(
            "    {:<8} {:<8} {kind:<9} {:<19} {value}{}\n",
            note.row,
            note.line,
            truncate(&column, 19),
            note.reason
        ));
    }
    if total > NOTES_SHOWN as u64 {
        out.push_str(&format!(
            "    … and {} more (see --format json)\n",
            thousands(total - NOTES_SHOWN as u64)
        ));
    }
}

fn truncate(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        text.to_owned()
    } else {
        text.chars().take(chars - 1).collect::<String>() + "…"
    }
}
