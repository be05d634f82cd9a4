//! Values: cell text read as dates, money, probabilities, booleans and ids — decided per column, stated,
//! reversible.
//!
//! Every column kind that needs a decision works the same way:
//!
//! 1. `decide(values, …)` looks at *all* of a column's values and returns the decision ([`DateColumn`],
//!    [`MoneyColumn`], [`ProbabilityColumn`]) with the [`Evidence`] that made it. It is a thin wrapper over
//!    the kind's decider ([`DateDecider`], [`MoneyDecider`], [`ProbabilityDecider`]): the counts and flags
//!    of a decision in the making, fed the values a slice at a time and concluded after the last, so the
//!    model build can decide a million-row column in small steps and reach the same decision.
//! 2. `sentence(column)` states the decision for the import report as one plain sentence.
//! 3. `with_…(choice)` replaces it with the user's choice (the evidence becomes [`Evidence::User`]); the
//!    value counts kept in the decision still say how many values contradict the new choice.
//! 4. `parse(value)` reads one cell with the decision.
//!
//! Blank cells — empty, whitespace, and the placeholders `-`, `–`, `—`, `n/a` that some reports write for
//! nothing — read as `Ok(None)` everywhere. A cell that cannot be read is a [`ValueError`] whose reason names
//! the value and says what *is* valid. No parser panics on any input.
//!
//! Row numbers: evidence names a value by `row_index`, its 0-based position in the values given to `decide`,
//! and by `row`, the number sentences and reasons print. `row` is `row_index + 1` until the caller calls the
//! decision's `with_row_numbers` with the spreadsheet row number of each position (for a
//! [`crate::engine::ingest`] table: `|i| table.origin(i).map_or(0, |o| o.row)`).

pub mod dates;
pub mod money;
pub mod scalars;

pub use dates::{DateColumn, DateDecider, DateOrder, ParsedDate};
pub use money::{DecimalMark, Money, MoneyColumn, MoneyDecider, Scale};
pub use scalars::{
    IdCheck, ProbabilityColumn, ProbabilityDecider, ProbabilityScale, check_id, parse_bool,
    parse_duration_seconds, parse_number,
};

use serde::{Deserialize, Serialize};

/// A cell that could not be read, with a plain-sentence reason that says what is valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{reason}")]
pub struct ValueError {
    pub reason: String,
}

impl ValueError {
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        ValueError {
            reason: reason.into(),
        }
    }
}

/// What made a column decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Evidence {
    /// Nothing needed deciding: no value could be read two ways.
    Unambiguous,
    /// This value can only be read one way, and that way was chosen. `row_index` is its 0-based position in
    /// the values given to `decide`; `row` is the row number sentences print (see the module docs).
    Value {
        row_index: usize,
        row: u64,
        value: String,
    },
    /// Some values could be read two ways and none decided: the convention passed to `decide` was used.
    Convention,
    /// Nothing in this column decided, but another column of the same file did (exports write every date
    /// column the same way).
    Column {
        column: String,
        row: u64,
        value: String,
    },
    /// The user chose.
    User,
}

impl Evidence {
    /// The tail of a sentence stating the decision: ": row 12 holds '25/01/2024'".
    fn stated(&self) -> String {
        match self {
            Evidence::Value { row, value, .. } => format!(": row {row} holds {}", quoted(value)),
            Evidence::Column { column, row, value } => {
                format!(
                    ", like '{column}' of the same file, whose row {row} holds {}",
                    quoted(value)
                )
            }
            _ => self.because(),
        }
    }

    /// The tail of a reason naming the decision: " because row 12 holds '25/01/2024'".
    fn because(&self) -> String {
        match self {
            Evidence::Value { row, value, .. } => {
                format!(" because row {row} holds {}", quoted(value))
            }
            Evidence::Column { column, row, value } => {
                format!(
                    " because '{column}' of the same file holds {} in row {row}",
                    quoted(value)
                )
            }
            Evidence::User => ", as you chose".to_string(),
            Evidence::Convention | Evidence::Unambiguous => {
                ", the source's usual convention: no value decided it".to_string()
            }
        }
    }

    fn renumber(&mut self, row_of: impl Fn(usize) -> u64) {
        if let Evidence::Value { row_index, row, .. } = self {
            *row = row_of(*row_index);
        }
    }
}

/// Counts the values that prove one choice and keeps the first of them.
#[derive(Debug, Clone, Default)]
struct Tally {
    count: usize,
    first: Option<(usize, String)>,
}

impl Tally {
    fn add(&mut self, row_index: usize, text: &str) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some((row_index, shown(text)));
        }
    }

    fn evidence(&self) -> Evidence {
        match &self.first {
            Some((row_index, value)) => Evidence::Value {
                row_index: *row_index,
                row: *row_index as u64 + 1,
                value: value.clone(),
            },
            None => Evidence::Convention,
        }
    }
}

/// Chooses between two readings: the one more values prove; on a tie (or when nothing proves either) the
/// convention, stated as [`Evidence::Convention`] when `ambiguous` values needed it.
fn choose<T: Copy + PartialEq>(
    options: [(T, &Tally); 2],
    convention: T,
    ambiguous: bool,
) -> (T, Evidence) {
    let [(a, a_tally), (b, b_tally)] = options;
    let winner = match a_tally.count.cmp(&b_tally.count) {
        std::cmp::Ordering::Greater => (a, a_tally),
        std::cmp::Ordering::Less => (b, b_tally),
        std::cmp::Ordering::Equal if a_tally.count == 0 => {
            let evidence = if ambiguous {
                Evidence::Convention
            } else {
                Evidence::Unambiguous
            };
            return (convention, evidence);
        }
        std::cmp::Ordering::Equal if a == convention => (a, a_tally),
        std::cmp::Ordering::Equal => (b, b_tally),
    };
    (winner.0, winner.1.evidence())
}

/// Empty text and the placeholders reports write for nothing.
fn is_blank(trimmed: &str) -> bool {
    matches!(trimmed, "" | "-" | "–" | "—") || trimmed.eq_ignore_ascii_case("n/a")
}

/// Longest value quoted in a sentence, in characters.
const MAX_SHOWN_CHARS: usize = 60;

/// A value as sentences show it: cut to 60 characters.
fn shown(text: &str) -> String {
    match text.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
        None => text.to_string(),
    }
}

fn quoted(text: &str) -> String {
    format!("'{}'", shown(text))
}

/// "1 value" / "3 values".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `min..=max` leading ASCII digits as a number, and the text after them.
fn take_digits(text: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let n = text.bytes().take_while(u8::is_ascii_digit).count();
    if n < min || n > max || n > 9 {
        return None;
    }
    Some((text.get(..n)?.parse().ok()?, text.get(n..)?))
}

/// `12`, `12.5` or `12,5`: digits with an optional fraction after a dot or a comma, nothing else.
fn unsigned_decimal(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once(['.', ',']).unwrap_or((text, "0"));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return None;
    }
    format!("{whole}.{fraction}").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert!(
            is_blank("") && is_blank("-") && is_blank("—") && is_blank("N/A") && is_blank("n/a")
        );
        assert!(!is_blank("0") && !is_blank("--"));
        assert_eq!(shown(&"é".repeat(70)), format!("{}…", "é".repeat(60)));
        assert_eq!(count(1, "value"), "1 value");
        assert_eq!(count(2, "value"), "2 values");
        assert_eq!(take_digits("12:30", 1, 2), Some((12, ":30")));
        assert_eq!(take_digits("123", 1, 2), None);
        assert_eq!(unsigned_decimal("12,5"), Some(12.5));
        assert_eq!(unsigned_decimal("12"), Some(12.0));
        for bad in ["", "12.", ".5", "1.2.3", "1e5", "NaN", "inf", "-1", "+1"] {
            assert_eq!(unsigned_decimal(bad), None, "{bad}");
        }
    }

    /// Every 1–4 character string over a small alphabet, plus some hostile ones, through every parser and
    /// every decision: nothing panics.
    #[test]
    fn no_input_panics() {
        #[rustfmt::skip]
        const ALPHABET: [char; 14] = ['0', '1', '/', '.', ',', '-', ':', '3', 'A', 'P', 'M', '$', '€', ' '];
        let mut inputs: Vec<String> = vec![String::new()];
        let mut last: Vec<String> = vec![String::new()];
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|s| ALPHABET.iter().map(move |c| format!("{s}{c}")))
                .collect();
            inputs.extend(last.iter().cloned());
        }
        assert_eq!(inputs.len(), 1 + 14 + 196 + 2744 + 38416);
        #[rustfmt::skip]
        let hostile = [
            "٣/٣/٢٠٢٦", "１２/０１/２０２６", "İ", "ß", "\u{0}", "\u{feff}12", "é€$", "(", ")", "%", "e+",
            "9999999999999999999999999999999", "99/99/9999 99:99:99.99999999999999 pm +99:99",
            "2026-03-31T14:05:09.12345678901234567890Z", "31 Mar 99999", "0/0/0000", "12/12/12 12:12:12 am z",
            "1.89E+999999", "-(-$-1-)-", "S/", "R$ R$ 1", "1\u{a0}\u{a0}234", "::::", "1:2:3:4:5",
            "2958465.99999999", "1/1/2026 1:00 pm pm", "Mar 31 2026 12:00:00.5 -05:30",
        ];
        inputs.extend(hostile.iter().map(|s| s.to_string()));
        inputs.push("9".repeat(5000));
        inputs.push("1,".repeat(3000) + "5");
        let texts = || inputs.iter().map(String::as_str);
        let dates = [
            DateColumn::decide(texts(), DateOrder::DayFirst),
            DateColumn::decide([], DateOrder::MonthFirst).with_order(DateOrder::DayFirst),
            DateColumn::decide([], DateOrder::MonthFirst).with_excel_serials(true),
        ];
        let money = [
            MoneyColumn::decide(texts(), DecimalMark::Dot),
            MoneyColumn::decide([], DecimalMark::Comma).with_decimal(DecimalMark::Comma),
            MoneyColumn::decide([], DecimalMark::Dot).with_scale(Scale::Cents),
        ];
        let probabilities = [
            ProbabilityColumn::decide(texts()),
            ProbabilityColumn::decide([]).with_scale(ProbabilityScale::Fraction),
        ];
        for text in texts() {
            for column in &dates {
                let _ = column.parse(text);
            }
            for column in &money {
                let _ = column.parse(text);
            }
            for column in &probabilities {
                if let Ok(Some(p)) = column.parse(text) {
                    assert!((0.0..=1.0).contains(&p), "{text:?}");
                }
            }
            let _ = (
                parse_bool(text),
                check_id(text),
                parse_duration_seconds(text),
            );
            let _ = (
                parse_number(text, DecimalMark::Dot),
                parse_number(text, DecimalMark::Comma),
            );
        }
        for column in &dates {
            let _ = column.sentence("c");
        }
    }

    /// Fed in slices of any length, each decider concludes exactly what the one-shot decision does, with
    /// the evidence's row index counted across slices.
    #[test]
    fn a_decision_fed_in_slices_is_the_decision_over_all_values() {
        let mut values: Vec<String> = Vec::new();
        for i in 0..3000usize {
            values.push(match i % 11 {
                0 => format!("{:02}/{:02}/2024", 1 + i % 12, 1 + i % 9),
                1 => String::new(),
                2 => format!("{}.{:03}", 1 + i % 900, i % 1000),
                3 => format!("0.{}", 1 + i % 9),
                4 => format!("{}%", i % 100),
                5 => format!("{}", 40_000 + i),
                6 => "N/A".to_owned(),
                7 => format!("{}/{:02}/24 2:05 PM", 1 + i % 12, 1 + i % 12),
                _ => format!("2024-{:02}-{:02}T10:00:00Z", 1 + i % 12, 1 + i % 28),
            });
        }
        // Proofs that arrive late, and each way, so a slice boundary falls between them.
        values[2500] = "25/01/2024".to_owned();
        values[2600] = "1.234,56 €".to_owned();
        values[2700] = "01/25/2024".to_owned();
        values[2800] = "MÄRZ 3 2026".to_owned();
        for prefix in [0, 1, 2499, 2501, 3000] {
            let column = &values[..prefix];
            let texts = || column.iter().map(String::as_str);
            for slice in [1, 7, 4096] {
                let (mut dates, mut money, mut probabilities) = (
                    DateDecider::default(),
                    MoneyDecider::default(),
                    ProbabilityDecider::default(),
                );
                for chunk in column.chunks(slice) {
                    let chunk = || chunk.iter().map(String::as_str);
                    dates.feed(chunk());
                    money.feed(chunk());
                    probabilities.feed(chunk());
                }
                assert_eq!(dates.fed(), prefix);
                for convention in [DateOrder::DayFirst, DateOrder::MonthFirst] {
                    assert_eq!(
                        dates.conclude(convention),
                        DateColumn::decide(texts(), convention),
                        "{prefix} values in slices of {slice}"
                    );
                }
                assert_eq!(
                    money.conclude(DecimalMark::Comma),
                    MoneyColumn::decide(texts(), DecimalMark::Comma)
                );
                assert_eq!(probabilities.conclude(), ProbabilityColumn::decide(texts()));
            }
        }
    }

    #[test]
    fn ties_follow_the_convention_and_majorities_win() {
        let (mut one, mut two) = (Tally::default(), Tally::default());
        assert_eq!(
            choose([(1, &one), (2, &two)], 2, false),
            (2, Evidence::Unambiguous)
        );
        assert_eq!(
            choose([(1, &one), (2, &two)], 2, true),
            (2, Evidence::Convention)
        );
        one.add(4, "a");
        two.add(7, "b");
        let b = Evidence::Value {
            row_index: 7,
            row: 8,
            value: "b".into(),
        };
        assert_eq!(choose([(1, &one), (2, &two)], 2, false), (2, b));
        one.add(9, "c");
        let a = Evidence::Value {
            row_index: 4,
            row: 5,
            value: "a".into(),
        };
        assert_eq!(choose([(1, &one), (2, &two)], 2, false), (1, a));
    }
}
