//! Ingest: the low side of the data flow — an export's bytes as the CRM (or Excel after it) wrote them,
//! turned into a table of records and a report that accounts for every row and states every assumption.
//!
//! ```text
//! bytes ─► format ─┬─ text ─► decode ─► dialect ─► records ─┐
//!                  └─ xlsx / xls / ods (calamine) ──────────┴─► rows ─► Table + FileReport
//! ```
//!
//! [`ImportJob`] runs this a slice at a time (a few megabytes of text or thousands of spreadsheet rows),
//! so the caller can show progress and cancel between slices. Nothing here knows what a deal is: turning
//! records into the sales model is the next layer's job.

pub mod decode;
pub mod dialect;
pub mod format;
pub mod limits;
pub mod records;
pub mod report;
pub mod rows;
pub mod table;
pub mod xlsx;

use calamine::{Data, Range};
use encoding_rs::{Encoding, WINDOWS_1252};
use serde::{Deserialize, Serialize};

use crate::engine::EngineError;
use decode::{EncodingDecision, TextDecoder};
use dialect::delimiter_name;
use format::Format;
use limits::{Limits, human_bytes};
use records::{Event, RecordReader};
use report::FileReport;
use rows::{FinishError, RowIn, RowSink};
pub use table::Table;

/// Identifies one imported file inside a session.
pub type FileId = u32;

/// Choices the user can make about how a file is read; `None` means "decide from the file".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    /// An encoding label (`UTF-8`, `windows-1252`, `UTF-16LE`, …).
    #[serde(default)]
    pub encoding: Option<String>,
    /// `comma`, `semicolon`, `tab`, `pipe` or a single character.
    #[serde(default)]
    pub delimiter: Option<String>,
    /// The workbook sheet to read.
    #[serde(default)]
    pub sheet: Option<String>,
    /// Spreadsheet row number of the header; 0 when the file has no header row.
    #[serde(default)]
    pub header_row: Option<u64>,
    /// The day the export was taken from the CRM. Two exports of the same deals taken on different days
    /// tell which deals slipped or were pushed; the browser proposes the file's modified date.
    #[serde(default)]
    pub taken_on: Option<chrono::NaiveDate>,
    /// The file's own date (the day it was last modified), when the reader knows it: the last resort for
    /// telling two exports apart when neither a `taken_on` day nor any date inside says.
    #[serde(default)]
    pub saved_on: Option<chrono::NaiveDate>,
}

impl ImportOptions {
    fn encoding(&self) -> Result<Option<&'static Encoding>, EngineError> {
        match &self.encoding {
            None => Ok(None),
            Some(label) => match label.to_ascii_lowercase().as_str() {
                "latin1" | "latin-1" => Ok(Some(WINDOWS_1252)),
                other => Encoding::for_label(other.as_bytes())
                    .map(Some)
                    .ok_or_else(|| EngineError::UnknownEncoding {
                        label: label.clone(),
                    }),
            },
        }
    }

    fn delimiter(&self) -> Result<Option<u8>, EngineError> {
        let Some(value) = &self.delimiter else {
            return Ok(None);
        };
        let byte = match value.to_ascii_lowercase().as_str() {
            "comma" | "," => b',',
            "semicolon" | ";" => b';',
            "tab" | "\t" | "\\t" => b'\t',
            "pipe" | "|" => b'|',
            other if other.len() == 1 && other.as_bytes()[0].is_ascii_punctuation() => {
                other.as_bytes()[0]
            }
            _ => {
                return Err(EngineError::BadDelimiter {
                    value: value.clone(),
                });
            }
        };
        Ok(Some(byte))
    }
}

/// Work done so far on a long request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub done_bytes: u64,
    pub total_bytes: u64,
    pub rows: u64,
}

/// A file that has been read: its report and its accepted records.
#[derive(Debug, Clone)]
pub struct ImportedFile {
    pub file_id: FileId,
    pub report: FileReport,
    pub table: Table,
}

/// What one slice of work produced.
pub enum Slice {
    Working(Progress),
    Done(Result<Box<ImportedFile>, EngineError>),
}

/// Text decoded and parsed per slice.
const SLICE_BYTES: usize = 4 * 1024 * 1024;

/// Spreadsheet rows read per slice.
const SLICE_ROWS: usize = 20_000;

/// Decoded text looked at to sniff the dialect.
const DIALECT_SAMPLE: usize = 64 * 1024;

/// Reads one file a slice at a time. Owns the file's bytes, so it can pause between slices.
pub struct ImportJob {
    file_id: FileId,
    name: String,
    bytes: Vec<u8>,
    options: ImportOptions,
    limits: Limits,
    state: State,
}

enum State {
    Start,
    Text(Box<TextRead>),
    Sheet(Box<SheetRead>),
    Finished,
}

struct TextRead {
    decoder: TextDecoder,
    reader: RecordReader,
    sink: RowSink,
    /// Next byte of the file to decode.
    pos: usize,
    /// Decoded text of the current slice.
    buffer: Vec<u8>,
    /// Spreadsheet rows seen (blank lines included).
    row: u64,
    /// Next replacement of the decoder not yet matched to a row.
    replaced_cursor: usize,
}

struct SheetRead {
    range: Range<Data>,
    next: usize,
    first_row: u64,
    sink: RowSink,
    error_cells: u64,
    first_error: Option<(u64, usize, String)>,
}

impl ImportJob {
    pub fn new(
        file_id: FileId,
        name: String,
        bytes: Vec<u8>,
        options: ImportOptions,
        limits: Limits,
    ) -> Self {
        ImportJob {
            file_id,
            name,
            bytes,
            options,
            limits,
            state: State::Start,
        }
    }

    fn progress(&self, done_bytes: u64, rows: u64) -> Progress {
        Progress {
            done_bytes,
            total_bytes: self.bytes.len() as u64,
            rows,
        }
    }

    /// Does the next slice of work.
    pub fn step(&mut self) -> Slice {
        let state = std::mem::replace(&mut self.state, State::Finished);
        let outcome = match state {
            State::Start => self.begin(None),
            State::Text(text) => self.step_text(text),
            State::Sheet(sheet) => self.step_sheet(sheet),
            State::Finished => Err(EngineError::EmptyFile {
                file: self.name.clone(),
            }),
        };
        match outcome {
            Ok(Some(file)) => Slice::Done(Ok(Box::new(file))),
            Ok(None) => {
                let (done, rows) = match &self.state {
                    State::Text(t) => (t.pos as u64, t.sink.rows_seen()),
                    State::Sheet(s) => (
                        s.next as u64 * self.bytes.len() as u64 / s.range.height().max(1) as u64,
                        s.sink.rows_seen(),
                    ),
                    _ => (0, 0),
                };
                Slice::Working(self.progress(done, rows))
            }
            Err(error) => {
                self.state = State::Finished;
                Slice::Done(Err(error))
            }
        }
    }

    /// Decides what the file is and sets up the reader. `forced` re-reads a text file in another encoding.
    fn begin(
        &mut self,
        forced: Option<(&'static Encoding, String)>,
    ) -> Result<Option<ImportedFile>, EngineError> {
        let size = self.bytes.len() as u64;
        if size > self.limits.max_file_bytes {
            return Err(EngineError::FileTooLarge {
                file: self.name.clone(),
                size: human_bytes(size),
                limit: human_bytes(self.limits.max_file_bytes),
            });
        }
        match format::detect(&self.bytes) {
            Format::Other(what) => Err(EngineError::NotAnExport {
                file: self.name.clone(),
                what: what.to_owned(),
            }),
            Format::Zip => match xlsx::guard_zip(&self.name, &self.bytes, &self.limits)? {
                None => Err(EngineError::NotAWorkbook {
                    file: self.name.clone(),
                }),
                Some(workbook_xml) => self.begin_sheet(xlsx::uses_1904(&workbook_xml)),
            },
            Format::Xls => self.begin_sheet(false),
            Format::Text => self.begin_text(forced),
        }
    }

    fn begin_text(
        &mut self,
        forced: Option<(&'static Encoding, String)>,
    ) -> Result<Option<ImportedFile>, EngineError> {
        let decision = match forced {
            Some((encoding, note)) => {
                let mut decision = decode::decide(&self.name, &self.bytes, Some(encoding))?;
                decision.reason = note;
                decision
            }
            None => decode::decide(&self.name, &self.bytes, self.options.encoding()?)?,
        };
        let mut sample = Vec::new();
        let sample_end = self.bytes.len().min(decision.bom_len + DIALECT_SAMPLE);
        let mut probe = TextDecoder::new(&EncodingDecision {
            ascii_only_sample: false,
            ..decision.clone()
        });
        let _ = probe.decode(
            &self.bytes[decision.bom_len..sample_end],
            sample_end == self.bytes.len(),
            &mut sample,
        );
        let dialect = dialect::sniff(&sample, self.options.delimiter()?);

        let mut report = FileReport::new(&self.name, self.bytes.len() as u64);
        report.taken_on = self.options.taken_on;
        report.saved_on = self.options.saved_on;
        report.encoding = decision.encoding.name().to_owned();
        report.delimiter = char::from(dialect.delimiter).to_string();
        report.quote = dialect
            .quote
            .map(|q| char::from(q).to_string())
            .unwrap_or_default();
        report.line_ending = dialect.line_ending.label().to_owned();
        report.warn(decision.reason.clone());
        if dialect.notes.is_empty() {
            report.warn(format!(
                "Fields are separated by {}.",
                delimiter_name(dialect.delimiter)
            ));
        }
        for note in &dialect.notes {
            report.warn(note.clone());
        }
        let joiner = char::from(dialect.delimiter).to_string();
        let sink = RowSink::new(report, self.limits, &joiner, self.options.header_row);
        self.state = State::Text(Box::new(TextRead {
            decoder: TextDecoder::new(&decision),
            reader: RecordReader::new(&dialect, self.limits),
            pos: decision.bom_len,
            sink,
            buffer: Vec::with_capacity(SLICE_BYTES + 16),
            row: 0,
            replaced_cursor: 0,
        }));
        Ok(None)
    }

    fn step_text(&mut self, mut text: Box<TextRead>) -> Result<Option<ImportedFile>, EngineError> {
        let end = (text.pos + SLICE_BYTES).min(self.bytes.len());
        let last = end == self.bytes.len();
        let TextRead {
            reader,
            sink,
            decoder,
            row,
            replaced_cursor,
            buffer,
            pos,
        } = &mut *text;
        let decoded = decoder.decode_chunk(&self.bytes[*pos..end], last, buffer);
        let chunk = match decoded {
            Ok(chunk) => chunk,
            Err(surprise) => {
                let upto = usize::try_from(surprise.byte_offset)
                    .unwrap_or(usize::MAX)
                    .min(self.bytes.len());
                let line = 1 + decode::memchr_count(b'\n', &self.bytes[..upto]);
                let note = format!(
                    "Read as Windows-1252 (ISO-8859-1): the first 4 MB held only plain ASCII, but byte 0x{:02X} on line {line} is not valid UTF-8, so the whole file was read again as Windows-1252. If accented letters look wrong, choose another encoding.",
                    surprise.byte
                );
                return self.begin_text(Some((WINDOWS_1252, note)));
            }
        };
        *pos = end;
        let replacements = &decoder.replacements;
        let mut on_event = |event: Event<'_>| {
            *row += 1;
            match event {
                Event::Blank { line } => sink.blank(*row, line),
                Event::Record(record) => {
                    while replacements
                        .get(*replaced_cursor)
                        .is_some_and(|&(at, _)| at < record.start_offset)
                    {
                        *replaced_cursor += 1;
                    }
                    let mut replaced = None;
                    while let Some(&(_, why)) = replacements
                        .get(*replaced_cursor)
                        .filter(|&&(at, _)| at < record.end_offset)
                    {
                        replaced = Some(replaced.map_or((why, 1), |(w, n)| (w, n + 1)));
                        *replaced_cursor += 1;
                    }
                    let text = std::str::from_utf8(record.bytes).unwrap_or_default();
                    sink.record(&RowIn {
                        row: *row,
                        line: record.line,
                        text,
                        ends: record.ends,
                        too_long: record.too_long,
                        too_wide: record.too_wide,
                        open_quote: record.open_quote,
                        multi_line: record.multi_line,
                        replaced,
                    });
                }
            }
        };
        reader.feed(chunk, &mut on_event);
        if !last {
            self.state = State::Text(text);
            return Ok(None);
        }
        reader.finish(&mut on_event);
        let TextRead { sink, decoder, .. } = *text;
        let nul = decoder
            .replacements
            .iter()
            .filter(|(_, why)| *why == decode::Replaced::Nul)
            .count() as u64;
        let invalid = decoder.replacements.len() as u64 - nul + decoder.replacements_unlisted;
        let mut file = self.finish(sink)?;
        if invalid > 0 {
            file.report.warn(format!(
                "{invalid} byte(s) are not valid {} and were replaced with \u{FFFD}; their rows are listed as kept with a problem.",
                file.report.encoding
            ));
        }
        if nul > 0 {
            file.report.warn(format!(
                "{nul} NUL byte(s) were replaced with spaces; their rows are listed as kept with a problem."
            ));
        }
        Ok(Some(file))
    }

    fn begin_sheet(&mut self, date_1904: bool) -> Result<Option<ImportedFile>, EngineError> {
        let workbook = xlsx::open(
            &self.name,
            &self.bytes,
            self.options.sheet.as_deref(),
            date_1904,
        )?;
        let mut report = FileReport::new(&self.name, self.bytes.len() as u64);
        report.taken_on = self.options.taken_on;
        report.saved_on = self.options.saved_on;
        report.format = workbook.format.to_owned();
        report.sheet = Some(workbook.sheet.clone());
        report.sheets = workbook.sheets;
        for note in workbook.notes {
            report.warn(note);
        }
        let first_row = workbook
            .range
            .start()
            .map_or(1, |(row, _)| u64::from(row) + 1);
        let sink = RowSink::new(report, self.limits, " | ", self.options.header_row);
        self.state = State::Sheet(Box::new(SheetRead {
            range: workbook.range,
            next: 0,
            first_row,
            sink,
            error_cells: 0,
            first_error: None,
        }));
        Ok(None)
    }

    fn step_sheet(
        &mut self,
        mut sheet: Box<SheetRead>,
    ) -> Result<Option<ImportedFile>, EngineError> {
        let height = sheet.range.height();
        let stop = (sheet.next + SLICE_ROWS).min(height);
        let mut text = String::new();
        let mut ends = Vec::new();
        let SheetRead {
            range,
            next,
            first_row,
            sink,
            error_cells,
            first_error,
        } = &mut *sheet;
        for (offset, cells) in range.rows().enumerate().skip(*next).take(stop - *next) {
            let row = *first_row + offset as u64;
            text.clear();
            ends.clear();
            for (column, cell) in cells.iter().enumerate() {
                let (value, error) = xlsx::cell_text(cell);
                if let Some(error) = error {
                    *error_cells += 1;
                    first_error.get_or_insert((row, column + 1, error));
                }
                text.push_str(&value);
                ends.push(text.len());
            }
            let last_filled = (0..ends.len()).rev().find(|&i| {
                let start = if i == 0 { 0 } else { ends[i - 1] };
                ends[i] > start
            });
            match last_filled {
                None => sink.blank(row, row),
                Some(last) => {
                    ends.truncate(last + 1);
                    sink.record(&RowIn {
                        row,
                        line: row,
                        text: &text,
                        ends: &ends,
                        too_long: false,
                        too_wide: ends.len() > self.limits.max_columns,
                        open_quote: false,
                        multi_line: false,
                        replaced: None,
                    });
                }
            }
        }
        sheet.next = stop;
        if stop < height {
            self.state = State::Sheet(sheet);
            return Ok(None);
        }
        let SheetRead {
            sink,
            error_cells,
            first_error,
            ..
        } = *sheet;
        let mut file = self.finish(sink)?;
        if let Some((row, column, error)) = first_error {
            file.report.warn(format!(
                "{error_cells} cell(s) hold Excel errors such as {error} (first on row {row}, column {column}); they were read as empty."
            ));
        }
        Ok(Some(file))
    }

    fn finish(&mut self, sink: RowSink) -> Result<ImportedFile, EngineError> {
        self.bytes = Vec::new();
        match sink.finish() {
            Ok((report, table)) => Ok(ImportedFile {
                file_id: self.file_id,
                report,
                table,
            }),
            Err(FinishError::NoRows) => Err(EngineError::EmptyFile {
                file: self.name.clone(),
            }),
            Err(FinishError::TooBig) => Err(EngineError::TooBig {
                file: self.name.clone(),
            }),
        }
    }
}
