//! Dialect: which character separates the fields, sniffed from the first lines of the text.

/// The delimiters an export may use, in order of preference when the evidence is equal.
const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Lines looked at when sniffing.
const SAMPLE_LINES: usize = 50;

pub struct Delimiter {
    pub byte: u8,
    /// Set when the choice was a guess rather than clear evidence.
    pub note: Option<String>,
}

/// Picks the delimiter that splits the sample lines into the same number (> 1) of fields most often.
/// Quoted sections are skipped, so a comma inside `"Acme, Inc."` does not count.
pub fn sniff_delimiter(text: &str) -> Delimiter {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(SAMPLE_LINES)
        .collect();
    let mut best: Option<(u8, usize)> = None;
    for &candidate in &CANDIDATES {
        let counts: Vec<usize> = lines
            .iter()
            .map(|line| count_unquoted(line, candidate))
            .collect();
        let Some(&first) = counts.first() else {
            continue;
        };
        if first == 0 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == first).count();
        let score = consistent * first;
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
    }
    match best {
        Some((byte, _)) => Delimiter { byte, note: None },
        None => Delimiter {
            byte: b',',
            note: Some(
                "No delimiter was found in the first lines; the file was read as a single column."
                    .to_owned(),
            ),
        },
    }
}

fn count_unquoted(line: &str, delimiter: u8) -> usize {
    let mut in_quotes = false;
    let mut count = 0;
    for &byte in line.as_bytes() {
        if byte == b'"' {
            in_quotes = !in_quotes;
        } else if byte == delimiter && !in_quotes {
            count += 1;
        }
    }
    count
}
