//! The settings that change the numbers: the period, scope, money, the lost-reason table, credit rules and
//! thresholds ([`MetricSettings`]), and the small vocabularies they use (deal type, lost category).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::metrics::money::Money;
use crate::engine::metrics::period::{Calendar, PeriodSpec};
use crate::engine::model::SalesModel;
// The categories of lost reasons are words of the model; the settings hold the user's choices of them.
use crate::engine::model::words::fold;
pub use crate::engine::model::words::{LostCategory, lost_category};

/// What kind of business a deal is, from its type text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealType {
    NewBusiness,
    Expansion,
    Renewal,
    Other,
}

impl DealType {
    pub fn of(text: &str) -> DealType {
        let f = fold(text).replace(' ', "");
        if f.contains("renew") || f.contains("renov") {
            DealType::Renewal
        } else if f.contains("new") || f.contains("nuevo") || f.contains("nouveau") {
            DealType::NewBusiness
        } else if [
            "expan",
            "upsell",
            "upgrade",
            "existing",
            "crosssell",
            "addon",
            "existente",
        ]
        .iter()
        .any(|w| f.contains(w))
        {
            DealType::Expansion
        } else {
            DealType::Other
        }
    }
}

/// A row of the user-editable lost-reason table: a reason (as the export writes it) and its category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostReasonRule {
    pub reason: String,
    pub category: LostCategory,
}

/// Who gets credit for a deal created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OppsCredit {
    #[default]
    Owner,
    /// Whoever created the deal (SDR credit).
    Creator,
}

/// Which deals count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// Pipelines to include (all when empty).
    #[serde(default)]
    pub pipelines: Vec<String>,
    #[serde(default)]
    pub deal_types: Vec<DealType>,
    /// Roles of reps to include.
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub teams: Vec<String>,
    /// Rep names to include.
    #[serde(default)]
    pub reps: Vec<String>,
}

impl Scope {
    pub fn sentence(&self) -> String {
        let list = |items: &[String]| items.join(", ");
        let mut parts = Vec::new();
        parts.push(if self.pipelines.is_empty() {
            "all pipelines".to_owned()
        } else {
            format!("pipelines {}", list(&self.pipelines))
        });
        parts.push(if self.deal_types.is_empty() {
            "all deal types".to_owned()
        } else {
            let types: Vec<String> = self.deal_types.iter().map(|t| format!("{t:?}")).collect();
            format!("deal types {}", types.join(", "))
        });
        if !self.teams.is_empty() {
            parts.push(format!("teams {}", list(&self.teams)));
        }
        if !self.roles.is_empty() {
            parts.push(format!("roles {}", list(&self.roles)));
        }
        if !self.reps.is_empty() {
            parts.push(format!("reps {}", list(&self.reps)));
        }
        format!("Scope: {}.", parts.join("; "))
    }
}

/// Everything that changes the numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSettings {
    /// "Today" for the numbers; the latest date in the data when not given.
    #[serde(default)]
    pub as_of: Option<NaiveDate>,
    pub period: PeriodSpec,
    #[serde(default)]
    pub calendar: Calendar,
    #[serde(default)]
    pub money: Money,
    #[serde(default)]
    pub scope: Scope,
    /// Overrides of the default lost-reason categories.
    #[serde(default)]
    pub lost_reasons: Vec<LostReasonRule>,
    /// Count no-decision losses as lost in win rates (the default) or leave them out.
    #[serde(default = "yes")]
    pub no_decision_is_lost: bool,
    /// A raw stage name for the stage-floor win rate.
    #[serde(default)]
    pub stage_floor: Option<String>,
    /// Share of quota a new rep carries in each month since starting (e.g. 0.25, 0.5, 0.75), then 100%.
    #[serde(default)]
    pub ramp: Vec<f64>,
    #[serde(default)]
    pub opps_credit: OppsCredit,
    /// An open deal with no activity and no stage change for this many days is stale.
    #[serde(default = "thirty")]
    pub stale_days: u32,
    /// The day whose expected close dates define "slipped from the period" (default: the period's start).
    #[serde(default)]
    pub slip_reference: Option<NaiveDate>,
    /// Count skipped stages as passed in the funnel (the default) or only stages a deal entered.
    #[serde(default = "yes")]
    pub skipped_stages_pass: bool,
}

fn yes() -> bool {
    true
}

fn thirty() -> u32 {
    30
}

impl Default for MetricSettings {
    fn default() -> Self {
        MetricSettings {
            as_of: None,
            period: PeriodSpec::All,
            calendar: Calendar::default(),
            money: Money::default(),
            scope: Scope::default(),
            lost_reasons: Vec::new(),
            no_decision_is_lost: true,
            stage_floor: None,
            ramp: Vec::new(),
            opps_credit: OppsCredit::Owner,
            stale_days: 30,
            slip_reference: None,
            skipped_stages_pass: true,
        }
    }
}

impl MetricSettings {
    /// These settings with the CRM's fiscal calendar (a Salesforce `Period` export in the files) when the
    /// user has set no calendar of their own. The one place this default is decided, for the app and CLI.
    pub fn with_model_calendar(&self, model: &SalesModel) -> MetricSettings {
        let mut settings = self.clone();
        if settings.calendar.periods.is_empty() && settings.calendar.fiscal_start_month == 1 {
            settings.calendar.periods = model.periods.clone();
        }
        settings
    }
}
