//! A file read row by row, so a big file is many small steps: a reader is started once per file (its column
//! decisions made), then [`RowReader::row`] reads one row at a time and [`RowReader::end`] writes what the
//! file's rows added up to. A reader keeps only its own column decisions and counts; everything shared
//! lives in the build [`Context`].

use crate::engine::model::build::context::Context;
use crate::engine::model::build::types::{FileInput, FileModel};

/// The rows of one file, read in order.
pub(super) trait RowReader {
    /// Reads row `row` of the file (every row once, in order).
    fn row(&mut self, ctx: &mut Context, input: &FileInput<'_>, file: &mut FileModel, row: usize);
    /// After the last row: the file's notes and assumptions that count its rows.
    fn end(self: Box<Self>, ctx: &mut Context, input: &FileInput<'_>, file: &mut FileModel);
}
