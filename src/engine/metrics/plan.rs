//! Planning: what each rep still needs to reach quota — the reverse funnel from the gap to deals won,
//! opportunities and activities, at the rep's own rates in the period, and per business day left.
//! Nothing here is a forecast: it is arithmetic on the rep's numbers, with its formula stated. [`plan`] fills
//! the report's plan from the performance, pipeline and activity parts, and [`attainment_chart`] picks the reps
//! the attainment charts show, so a view only lays the rows and bars out.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::metrics::activity::RepActivity;
use crate::engine::metrics::period::{DateRange, business_days};
use crate::engine::metrics::pipeline::RepPipeline;
use crate::engine::metrics::prepared::RepMetrics;

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
        .succ_opt()
        .map_or(0, |first| business_days(&DateRange::new(first, end)))
}

/// Activities per opportunity created: `None` unless both are above zero.
pub fn activities_per_opportunity(activities: u64, opps_created: u64) -> Option<f64> {
    (opps_created > 0 && activities > 0).then(|| activities as f64 / opps_created as f64)
}

/// One rep's row of the plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepPlan {
    pub rep: String,
    /// The rep's activities in the period ÷ opportunities they created in it.
    pub activities_per_opportunity: Option<f64>,
    /// Attainment ÷ pacing: the share of quota the rep would usually have booked by the as-of date (0 when
    /// pacing is 0); `None` without a quota or pacing.
    pub usual_attainment_by_now: Option<f64>,
    /// The reverse funnel from the rep's gap.
    pub needed: Needed,
}

/// The plan of a period: business days left and the reverse funnel of each rep on the plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanReport {
    /// Mon–Fri days after the as-of date up to the period end.
    pub business_days_left: i64,
    /// The reps who are active or booked something in the period ([`on_plan`]), in the report's rep order.
    pub reps: Vec<RepPlan>,
}

/// A rep is on the plan (and the attainment charts) when active or when they booked something in the period:
/// a rep who left without booking has nothing to plan or show.
pub fn on_plan(m: &RepMetrics) -> bool {
    m.active || m.bookings.is_some_and(|b| b > 0.0)
}

/// The reps the attainment charts show, in the report's rep order: those [`on_plan`] with a quota.
pub fn attainment_chart(reps: &[RepMetrics]) -> Vec<String> {
    reps.iter()
        .filter(|m| on_plan(m) && m.quota.is_some())
        .map(|m| m.rep.clone())
        .collect()
}

/// The plan for `reps` over the days from `as_of` to `period_end`, each rep's gap taken from its pipeline
/// coverage and its activities from the activity report.
pub fn plan(
    as_of: NaiveDate,
    period_end: NaiveDate,
    reps: &[RepMetrics],
    pipeline: &[RepPipeline],
    activity: &[RepActivity],
) -> PlanReport {
    let business_days_left = business_days_after(as_of, period_end);
    let reps = reps
        .iter()
        .filter(|m| on_plan(m))
        .map(|m| {
            let gap = pipeline
                .iter()
                .find(|p| p.rep == m.rep)
                .and_then(|p| p.coverage.gap);
            let per_opportunity = activity
                .iter()
                .find(|a| a.rep == m.rep)
                .and_then(|a| activities_per_opportunity(a.total, m.opps_created));
            RepPlan {
                rep: m.rep.clone(),
                activities_per_opportunity: per_opportunity,
                usual_attainment_by_now: m
                    .pacing
                    .zip(m.attainment)
                    .map(|(pace, att)| if pace > 0.0 { att / pace } else { 0.0 }),
                needed: needed(
                    gap,
                    m.avg_deal_size,
                    m.win_rate,
                    per_opportunity,
                    business_days_left,
                ),
            }
        })
        .collect();
    PlanReport {
        business_days_left,
        reps,
    }
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
    fn the_plan_leaves_out_reps_who_left_without_bookings_and_relates_activities_to_opportunities()
    {
        let rep = |name: &str, active: bool, bookings: Option<f64>| RepMetrics {
            rep: name.to_owned(),
            active,
            bookings,
            opps_created: 4,
            quota: Some(100.0),
            attainment: bookings.map(|b| b / 100.0),
            pacing: bookings.map(|b| b / 50.0),
            avg_deal_size: Some(10.0),
            win_rate: Some(0.5),
            ..RepMetrics::default()
        };
        let reps = [
            rep("Ann", true, Some(40.0)),
            rep("Bo", false, None),
            rep("Cy", false, Some(10.0)),
        ];
        let pipeline = [RepPipeline {
            rep: "Ann".to_owned(),
            coverage: crate::engine::metrics::pipeline::Coverage {
                gap: Some(60.0),
                ..Default::default()
            },
            ..RepPipeline::default()
        }];
        let activity = [RepActivity {
            rep: "Ann".to_owned(),
            total: 10,
            ..RepActivity::default()
        }];
        // Fri 13 March → Tue 17 March: 2 business days.
        let p = plan(d(2026, 3, 13), d(2026, 3, 17), &reps, &pipeline, &activity);
        assert_eq!(p.business_days_left, 2);
        let names: Vec<&str> = p.reps.iter().map(|r| r.rep.as_str()).collect();
        assert_eq!(names, ["Ann", "Cy"]);
        let ann = &p.reps[0];
        // 60 ÷ 10 = 6 deals ÷ 0.5 = 12 opportunities × 10/4 = 30 activities, 15 a day.
        assert_eq!(ann.activities_per_opportunity, Some(2.5));
        assert_eq!(ann.needed.activities, Some(30.0));
        assert_eq!(ann.needed.activities_per_day, Some(15.0));
        assert_eq!(ann.usual_attainment_by_now, Some(0.5));
        // Cy has no pipeline row (no gap) and no activities.
        assert_eq!(p.reps[1].activities_per_opportunity, None);
        assert_eq!(
            p.reps[1].needed.note.as_deref(),
            Some("no quota for this period")
        );
        assert_eq!(activities_per_opportunity(0, 4), None);
        assert_eq!(activities_per_opportunity(3, 0), None);
    }

    #[test]
    fn the_attainment_chart_shows_the_reps_on_the_plan_who_have_a_quota() {
        let rep =
            |name: &str, active: bool, bookings: Option<f64>, quota: Option<f64>| RepMetrics {
                rep: name.to_owned(),
                active,
                bookings,
                quota,
                ..RepMetrics::default()
            };
        let reps = [
            rep("Ann", true, None, Some(100.0)),
            rep("Bo", false, Some(0.0), Some(100.0)),
            rep("Cy", false, Some(10.0), Some(100.0)),
            rep("Di", true, Some(50.0), None),
            rep("Ed", true, Some(5.0), Some(100.0)),
        ];
        // Bo left without booking; Di has no quota.
        assert_eq!(attainment_chart(&reps), ["Ann", "Cy", "Ed"]);
        assert!(attainment_chart(&[]).is_empty());
    }

    #[test]
    fn business_days_skip_weekends_and_the_as_of_day() {
        // Fri 2026-03-13 → Tue 2026-03-17: Mon, Tue.
        assert_eq!(business_days_after(d(2026, 3, 13), d(2026, 3, 17)), 2);
        assert_eq!(business_days_after(d(2026, 3, 31), d(2026, 3, 31)), 0);
        assert_eq!(business_days_after(d(2026, 4, 1), d(2026, 3, 31)), 0);
    }
}
