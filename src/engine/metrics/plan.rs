//! Planning: what each rep still needs to reach quota — the reverse funnel from the gap to deals won,
//! opportunities and activities, at the rep's own rates in the period, and per business day left.
//! Nothing here is a forecast: it is arithmetic on the rep's numbers, with its formula stated.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The reverse funnel of one rep (or the team).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Needed {
    /// Quota − booked, at least 0; `None` without a quota.
    pub gap: Option<f64>,
    /// gap ÷ average won deal size.
    pub deals: Option<f64>,
    /// deals ÷ win rate.
    pub opportunities: Option<f64>,
    /// opportunities × activities per opportunity created.
    pub activities: Option<f64>,
    /// Mon–Fri days after the as-of date up to the period end.
    pub business_days_left: i64,
    /// activities ÷ business days left.
    pub activities_per_day: Option<f64>,
    /// Why a step is missing, when one is.
    pub note: Option<String>,
}

/// Mon–Fri days in (`after`, `end`].
pub fn business_days_after(after: NaiveDate, end: NaiveDate) -> i64 {
    after
        .iter_days()
        .skip(1)
        .take_while(|d| *d <= end)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .count() as i64
}

/// The reverse funnel: `gap` ÷ `avg_deal_size` deals, ÷ `win_rate` opportunities, × `activities_per_opportunity`
/// activities, spread over `business_days_left`. Each step is `None` when an input is missing or not positive.
pub fn needed(
    gap: Option<f64>,
    avg_deal_size: Option<f64>,
    win_rate: Option<f64>,
    activities_per_opportunity: Option<f64>,
    business_days_left: i64,
) -> Needed {
    let positive = |v: Option<f64>| v.filter(|v| v.is_finite() && *v > 0.0);
    let deals = match (gap, positive(avg_deal_size)) {
        (Some(g), Some(size)) => Some(g / size),
        _ => None,
    };
    let opportunities = match (deals, positive(win_rate)) {
        (Some(d), Some(rate)) => Some(d / rate),
        _ => None,
    };
    let activities = match (opportunities, positive(activities_per_opportunity)) {
        (Some(o), Some(per)) => Some(o * per),
        _ => None,
    };
    let activities_per_day = activities
        .filter(|_| business_days_left > 0)
        .map(|a| a / business_days_left as f64);
    let note = if gap.is_none() {
        Some("no quota for this period".to_owned())
    } else if deals.is_none() {
        Some("no won deals in the period to size the gap by".to_owned())
    } else if opportunities.is_none() {
        Some("no win rate in the period".to_owned())
    } else if activities.is_none() {
        Some("no activities or opportunities created to relate them".to_owned())
    } else {
        None
    };
    Needed {
        gap,
        deals,
        opportunities,
        activities,
        business_days_left,
        activities_per_day,
        note,
    }
}

/// The formula, for the view and the math drawer.
pub const FORMULA: &str = "deals needed = (quota − booked) ÷ average won deal size; opportunities = deals ÷ win rate; activities = opportunities × (activities ÷ opportunities created), each at the rep's own rates in the period; per day = activities ÷ Mon–Fri days left.";

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reverse_funnel_from_the_gap() {
        // 30,000 left, 10,000 a deal, 1 in 4 won, 12 activities per opportunity, 10 days left.
        let n = needed(Some(30_000.0), Some(10_000.0), Some(0.25), Some(12.0), 10);
        assert_eq!(n.deals, Some(3.0));
        assert_eq!(n.opportunities, Some(12.0));
        assert_eq!(n.activities, Some(144.0));
        assert_eq!(n.activities_per_day, Some(14.4));
        assert_eq!(n.note, None);
    }

    #[test]
    fn missing_inputs_stop_the_chain_and_say_why() {
        let n = needed(Some(30_000.0), Some(10_000.0), Some(0.0), Some(12.0), 10);
        assert_eq!(n.deals, Some(3.0));
        assert_eq!(n.opportunities, None);
        assert_eq!(n.activities, None);
        assert_eq!(n.note.as_deref(), Some("no win rate in the period"));
        assert_eq!(
            needed(None, None, None, None, 0).note.as_deref(),
            Some("no quota for this period")
        );
        // Quota met: nothing more needed.
        assert_eq!(
            needed(Some(0.0), Some(5.0), Some(0.5), Some(2.0), 3).activities,
            Some(0.0)
        );
    }

    #[test]
    fn business_days_skip_weekends_and_the_as_of_day() {
        // Fri 2026-03-13 → Tue 2026-03-17: Mon, Tue.
        assert_eq!(business_days_after(d(2026, 3, 13), d(2026, 3, 17)), 2);
        assert_eq!(business_days_after(d(2026, 3, 31), d(2026, 3, 31)), 0);
        assert_eq!(business_days_after(d(2026, 4, 1), d(2026, 3, 31)), 0);
    }
}
