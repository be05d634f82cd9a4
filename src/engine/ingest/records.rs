//! Records: decoded text cut into rows of fields by csv-core's push parser, fed a chunk at a time, so a
//! file streamed piece by piece reads the same as one handed over whole.
//!
//! csv-core skips blank lines and does not track where records start; this reader does both, so every
//! row of the file is accounted for: each blank line is reported as [`Event::Blank`], each record as
//! [`Event::Record`] with the line it starts on and its byte range in the decoded text. Rows longer or wider
//! than the limits are still parsed through (so the next row starts in the right place) but not collected.

use csv_core::ReadRecordResult;

use crate::engine::ingest::dialect::{Dialect, core_reader};
use crate::engine::ingest::limits::Limits;

/// A record as parsed: fields are `bytes[ends[i-1]..ends[i]]` (with `ends[-1] = 0`).
pub struct Record<'a> {
    pub bytes: &'a [u8],
    pub ends: &'a [usize],
    /// Physical line the record starts on (1-based).
    pub line: u64,
    /// Byte range of the record in the decoded text (terminator excluded).
    pub start_offset: u64,
    pub end_offset: u64,
    /// The record was longer than `max_row_bytes`: its fields were not kept.
    pub too_long: bool,
    /// The record had more than `max_columns` fields: its fields were not kept.
    pub too_wide: bool,
    /// The record ends at the end of the file inside a quoted value that was never closed.
    pub open_quote: bool,
    /// The record spans several lines (a quoted value holds line breaks).
    pub multi_line: bool,
}

impl Record<'_> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0)
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.bytes.get(start..end).unwrap_or_default()
    }
}

pub enum Event<'a> {
    /// An empty line (nothing between two line breaks).
    Blank {
        line: u64,
    },
    Record(Record<'a>),
}

/// Scratch space that receives the fields of a row beyond the limits.
const SCRATCH: usize = 64 * 1024;

pub struct RecordReader {
    core: csv_core::Reader,
    quote: Option<u8>,
    limits: Limits,
    out: Vec<u8>,
    ends: Vec<usize>,
    out_len: usize,
    ends_len: usize,
    scratch: Vec<u8>,
    scratch_ends: Vec<usize>,
    too_long: bool,
    too_wide: bool,
    /// Between records: line breaks here are blank lines.
    at_record_start: bool,
    /// The byte before was a CR, so an LF now completes the same line break.
    prev_cr: bool,
    /// Line of the next byte.
    line: u64,
    /// Offset of the next byte in the decoded text.
    offset: u64,
    record_line: u64,
    record_offset: u64,
    /// Quote characters seen in the current record's raw text.
    record_quotes: u64,
    /// Line breaks seen in the current record's raw text (its terminator included).
    record_breaks: u64,
    /// The last raw byte scanned was a CR (a following LF belongs to the same break).
    raw_prev_cr: bool,
}

impl RecordReader {
    pub fn new(dialect: &Dialect, limits: Limits) -> Self {
        RecordReader {
            core: core_reader(dialect.delimiter, dialect.quote, dialect.backslash_escape),
            quote: dialect.quote,
            limits,
            out: vec![0; 4096],
            ends: vec![0; 64],
            out_len: 0,
            ends_len: 0,
            scratch: vec![0; SCRATCH],
            scratch_ends: vec![0; 1024],
            too_long: false,
            too_wide: false,
            at_record_start: true,
            prev_cr: false,
            line: 1,
            offset: 0,
            record_line: 1,
            record_offset: 0,
            record_quotes: 0,
            record_breaks: 0,
            raw_prev_cr: false,
        }
    }

    /// Feeds the next chunk of decoded text; `sink` sees each blank line and each completed record.
    pub fn feed(&mut self, mut input: &[u8], sink: &mut impl FnMut(Event<'_>)) {
        while !input.is_empty() {
            if self.at_record_start {
                let skipped = self.skip_line_breaks(input, sink);
                input = &input[skipped..];
                if input.is_empty() {
                    return;
                }
                self.at_record_start = false;
                self.record_line = self.line;
                self.record_offset = self.offset;
                self.record_quotes = 0;
                self.record_breaks = 0;
                self.raw_prev_cr = false;
            }
            let consumed = self.parse(input, false, sink);
            input = &input[consumed..];
        }
    }

    /// Ends the text: completes a last record that has no line break after it.
    pub fn finish(&mut self, sink: &mut impl FnMut(Event<'_>)) {
        if !self.at_record_start {
            self.parse(&[], true, sink);
        }
    }

    /// Consumes line breaks between records, reporting blank lines. Returns the bytes consumed.
    fn skip_line_breaks(&mut self, input: &[u8], sink: &mut impl FnMut(Event<'_>)) -> usize {
        let mut consumed = 0;
        for &b in input {
            match b {
                b'\n' if self.prev_cr => self.prev_cr = false,
                b'\n' | b'\r' => {
                    sink(Event::Blank { line: self.line });
                    self.line += 1;
                    self.prev_cr = b == b'\r';
                }
                _ => break,
            }
            consumed += 1;
        }
        if consumed < input.len() {
            // Stopped at the first byte of a record.
            self.prev_cr = false;
        }
        self.offset += consumed as u64;
        consumed
    }

    /// Runs csv-core over `input` until a record completes or the input is used up; returns bytes consumed.
    fn parse(&mut self, input: &[u8], at_end: bool, sink: &mut impl FnMut(Event<'_>)) -> usize {
        let mut consumed = 0;
        loop {
            let rest = &input[consumed..];
            let (result, nin, nout, nend) = if self.too_long || self.too_wide {
                let (out, ends) = (&mut self.scratch[..], &mut self.scratch_ends[..]);
                self.core.read_record(rest, out, ends)
            } else {
                self.core.read_record(
                    rest,
                    &mut self.out[self.out_len..],
                    &mut self.ends[self.ends_len..],
                )
            };
            self.scan_raw(&rest[..nin]);
            consumed += nin;
            if !(self.too_long || self.too_wide) {
                self.out_len += nout;
                self.ends_len += nend;
            }
            match result {
                ReadRecordResult::InputEmpty => {
                    self.offset += consumed as u64;
                    return consumed;
                }
                ReadRecordResult::OutputFull => self.grow_output(),
                ReadRecordResult::OutputEndsFull => self.grow_ends(),
                ReadRecordResult::Record => {
                    let last_byte = if consumed > 0 {
                        input.get(consumed - 1).copied()
                    } else {
                        None
                    };
                    let terminated = matches!(last_byte, Some(b'\n' | b'\r')) && !at_end;
                    let end_offset = self.offset + consumed as u64 - u64::from(terminated);
                    self.emit(end_offset, terminated, at_end, sink);
                    self.offset += consumed as u64;
                    if terminated {
                        self.line += 1;
                        self.prev_cr = last_byte == Some(b'\r');
                    }
                    self.at_record_start = true;
                    return consumed;
                }
                ReadRecordResult::End => {
                    self.offset += consumed as u64;
                    self.at_record_start = true;
                    return consumed;
                }
            }
        }
    }

    /// Counts the quotes and line breaks of raw record text (SIMD-fast: only the matches are visited).
    fn scan_raw(&mut self, raw: &[u8]) {
        let quote = self.quote.unwrap_or(b'\n');
        for at in memchr::memchr3_iter(quote, b'\n', b'\r', raw) {
            match raw[at] {
                b'\n' => {
                    let after_cr = if at == 0 {
                        self.raw_prev_cr
                    } else {
                        raw[at - 1] == b'\r'
                    };
                    if !after_cr {
                        self.record_breaks += 1;
                    }
                }
                b'\r' => self.record_breaks += 1,
                _ => self.record_quotes += 1,
            }
        }
        if let Some(&last) = raw.last() {
            self.raw_prev_cr = last == b'\r';
        }
    }

    fn grow_output(&mut self) {
        if self.out.len() >= self.limits.max_row_bytes {
            self.too_long = true;
        } else {
            let len = (self.out.len() * 2).min(self.limits.max_row_bytes.max(self.out.len() + 1));
            self.out.resize(len, 0);
        }
    }

    fn grow_ends(&mut self) {
        if self.ends.len() > self.limits.max_columns {
            self.too_wide = true;
        } else {
            let len = (self.ends.len() * 2).min(self.limits.max_columns + 1);
            self.ends.resize(len.max(self.ends.len() + 1), 0);
        }
    }

    fn emit(
        &mut self,
        end_offset: u64,
        terminated: bool,
        at_end: bool,
        sink: &mut impl FnMut(Event<'_>),
    ) {
        self.too_wide |= self.ends_len > self.limits.max_columns;
        let kept = !(self.too_long || self.too_wide);
        let bytes = if kept {
            &self.out[..self.out_len]
        } else {
            &[][..]
        };
        let ends = if kept {
            &self.ends[..self.ends_len]
        } else {
            &[][..]
        };
        let inner_breaks = self.record_breaks.saturating_sub(u64::from(terminated));
        let record = Record {
            bytes,
            ends,
            line: self.record_line,
            start_offset: self.record_offset,
            end_offset,
            too_long: self.too_long,
            too_wide: self.too_wide,
            open_quote: at_end && self.record_quotes % 2 == 1,
            multi_line: inner_breaks > 0,
        };
        sink(Event::Record(record));
        self.line += inner_breaks;
        self.out_len = 0;
        self.ends_len = 0;
        self.too_long = false;
        self.too_wide = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ingest::dialect::sniff;

    /// Reads `text` fed in chunks of `chunk` bytes; one line per event: `blank@L` or `L[start..end]: a|b`.
    fn events(text: &str, chunk: usize) -> Vec<String> {
        let dialect = sniff(text.as_bytes(), Some(b','));
        let mut reader = RecordReader::new(&dialect, Limits::default());
        let mut seen = Vec::new();
        let mut sink = |event: Event<'_>| match event {
            Event::Blank { line } => seen.push(format!("blank@{line}")),
            Event::Record(r) => {
                let fields: Vec<String> = (0..r.len())
                    .map(|i| String::from_utf8_lossy(r.field(i)).into_owned())
                    .collect();
                seen.push(format!(
                    "{}[{}..{}]: {}",
                    r.line,
                    r.start_offset,
                    r.end_offset,
                    fields.join("|")
                ));
            }
        };
        for piece in text.as_bytes().chunks(chunk.max(1)) {
            reader.feed(piece, &mut sink);
        }
        reader.finish(&mut sink);
        seen
    }

    #[test]
    fn every_line_is_accounted_for_whatever_the_line_ending_and_chunking() {
        let expected_lf = ["1[0..3]: a|b", "blank@2", "3[5..8]: c|d", "blank@4"];
        for chunk in [1, 2, 3, 5, 100] {
            assert_eq!(
                events("a,b\n\nc,d\n\n", chunk),
                expected_lf,
                "chunk {chunk}"
            );
            assert_eq!(
                events("a,b\r\n\r\nc,d\r\n\r\n", chunk),
                ["1[0..3]: a|b", "blank@2", "3[7..10]: c|d", "blank@4"],
                "chunk {chunk}"
            );
            assert_eq!(
                events("a,b\r\rc,d\r", chunk),
                ["1[0..3]: a|b", "blank@2", "3[5..8]: c|d"],
                "chunk {chunk}"
            );
            assert_eq!(
                events("a,b\nc,d", chunk),
                ["1[0..3]: a|b", "2[4..7]: c|d"],
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn quoted_line_breaks_stay_in_the_field_and_move_the_line_count() {
        let seen = events(
            "id,note\n1,\"two\nlines\"\n2,\"crlf\r\ninside\"\r\n3,x\n",
            4,
        );
        assert_eq!(
            seen,
            [
                "1[0..7]: id|note",
                "2[8..21]: 1|two\nlines",
                "4[22..38]: 2|crlf\r\ninside",
                "6[40..43]: 3|x"
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_at_the_end_is_flagged() {
        let dialect = sniff(b"a,b", Some(b','));
        let mut reader = RecordReader::new(&dialect, Limits::default());
        let mut flags = Vec::new();
        let mut sink = |event: Event<'_>| {
            if let Event::Record(r) = event {
                flags.push((r.open_quote, r.multi_line));
            }
        };
        reader.feed(b"a,b\n1,\"open\nand on\n", &mut sink);
        reader.finish(&mut sink);
        assert_eq!(flags, [(false, false), (true, true)]);
    }

    #[test]
    fn rows_beyond_the_limits_are_flagged_and_the_next_row_still_reads() {
        let dialect = sniff(b"a,b", Some(b','));
        let limits = Limits {
            max_row_bytes: 8192,
            max_columns: 3,
            ..Limits::default()
        };
        let mut reader = RecordReader::new(&dialect, limits);
        let mut seen = Vec::new();
        let mut sink = |event: Event<'_>| {
            if let Event::Record(r) = event {
                seen.push((r.line, r.too_long, r.too_wide, r.len()));
            }
        };
        let long = format!("1,\"{}\"\n", "x".repeat(20_000));
        reader.feed(long.as_bytes(), &mut sink);
        reader.feed(b"1,2,3,4,5,6\n7,8\n", &mut sink);
        reader.finish(&mut sink);
        assert_eq!(
            seen,
            [
                (1, true, false, 0),
                (2, false, true, 0),
                (3, false, false, 2)
            ]
        );
    }
}
