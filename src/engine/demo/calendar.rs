//! The demo's calendar: days, quarters, weekends, and the times of day a US team writes to its CRM.

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Weekday};

use crate::engine::rng::Rng;

pub(super) fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(TimeDelta::days(days))
        .unwrap_or(date)
}

pub(super) fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

pub(super) fn at(date: NaiveDate, hour: u32, minute: u32, second: u32) -> NaiveDateTime {
    date.and_time(
        NaiveTime::from_hms_opt(hour.min(23), minute.min(59), second.min(59))
            .unwrap_or(NaiveTime::MIN),
    )
}

pub(super) fn quarter_of(date: NaiveDate) -> (i32, u32) {
    (date.year(), (date.month() - 1) / 3 + 1)
}

pub(super) fn quarter_start(date: NaiveDate) -> NaiveDate {
    let (year, q) = quarter_of(date);
    NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1).unwrap_or(date)
}

pub(super) fn quarter_end(date: NaiveDate) -> NaiveDate {
    let start = quarter_start(date);
    start
        .checked_add_months(Months::new(3))
        .and_then(|d| d.pred_opt())
        .unwrap_or(date)
}

pub(super) fn quarter_label(date: NaiveDate) -> String {
    let (year, q) = quarter_of(date);
    format!("{year}-Q{q}")
}

pub(super) fn month_end(date: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.year(), date.month(), 1)
        .and_then(|d| d.checked_add_months(Months::new(1)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(date)
}

pub(super) fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The weekday on or before a date.
pub(super) fn weekday_on_or_before(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        Weekday::Sat => add_days(date, -1),
        Weekday::Sun => add_days(date, -2),
        _ => date,
    }
}

pub(super) fn monday_on_or_before(date: NaiveDate) -> NaiveDate {
    add_days(date, -i64::from(date.weekday().num_days_from_monday()))
}

/// A CRM write time in GMT for a US team: 14:00–22:59 UTC is 9:00–17:59 in New York, the same calendar day
/// in every US time zone.
pub(super) fn crm_time(rng: &mut Rng, date: NaiveDate) -> NaiveDateTime {
    at(
        date,
        rng.range(14, 22) as u32,
        rng.below(60) as u32,
        rng.below(60) as u32,
    )
}

/// The same instant as the reps' local (New York, standard time) wall clock, as HubSpot exports show it.
pub(super) fn local(utc: NaiveDateTime) -> NaiveDateTime {
    utc.checked_sub_signed(TimeDelta::hours(5)).unwrap_or(utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn quarters_are_calendar_quarters() {
        assert_eq!(quarter_end(day(2026, 2, 14)), day(2026, 3, 31));
        assert_eq!(quarter_start(day(2026, 12, 31)), day(2026, 10, 1));
        assert_eq!(quarter_label(day(2025, 8, 1)), "2025-Q3");
    }
}
