//! The bounds that keep hostile or accidental input from exhausting memory: checked up front with a clear
//! message, never discovered as an out-of-memory abort.

pub use crate::engine::numfmt::bytes as human_bytes;

use serde::{Deserialize, Serialize};

/// Size bounds for one import session. The defaults suit a browser tab (wasm32 memory is at most 4 GiB,
/// and a file's records take about as much memory again as the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest single file, in bytes.
    pub max_file_bytes: u64,
    /// Largest total of all files in a session, in bytes.
    pub max_session_bytes: u64,
    /// Longest field; a row with a longer field is rejected.
    pub max_field_bytes: usize,
    /// Longest row; parsing stops collecting a longer row and rejects it.
    pub max_row_bytes: usize,
    /// Most columns in a row; a wider row is rejected (a wider header refuses the file).
    pub max_columns: usize,
    /// Largest total uncompressed size of a spreadsheet's parts, in bytes.
    pub max_unzipped_bytes: u64,
    /// Largest expansion of any compressed spreadsheet part (uncompressed ÷ compressed).
    pub max_zip_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 500 * MB,
            max_session_bytes: 1_000 * MB,
            max_field_bytes: MB as usize,
            max_row_bytes: 16 * MB as usize,
            max_columns: 4_096,
            max_unzipped_bytes: 750 * MB,
            max_zip_ratio: 250,
        }
    }
}

/// A decimal megabyte, as file sizes are shown.
pub const MB: u64 = 1_000_000;
