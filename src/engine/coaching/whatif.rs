//! The reverse funnel and the what-if: from the quota still to book, less what the rep's open pipeline
//! closing in the period is expected to bring at their win rate, the wins, opportunities, meetings and
//! activities a rep needs, at the rep's own rates over the window (the team's where the rep's sample is too
//! small, and said so), against what the rep does today — and the same plan with levers moved ("win rate
//! +5 points", "deal size +10%", "cycle −10 days", "one more meeting a day"). Pure arithmetic, answered at
//! once: the page moves a slider and the engine recomputes.

use serde::{Deserialize, Serialize};

use crate::engine::numfmt::{money, percent};

/// Working days in a calendar week, for turning a cycle in days into working days.
const WORKING_SHARE: f64 = 5.0 / 7.0;

/// What a rep's plan starts from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanInputs {
    pub rep: String,
    /// Quota − booked in the period (at least 0); `None` without a quota.
    pub gap: Option<f64>,
    /// The rep's open deals expected to close in the period (their amount).
    #[serde(default)]
    pub open_amount: f64,
    pub win_rate: Option<f64>,
    pub avg_deal: Option<f64>,
    /// The median days from created to won.
    pub cycle_days: Option<f64>,
    pub activities_per_opportunity: Option<f64>,
    /// The rep's activities per working day over the window.
    pub activities_per_day_now: Option<f64>,
    /// Meetings held per opportunity created over the window (the rep's own).
    #[serde(default)]
    pub meetings_per_opportunity: Option<f64>,
    /// Meetings the rep holds a week today (over the window's working days).
    #[serde(default)]
    pub meetings_per_week_now: Option<f64>,
    /// Mon–Fri days after the as-of day up to the period's end.
    pub days_left: i64,
    /// Which of the rates are the team's, in words (empty when all are the rep's own).
    pub from_team: Vec<String>,
}

/// How far each lever is moved (0: as the rep is today).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Levers {
    /// Added to the win rate, in points of 0–1 (0.05 = +5 points).
    #[serde(default)]
    pub win_rate_points: f64,
    /// Added to the average won amount, as a share (0.10 = +10%).
    #[serde(default)]
    pub deal_size_share: f64,
    /// Added to the sales cycle, in days (−10 = ten days shorter).
    #[serde(default)]
    pub cycle_days: f64,
    /// Added to what the rep does a working day, in activities (a meeting is one).
    #[serde(default)]
    pub per_day: f64,
}

/// The plan: what it takes, and how it compares with today.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub levers: Levers,
    /// What the open pipeline is expected to bring at the win rate, and what is left for new
    /// opportunities.
    pub from_open: Option<f64>,
    pub from_new: Option<f64>,
    pub win_rate: Option<f64>,
    pub avg_deal: Option<f64>,
    pub cycle_days: Option<f64>,
    pub wins: Option<f64>,
    pub opportunities: Option<f64>,
    pub activities: Option<f64>,
    /// The meetings the new opportunities take at the rep's meetings per opportunity, and a week of them.
    #[serde(default)]
    pub meetings: Option<f64>,
    #[serde(default)]
    pub meetings_per_week: Option<f64>,
    /// Working days left in which an opportunity created can still close in the period (a cycle before
    /// its end); under one, nothing created now closes in time.
    pub creation_days: Option<f64>,
    pub activities_per_day: Option<f64>,
    /// What the rep does a working day today, with the `per_day` lever added.
    pub per_day_capacity: Option<f64>,
    /// capacity ÷ needed per day (1 or more: the plan is within reach at today's pace).
    pub covered: Option<f64>,
    /// The plan in a sentence, or what is missing for it.
    pub sentence: String,
    /// The forecast's chance of quota with the levers moved (given the forecast's odds), and how.
    #[serde(default)]
    pub chance_of_quota: Option<f64>,
    #[serde(default)]
    pub chance_math: Option<String>,
}

/// The forecast's view of the rep's period, for the chance of quota to move with the levers: its chance
/// (the Monte Carlo's) and its P10–P90.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Odds {
    pub quota: f64,
    pub chance_of_quota: f64,
    pub p10: f64,
    pub p90: f64,
}

impl Odds {
    /// The odds of a forecast row with a range, a quota and a chance.
    pub fn of(row: &crate::engine::forecast::report::ForecastRow) -> Option<Odds> {
        if !row.distribution {
            return None;
        }
        Some(Odds {
            quota: row.quota?,
            chance_of_quota: row.chance_of_quota?,
            p10: row.p10?,
            p90: row.p90?,
        })
    }
}

/// What the rep's current activity a working day (with the lever) brings in new opportunities that can
/// still close in the period: per day × creation days ÷ activities per opportunity × win rate × deal size.
pub fn from_new_at_pace(inputs: &PlanInputs, plan: &Plan) -> f64 {
    match (
        plan.per_day_capacity,
        plan.creation_days,
        positive(inputs.activities_per_opportunity),
        plan.win_rate,
        plan.avg_deal,
    ) {
        (Some(per_day), Some(days), Some(per_opp), Some(rate), Some(deal)) => {
            per_day * days / per_opp * rate * deal
        }
        _ => 0.0,
    }
}

/// z of the 90th percentile of the standard normal.
const Z90: f64 = 1.281_551_565_545;

/// The plan of `inputs` with `levers` moved and, given the forecast's `odds`, the chance of quota moved
/// with them: the forecast's distribution (its P10–P90 read as a normal's spread) shifted by what the
/// levers add to the expected bookings at today's pace (open × win rate + new at pace), anchored on the
/// forecast's own chance so that no lever gives the forecast's number exactly.
pub fn plan_with_odds(inputs: &PlanInputs, levers: Levers, odds: Option<Odds>) -> Plan {
    let mut moved = plan(inputs, levers);
    let Some(o) = odds else {
        return moved;
    };
    let sigma = (o.p90 - o.p10) / (2.0 * Z90);
    let Ok(normal) = statrs::distribution::Normal::new(0.0, 1.0) else {
        return moved;
    };
    use statrs::distribution::ContinuousCDF;
    if !(sigma.is_finite() && sigma > 0.0) {
        return moved;
    }
    let still = plan(inputs, Levers::default());
    let rest = |p: &Plan| p.from_open.unwrap_or(0.0) + from_new_at_pace(inputs, p);
    let delta = rest(&moved) - rest(&still);
    let chance0 = o.chance_of_quota.clamp(0.001, 0.999);
    let z0 = normal.inverse_cdf(1.0 - chance0);
    let chance = 1.0 - normal.cdf(z0 - delta / sigma);
    moved.chance_math = Some(format!(
        "The forecast gives {} of reaching {} (P10–P90 {}–{}, read as a spread of {}); the levers add {} to the expected bookings at today's pace (open × win rate + new opportunities at today's activity), so the chance moves to {} — the forecast's range shifted, not a new simulation.",
        percent(Some(o.chance_of_quota)),
        money(Some(o.quota)),
        money(Some(o.p10)),
        money(Some(o.p90)),
        money(Some(sigma)),
        money(Some(delta)),
        percent(Some(chance))
    ));
    moved.chance_of_quota = Some(chance);
    moved
}

fn positive(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite() && *v > 0.0)
}

/// The plan of `inputs` with `levers` moved.
pub fn plan(inputs: &PlanInputs, levers: Levers) -> Plan {
    let win_rate = positive(inputs.win_rate).map(|r| (r + levers.win_rate_points).clamp(0.01, 1.0));
    let avg_deal = positive(inputs.avg_deal).map(|a| a * (1.0 + levers.deal_size_share).max(0.01));
    let cycle_days = inputs.cycle_days.map(|c| (c + levers.cycle_days).max(0.0));
    let gap = inputs.gap.filter(|g| g.is_finite() && *g >= 0.0);
    let from_open = win_rate.map(|r| inputs.open_amount.max(0.0) * r);
    let from_new = gap.zip(from_open).map(|(g, o)| (g - o).max(0.0));
    let wins = from_new.zip(avg_deal).map(|(g, a)| g / a);
    let opportunities = wins.zip(win_rate).map(|(w, r)| w / r);
    let activities = opportunities
        .zip(positive(inputs.activities_per_opportunity))
        .map(|(o, per)| o * per);
    let creation_days = cycle_days.map(|c| (inputs.days_left as f64 - c * WORKING_SHARE).max(0.0));
    // Less than a working day to create in is no time at all (the rate a day would be meaningless).
    let activities_per_day = activities
        .zip(creation_days.filter(|d| *d >= 1.0))
        .map(|(a, d)| a / d);
    let meetings = opportunities
        .zip(positive(inputs.meetings_per_opportunity))
        .map(|(o, per)| o * per);
    let meetings_per_week = meetings
        .zip(creation_days.filter(|d| *d >= 1.0))
        .map(|(m, d)| m / (d / 5.0));
    let per_day_capacity = inputs
        .activities_per_day_now
        .map(|n| (n + levers.per_day).max(0.0));
    let covered = per_day_capacity
        .zip(activities_per_day.filter(|n| *n > 0.0))
        .map(|(c, n)| c / n);
    let open_text = format!(
        "the open {} at a {} win rate brings about {}",
        money(Some(inputs.open_amount)),
        percent(win_rate),
        money(from_open)
    );
    let sentence = match (gap, wins, opportunities, creation_days, activities_per_day) {
        (None, ..) => "No quota for this period: nothing to plan toward.".to_owned(),
        (Some(0.0), ..) => "Quota is met for this period.".to_owned(),
        (Some(g), ..) if from_new == Some(0.0) => {
            format!(
                "{} to go, and {open_text}: no new opportunity is needed if it closes as usual.",
                money(Some(g))
            )
        }
        (Some(_), None, ..) => "No won deals in the window to size the gap by.".to_owned(),
        (Some(_), Some(_), None, ..) => "No win rate in the window.".to_owned(),
        (Some(_), Some(_), Some(_), Some(d), _) if d < 1.0 => format!(
            "At a {} cycle, no opportunity created now closes by the period's end: the gap must come from the open pipeline.",
            cycle_days.map_or("—".to_owned(), |c| format!("{c:.0}-day"))
        ),
        (Some(g), Some(w), Some(o), _, per_day) => format!(
            "{} to go; {open_text}, leaving {}: {w:.1} wins at {} each, so {o:.1} new opportunities at a {} win rate{}{}.",
            money(Some(g)),
            money(from_new),
            money(avg_deal),
            percent(win_rate),
            match (meetings_per_week, inputs.meetings_per_week_now) {
                (Some(m), Some(now)) => format!(", {m:.1} meetings a week against {now:.1} today"),
                (Some(m), None) => format!(", {m:.1} meetings a week"),
                _ => String::new(),
            },
            match (per_day, per_day_capacity) {
                (Some(n), Some(c)) => format!(
                    ", {n:.1} activities a working day against {c:.1} today ({} of the plan)",
                    percent(covered.map(|x| x.min(9.99)))
                ),
                (Some(n), None) => format!(", {n:.1} activities a working day"),
                _ => String::new(),
            }
        ),
    };
    Plan {
        levers,
        from_open,
        from_new,
        win_rate,
        avg_deal,
        cycle_days,
        wins,
        opportunities,
        activities,
        meetings,
        meetings_per_week,
        creation_days,
        activities_per_day,
        per_day_capacity,
        covered,
        sentence,
        chance_of_quota: None,
        chance_math: None,
    }
}
