//! Compute: per-rep and team performance metrics over a period, by the definitions in
//! [`crate::engine::metrics::definitions`]. One pass over the deals sorts each into its rep's sets (won,
//! lost, created …); every number is derived from those sets, so the same sets can later show the deals
//! behind it. Undefined values are `None` (JSON `null`) — never NaN, never a silent 0.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::engine::metrics::activity::{ActivityReport, activity};
use crate::engine::metrics::context::{MetricContext, context};
use crate::engine::metrics::money::{Money, Sum, Unconverted};
use crate::engine::metrics::period::{Calendar, DateRange, PeriodSpec, business_days};
use crate::engine::metrics::pipeline::{PipelineReport, pipeline};
use crate::engine::metrics::process::{ProcessReport, process};
use crate::engine::model::words::{Outcome, StandardStage, fold};
use crate::engine::model::{DealIx, DealStatus, RepIx, SalesModel, Sym};

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

/// Why a deal was lost, in the three categories win rates treat differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LostCategory {
    Competitive,
    NoDecision,
    Disqualified,
    Other,
}

/// A row of the user-editable lost-reason table: a reason (as the export writes it) and its category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostReasonRule {
    pub reason: String,
    pub category: LostCategory,
}

/// The default category of a lost reason, from its words.
pub fn lost_category(reason: &str) -> LostCategory {
    let f = fold(reason);
    let any = |words: &[&str]| words.iter().any(|w| f.contains(w));
    if any(&[
        "disqualif",
        "duplicate",
        "duplicado",
        "spam",
        "not a fit",
        "no fit",
        "bad data",
        "invalid",
        "test",
        "wrong contact",
        "descalific",
        "unqualif",
    ]) {
        LostCategory::Disqualified
    } else if any(&[
        "no decision",
        "no budget",
        "budget",
        "timing",
        "went dark",
        "unresponsive",
        "no response",
        "on hold",
        "stalled",
        "sin respuesta",
        "sin presupuesto",
        "no interest",
        "did nothing",
        "status quo",
    ]) {
        LostCategory::NoDecision
    } else if any(&[
        "competit",
        "went with",
        "lost to",
        "chose",
        "price",
        "pricing",
        "feature",
        "competencia",
        "precio",
    ]) {
        LostCategory::Competitive
    } else {
        LostCategory::Other
    }
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

/// The levers of sales velocity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Velocity {
    pub opportunities: u64,
    pub win_rate: Option<f64>,
    pub avg_deal_size: Option<f64>,
    pub cycle_days: Option<f64>,
    /// opportunities × win rate × average deal ÷ cycle days.
    pub per_day: Option<f64>,
}

/// Every metric for one rep (or the team). Amounts are in home-currency units.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepMetrics {
    /// Index of the rep in the model's roster; `None` for deals without an owner and for the team.
    #[serde(skip)]
    pub rep_ix: Option<RepIx>,
    /// The rep's stable identity (a normalised e-mail or name); `None` for "(no owner)" and the team.
    pub rep_id: Option<String>,
    pub rep: String,
    pub team: Option<String>,
    pub active: bool,
    pub deals_won: u64,
    pub deals_lost: u64,
    pub deals_disqualified: u64,
    pub bookings: Option<f64>,
    pub win_rate: Option<f64>,
    /// won + lost: the sample a win rate rests on.
    pub win_rate_n: u64,
    pub win_rate_by_value: Option<f64>,
    pub win_rate_stage_floor: Option<f64>,
    pub win_rate_stage_floor_n: u64,
    pub win_rate_cohort: Option<f64>,
    pub cohort_closed_share: Option<f64>,
    pub avg_deal_size: Option<f64>,
    pub median_deal_size: Option<f64>,
    pub sales_cycle_median_days: Option<f64>,
    pub sales_cycle_from_qualified_median_days: Option<f64>,
    pub time_to_lose_median_days: Option<f64>,
    pub opps_created: u64,
    pub opps_created_value: Option<f64>,
    pub quota: Option<f64>,
    pub attainment: Option<f64>,
    pub pacing: Option<f64>,
    pub velocity: Velocity,
}

/// A count explained against a CRM report's: what was taken out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    pub metric: String,
    /// Deals of this outcome in the model before any filter.
    pub in_files: u64,
    pub counted: u64,
    /// (reason, deals) in the order they were taken out.
    pub removed: Vec<(String, u64)>,
    /// Sentences about counts a CRM report filtered by Close Date would differ on.
    pub notes: Vec<String>,
}

/// The period, how money was converted, and what was assumed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PeriodInfo {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub as_of: NaiveDate,
    /// How the as-of date was chosen.
    pub as_of_from: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MoneyInfo {
    pub unconverted: Vec<Unconverted>,
    /// Some amounts had no rate: sums leave them out.
    pub incomplete: bool,
}

/// All metrics for a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricsReport {
    pub period: PeriodInfo,
    pub home_currency: String,
    pub team: RepMetrics,
    /// The median of each metric over the reps who have not left (reps who have left count in the team
    /// totals only).
    pub team_median: RepMetrics,
    pub reps: Vec<RepMetrics>,
    pub money: MoneyInfo,
    pub reconciliation: Vec<Reconciliation>,
    pub scope: String,
    /// Every assumption behind the numbers, as sentences.
    pub assumptions: Vec<String>,
    #[serde(default)]
    pub process: ProcessReport,
    #[serde(default)]
    pub pipeline: PipelineReport,
    #[serde(default)]
    pub activity: ActivityReport,
    /// Each metric across the reps, against the previous period and the year before.
    #[serde(default)]
    pub context: Vec<MetricContext>,
    /// The periods the changes compare with (previous, then a year before), each up to the same day.
    #[serde(default)]
    pub compared_with: Vec<PeriodInfo>,
}

/// Why metrics could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsError {
    NoDeals,
    Period(String),
    /// A metric or rep `explain` does not know, with what is valid.
    Explain(String),
}

impl std::fmt::Display for MetricsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MetricsError::NoDeals => write!(f, "no deals are loaded: import a deals export first"),
            MetricsError::Period(why) | MetricsError::Explain(why) => write!(f, "{why}"),
        }
    }
}

/// The lower median (the smaller of the two middle values when their number is even).
pub fn lower_median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[(values.len() - 1) / 2])
}

/// The latest date the data mentions: the default "today".
pub fn latest_date(model: &SalesModel) -> Option<NaiveDate> {
    let d = &model.deals;
    let deal_dates = (0..d.len())
        .flat_map(|i| [d.created_on[i], d.closed_on[i]])
        .flatten();
    let history = model.history.at.iter().map(|t| t.date());
    let activities = model.activities.at.iter().flatten().map(|t| t.date());
    deal_dates.chain(history).chain(activities).max()
}

fn earliest_date(model: &SalesModel) -> Option<NaiveDate> {
    let d = &model.deals;
    (0..d.len())
        .flat_map(|i| [d.created_on[i], d.closed_on[i], d.expected_close_on[i]])
        .flatten()
        .min()
}

/// The per-deal facts every metric uses, computed once.
pub struct Prepared<'a> {
    pub model: &'a SalesModel,
    pub settings: &'a MetricSettings,
    pub period: DateRange,
    pub as_of: NaiveDate,
    pub as_of_from: String,
    /// The deal counts at all (in scope, not excluded).
    pub in_scope: Vec<bool>,
    pub lost_category: Vec<Option<LostCategory>>,
    /// Deals with stage history.
    pub has_history: Vec<bool>,
    /// The first day each deal entered a qualification-or-later stage, from history.
    pub qualified_on: Vec<Option<NaiveDate>>,
    /// The highest open-stage order each deal reached (from history and its current stage).
    pub furthest_order: Vec<Option<u32>>,
    /// Each rep passes the scope's rep filters (role, team, rep).
    pub rep_allowed: Vec<bool>,
    /// Some rep filter is set.
    pub rep_filtered: bool,
}

impl<'a> Prepared<'a> {
    pub fn new(
        model: &'a SalesModel,
        settings: &'a MetricSettings,
    ) -> Result<Prepared<'a>, MetricsError> {
        if model.deals.is_empty() {
            return Err(MetricsError::NoDeals);
        }
        let (as_of, as_of_from) = match settings.as_of {
            Some(day) => (day, "set by you".to_owned()),
            None => match latest_date(model) {
                Some(day) => (day, "the latest date in the data".to_owned()),
                None => {
                    return Err(MetricsError::Period(
                        "no deal has a date: set the as-of date".to_owned(),
                    ));
                }
            },
        };
        let first = earliest_date(model).unwrap_or(as_of);
        let period = settings
            .period
            .resolve(&settings.calendar, as_of, first)
            .ok_or_else(|| {
                MetricsError::Period("the period does not exist in this calendar".to_owned())
            })?;
        Ok(Prepared::for_range(
            model,
            settings,
            period,
            as_of,
            &as_of_from,
        ))
    }

    /// Prepared for a given range and as-of date (an earlier period to compare with).
    pub fn for_range(
        model: &'a SalesModel,
        settings: &'a MetricSettings,
        period: DateRange,
        as_of: NaiveDate,
        as_of_from: &str,
    ) -> Prepared<'a> {
        let as_of_from = as_of_from.to_owned();
        let d = &model.deals;
        let scope = &settings.scope;
        // Decided once per rep and per distinct text, then looked up per deal.
        let rep_allowed: Vec<bool> = model
            .reps
            .iter()
            .map(|r| {
                (scope.roles.is_empty()
                    || r.role
                        .as_ref()
                        .is_some_and(|role| scope.roles.contains(role)))
                    && (scope.teams.is_empty()
                        || r.team.as_ref().is_some_and(|t| scope.teams.contains(t)))
                    && (scope.reps.is_empty() || scope.reps.contains(&r.name))
            })
            .collect();
        let no_rep_allowed =
            scope.roles.is_empty() && scope.teams.is_empty() && scope.reps.is_empty();
        let mut text_allowed: HashMap<(u8, Sym), bool> = HashMap::new();
        let mut allowed = |kind: u8, sym: Sym| -> bool {
            *text_allowed
                .entry((kind, sym))
                .or_insert_with(|| match kind {
                    0 => {
                        scope.pipelines.is_empty()
                            || scope.pipelines.iter().any(|p| p == model.text(sym))
                    }
                    _ => {
                        scope.deal_types.is_empty()
                            || scope.deal_types.contains(&DealType::of(model.text(sym)))
                    }
                })
        };
        let in_scope = (0..d.len())
            .map(|i| {
                !d.excluded[i]
                    && allowed(0, d.pipeline[i])
                    && allowed(1, d.deal_type[i])
                    && d.credited[i].map_or(no_rep_allowed, |r| {
                        rep_allowed.get(r as usize).copied().unwrap_or(false)
                    })
            })
            .collect();
        let mut categories: HashMap<Sym, LostCategory> = HashMap::new();
        let lost_category = (0..d.len())
            .map(|i| match d.status[i] {
                DealStatus::Disqualified => Some(LostCategory::Disqualified),
                DealStatus::Lost => {
                    Some(*categories.entry(d.lost_reason[i]).or_insert_with(|| {
                        let reason = model.text(d.lost_reason[i]);
                        settings
                            .lost_reasons
                            .iter()
                            .find(|r| r.reason.eq_ignore_ascii_case(reason.trim()))
                            .map_or_else(|| lost_category(reason), |r| r.category)
                    }))
                }
                _ => None,
            })
            .collect();
        let mut has_history = vec![false; d.len()];
        let mut qualified_on: Vec<Option<NaiveDate>> = vec![None; d.len()];
        let mut furthest_order: Vec<Option<u32>> = (0..d.len())
            .map(|i| {
                model
                    .stages
                    .get(d.stage[i])
                    .filter(|e| e.outcome == Outcome::Open && !e.raw.is_empty())
                    .map(|e| e.order)
            })
            .collect();
        let h = &model.history;
        for k in 0..h.len() {
            let deal = h.deal[k] as usize;
            has_history[deal] = true;
            if let Some(entry) = h.stage[k].and_then(|s| model.stages.get(s)) {
                if entry.outcome == Outcome::Open {
                    let order = furthest_order[deal].map_or(entry.order, |o| o.max(entry.order));
                    furthest_order[deal] = Some(order);
                }
                if entry.standard >= StandardStage::Qualification
                    && entry.outcome == Outcome::Open
                    && qualified_on[deal].is_none()
                {
                    qualified_on[deal] = Some(h.at[k].date());
                }
            }
        }
        Prepared {
            model,
            settings,
            period,
            as_of,
            as_of_from,
            in_scope,
            lost_category,
            has_history,
            qualified_on,
            furthest_order,
            rep_allowed,
            rep_filtered: !no_rep_allowed,
        }
    }

    /// Closed within the period and no later than the as-of date.
    pub fn closed_in_period(&self, deal: usize) -> bool {
        self.model.deals.closed_on[deal]
            .is_some_and(|day| self.period.contains(day) && day <= self.as_of)
    }

    pub fn created_in_period(&self, deal: usize) -> bool {
        self.model.deals.created_on[deal]
            .is_some_and(|day| self.period.contains(day) && day <= self.as_of)
    }

    /// A deal's amount in home-currency cents, at the rate of its close (or creation) date.
    pub fn home_cents(&self, deal: usize) -> Option<i64> {
        let d = &self.model.deals;
        let on = d.closed_on[deal].or(d.created_on[deal]);
        d.amount_cents[deal].and_then(|a| {
            self.settings
                .money
                .to_home(a, self.model.text(d.currency[deal]), on)
        })
    }

    /// Whether a lost deal counts as lost in win rates.
    pub fn lost_counts(&self, deal: usize) -> bool {
        match self.lost_category[deal] {
            Some(LostCategory::Disqualified) | None => false,
            Some(LostCategory::NoDecision) => self.settings.no_decision_is_lost,
            Some(_) => true,
        }
    }

    /// The rep a closed deal is credited to, or an open or created one belongs to.
    pub fn credited(&self, deal: usize) -> Option<RepIx> {
        self.model.deals.credited[deal]
    }

    pub fn creation_credit(&self, deal: usize) -> Option<RepIx> {
        let d = &self.model.deals;
        match self.settings.opps_credit {
            OppsCredit::Owner => d.owner[deal],
            OppsCredit::Creator => d.creator[deal].or(d.owner[deal]),
        }
    }

    /// The stage order of the stage-floor setting in a deal's pipeline.
    fn floor_order(&self, deal: usize) -> Option<u32> {
        let floor = self.settings.stage_floor.as_ref()?;
        let pipeline = self.model.text(self.model.deals.pipeline[deal]);
        self.model
            .stages
            .entries
            .iter()
            .filter(|e| e.raw.eq_ignore_ascii_case(floor))
            .find(|e| e.pipeline == pipeline)
            .or_else(|| {
                self.model
                    .stages
                    .entries
                    .iter()
                    .find(|e| e.raw.eq_ignore_ascii_case(floor))
            })
            .map(|e| e.order)
    }
}

/// The sets one rep's metrics are counted from.
#[derive(Debug, Clone, Default)]
pub struct Sets {
    pub won: Vec<DealIx>,
    pub lost: Vec<DealIx>,
    pub disqualified: Vec<DealIx>,
    pub created: Vec<DealIx>,
    /// Won and lost deals that reached the stage floor.
    pub floor_won: Vec<DealIx>,
    pub floor_lost: Vec<DealIx>,
}

/// Sorts every deal of the scope into its rep's sets. The key is the rep index; `None` is "(no owner)".
pub fn sets(p: &Prepared<'_>) -> BTreeMap<Option<RepIx>, Sets> {
    let d = &p.model.deals;
    let mut by_rep: BTreeMap<Option<RepIx>, Sets> = BTreeMap::new();
    for i in 0..d.len() {
        if !p.in_scope[i] {
            continue;
        }
        let ix = i as DealIx;
        if p.closed_in_period(i) {
            let sets = by_rep.entry(p.credited(i)).or_default();
            let floor = p.floor_order(i);
            match d.status[i] {
                DealStatus::Won => {
                    sets.won.push(ix);
                    if floor.is_some() {
                        sets.floor_won.push(ix);
                    }
                }
                DealStatus::Lost | DealStatus::Disqualified if p.lost_counts(i) => {
                    sets.lost.push(ix);
                    if let Some(floor) = floor
                        && p.has_history[i]
                        && p.furthest_order[i].is_some_and(|o| o >= floor)
                    {
                        sets.floor_lost.push(ix);
                    }
                }
                DealStatus::Lost | DealStatus::Disqualified => sets.disqualified.push(ix),
                DealStatus::Open => {}
            }
        }
        if p.created_in_period(i) {
            by_rep
                .entry(p.creation_credit(i))
                .or_default()
                .created
                .push(ix);
        }
    }
    by_rep
}

fn cents_to_units(cents: i64) -> f64 {
    cents as f64 / 100.0
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// A rep's (or the team's) metrics from its sets.
fn metrics_of(
    p: &Prepared<'_>,
    sets: &Sets,
    quota_cents: Option<i64>,
    pacing_share: Option<f64>,
    money: &mut BTreeMap<String, Unconverted>,
) -> RepMetrics {
    let d = &p.model.deals;
    let mut bookings = Sum::default();
    let mut lost_value = Sum::default();
    let mut sizes = Vec::new();
    let mut cycles = Vec::new();
    let mut cycles_from_qualified = Vec::new();
    for &ix in &sets.won {
        let i = ix as usize;
        if let Some(amount) = d.amount_cents[i] {
            bookings.add(
                &p.settings.money,
                amount,
                p.model.text(d.currency[i]),
                d.closed_on[i],
            );
            if amount > 0
                && let Some(home) = p.home_cents(i)
            {
                sizes.push(cents_to_units(home));
            }
        }
        if let (Some(created), Some(closed)) = (d.created_on[i], d.closed_on[i]) {
            cycles.push((closed - created).num_days().max(0) as f64);
        }
        if let (Some(qualified), Some(closed)) = (p.qualified_on[i], d.closed_on[i]) {
            cycles_from_qualified.push((closed - qualified).num_days().max(0) as f64);
        }
    }
    let mut lose_days = Vec::new();
    for &ix in &sets.lost {
        let i = ix as usize;
        if let Some(amount) = d.amount_cents[i] {
            lost_value.add(
                &p.settings.money,
                amount,
                p.model.text(d.currency[i]),
                d.closed_on[i],
            );
        }
        if let (Some(created), Some(closed)) = (d.created_on[i], d.closed_on[i]) {
            lose_days.push((closed - created).num_days().max(0) as f64);
        }
    }
    let mut created_value = Sum::default();
    let (mut cohort_won, mut cohort_lost, mut cohort_closed) = (0u64, 0u64, 0u64);
    for &ix in &sets.created {
        let i = ix as usize;
        if let Some(amount) = d.amount_cents[i] {
            created_value.add(
                &p.settings.money,
                amount,
                p.model.text(d.currency[i]),
                d.created_on[i],
            );
        }
        let closed_by_now = d.closed_on[i].is_some_and(|c| c <= p.as_of);
        if closed_by_now {
            cohort_closed += 1;
            match d.status[i] {
                DealStatus::Won => cohort_won += 1,
                DealStatus::Lost | DealStatus::Disqualified if p.lost_counts(i) => cohort_lost += 1,
                _ => {}
            }
        }
    }
    for sum in [&bookings, &lost_value, &created_value] {
        for (currency, u) in &sum.unconverted {
            let entry = money
                .entry(currency.clone())
                .or_insert_with(|| Unconverted {
                    currency: currency.clone(),
                    ..Unconverted::default()
                });
            entry.deals += u.deals;
            entry.amount_cents += u.amount_cents;
        }
    }
    let (won, lost) = (sets.won.len() as u64, sets.lost.len() as u64);
    let bookings_units = cents_to_units(bookings.home_cents);
    let won_value = bookings.home_cents.max(0) as f64;
    let avg = (!sizes.is_empty()).then(|| sizes.iter().sum::<f64>() / sizes.len() as f64);
    let median = lower_median(&mut sizes.clone());
    let cycle = lower_median(&mut cycles);
    let win_rate = ratio(won as f64, (won + lost) as f64);
    let cohort_share = ratio(cohort_closed as f64, sets.created.len() as f64);
    let floor_n = (sets.floor_won.len() + sets.floor_lost.len()) as u64;
    let any_history = p.has_history.iter().any(|h| *h);
    let quota = quota_cents.filter(|q| *q > 0).map(cents_to_units);
    let opps = sets.created.len() as u64;
    let per_day = match (win_rate, avg, cycle) {
        (Some(w), Some(a), Some(c)) if c > 0.0 => Some(opps as f64 * w * a / c),
        _ => None,
    };
    RepMetrics {
        rep_ix: None,
        rep_id: None,
        rep: String::new(),
        team: None,
        active: true,
        deals_won: won,
        deals_lost: lost,
        deals_disqualified: sets.disqualified.len() as u64,
        bookings: Some(bookings_units),
        win_rate,
        win_rate_n: won + lost,
        win_rate_by_value: ratio(won_value, won_value + lost_value.home_cents.max(0) as f64),
        win_rate_stage_floor: if p.settings.stage_floor.is_some() && any_history {
            ratio(sets.floor_won.len() as f64, floor_n as f64)
        } else {
            None
        },
        win_rate_stage_floor_n: floor_n,
        win_rate_cohort: cohort_share
            .filter(|s| *s >= 0.9)
            .and_then(|_| ratio(cohort_won as f64, (cohort_won + cohort_lost) as f64)),
        cohort_closed_share: cohort_share,
        avg_deal_size: avg,
        median_deal_size: median,
        sales_cycle_median_days: cycle,
        sales_cycle_from_qualified_median_days: lower_median(&mut cycles_from_qualified),
        time_to_lose_median_days: lower_median(&mut lose_days),
        opps_created: opps,
        opps_created_value: Some(cents_to_units(created_value.home_cents)),
        quota,
        attainment: quota.map(|q| bookings_units / q),
        pacing: match (quota, pacing_share) {
            (Some(q), Some(share)) if share > 0.0 => Some(bookings_units / (q * share)),
            _ => None,
        },
        velocity: Velocity {
            opportunities: opps,
            win_rate,
            avg_deal_size: avg,
            cycle_days: cycle,
            per_day,
        },
    }
}

/// A rep's quota for the period: each quota overlapping it, prorated by the days they share, scaled by the
/// ramp schedule for a rep who started recently.
fn quota_for(p: &Prepared<'_>, rep: RepIx) -> Option<i64> {
    quota_in(p, rep, p.period)
}

/// A rep's quota for any range of days, prorated and ramped as [`quota_for`] says.
pub fn quota_in(p: &Prepared<'_>, rep: RepIx, period: DateRange) -> Option<i64> {
    let quotas: Vec<_> = p
        .model
        .quotas
        .iter()
        .filter(|q| q.rep == Some(rep))
        .collect();
    if quotas.is_empty() {
        return None;
    }
    let started = p.model.reps.get(rep as usize).and_then(|r| r.started_on);
    let mut total = 0f64;
    for q in quotas {
        let range = DateRange::new(q.period_start, q.period_end);
        let shared = range.overlap(&period);
        if shared == 0 {
            continue;
        }
        let amount = p.settings.money.to_home(
            q.amount_cents,
            q.currency.as_deref().unwrap_or(""),
            Some(q.period_start),
        )? as f64;
        let share = match (started, p.settings.ramp.is_empty()) {
            // Day by day over the shared days: nothing before the start, the ramp's share in each month after.
            (Some(start), false) => {
                let from = range.start.max(period.start);
                let to = range.end.min(period.end);
                let mut weighted = 0f64;
                let mut day = from;
                while day <= to {
                    let months = (day.year() - start.year()) * 12 + day.month() as i32
                        - start.month() as i32;
                    weighted += if day < start {
                        0.0
                    } else {
                        usize::try_from(months)
                            .ok()
                            .and_then(|m| p.settings.ramp.get(m))
                            .copied()
                            .unwrap_or(1.0)
                    };
                    match day.succ_opt() {
                        Some(next) => day = next,
                        None => break,
                    }
                }
                weighted
            }
            _ => shared as f64,
        };
        total += amount * share / range.days() as f64;
    }
    Some(total.round() as i64)
}

/// A team's shared quota (quota rows without a rep) over a range, prorated by the days it shares.
pub fn shared_quota_in(p: &Prepared<'_>, period: DateRange) -> Option<i64> {
    let shared: i64 = p
        .model
        .quotas
        .iter()
        .filter(|q| q.rep.is_none())
        .map(|q| {
            let range = DateRange::new(q.period_start, q.period_end);
            let amount = p
                .settings
                .money
                .to_home(
                    q.amount_cents,
                    q.currency.as_deref().unwrap_or(""),
                    Some(q.period_start),
                )
                .unwrap_or(0) as f64;
            (amount * range.overlap(&period) as f64 / range.days() as f64).round() as i64
        })
        .sum();
    (shared > 0).then_some(shared)
}

/// The share of a period's bookings usually booked by the as-of date's business day: the median over the
/// previous 4–8 periods of the same length, or straight-line when there are fewer. Returns the share and
/// how it was found.
fn pacing_share(p: &Prepared<'_>) -> Option<(f64, String)> {
    if !p.period.contains(p.as_of) || p.as_of == p.period.end {
        return None;
    }
    let elapsed = business_days(&DateRange::new(p.period.start, p.as_of));
    let total = business_days(&p.period).max(1);
    let straight = elapsed as f64 / total as f64;
    let d = &p.model.deals;
    let mut shares = Vec::new();
    let mut past = p.period;
    for _ in 0..8 {
        past = p.settings.calendar.step(&p.settings.period, past, -1)?;
        // The same business day of the past period.
        let mut cutoff = past.start;
        let mut counted = 0;
        while counted < elapsed && cutoff < past.end {
            if cutoff.weekday().num_days_from_monday() < 5 {
                counted += 1;
            }
            cutoff = cutoff.succ_opt()?;
        }
        let (mut by_then, mut whole) = (0i64, 0i64);
        for i in 0..d.len() {
            if !p.in_scope[i] || d.status[i] != DealStatus::Won {
                continue;
            }
            let Some(closed) = d.closed_on[i].filter(|c| past.contains(*c)) else {
                continue;
            };
            let amount = p.home_cents(i).unwrap_or(0).max(0);
            whole += amount;
            if closed < cutoff {
                by_then += amount;
            }
        }
        if whole > 0 {
            shares.push(by_then as f64 / whole as f64);
        }
    }
    if shares.len() >= 4 {
        let n = shares.len();
        let share = lower_median(&mut shares)?;
        Some((
            share,
            format!(
                "Pacing compares bookings with the share of a period usually booked by this business day: {:.0}%, the median of the last {n} periods.",
                share * 100.0
            ),
        ))
    } else {
        Some((
            straight,
            format!(
                "Pacing is straight-line ({:.0}% of the period's business days have passed): fewer than 4 past periods have bookings to learn the usual curve from.",
                straight * 100.0
            ),
        ))
    }
}

fn median_of(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let mut v: Vec<f64> = values.flatten().collect();
    lower_median(&mut v)
}

/// All metrics for the settings' period: performance, process, pipeline health, activity, and each
/// metric in the context of the team, the previous period and the same period a year before.
pub fn compute(
    model: &SalesModel,
    settings: &MetricSettings,
) -> Result<MetricsReport, MetricsError> {
    let p = Prepared::new(model, settings)?;
    let by_rep = sets(&p);
    let mut report = core(&p, &by_rep);
    report.process = process(&p, settings.skipped_stages_pass);
    report.pipeline = pipeline(&p, &report.reps, &report.team);
    report.activity = activity(&p, &by_rep);
    // The same metrics up to the same day of the previous period and of the same period a year before.
    let offset = (p.as_of - p.period.start).num_days().max(0) as u64;
    let compared = |range: Option<DateRange>| -> Option<MetricsReport> {
        let range = range?;
        let as_of = range
            .start
            .checked_add_days(chrono::Days::new(offset))?
            .min(range.end);
        let earlier =
            Prepared::for_range(model, settings, range, as_of, "the same day of that period");
        let earlier_sets = sets(&earlier);
        let mut r = core(&earlier, &earlier_sets);
        r.activity = activity(&earlier, &earlier_sets);
        r.pipeline = pipeline(&earlier, &r.reps, &r.team);
        Some(r)
    };
    let previous = compared(settings.calendar.step(&settings.period, p.period, -1));
    let year_ago = compared(settings.calendar.year_before(&settings.period, p.period));
    report.context = context(model, &report, previous.as_ref(), year_ago.as_ref());
    report.compared_with = [previous.as_ref(), year_ago.as_ref()]
        .into_iter()
        .flatten()
        .map(|r| r.period.clone())
        .collect();
    report
        .assumptions
        .extend(report.process.note.iter().cloned());
    Ok(report)
}

/// Performance metrics of one period (no process, pipeline or context).
pub fn core(p: &Prepared<'_>, by_rep: &BTreeMap<Option<RepIx>, Sets>) -> MetricsReport {
    let (model, settings) = (p.model, p.settings);
    let pacing = pacing_share(p);
    let mut unconverted = BTreeMap::new();
    let mut reps = Vec::new();
    for (rep, rep_sets) in by_rep {
        let quota = rep.and_then(|r| quota_for(p, r));
        let mut m = metrics_of(
            p,
            rep_sets,
            quota,
            pacing.as_ref().map(|(s, _)| *s),
            &mut unconverted,
        );
        m.rep_ix = *rep;
        m.rep = model.rep_name(*rep).to_owned();
        let roster = rep.and_then(|r| model.reps.get(r as usize));
        m.rep_id = roster.map(|r| r.key.clone());
        m.team = roster.and_then(|r| r.team.clone());
        m.active = roster.is_none_or(|r| {
            r.active != Some(false) && r.ended_on.is_none_or(|e| e >= p.period.start)
        });
        reps.push(m);
    }
    reps.sort_by(|a, b| (a.rep_ix.is_none(), &a.rep).cmp(&(b.rep_ix.is_none(), &b.rep)));
    // The team: every set merged (reps who have left and deals without an owner included).
    let mut all = Sets::default();
    for s in by_rep.values() {
        all.won.extend(&s.won);
        all.lost.extend(&s.lost);
        all.disqualified.extend(&s.disqualified);
        all.created.extend(&s.created);
        all.floor_won.extend(&s.floor_won);
        all.floor_lost.extend(&s.floor_lost);
    }
    let rep_quotas: Vec<f64> = reps.iter().filter_map(|r| r.quota).collect();
    let team_quota = (!rep_quotas.is_empty())
        .then(|| (rep_quotas.iter().sum::<f64>() * 100.0).round() as i64)
        .or_else(|| shared_quota_in(p, p.period));
    let mut scratch = BTreeMap::new();
    let mut team = metrics_of(
        p,
        &all,
        team_quota,
        pacing.as_ref().map(|(s, _)| *s),
        &mut scratch,
    );
    team.rep = "Team".to_owned();
    // Quotas for only some reps: the team's attainment and pacing compare the bookings of the reps who
    // carry a quota with those quotas, never everyone's bookings with part of the quota.
    let uncovered: Vec<&RepMetrics> = reps
        .iter()
        .filter(|r| r.quota.is_none() && r.bookings.is_some_and(|b| b > 0.0))
        .collect();
    let mut quota_note = None;
    if !rep_quotas.is_empty() && !uncovered.is_empty() {
        let covered: f64 = reps
            .iter()
            .filter(|r| r.quota.is_some())
            .filter_map(|r| r.bookings)
            .sum();
        let all_bookings = team.bookings.unwrap_or(0.0);
        team.attainment = team.quota.filter(|q| *q > 0.0).map(|q| covered / q);
        team.pacing = team
            .pacing
            .filter(|_| all_bookings > 0.0)
            .map(|pace| pace * covered / all_bookings);
        let left_out: f64 = uncovered.iter().filter_map(|r| r.bookings).sum();
        quota_note = Some(format!(
            "Team attainment and pacing count the {} reps with a quota; {} reps without one booked {:.2} {}, left out of them.",
            rep_quotas.len(),
            uncovered.len(),
            left_out,
            settings.money.home_currency
        ));
    }
    let active: Vec<&RepMetrics> = reps
        .iter()
        .filter(|r| r.active && r.rep_ix.is_some())
        .collect();
    let team_median = RepMetrics {
        rep: "Team median".to_owned(),
        deals_won: median_of(active.iter().map(|r| Some(r.deals_won as f64))).unwrap_or(0.0) as u64,
        deals_lost: median_of(active.iter().map(|r| Some(r.deals_lost as f64))).unwrap_or(0.0)
            as u64,
        bookings: median_of(active.iter().map(|r| r.bookings)),
        win_rate: median_of(active.iter().map(|r| r.win_rate)),
        win_rate_by_value: median_of(active.iter().map(|r| r.win_rate_by_value)),
        avg_deal_size: median_of(active.iter().map(|r| r.avg_deal_size)),
        median_deal_size: median_of(active.iter().map(|r| r.median_deal_size)),
        sales_cycle_median_days: median_of(active.iter().map(|r| r.sales_cycle_median_days)),
        time_to_lose_median_days: median_of(active.iter().map(|r| r.time_to_lose_median_days)),
        opps_created: median_of(active.iter().map(|r| Some(r.opps_created as f64))).unwrap_or(0.0)
            as u64,
        attainment: median_of(active.iter().map(|r| r.attainment)),
        pacing: median_of(active.iter().map(|r| r.pacing)),
        ..RepMetrics::default()
    };
    let mut assumptions = vec![
        format!("Period {} (as of {}, {}).", p.period.label(), p.as_of.format("%Y-%m-%d"), p.as_of_from),
        settings.calendar.sentence(),
        settings.scope.sentence(),
        "Deals count in the period of their close date (closed_on: from the stage history where there is one, else the won or lost time, else the Close Date).".to_owned(),
        "Closed deals are credited to their owner at close where owner history says so, else to their current owner.".to_owned(),
        format!(
            "Win rates leave out disqualified deals and excluded duplicates; no-decision losses count as {}.",
            if settings.no_decision_is_lost { "lost" } else { "neither won nor lost" }
        ),
        "Medians are lower medians: with an even number of values, the smaller middle one.".to_owned(),
        "Reps who have left count in team totals but not in team medians.".to_owned(),
        format!("Amounts are in {}; deals without a currency are taken to be in it.", settings.money.home_currency),
    ];
    if let Some((_, sentence)) = &pacing {
        assumptions.push(sentence.clone());
    }
    assumptions.extend(quota_note);
    if !settings.ramp.is_empty() {
        let steps: Vec<String> = settings
            .ramp
            .iter()
            .map(|r| format!("{:.0}%", r * 100.0))
            .collect();
        assumptions.push(format!(
            "New reps' quotas ramp by month since they started: {}, then 100%.",
            steps.join(", ")
        ));
    }
    let unconverted: Vec<Unconverted> = unconverted.into_values().collect();
    if !unconverted.is_empty() {
        let list: Vec<String> = unconverted
            .iter()
            .map(|u| {
                format!(
                    "{} {} deals ({:.2} {})",
                    u.deals,
                    u.currency,
                    u.amount_cents as f64 / 100.0,
                    u.currency
                )
            })
            .collect();
        assumptions.push(format!(
            "No rate converts {} into {}: those amounts are left out of every sum, so the sums are incomplete. Add rates to include them.",
            list.join(", "),
            settings.money.home_currency
        ));
    }
    MetricsReport {
        period: PeriodInfo {
            start: p.period.start,
            end: p.period.end,
            as_of: p.as_of,
            as_of_from: p.as_of_from.clone(),
        },
        home_currency: settings.money.home_currency.clone(),
        team,
        team_median,
        reps,
        money: MoneyInfo {
            incomplete: !unconverted.is_empty(),
            unconverted,
        },
        reconciliation: vec![
            reconcile(p, DealStatus::Won, "deals_won"),
            reconcile(p, DealStatus::Lost, "deals_lost"),
        ],
        scope: settings.scope.sentence(),
        assumptions,
        ..MetricsReport::default()
    }
}

/// Why the count of won (or lost) deals here differs from all such deals in the files — and from a CRM
/// report that filters by Close Date.
fn reconcile(p: &Prepared<'_>, status: DealStatus, metric: &str) -> Reconciliation {
    let d = &p.model.deals;
    let matches = |i: usize| match status {
        DealStatus::Lost => matches!(d.status[i], DealStatus::Lost | DealStatus::Disqualified),
        s => d.status[i] == s,
    };
    let candidates: Vec<usize> = (0..d.len()).filter(|&i| matches(i)).collect();
    let mut removed: Vec<(String, u64)> = Vec::new();
    let mut remaining = Vec::new();
    let (mut excluded, mut out_of_scope, mut no_date, mut outside, mut after, mut not_lost) =
        (0, 0, 0, 0, 0, 0);
    for &i in &candidates {
        if d.excluded[i] {
            excluded += 1;
        } else if !p.in_scope[i] {
            out_of_scope += 1;
        } else if d.closed_on[i].is_none() {
            no_date += 1;
        } else if d.closed_on[i].is_some_and(|c| c > p.as_of && p.period.contains(c)) {
            after += 1;
        } else if !p.closed_in_period(i) {
            outside += 1;
        } else if status == DealStatus::Lost && !p.lost_counts(i) {
            not_lost += 1;
        } else {
            remaining.push(i);
        }
    }
    for (reason, n) in [
        ("excluded by you on the review list", excluded),
        (
            "outside the scope (pipeline, deal type, team, role or rep filters)",
            out_of_scope,
        ),
        ("no close date", no_date),
        ("closed after the as-of date", after),
        ("closed outside the period", outside),
        (
            "disqualified (or no decision, as set), not counted as lost",
            not_lost,
        ),
    ] {
        if n > 0 {
            removed.push((reason.to_owned(), n));
        }
    }
    let mut counted = vec![false; d.len()];
    for &i in &remaining {
        counted[i] = true;
    }
    let mut notes = Vec::new();
    let by_close_date_in = remaining
        .iter()
        .filter(|&&i| d.expected_close_on[i].is_some_and(|c| !p.period.contains(c)))
        .count();
    let by_close_date_out = candidates
        .iter()
        .filter(|&&i| {
            !counted[i]
                && p.in_scope[i]
                && d.closed_on[i].is_some_and(|c| !p.period.contains(c))
                && d.expected_close_on[i].is_some_and(|c| p.period.contains(c) && c <= p.as_of)
        })
        .count();
    if by_close_date_in > 0 {
        notes.push(format!("{by_close_date_in} of these closed in the period by their stage history or won/lost time, but a CRM report filtered by Close Date would place them outside it."));
    }
    if by_close_date_out > 0 {
        notes.push(format!("{by_close_date_out} more have a Close Date in the period but closed outside it by their history: a CRM report filtered by Close Date would count them."));
    }
    Reconciliation {
        metric: metric.to_owned(),
        in_files: candidates.len() as u64,
        counted: remaining.len() as u64,
        removed,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deal_types_and_lost_reasons_classify_by_their_words() {
        assert_eq!(DealType::of("New Business"), DealType::NewBusiness);
        assert_eq!(DealType::of("newbusiness"), DealType::NewBusiness);
        assert_eq!(DealType::of("Existing Business"), DealType::Expansion);
        assert_eq!(DealType::of("Renewal"), DealType::Renewal);
        assert_eq!(DealType::of(""), DealType::Other);
        assert_eq!(
            lost_category("Went with competitor"),
            LostCategory::Competitive
        );
        assert_eq!(lost_category("No budget"), LostCategory::NoDecision);
        assert_eq!(lost_category("Duplicate"), LostCategory::Disqualified);
        assert_eq!(lost_category(""), LostCategory::Other);
    }

    #[test]
    fn lower_median_takes_the_smaller_middle() {
        assert_eq!(lower_median(&mut []), None);
        assert_eq!(lower_median(&mut [3.0]), Some(3.0));
        assert_eq!(lower_median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.0));
        assert_eq!(lower_median(&mut [5.0, 1.0, 3.0]), Some(3.0));
    }
}
