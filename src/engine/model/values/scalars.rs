//! Scalars: owns [`ProbabilityColumn`] (the per-column decision between fractions of 1 and percentages),
//! and the cell readers that need no column decision: [`parse_bool`], [`check_id`], [`parse_number`] and
//! [`parse_duration_seconds`].

use serde::{Deserialize, Serialize};

use super::money::{DecimalMark, NumberProblem, split_number};
use super::{Evidence, Tally, ValueError, is_blank, quoted, shown, unsigned_decimal};

/// What a column's probability numbers count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProbabilityScale {
    /// `0.25` is 25%.
    Fraction,
    /// `25` is 25%.
    Percent,
}

impl ProbabilityScale {
    fn label(self) -> &'static str {
        match self {
            ProbabilityScale::Fraction => "fractions of 1 (0–1)",
            ProbabilityScale::Percent => "percentages (0–100)",
        }
    }
}

/// How a column's probabilities read: decided from all its values by [`ProbabilityColumn::decide`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbabilityColumn {
    pub scale: ProbabilityScale,
    /// The first value written with `%` or above 1 ([`ProbabilityScale::Percent`]), else the first value
    /// strictly between 0 and 1 ([`ProbabilityScale::Fraction`]); [`Evidence::Convention`] when every value
    /// is 0 or 1 (read as fractions: 0% and 100%); [`Evidence::Unambiguous`] when the column holds no
    /// numbers at all.
    pub decided_by: Evidence,
}

/// A probability column's decision in the making: its values are fed a slice at a time
/// ([`ProbabilityDecider::feed`], in column order) and [`ProbabilityDecider::conclude`] gives the same
/// [`ProbabilityColumn`] as [`ProbabilityColumn::decide`] over all of them.
#[derive(Debug, Clone, Default)]
pub struct ProbabilityDecider {
    /// Values written with `%` or above 1.
    percent: Tally,
    /// Values strictly between 0 and 1.
    fraction: Tally,
    /// A value that is exactly 0 or 1.
    zero_or_one: bool,
    /// Values fed so far: the next value's 0-based row index.
    fed: usize,
}

impl ProbabilityDecider {
    /// Values fed so far.
    pub fn fed(&self) -> usize {
        self.fed
    }

    /// Takes the column's next values into account.
    pub fn feed<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) {
        for value in values {
            let row_index = self.fed;
            self.fed += 1;
            let text = value.trim();
            let Some((number, percent_sign)) = read_probability(text) else {
                continue;
            };
            if percent_sign || number > 1.0 {
                self.percent.add(row_index, text);
            } else if number > 0.0 && number < 1.0 {
                self.fraction.add(row_index, text);
            } else if number == 0.0 || number == 1.0 {
                self.zero_or_one = true;
            }
        }
    }

    /// The decision from every value fed, by the rule of [`ProbabilityColumn::decide`].
    pub fn conclude(&self) -> ProbabilityColumn {
        let (scale, decided_by) = if self.percent.count > 0 {
            (ProbabilityScale::Percent, self.percent.evidence())
        } else if self.fraction.count > 0 {
            (ProbabilityScale::Fraction, self.fraction.evidence())
        } else if self.zero_or_one {
            (ProbabilityScale::Fraction, Evidence::Convention)
        } else {
            (ProbabilityScale::Percent, Evidence::Unambiguous)
        };
        ProbabilityColumn { scale, decided_by }
    }
}

impl ProbabilityColumn {
    /// Decides from every value of a column. The rule: any value written with a `%` sign or above 1 makes the
    /// column percentages (0–100); otherwise any value strictly between 0 and 1 makes it fractions (0–1);
    /// a column whose values are all 0 or 1 is read as fractions, so 0 is 0% and 1 is 100% (a deal is lost or
    /// won far more often than it sits at 1%). Evidence row indices are 0-based positions in `values`: see
    /// [`ProbabilityColumn::with_row_numbers`]. The same as feeding every value to one
    /// [`ProbabilityDecider`].
    pub fn decide<'a>(values: impl IntoIterator<Item = &'a str>) -> ProbabilityColumn {
        let mut decider = ProbabilityDecider::default();
        decider.feed(values);
        decider.conclude()
    }

    /// The same column with the scale chosen by the user.
    pub fn with_scale(self, scale: ProbabilityScale) -> ProbabilityColumn {
        ProbabilityColumn {
            scale,
            decided_by: Evidence::User,
        }
    }

    /// The same column with its evidence naming spreadsheet rows: `row_of` maps a 0-based position in the
    /// values given to `decide` to the row number sentences and reasons print.
    pub fn with_row_numbers(mut self, row_of: impl Fn(usize) -> u64) -> ProbabilityColumn {
        self.decided_by.renumber(row_of);
        self
    }

    /// One sentence for the import report, e.g. "'Probability (%)' is read as percentages (0–100): row 2
    /// holds '75'".
    pub fn sentence(&self, column: &str) -> String {
        let label = self.scale.label();
        match &self.decided_by {
            Evidence::Convention => {
                format!("'{column}' is read as {label}: every value is 0 or 1, read as 0% and 100%")
            }
            Evidence::Unambiguous => {
                format!("'{column}' holds no probabilities, so no scale was needed")
            }
            evidence => format!("'{column}' is read as {label}{}", evidence.stated()),
        }
    }

    /// Reads one cell as a probability from 0.0 to 1.0: `Ok(None)` when blank. A `%` sign always means
    /// percent, whatever the column's scale.
    pub fn parse(&self, value: &str) -> Result<Option<f64>, ValueError> {
        let text = value.trim();
        if is_blank(text) {
            return Ok(None);
        }
        let Some((number, percent_sign)) = read_probability(text) else {
            return Err(ValueError::new(format!(
                "cannot read {} as a probability: write a number like 0.25, 25 or 25%",
                quoted(text)
            )));
        };
        let probability = if percent_sign || self.scale == ProbabilityScale::Percent {
            number / 100.0
        } else {
            number
        };
        if (0.0..=1.0).contains(&probability) {
            return Ok(Some(probability.abs())); // `-0` reads as 0, not -0.0
        }
        let column = if percent_sign {
            String::new()
        } else {
            format!(
                "this column is read as {}{}, and ",
                self.scale.label(),
                self.decided_by.because()
            )
        };
        Err(ValueError::new(format!(
            "cannot read {} as a probability: {column}a probability runs from 0% to 100%",
            quoted(text)
        )))
    }
}

/// `25`, `0.25`, `12,5 %`, `-5`: the number and whether it had a `%` sign.
fn read_probability(text: &str) -> Option<(f64, bool)> {
    let (number, percent_sign) = match text.strip_suffix('%') {
        Some(number) => (number.trim_end(), true),
        None => (text, false),
    };
    match number.strip_prefix(['-', '−']) {
        Some(digits) => Some((-unsigned_decimal(digits.trim_start())?, percent_sign)),
        None => Some((unsigned_decimal(number)?, percent_sign)),
    }
}

/// Words read as yes and as no, lowercase.
#[rustfmt::skip]
const TRUE_WORDS: &[&str] = &[
    "1", "true", "t", "yes", "y", "sí", "si", "sim", "oui", "ja", "x", "✓", "✔", "done", "checked", "on",
    "verdadero", "vrai", "wahr",
];
#[rustfmt::skip]
const FALSE_WORDS: &[&str] = &[
    "0", "false", "f", "no", "n", "não", "nao", "non", "nein", "to do", "todo", "to-do", "unchecked", "off",
    "falso", "faux", "falsch",
];

/// Reads a yes/no cell: `1/0`, `true/false`, `t/f`, `yes/no`, `y/n`, `sí/si/no`, `sim/não`, `oui/non`,
/// `ja/nein`, `x` (a ticked box), `Done`/`To do` (Pipedrive activities), `checked/unchecked`, `on/off`, in
/// any case. Blank is `Ok(None)`, not `false`: whether an empty checkbox means "no" is the caller's call.
pub fn parse_bool(value: &str) -> Result<Option<bool>, ValueError> {
    let text = value.trim();
    if is_blank(text) {
        return Ok(None);
    }
    let lower = text.to_lowercase();
    if TRUE_WORDS.contains(&lower.as_str()) {
        Ok(Some(true))
    } else if FALSE_WORDS.contains(&lower.as_str()) {
        Ok(Some(false))
    } else {
        Err(ValueError::new(format!(
            "cannot read {} as yes or no: write 1/0, true/false, yes/no, y/n, sí/no, oui/non, ja/nein, x for yes, \
             done/to do or checked/unchecked",
            quoted(text)
        )))
    }
}

/// Whether an id survived Excel. Ids are always kept as text; a damaged one cannot be matched to its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdCheck {
    Ok,
    /// Excel read the id as a number and lost digits. `shown` is the value as it now reads; `reason` says so
    /// as a plain sentence.
    ExcelDamaged {
        shown: String,
        reason: String,
    },
}

/// Flags ids Excel damaged by reading them as numbers:
/// - scientific notation as Excel shows it, with a signed exponent: `1.89E+11`, `1,89E+11`, `2E+15`;
/// - digit strings longer than 15 digits (not starting with 0, which Excel would have dropped) whose digits
///   after the 15th are all zeros: Excel keeps 15 significant digits and writes zeros for the rest. A real
///   16-digit id ending in 0 is flagged too (one in ten of them): the caller can say "may be damaged".
pub fn check_id(value: &str) -> IdCheck {
    let text = value.trim();
    let reason = if scientific(text) {
        "Excel showed a long number in scientific notation, so its last digits are lost"
    } else if text.len() > 15
        && !text.starts_with('0')
        && text.bytes().all(|b| b.is_ascii_digit())
        && text.bytes().skip(15).all(|b| b == b'0')
    {
        "Excel keeps 15 significant digits of a number and writes zeros for the rest, so its last digits may be lost"
    } else {
        return IdCheck::Ok;
    };
    IdCheck::ExcelDamaged {
        shown: shown(text),
        reason: format!(
            "the id {} was damaged by Excel: {reason}; export the file again without opening it in Excel, or \
             format the id column as text",
            quoted(text)
        ),
    }
}

/// `1.89E+11`, `1,89e-3`, `2E+15`.
fn scientific(text: &str) -> bool {
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return false;
    };
    let mantissa_ok = match mantissa.split_once(['.', ',']) {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(mantissa),
    };
    mantissa_ok && exponent.strip_prefix(['+', '-']).is_some_and(digits)
}

/// Reads a plain number (durations in seconds, milliseconds or minutes, counts) with `decimal` as its decimal
/// mark: `3600`, `-12`, `1,234.5` (dot) or `1.234,5` (comma); thousands separators as for amounts. Blank is
/// `Ok(None)`.
pub fn parse_number(value: &str, decimal: DecimalMark) -> Result<Option<f64>, ValueError> {
    let text = value.trim();
    if is_blank(text) {
        return Ok(None);
    }
    let (negative, core) = match text.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let error = |reason: &str| {
        ValueError::new(format!(
            "cannot read {} as a number: {reason}",
            quoted(text)
        ))
    };
    let (whole, fraction) = split_number(core, decimal).map_err(|problem| match problem {
        NumberProblem::Malformed(_) => error(match decimal {
            DecimalMark::Dot => "write it like 1234, -12 or 1,234.5",
            DecimalMark::Comma => "write it like 1234, -12 or 1.234,5",
        }),
        NumberProblem::Contradicts(written) => error(&format!(
            "it is read with {}, and this value is written with {}",
            decimal.label(),
            written.label()
        )),
    })?;
    let number: f64 = format!("{whole}.{fraction}0")
        .parse()
        .unwrap_or(f64::INFINITY);
    if !number.is_finite() {
        return Err(error("it is too large"));
    }
    Ok(Some(if negative { -number } else { number }))
}

/// Reads a clock-style duration as seconds: `H:MM` or `H:MM:SS` (`1:05:30` is 3930, `125:00` is 450000).
/// Two parts are always hours and minutes, never minutes and seconds: Dynamics and most CRMs write call and
/// meeting durations that way (`0:30` is half an hour). Minutes and seconds run 00–59. Blank is `Ok(None)`.
pub fn parse_duration_seconds(value: &str) -> Result<Option<u64>, ValueError> {
    let text = value.trim();
    if is_blank(text) {
        return Ok(None);
    }
    let error = || {
        ValueError::new(format!(
            "cannot read {} as a duration: write hours and minutes as H:MM (0:30 is half an hour) or hours, \
             minutes and seconds as H:MM:SS (1:05:30), with minutes and seconds from 00 to 59",
            quoted(text)
        ))
    };
    // `digits` ASCII digits below `below`.
    let number = |part: Option<&str>, digits: std::ops::RangeInclusive<usize>, below: u64| {
        part.filter(|part| digits.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|part| part.parse::<u64>().ok())
            .filter(|number| *number < below)
    };
    let mut parts = text.split(':');
    let hours = number(parts.next(), 1..=9, u64::MAX).ok_or_else(error)?;
    let minutes = number(parts.next(), 2..=2, 60).ok_or_else(error)?;
    let seconds = match parts.next() {
        None => 0,
        part => number(part, 2..=2, 60).ok_or_else(error)?,
    };
    if parts.next().is_some() {
        return Err(error());
    }
    Ok(Some(hours * 3600 + minutes * 60 + seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A number read, or a fragment of the error's reason.
    type Expected = Result<Option<f64>, &'static str>;

    #[rustfmt::skip]
    #[test]
    fn probability_columns_decide_their_scale() {
        use ProbabilityScale::{Fraction, Percent};
        let value = |row_index: usize, value: &str| Evidence::Value { row_index, row: row_index as u64 + 1, value: value.into() };
        let cases: &[(&[&str], ProbabilityScale, Evidence)] = &[
            (&["0.25", "0.5", "1"], Fraction, value(0, "0.25")),
            (&["", "0,5"], Fraction, value(1, "0,5")),
            (&["25", "50", "0"], Percent, value(0, "25")),
            (&["0.5", "0.25", "50%"], Percent, value(2, "50%")),
            (&["0.5", "1%"], Percent, value(1, "1%")),
            (&["0.5", "1.5"], Percent, value(1, "1.5")),
            (&["0", "1", "1", ""], Fraction, Evidence::Convention),
            (&["", "n/a", "abc", "-"], Percent, Evidence::Unambiguous),
        ];
        for (values, scale, evidence) in cases {
            let column = ProbabilityColumn::decide(values.iter().copied());
            assert_eq!((column.scale, &column.decided_by), (*scale, evidence), "{values:?}");
        }
    }

    #[test]
    fn probability_sentences() {
        let percent = ProbabilityColumn::decide(["", "75"]).with_row_numbers(|i| i as u64 + 2);
        assert_eq!(
            percent.sentence("Probability"),
            "'Probability' is read as percentages (0–100): row 3 holds '75'"
        );
        let zero_one = ProbabilityColumn::decide(["0", "1"]);
        assert_eq!(
            zero_one.sentence("Won"),
            "'Won' is read as fractions of 1 (0–1): every value is 0 or 1, read as 0% and 100%"
        );
        let chosen = zero_one.with_scale(ProbabilityScale::Percent);
        assert_eq!(
            chosen.sentence("Won"),
            "'Won' is read as percentages (0–100), as you chose"
        );
        assert_eq!(chosen.parse("1"), Ok(Some(0.01)));
        assert_eq!(
            ProbabilityColumn::decide([""]).sentence("P"),
            "'P' holds no probabilities, so no scale was needed"
        );
    }

    #[rustfmt::skip]
    #[test]
    fn probabilities_read_from_zero_to_one() {
        let percent = ProbabilityColumn::decide(["75"]);
        let fraction = ProbabilityColumn::decide(["0.75"]);
        let cases: &[(&ProbabilityColumn, &str, Expected)] = &[
            (&percent, "75", Ok(Some(0.75))),
            (&percent, "75%", Ok(Some(0.75))),
            (&percent, " 12,5 % ", Ok(Some(0.125))),
            (&percent, "0", Ok(Some(0.0))),
            (&percent, "100", Ok(Some(1.0))),
            (&percent, "", Ok(None)),
            (&percent, "-", Ok(None)),
            (&percent, "150", Err("this column is read as percentages (0–100) because row 1 holds '75', and a probability runs from 0% to 100%")),
            (&percent, "-5", Err("a probability runs from 0% to 100%")),
            (&percent, "150%", Err("cannot read '150%' as a probability: a probability runs from 0% to 100%")),
            (&percent, "high", Err("write a number like 0.25, 25 or 25%")),
            (&percent, "1e2", Err("write a number like")),
            (&fraction, "0.25", Ok(Some(0.25))),
            (&fraction, "1", Ok(Some(1.0))),
            (&fraction, "25%", Ok(Some(0.25))),
            (&fraction, "25", Err("this column is read as fractions of 1 (0–1) because row 1 holds '0.75'")),
        ];
        for (column, input, expected) in cases {
            match (expected, column.parse(input)) {
                (Ok(Some(want)), Ok(Some(got))) => assert!((want - got).abs() < 1e-12, "{input:?}: {got}"),
                (Ok(None), Ok(None)) => {}
                (Err(fragment), Err(error)) => assert!(error.reason.contains(fragment), "{input:?}: {}", error.reason),
                (_, got) => panic!("{input:?}: expected {expected:?}, got {got:?}"),
            }
        }
    }

    #[rustfmt::skip]
    #[test]
    fn booleans_in_each_language() {
        let cases: &[(&str, Option<bool>)] = &[
            ("1", Some(true)), ("0", Some(false)),
            ("true", Some(true)), ("false", Some(false)), ("TRUE", Some(true)), ("FALSE", Some(false)),
            ("t", Some(true)), ("F", Some(false)),
            ("yes", Some(true)), ("No", Some(false)), ("Y", Some(true)), ("n", Some(false)),
            ("sí", Some(true)), ("SÍ", Some(true)), ("si", Some(true)), ("no", Some(false)),
            ("sim", Some(true)), ("não", Some(false)), ("nao", Some(false)),
            ("oui", Some(true)), ("non", Some(false)),
            ("ja", Some(true)), ("nein", Some(false)),
            ("x", Some(true)), ("X", Some(true)), ("✓", Some(true)),
            ("Done", Some(true)), ("To do", Some(false)), ("todo", Some(false)),
            ("checked", Some(true)), ("unchecked", Some(false)), ("on", Some(true)), ("off", Some(false)),
            ("verdadero", Some(true)), ("falso", Some(false)), ("vrai", Some(true)), ("faux", Some(false)),
            ("wahr", Some(true)), ("falsch", Some(false)),
            ("", None), ("  ", None), ("-", None), ("N/A", None),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_bool(input), Ok(*expected), "{input:?}");
        }
        assert_eq!(
            parse_bool("maybe").unwrap_err().reason,
            "cannot read 'maybe' as yes or no: write 1/0, true/false, yes/no, y/n, sí/no, oui/non, ja/nein, x for \
             yes, done/to do or checked/unchecked"
        );
        assert!(parse_bool("2").is_err());
    }

    #[rustfmt::skip]
    #[test]
    fn ids_damaged_by_excel() {
        let cases: &[(&str, bool)] = &[
            ("1.89E+11", true), ("1,89E+11", true), ("1.89e+11", true), ("2E+15", true), (" 6.02E-05 ", true),
            ("12345678901234500000", true), ("12345678901234567000", false), ("1234567890123450", true), ("1234567890123456", false),
            ("123456789012345", false), ("000000000000000001000", false), ("0065g00000XyZ1EAAV", false),
            ("3E7", false), ("1.89E+", false), ("E+11", false), ("deal-1E+5", false), ("", false),
        ];
        for (input, damaged) in cases {
            assert_eq!(matches!(check_id(input), IdCheck::ExcelDamaged { .. }), *damaged, "{input:?}");
        }
        assert_eq!(
            check_id("1.89E+11"),
            IdCheck::ExcelDamaged {
                shown: "1.89E+11".into(),
                reason: "the id '1.89E+11' was damaged by Excel: Excel showed a long number in scientific notation, \
                         so its last digits are lost; export the file again without opening it in Excel, or format \
                         the id column as text".into(),
            }
        );
    }

    #[rustfmt::skip]
    #[test]
    fn plain_numbers() {
        use DecimalMark::{Comma, Dot};
        let cases: &[(&str, DecimalMark, Expected)] = &[
            ("3600", Dot, Ok(Some(3600.0))),
            ("1,234.5", Dot, Ok(Some(1234.5))),
            ("1.234,5", Comma, Ok(Some(1234.5))),
            ("1,5", Comma, Ok(Some(1.5))),
            ("1,234", Dot, Ok(Some(1234.0))),
            ("1,234", Comma, Ok(Some(1.234))),
            ("-12", Dot, Ok(Some(-12.0))),
            ("+12", Dot, Ok(Some(12.0))),
            ("12 345", Dot, Ok(Some(12345.0))),
            ("0.001", Dot, Ok(Some(0.001))),
            ("", Dot, Ok(None)),
            ("n/a", Comma, Ok(None)),
            ("1,5", Dot, Err("it is read with a dot decimal mark (1,234.56), and this value is written with a comma decimal mark")),
            ("abc", Dot, Err("cannot read 'abc' as a number: write it like 1234, -12 or 1,234.5")),
            ("1e5", Comma, Err("write it like 1234, -12 or 1.234,5")),
            ("12s", Dot, Err("write it like")),
            ("--1", Dot, Err("write it like")),
        ];
        for (input, decimal, expected) in cases {
            match (expected, parse_number(input, *decimal)) {
                (Ok(Some(want)), Ok(Some(got))) => assert!((want - got).abs() < 1e-9, "{input:?}: {got}"),
                (Ok(None), Ok(None)) => {}
                (Err(fragment), Err(error)) => assert!(error.reason.contains(fragment), "{input:?}: {}", error.reason),
                (_, got) => panic!("{input:?}: expected {expected:?}, got {got:?}"),
            }
        }
        assert!(parse_number(&"9".repeat(400), Dot).unwrap_err().reason.contains("too large"));
    }

    #[rustfmt::skip]
    #[test]
    fn durations() {
        let cases: &[(&str, Result<Option<u64>, ()>)] = &[
            ("1:05:30", Ok(Some(3930))), ("0:30", Ok(Some(1800))), ("12:05", Ok(Some(43_500))),
            ("125:00", Ok(Some(450_000))), ("0:00:05", Ok(Some(5))), (" 2:00 ", Ok(Some(7200))),
            ("", Ok(None)), ("-", Ok(None)),
            ("0:60", Err(())), ("1:5", Err(())), ("1:05:5", Err(())), ("1:00:60", Err(())), ("1:00:00:00", Err(())),
            (":30", Err(())), ("1:", Err(())), ("abc", Err(())), ("90", Err(())), ("-1:00", Err(())), ("1: 05", Err(())),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_duration_seconds(input).map_err(|_| ()), *expected, "{input:?}");
        }
        assert!(parse_duration_seconds("0:60").unwrap_err().reason.contains("H:MM (0:30 is half an hour)"));
    }
}
