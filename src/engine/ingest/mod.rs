//! Ingest: the low side of the data flow — bytes as the CRM (or Excel after it) wrote them, turned into
//! decoded text and records, with a report of every assumption made on the way.
//!
//! [`decode`] decides the text encoding, [`dialect`] sniffs the delimiter, and [`ImportJob`] reads the
//! records in slices so a caller can show progress and cancel between them. Nothing here knows what a deal
//! is; turning records into the sales model is the next layer's job.

pub mod decode;
pub mod dialect;

use serde::{Deserialize, Serialize};

use crate::engine::EngineError;

/// Identifies one imported file inside a session.
pub type FileId = u32;

/// What the engine found in one file: shown on the file card and printed by the CLI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSummary {
    pub file_id: FileId,
    pub name: String,
    pub size_bytes: u64,
    /// WHATWG label of the encoding the text was decoded with, e.g. `UTF-8`, `windows-1252`.
    pub encoding: String,
    /// The field delimiter as text (`,`, `;`, a tab or `|`).
    pub delimiter: String,
    pub header: Vec<String>,
    /// Data rows after the header.
    pub rows: u64,
    /// Every assumption made while reading, as a plain sentence.
    pub warnings: Vec<String>,
}

/// Work done so far on a long request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub done_bytes: u64,
    pub total_bytes: u64,
    pub rows: u64,
}

/// Reads one file's records a slice at a time. Owns its text, so it can be paused between slices.
pub struct ImportJob {
    file_id: FileId,
    name: String,
    size_bytes: u64,
    encoding: &'static encoding_rs::Encoding,
    delimiter: u8,
    warnings: Vec<String>,
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    text_len: u64,
    header: Option<Vec<String>>,
    records: Vec<Vec<String>>,
    done: bool,
}

/// What one slice of work produced.
pub enum Slice {
    Working(Progress),
    Done(Result<ImportedFile, EngineError>),
}

/// A file whose records have all been read.
#[derive(Debug, Clone)]
pub struct ImportedFile {
    pub summary: FileSummary,
    pub records: Vec<Vec<String>>,
}

/// Records read per slice: small enough that the page stays responsive between slices.
const RECORDS_PER_SLICE: usize = 20_000;

impl ImportJob {
    pub fn new(file_id: FileId, name: String, bytes: Vec<u8>) -> Self {
        let size_bytes = bytes.len() as u64;
        let decoded = decode::decode(bytes);
        let delimiter = dialect::sniff_delimiter(&decoded.text);
        let mut warnings = decoded.warnings;
        if let Some(note) = delimiter.note {
            warnings.push(note);
        }
        let text = decoded.text.into_bytes();
        let text_len = text.len() as u64;
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter.byte)
            .has_headers(false)
            .flexible(true)
            .from_reader(std::io::Cursor::new(text));
        ImportJob {
            file_id,
            name,
            size_bytes,
            encoding: decoded.encoding,
            delimiter: delimiter.byte,
            warnings,
            reader,
            text_len,
            header: None,
            records: Vec::new(),
            done: false,
        }
    }

    /// Reads the next slice of records.
    pub fn step(&mut self) -> Slice {
        if self.done {
            return Slice::Done(Err(EngineError::EmptyFile {
                file: self.name.clone(),
            }));
        }
        let mut record = csv::StringRecord::new();
        for _ in 0..RECORDS_PER_SLICE {
            match self.reader.read_record(&mut record) {
                Ok(true) => {
                    if record.iter().all(str::is_empty) {
                        continue;
                    }
                    let fields: Vec<String> = record.iter().map(str::to_owned).collect();
                    if self.header.is_none() {
                        self.header = Some(fields);
                    } else {
                        self.records.push(fields);
                    }
                }
                Ok(false) => return self.finish(),
                Err(error) => {
                    // The skeleton reader stops at the first unreadable record and says so; the full
                    // reader reports each bad row and goes on.
                    let line = error.position().map_or(0, |p| p.line());
                    self.warnings
                        .push(format!("Reading stopped at line {line}: {error}."));
                    return self.finish();
                }
            }
        }
        Slice::Working(Progress {
            done_bytes: self.reader.position().byte().min(self.text_len),
            total_bytes: self.text_len,
            rows: self.records.len() as u64,
        })
    }

    fn finish(&mut self) -> Slice {
        self.done = true;
        let Some(header) = self.header.take() else {
            return Slice::Done(Err(EngineError::EmptyFile {
                file: self.name.clone(),
            }));
        };
        let records = std::mem::take(&mut self.records);
        Slice::Done(Ok(ImportedFile {
            summary: FileSummary {
                file_id: self.file_id,
                name: self.name.clone(),
                size_bytes: self.size_bytes,
                encoding: self.encoding.name().to_owned(),
                delimiter: char::from(self.delimiter).to_string(),
                header,
                rows: records.len() as u64,
                warnings: std::mem::take(&mut self.warnings),
            },
            records,
        }))
    }
}
