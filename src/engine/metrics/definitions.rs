//! Definitions: every metric's stable id, name, unit, direction (which way is better) and one-line
//! definition — the text the UI shows on hover and the CLI prints — so a number is never shown without saying
//! what it counts, is written by its unit ([`crate::engine::numfmt::for_metric`]) and a change is judged
//! better or worse in one place.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    /// Home-currency amount.
    Money,
    /// 0–1, shown as a percentage.
    Ratio,
    /// A multiple of another amount (coverage: open pipeline ÷ what is left to book), shown as `2.61×`.
    Multiple,
    /// So many of one thing per another (activities per working day, meetings per opportunity), shown as a
    /// plain number.
    Number,
    Days,
}

/// Which way a metric is better: the one place that says so (team context ranks by it, and a change
/// against an earlier period is judged by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
    /// Neither way is better in itself (a quota, lost deals, the days to lose, a benchmark).
    Neither,
}

/// A change of a metric, judged by its [`Direction`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Better,
    Worse,
    /// No change at all.
    Unchanged,
    /// It moved, but the metric is better neither way.
    NotJudged,
}

impl Direction {
    /// Whether a change of `delta` (current − previous) is better, worse or neither.
    pub fn judge(self, delta: f64) -> Verdict {
        if delta == 0.0 {
            return Verdict::Unchanged;
        }
        match self {
            Direction::Neither => Verdict::NotJudged,
            _ if delta.is_nan() => Verdict::NotJudged,
            Direction::HigherIsBetter if delta > 0.0 => Verdict::Better,
            Direction::LowerIsBetter if delta < 0.0 => Verdict::Better,
            _ => Verdict::Worse,
        }
    }
}

/// What a metric means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub id: &'static str,
    pub name: &'static str,
    pub unit: Unit,
    /// Which way is better.
    pub direction: Direction,
    pub definition: &'static str,
    /// Other ways to count it, by id.
    pub variants: &'static [&'static str],
}

pub const DEFINITIONS: &[Definition] = &[
    Definition {
        id: "deals_won",
        name: "Deals won",
        unit: Unit::Count,
        direction: Direction::HigherIsBetter,
        definition: "Won deals whose close date (closed_on) falls in the period, credited to the owner at close.",
        variants: &[],
    },
    Definition {
        id: "deals_lost",
        name: "Deals lost",
        unit: Unit::Count,
        direction: Direction::Neither,
        definition: "Lost deals whose close date falls in the period; disqualified deals and excluded duplicates are not counted.",
        variants: &[],
    },
    Definition {
        id: "bookings",
        name: "Bookings",
        unit: Unit::Money,
        direction: Direction::HigherIsBetter,
        definition: "The sum of won amounts closed in the period, in the home currency (net: zero and negative amounts count).",
        variants: &[],
    },
    Definition {
        id: "win_rate",
        name: "Win rate",
        unit: Unit::Ratio,
        direction: Direction::HigherIsBetter,
        definition: "Won ÷ (won + lost) among deals closed in the period; disqualified deals are left out and no-decision losses count as lost.",
        variants: &[
            "win_rate_by_value",
            "win_rate_stage_floor",
            "win_rate_cohort",
        ],
    },
    Definition {
        id: "win_rate_by_value",
        name: "Win rate by value",
        unit: Unit::Ratio,
        direction: Direction::HigherIsBetter,
        definition: "Won amount ÷ (won + lost amount) among deals closed in the period.",
        variants: &[],
    },
    Definition {
        id: "win_rate_stage_floor",
        name: "Win rate past a stage",
        unit: Unit::Ratio,
        direction: Direction::HigherIsBetter,
        definition: "Win rate among deals closed in the period that reached the chosen stage (needs stage history for lost deals).",
        variants: &[],
    },
    Definition {
        id: "win_rate_cohort",
        name: "Win rate of the period's new deals",
        unit: Unit::Ratio,
        direction: Direction::HigherIsBetter,
        definition: "Won ÷ (won + lost) among deals created in the period, shown only once 90% of them have closed.",
        variants: &[],
    },
    Definition {
        id: "avg_deal_size",
        name: "Average deal",
        unit: Unit::Money,
        direction: Direction::HigherIsBetter,
        definition: "The mean amount of deals won in the period (amounts above zero only).",
        variants: &["median_deal_size"],
    },
    Definition {
        id: "median_deal_size",
        name: "Median deal",
        unit: Unit::Money,
        direction: Direction::HigherIsBetter,
        definition: "The middle amount of deals won in the period (the lower middle when their number is even).",
        variants: &[],
    },
    Definition {
        id: "sales_cycle_median_days",
        name: "Sales cycle",
        unit: Unit::Days,
        direction: Direction::LowerIsBetter,
        definition: "The median days from creation to close of deals won in the period (lower median).",
        variants: &["sales_cycle_from_qualified_median_days"],
    },
    Definition {
        id: "sales_cycle_from_qualified_median_days",
        name: "Sales cycle from qualification",
        unit: Unit::Days,
        direction: Direction::LowerIsBetter,
        definition: "The median days from first entering a qualification-or-later stage to close, over deals won in the period (needs stage history).",
        variants: &[],
    },
    Definition {
        id: "time_to_lose_median_days",
        name: "Time to lose",
        unit: Unit::Days,
        direction: Direction::Neither,
        definition: "The median days from creation to close of deals lost in the period (lower median).",
        variants: &[],
    },
    Definition {
        id: "opps_created",
        name: "Opportunities created",
        unit: Unit::Count,
        direction: Direction::HigherIsBetter,
        definition: "Deals created in the period, credited to their owner (or, as a variant, to whoever created them).",
        variants: &["opps_created_value"],
    },
    Definition {
        id: "opps_created_value",
        name: "Value created",
        unit: Unit::Money,
        direction: Direction::HigherIsBetter,
        definition: "The amount of deals created in the period, in the home currency.",
        variants: &[],
    },
    Definition {
        id: "quota",
        name: "Quota",
        unit: Unit::Money,
        direction: Direction::Neither,
        definition: "The rep's quota for the period: quotas overlapping it, prorated by days, following the ramp schedule when one is set.",
        variants: &[],
    },
    Definition {
        id: "attainment",
        name: "Attainment",
        unit: Unit::Ratio,
        direction: Direction::HigherIsBetter,
        definition: "Bookings ÷ quota; empty when there is no quota (a team's shared quota gives its reps none).",
        variants: &[],
    },
    Definition {
        id: "pacing",
        name: "Pacing",
        unit: Unit::Ratio,
        direction: Direction::HigherIsBetter,
        definition: "Bookings ÷ (quota × the share of a period usually booked by this business day, from the median of past periods); straight-line when there are fewer than four past periods.",
        variants: &[],
    },
    Definition {
        id: "sales_velocity",
        name: "Sales velocity",
        unit: Unit::Money,
        direction: Direction::HigherIsBetter,
        definition: "Opportunities × win rate × average deal ÷ cycle days: the money a rep's pipeline turns into per day, shown by its levers, never ranked.",
        variants: &[],
    },
    Definition {
        id: "stage_conversion",
        name: "Stage conversion",
        unit: Unit::Ratio,
        direction: Direction::HigherIsBetter,
        definition: "Of the deals whose first entry into a stage fell in the period, the share that moved to a later stage or won (skipped stages count as passed; a lost deal is charged to the furthest open stage it reached). Hidden when fewer than 20 entered or fewer than 80% have moved on or closed; step rates are never multiplied.",
        variants: &["stage_conversion_entered_only"],
    },
    Definition {
        id: "stage_conversion_entered_only",
        name: "Stage conversion (entered stages only)",
        unit: Unit::Ratio,
        direction: Direction::HigherIsBetter,
        definition: "Stage conversion counting only stages a deal entered, not the ones it skipped.",
        variants: &[],
    },
    Definition {
        id: "time_in_stage_median_days",
        name: "Time in stage",
        unit: Unit::Days,
        direction: Direction::LowerIsBetter,
        definition: "The median (and 75th percentile) of days between entering a stage and leaving it, over stays that ended in the period (needs stage history).",
        variants: &[],
    },
    Definition {
        id: "stalled_deals",
        name: "Stalled deals",
        unit: Unit::Count,
        direction: Direction::LowerIsBetter,
        definition: "Open deals in their current stage longer than the 75th percentile of won deals' stays in that stage.",
        variants: &[],
    },
    Definition {
        id: "coverage",
        name: "Coverage",
        unit: Unit::Multiple,
        direction: Direction::HigherIsBetter,
        definition: "Open amount expected to close between the as-of date and the period's end, at or past the stage floor ÷ max(quota − booked, 0); \"quota met\" when nothing is left to book; past-due deals are not counted.",
        variants: &[
            "coverage_weighted",
            "coverage_commit_best_case",
            "coverage_full_quota",
            "required_coverage",
            "next_period_coverage",
        ],
    },
    Definition {
        id: "coverage_weighted",
        name: "Weighted coverage",
        unit: Unit::Multiple,
        direction: Direction::HigherIsBetter,
        definition: "Coverage with each amount multiplied by the deal's probability (its stage's median probability when it has none).",
        variants: &[],
    },
    Definition {
        id: "coverage_commit_best_case",
        name: "Commit + Best Case coverage",
        unit: Unit::Multiple,
        direction: Direction::HigherIsBetter,
        definition: "Coverage counting only deals in the Commit and Best Case forecast categories.",
        variants: &[],
    },
    Definition {
        id: "coverage_full_quota",
        name: "Coverage of the full quota",
        unit: Unit::Multiple,
        direction: Direction::HigherIsBetter,
        definition: "Open amount expected to close in the rest of the period ÷ the whole quota.",
        variants: &[],
    },
    Definition {
        id: "required_coverage",
        name: "Required coverage",
        unit: Unit::Multiple,
        direction: Direction::Neither,
        definition: "1 ÷ the share of pipeline won by a period's end, for this stage mix, from deals open at the same point of the last four periods.",
        variants: &[],
    },
    Definition {
        id: "next_period_coverage",
        name: "Next-period coverage",
        unit: Unit::Multiple,
        direction: Direction::HigherIsBetter,
        definition: "Open amount expected to close in the next period ÷ its quota, beside the same figure for this period at the same point before it began.",
        variants: &[],
    },
    Definition {
        id: "past_due_deals",
        name: "Past-due deals",
        unit: Unit::Count,
        direction: Direction::LowerIsBetter,
        definition: "Open deals whose expected close date is before the as-of date.",
        variants: &[],
    },
    Definition {
        id: "pushes",
        name: "Pushes",
        unit: Unit::Count,
        direction: Direction::LowerIsBetter,
        definition: "Changes of a deal's expected close date to a later date made in the period (from stage history or two exports); pulled-in changes are counted apart.",
        variants: &["pulled_in"],
    },
    Definition {
        id: "pulled_in",
        name: "Pulled in",
        unit: Unit::Count,
        direction: Direction::Neither,
        definition: "Changes of a deal's expected close date to an earlier date made in the period.",
        variants: &[],
    },
    Definition {
        id: "slipped_deals",
        name: "Slipped deals",
        unit: Unit::Count,
        direction: Direction::LowerIsBetter,
        definition: "Deals open on the reference date (the period's start unless set) with an expected close in the period, still open after it with a later expected close.",
        variants: &["slip_rate"],
    },
    Definition {
        id: "slip_rate",
        name: "Slip rate",
        unit: Unit::Ratio,
        direction: Direction::LowerIsBetter,
        definition: "Slipped deals ÷ deals open on the reference date with an expected close in the period.",
        variants: &[],
    },
    Definition {
        id: "deal_age_median_days",
        name: "Deal age",
        unit: Unit::Days,
        direction: Direction::LowerIsBetter,
        definition: "The median days since creation of the open deals on the as-of date.",
        variants: &[],
    },
    Definition {
        id: "stale_deals",
        name: "Stale deals",
        unit: Unit::Count,
        direction: Direction::LowerIsBetter,
        definition: "Open deals with no activity and no stage change for the stale threshold (30 days unless set).",
        variants: &[],
    },
    Definition {
        id: "top_deal_share",
        name: "Concentration",
        unit: Unit::Ratio,
        direction: Direction::LowerIsBetter,
        definition: "The share of a rep's open pipeline in their largest deal (and in their largest two).",
        variants: &[],
    },
    Definition {
        id: "pipeline_created_per_week",
        name: "Pipeline created per week",
        unit: Unit::Money,
        direction: Direction::HigherIsBetter,
        definition: "The amount (and number) of deals created in each week of the period.",
        variants: &[],
    },
    Definition {
        id: "activities_per_day",
        name: "Activities per working day",
        unit: Unit::Number,
        direction: Direction::HigherIsBetter,
        definition: "Completed calls, emails, meetings and tasks in the period ÷ the Monday-to-Friday days the rep was employed in it, up to the as-of date.",
        variants: &["calls_per_day", "connect_rate"],
    },
    Definition {
        id: "calls_per_day",
        name: "Calls per working day",
        unit: Unit::Number,
        direction: Direction::HigherIsBetter,
        definition: "Completed calls ÷ working days employed.",
        variants: &[],
    },
    Definition {
        id: "connect_rate",
        name: "Connect rate",
        unit: Unit::Ratio,
        direction: Direction::HigherIsBetter,
        definition: "Connected calls ÷ calls with an outcome.",
        variants: &[],
    },
    Definition {
        id: "activities_per_meeting",
        name: "Activities per meeting",
        unit: Unit::Number,
        direction: Direction::LowerIsBetter,
        definition: "Completed activities ÷ meetings held: the first link of the chain activities → meetings → opportunities → wins.",
        variants: &["meetings_per_opportunity", "opportunities_per_win"],
    },
    Definition {
        id: "meetings_per_opportunity",
        name: "Meetings per opportunity",
        unit: Unit::Number,
        direction: Direction::LowerIsBetter,
        definition: "Meetings held ÷ opportunities created.",
        variants: &[],
    },
    Definition {
        id: "opportunities_per_win",
        name: "Opportunities per win",
        unit: Unit::Number,
        direction: Direction::LowerIsBetter,
        definition: "Opportunities created ÷ deals won.",
        variants: &[],
    },
];

pub fn definition(id: &str) -> Option<&'static Definition> {
    DEFINITIONS.iter().find(|d| d.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_snake_case_and_variants_exist() {
        let mut ids: Vec<&str> = DEFINITIONS.iter().map(|d| d.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), DEFINITIONS.len());
        for d in DEFINITIONS {
            assert!(
                d.id.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                d.id
            );
            for v in d.variants {
                assert!(
                    definition(v).is_some(),
                    "{} names unknown variant {v}",
                    d.id
                );
            }
        }
    }

    #[test]
    fn a_change_is_better_the_way_its_metric_says() {
        // Table: (metric, delta, verdict).
        let cases = [
            ("bookings", 1_000.0, Verdict::Better),
            ("bookings", -1.0, Verdict::Worse),
            ("win_rate", 0.0, Verdict::Unchanged),
            // Lower is better: a shorter cycle is better, a longer one worse.
            ("sales_cycle_median_days", -3.0, Verdict::Better),
            ("sales_cycle_median_days", 2.5, Verdict::Worse),
            ("slip_rate", 0.05, Verdict::Worse),
            ("stale_deals", -4.0, Verdict::Better),
            // Neither way: a moved quota is not judged.
            ("quota", 5_000.0, Verdict::NotJudged),
            ("quota", 0.0, Verdict::Unchanged),
            ("bookings", f64::NAN, Verdict::NotJudged),
        ];
        for (metric, delta, verdict) in cases {
            let d = definition(metric).unwrap_or_else(|| panic!("no definition {metric}"));
            assert_eq!(d.direction.judge(delta), verdict, "{metric} {delta}");
        }
        assert_eq!(
            definition("sales_cycle_median_days").map(|d| d.direction),
            Some(Direction::LowerIsBetter)
        );
    }
}
