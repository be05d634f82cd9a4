//! The engine's one semantic error type. Every message says what went wrong and what *is* valid, so the
//! UI and the CLI can show it to a sales manager as a plain sentence.

use serde::{Deserialize, Serialize};

/// Everything that can stop the engine from answering a request. Bad rows and cells are not errors of
/// this kind: they are accounted for in the import report and the file is still read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum EngineError {
    #[error(
        "this page speaks engine protocol version {expected}, but the message came with version {got}; reload the page"
    )]
    ProtocolVersion { got: u32, expected: u32 },

    #[error("no imported file has id {file_id}; the files in this session have ids {valid}")]
    UnknownFile { file_id: u32, valid: String },

    #[error("request {request_id} was cancelled")]
    Cancelled { request_id: u64 },

    #[error("'{file}' is empty: an export needs at least a header row")]
    EmptyFile { file: String },
}
