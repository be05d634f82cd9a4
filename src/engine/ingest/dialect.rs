//! Dialect: how the text is cut into fields — the delimiter, the quote character, how quotes are escaped,
//! and the line ending — sniffed from a sample of the decoded text and stated for the report.

use csv_core::{ReadRecordResult, ReaderBuilder};

/// The delimiters exports use, in order of preference when the evidence is equal.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Records looked at when sniffing.
const SAMPLE_RECORDS: usize = 200;

/// How a file's text is cut into fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    /// `None` when fields are never quoted.
    pub quote: Option<u8>,
    /// Quotes inside quoted fields are written `\"` instead of `""`.
    pub backslash_escape: bool,
    pub line_ending: LineEnding,
    /// Sentences for the report: each choice that was not certain.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
    Cr,
    Mixed,
    None,
}

impl LineEnding {
    pub fn label(self) -> &'static str {
        match self {
            LineEnding::Lf => "LF",
            LineEnding::CrLf => "CRLF",
            LineEnding::Cr => "CR",
            LineEnding::Mixed => "mixed",
            LineEnding::None => "none",
        }
    }
}

/// A name for a delimiter in sentences.
pub fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b',' => "comma".to_owned(),
        b';' => "semicolon".to_owned(),
        b'\t' => "tab".to_owned(),
        b'|' => "pipe".to_owned(),
        other => format!("'{}'", char::from(other)),
    }
}

/// Sniffs the dialect of `sample` (the start of the decoded text). `forced` is a delimiter the user chose.
pub fn sniff(sample: &[u8], forced: Option<u8>) -> Dialect {
    let line_ending = line_ending(sample);
    let quote = sniff_quote(sample);
    let backslash_escape = quote.is_some_and(|q| uses_backslash_escape(sample, q));
    let mut notes = Vec::new();
    let delimiter = match forced {
        Some(d) => {
            notes.push(format!(
                "Fields are separated by {}, as you chose.",
                delimiter_name(d)
            ));
            d
        }
        None => match best_delimiter(sample, quote, backslash_escape) {
            Some((d, width, share, records)) => {
                if share < 0.6 && records >= 10 {
                    notes.push(format!(
                        "Fields are separated by {}: {:.0}% of the first rows have {width} fields that way. If columns look merged, choose another delimiter.",
                        delimiter_name(d),
                        share * 100.0
                    ));
                }
                d
            }
            None => {
                notes.push(
                    "No delimiter (comma, semicolon, tab or pipe) splits the first rows into columns: the file was read as a single column."
                        .to_owned(),
                );
                b','
            }
        },
    };
    if quote == Some(b'\'') {
        notes
            .push("Values are quoted with single quotes (') rather than double quotes.".to_owned());
    }
    if backslash_escape {
        notes.push("Quotes inside quoted values are escaped with a backslash (\\\").".to_owned());
    }
    if line_ending == LineEnding::Mixed {
        notes.push(
            "Lines end in a mix of CRLF, LF and CR; each was read as a line break.".to_owned(),
        );
    }
    Dialect {
        delimiter,
        quote,
        backslash_escape,
        line_ending,
        notes,
    }
}

/// The delimiter that cuts the most sample records into the same number (> 1) of fields, with that number,
/// the share of multi-field records that have it, and how many multi-field records there were. Records of
/// one field (titles, trailers) do not vote.
fn best_delimiter(
    sample: &[u8],
    quote: Option<u8>,
    backslash_escape: bool,
) -> Option<(u8, usize, f64, usize)> {
    let mut best: Option<(u8, usize, f64, usize, usize)> = None;
    for &delimiter in &DELIMITERS {
        let mut widths = record_widths(sample, delimiter, quote, backslash_escape);
        widths.retain(|&w| w > 1);
        let Some((width, count)) = mode(&widths) else {
            continue;
        };
        if width < 2 {
            continue;
        }
        let score = count * width.min(64);
        if best.is_none_or(|(_, _, _, _, s)| score > s) {
            best = Some((
                delimiter,
                width,
                count as f64 / widths.len() as f64,
                widths.len(),
                score,
            ));
        }
    }
    best.map(|(d, w, share, records, _)| (d, w, share, records))
}

/// Field counts of the sample's complete records (the last one may be cut by the sample's end).
pub fn record_widths(
    sample: &[u8],
    delimiter: u8,
    quote: Option<u8>,
    backslash_escape: bool,
) -> Vec<usize> {
    let mut reader = core_reader(delimiter, quote, backslash_escape);
    let mut out = vec![0u8; 64 * 1024];
    let mut ends = vec![0usize; 4096];
    let mut widths = Vec::new();
    let mut input = sample;
    while widths.len() < SAMPLE_RECORDS {
        let (result, nin, _, nend) = reader.read_record(input, &mut out, &mut ends);
        input = &input[nin..];
        match result {
            ReadRecordResult::Record => widths.push(nend),
            // The sample ends inside a record, or the record is longer than the scratch space: stop.
            ReadRecordResult::InputEmpty
            | ReadRecordResult::OutputFull
            | ReadRecordResult::OutputEndsFull => break,
            ReadRecordResult::End => break,
        }
    }
    widths
}

/// A csv-core reader for a dialect.
pub fn core_reader(delimiter: u8, quote: Option<u8>, backslash_escape: bool) -> csv_core::Reader {
    let mut builder = ReaderBuilder::new();
    builder
        .delimiter(delimiter)
        .quoting(quote.is_some())
        .quote(quote.unwrap_or(b'"'))
        .double_quote(true);
    if backslash_escape {
        builder.escape(Some(b'\\'));
    }
    builder.build()
}

fn mode(values: &[usize]) -> Option<(usize, usize)> {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for &v in values {
        match counts.iter_mut().find(|(value, _)| *value == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts.into_iter().max_by_key(|&(value, n)| (n, value))
}

/// Double quotes unless the sample uses none and single quotes wrap whole fields.
fn sniff_quote(sample: &[u8]) -> Option<u8> {
    if sample.contains(&b'"') {
        return Some(b'"');
    }
    let wrapped = count_wrapped(sample, b'\'');
    if wrapped >= 2 {
        Some(b'\'')
    } else {
        Some(b'"')
    }
}

/// Fields that start right after a delimiter or line start with `quote` and end with it before a delimiter or
/// line end.
fn count_wrapped(sample: &[u8], quote: u8) -> usize {
    let is_edge =
        |b: Option<&u8>| matches!(b, None | Some(b',' | b';' | b'\t' | b'|' | b'\n' | b'\r'));
    let mut count = 0;
    for (i, &b) in sample.iter().enumerate() {
        if b == quote
            && is_edge(i.checked_sub(1).and_then(|p| sample.get(p)))
            && let Some(len) = sample[i + 1..]
                .iter()
                .position(|&c| c == quote || c == b'\n')
        {
            let close = i + 1 + len;
            if sample[close] == quote && is_edge(sample.get(close + 1)) {
                count += 1;
            }
        }
    }
    count
}

fn uses_backslash_escape(sample: &[u8], quote: u8) -> bool {
    let backslashed = sample
        .windows(2)
        .filter(|w| w[0] == b'\\' && w[1] == quote)
        .count();
    let doubled = sample
        .windows(3)
        .filter(|w| w[0] != b'\\' && w[1] == quote && w[2] == quote)
        .count();
    backslashed > 0 && doubled == 0
}

fn line_ending(sample: &[u8]) -> LineEnding {
    let (mut crlf, mut lf, mut cr) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < sample.len() {
        match sample[i] {
            b'\r' if sample.get(i + 1) == Some(&b'\n') => {
                crlf += 1;
                i += 1;
            }
            b'\r' => cr += 1,
            b'\n' => lf += 1,
            _ => {}
        }
        i += 1;
    }
    match (crlf > 0, lf > 0, cr > 0) {
        (false, false, false) => LineEnding::None,
        (true, false, false) => LineEnding::CrLf,
        (false, true, false) => LineEnding::Lf,
        (false, false, true) => LineEnding::Cr,
        _ => LineEnding::Mixed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_delimiter_that_splits_rows_evenly() {
        assert_eq!(sniff(b"a;b;c\n1;2;3\n4;5;6\n", None).delimiter, b';');
        assert_eq!(sniff(b"a\tb\n1\t2\n", None).delimiter, b'\t');
        assert_eq!(sniff(b"a|b|c\n1|2|3\n", None).delimiter, b'|');
        // Commas inside quoted values do not count.
        assert_eq!(
            sniff(b"name;amount\n\"Acme, Inc.\";1,5\n\"B, C, D\";2,5\n", None).delimiter,
            b';'
        );
        // A title line above the header does not decide.
        assert_eq!(
            sniff(b"My report\na,b,c\n1,2,3\n4,5,6\n", None).delimiter,
            b','
        );
    }

    #[test]
    fn says_when_no_delimiter_splits_the_rows() {
        let dialect = sniff(b"just\none\ncolumn\n", None);
        assert_eq!(dialect.delimiter, b',');
        assert!(
            dialect.notes[0].contains("single column"),
            "{:?}",
            dialect.notes
        );
    }

    #[test]
    fn a_forced_delimiter_wins_and_is_stated() {
        let dialect = sniff(b"a,b\n1,2\n", Some(b';'));
        assert_eq!(dialect.delimiter, b';');
        assert!(dialect.notes[0].contains("as you chose"));
    }

    #[test]
    fn detects_quotes_escapes_and_line_endings() {
        assert_eq!(sniff(b"'a','b'\n'1','2'\n", None).quote, Some(b'\''));
        assert!(sniff(b"a,b\n\"x \\\"y\\\"\",2\n", None).backslash_escape);
        assert_eq!(sniff(b"a,b\r\n1,2\r\n", None).line_ending, LineEnding::CrLf);
        assert_eq!(sniff(b"a,b\r1,2\r", None).line_ending, LineEnding::Cr);
        assert_eq!(sniff(b"a,b\r\n1,2\n", None).line_ending, LineEnding::Mixed);
        assert_eq!(sniff(b"a,b", None).line_ending, LineEnding::None);
    }
}
