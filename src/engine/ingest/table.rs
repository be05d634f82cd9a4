//! The table of accepted records: one UTF-8 text buffer and one `u32` end offset per cell, every row the
//! header's width — compact enough for millions of rows in a browser tab.

/// Where an accepted row came from in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowOrigin {
    /// Spreadsheet row number (1-based, blank lines counted).
    pub row: u64,
    /// Physical line the row starts on.
    pub line: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    columns: Vec<String>,
    text: String,
    /// End offset in `text` of each cell, row after row.
    ends: Vec<u32>,
    origins: Vec<RowOrigin>,
}

/// The table outgrew the `u32` offsets (4 GiB of text), which the file size limit keeps from happening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableFull;

impl Table {
    pub fn new(columns: Vec<String>) -> Self {
        Table {
            columns,
            ..Table::default()
        }
    }

    /// Reserves room for about `rows` rows holding `text_bytes` of text, so a big file fills the table
    /// without repeated reallocation.
    pub fn reserve(&mut self, rows: usize, text_bytes: usize) {
        self.text.reserve(text_bytes);
        self.ends.reserve(rows.saturating_mul(self.width()));
        self.origins.reserve(rows);
    }

    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    pub fn width(&self) -> usize {
        self.columns.len()
    }

    pub fn row_count(&self) -> usize {
        self.origins.len()
    }

    /// Appends a row of exactly `width` cells (callers pad or cut), in order.
    pub fn push_row<'a>(
        &mut self,
        cells: impl IntoIterator<Item = &'a str>,
        origin: RowOrigin,
    ) -> Result<(), TableFull> {
        let before = self.ends.len();
        for cell in cells.into_iter().take(self.width()) {
            self.text.push_str(cell);
            self.ends
                .push(u32::try_from(self.text.len()).map_err(|_| TableFull)?);
        }
        let end = u32::try_from(self.text.len()).map_err(|_| TableFull)?;
        while self.ends.len() < before + self.width() {
            self.ends.push(end);
        }
        self.origins.push(origin);
        Ok(())
    }

    /// Appends a row given as back-to-back field text with each field's end offset (the form records
    /// arrive in): one copy of the text, not one per cell. Fields past the width must be empty; missing
    /// ones are empty.
    pub fn push_packed(
        &mut self,
        text: &str,
        ends: &[usize],
        origin: RowOrigin,
    ) -> Result<(), TableFull> {
        let kept = ends.len().min(self.width());
        let kept_len = if kept == 0 { 0 } else { ends[kept - 1] };
        let base = self.text.len();
        self.text.push_str(text.get(..kept_len).unwrap_or_default());
        let end = u32::try_from(self.text.len()).map_err(|_| TableFull)?;
        for &field_end in &ends[..kept] {
            // `base + field_end <= end`, which fits in u32.
            self.ends
                .push(u32::try_from(base + field_end).map_err(|_| TableFull)?);
        }
        for _ in kept..self.width() {
            self.ends.push(end);
        }
        self.origins.push(origin);
        Ok(())
    }

    /// The cell at `row`, `column`; empty when out of range.
    pub fn cell(&self, row: usize, column: usize) -> &str {
        if column >= self.width() {
            return "";
        }
        let index = row * self.width() + column;
        let end = self.ends.get(index).copied().unwrap_or(0) as usize;
        let start = if index == 0 {
            0
        } else {
            self.ends.get(index - 1).copied().unwrap_or(0) as usize
        };
        self.text.get(start..end).unwrap_or_default()
    }

    pub fn row(&self, row: usize) -> impl Iterator<Item = &str> + '_ {
        (0..self.width()).map(move |column| self.cell(row, column))
    }

    pub fn origin(&self, row: usize) -> Option<RowOrigin> {
        self.origins.get(row).copied()
    }

    /// Approximate memory held, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4 + self.origins.capacity() * 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_padded_to_the_width_and_read_back() {
        let mut table = Table::new(vec!["a".into(), "b".into(), "c".into()]);
        table
            .push_row(["1", "two", "3"], RowOrigin { row: 2, line: 2 })
            .unwrap();
        table
            .push_row(["x"], RowOrigin { row: 3, line: 3 })
            .unwrap();
        table
            .push_row(["p", "q", "r", "extra"], RowOrigin { row: 4, line: 5 })
            .unwrap();
        assert_eq!(table.row_count(), 3);
        assert_eq!(table.row(0).collect::<Vec<_>>(), ["1", "two", "3"]);
        assert_eq!(table.row(1).collect::<Vec<_>>(), ["x", "", ""]);
        assert_eq!(table.row(2).collect::<Vec<_>>(), ["p", "q", "r"]);
        assert_eq!(table.cell(9, 0), "");
        assert_eq!(table.cell(0, 9), "");
        assert_eq!(table.origin(2), Some(RowOrigin { row: 4, line: 5 }));
        // The packed form gives the same table.
        let mut packed = Table::new(vec!["a".into(), "b".into(), "c".into()]);
        packed
            .push_packed("1two3", &[1, 4, 5], RowOrigin { row: 2, line: 2 })
            .unwrap();
        packed
            .push_packed("x", &[1], RowOrigin { row: 3, line: 3 })
            .unwrap();
        packed
            .push_packed("pqr", &[1, 2, 3, 3], RowOrigin { row: 4, line: 5 })
            .unwrap();
        for r in 0..3 {
            assert_eq!(
                packed.row(r).collect::<Vec<_>>(),
                table.row(r).collect::<Vec<_>>()
            );
        }
    }
}
