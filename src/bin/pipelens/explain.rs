//! `pipelens explain METRIC FILE... [--rep NAME]`: one metric's formula with its inputs and the records
//! behind it, paged — the same answer the browser's drill-down gets through the message door.

use std::process::ExitCode;

use lexopt::prelude::*;
use pipelens::engine::metrics::explain::{EXPLAINABLE, Explanation, PAGE_SIZE, RecordKind};
use pipelens::engine::protocol::{Explain, Explained};

use crate::report::{Format, Loaded, ReportArgs, safe_cell};
use crate::{Opt, UsageError};

pub const EXPLAIN_OPTIONS: &str =
    "    --rep NAME                the rep (name, email or id; default: the team)
    --page N                  the page of records to show (from 1; default 1)
    --page-size N             records per page (default 50)
    and every report option (period, as-of, currency, scope …); --format table|json|csv";

pub fn run(parser: &mut lexopt::Parser) -> Result<ExitCode, UsageError> {
    let mut args = ReportArgs::default();
    let mut metric: Option<String> = None;
    let mut rep: Option<String> = None;
    let mut page = 1u32;
    let mut page_size = PAGE_SIZE;
    while let Some(arg) = parser.next()? {
        let arg = Opt::from(arg);
        match (&arg, arg.long()) {
            (Opt::Value(value), _) if metric.is_none() => {
                metric = Some(value.to_string_lossy().into_owned());
            }
            (_, Some("rep")) => rep = Some(parser.value()?.string()?),
            (_, Some(name @ ("page" | "page-size"))) => {
                let text = parser.value()?.string()?;
                let n: u32 = text.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    UsageError(format!("--{name} takes a number from 1, not '{text}'"))
                })?;
                if name == "page" {
                    page = n;
                } else {
                    page_size = n;
                }
            }
            _ => {
                if !args.take(&arg, parser)? {
                    return Err(UsageError(format!(
                        "unknown option '{arg}' for explain; see 'pipelens --help' for the options"
                    )));
                }
            }
        }
    }
    let Some(metric) = metric else {
        return Err(UsageError(format!(
            "explain needs a metric first: {}",
            EXPLAINABLE.join(", ")
        )));
    };
    if args.load.files.is_empty() {
        return Err(UsageError(
            "explain needs at least one file after the metric".to_owned(),
        ));
    }
    let Loaded {
        mut session,
        errors,
        settings,
        format,
        ..
    } = args.load()?;
    let request = Explain {
        settings: Box::new(settings),
        metric,
        rep,
        page: page - 1,
        page_size: Some(page_size),
        sort: None,
    };
    let explanation = match session.ask(request) {
        Ok(Explained { explanation }) => explanation,
        Err(error) => {
            crate::load::report_failures(&errors);
            eprintln!("pipelens: {error}");
            return Ok(ExitCode::from(1));
        }
    };
    match format {
        Format::Json => match serde_json::to_string_pretty(&explanation) {
            Ok(json) => println!("{json}"),
            Err(error) => eprintln!("pipelens: cannot write JSON: {error}"),
        },
        Format::Csv => print!("{}", csv(&explanation)),
        Format::Table => print!("{}", table(&explanation)),
    }
    Ok(crate::load::exit_after(&errors))
}

fn amount(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{v:.2}"))
}

fn table(e: &Explanation) -> String {
    let mut out = format!(
        "{} — {} · {} to {} · as of {}\n\n  {}\n\n{}\n",
        e.name, e.rep, e.period_start, e.period_end, e.as_of, e.formula, e.definition
    );
    for note in &e.notes {
        out.push_str(&format!("Note: {note}\n"));
    }
    let first = u64::from(e.page) * u64::from(e.page_size);
    if e.total_records == 0 {
        out.push_str("\nNo records behind this number.\n");
        return out;
    }
    out.push_str(&format!(
        "\nRecords {}–{} of {}:\n",
        first + 1,
        first + e.records.len() as u64,
        e.total_records
    ));
    let rows: Vec<[String; 8]> = e
        .records
        .iter()
        .map(|r| {
            [
                match r.kind {
                    RecordKind::Deal => "deal".to_owned(),
                    RecordKind::Activity => "activity".to_owned(),
                },
                r.id.clone(),
                r.name.chars().take(40).collect(),
                r.rep.clone(),
                r.stage.clone(),
                r.status.clone(),
                format!("{} {}", amount(r.amount), r.currency)
                    .trim()
                    .to_owned(),
                r.date.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let headers = [
        "Kind", "Id", "Name", "Rep", "Stage", "Status", "Amount", "Date",
    ];
    let widths: Vec<usize> = (0..headers.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
                .max(headers[c].len())
        })
        .collect();
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .enumerate()
            .map(|(c, cell)| format!("{cell:<w$}", w = widths[c]))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    out.push_str(&line(headers.iter().map(|h| (*h).to_owned()).collect()));
    out.push('\n');
    for r in rows {
        out.push_str(&line(r.to_vec()));
        out.push('\n');
    }
    let pages = e.total_records.div_ceil(u64::from(e.page_size));
    if pages > 1 {
        out.push_str(&format!(
            "\nPage {} of {pages}: --page N for more.\n",
            e.page + 1
        ));
    }
    out
}

fn csv(e: &Explanation) -> String {
    let mut out = "kind,id,name,rep,stage,status,amount,currency,date,file,row\n".to_owned();
    for r in &e.records {
        let kind = match r.kind {
            RecordKind::Deal => "deal",
            RecordKind::Activity => "activity",
        };
        let cells = [
            kind.to_owned(),
            safe_cell(&r.id),
            safe_cell(&r.name),
            safe_cell(&r.rep),
            safe_cell(&r.stage),
            safe_cell(&r.status),
            amount(r.amount),
            safe_cell(&r.currency),
            r.date.map(|d| d.to_string()).unwrap_or_default(),
            r.file.to_string(),
            r.row.to_string(),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}
