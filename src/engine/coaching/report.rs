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

/// Who a rep is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Peers {
    /// "same team (Inside Sales)", "the rest of the team".
    pub basis: String,
    pub size: u64,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachReport {
    pub period: Span,
    /// The history the rates are measured over (the 12 months to the as-of day).
    pub window: Span,
    pub as_of: NaiveDate,
    pub currency: String,
    pub team: TeamCoaching,
    pub reps: Vec<RepCoaching>,
    /// The rules, in words: who peers are, the thresholds, how impact is valued, that impacts do not add.
    pub notes: Vec<String>,
}
