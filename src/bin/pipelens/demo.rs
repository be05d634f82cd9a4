//! `pipelens demo DIR [--as-of DATE] [--seed N] [--style salesforce|hubspot]`: writes the demo team's exports
//! (the same files the browser's "Try demo data" loads and offers to download, last week's Opportunities
//! report in `DIR/last-week/`) and its truth as JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use lexopt::prelude::*;
use pipelens::engine::demo::{DEFAULT_SEED, Style, generate};

use crate::{Opt, UsageError};

pub const DEMO_OPTIONS: &str =
    "    --as-of YYYY-MM-DD        the demo's last day (required: the engine never reads the clock)
    --seed N                  another team (default 2026)
    --style salesforce|hubspot   which CRM's exports to write (default salesforce)";

pub fn run(parser: &mut lexopt::Parser) -> Result<ExitCode, UsageError> {
    let mut dir: Option<PathBuf> = None;
    let mut as_of: Option<NaiveDate> = None;
    let mut seed = DEFAULT_SEED;
    let mut style = Style::Salesforce;
    while let Some(arg) = parser.next()? {
        let arg = Opt::from(arg);
        match (&arg, arg.long()) {
            (Opt::Value(value), _) if dir.is_none() => dir = Some(PathBuf::from(value)),
            (_, Some("as-of")) => {
                let text = parser.value()?.string()?;
                as_of = Some(NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                    UsageError(format!(
                        "--as-of takes a date like 2026-03-02, not '{text}'"
                    ))
                })?);
            }
            (_, Some("seed")) => {
                let text = parser.value()?.string()?;
                seed = text.parse().map_err(|_| {
                    UsageError(format!("--seed takes a whole number, not '{text}'"))
                })?;
            }
            (_, Some("style")) => {
                style = match parser.value()?.string()?.as_str() {
                    "salesforce" => Style::Salesforce,
                    "hubspot" => Style::Hubspot,
                    other => {
                        return Err(UsageError(format!(
                            "--style takes salesforce or hubspot, not '{other}'"
                        )));
                    }
                }
            }
            _ => return Err(UsageError(format!("unknown argument '{arg}' for demo"))),
        }
    }
    let dir = dir.ok_or_else(|| UsageError("demo needs a folder to write into".to_owned()))?;
    let as_of = as_of.ok_or_else(|| UsageError("demo needs --as-of YYYY-MM-DD".to_owned()))?;
    let demo = generate(as_of, seed);
    std::fs::create_dir_all(&dir)
        .map_err(|e| UsageError(format!("cannot create {}: {e}", dir.display())))?;
    for file in demo.files_in(style) {
        let path = dir.join(&file.name);
        std::fs::write(&path, &file.bytes)
            .map_err(|e| UsageError(format!("cannot write {}: {e}", path.display())))?;
        println!("{}", path.display());
    }
    if style == Style::Salesforce {
        // Last week's Opportunities report in a folder of its own, so `DIR/*.csv` stays this week's set:
        // `pipelens changes --before DIR/last-week/*.csv --after DIR/demo-salesforce-opportunities.csv`.
        let older = dir.join("last-week");
        std::fs::create_dir_all(&older)
            .map_err(|e| UsageError(format!("cannot create {}: {e}", older.display())))?;
        let path = older.join(&demo.last_week.name);
        std::fs::write(&path, &demo.last_week.bytes)
            .map_err(|e| UsageError(format!("cannot write {}: {e}", path.display())))?;
        println!("{}", path.display());
    }
    let truth = serde_json::to_string_pretty(&demo.truth)
        .map_err(|e| UsageError(format!("cannot write the truth: {e}")))?;
    let path = dir.join("truth.json");
    std::fs::write(&path, truth)
        .map_err(|e| UsageError(format!("cannot write {}: {e}", path.display())))?;
    println!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}
