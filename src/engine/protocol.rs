//! The message door between the UI (or any other caller) and the engine.
//!
//! Every exchange is a serde value: a [`Request`] in an [`Envelope`] carrying its id and the protocol
//! version, answered by [`Reply`] envelopes — any number of progress events, then exactly one answer, error
//! or cancellation. Today the UI runs the session on the main thread; a Web Worker carries the same
//! messages without any view changing. Long lists come back in pages.

use serde::{Deserialize, Serialize};

use crate::engine::EngineError;
use crate::engine::ingest::report::FileReport;
use crate::engine::ingest::{FileId, ImportOptions, Progress};
use crate::engine::metrics::explain::Explanation;
use crate::engine::metrics::trend::Month;
use crate::engine::metrics::{MetricSettings, MetricsReport};
use crate::engine::model::ModelSettings;
use crate::engine::model::summary::ModelSummary;

/// Bumped whenever a message changes shape, so a stale worker or page is detected instead of misread.
pub const PROTOCOL_VERSION: u32 = 6;

/// Identifies one request; replies carry the same id.
pub type RequestId = u64;

/// A message with its id and the protocol version it was written for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub v: u32,
    pub id: RequestId,
    pub body: T,
}

impl<T> Envelope<T> {
    pub fn new(id: RequestId, body: T) -> Self {
        Envelope {
            v: PROTOCOL_VERSION,
            id,
            body,
        }
    }
}

/// What a caller may ask of the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// Whether a file of this size may be imported, asked before its bytes are read into memory.
    CheckFile { name: String, size_bytes: u64 },
    /// Read one file and keep it in the session. Long: answers with progress events.
    ImportFile {
        name: String,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
        #[serde(default)]
        options: ImportOptions,
    },
    /// A page of an imported file's records (after the header).
    Rows {
        file_id: FileId,
        offset: u64,
        limit: u64,
    },
    /// Every file's report (with the model's decisions) and the model summary.
    Summary,
    /// Replace the model settings (mapping, kinds, assumptions, stage table, exclusions) and rebuild.
    SetSettings { settings: Box<ModelSettings> },
    /// Every metric for a period, scope and money settings.
    Metrics { settings: Box<MetricSettings> },
    /// One metric's formula with its inputs and a page of the records behind it, for a rep or the team.
    Explain {
        settings: Box<MetricSettings>,
        metric: String,
        /// A rep's name, alias, email or key; `None` (or "Team") for the team.
        #[serde(default)]
        rep: Option<String>,
        #[serde(default)]
        page: u32,
        #[serde(default)]
        page_size: Option<u32>,
    },
    /// The main metrics month by month, for trends.
    Trends { settings: Box<MetricSettings> },
    /// Stop the request with this id at its next slice; answered at once with [`Answer::CancelNoted`].
    Cancel { request_id: RequestId },
    /// Drop every file and result held by the session.
    Forget,
    /// Drop one imported file and rebuild the model without it; answered with the new [`Answer::Summary`].
    RemoveFile { file_id: FileId },
}

/// The one final answer to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answer {
    FileOk,
    Imported {
        file_id: FileId,
        report: Box<FileReport>,
    },
    Rows {
        page: Page<Vec<String>>,
    },
    Summary {
        files: Vec<FileReport>,
        model: Box<ModelSummary>,
    },
    Metrics {
        report: Box<MetricsReport>,
    },
    Explained {
        explanation: Box<Explanation>,
    },
    Trends {
        months: Vec<Month>,
    },
    CancelNoted {
        request_id: RequestId,
    },
    Forgotten,
}

/// A slice of a long list: `items` are the entries `offset .. offset + items.len()` of `total`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub offset: u64,
    pub total: u64,
    pub items: Vec<T>,
}

/// What the engine sends back for a request: progress events, then one final reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    Progress { progress: Progress },
    Answer { answer: Answer },
    Failed { error: EngineError, message: String },
}

impl Reply {
    /// The final reply for a result.
    pub fn from_result(result: Result<Answer, EngineError>) -> Self {
        match result {
            Ok(answer) => Reply::Answer { answer },
            Err(error) => Reply::Failed {
                message: error.to_string(),
                error,
            },
        }
    }

    pub fn is_final(&self) -> bool {
        !matches!(self, Reply::Progress { .. })
    }
}
