//! Definitions: every metric's stable id, name, unit and one-line definition — the text the UI shows on
//! hover and the CLI prints — so a number is never shown without saying what it counts.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    /// Home-currency amount.
    Money,
    /// 0–1, shown as a percentage.
    Ratio,
    Days,
}

/// What a metric means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub id: &'static str,
    pub name: &'static str,
    pub unit: Unit,
    pub definition: &'static str,
    /// Other ways to count it, by id.
    pub variants: &'static [&'static str],
}

pub const DEFINITIONS: &[Definition] = &[
    Definition {
        id: "deals_won",
        name: "Deals won",
        unit: Unit::Count,
        definition: "Won deals whose close date (closed_on) falls in the period, credited to the owner at close.",
        variants: &[],
    },
    Definition {
        id: "deals_lost",
        name: "Deals lost",
        unit: Unit::Count,
        definition: "Lost deals whose close date falls in the period; disqualified deals and excluded duplicates are not counted.",
        variants: &[],
    },
    Definition {
        id: "bookings",
        name: "Bookings",
        unit: Unit::Money,
        definition: "The sum of won amounts closed in the period, in the home currency (net: zero and negative amounts count).",
        variants: &[],
    },
    Definition {
        id: "win_rate",
        name: "Win rate",
        unit: Unit::Ratio,
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
        definition: "Won amount ÷ (won + lost amount) among deals closed in the period.",
        variants: &[],
    },
    Definition {
        id: "win_rate_stage_floor",
        name: "Win rate past a stage",
        unit: Unit::Ratio,
        definition: "Win rate among deals closed in the period that reached the chosen stage (needs stage history for lost deals).",
        variants: &[],
    },
    Definition {
        id: "win_rate_cohort",
        name: "Win rate of the period's new deals",
        unit: Unit::Ratio,
        definition: "Won ÷ (won + lost) among deals created in the period, shown only once 90% of them have closed.",
        variants: &[],
    },
    Definition {
        id: "avg_deal_size",
        name: "Average deal",
        unit: Unit::Money,
        definition: "The mean amount of deals won in the period (amounts above zero only).",
        variants: &["median_deal_size"],
    },
    Definition {
        id: "median_deal_size",
        name: "Median deal",
        unit: Unit::Money,
        definition: "The middle amount of deals won in the period (the lower middle when their number is even).",
        variants: &[],
    },
    Definition {
        id: "sales_cycle_median_days",
        name: "Sales cycle",
        unit: Unit::Days,
        definition: "The median days from creation to close of deals won in the period (lower median).",
        variants: &["sales_cycle_from_qualified_median_days"],
    },
    Definition {
        id: "sales_cycle_from_qualified_median_days",
        name: "Sales cycle from qualification",
        unit: Unit::Days,
        definition: "The median days from first entering a qualification-or-later stage to close, over deals won in the period (needs stage history).",
        variants: &[],
    },
    Definition {
        id: "time_to_lose_median_days",
        name: "Time to lose",
        unit: Unit::Days,
        definition: "The median days from creation to close of deals lost in the period (lower median).",
        variants: &[],
    },
    Definition {
        id: "opps_created",
        name: "Opportunities created",
        unit: Unit::Count,
        definition: "Deals created in the period, credited to their owner (or, as a variant, to whoever created them).",
        variants: &["opps_created_value"],
    },
    Definition {
        id: "opps_created_value",
        name: "Value created",
        unit: Unit::Money,
        definition: "The amount of deals created in the period, in the home currency.",
        variants: &[],
    },
    Definition {
        id: "quota",
        name: "Quota",
        unit: Unit::Money,
        definition: "The rep's quota for the period: quotas overlapping it, prorated by days, following the ramp schedule when one is set.",
        variants: &[],
    },
    Definition {
        id: "attainment",
        name: "Attainment",
        unit: Unit::Ratio,
        definition: "Bookings ÷ quota; empty when there is no quota (a team's shared quota gives its reps none).",
        variants: &[],
    },
    Definition {
        id: "pacing",
        name: "Pacing",
        unit: Unit::Ratio,
        definition: "Bookings ÷ (quota × the share of a period usually booked by this business day, from the median of past periods); straight-line when there are fewer than four past periods.",
        variants: &[],
    },
    Definition {
        id: "sales_velocity",
        name: "Sales velocity",
        unit: Unit::Money,
        definition: "Opportunities × win rate × average deal ÷ cycle days: the money a rep's pipeline turns into per day, shown by its levers, never ranked.",
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
}
