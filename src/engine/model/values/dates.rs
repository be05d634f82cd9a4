//! Dates: owns [`DateColumn`], the per-column decision on how a column's date text reads (day/month order,
//! Excel serial numbers, two-digit years), and [`ParsedDate`], what one cell reads as.
//!
//! Forms read (case-insensitive, surrounding whitespace trimmed):
//! - ISO: `2026-03-31`, `2026/03/31`, `2026.03.31`, optionally followed (after `T` or spaces) by a time.
//! - Numbers with `/`, `.` or `-`: `31/03/2026`, `3/31/26`, `31.03.2026`, `31-03-2026`; the column's
//!   [`DateOrder`] says which number is the day. Two-digit years: 00–69 are 2000–2069, 70–99 are 1970–1999.
//! - Month names, English and the short and long names in Spanish, Portuguese, French and German:
//!   `31 Mar 2026`, `Mar 31, 2026`, `31-Mar-26`, `March 31st, 2026`, `31 de marzo de 2026`, `1er févr. 2026`;
//!   a leading English weekday (`Tue, …`) is skipped.
//! - A time after any of these: `14:05`, `14:05:09`, `14:05:09.123456`, `2:05 PM`, then optionally a zone:
//!   `Z`, `UTC`, `GMT`, `+05:30`, `-0500`, `+05`.
//! - Excel serial numbers (1900 system), only in a column decided to hold them.
//!
//! A date with a time is a [`ParsedDate::DateTime`] even at midnight (Salesforce writes `2023-05-11 00:00:00`
//! for dates): the caller decides what midnight means.

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use serde::{Deserialize, Serialize};

use super::{
    Evidence, Tally, ValueError, choose, count, is_blank, quoted, take_digits, unsigned_decimal,
};

/// Which of the two numbers of `04/03/2026` is the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateOrder {
    /// `D/M/Y`: 04/03/2026 is 4 March.
    DayFirst,
    /// `M/D/Y`: 04/03/2026 is 3 April.
    MonthFirst,
}

impl DateOrder {
    fn label(self) -> &'static str {
        match self {
            DateOrder::DayFirst => "day-first (D/M/Y)",
            DateOrder::MonthFirst => "month-first (M/D/Y)",
        }
    }
}

/// How a column's dates read: decided from all its values by [`DateColumn::decide`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateColumn {
    pub order: DateOrder,
    pub order_decided_by: Evidence,
    /// Values whose first number is 13–31 and second 1–12: they can only be day-first.
    pub day_first_values: usize,
    /// Values whose first number is 1–12 and second 13–31: they can only be month-first.
    pub month_first_values: usize,
    /// Bare numbers are Excel serial dates (1900 system). Decided when more than half of the non-blank values
    /// are numbers from 10000 to 80000 (1927-05-18 to 2119-01-10); a bare number in any other column is an
    /// error, never a date.
    pub excel_serials: bool,
    /// Some value writes its year with two digits (read 00–69 as 2000–2069, 70–99 as 1970–1999).
    pub two_digit_years: bool,
}

/// One cell read as a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParsedDate {
    Date(NaiveDate),
    /// A date and time with no zone given (midnight included).
    DateTime(NaiveDateTime),
    /// A date and time with a `Z` or an offset.
    Zoned(DateTime<FixedOffset>),
}

impl ParsedDate {
    /// The calendar date, as written (a zoned value's date in its own offset).
    pub fn date(&self) -> NaiveDate {
        match self {
            ParsedDate::Date(date) => *date,
            ParsedDate::DateTime(at) => at.date(),
            ParsedDate::Zoned(at) => at.date_naive(),
        }
    }
}

/// Bare numbers in this range count towards deciding a column holds Excel serial dates.
const SERIAL_DECIDING: std::ops::RangeInclusive<f64> = 10_000.0..=80_000.0;

/// A date column's decision in the making: its values are fed a slice at a time ([`DateDecider::feed`], in
/// column order) and [`DateDecider::conclude`] gives the same [`DateColumn`] as [`DateColumn::decide`] over
/// all of them, so a million-row column is decided in many small steps.
#[derive(Debug, Clone, Default)]
pub struct DateDecider {
    day_first: Tally,
    month_first: Tally,
    /// A value whose day and month could be swapped and that proves neither order.
    ambiguous: bool,
    two_digit_years: bool,
    non_blank: usize,
    /// Bare numbers in [`SERIAL_DECIDING`].
    serials: usize,
    /// Values fed so far: the next value's 0-based row index.
    fed: usize,
}

impl DateDecider {
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
            if is_blank(text) {
                continue;
            }
            self.non_blank += 1;
            with_lowercase(text, |lower| match shape(lower) {
                Some(Shape::Number(serial)) => {
                    self.serials += usize::from(SERIAL_DECIDING.contains(&serial))
                }
                Some(Shape::Known { two_digit_year, .. }) => self.two_digit_years |= two_digit_year,
                Some(Shape::DayMonth {
                    first,
                    second,
                    two_digit_year,
                    ..
                }) => {
                    self.two_digit_years |= two_digit_year;
                    if proves_day_first(first, second) {
                        self.day_first.add(row_index, text);
                    } else if proves_day_first(second, first) {
                        self.month_first.add(row_index, text);
                    } else if first != second && first <= 12 && second <= 12 {
                        self.ambiguous = true;
                    }
                }
                None => {}
            });
        }
    }

    /// The decision from every value fed; `convention` as for [`DateColumn::decide`].
    pub fn conclude(&self, convention: DateOrder) -> DateColumn {
        let (order, order_decided_by) = choose(
            [
                (DateOrder::DayFirst, &self.day_first),
                (DateOrder::MonthFirst, &self.month_first),
            ],
            convention,
            self.ambiguous,
        );
        DateColumn {
            order,
            order_decided_by,
            day_first_values: self.day_first.count,
            month_first_values: self.month_first.count,
            excel_serials: self.serials * 2 > self.non_blank,
            two_digit_years: self.two_digit_years,
        }
    }
}

impl DateColumn {
    /// Decides from every value of a column; `convention` is the order used when no value decides it (and
    /// on a tie between day-first and month-first proofs). The order more values prove wins; the values
    /// proving the other order then read as errors that name the deciding row. Evidence row indices are
    /// 0-based positions in `values`: see [`DateColumn::with_row_numbers`]. The same as feeding every
    /// value to one [`DateDecider`].
    pub fn decide<'a>(
        values: impl IntoIterator<Item = &'a str>,
        convention: DateOrder,
    ) -> DateColumn {
        let mut decider = DateDecider::default();
        decider.feed(values);
        decider.conclude(convention)
    }

    /// The same column with the order chosen by the user.
    pub fn with_order(self, order: DateOrder) -> DateColumn {
        DateColumn {
            order,
            order_decided_by: Evidence::User,
            ..self
        }
    }

    /// The same column read in the order another column of its file proved (`evidence` names it); only a
    /// column nothing decided should take it.
    pub fn with_order_of_sibling(self, order: DateOrder, evidence: Evidence) -> DateColumn {
        DateColumn {
            order,
            order_decided_by: evidence,
            ..self
        }
    }

    /// The same column with bare numbers read (or not) as Excel serial dates, as the user chose.
    pub fn with_excel_serials(self, excel_serials: bool) -> DateColumn {
        DateColumn {
            excel_serials,
            ..self
        }
    }

    /// The same column with its evidence naming spreadsheet rows: `row_of` maps a 0-based position in the
    /// values given to `decide` to the row number sentences and reasons print.
    pub fn with_row_numbers(mut self, row_of: impl Fn(usize) -> u64) -> DateColumn {
        self.order_decided_by.renumber(row_of);
        self
    }

    /// One sentence for the import report, e.g. "'Close Date' is read as day-first (D/M/Y): row 12 holds
    /// '25/01/2024'".
    pub fn sentence(&self, column: &str) -> String {
        let serials = "Excel serial dates (1900 system: 46112 is 2026-03-31)";
        let mut sentence = match (&self.order_decided_by, self.excel_serials) {
            (Evidence::Unambiguous, true) => format!("'{column}' holds {serials}"),
            (Evidence::Unambiguous, false) => {
                format!(
                    "'{column}' needs no day/month order: no value's day and month could be swapped"
                )
            }
            (evidence, _) => {
                let mut s = format!(
                    "'{column}' is read as {}{}",
                    self.order.label(),
                    evidence.stated()
                );
                if self.excel_serials {
                    s.push_str(&format!("; its bare numbers are {serials}"));
                }
                s
            }
        };
        let (contradicting, other) = match self.order {
            DateOrder::DayFirst => (self.month_first_values, DateOrder::MonthFirst),
            DateOrder::MonthFirst => (self.day_first_values, DateOrder::DayFirst),
        };
        if contradicting > 0 {
            let verb = if contradicting == 1 {
                "contradicts"
            } else {
                "contradict"
            };
            sentence.push_str(&format!(
                "; {} written {} {verb} it and cannot be read",
                count(contradicting, "value"),
                other.label()
            ));
        }
        if self.two_digit_years {
            sentence
                .push_str("; two-digit years 00–69 are read as 2000–2069 and 70–99 as 1970–1999");
        }
        sentence
    }

    /// Reads one cell: `Ok(None)` when blank.
    pub fn parse(&self, value: &str) -> Result<Option<ParsedDate>, ValueError> {
        let text = value.trim();
        if is_blank(text) {
            return Ok(None);
        }
        with_lowercase(text, |lower| self.parse_lowercase(text, lower))
    }

    /// Reads one trimmed, non-blank cell, given its lowercase form.
    fn parse_lowercase(&self, text: &str, lower: &str) -> Result<Option<ParsedDate>, ValueError> {
        let (date, time) = match shape(lower) {
            None => return Err(unreadable(text)),
            Some(Shape::Number(serial)) if self.excel_serials => {
                return from_serial(serial, text).map(Some);
            }
            Some(Shape::Number(_)) => {
                return Err(ValueError::new(format!(
                    "cannot read {} as a date: a bare number is read as an Excel serial date only in a column \
                     where most values are (10000 to 80000); write dates like 2026-03-31 or 31 Mar 2026",
                    quoted(text)
                )));
            }
            Some(Shape::Known {
                year,
                month,
                day,
                time,
                ..
            }) => (calendar_date(year, month, day, text)?, time),
            Some(Shape::DayMonth {
                first,
                second,
                year,
                time,
                ..
            }) => {
                let (day, month) = match self.order {
                    DateOrder::DayFirst => (first, second),
                    DateOrder::MonthFirst => (second, first),
                };
                if !(1..=12).contains(&month) {
                    return Err(ValueError::new(format!(
                        "cannot read {} as a date in this column: it is read as {}{}, and {month} is not a month",
                        quoted(text),
                        self.order.label(),
                        self.order_decided_by.because()
                    )));
                }
                (calendar_date(year, month, day, text)?, time)
            }
        };
        with_time(date, time, text).map(Some)
    }
}

fn proves_day_first(first: u32, second: u32) -> bool {
    (13..=31).contains(&first) && (1..=12).contains(&second)
}

/// A value's date before the column's decision is applied; `time` is the text after the date.
enum Shape<'a> {
    /// A bare number: an Excel serial date if the column holds them.
    Number(f64),
    /// Year, month and day in a known order (ISO, or a month name). Not yet checked against the calendar.
    Known {
        year: i32,
        month: u32,
        day: u32,
        two_digit_year: bool,
        time: &'a str,
    },
    /// `first/second/year`: which of `first` and `second` is the day is the column's decision.
    DayMonth {
        first: u32,
        second: u32,
        year: i32,
        two_digit_year: bool,
        time: &'a str,
    },
}

/// Longest text lowercased on the stack: longer dates (rare) are lowercased into a new string.
const MAX_STACK_LOWERCASE_BYTES: usize = 64;

/// Calls `f` with `text` lowercased: ASCII text up to [`MAX_STACK_LOWERCASE_BYTES`] (nearly every date) is
/// lowercased in a buffer on the stack, anything else by [`str::to_lowercase`]; the same text either way.
fn with_lowercase<R>(text: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buffer = [0u8; MAX_STACK_LOWERCASE_BYTES];
    if text.is_ascii()
        && let Some(bytes) = buffer.get_mut(..text.len())
    {
        bytes.copy_from_slice(text.as_bytes());
        bytes.make_ascii_lowercase();
        if let Ok(lower) = std::str::from_utf8(bytes) {
            return f(lower);
        }
    }
    f(&text.to_lowercase())
}

/// Reads the shape of lowercased, trimmed text; `None` when it looks like no date.
fn shape(lower: &str) -> Option<Shape<'_>> {
    if let Some(serial) = unsigned_decimal(lower) {
        return Some(Shape::Number(serial));
    }
    iso(lower)
        .or_else(|| day_month(lower))
        .or_else(|| named(lower))
}

/// What may follow a date: nothing, or a time after spaces, a comma or `T`.
fn time_follows(rest: &str) -> bool {
    rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace() || c == ',' || c == 't')
}

/// `2026-03-31`, `2026/3/31`, `2026.03.31`.
fn iso(lower: &str) -> Option<Shape<'_>> {
    let (year, rest) = take_digits(lower, 4, 4)?;
    let separator = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '-' | '/' | '.'))?;
    let (month, rest) = take_digits(rest.get(1..)?, 1, 2)?;
    let (day, time) = take_digits(rest.strip_prefix(separator)?, 1, 2)?;
    time_follows(time).then_some(Shape::Known {
        year: year as i32,
        month,
        day,
        two_digit_year: false,
        time,
    })
}

/// `31/03/2026`, `3/31/26`, `31.03.2026`, `31-03-2026`.
fn day_month(lower: &str) -> Option<Shape<'_>> {
    let (first, rest) = take_digits(lower, 1, 2)?;
    let separator = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '/' | '.' | '-'))?;
    let (second, rest) = take_digits(rest.get(1..)?, 1, 2)?;
    let (year, two_digit_year, time) = year(rest.strip_prefix(separator)?)?;
    time_follows(time).then_some(Shape::DayMonth {
        first,
        second,
        year,
        two_digit_year,
        time,
    })
}

/// A two- or four-digit year, whether it had two digits, and the text after it.
fn year(text: &str) -> Option<(i32, bool, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (year, rest) = take_digits(text, 2, 4)?;
    match digits {
        2 if year < 70 => Some((2000 + year as i32, true, rest)),
        2 => Some((1900 + year as i32, true, rest)),
        4 => Some((year as i32, false, rest)),
        _ => None,
    }
}

/// Month names, lowercase, without a trailing dot.
#[rustfmt::skip]
const MONTHS: &[(&str, u32)] = &[
    // English
    ("jan", 1), ("january", 1), ("feb", 2), ("february", 2), ("mar", 3), ("march", 3), ("apr", 4),
    ("april", 4), ("may", 5), ("jun", 6), ("june", 6), ("jul", 7), ("july", 7), ("aug", 8), ("august", 8),
    ("sep", 9), ("sept", 9), ("september", 9), ("oct", 10), ("october", 10), ("nov", 11), ("november", 11),
    ("dec", 12), ("december", 12),
    // Spanish
    ("ene", 1), ("enero", 1), ("febrero", 2), ("marzo", 3), ("abr", 4), ("abril", 4), ("mayo", 5),
    ("junio", 6), ("julio", 7), ("ago", 8), ("agosto", 8), ("set", 9), ("septiembre", 9), ("setiembre", 9),
    ("octubre", 10), ("noviembre", 11), ("dic", 12), ("diciembre", 12),
    // Portuguese
    ("janeiro", 1), ("fev", 2), ("fevereiro", 2), ("março", 3), ("marco", 3), ("mai", 5), ("maio", 5),
    ("junho", 6), ("julho", 7), ("setembro", 9), ("out", 10), ("outubro", 10), ("novembro", 11), ("dez", 12),
    ("dezembro", 12),
    // French
    ("janv", 1), ("janvier", 1), ("fév", 2), ("févr", 2), ("février", 2), ("mars", 3), ("avr", 4),
    ("avril", 4), ("juin", 6), ("juil", 7), ("juillet", 7), ("août", 8), ("aout", 8), ("septembre", 9),
    ("octobre", 10), ("novembre", 11), ("déc", 12), ("décembre", 12),
    // German
    ("januar", 1), ("jän", 1), ("februar", 2), ("mär", 3), ("mrz", 3), ("märz", 3), ("juni", 6),
    ("juli", 7), ("okt", 10), ("oktober", 10), ("dezember", 12),
];

/// Words skipped in month-name dates: English weekdays and the "de"/"of" of "31 de marzo de 2026".
#[rustfmt::skip]
const FILLER: &[&str] = &[
    "de", "of", "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs",
    "thursday", "fri", "friday", "sat", "saturday", "sun", "sunday",
];

fn month_number(word: &str) -> Option<u32> {
    MONTHS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|(_, month)| *month)
}

/// `31 Mar 2026`, `Mar 31, 2026`, `31-Mar-26`, `2026-Mar-31`, `March 31st, 2026 2:05 PM`.
fn named(lower: &str) -> Option<Shape<'_>> {
    // The time starts at the word holding the first colon.
    let (date_part, time) = match lower.find(':') {
        Some(colon) => {
            let start = lower.get(..colon)?.rfind(char::is_whitespace)?;
            (lower.get(..start)?, lower.get(start..)?)
        }
        None => (lower, ""),
    };
    let mut words = date_part
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '-' | '/' | '.'))
        .filter(|word| !word.is_empty() && !FILLER.contains(word));
    let words = [
        words.next()?,
        words.next()?,
        words.next()?,
        words.next().unwrap_or_default(),
    ];
    let [a, b, c, ""] = words else { return None };
    let (month, day, year_word) = match (month_number(a), month_number(b)) {
        (Some(month), _) => (month, b, c),
        (None, Some(month)) if a.len() == 4 => (month, c, a),
        (None, Some(month)) => (month, a, c),
        (None, None) => return None,
    };
    let day_digits = ["st", "nd", "rd", "th", "er"]
        .iter()
        .find_map(|suffix| day_word_strip(day, suffix))
        .unwrap_or(day);
    let (day, rest) = take_digits(day_digits, 1, 2)?;
    let (year, two_digit_year, after_year) = year(year_word)?;
    (rest.is_empty() && after_year.is_empty()).then_some(Shape::Known {
        year,
        month,
        day,
        two_digit_year,
        time,
    })
}

fn day_word_strip<'a>(word: &'a str, suffix: &str) -> Option<&'a str> {
    word.strip_suffix(suffix)
        .filter(|digits| !digits.is_empty())
}

/// The months' names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The date, or why the calendar has no such day.
fn calendar_date(year: i32, month: u32, day: u32, text: &str) -> Result<NaiveDate, ValueError> {
    let why = |reason: String| {
        ValueError::new(format!("cannot read {} as a date: {reason}", quoted(text)))
    };
    if !(1..=12).contains(&month) {
        return Err(why(format!("{month} is not a month (months run 1–12)")));
    }
    let days = match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    };
    if day == 0 || day > days {
        let name = MONTH_NAMES.get(month as usize - 1).unwrap_or(&"that month");
        return Err(why(format!("{name} {year} has {days} days")));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| why("the year is out of range".into()))
}

fn unreadable(text: &str) -> ValueError {
    ValueError::new(format!(
        "cannot read {} as a date: write it like 2026-03-31, 31/03/2026, 03/31/2026 or 31 Mar 2026, \
         optionally followed by a time like 14:05 or 2:05 PM",
        quoted(text)
    ))
}

/// Excel's 1900 date system: day 1 is 1900-01-01 and day 60 is 1900-02-29, a day that never existed (Excel
/// keeps Lotus 1-2-3's leap-year bug), so from day 61 on a serial counts days since 1899-12-30. The fraction
/// is the time of day, rounded to the second.
fn from_serial(serial: f64, text: &str) -> Result<ParsedDate, ValueError> {
    let why = |reason: &str| {
        ValueError::new(format!(
            "cannot read {} as an Excel serial date: {reason}",
            quoted(text)
        ))
    };
    if !(1.0..2_958_466.0).contains(&serial) {
        return Err(why(
            "Excel serial dates run from 1 (1900-01-01) to 2958465 (9999-12-31)",
        ));
    }
    let day = serial.trunc() as u64;
    let epoch = match day {
        60 => {
            return Err(why(
                "day 60 is Excel's 29 February 1900, a day that did not exist",
            ));
        }
        0..60 => NaiveDate::from_ymd_opt(1899, 12, 31),
        _ => NaiveDate::from_ymd_opt(1899, 12, 30),
    };
    let date = epoch
        .and_then(|epoch| epoch.checked_add_days(Days::new(day)))
        .ok_or_else(|| why("it is out of range"))?;
    let seconds = ((serial - serial.trunc()) * 86_400.0).round() as i64;
    if seconds == 0 {
        return Ok(ParsedDate::Date(date));
    }
    date.and_time(NaiveTime::MIN)
        .checked_add_signed(TimeDelta::seconds(seconds))
        .map(ParsedDate::DateTime)
        .ok_or_else(|| why("it is out of range"))
}

/// The date with the time written after it, if any.
fn with_time(date: NaiveDate, time: &str, text: &str) -> Result<ParsedDate, ValueError> {
    let time = time.trim_start();
    let time = time.strip_prefix(',').unwrap_or(time).trim_start();
    let time = time.strip_prefix('t').unwrap_or(time);
    if time.is_empty() {
        return Ok(ParsedDate::Date(date));
    }
    let (clock, offset) = read_time(time).map_err(|reason| {
        ValueError::new(format!(
            "cannot read {} as a date and time: {reason}",
            quoted(text)
        ))
    })?;
    let at = date.and_time(clock);
    match offset {
        None => Ok(ParsedDate::DateTime(at)),
        Some(offset) => at
            .and_local_timezone(offset)
            .single()
            .map(ParsedDate::Zoned)
            .ok_or_else(|| {
                ValueError::new(format!(
                    "cannot read {} as a date and time: it is out of range",
                    quoted(text)
                ))
            }),
    }
}

const TIME_FORMS: &str = "the time must look like 14:05, 14:05:09, 2:05 PM or 14:05:09+05:30";

/// `14:05`, `14:05:09.123`, `2:05 pm`, then an optional zone.
fn read_time(time: &str) -> Result<(NaiveTime, Option<FixedOffset>), &'static str> {
    let (mut hour, rest) = take_digits(time, 1, 2).ok_or(TIME_FORMS)?;
    let (minute, mut rest) =
        take_digits(rest.strip_prefix(':').ok_or(TIME_FORMS)?, 2, 2).ok_or(TIME_FORMS)?;
    let (mut second, mut nano) = (0, 0);
    if let Some(after) = rest.strip_prefix(':') {
        (second, rest) = take_digits(after, 2, 2).ok_or(TIME_FORMS)?;
        if let Some(fraction) = rest.strip_prefix(['.', ',']) {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            let kept = fraction
                .get(..digits.min(9))
                .filter(|kept| !kept.is_empty())
                .ok_or(TIME_FORMS)?;
            nano = kept.parse::<u32>().unwrap_or(0) * 10u32.pow(9 - kept.len() as u32);
            rest = fraction.get(digits..).unwrap_or_default();
        }
    }
    let mut rest = rest.trim_start();
    for (marker, pm) in [("a.m.", false), ("am", false), ("p.m.", true), ("pm", true)] {
        if let Some(after) = rest.strip_prefix(marker) {
            if !(1..=12).contains(&hour) {
                return Err("with AM or PM the hour must be 1–12");
            }
            hour = hour % 12 + if pm { 12 } else { 0 };
            rest = after.trim_start();
            break;
        }
    }
    let offset = read_offset(rest)?;
    let clock = NaiveTime::from_hms_nano_opt(hour, minute, second, nano)
        .ok_or("hours run 0–23 (1–12 with AM or PM), minutes and seconds 0–59")?;
    Ok((clock, offset))
}

/// Exactly two leading digits as a number, whatever follows them.
fn two_digits(text: &str) -> Option<(u32, &str)> {
    Some((take_digits(text.get(..2)?, 2, 2)?.0, text.get(2..)?))
}

/// Nothing, `z`, `utc`, `gmt`, `+05:30`, `-0500`, `+05`.
fn read_offset(zone: &str) -> Result<Option<FixedOffset>, &'static str> {
    const ZONE_FORMS: &str = "a time zone must look like Z, +05:30, -0500 or +05";
    if zone.is_empty() {
        return Ok(None);
    }
    if matches!(zone, "z" | "utc" | "gmt") {
        return Ok(FixedOffset::east_opt(0));
    }
    let (sign, rest) = match zone.strip_prefix('+') {
        Some(rest) => (1, rest),
        None => (-1, zone.strip_prefix(['-', '−']).ok_or(ZONE_FORMS)?),
    };
    let (hours, rest) = two_digits(rest).ok_or(ZONE_FORMS)?;
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let (minutes, rest) = if rest.is_empty() {
        (0, rest)
    } else {
        two_digits(rest).ok_or(ZONE_FORMS)?
    };
    if !rest.is_empty() || hours > 23 || minutes > 59 {
        return Err(ZONE_FORMS);
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60) as i32)
        .map(Some)
        .ok_or(ZONE_FORMS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DateOrder::{DayFirst, MonthFirst};

    fn date(y: i32, m: u32, d: u32) -> ParsedDate {
        ParsedDate::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn at(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32, nano: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_nano_opt(h, mi, s, nano)
            .unwrap()
    }

    fn local(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> ParsedDate {
        ParsedDate::DateTime(at(y, m, d, h, mi, s, 0))
    }

    fn zoned(local: NaiveDateTime, offset_seconds: i32) -> ParsedDate {
        let offset = FixedOffset::east_opt(offset_seconds).unwrap();
        ParsedDate::Zoned(local.and_local_timezone(offset).unwrap())
    }

    /// A column whose order the user chose.
    fn column(order: DateOrder) -> DateColumn {
        DateColumn::decide([], MonthFirst).with_order(order)
    }

    /// Checks each case: `Ok(…)` must match exactly; `Err(fragment)` must be an error whose reason holds it.
    fn check(column: &DateColumn, cases: &[(&str, Result<Option<ParsedDate>, &str>)]) {
        for (input, expected) in cases {
            let got = column.parse(input);
            match (expected, &got) {
                (Ok(want), Ok(got)) => assert_eq!(got, want, "{input:?}"),
                (Err(fragment), Err(error)) => {
                    assert!(
                        error.reason.contains(fragment),
                        "{input:?}: {:?} lacks {fragment:?}",
                        error.reason
                    )
                }
                _ => panic!("{input:?}: expected {expected:?}, got {got:?}"),
            }
        }
    }

    #[rustfmt::skip]
    #[test]
    fn reads_every_form_in_a_month_first_column() {
        check(&column(MonthFirst), &[
            ("2026-03-31", Ok(Some(date(2026, 3, 31)))),
            ("2026/03/31", Ok(Some(date(2026, 3, 31)))),
            ("2026.3.1", Ok(Some(date(2026, 3, 1)))),
            ("  2026-03-31\t", Ok(Some(date(2026, 3, 31)))),
            ("2026-03-31 14:05", Ok(Some(local(2026, 3, 31, 14, 5, 0)))),
            ("2026-03-31 14:05:09", Ok(Some(local(2026, 3, 31, 14, 5, 9)))),
            ("2026-03-31T14:05:09", Ok(Some(local(2026, 3, 31, 14, 5, 9)))),
            ("2026-03-31t14:05:09.000", Ok(Some(local(2026, 3, 31, 14, 5, 9)))),
            ("2026-03-31T14:05:09.123456", Ok(Some(ParsedDate::DateTime(at(2026, 3, 31, 14, 5, 9, 123_456_000))))),
            ("2026-03-31T14:05:09.1234567891234", Ok(Some(ParsedDate::DateTime(at(2026, 3, 31, 14, 5, 9, 123_456_789))))),
            ("2026-03-31T14:05:09Z", Ok(Some(zoned(at(2026, 3, 31, 14, 5, 9, 0), 0)))),
            ("2026-03-31T14:05:09.5z", Ok(Some(zoned(at(2026, 3, 31, 14, 5, 9, 500_000_000), 0)))),
            ("2026-03-31T14:05:09+05:30", Ok(Some(zoned(at(2026, 3, 31, 14, 5, 9, 0), 19_800)))),
            ("2026-03-31T14:05:09-0500", Ok(Some(zoned(at(2026, 3, 31, 14, 5, 9, 0), -18_000)))),
            ("2026-03-31 14:05+05", Ok(Some(zoned(at(2026, 3, 31, 14, 5, 0, 0), 18_000)))),
            ("2026-03-31 14:05:09 UTC", Ok(Some(zoned(at(2026, 3, 31, 14, 5, 9, 0), 0)))),
            ("2023-05-11 00:00:00", Ok(Some(local(2023, 5, 11, 0, 0, 0)))),
            ("3/31/2026", Ok(Some(date(2026, 3, 31)))),
            ("03/04/2026", Ok(Some(date(2026, 3, 4)))),
            ("3/31/26", Ok(Some(date(2026, 3, 31)))),
            ("1/2/69", Ok(Some(date(2069, 1, 2)))),
            ("1/2/70", Ok(Some(date(1970, 1, 2)))),
            ("1/2/99", Ok(Some(date(1999, 1, 2)))),
            ("02/23/26 08:55 PM", Ok(Some(local(2026, 2, 23, 20, 55, 0)))),
            ("3/31/2026 2:05:09 pm", Ok(Some(local(2026, 3, 31, 14, 5, 9)))),
            ("12/01/2026 12:00 AM", Ok(Some(local(2026, 12, 1, 0, 0, 0)))),
            ("12/01/2026 12:30 p.m.", Ok(Some(local(2026, 12, 1, 12, 30, 0)))),
            ("12/01/2026 9:30am", Ok(Some(local(2026, 12, 1, 9, 30, 0)))),
            ("31 Mar 2026", Ok(Some(date(2026, 3, 31)))),
            ("Mar 31, 2026", Ok(Some(date(2026, 3, 31)))),
            ("31-Mar-2026", Ok(Some(date(2026, 3, 31)))),
            ("31-MAR-26", Ok(Some(date(2026, 3, 31)))),
            ("2026-Mar-31", Ok(Some(date(2026, 3, 31)))),
            ("March 31st, 2026", Ok(Some(date(2026, 3, 31)))),
            ("Tuesday, March 31, 2026", Ok(Some(date(2026, 3, 31)))),
            ("Tue, 31 Mar 2026 14:05:09 +0000", Ok(Some(zoned(at(2026, 3, 31, 14, 5, 9, 0), 0)))),
            ("Mar 31, 2026 2:05 PM", Ok(Some(local(2026, 3, 31, 14, 5, 0)))),
            ("Sept. 3, 2026", Ok(Some(date(2026, 9, 3)))),
            ("31 de marzo de 2026", Ok(Some(date(2026, 3, 31)))),
            ("3 ene 2026", Ok(Some(date(2026, 1, 3)))),
            ("31 dic. 2026", Ok(Some(date(2026, 12, 31)))),
            ("31 out 2026", Ok(Some(date(2026, 10, 31)))),
            ("5 fev 2026", Ok(Some(date(2026, 2, 5)))),
            ("1er févr. 2026", Ok(Some(date(2026, 2, 1)))),
            ("31 mars 2026", Ok(Some(date(2026, 3, 31)))),
            ("15 août 2026", Ok(Some(date(2026, 8, 15)))),
            ("31. März 2026", Ok(Some(date(2026, 3, 31)))),
            ("31. MÄRZ 2026", Ok(Some(date(2026, 3, 31)))),
            // Longer than the stack buffer for lowercasing: read the same.
            ("2026-03-31T14:05:09.12345678901234567890123456789012345678901234567890Z", Ok(Some(zoned(at(2026, 3, 31, 14, 5, 9, 123_456_789), 0)))),
            ("TUESDAY,   MARCH 31ST,      2026       2:05:09.123456789123456789 PM", Ok(Some(ParsedDate::DateTime(at(2026, 3, 31, 14, 5, 9, 123_456_789))))),
            ("3. Okt. 2026", Ok(Some(date(2026, 10, 3)))),
            ("1 Dez 2026", Ok(Some(date(2026, 12, 1)))),
            ("", Ok(None)),
            ("   ", Ok(None)),
            ("-", Ok(None)),
            ("N/A", Ok(None)),
            ("2026-02-29", Err("February 2026 has 28 days")),
            ("2024-02-30", Err("February 2024 has 29 days")),
            ("2026-04-31", Err("April 2026 has 30 days")),
            ("2026-13-01", Err("13 is not a month")),
            ("2026-00-01", Err("0 is not a month")),
            ("2026-01-00", Err("January 2026 has 31 days")),
            ("31 Feb 2026", Err("February 2026 has 28 days")),
            ("13/25/2024", Err("it is read as month-first (M/D/Y), as you chose, and 13 is not a month")),
            ("46112", Err("Excel serial date only in a column")),
            ("hello", Err("write it like 2026-03-31")),
            ("31/03/202", Err("write it like")),
            ("2026-03-31x", Err("write it like")),
            ("Mar 2026", Err("write it like")),
            ("2026-03-31 25:00", Err("hours run 0–23")),
            ("2026-03-31 14:60", Err("minutes and seconds 0–59")),
            ("2026-03-31 14", Err("the time must look like")),
            ("2026-03-31 14:05 tomorrow", Err("a time zone must look like")),
            ("2026-03-31T14:05:09+25:00", Err("a time zone must look like")),
            ("1/2/2026 13:05 PM", Err("with AM or PM the hour must be 1–12")),
            ("1/2/2026 0:05 AM", Err("with AM or PM the hour must be 1–12")),
        ]);
    }

    #[rustfmt::skip]
    #[test]
    fn reads_day_first_columns() {
        check(&column(DayFirst), &[
            ("31/03/2026", Ok(Some(date(2026, 3, 31)))),
            ("31.03.2026", Ok(Some(date(2026, 3, 31)))),
            ("31-03-2026", Ok(Some(date(2026, 3, 31)))),
            ("03/04/2026", Ok(Some(date(2026, 4, 3)))),
            ("31/03/26", Ok(Some(date(2026, 3, 31)))),
            ("31-03-2026 14:05", Ok(Some(local(2026, 3, 31, 14, 5, 0)))),
            ("31.03.2026, 14:05:09", Ok(Some(local(2026, 3, 31, 14, 5, 9)))),
            ("2026-03-31", Ok(Some(date(2026, 3, 31)))),
            ("31/02/2024", Err("cannot read '31/02/2024' as a date: February 2024 has 29 days")),
            ("3/31/2026", Err("it is read as day-first (D/M/Y), as you chose, and 31 is not a month")),
            ("31/03/2026 1:00:00.x", Err("the time must look like")),
        ]);
    }

    #[test]
    fn one_value_at_row_500_decides_the_order() {
        let mut values = vec!["01/02/2024"; 1000];
        values[500] = "25/01/2024";
        let decided = DateColumn::decide(values.iter().copied(), MonthFirst);
        assert_eq!(decided.order, DayFirst);
        assert_eq!(
            decided.order_decided_by,
            Evidence::Value {
                row_index: 500,
                row: 501,
                value: "25/01/2024".into()
            }
        );
        assert_eq!(
            decided.sentence("Close Date"),
            "'Close Date' is read as day-first (D/M/Y): row 501 holds '25/01/2024'"
        );
        // The caller names spreadsheet rows: a header row, then the values.
        let decided = decided.with_row_numbers(|i| i as u64 + 2);
        assert!(
            decided
                .sentence("Close Date")
                .ends_with("row 502 holds '25/01/2024'")
        );
        assert_eq!(decided.parse("01/02/2024"), Ok(Some(date(2024, 2, 1))));
    }

    #[test]
    fn a_conflicting_column_follows_the_majority_and_names_the_deciding_row() {
        let values = ["05/06/2024", "25/01/2024", "", "26/01/2024", "01/13/2024"];
        let decided = DateColumn::decide(values, MonthFirst);
        assert_eq!(
            (
                decided.order,
                decided.day_first_values,
                decided.month_first_values
            ),
            (DayFirst, 2, 1)
        );
        assert_eq!(
            decided.sentence("Created"),
            "'Created' is read as day-first (D/M/Y): row 2 holds '25/01/2024'; 1 value written month-first \
             (M/D/Y) contradicts it and cannot be read"
        );
        assert_eq!(
            decided.parse("01/13/2024").unwrap_err().reason,
            "cannot read '01/13/2024' as a date in this column: it is read as day-first (D/M/Y) because row 2 \
             holds '25/01/2024', and 13 is not a month"
        );
        assert_eq!(decided.parse("05/06/2024"), Ok(Some(date(2024, 6, 5))));
        // A tie follows the convention, with the first value proving it.
        let tie = DateColumn::decide(["25/01/2024", "01/25/2024"], MonthFirst);
        assert_eq!(tie.order, MonthFirst);
        assert_eq!(
            tie.order_decided_by,
            Evidence::Value {
                row_index: 1,
                row: 2,
                value: "01/25/2024".into()
            }
        );
        // Reversible: the user flips it back, and the sentence says so.
        let flipped = decided.with_order(MonthFirst);
        assert_eq!(flipped.parse("01/13/2024"), Ok(Some(date(2024, 1, 13))));
        assert!(
            flipped
                .sentence("Created")
                .starts_with("'Created' is read as month-first (M/D/Y), as you chose; 2 values")
        );
        assert!(
            flipped
                .parse("25/01/2024")
                .unwrap_err()
                .reason
                .contains("as you chose, and 25 is not a month")
        );
    }

    #[test]
    fn convention_unambiguous_and_two_digit_years() {
        let by_convention =
            DateColumn::decide(["01/02/2024", "", "03/04/2024", "05/05/2024"], MonthFirst);
        assert_eq!(
            (by_convention.order, &by_convention.order_decided_by),
            (MonthFirst, &Evidence::Convention)
        );
        assert_eq!(
            by_convention.sentence("Date"),
            "'Date' is read as month-first (M/D/Y), the source's usual convention: no value decided it"
        );
        let iso = DateColumn::decide(["2026-03-31", "31 Mar 2026", "05/05/2024", "n/a"], DayFirst);
        assert_eq!(
            (iso.order, &iso.order_decided_by),
            (DayFirst, &Evidence::Unambiguous)
        );
        assert_eq!(
            iso.sentence("Date"),
            "'Date' needs no day/month order: no value's day and month could be swapped"
        );
        let short = DateColumn::decide(["3/31/26", "1/2/99"], DayFirst);
        assert!(short.two_digit_years && short.order == MonthFirst);
        assert_eq!(
            short.sentence("Due"),
            "'Due' is read as month-first (M/D/Y): row 1 holds '3/31/26'; two-digit years 00–69 are read as \
             2000–2069 and 70–99 as 1970–1999"
        );
        assert_eq!(short.parse("1/2/99"), Ok(Some(date(1999, 1, 2))));
        assert!(DateColumn::decide(["31-Mar-26"], DayFirst).two_digit_years);
        assert!(!DateColumn::decide(["31/03/2026", "2026-03-31"], DayFirst).two_digit_years);
    }

    #[rustfmt::skip]
    #[test]
    fn excel_serials_only_in_a_column_of_serials() {
        let serials = DateColumn::decide(["46112", "46113", "", "45000.5", "2026-04-01"], MonthFirst);
        assert!(serials.excel_serials);
        assert_eq!(serials.sentence("Close"), "'Close' holds Excel serial dates (1900 system: 46112 is 2026-03-31)");
        check(&serials, &[
            ("46112", Ok(Some(date(2026, 3, 31)))),
            ("46112.0", Ok(Some(date(2026, 3, 31)))),
            ("46112.5", Ok(Some(local(2026, 3, 31, 12, 0, 0)))),
            ("46112,75", Ok(Some(local(2026, 3, 31, 18, 0, 0)))),
            ("45292", Ok(Some(date(2024, 1, 1)))),
            ("1", Ok(Some(date(1900, 1, 1)))),
            ("59", Ok(Some(date(1900, 2, 28)))),
            ("60", Err("Excel's 29 February 1900, a day that did not exist")),
            ("61", Ok(Some(date(1900, 3, 1)))),
            ("2958465", Ok(Some(date(9999, 12, 31)))),
            ("2958466", Err("run from 1 (1900-01-01) to 2958465")),
            ("0", Err("run from 1")),
            ("2026-04-01", Ok(Some(date(2026, 4, 1)))),
        ]);
        let mixed = DateColumn::decide(["46112", "2026-03-31", "2026-04-01"], MonthFirst);
        assert!(!mixed.excel_serials);
        assert!(mixed.parse("46112").is_err());
        let forced = mixed.with_excel_serials(true);
        assert_eq!(forced.parse("46112"), Ok(Some(date(2026, 3, 31))));
        // Small numbers are no evidence of serials.
        assert!(!DateColumn::decide(["12", "7", "2026"], MonthFirst).excel_serials);
    }

    #[test]
    fn the_calendar_date_of_each_kind() {
        assert_eq!(
            zoned(at(2026, 3, 31, 23, 0, 0, 0), -18_000).date(),
            NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
        );
        assert_eq!(
            local(2026, 3, 31, 0, 0, 0).date(),
            NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
        );
    }
}
