//! The state one model build carries from file to file: the model being filled, the roster, the stage
//! collector, the deal index that later files join on, and what waits for the stage table (history rows,
//! owner changes, each deal's raw outcome flags). Also the small helpers every reader uses: a file's
//! columns by field, a trimmed cell, a row note, and dates read into the business time zone.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, TimeZone};

use crate::engine::ingest::report::{NoteKind, RowNote};
use crate::engine::ingest::{FileId, Table};
use crate::engine::model::build::decided::Decided;
use crate::engine::model::build::types::{FileInput, FileModel};
use crate::engine::model::people::Roster;
use crate::engine::model::recognize::recognize;
use crate::engine::model::stages::StageCollector;
use crate::engine::model::values::dates::ParsedDate;
use crate::engine::model::words::Outcome;
use crate::engine::model::{DealIx, Field, ModelSettings, RepIx, SalesModel, StageIx, Sym};

/// An owner change of a deal: when, from whom, to whom.
pub(super) type OwnerChange = (NaiveDateTime, Option<RepIx>, Option<RepIx>);

/// A history row read before the stage table is decided: deal, time, stage, amount, expected close,
/// probability (0 ..= 1) and forecast category.
pub(super) type PendingHistory = (
    DealIx,
    NaiveDateTime,
    Option<StageIx>,
    Option<i64>,
    Option<NaiveDate>,
    Option<f32>,
    Sym,
);

/// A deal's raw flags, kept until the stage table decides what each stage means.
#[derive(Default, Clone)]
pub(super) struct DealFlags {
    pub(super) status: Option<Outcome>,
    pub(super) status_from: &'static str,
    pub(super) won_on: Option<NaiveDate>,
    pub(super) lost_on: Option<NaiveDate>,
    pub(super) closed_column_on: Option<NaiveDate>,
    /// The last stage change's day, else the last modified day: a closed deal's close date when nothing
    /// else gives one.
    pub(super) updated_on: Option<NaiveDate>,
    /// The user chose to leave closed deals without a close date out rather than date them so.
    pub(super) updated_left_out: bool,
    pub(super) lead_id: String,
}

pub(super) struct Context {
    pub(super) model: SalesModel,
    pub(super) roster: Roster,
    pub(super) stages: StageCollector,
    /// Deal id (and its 15-character Salesforce form) → deal.
    pub(super) deal_index: HashMap<String, DealIx>,
    /// Deal name → deal, for links by name (None when two deals share it).
    pub(super) deal_names: HashMap<String, Option<DealIx>>,
    pub(super) lead_created: HashMap<String, NaiveDate>,
    pub(super) tz: chrono_tz::Tz,
    pub(super) settings: ModelSettings,
    /// History rows read before the stage table is decided: (deal, at, stage, amount, close date).
    pub(super) pending_history: Vec<PendingHistory>,
    /// Owner changes: (deal, at, old owner, new owner).
    pub(super) owner_changes: Vec<(DealIx, NaiveDateTime, Option<RepIx>, Option<RepIx>)>,
    pub(super) deal_flags: Vec<DealFlags>,
    /// The day each deals file was taken (`None`: not said, read as the newest).
    pub(super) deals_taken: Vec<(FileId, Option<NaiveDate>)>,
    /// Deals with a row from an older export, and the day their current values were taken (if said).
    pub(super) snapshot_deals: HashMap<DealIx, Option<NaiveDate>>,
    /// The column decisions of the file being started, made in the steps before (see `decide`).
    pub(super) decided: Decided,
    /// Columns a reader's start decided in one go because the steps before did not plan them: a long step
    /// on a big file, never a different decision (a test keeps it at 0 for every fixture).
    pub(super) decided_in_one_go: std::cell::Cell<usize>,
}

/// The column a field is mapped to in this file, by position.
pub(super) fn column_of(input: &FileInput<'_>, file: &FileModel, field: Field) -> Option<usize> {
    let name = file.mapping.column(field)?;
    input.report.columns.iter().position(|c| c.name == name)
}

pub(super) fn cell(table: &Table, row: usize, column: Option<usize>) -> &str {
    column.map_or("", |c| table.cell(row, c).trim())
}

pub(super) fn note(
    table: &Table,
    row: usize,
    column: Option<&str>,
    value: &str,
    reason: String,
    kind: NoteKind,
) -> RowNote {
    let origin = table.origin(row);
    RowNote::new(
        origin.map_or(0, |o| o.row),
        origin.map_or(0, |o| o.line),
        column.map(str::to_owned),
        value,
        reason,
        kind,
    )
}

/// The business time zone the settings name (UTC when none is named; `None` when the name is unknown).
pub(super) fn business_tz(settings: &ModelSettings) -> Option<chrono_tz::Tz> {
    match &settings.business_time_zone {
        None => Some(chrono_tz::UTC),
        Some(name) => name.parse().ok(),
    }
}

/// Lists a row in the file's report under `kind` (rejected, skipped, or kept with a problem), naming the
/// column `field` is mapped to.
pub(super) fn note_row(
    file: &mut FileModel,
    kind: NoteKind,
    table: &Table,
    row: usize,
    field: Field,
    value: &str,
    reason: String,
) {
    let row_note = note(table, row, file.mapping.column(field), value, reason, kind);
    match kind {
        NoteKind::Rejected => file.rejected.push(row_note),
        NoteKind::Skipped => file.skipped.push(row_note),
        NoteKind::Kept => file.kept.push(row_note),
    }
}

/// A currency cell read as its code ("$" for a dollar that does not say which; empty for none). A text no
/// code, symbol or name matches is kept upper-cased and listed with its row, since no rate converts it.
pub(super) fn currency_cell(
    file: &mut FileModel,
    table: &Table,
    row: usize,
    column: Option<usize>,
) -> String {
    let raw = cell(table, row, column);
    match crate::engine::model::values::money::currency_code(raw) {
        Ok(code) => code.unwrap_or_default(),
        Err(e) => {
            note_row(
                file,
                NoteKind::Kept,
                table,
                row,
                Field::Currency,
                raw,
                format!(
                    "{e}. The amount is kept in '{}', which no rate converts until one is given.",
                    raw.trim()
                ),
            );
            raw.trim().to_uppercase()
        }
    }
}

impl Context {
    pub(super) fn new(settings: &ModelSettings, tz: chrono_tz::Tz) -> Self {
        Context {
            model: SalesModel::default(),
            roster: Roster::new(&settings.keep_apart),
            stages: StageCollector::default(),
            deal_index: HashMap::new(),
            deal_names: HashMap::new(),
            lead_created: HashMap::new(),
            tz,
            settings: settings.clone(),
            pending_history: Vec::new(),
            owner_changes: Vec::new(),
            deal_flags: Vec::new(),
            deals_taken: Vec::new(),
            snapshot_deals: HashMap::new(),
            decided: Decided::default(),
            decided_in_one_go: std::cell::Cell::new(0),
        }
    }

    pub(super) fn roster_len(&self) -> usize {
        self.model
            .deals
            .owner
            .iter()
            .flatten()
            .map(|r| *r as usize + 1)
            .max()
            .unwrap_or(0)
            .max(
                self.model
                    .activities
                    .rep
                    .iter()
                    .flatten()
                    .map(|r| *r as usize + 1)
                    .max()
                    .unwrap_or(0),
            )
            + 64
    }

    /// Recognises and maps a file, applying the user's kind and column choices.
    pub(super) fn plan(&self, input: &FileInput<'_>) -> FileModel {
        let columns = &input.report.columns;
        let file = input.report.file.as_str();
        let mut mapping = recognize(columns);
        if let Some(kind) = self.settings.kind_for(file)
            && kind != mapping.kind
        {
            mapping = mapping.as_kind(kind, columns);
        }
        for choice in &self.settings.mappings {
            if choice.file.as_deref().is_some_and(|f| f != file)
                || !mapping.kind.fields().contains(&choice.field)
            {
                continue;
            }
            match &choice.column {
                Some(column) if columns.iter().any(|c| &c.name == column) => {
                    mapping.set(choice.field, Some(column.clone()))
                }
                Some(_) => {}
                None => mapping.set(choice.field, None),
            }
        }
        FileModel {
            file_id: input.file_id,
            mapping,
            assumptions: Vec::new(),
            scope: Vec::new(),
            rejected: Vec::new(),
            skipped: Vec::new(),
            kept: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A deal by id as another file writes it: exactly, or a Salesforce 18-character id by its
    /// 15-character form (reports show 15, data exports 18).
    pub(super) fn find_deal(&self, id: &str) -> Option<DealIx> {
        self.deal_index.get(id).copied().or_else(|| {
            (id.len() == 18 && id.is_ascii())
                .then(|| self.deal_index.get(&id[..15]).copied())
                .flatten()
        })
    }

    /// A deal by id, else by its name when exactly one deal has that name.
    pub(super) fn find_deal_or_name(&self, reference: &str) -> Option<DealIx> {
        self.find_deal(reference).or_else(|| {
            self.deal_names
                .get(&reference.to_lowercase())
                .copied()
                .flatten()
        })
    }

    /// The pipeline a deal is in, as written.
    pub(super) fn pipeline_of(&self, deal: DealIx) -> String {
        self.model
            .strings
            .get(self.model.deals.pipeline[deal as usize])
            .to_owned()
    }

    /// Reads a date cell into the business calendar. Date-only values are never shifted; times with a zone
    /// (or from a source that writes them in GMT) convert to the business time zone.
    pub(super) fn date_of(&self, parsed: ParsedDate, source_gmt: bool) -> NaiveDate {
        self.datetime_of(parsed, source_gmt).date()
    }

    pub(super) fn datetime_of(&self, parsed: ParsedDate, source_gmt: bool) -> NaiveDateTime {
        match parsed {
            ParsedDate::Date(d) => d.and_hms_opt(0, 0, 0).unwrap_or_default(),
            ParsedDate::DateTime(dt) if source_gmt && dt.time() != chrono::NaiveTime::MIN => {
                self.tz.from_utc_datetime(&dt).naive_local()
            }
            ParsedDate::DateTime(dt) => dt,
            ParsedDate::Zoned(dt) => self.tz.from_utc_datetime(&dt.naive_utc()).naive_local(),
        }
    }
}
