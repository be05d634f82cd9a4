//! The import report: what was read from each file and every assumption made — the contract between the
//! engine, the UI's file cards and `pipelens import --format json`.
//!
//! # JSON contract (stable: later parts add fields, never rename or remove them)
//!
//! ```text
//! { "files": [ {
//!     "file": "deals.csv",            // the name the file was imported under
//!     "source": "unknown",            // CRM, filled by the model layer ("salesforce", "hubspot", …)
//!     "kind": "unknown",              // object, filled by the model layer ("deals", "activities", …)
//!     "format": "csv",                // "csv" or "xlsx" / "xls" / "ods"
//!     "size_bytes": 1234,
//!     "encoding": "UTF-8",            // WHATWG name of the encoding used
//!     "delimiter": ",",               // the field delimiter (a tab is "\t"); "" for spreadsheets
//!     "quote": "\"",                  // the quote character; "" when fields are not quoted
//!     "line_ending": "CRLF",          // "LF", "CRLF", "CR", "mixed" or "none"; "" for spreadsheets
//!     "sheet": null,                  // the sheet read, for spreadsheets
//!     "sheets": [],                   // every sheet of a workbook: { "name", "visible", "rows", "chosen" }
//!     "header_row": 1,                // spreadsheet row number of the header (0: no header row)
//!     "header": ["Owner", "Amount"],  // column names, made unique
//!     "columns": [ { "name", "original", "hidden" } ],
//!     "rows_read": 10,                // every row after the header row (and any title rows above it)
//!     "rows_accepted": 7, "rows_rejected": 1, "rows_skipped": 2,
//!     "rejections": [ { "row", "line", "column", "value", "reason", "kind" } ],
//!     "rejections_omitted": 0,        // entries not listed (the counts above stay exact)
//!     "issues": [ { "row", "line", "column", "value", "reason", "kind" } ],
//!     "issues_omitted": 0,
//!     "warnings": [ "…" ],            // one plain sentence per assumption or problem
//!     // Filled by the model layer (import part 2):
//!     "confidence": "sure",           // "sure", "likely", "guess" or "chosen" (by the user)
//!     "layout": "Data Export: Opportunity",
//!     "mapping": [ { "field": "owner", "column": "OwnerId", "by": "layout" } ],
//!     "assumptions": [ { "id": "date_order:Close Date", "column": "Close Date", "text": "…",
//!                        "choice": "month_first", "alternatives": ["day_first"] } ],
//!     "scope": [ "512 deals: 146 open, 163 won, 203 lost." ]
//! } ],
//!   "model": { … }                    // the whole model: reps, stage table, review list (see the CLI)
//! }
//! ```
//!
//! Invariant, checked by every test: `rows_read = rows_accepted + rows_rejected + rows_skipped`.
//! `rejections` lists each rejected (`kind: "rejected"`) or skipped (`kind: "skipped"`) row with its
//! spreadsheet row number (`row`, as Excel numbers the rows of the file, blank lines included), the physical
//! line it starts on (`line`), the column concerned (`null` for the whole row), the raw value and the reason.
//! `issues` lists rows that were kept despite a problem (`kind: "kept"`), for instance a short row or
//! replaced bytes. Once the model has read a file, rows it could not use move from accepted to rejected (a
//! bad value in a field the record needs) or skipped (a file of no use, a duplicate id, history of a deal
//! not imported), each listed with its reason; the invariant still holds.

use serde::{Deserialize, Serialize};

/// At most this many entries are listed per list; the counts stay exact and the rest is counted as omitted.
pub const MAX_LISTED: usize = 1_000;

/// Longest raw value quoted in a note, in characters.
const MAX_VALUE_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// The row is not in the data: it could not be read as a record.
    Rejected,
    /// The row is not in the data because it is not a record: a blank line, a title or a report trailer.
    Skipped,
    /// The row is in the data, with the problem described.
    Kept,
}

/// One row the user should know about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowNote {
    /// Spreadsheet row number (1-based; blank lines count, as in Excel).
    pub row: u64,
    /// Physical line the row starts on (1-based).
    pub line: u64,
    /// The column concerned, or `None` for the whole row.
    pub column: Option<String>,
    /// The raw value (or the whole row), cut to 200 characters.
    pub value: String,
    /// Why, as a plain sentence.
    pub reason: String,
    pub kind: NoteKind,
}

impl RowNote {
    pub fn new(
        row: u64,
        line: u64,
        column: Option<String>,
        value: &str,
        reason: String,
        kind: NoteKind,
    ) -> Self {
        RowNote {
            row,
            line,
            column,
            value: clip(value),
            reason,
            kind,
        }
    }
}

/// `value` cut to [`MAX_VALUE_CHARS`] characters, with an ellipsis when cut.
pub fn clip(value: &str) -> String {
    match value.char_indices().nth(MAX_VALUE_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

/// One column of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnInfo {
    /// The unique name the rest of pipelens uses.
    pub name: String,
    /// The header cell as written in the file.
    pub original: String,
    /// A hidden bookkeeping column (Dynamics 365's `(Do Not Modify) …`): kept, but not offered for mapping.
    pub hidden: bool,
}

/// One sheet of a workbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetInfo {
    pub name: String,
    pub visible: bool,
    /// Rows in the sheet's used range.
    pub rows: u64,
    pub chosen: bool,
}

/// A canonical field and the column it is read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingEntry {
    pub field: String,
    pub column: String,
    /// `layout` (the source's known export), `header_name` (a usual name for the field) or `user`.
    pub by: String,
}

/// An assumption made about a file, with the other answers the user can give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assumption {
    /// Stable key, e.g. `date_order:Close Date`; answering it is saved under this key.
    pub id: String,
    pub column: Option<String>,
    pub text: String,
    pub choice: String,
    pub alternatives: Vec<String>,
}

/// What was read from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    pub file: String,
    pub source: String,
    pub kind: String,
    pub format: String,
    pub size_bytes: u64,
    pub encoding: String,
    pub delimiter: String,
    pub quote: String,
    pub line_ending: String,
    pub sheet: Option<String>,
    pub sheets: Vec<SheetInfo>,
    pub header_row: u64,
    pub header: Vec<String>,
    pub columns: Vec<ColumnInfo>,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
    pub rows_skipped: u64,
    pub rejections: Vec<RowNote>,
    pub rejections_omitted: u64,
    pub issues: Vec<RowNote>,
    pub issues_omitted: u64,
    pub warnings: Vec<String>,
    #[serde(default)]
    pub confidence: String,
    #[serde(default)]
    pub layout: String,
    #[serde(default)]
    pub mapping: Vec<MappingEntry>,
    #[serde(default)]
    pub assumptions: Vec<Assumption>,
    #[serde(default)]
    pub scope: Vec<String>,
    /// The day the export was taken, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_on: Option<chrono::NaiveDate>,
    /// The file's own date, when the reader gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_on: Option<chrono::NaiveDate>,
}

impl FileReport {
    pub fn new(file: &str, size_bytes: u64) -> Self {
        FileReport {
            file: file.to_owned(),
            source: "unknown".to_owned(),
            kind: "unknown".to_owned(),
            format: "csv".to_owned(),
            size_bytes,
            encoding: String::new(),
            delimiter: String::new(),
            quote: String::new(),
            line_ending: String::new(),
            sheet: None,
            sheets: Vec::new(),
            header_row: 0,
            header: Vec::new(),
            columns: Vec::new(),
            rows_read: 0,
            rows_accepted: 0,
            rows_rejected: 0,
            rows_skipped: 0,
            rejections: Vec::new(),
            rejections_omitted: 0,
            issues: Vec::new(),
            issues_omitted: 0,
            warnings: Vec::new(),
            confidence: String::new(),
            layout: String::new(),
            mapping: Vec::new(),
            assumptions: Vec::new(),
            scope: Vec::new(),
            taken_on: None,
            saved_on: None,
        }
    }

    /// A row read as accepted that the model could not use after all.
    pub fn reject_accepted(&mut self, note: RowNote) {
        self.rows_accepted = self.rows_accepted.saturating_sub(1);
        self.rows_rejected += 1;
        push_capped(&mut self.rejections, &mut self.rejections_omitted, note);
    }

    /// A row read as accepted that the model set aside (not used, a duplicate, an orphan).
    pub fn skip_accepted(&mut self, note: RowNote) {
        self.rows_accepted = self.rows_accepted.saturating_sub(1);
        self.rows_skipped += 1;
        push_capped(&mut self.rejections, &mut self.rejections_omitted, note);
    }

    /// True when every row read is accounted for.
    pub fn balanced(&self) -> bool {
        self.rows_read == self.rows_accepted + self.rows_rejected + self.rows_skipped
    }

    pub fn reject(&mut self, note: RowNote) {
        self.rows_read += 1;
        self.rows_rejected += 1;
        push_capped(&mut self.rejections, &mut self.rejections_omitted, note);
    }

    pub fn skip(&mut self, note: RowNote) {
        self.rows_read += 1;
        self.rows_skipped += 1;
        push_capped(&mut self.rejections, &mut self.rejections_omitted, note);
    }

    pub fn accept(&mut self) {
        self.rows_read += 1;
        self.rows_accepted += 1;
    }

    /// Lists a problem on a row that stays in the data.
    pub fn note_kept(&mut self, note: RowNote) {
        push_capped(&mut self.issues, &mut self.issues_omitted, note);
    }

    pub fn warn(&mut self, sentence: impl Into<String>) {
        self.warnings.push(sentence.into());
    }
}

fn push_capped(list: &mut Vec<RowNote>, omitted: &mut u64, note: RowNote) {
    if list.len() < MAX_LISTED {
        list.push(note);
    } else {
        *omitted += 1;
    }
}

/// The whole answer of `pipelens import --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
}
