//! Loading: the options every command that reads exports shares (files, how to read them, how to map them)
//! and the one way they are read — through a [`Session`], exactly as the browser does.

use std::path::PathBuf;

use lexopt::prelude::*;
use pipelens::engine::ingest::{FileId, ImportOptions};
use pipelens::engine::model::stages::StageChoice;
use pipelens::engine::model::words::Outcome;
use pipelens::engine::model::{
    AssumptionChoice, Field, Kind, KindChoice, MappingChoice, ModelSettings,
};
use pipelens::engine::protocol::{ImportFile, SetSettings};
use pipelens::engine::session::Session;
use serde::Serialize;

use crate::{Opt, UsageError};

/// What to read and how.
#[derive(Default)]
pub struct Load {
    pub files: Vec<PathBuf>,
    pub options: ImportOptions,
    pub settings: ModelSettings,
    /// The day each named file was taken from the CRM.
    pub taken_on: Vec<(String, chrono::NaiveDate)>,
}

/// A file that could not be read at all.
#[derive(Serialize)]
pub struct Failure {
    pub file: String,
    pub error: String,
}

/// Says, on stderr, why each file that could not be read was left out.
pub fn report_failures(errors: &[Failure]) {
    for failure in errors {
        eprintln!("pipelens: {}", failure.error);
    }
}

/// Says why each file that could not be read was left out, and gives the exit status: 0 when every file
/// was read, 1 when one was not.
pub fn exit_after(errors: &[Failure]) -> std::process::ExitCode {
    report_failures(errors);
    if errors.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(1)
    }
}

pub const LOAD_OPTIONS: &str = "    --encoding LABEL          read text as this encoding (UTF-8, windows-1252, UTF-16LE, …)
    --delimiter D             comma, semicolon, tab, pipe or one character
    --sheet NAME              the workbook sheet to read
    --header-row N            the spreadsheet row of the header (0: the file has none)
    --map FIELD=COLUMN        read FIELD (owner, stage, amount, created, expected_close, …) from COLUMN;
                              'FILE:FIELD=COLUMN' for one file only; 'FIELD=' unmaps it
    --kind FILE=KIND          read FILE as deals, stage_history, field_history, activities, users,
                              teams, quotas, periods, leads or not_used
    --assume [FILE:]ID=CHOICE answer an assumption (e.g. 'date_order:Close Date=day_first')
    --taken-on FILE=DATE      the day FILE was exported (two exports of the same deals taken on
                              different days show slips and pushes)
    --time-zone ZONE          business time zone for datetimes (IANA name; default UTC)
    --exclude KEY             exclude a review-list item (e.g. 'duplicate:006…') or anyone on the
                              roster ('rep:KEY')
    --keep-apart FILE|KEY     undo a match across files (import lists each with its key)
    --stage [PIPELINE:]STAGE=OUTCOME
                              a stage's outcome: open, won or lost (e.g. 'Renewals:Renewed=won')
    --settings FILE.json      a saved mapping profile (model settings)";

impl Load {
    /// Takes one shared option if `arg` is one; `Ok(false)` when it is not.
    pub fn take(&mut self, arg: &Opt, parser: &mut lexopt::Parser) -> Result<bool, UsageError> {
        if let Opt::Value(path) = arg {
            self.files.push(PathBuf::from(path));
            return Ok(true);
        }
        match arg.long().unwrap_or_default() {
            "encoding" => self.options.encoding = Some(parser.value()?.string()?),
            "delimiter" => self.options.delimiter = Some(parser.value()?.string()?),
            "sheet" => self.options.sheet = Some(parser.value()?.string()?),
            "header-row" => {
                let text = parser.value()?.string()?;
                let row = text.parse().map_err(|_| {
                    UsageError(format!("--header-row takes a row number, not '{text}'"))
                })?;
                self.options.header_row = Some(row);
            }
            "map" => {
                let text = parser.value()?.string()?;
                let (file, rest) = split_file(&text);
                let (field, column) = rest
                    .split_once('=')
                    .ok_or_else(|| UsageError(format!("--map takes FIELD=COLUMN, not '{text}'")))?;
                let field = Field::from_id(field).ok_or_else(|| {
                    UsageError(format!(
                        "'{field}' is not a field; fields are {}",
                        field_list()
                    ))
                })?;
                let column = (!column.is_empty()).then(|| column.to_owned());
                self.settings.mappings.push(MappingChoice {
                    file,
                    field,
                    column,
                });
            }
            "kind" => {
                let text = parser.value()?.string()?;
                let (file, kind) = text
                    .rsplit_once('=')
                    .ok_or_else(|| UsageError(format!("--kind takes FILE=KIND, not '{text}'")))?;
                let kind = Kind::from_id(kind).ok_or_else(|| {
                    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.id()).collect();
                    UsageError(format!(
                        "'{kind}' is not a kind; kinds are {}",
                        kinds.join(", ")
                    ))
                })?;
                self.settings.kinds.push(KindChoice {
                    file: Some(file.to_owned()),
                    kind,
                });
            }
            "assume" => {
                let text = parser.value()?.string()?;
                let (file, rest) = split_file(&text);
                let (id, choice) = rest
                    .rsplit_once('=')
                    .ok_or_else(|| UsageError(format!("--assume takes ID=CHOICE, not '{text}'")))?;
                self.settings.assumptions.push(AssumptionChoice {
                    file,
                    id: id.to_owned(),
                    choice: choice.to_owned(),
                });
            }
            "taken-on" => {
                let text = parser.value()?.string()?;
                let parsed = text.rsplit_once('=').and_then(|(file, day)| {
                    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                        .ok()
                        .map(|d| (file.to_owned(), d))
                });
                self.taken_on.push(parsed.ok_or_else(|| {
                    UsageError(format!(
                        "--taken-on takes FILE=YYYY-MM-DD (like deals.csv=2017-06-30), not '{text}'"
                    ))
                })?);
            }
            "stage" => {
                let text = parser.value()?.string()?;
                let parsed = text.rsplit_once('=').and_then(|(stage, outcome)| {
                    let outcome = match outcome.trim().to_ascii_lowercase().as_str() {
                        "open" => Outcome::Open,
                        "won" => Outcome::Won,
                        "lost" => Outcome::Lost,
                        _ => return None,
                    };
                    let (pipeline, raw) = match stage.split_once(':') {
                        Some((p, r)) => (Some(p.trim().to_owned()), r.trim().to_owned()),
                        None => (None, stage.trim().to_owned()),
                    };
                    (!raw.is_empty()).then_some(StageChoice {
                        pipeline,
                        raw,
                        standard: None,
                        order: None,
                        outcome: Some(outcome),
                    })
                });
                self.settings.stages.push(parsed.ok_or_else(|| {
                    UsageError(format!(
                        "--stage takes [PIPELINE:]STAGE=open|won|lost (like 'Renewals:Renewed=won'), not '{text}'"
                    ))
                })?);
            }
            "time-zone" => self.settings.business_time_zone = Some(parser.value()?.string()?),
            "exclude" => self.settings.excluded.push(parser.value()?.string()?),
            "keep-apart" => {
                let key = parser.value()?.string()?;
                if !key.contains('|') {
                    return Err(UsageError(format!(
                        "--keep-apart takes FILE|KEY as `pipelens import` lists it (like 'calls.csv|dana reyes'), not '{key}'"
                    )));
                }
                self.settings.keep_apart.push(key);
            }
            "settings" => {
                let path = PathBuf::from(parser.value()?);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?;
                let loaded: ModelSettings = serde_json::from_str(&text).map_err(|e| {
                    UsageError(format!(
                        "{} is not a pipelens settings file: {e}",
                        path.display()
                    ))
                })?;
                let extra = std::mem::take(&mut self.settings);
                self.settings = loaded;
                self.settings.mappings.extend(extra.mappings);
                self.settings.kinds.extend(extra.kinds);
                self.settings.assumptions.extend(extra.assumptions);
                self.settings.excluded.extend(extra.excluded);
                self.settings.keep_apart.extend(extra.keep_apart);
                self.settings.stages.extend(extra.stages);
                if extra.business_time_zone.is_some() {
                    self.settings.business_time_zone = extra.business_time_zone;
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Reads every file into a session with the settings; the files that could not be read are returned.
    pub fn run(&self) -> (Session, Vec<Failure>) {
        let (session, failures, _) = self.run_with_ids();
        (session, failures)
    }

    /// [`Load::run`], with the session's id of each file in [`Load::files`] (`None`: it could not be read).
    pub fn run_with_ids(&self) -> (Session, Vec<Failure>, Vec<Option<FileId>>) {
        let mut session = Session::new();
        let mut failures = Vec::new();
        let mut ids = Vec::new();
        for path in &self.files {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let bytes = match std::fs::read(path) {
                Ok(bytes) => bytes,
                Err(error) => {
                    failures.push(Failure {
                        file: name,
                        error: format!("cannot read {}: {error}", path.display()),
                    });
                    ids.push(None);
                    continue;
                }
            };
            let mut options = self.options.clone();
            // The file's own date: the last resort for which export is older (what changed).
            options.saved_on = std::fs::metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .map(|t| chrono::DateTime::<chrono::Utc>::from(t).date_naive());
            // A file is named by its file name or by its path as given (two exports both called deals.csv).
            let as_given = path.display().to_string();
            if let Some((_, day)) = self
                .taken_on
                .iter()
                .find(|(file, _)| *file == name || *file == as_given)
            {
                options.taken_on = Some(*day);
            }
            let request = ImportFile {
                name: name.clone(),
                bytes,
                options,
            };
            match session.ask(request) {
                Ok(imported) => ids.push(Some(imported.file_id)),
                Err(error) => {
                    failures.push(Failure {
                        file: name,
                        error: error.to_string(),
                    });
                    ids.push(None);
                }
            }
        }
        let settings = SetSettings {
            settings: Box::new(self.settings.clone()),
        };
        // Applying the settings builds the model; the summary is asked for again by each command.
        let _ = session.ask(settings);
        (session, failures, ids)
    }
}

/// `deals.csv:owner=Rep` → (`Some("deals.csv")`, `owner=Rep`); without a file part, (`None`, all).
fn split_file(text: &str) -> (Option<String>, &str) {
    match text.split_once(':') {
        Some((file, rest)) if file.contains('.') && !rest.is_empty() => {
            (Some(file.to_owned()), rest)
        }
        _ => (None, text),
    }
}

fn field_list() -> String {
    let mut fields: Vec<String> = Kind::ALL
        .iter()
        .flat_map(|k| k.fields().iter().map(|f| f.id()))
        .collect();
    fields.sort();
    fields.dedup();
    fields.join(", ")
}
