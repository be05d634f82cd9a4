//! Plain number formatting shared by the UI and the CLI, so both print the same figure the same way — and a
//! metric's figure in the format of its definition's unit ([`for_unit`], [`for_metric`]).

use crate::engine::metrics::definitions::{Unit, definition};

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A size in decimal units, as file managers show them: `999 B`, `1.5 KB`, `12.3 MB`, `2 GB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut value = n as f64;
    let mut unit = "B";
    for candidate in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = candidate;
    }
    if value.fract() == 0.0 {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.1} {unit}")
    }
}

/// An amount for a table cell: whole units with thousands separators, `—` when unknown.
pub fn money(value: Option<f64>) -> String {
    match value {
        None => "—".to_owned(),
        Some(v) if !v.is_finite() => "—".to_owned(),
        Some(v) => {
            let whole = v.round() as i64;
            let sign = if whole < 0 { "-" } else { "" };
            format!("{sign}{}", thousands(whole.unsigned_abs()))
        }
    }
}

/// An amount for a headline: `693.8k`, `4.2M`, `950`.
pub fn money_short(value: Option<f64>) -> String {
    match value {
        None => "—".to_owned(),
        Some(v) if !v.is_finite() => "—".to_owned(),
        Some(v) => {
            let a = v.abs();
            let sign = if v < 0.0 { "-" } else { "" };
            if a >= 1e9 {
                format!("{sign}{:.1}B", a / 1e9)
            } else if a >= 1e6 {
                format!("{sign}{:.1}M", a / 1e6)
            } else if a >= 1e4 {
                format!("{sign}{:.0}k", a / 1e3)
            } else if a >= 1e3 {
                format!("{sign}{:.1}k", a / 1e3)
            } else {
                format!("{sign}{a:.0}")
            }
        }
    }
}

/// A share as a percentage with one decimal: `48.8%`.
pub fn percent(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{:.1}%", v * 100.0),
        _ => "—".to_owned(),
    }
}

/// Days, whole: `56 d`.
pub fn days(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.0} d"),
        _ => "—".to_owned(),
    }
}

/// A multiple: `2.61×`.
pub fn times(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.2}×"),
        _ => "—".to_owned(),
    }
}

/// A plain number with up to one decimal: `12.2`, `3`.
pub fn number(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() && (v - v.round()).abs() < 1e-9 => {
            thousands_signed(v.round() as i64)
        }
        Some(v) if v.is_finite() => format!("{v:.1}"),
        _ => "—".to_owned(),
    }
}

fn thousands_signed(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}", thousands(v.unsigned_abs()))
}

/// How a figure of `unit` is written.
pub fn for_unit(unit: Unit) -> fn(Option<f64>) -> String {
    match unit {
        Unit::Money => money,
        Unit::Ratio => percent,
        Unit::Multiple => times,
        Unit::Days => days,
        Unit::Count | Unit::Number => number,
    }
}

/// How a figure of `metric` is written: by its definition's unit, as a plain number when it has none.
pub fn for_metric(metric: &str) -> fn(Option<f64>) -> String {
    definition(metric).map_or(number, |d| for_unit(d.unit))
}

/// A change against an earlier value, with its sign: `+12.0%` for shares, `+3` for counts.
pub fn change(delta: f64, is_share: bool) -> String {
    if !delta.is_finite() {
        return "—".to_owned();
    }
    let sign = if delta > 0.0 {
        "+"
    } else if delta < 0.0 {
        "−"
    } else {
        "±"
    };
    if is_share {
        format!("{sign}{:.1} pts", (delta * 100.0).abs())
    } else if (delta - delta.round()).abs() < 1e-9 {
        format!("{sign}{}", thousands(delta.abs().round() as u64))
    } else {
        format!("{sign}{:.1}", delta.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_counts_and_sizes() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1500), "1.5 KB");
        assert_eq!(bytes(500_000_000), "500 MB");
        assert_eq!(bytes(12_345_678), "12.3 MB");
    }

    #[test]
    fn figures_for_people() {
        assert_eq!(money(Some(693_800.4)), "693,800");
        assert_eq!(money(Some(-1234.5)), "-1,235");
        assert_eq!(money(None), "—");
        assert_eq!(money(Some(f64::NAN)), "—");
        assert_eq!(money_short(Some(693_800.0)), "694k");
        assert_eq!(money_short(Some(4_215_899.0)), "4.2M");
        assert_eq!(money_short(Some(1_500.0)), "1.5k");
        assert_eq!(money_short(Some(950.0)), "950");
        assert_eq!(percent(Some(0.48780)), "48.8%");
        assert_eq!(days(Some(56.4)), "56 d");
        assert_eq!(times(Some(2.6149)), "2.61×");
        assert_eq!(number(Some(3.0)), "3");
        assert_eq!(number(Some(12.24)), "12.2");
        assert_eq!(change(0.05, true), "+5.0 pts");
        assert_eq!(change(-3.0, false), "−3");
        assert_eq!(change(0.0, false), "±0");
    }

    #[test]
    fn each_metric_is_written_in_its_definitions_unit() {
        // Table: (metric, value, text).
        let cases = [
            ("bookings", 693_800.4, "693,800"),
            ("win_rate", 0.48780, "48.8%"),
            ("attainment", 1.05, "105.0%"),
            ("sales_cycle_median_days", 56.4, "56 d"),
            ("deals_won", 1234.0, "1,234"),
            ("coverage", 2.6149, "2.61×"),
            ("required_coverage", 3.2, "3.20×"),
            ("activities_per_day", 12.24, "12.2"),
            ("meetings_per_opportunity", 3.0, "3"),
            ("connect_rate", 0.25, "25.0%"),
            // No definition: a plain number.
            ("no_such_metric", 0.5, "0.5"),
        ];
        for (metric, value, text) in cases {
            assert_eq!(for_metric(metric)(Some(value)), text, "{metric}");
        }
        assert_eq!(for_metric("coverage")(None), "—");
    }
}
