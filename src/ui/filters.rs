//! The filters of the query string — period, as-of date, team, pipeline and the rep whose page is open —
//! and how they turn the user's base settings into the settings the engine computes with. Every view can
//! be bookmarked and shared: the URL holds no data, only these choices.

use chrono::NaiveDate;
use leptos_router::params::ParamsMap;

use crate::engine::metrics::MetricSettings;
use crate::engine::metrics::period::PeriodSpec;

/// The period picker's choices: (query value, label).
pub const PERIODS: [(&str, &str); 7] = [
    ("this-quarter", "This quarter"),
    ("last-quarter", "Last quarter"),
    ("this-month", "This month"),
    ("last-month", "Last month"),
    ("this-year", "This fiscal year"),
    ("last-year", "Last fiscal year"),
    ("all", "All time"),
];

/// The deal-type choices: (query value, label).
pub const DEAL_TYPES: [(&str, &str); 4] = [
    ("new_business", "New business"),
    ("expansion", "Expansion"),
    ("renewal", "Renewal"),
    ("other", "Other types"),
];

/// The URL value of a pipeline or deal-type filter that asks for all of them, over a default scope.
pub const ALL: &str = "all";

/// The period when the URL names none.
pub const DEFAULT_PERIOD: &str = "this-quarter";

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filters {
    /// `this-quarter`, `2017-Q2`, `2017-01-01..2017-03-31` …
    pub period: String,
    pub as_of: Option<NaiveDate>,
    pub team: Option<String>,
    /// A pipeline; [`ALL`] overrides a default scope; `None` keeps it.
    pub pipeline: Option<String>,
    /// `new_business`, `expansion`, `renewal` or `other`; [`ALL`] overrides a default scope; `None` keeps it.
    pub deal_type: Option<String>,
    /// The rep whose page is open (People) — a choice of view, not a filter of the numbers.
    pub rep: Option<String>,
}

fn non_empty(query: &ParamsMap, key: &str) -> Option<String> {
    query
        .get_str(key)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl Filters {
    pub fn from_query(query: &ParamsMap) -> Filters {
        Filters {
            period: non_empty(query, "period").unwrap_or_else(|| DEFAULT_PERIOD.to_owned()),
            as_of: non_empty(query, "asof")
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            team: non_empty(query, "team"),
            pipeline: non_empty(query, "pipeline"),
            deal_type: non_empty(query, "type"),
            rep: non_empty(query, "rep"),
        }
    }

    /// The engine's settings: the user's base settings with this period, as-of date and scope. A pipeline or
    /// deal type in the URL replaces the default scope of the settings ([`ALL`]: none); without one the
    /// default holds.
    pub fn apply(&self, base: &MetricSettings) -> MetricSettings {
        let mut settings = base.clone();
        settings.period = PeriodSpec::parse(&self.period).unwrap_or(PeriodSpec::ThisQuarter);
        if self.as_of.is_some() {
            settings.as_of = self.as_of;
        }
        settings.scope.teams = self.team.iter().cloned().collect();
        if let Some(pipeline) = &self.pipeline {
            settings.scope.pipelines = (pipeline != ALL)
                .then(|| pipeline.clone())
                .into_iter()
                .collect();
        }
        if let Some(deal_type) = &self.deal_type {
            settings.scope.deal_types = (deal_type != ALL)
                .then(|| serde_json::from_value(serde_json::Value::String(deal_type.clone())).ok())
                .flatten()
                .into_iter()
                .collect();
        }
        settings
    }

    /// The pipeline the numbers are scoped to: the URL's, else the default scope's ("" for all).
    pub fn pipeline_shown(&self, base: &MetricSettings) -> String {
        match &self.pipeline {
            Some(p) if p != ALL => p.clone(),
            Some(_) => String::new(),
            None => base.scope.pipelines.first().cloned().unwrap_or_default(),
        }
    }

    /// The deal type the numbers are scoped to: the URL's, else the default scope's ("" for all).
    pub fn deal_type_shown(&self, base: &MetricSettings) -> String {
        match &self.deal_type {
            Some(t) if t != ALL => t.clone(),
            Some(_) => String::new(),
            None => base
                .scope
                .deal_types
                .first()
                .and_then(|t| serde_json::to_value(t).ok())
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
        }
    }
}

/// The URL value for a header choice of pipeline or deal type: "" (all) is [`ALL`] when a default scope
/// would otherwise narrow it, and no parameter when there is none.
pub fn scope_param(chosen: &str, default_is_set: bool) -> Option<String> {
    match (chosen.is_empty(), default_is_set) {
        (false, _) => Some(chosen.to_owned()),
        (true, true) => Some(ALL.to_owned()),
        (true, false) => None,
    }
}

impl Filters {
    /// Whether the period in the URL is one the engine understands.
    pub fn period_is_valid(&self) -> bool {
        PeriodSpec::parse(&self.period).is_ok()
    }
}

/// A relative link to the current query with `key` set to `value` (or removed).
pub fn with_param(query: &ParamsMap, key: &'static str, value: Option<&str>) -> String {
    let mut query = query.clone();
    match value {
        Some(v) if !v.is_empty() => query.replace(key, v.to_owned()),
        _ => {
            query.remove(key);
        }
    }
    let text = query.to_query_string();
    if text.is_empty() {
        "./".to_owned()
    } else {
        text
    }
}

/// The `asof=` of the page's address, read outside the router (from a click handler).
pub fn as_of_in_location() -> Option<NaiveDate> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("asof="))
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}
