//! Periods: the calendar the numbers are counted in — calendar or fiscal years and quarters (a fiscal year
//! may start in any month and be named by its start or end year; quarters may be 4-4-5, 4-5-4 or 5-4-4 weeks;
//! or the CRM's own Period table), and the period a report covers, resolved against the as-of date.
//! Ranges are inclusive at both ends.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::engine::model::FiscalPeriod;
/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl DateRange {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Self {
        DateRange { start, end }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// The days this range shares with `other`.
    pub fn overlap(&self, other: &DateRange) -> i64 {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        if end < start {
            0
        } else {
            (end - start).num_days() + 1
        }
    }

    /// The same length, just before this one (for "change vs the previous period").
    pub fn previous(&self) -> DateRange {
        let end = self.start.pred_opt().unwrap_or(self.start);
        let start = end
            .checked_sub_days(Days::new((self.days() - 1).max(0) as u64))
            .unwrap_or(end);
        DateRange { start, end }
    }

    pub fn label(&self) -> String {
        format!(
            "{} – {}",
            self.start.format("%Y-%m-%d"),
            self.end.format("%Y-%m-%d")
        )
    }
}

/// How a fiscal year's quarters are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum QuarterPattern {
    /// Calendar months.
    #[default]
    Months,
    /// 13-week quarters of 4, 4 and 5 weeks (the year's last quarter takes any extra days).
    Weeks445,
    Weeks454,
    Weeks544,
}

/// Which year names a fiscal year that spans two calendar years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum YearNaming {
    /// FY2026 starts in 2026 (the calendar year default).
    #[default]
    StartYear,
    /// FY2026 ends in 2026 (as many US companies name it).
    EndYear,
}

/// The calendar periods are counted in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// 1 = January (a calendar year).
    pub fiscal_start_month: u32,
    #[serde(default)]
    pub naming: YearNaming,
    #[serde(default)]
    pub quarters: QuarterPattern,
    /// The CRM's own periods (Salesforce Period.csv); when present they define years and quarters.
    #[serde(default)]
    pub periods: Vec<FiscalPeriod>,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            fiscal_start_month: 1,
            naming: YearNaming::StartYear,
            quarters: QuarterPattern::Months,
            periods: Vec::new(),
        }
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn month_end(y: i32, m: u32) -> Option<NaiveDate> {
    let next = if m == 12 {
        ymd(y + 1, 1, 1)
    } else {
        ymd(y, m + 1, 1)
    };
    next.and_then(|n| n.pred_opt())
}

impl Calendar {
    /// The fiscal year (by its first day) that contains `day`.
    fn year_start_of(&self, day: NaiveDate) -> Option<NaiveDate> {
        if let Some(p) = self.crm_period("year", day) {
            return Some(p.start);
        }
        let m = self.fiscal_start_month.clamp(1, 12);
        let this = ymd(day.year(), m, 1)?;
        if day >= this {
            Some(this)
        } else {
            ymd(day.year() - 1, m, 1)
        }
    }

    fn crm_period(&self, kind: &str, day: NaiveDate) -> Option<&FiscalPeriod> {
        self.periods
            .iter()
            .find(|p| p.period_type.eq_ignore_ascii_case(kind) && p.start <= day && day <= p.end)
    }

    /// The period of the same kind as `range` (by `spec`: month, quarter or year; else the same length)
    /// `steps` periods later (negative: earlier).
    pub fn step(&self, spec: &PeriodSpec, range: DateRange, steps: i32) -> Option<DateRange> {
        let mut current = range;
        for _ in 0..steps.unsigned_abs() {
            let day = if steps < 0 {
                current.start.pred_opt()?
            } else {
                current.end.succ_opt()?
            };
            current = match spec {
                PeriodSpec::ThisQuarter | PeriodSpec::LastQuarter | PeriodSpec::Quarter { .. } => {
                    self.quarter_of(day)?
                }
                PeriodSpec::ThisMonth | PeriodSpec::LastMonth | PeriodSpec::Month { .. } => {
                    self.month_of(day)?
                }
                PeriodSpec::ThisYear | PeriodSpec::LastYear | PeriodSpec::Year { .. } => {
                    self.year_of(day)?
                }
                _ if steps < 0 => current.previous(),
                _ => {
                    let start = current.end.succ_opt()?;
                    let end =
                        start.checked_add_days(Days::new((current.days() - 1).max(0) as u64))?;
                    DateRange::new(start, end)
                }
            };
        }
        Some(current)
    }

    /// The same period a year earlier.
    pub fn year_before(&self, spec: &PeriodSpec, range: DateRange) -> Option<DateRange> {
        let back = |day: NaiveDate| day.checked_sub_months(chrono::Months::new(12));
        match spec {
            PeriodSpec::ThisQuarter | PeriodSpec::LastQuarter | PeriodSpec::Quarter { .. } => {
                self.quarter_of(back(range.start)?)
            }
            PeriodSpec::ThisMonth | PeriodSpec::LastMonth | PeriodSpec::Month { .. } => {
                self.month_of(back(range.start)?)
            }
            PeriodSpec::ThisYear | PeriodSpec::LastYear | PeriodSpec::Year { .. } => {
                self.year_of(range.start.pred_opt()?)
            }
            _ => Some(DateRange::new(back(range.start)?, back(range.end)?)),
        }
    }

    /// The fiscal year containing `day`.
    pub fn year_of(&self, day: NaiveDate) -> Option<DateRange> {
        if let Some(p) = self.crm_period("year", day) {
            return Some(DateRange::new(p.start, p.end));
        }
        let start = self.year_start_of(day)?;
        let next = ymd(start.year() + 1, start.month(), 1)?;
        Some(DateRange::new(start, next.pred_opt()?))
    }

    /// The fiscal quarter containing `day`.
    pub fn quarter_of(&self, day: NaiveDate) -> Option<DateRange> {
        if let Some(p) = self.crm_period("quarter", day) {
            return Some(DateRange::new(p.start, p.end));
        }
        let year = self.year_of(day)?;
        (1..=4)
            .filter_map(|q| self.quarter_in(year, q))
            .find(|r| r.contains(day))
    }

    /// Quarter `q` (1–4) of a fiscal year.
    fn quarter_in(&self, year: DateRange, q: u32) -> Option<DateRange> {
        match self.quarters {
            QuarterPattern::Months => {
                let first = year
                    .start
                    .checked_add_months(chrono::Months::new((q - 1) * 3))?;
                let last = first
                    .checked_add_months(chrono::Months::new(3))?
                    .pred_opt()?;
                Some(DateRange::new(first, last))
            }
            _ => {
                let start = year
                    .start
                    .checked_add_days(Days::new(u64::from(q - 1) * 91))?;
                let end = if q == 4 {
                    year.end
                } else {
                    start.checked_add_days(Days::new(90))?
                };
                Some(DateRange::new(start, end))
            }
        }
    }

    /// The fiscal month containing `day` (calendar months, or 4/5-week months of a week-based quarter).
    pub fn month_of(&self, day: NaiveDate) -> Option<DateRange> {
        if let Some(p) = self.crm_period("month", day) {
            return Some(DateRange::new(p.start, p.end));
        }
        match self.quarters {
            QuarterPattern::Months => Some(DateRange::new(
                ymd(day.year(), day.month(), 1)?,
                month_end(day.year(), day.month())?,
            )),
            pattern => {
                let quarter = self.quarter_of(day)?;
                let weeks: [u64; 3] = match pattern {
                    QuarterPattern::Weeks445 => [4, 4, 5],
                    QuarterPattern::Weeks454 => [4, 5, 4],
                    _ => [5, 4, 4],
                };
                let mut start = quarter.start;
                for (i, w) in weeks.iter().enumerate() {
                    let end = if i == 2 {
                        quarter.end
                    } else {
                        start.checked_add_days(Days::new(w * 7 - 1))?
                    };
                    if day <= end {
                        return Some(DateRange::new(start, end));
                    }
                    start = end.succ_opt()?;
                }
                None
            }
        }
    }

    /// The number a fiscal year is named by.
    pub fn year_number(&self, year: DateRange) -> i32 {
        match self.naming {
            YearNaming::StartYear => year.start.year(),
            YearNaming::EndYear => year.end.year(),
        }
    }

    /// Fiscal year `n`, named as the calendar says.
    pub fn year_named(&self, n: i32) -> Option<DateRange> {
        let m = self.fiscal_start_month.clamp(1, 12);
        let start_year = match self.naming {
            YearNaming::StartYear => n,
            YearNaming::EndYear if m == 1 => n,
            YearNaming::EndYear => n - 1,
        };
        let day = ymd(start_year, m, 1)?;
        self.year_of(day)
    }

    /// How the calendar is set, in one sentence.
    pub fn sentence(&self) -> String {
        if !self.periods.is_empty() {
            return "Fiscal years and quarters follow the CRM's own Period table.".to_owned();
        }
        let month = crate::engine::model::values::dates::MONTH_NAMES
            .get(self.fiscal_start_month.clamp(1, 12) as usize - 1)
            .copied()
            .unwrap_or("January");
        let quarters = match self.quarters {
            QuarterPattern::Months => "calendar-month quarters",
            QuarterPattern::Weeks445 => "4-4-5 week quarters",
            QuarterPattern::Weeks454 => "4-5-4 week quarters",
            QuarterPattern::Weeks544 => "5-4-4 week quarters",
        };
        if self.fiscal_start_month == 1 && self.quarters == QuarterPattern::Months {
            "Calendar years and quarters.".to_owned()
        } else {
            let naming = match self.naming {
                YearNaming::StartYear => "named by the year it starts in",
                YearNaming::EndYear => "named by the year it ends in",
            };
            format!("The fiscal year starts in {month} and is {naming}; {quarters}.")
        }
    }
}

/// A period as a user names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum PeriodSpec {
    /// Everything in the data.
    All,
    /// The fiscal year named `year`.
    Year {
        year: i32,
    },
    /// Quarter `quarter` of fiscal year `year`.
    Quarter {
        year: i32,
        quarter: u32,
    },
    /// Calendar month.
    Month {
        year: i32,
        month: u32,
    },
    /// The fiscal quarter / year / month containing the as-of date, up to the end of it.
    ThisQuarter,
    LastQuarter,
    ThisYear,
    LastYear,
    ThisMonth,
    LastMonth,
    Custom {
        start: NaiveDate,
        end: NaiveDate,
    },
}

/// The period as [`PeriodSpec::parse`] reads it back (`2017-Q2`, `this-quarter` …).
impl std::fmt::Display for PeriodSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PeriodSpec::All => write!(f, "all"),
            PeriodSpec::Year { year } => write!(f, "{year}"),
            PeriodSpec::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            PeriodSpec::Month { year, month } => write!(f, "{year}-{month:02}"),
            PeriodSpec::ThisQuarter => write!(f, "this-quarter"),
            PeriodSpec::LastQuarter => write!(f, "last-quarter"),
            PeriodSpec::ThisYear => write!(f, "this-year"),
            PeriodSpec::LastYear => write!(f, "last-year"),
            PeriodSpec::ThisMonth => write!(f, "this-month"),
            PeriodSpec::LastMonth => write!(f, "last-month"),
            PeriodSpec::Custom { start, end } => write!(f, "{start}..{end}"),
        }
    }
}

impl PeriodSpec {
    /// `all`, `2017`, `FY2017`, `2017-Q2`, `2017-05`, `2017-01-01..2017-03-31`, `this-quarter`,
    /// `last-quarter`, `this-year`, `last-year`, `this-month`, `last-month`.
    pub fn parse(text: &str) -> Result<PeriodSpec, String> {
        let t = text.trim().to_ascii_lowercase().replace('_', "-");
        let valid = "use all, 2017, 2017-Q2, 2017-05, 2017-01-01..2017-03-31, this-quarter, last-quarter, this-year, last-year, this-month or last-month";
        let spec = match t.as_str() {
            "all" => PeriodSpec::All,
            "this-quarter" | "this quarter" => PeriodSpec::ThisQuarter,
            "last-quarter" | "last quarter" => PeriodSpec::LastQuarter,
            "this-year" | "this fiscal year" | "this-fiscal-year" => PeriodSpec::ThisYear,
            "last-year" | "last fiscal year" | "last-fiscal-year" => PeriodSpec::LastYear,
            "this-month" => PeriodSpec::ThisMonth,
            "last-month" => PeriodSpec::LastMonth,
            _ => {
                if let Some((a, b)) = t.split_once("..") {
                    let parse = |s: &str| {
                        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                            .map_err(|_| format!("'{text}' is not a period: {valid}"))
                    };
                    let (start, end) = (parse(a)?, parse(b)?);
                    if end < start {
                        return Err(format!("'{text}' ends before it starts"));
                    }
                    PeriodSpec::Custom { start, end }
                } else {
                    let t = t.strip_prefix("fy").unwrap_or(&t);
                    let parts: Vec<&str> = t.split('-').collect();
                    let number = |s: &str| {
                        s.parse::<i32>()
                            .map_err(|_| format!("'{text}' is not a period: {valid}"))
                    };
                    match parts.as_slice() {
                        [y] if y.len() == 4 => PeriodSpec::Year { year: number(y)? },
                        [y, q] if q.starts_with('q') => {
                            let quarter = number(&q[1..])? as u32;
                            if !(1..=4).contains(&quarter) {
                                return Err(format!("'{text}': quarters are Q1 to Q4"));
                            }
                            PeriodSpec::Quarter {
                                year: number(y)?,
                                quarter,
                            }
                        }
                        [y, m] => {
                            let month = number(m)? as u32;
                            if !(1..=12).contains(&month) {
                                return Err(format!("'{text}': months are 01 to 12"));
                            }
                            PeriodSpec::Month {
                                year: number(y)?,
                                month,
                            }
                        }
                        _ => return Err(format!("'{text}' is not a period: {valid}")),
                    }
                }
            }
        };
        Ok(spec)
    }

    /// The days the period covers, given the calendar, the as-of date and the data's first day (for `All`).
    pub fn resolve(
        &self,
        calendar: &Calendar,
        as_of: NaiveDate,
        first_day: NaiveDate,
    ) -> Option<DateRange> {
        let back = |r: DateRange| r.start.pred_opt();
        match self {
            PeriodSpec::All => Some(DateRange::new(first_day.min(as_of), as_of)),
            PeriodSpec::Year { year } => calendar.year_named(*year),
            PeriodSpec::Quarter { year, quarter } => {
                let fy = calendar.year_named(*year)?;
                if !calendar.periods.is_empty() {
                    let quarters: Vec<&FiscalPeriod> = calendar
                        .periods
                        .iter()
                        .filter(|p| {
                            p.period_type.eq_ignore_ascii_case("quarter") && fy.contains(p.start)
                        })
                        .collect();
                    return quarters
                        .get(*quarter as usize - 1)
                        .map(|p| DateRange::new(p.start, p.end));
                }
                calendar.quarter_in(fy, *quarter)
            }
            PeriodSpec::Month { year, month } => Some(DateRange::new(
                ymd(*year, *month, 1)?,
                month_end(*year, *month)?,
            )),
            PeriodSpec::ThisQuarter => calendar.quarter_of(as_of),
            PeriodSpec::LastQuarter => calendar.quarter_of(back(calendar.quarter_of(as_of)?)?),
            PeriodSpec::ThisYear => calendar.year_of(as_of),
            PeriodSpec::LastYear => calendar.year_of(back(calendar.year_of(as_of)?)?),
            PeriodSpec::ThisMonth => calendar.month_of(as_of),
            PeriodSpec::LastMonth => calendar.month_of(back(calendar.month_of(as_of)?)?),
            PeriodSpec::Custom { start, end } => Some(DateRange::new(*start, *end)),
        }
    }
}

/// Monday to Friday days in a range.
pub fn business_days(range: &DateRange) -> i64 {
    let mut n = 0;
    let mut day = range.start;
    while day <= range.end {
        if day.weekday().num_days_from_monday() < 5 {
            n += 1;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_written_out_reads_back_as_itself() {
        for text in [
            "all",
            "2017",
            "2017-Q2",
            "2017-05",
            "this-quarter",
            "last-quarter",
            "this-year",
            "last-year",
            "this-month",
            "last-month",
            "2017-01-01..2017-03-31",
        ] {
            let spec = PeriodSpec::parse(text).unwrap();
            assert_eq!(spec.to_string(), text);
            assert_eq!(PeriodSpec::parse(&spec.to_string()), Ok(spec));
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_parse_and_resolve_in_calendar_and_fiscal_years() {
        let cal = Calendar::default();
        let as_of = d(2017, 5, 17);
        let r = |text: &str, cal: &Calendar| {
            PeriodSpec::parse(text)
                .unwrap()
                .resolve(cal, as_of, d(2016, 10, 1))
                .unwrap()
        };
        assert_eq!(
            r("2017", &cal),
            DateRange::new(d(2017, 1, 1), d(2017, 12, 31))
        );
        assert_eq!(
            r("2017-Q2", &cal),
            DateRange::new(d(2017, 4, 1), d(2017, 6, 30))
        );
        assert_eq!(
            r("2017-05", &cal),
            DateRange::new(d(2017, 5, 1), d(2017, 5, 31))
        );
        assert_eq!(
            r("2017-01-01..2017-03-31", &cal),
            DateRange::new(d(2017, 1, 1), d(2017, 3, 31))
        );
        assert_eq!(
            r("this-quarter", &cal),
            DateRange::new(d(2017, 4, 1), d(2017, 6, 30))
        );
        assert_eq!(
            r("last-quarter", &cal),
            DateRange::new(d(2017, 1, 1), d(2017, 3, 31))
        );
        assert_eq!(r("all", &cal), DateRange::new(d(2016, 10, 1), as_of));
        // A fiscal year starting in February, named by its end year (FY2018 = Feb 2017 – Jan 2018).
        let fiscal = Calendar {
            fiscal_start_month: 2,
            naming: YearNaming::EndYear,
            ..Calendar::default()
        };
        assert_eq!(
            r("2018", &fiscal),
            DateRange::new(d(2017, 2, 1), d(2018, 1, 31))
        );
        assert_eq!(
            r("2018-Q2", &fiscal),
            DateRange::new(d(2017, 5, 1), d(2017, 7, 31))
        );
        assert_eq!(
            r("this-quarter", &fiscal),
            DateRange::new(d(2017, 5, 1), d(2017, 7, 31))
        );
        for bad in ["2017-Q5", "2017-13", "soon", "2017-02-01..2017-01-01"] {
            assert!(PeriodSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn week_based_quarters_and_crm_periods() {
        let cal = Calendar {
            quarters: QuarterPattern::Weeks445,
            ..Calendar::default()
        };
        let q1 = cal.quarter_of(d(2026, 2, 1)).unwrap();
        assert_eq!(q1, DateRange::new(d(2026, 1, 1), d(2026, 4, 1)));
        assert_eq!(q1.days(), 91);
        assert_eq!(
            cal.month_of(d(2026, 1, 28)).unwrap(),
            DateRange::new(d(2026, 1, 1), d(2026, 1, 28))
        );
        assert_eq!(
            cal.month_of(d(2026, 3, 10)).unwrap(),
            DateRange::new(d(2026, 2, 26), d(2026, 4, 1))
        );
        assert_eq!(
            cal.quarter_of(d(2026, 12, 31)).unwrap().end,
            d(2026, 12, 31),
            "the last quarter takes the extra day"
        );
        let crm = Calendar {
            periods: vec![
                FiscalPeriod {
                    period_type: "Quarter".into(),
                    start: d(2023, 2, 1),
                    end: d(2023, 4, 30),
                    label: "Q1".into(),
                },
                FiscalPeriod {
                    period_type: "Year".into(),
                    start: d(2023, 2, 1),
                    end: d(2024, 1, 31),
                    label: "2023".into(),
                },
            ],
            ..Calendar::default()
        };
        assert_eq!(
            crm.quarter_of(d(2023, 3, 5)).unwrap(),
            DateRange::new(d(2023, 2, 1), d(2023, 4, 30))
        );
        assert_eq!(crm.year_of(d(2023, 3, 5)).unwrap().end, d(2024, 1, 31));
    }

    #[test]
    fn ranges_count_days_overlaps_and_business_days() {
        let q = DateRange::new(d(2026, 1, 1), d(2026, 3, 31));
        assert_eq!(q.days(), 90);
        assert_eq!(
            q.previous(),
            DateRange::new(d(2025, 10, 3), d(2025, 12, 31))
        );
        assert_eq!(q.overlap(&DateRange::new(d(2026, 3, 1), d(2026, 5, 1))), 31);
        assert_eq!(
            business_days(&DateRange::new(d(2026, 11, 23), d(2026, 11, 29))),
            5
        );
    }
}
