//! The coaching answer, as `pipelens coach --format json` prints it and the app lays it out.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What an insight is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    PipelineShortfall,
    StageLeak,
    Stalled,
    CloseDateCredibility,
    ForecastAccuracy,
    DealSizeDrift,
    BusyNotConverting,
    Concentration,
    WhereWins,
    ActivityDrop,
    WinRate,
    /// A ramping rep booking well under the team's history at the same tenure.
    Ramp,
    /// A stage the rep converts well above peers (a strength, not an insight to fix).
    StageStrength,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::PipelineShortfall => "Pipeline shortfall",
            Kind::StageLeak => "Stage leak",
            Kind::Stalled => "Stalled deals",
            Kind::CloseDateCredibility => "Close-date credibility",
            Kind::ForecastAccuracy => "Forecast accuracy",
            Kind::DealSizeDrift => "Deal size drift",
            Kind::BusyNotConverting => "Busy but not converting",
            Kind::Concentration => "Concentration",
            Kind::WhereWins => "Where the rep wins",
            Kind::ActivityDrop => "Activity falling",
            Kind::WinRate => "Win rate",
            Kind::Ramp => "Ramp behind the team",
            Kind::StageStrength => "Strength",
        }
    }
}

/// One thing to work on (or to keep), with what it is worth and what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Insight {
    pub kind: Kind,
    /// The stage deals leak from, stall in or convert well through (`None` for other kinds).
    pub stage: Option<String>,
    pub text: String,
    /// In home-currency units over the window (or the period, for period kinds); `None` when it has no
    /// money value (a strength's is what it earns over the peer median).
    pub impact: Option<f64>,
    /// How the impact is computed, in words with the numbers put in.
    pub impact_math: String,
    /// 0–1: for a rate, the share of the rep's 80% interval on the far side of the peer median is 1 by
    /// construction, so this is the interval's distance from the median over the median; for counts, 1.
    pub confidence: f64,
    /// The cases the insight rests on (decided deals at the stage, deals in the period …).
    pub denominator: u64,
    pub rep_value: Option<f64>,
    pub peer_value: Option<f64>,
    /// The rep's 80% interval (shrunk toward the peers), for rate-based kinds.
    pub interval: Option<(f64, f64)>,
    /// The CRM's own ids of the deals behind it.
    pub deals: Vec<String>,
}

impl Insight {
    /// What the insight rests on, in words with each value in its unit: "27 cases · rep 25.9% · peer
    /// median 59.0% · 80% interval 18.0%–34.2%".
    pub fn facts(&self) -> String {
        use crate::engine::numfmt::{money, percent};
        let rate = |v: f64| percent(Some(v));
        let cash = |v: f64| money(Some(v));
        let per_day = |v: f64| format!("{v:.1} a working day");
        let times = |v: f64| format!("{v:.2}× the call");
        let count = |v: f64| format!("{v:.0}");
        let (cases, show, rep, other): (&str, &dyn Fn(f64) -> String, &str, &str) = match self.kind
        {
            Kind::StageLeak | Kind::StageStrength | Kind::WinRate | Kind::BusyNotConverting => {
                ("decided deals", &rate, "rep", "peer median")
            }
            Kind::CloseDateCredibility => {
                ("deals expected in the period", &rate, "rep", "peer median")
            }
            Kind::WhereWins => (
                "decided deals in the segment",
                &rate,
                "segment",
                "the rep's other deals",
            ),
            Kind::DealSizeDrift => ("won deals", &cash, "recent average", "earlier average"),
            Kind::ActivityDrop => ("activities", &per_day, "recent", "the rep's earlier pace"),
            Kind::ForecastAccuracy => ("months", &times, "closed", "peers' median"),
            Kind::Ramp => (
                "reps compared",
                &cash,
                "booked",
                "team median at the same tenure",
            ),
            Kind::Stalled => ("stalled deals", &count, "deals", ""),
            Kind::Concentration => (
                "open deals closing in the period",
                &rate,
                "largest deal's share",
                "",
            ),
            Kind::PipelineShortfall => ("open deals", &cash, "expected from the open pipeline", ""),
        };
        let mut out = format!("{} {cases}", self.denominator);
        if let Some(v) = self.rep_value {
            out += &format!(" · {rep} {}", show(v));
        }
        if let (Some(v), false) = (self.peer_value, other.is_empty()) {
            out += &format!(" · {other} {}", show(v));
        }
        if let Some((a, b)) = self.interval {
            out += &format!(" · 80% interval {}–{}", rate(a), rate(b));
        }
        out
    }
}

/// Who a rep is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Peers {
    /// "same team (Inside Sales)", "the rest of the team".
    pub basis: String,
    pub size: u64,
}

/// Where a ramping rep stands against the team at the same tenure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ramp {
    pub started_on: NaiveDate,
    /// "the roster's start date" or "their first deal in the data".
    pub started_from: String,
    pub tenure_days: i64,
    pub booked: f64,
    pub won: u64,
    pub created: u64,
    /// The medians of the reps compared, over their own first `tenure_days`; `None` with too few reps.
    pub team_booked_median: Option<f64>,
    pub team_created_median: Option<f64>,
    pub reps_compared: u64,
    pub text: String,
}

/// One rep's coaching.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepCoaching {
    pub rep: String,
    pub rep_id: Option<String>,
    pub peers: Peers,
    /// Fewer than the decided deals a rate needs: nothing rate-based is said about the rep.
    pub limited_history: bool,
    pub decided_deals: u64,
    /// Set for a rep in their first months: compared with the team at the same tenure, not with tenured
    /// peers' rates.
    #[serde(default)]
    pub ramp: Option<Ramp>,
    /// Largest impact first.
    pub insights: Vec<Insight>,
    pub strengths: Vec<Insight>,
    /// What the reverse funnel starts from, and the plan as the rep is today (no lever moved).
    pub plan_inputs: crate::engine::coaching::whatif::PlanInputs,
    pub plan: crate::engine::coaching::whatif::Plan,
}

/// One line of the team's ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    pub rep: String,
    pub kind: Kind,
    pub stage: Option<String>,
    pub impact: f64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamCoaching {
    /// Every rep's insights with an impact, largest first.
    pub ranked: Vec<Ranked>,
}

/// The window the rates are measured over and the period the period kinds look at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// One rep's bubble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub rep: String,
    pub activity_per_day: f64,
    pub win_rate: f64,
    pub decided_deals: u64,
    /// Home units won over the window (the bubble's area).
    pub bookings: f64,
    /// Fewer than the decided deals a rate-based insight needs: drawn hollow.
    pub limited_history: bool,
}

/// The picture's data: the bubbles, the quadrant lines and what was left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityWin {
    pub points: Vec<Point>,
    /// The median of the reps' activities a working day.
    pub median_activity_per_day: Option<f64>,
    /// The median win rate of the reps with enough decided deals to count.
    pub median_win_rate: Option<f64>,
    /// Reps without activities or without a decided deal, who are not drawn.
    pub left_out: Vec<String>,
    pub note: String,
}

/// One rep's capacity line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepCapacity {
    pub rep: String,
    pub manager: Option<String>,
    pub quota: Option<f64>,
    pub booked: f64,
    /// The open pipeline closing in the period × the win rate.
    pub from_open: f64,
    /// New opportunities at today's activity pace that can still close, × win rate × deal size.
    pub from_new: f64,
    pub expected: f64,
    /// expected ÷ quota.
    pub share_of_quota: Option<f64>,
}

/// A sum of reps: a manager's team or the whole team.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rollup {
    /// The manager's name; "The team" for the whole team; "(no manager)".
    pub name: String,
    pub reps: u64,
    /// The sum of the quotas given (reps without one count nothing).
    pub quota: f64,
    pub booked: f64,
    pub expected: f64,
    pub share_of_quota: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Capacity {
    pub reps: Vec<RepCapacity>,
    pub managers: Vec<Rollup>,
    pub team: Rollup,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachReport {
    pub period: Span,
    /// The history the rates are measured over (the 12 months to the as-of day).
    pub window: Span,
    pub as_of: NaiveDate,
    pub currency: String,
    pub team: TeamCoaching,
    pub reps: Vec<RepCoaching>,
    /// People's first picture: activity a working day against win rate per rep.
    pub picture: ActivityWin,
    /// Planning's capacity: expected bookings at today's pace against quota, by rep, manager and team.
    pub capacity: Capacity,
    /// The rules, in words: who peers are, the thresholds, how impact is valued, that impacts do not add.
    pub notes: Vec<String>,
}
