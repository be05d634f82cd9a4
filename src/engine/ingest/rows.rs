//! Rows: from parsed records to the accepted table and its report. Decides the header row (a title line
//! above it is allowed), makes column names unique, and sorts every later row into accepted, rejected or
//! skipped — blank lines, report trailers (`Grand Totals (N records)`, the copyright and
//! `Confidential Information - Do Not Distribute` lines of Salesforce reports), ragged and oversized rows —
//! so that `rows_read = rows_accepted + rows_rejected + rows_skipped` always holds.

use crate::engine::ingest::decode::Replaced;
use crate::engine::ingest::limits::{Limits, human_bytes};
use crate::engine::ingest::report::{ColumnInfo, FileReport, NoteKind, RowNote, clip};
use crate::engine::ingest::table::{RowOrigin, Table};

/// Rows held back until the header is decided.
const PRELUDE_ROWS: usize = 40;

/// The header is looked for among the first this many non-blank rows.
const HEADER_SEARCH: usize = 10;

/// Marker of the bookkeeping columns Dynamics 365 hides in its Excel exports.
const HIDDEN_PREFIX: &str = "(Do Not Modify)";

/// One row as the sink sees it, whatever file it came from.
pub struct RowIn<'a> {
    /// Spreadsheet row number (1-based).
    pub row: u64,
    pub line: u64,
    /// The row's fields, back to back: field `i` is `text[ends[i-1]..ends[i]]`.
    pub text: &'a str,
    pub ends: &'a [usize],
    pub too_long: bool,
    pub too_wide: bool,
    /// An unclosed quote ran to the end of the file.
    pub open_quote: bool,
    pub multi_line: bool,
    /// Bytes replaced while decoding this row, if any: the first reason and how many.
    pub replaced: Option<(Replaced, u64)>,
}

impl<'a> RowIn<'a> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn field(&self, i: usize) -> &'a str {
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0)
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or_default()
    }

    pub fn fields(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.field(i))
    }
}

/// Joins owned fields into the text-and-ends form of [`RowIn`].
pub fn pack(fields: &[String]) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut ends = Vec::with_capacity(fields.len());
    for field in fields {
        text.push_str(field);
        ends.push(text.len());
    }
    (text, ends)
}

/// A row kept until the header is decided.
struct HeldRow {
    row: u64,
    line: u64,
    /// `None` for a blank line.
    fields: Option<Vec<String>>,
    too_long: bool,
    too_wide: bool,
    open_quote: bool,
    multi_line: bool,
    replaced: Option<(Replaced, u64)>,
}

enum Phase {
    Prelude(Vec<HeldRow>),
    Body(Body),
}

struct Body {
    table: Table,
    in_trailer: bool,
    extra_empty_rows: u64,
}

/// Sorts rows into the table and the report.
pub struct RowSink {
    phase: Phase,
    limits: Limits,
    /// Shown between fields when a whole row is quoted in a note.
    joiner: String,
    /// A header row chosen by the user: its spreadsheet row number, 0 for "no header row".
    forced_header: Option<u64>,
    pub report: FileReport,
    table_full: bool,
    /// "Blank line." in text, "Blank row." in a sheet.
    blank_reason: &'static str,
}

impl RowSink {
    pub fn new(
        report: FileReport,
        limits: Limits,
        joiner: &str,
        forced_header: Option<u64>,
    ) -> Self {
        let blank_reason = if report.format == "csv" {
            "Blank line."
        } else {
            "Blank row."
        };
        RowSink {
            blank_reason,
            phase: Phase::Prelude(Vec::new()),
            limits,
            joiner: joiner.to_owned(),
            forced_header,
            report,
            table_full: false,
        }
    }

    /// Rows read so far, for progress.
    pub fn rows_seen(&self) -> u64 {
        match &self.phase {
            Phase::Prelude(held) => held.len() as u64,
            Phase::Body(_) => self.report.rows_read + 1,
        }
    }

    pub fn blank(&mut self, row: u64, line: u64) {
        match &mut self.phase {
            Phase::Prelude(held) => {
                held.push(HeldRow {
                    row,
                    line,
                    fields: None,
                    too_long: false,
                    too_wide: false,
                    open_quote: false,
                    multi_line: false,
                    replaced: None,
                });
                self.maybe_decide();
            }
            Phase::Body(_) => self.report.skip(RowNote::new(
                row,
                line,
                None,
                "",
                self.blank_reason.to_owned(),
                NoteKind::Skipped,
            )),
        }
    }

    pub fn record(&mut self, input: &RowIn<'_>) {
        match &mut self.phase {
            Phase::Prelude(held) => {
                held.push(HeldRow {
                    row: input.row,
                    line: input.line,
                    fields: Some(input.fields().map(str::to_owned).collect()),
                    too_long: input.too_long,
                    too_wide: input.too_wide,
                    open_quote: input.open_quote,
                    multi_line: input.multi_line,
                    replaced: input.replaced,
                });
                self.maybe_decide();
            }
            Phase::Body(_) => self.body_row(input),
        }
    }

    fn maybe_decide(&mut self) {
        if matches!(&self.phase, Phase::Prelude(held) if held.len() >= PRELUDE_ROWS) {
            self.decide_header();
        }
    }

    /// Ends the file: returns the table, or `None` when the file held no row at all.
    pub fn finish(mut self) -> Result<(FileReport, Table), FinishError> {
        if let Phase::Prelude(held) = &self.phase {
            if held.iter().all(|h| {
                h.fields
                    .as_ref()
                    .is_none_or(|f| f.iter().all(|c| c.trim().is_empty()))
            }) {
                return Err(FinishError::NoRows);
            }
            self.decide_header();
        }
        if self.table_full {
            return Err(FinishError::TooBig);
        }
        let Phase::Body(body) = self.phase else {
            return Err(FinishError::NoRows);
        };
        if body.extra_empty_rows > 0 {
            self.report.warn(format!(
                "{} rows end in extra empty fields beyond the header's {} columns; the empty fields were ignored.",
                body.extra_empty_rows,
                body.table.width()
            ));
        }
        debug_assert!(self.report.balanced());
        Ok((self.report, body.table))
    }

    fn decide_header(&mut self) {
        let Phase::Prelude(held) = std::mem::replace(&mut self.phase, Phase::Prelude(Vec::new()))
        else {
            return;
        };
        let candidates: Vec<(usize, &Vec<String>)> = held
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                h.fields
                    .as_ref()
                    .filter(|f| f.iter().any(|c| !c.trim().is_empty()))
                    .map(|f| (i, f))
            })
            .collect();
        if candidates.is_empty() {
            // Only blank lines so far (a file may start with many): account for them and keep looking.
            for h in &held {
                let reason = self.blank_reason.to_owned();
                self.report.skip(RowNote::new(
                    h.row,
                    h.line,
                    None,
                    "",
                    reason,
                    NoteKind::Skipped,
                ));
            }
            return;
        }
        let rows: Vec<&[String]> = candidates.iter().map(|(_, f)| f.as_slice()).collect();
        let choice = match self.forced_header {
            Some(0) => HeaderChoice::None,
            Some(row) => match held.iter().position(|h| h.row == row && h.fields.is_some()) {
                Some(i) => HeaderChoice::At(i),
                None => {
                    self.report.warn(format!(
                        "Row {row} cannot be the header (it is blank or beyond the first {PRELUDE_ROWS} rows); the header was found automatically."
                    ));
                    choose_header(&rows).map_index(|k| candidates.get(k).map_or(0, |c| c.0))
                }
            },
            None => choose_header(&rows).map_index(|k| candidates.get(k).map_or(0, |c| c.0)),
        };
        let (header_index, header_cells): (Option<usize>, Vec<String>) = match choice {
            HeaderChoice::At(i) => (
                Some(i),
                held.get(i)
                    .and_then(|h| h.fields.clone())
                    .unwrap_or_default(),
            ),
            HeaderChoice::None => (None, Vec::new()),
        };
        let data_rows: Vec<&[String]> = match header_index {
            Some(i) => candidates
                .iter()
                .filter(|(k, _)| *k > i)
                .map(|(_, f)| f.as_slice())
                .collect(),
            None => rows.clone(),
        };
        let width = header_cells
            .len()
            .max(data_width(&data_rows, header_cells.len()))
            .max(1);
        let columns = self.name_columns(&header_cells, width, header_index.map(|i| held[i].row));
        let header_row = header_index.map_or(0, |i| held[i].row);
        self.report.header_row = header_row;
        self.report.header = columns.iter().map(|c| c.name.clone()).collect();
        self.report.columns = columns;
        match header_index {
            Some(i) if self.forced_header.is_some() => {
                self.report.warn(format!("Row {} is the header row, as you chose.", held[i].row));
            }
            Some(i) if i > 0 => self.report.warn(format!(
                "The header is on row {}; the {} row(s) above it were skipped as a title.",
                held[i].row, i
            )),
            None => self.report.warn(format!(
                "The first row looks like data, not column names, so every row was read as data and the columns were named Column 1 … Column {width}."
            )),
            _ => {}
        }
        let mut table = Table::new(self.report.header.clone());
        // Size the table from the file and the rows seen so far.
        let sample: Vec<usize> = held
            .iter()
            .filter_map(|h| h.fields.as_ref())
            .map(|f| f.iter().map(|c| c.len() + 1).sum::<usize>())
            .collect();
        if !sample.is_empty() {
            let average = (sample.iter().sum::<usize>() / sample.len()).max(1);
            let size = usize::try_from(self.report.size_bytes).unwrap_or(usize::MAX);
            table.reserve(size / average + 1, size);
        }
        self.phase = Phase::Body(Body {
            table,
            in_trailer: false,
            extra_empty_rows: 0,
        });
        for (i, h) in held.into_iter().enumerate() {
            match header_index {
                Some(hi) if i == hi => {}
                Some(hi) if i < hi => {
                    let value = h
                        .fields
                        .as_ref()
                        .map(|f| f.join(&self.joiner))
                        .unwrap_or_default();
                    let reason = if h.fields.is_some() {
                        "A title line above the header row."
                    } else {
                        self.blank_reason
                    };
                    self.report.skip(RowNote::new(
                        h.row,
                        h.line,
                        None,
                        value.trim_end_matches(self.joiner.as_str()),
                        reason.to_owned(),
                        NoteKind::Skipped,
                    ));
                }
                _ => match h.fields {
                    None => self.blank(h.row, h.line),
                    Some(fields) => {
                        let (text, ends) = pack(&fields);
                        self.body_row(&RowIn {
                            row: h.row,
                            line: h.line,
                            text: &text,
                            ends: &ends,
                            too_long: h.too_long,
                            too_wide: h.too_wide,
                            open_quote: h.open_quote,
                            multi_line: h.multi_line,
                            replaced: h.replaced,
                        });
                    }
                },
            }
        }
    }

    /// Unique, non-blank names for `width` columns, with a warning for each name that was changed.
    fn name_columns(
        &mut self,
        header: &[String],
        width: usize,
        header_row: Option<u64>,
    ) -> Vec<ColumnInfo> {
        let mut columns: Vec<ColumnInfo> = Vec::with_capacity(width);
        let mut blank = Vec::new();
        for i in 0..width {
            let original = header
                .get(i)
                .map(|s| s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
                .unwrap_or("");
            let base = if original.is_empty() {
                if header_row.is_some() && i < header.len() {
                    blank.push(i + 1);
                }
                format!("Column {}", i + 1)
            } else {
                original.to_owned()
            };
            let mut name = base.clone();
            let mut n = 2;
            while columns.iter().any(|c| c.name.eq_ignore_ascii_case(&name)) {
                name = format!("{base} ({n})");
                n += 1;
            }
            if name != base {
                let first = columns
                    .iter()
                    .position(|c| c.name.eq_ignore_ascii_case(&base))
                    .map_or(0, |p| p + 1);
                self.report.warn(format!(
                    "Columns {first} and {} are both called '{base}'; column {} is read as '{name}'.",
                    i + 1,
                    i + 1
                ));
            }
            let hidden = original.starts_with(HIDDEN_PREFIX);
            columns.push(ColumnInfo {
                name,
                original: original.to_owned(),
                hidden,
            });
        }
        if !blank.is_empty() {
            let list: Vec<String> = blank.iter().map(ToString::to_string).collect();
            self.report.warn(if blank.len() == 1 {
                format!("Column {} has no name in the header row; it is called 'Column {}'.", list[0], list[0])
            } else {
                format!(
                    "Columns {} have no name in the header row; each is called 'Column N' after its position.",
                    list.join(", ")
                )
            });
        }
        if header_row.is_some() && header.len() < width {
            self.report.warn(format!(
                "The header names {} columns but rows have {width}; the extra columns are called Column {} … Column {width}.",
                header.len(),
                header.len() + 1
            ));
        }
        let hidden: Vec<&str> = columns
            .iter()
            .filter(|c| c.hidden)
            .map(|c| c.original.as_str())
            .collect();
        if !hidden.is_empty() {
            self.report.warn(format!(
                "{} hidden Dynamics 365 column(s) ({}) are kept to recognise rows but are not offered as data.",
                hidden.len(),
                hidden.join(", ")
            ));
        }
        columns
    }

    fn body_row(&mut self, input: &RowIn<'_>) {
        let Phase::Body(body) = &mut self.phase else {
            return;
        };
        let width = body.table.width();
        let (row, line) = (input.row, input.line);
        let joiner = self.joiner.as_str();
        let whole = || {
            clip(
                input
                    .fields()
                    .collect::<Vec<_>>()
                    .join(joiner)
                    .trim_end_matches(joiner),
            )
        };
        if input.too_long {
            let reason = format!(
                "This row is longer than {}, the most a row may hold; it was not read.",
                human_bytes(self.limits.max_row_bytes as u64)
            );
            self.report.reject(RowNote::new(
                row,
                line,
                None,
                "",
                reason,
                NoteKind::Rejected,
            ));
            return;
        }
        if input.too_wide {
            let reason = format!(
                "This row has more than {} fields, the most a row may have; it was not read.",
                self.limits.max_columns
            );
            self.report.reject(RowNote::new(
                row,
                line,
                None,
                "",
                reason,
                NoteKind::Rejected,
            ));
            return;
        }
        if input.open_quote && input.multi_line {
            let reason = "A quoted value that starts in this row is never closed, so the rest of the file ran into it. Close the quote and import again.".to_owned();
            self.report.reject(RowNote::new(
                row,
                line,
                None,
                &whole(),
                reason,
                NoteKind::Rejected,
            ));
            return;
        }
        let mut filled = 0usize;
        let mut first_filled = None;
        for (i, field) in input.fields().enumerate() {
            if is_filled(field) {
                filled += 1;
                first_filled.get_or_insert(i);
            }
        }
        if filled == 0 {
            let reason = "Blank row (every field is empty).".to_owned();
            self.report
                .skip(RowNote::new(row, line, None, "", reason, NoteKind::Skipped));
            return;
        }
        if first_filled == Some(0) && (filled == 1 || is_total_label(input.field(0))) {
            let data_rows = self.report.rows_accepted + self.report.rows_rejected;
            if let Some((reason, mismatch)) =
                trailer_reason(input, filled, body.in_trailer, data_rows)
            {
                body.in_trailer = true;
                if let Some(mismatch) = mismatch {
                    self.report.warn(mismatch);
                }
                self.report.skip(RowNote::new(
                    row,
                    line,
                    None,
                    &whole(),
                    reason,
                    NoteKind::Skipped,
                ));
                return;
            }
        }
        body.in_trailer = false;
        if input.len() > width {
            if let Some(k) = (width..input.len()).find(|&k| !input.field(k).trim().is_empty()) {
                let reason = format!(
                    "This row has {} fields but the header has {width} columns, so the value '{}' (field {}) has no column. A value probably holds an unquoted delimiter.",
                    input.len(),
                    clip(input.field(k)),
                    k + 1
                );
                self.report.reject(RowNote::new(
                    row,
                    line,
                    None,
                    &whole(),
                    reason,
                    NoteKind::Rejected,
                ));
                return;
            }
            body.extra_empty_rows += 1;
        }
        if let Some(k) = (0..input.len().min(width))
            .find(|&k| input.field(k).len() > self.limits.max_field_bytes)
        {
            let column = body.table.columns().get(k).cloned();
            let reason = format!(
                "This value is {} long; a field may hold at most {}.",
                human_bytes(input.field(k).len() as u64),
                human_bytes(self.limits.max_field_bytes as u64)
            );
            self.report.reject(RowNote::new(
                row,
                line,
                column,
                input.field(k),
                reason,
                NoteKind::Rejected,
            ));
            return;
        }
        if body
            .table
            .push_packed(input.text, input.ends, RowOrigin { row, line })
            .is_err()
        {
            self.table_full = true;
            let reason =
                "The file holds more text than pipelens can keep (4 GB); this row was not read."
                    .to_owned();
            self.report.reject(RowNote::new(
                row,
                line,
                None,
                "",
                reason,
                NoteKind::Rejected,
            ));
            return;
        }
        self.report.accept();
        if input.len() < width {
            let missing = width - input.len();
            let reason = format!(
                "This row has {} of the header's {width} fields; the last {missing} were read as empty.",
                input.len()
            );
            self.report.note_kept(RowNote::new(
                row,
                line,
                None,
                &whole(),
                reason,
                NoteKind::Kept,
            ));
        }
        if input.open_quote {
            let reason = "A quote in this row is never closed; its last value was read to the end of the file.".to_owned();
            self.report.note_kept(RowNote::new(
                row,
                line,
                None,
                &whole(),
                reason,
                NoteKind::Kept,
            ));
        }
        if let Some((why, count)) = input.replaced {
            let k = match why {
                Replaced::Invalid => {
                    (0..input.len()).find(|&k| input.field(k).contains('\u{FFFD}'))
                }
                Replaced::Nul => None,
            };
            let column = k.and_then(|k| body.table.columns().get(k).cloned());
            let value = k.map_or_else(whole, |k| clip(input.field(k)));
            let reason = match why {
                Replaced::Invalid => {
                    format!(
                        "{count} byte(s) in this row are not valid in the file's encoding; they were replaced with \u{FFFD}."
                    )
                }
                Replaced::Nul => {
                    format!("{count} NUL byte(s) in this row were replaced with spaces.")
                }
            };
            self.report.note_kept(RowNote::new(
                row,
                line,
                column,
                &value,
                reason,
                NoteKind::Kept,
            ));
        }
    }
}

/// Why a file gave no table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinishError {
    NoRows,
    TooBig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderChoice {
    At(usize),
    None,
}

impl HeaderChoice {
    fn map_index(self, f: impl Fn(usize) -> usize) -> HeaderChoice {
        match self {
            HeaderChoice::At(i) => HeaderChoice::At(f(i)),
            HeaderChoice::None => HeaderChoice::None,
        }
    }
}

/// The header among the first non-blank rows: the first that fills at least half as many cells as a
/// typical row, with at least two cells (unless the file has one column), mostly words rather than numbers
/// or dates. Rows above it are titles. If no row looks like a header and the first row looks like data,
/// there is no header row.
fn choose_header(rows: &[&[String]]) -> HeaderChoice {
    if rows.is_empty() {
        return HeaderChoice::At(0);
    }
    let filled: Vec<usize> = rows
        .iter()
        .map(|r| r.iter().filter(|c| !c.trim().is_empty()).count())
        .collect();
    let mut sorted = filled.clone();
    sorted.sort_unstable();
    let typical = sorted[sorted.len() / 2];
    if typical <= 1 {
        return HeaderChoice::At(0);
    }
    for (i, row) in rows.iter().enumerate().take(HEADER_SEARCH) {
        let words = row
            .iter()
            .filter(|c| !c.trim().is_empty() && !looks_like_value(c))
            .count();
        if filled[i] >= 2 && filled[i] * 2 >= typical && words * 10 >= filled[i] * 6 {
            return HeaderChoice::At(i);
        }
    }
    let first_words = rows[0]
        .iter()
        .filter(|c| !c.trim().is_empty() && !looks_like_value(c))
        .count();
    if first_words * 2 < filled[0] {
        HeaderChoice::None
    } else {
        HeaderChoice::At(0)
    }
}

/// A number, amount, percentage or date, rather than a label.
fn looks_like_value(cell: &str) -> bool {
    let cell = cell.trim();
    cell.chars().any(|c| c.is_ascii_digit())
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || " .,-+/:%$€£¥()'TZ".contains(c))
}

/// The width the data needs beyond a header of `header_len` names: when most data rows hold values past
/// the header's last column, the most common filled length among them; otherwise `header_len`. Trailing
/// empty fields (as Excel writes them) never widen the table.
fn data_width(rows: &[&[String]], header_len: usize) -> usize {
    let filled_len = |row: &[String]| {
        row.iter()
            .rposition(|c| !c.trim().is_empty())
            .map_or(0, |i| i + 1)
    };
    let wider: Vec<usize> = rows
        .iter()
        .map(|r| filled_len(r))
        .filter(|&len| len > header_len)
        .collect();
    if rows.is_empty() || wider.len() * 2 <= rows.len() {
        return header_len;
    }
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for len in wider {
        match counts.iter_mut().find(|(l, _)| *l == len) {
            Some((_, n)) => *n += 1,
            None => counts.push((len, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(len, n)| (n, len))
        .map_or(header_len, |(len, _)| len)
}

/// A field with something other than white space in it (the common case decided on its first byte).
fn is_filled(field: &str) -> bool {
    match field.as_bytes().first() {
        None => false,
        Some(b) if b.is_ascii_alphanumeric() => true,
        Some(_) => !field.trim().is_empty(),
    }
}

/// The labels of totals rows in the report languages pipelens reads (English, German, French, Spanish,
/// Portuguese, Italian, Dutch), lower case.
const TOTAL_LABELS: &[&str] = &[
    "total",
    "totals",
    "grand total",
    "grand totals",
    "subtotal",
    "sub-total",
    "sum",
    "summe",
    "gesamt",
    "gesamtsumme",
    "gesamtergebnis",
    "zwischensumme",
    "total général",
    "total general",
    "sous-total",
    "suma",
    "suma total",
    "total geral",
    "totale",
    "totale complessivo",
    "subtotale",
    "somma",
    "totaal",
    "eindtotaal",
    "subtotaal",
];

/// Grand-total prefixes that a record count may follow, as in `Gesamtsumme (8.800 Datensätze)`.
const GRAND_TOTALS: &[&str] = &[
    "grand totals",
    "grand total",
    "gesamtsumme",
    "gesamtergebnis",
    "total général",
    "total general",
    "total geral",
    "totale complessivo",
    "eindtotaal",
    "totals",
    "total",
    "totale",
    "totaal",
];

/// The words for "records" after a grand total's count.
const RECORD_WORDS: &[&str] = &[
    "records",
    "record",
    "datensätze",
    "datensatz",
    "enregistrements",
    "enregistrement",
    "registros",
    "registro",
    "registri",
    "datasets",
];

fn is_total_label(first: &str) -> bool {
    let label = first.trim().trim_end_matches(':');
    // Checked for every row: no allocation, and most rows fail on the first letter.
    if !label.starts_with(['t', 'T', 'g', 'G', 's', 'S', 'z', 'Z', 'e', 'E']) {
        return false;
    }
    let lower = label.to_lowercase();
    TOTAL_LABELS.iter().any(|word| lower == *word) || grand_total_count(first).is_some()
}

/// Whether a row whose first field is its first filled one is a report trailer, with the reason and, for a
/// "Grand Totals (N records)" line whose N disagrees with the rows read, a warning. `data_rows` counts the
/// records read before it.
fn trailer_reason(
    input: &RowIn<'_>,
    filled: usize,
    in_trailer: bool,
    data_rows: u64,
) -> Option<(String, Option<String>)> {
    let first = input.field(0).trim();
    if filled == 1 {
        if let Some(n) = grand_total_count(first) {
            let mismatch = (n != data_rows).then(|| {
                format!("The report's trailer says '{first}', but {data_rows} rows were read before it; check that the export is complete.")
            });
            return Some((
                format!("Report trailer ('{first}'); its count was checked against the rows read."),
                mismatch,
            ));
        }
        let lower = first.to_lowercase();
        if lower == "confidential information - do not distribute"
            || lower.starts_with("copyright")
            || lower.starts_with("generated by:")
        {
            return Some((format!("Report trailer ('{}').", clip(first)), None));
        }
        if in_trailer {
            return Some(("A line of the report trailer.".to_owned(), None));
        }
    }
    let others_are_numbers = (1..input.len())
        .all(|i| input.field(i).trim().is_empty() || looks_like_value(input.field(i)));
    if is_total_label(first) && others_are_numbers {
        return Some((
            format!("A totals row ('{}'), not a record.", clip(first)),
            None,
        ));
    }
    None
}

/// `Grand Totals (1,234 records)`, `Grand Total (1 record)`, `Gesamtsumme (8.800 Datensätze)`, `Total
/// général (12 enregistrements)` … → the count.
fn grand_total_count(text: &str) -> Option<u64> {
    let lower = text.trim().to_lowercase();
    let rest = GRAND_TOTALS
        .iter()
        .find_map(|prefix| lower.strip_prefix(prefix))?;
    let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    let number = RECORD_WORDS
        .iter()
        .find_map(|word| inner.strip_suffix(word))?
        .trim();
    number
        .replace([',', '.', ' ', '\u{a0}', '\''], "")
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect()
    }

    fn choose(lines: &[&str]) -> HeaderChoice {
        let owned = rows(lines);
        let refs: Vec<&[String]> = owned.iter().map(Vec::as_slice).collect();
        choose_header(&refs)
    }

    #[test]
    fn finds_the_header_under_a_title_and_notices_data_without_one() {
        assert_eq!(
            choose(&["Name,Amount,Close Date", "Acme,100,2024-01-02"]),
            HeaderChoice::At(0)
        );
        assert_eq!(
            choose(&[
                "Pipeline report,,",
                "Name,Amount,Close Date",
                "Acme,100,2024-01-02"
            ]),
            HeaderChoice::At(1)
        );
        assert_eq!(
            choose(&["1,100,2024-01-02", "2,200,2024-01-03"]),
            HeaderChoice::None
        );
        assert_eq!(choose(&["only"]), HeaderChoice::At(0));
    }

    fn trailer(
        fields: &[&str],
        in_trailer: bool,
        data_rows: u64,
    ) -> Option<(String, Option<String>)> {
        let owned: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
        let (text, ends) = pack(&owned);
        let input = RowIn {
            row: 1,
            line: 1,
            text: &text,
            ends: &ends,
            too_long: false,
            too_wide: false,
            open_quote: false,
            multi_line: false,
            replaced: None,
        };
        let filled = fields.iter().filter(|f| !f.trim().is_empty()).count();
        trailer_reason(&input, filled, in_trailer, data_rows)
    }

    #[test]
    fn recognises_report_trailers_and_checks_their_count() {
        let (reason, mismatch) = trailer(&["Grand Totals (3 records)", ""], false, 3).unwrap();
        assert!(reason.contains("Report trailer") && mismatch.is_none());
        let (_, mismatch) = trailer(&["Grand Totals (5 records)"], false, 3).unwrap();
        assert!(mismatch.unwrap().contains("3 rows were read"));
        assert!(trailer(&["Confidential Information - Do Not Distribute"], false, 0).is_some());
        assert!(
            trailer(
                &["Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."],
                false,
                0
            )
            .is_some()
        );
        assert!(trailer(&["Acme Corp"], true, 0).is_some());
        assert!(trailer(&["Acme Corp"], false, 0).is_none());
        assert!(trailer(&["Total", "", "12,345.00"], false, 0).is_some());
        // A deal called "Total" with an owner is data.
        assert!(trailer(&["Total", "Dana", "100"], false, 0).is_none());
        assert_eq!(grand_total_count("Grand Total (1,234 records)"), Some(1234));
        assert_eq!(grand_total_count("Grand Totals"), None);
        assert_eq!(
            grand_total_count("Gesamtsumme (8.800 Datensätze)"),
            Some(8800)
        );
        assert_eq!(
            grand_total_count("Total général (12 enregistrements)"),
            Some(12)
        );
        assert_eq!(
            grand_total_count("Total general (1.204 registros)"),
            Some(1204)
        );
        assert_eq!(grand_total_count("Totale complessivo (7 record)"), Some(7));
        assert_eq!(grand_total_count("Eindtotaal (3 records)"), Some(3));
        assert_eq!(grand_total_count("Totals (3 records)"), Some(3));
        for label in [
            "Summe",
            "Gesamt",
            "Zwischensumme",
            "Sous-total",
            "Suma",
            "Totale",
            "Totaal:",
            "Subtotal",
        ] {
            assert!(is_total_label(label), "{label}");
        }
        for name in ["Total Logistics", "Summit Foods", "Gesamtbank AG", "Eisen"] {
            assert!(!is_total_label(name), "{name}");
        }
    }
}
