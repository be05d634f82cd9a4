//! `pipelens import FILE...`: reads each file through the engine and prints what was found — per file the
//! import report (how it was read, what it is, how its columns map, every assumption, every row set aside)
//! and, for all files together, the model (reps, stage table, review list) — as a table for people or as
//! the documented JSON contract (see `pipelens::engine::ingest::report`).

use std::process::ExitCode;

use lexopt::prelude::*;
use pipelens::engine::ingest::report::{FileReport, NoteKind, RowNote};
use pipelens::engine::model::summary::ModelSummary;
use pipelens::engine::numfmt::{bytes, thousands};
use pipelens::engine::protocol::{Overview, Summary};
use serde::Serialize;

use crate::load::{Failure, Load};
use crate::{Opt, UsageError};

/// Notes printed per file in the table format (the JSON lists them all).
const NOTES_SHOWN: usize = 20;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Table,
    Json,
}

#[derive(Serialize)]
struct Output {
    files: Vec<FileReport>,
    model: ModelSummary,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<Failure>,
}

pub fn run(parser: &mut lexopt::Parser) -> Result<ExitCode, UsageError> {
    let mut load = Load::default();
    let mut format = Format::Table;
    while let Some(arg) = parser.next()? {
        let arg = Opt::from(arg);
        if load.take(&arg, parser)? {
            continue;
        }
        match arg.long() {
            Some("format") => {
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
            _ => {
                return Err(UsageError(format!(
                    "unknown option '{arg}' for import; see 'pipelens --help' for the options"
                )));
            }
        }
    }
    if load.files.is_empty() {
        return Err(UsageError("import needs at least one file".to_owned()));
    }
    let (mut session, errors) = load.run();
    let (files, model) = match session.ask(Summary {}) {
        Ok(Overview { files, model }) => (files, *model),
        Err(_) => (Vec::new(), ModelSummary::default()),
    };
    let output = Output {
        files,
        model,
        errors,
    };
    match format {
        Format::Json => match serde_json::to_string_pretty(&output) {
            Ok(json) => println!("{json}"),
            Err(error) => eprintln!("pipelens: cannot write JSON: {error}"),
        },
        Format::Table => {
            for report in &output.files {
                print!("{}", file_table(report));
            }
            if !output.files.is_empty() {
                print!("{}", model_table(&output.model));
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
fn file_table(report: &FileReport) -> String {
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
    if !report.kind.is_empty() {
        out.push_str(&format!(
            "  {} · {} ({})\n",
            report.layout,
            report.kind.replace('_', " "),
            report.confidence
        ));
    }
    let header = if report.header_row == 0 {
        "no header row".to_owned()
    } else {
        format!("header on row {}", report.header_row)
    };
    out.push_str(&format!("  {header}, {} columns\n", report.header.len()));
    out.push_str(&format!(
        "  rows read {} = accepted {} + rejected {} + skipped {}\n",
        thousands(report.rows_read),
        thousands(report.rows_accepted),
        thousands(report.rows_rejected),
        thousands(report.rows_skipped)
    ));
    if !report.mapping.is_empty() {
        let pairs: Vec<String> = report
            .mapping
            .iter()
            .map(|m| format!("{} ← {}", m.field, m.column))
            .collect();
        out.push_str(&format!("  mapping: {}\n", pairs.join(", ")));
    }
    for line in &report.scope {
        out.push_str(&format!("  scope: {line}\n"));
    }
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
    out.push_str("    row          line     kind      column              value / reason\n");
    // Runs of rows with the same reason and no value print as one line ("rows 2–19").
    let mut groups: Vec<(&RowNote, u64, usize)> = Vec::new();
    for note in list {
        match groups.last_mut() {
            Some((first, last_row, count))
                if note.value.is_empty()
                    && first.value.is_empty()
                    && first.reason == note.reason
                    && first.kind == note.kind
                    && first.column == note.column
                    && note.row == *last_row + 1 =>
            {
                *last_row = note.row;
                *count += 1;
            }
            _ => groups.push((note, note.row, 1)),
        }
    }
    for (note, last_row, count) in groups.iter().take(NOTES_SHOWN) {
        let kind = match note.kind {
            NoteKind::Rejected => "rejected",
            NoteKind::Skipped => "skipped",
            NoteKind::Kept => "kept",
        };
        let rows = if *count > 1 {
            format!("{}–{last_row}", note.row)
        } else {
            note.row.to_string()
        };
        let column = note.column.clone().unwrap_or_else(|| "—".to_owned());
        let value = if note.value.is_empty() {
            String::new()
        } else {
            format!("'{}' ", note.value.replace('\n', "⏎"))
        };
        out.push_str(&format!(
            "    {rows:<12} {:<8} {kind:<9} {:<19} {value}{}\n",
            note.line,
            truncate(&column, 19),
            note.reason
        ));
    }
    let shown: usize = groups.iter().take(NOTES_SHOWN).map(|(_, _, n)| n).sum();
    if total > shown as u64 {
        out.push_str(&format!(
            "    … and {} more (see --format json)\n",
            thousands(total - shown as u64)
        ));
    }
}

/// The model of all files together, for people.
fn model_table(model: &ModelSummary) -> String {
    let mut out = String::from("Model\n");
    let d = &model.deals;
    out.push_str(&format!(
        "  deals {} = open {} + won {} + lost {} + disqualified {}; {} on the review list, {} excluded\n",
        thousands(d.total),
        thousands(d.open),
        thousands(d.won),
        thousands(d.lost),
        thousands(d.disqualified),
        d.flagged,
        d.excluded
    ));
    out.push_str(&format!(
        "  history rows {} ({} stage changes) · activities {} · quotas {} · fiscal periods {} · time zone {}\n",
        thousands(model.history_rows),
        thousands(model.stage_changes),
        thousands(model.activities),
        model.quotas,
        model.fiscal_periods,
        model.business_time_zone
    ));
    out.push_str(&format!("  reps ({}):\n", model.reps.len()));
    for rep in &model.reps {
        let mut facts = vec![
            format!("{} deals", rep.deals_owned),
            format!("{} activities", rep.activities),
        ];
        if let Some(team) = &rep.team {
            facts.push(format!("team {team}"));
        }
        if let Some(manager) = &rep.manager {
            facts.push(format!("manager {manager}"));
        }
        if rep.active == Some(false) {
            facts.push("inactive".to_owned());
        }
        out.push_str(&format!(
            "    {:<28} {}\n",
            truncate(&rep.name, 28),
            facts.join(" · ")
        ));
        if let Some(review) = &rep.review {
            out.push_str(&format!("      review: {review}\n"));
        }
    }
    out.push_str("  stages (pipeline · stage → standard, order, outcome; deals):\n");
    for s in &model.stages {
        let pipeline = if s.pipeline.is_empty() {
            String::new()
        } else {
            format!("{} · ", s.pipeline)
        };
        out.push_str(&format!(
            "    {pipeline}{} → {:?}, {}, {:?}; {} deals{}  (order from {}; outcome from {})\n",
            if s.raw.is_empty() {
                "(no stage)"
            } else {
                &s.raw
            },
            s.standard,
            s.order,
            s.outcome,
            s.deals,
            if s.history_only { ", history only" } else { "" },
            s.order_from,
            s.outcome_from
        ));
    }
    if !model.review.is_empty() {
        out.push_str(&format!("  review list ({}):\n", model.review.len()));
        for item in model.review.iter().take(NOTES_SHOWN) {
            out.push_str(&format!(
                "    [{}] {}{}\n",
                item.key,
                item.description,
                if item.excluded { " (excluded)" } else { "" }
            ));
        }
    }
    for merge in &model.merges {
        out.push_str(&format!(
            "  matched: {} (undo: --keep-apart '{}')\n",
            merge.text, merge.keep_apart
        ));
    }
    for warning in &model.warnings {
        out.push_str(&format!("  warning: {warning}\n"));
    }
    out.push('\n');
    out
}

fn truncate(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        text.to_owned()
    } else {
        text.chars().take(chars - 1).collect::<String>() + "…"
    }
}
