//! The forecast call's deal list: a forecast's open deals closing in the period, narrowed by the filters a
//! manager uses on the call (Commit at risk, upside, past due, pushed, one rep), ordered by any column and
//! cut into pages — so the app asks for one page at a time and thousands of deals never cross the door at
//! once. The flags themselves are the forecast's ([`ForecastDeal::flags`]); this module only selects.

use std::cmp::Ordering;

use chrono::Datelike;

use serde::{Deserialize, Serialize};

use crate::engine::export::csv;
use crate::engine::forecast::report::{ForecastDeal, ForecastReport, PeriodOut};

/// Rows per page when the request names none; the most one page holds.
pub const PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 1_000;

/// Which deals the list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DealFilter {
    #[default]
    All,
    /// Commit deals the forecast flags `commit_at_risk` (each with its reasons).
    CommitAtRisk,
    /// Pipeline or Best Case deals the model rates likely (`upside`).
    Upside,
    PastDue,
    Pushed,
}

impl DealFilter {
    pub const ALL: [DealFilter; 5] = [
        DealFilter::All,
        DealFilter::CommitAtRisk,
        DealFilter::Upside,
        DealFilter::PastDue,
        DealFilter::Pushed,
    ];

    /// The value in the URL and on the command line (`commit-at-risk` …).
    pub fn slug(self) -> &'static str {
        match self {
            DealFilter::All => "all",
            DealFilter::CommitAtRisk => "commit-at-risk",
            DealFilter::Upside => "upside",
            DealFilter::PastDue => "past-due",
            DealFilter::Pushed => "pushed",
        }
    }

    pub fn from_slug(slug: &str) -> Option<DealFilter> {
        DealFilter::ALL.into_iter().find(|f| f.slug() == slug)
    }

    /// The name on the filter's button.
    pub fn label(self) -> &'static str {
        match self {
            DealFilter::All => "All deals",
            DealFilter::CommitAtRisk => "Commit at risk",
            DealFilter::Upside => "Upside",
            DealFilter::PastDue => "Past due",
            DealFilter::Pushed => "Pushed",
        }
    }

    /// The forecast's flag this filter selects (`None`: every deal).
    fn flag(self) -> Option<&'static str> {
        match self {
            DealFilter::All => None,
            DealFilter::CommitAtRisk => Some("commit_at_risk"),
            DealFilter::Upside => Some("upside"),
            DealFilter::PastDue => Some("past_due"),
            DealFilter::Pushed => Some("pushed"),
        }
    }

    pub fn keeps(self, deal: &ForecastDeal) -> bool {
        self.flag()
            .is_none_or(|f| deal.flags.iter().any(|g| g == f))
    }
}

/// The columns of the list, as the view shows them and sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealColumn {
    Rep,
    Name,
    Stage,
    Amount,
    CloseDate,
    Category,
    CrmProbability,
    ModelProbability,
    PushCount,
    DaysSinceActivity,
    AgeDays,
    /// The amount at the model's chance (the list's default order, largest first).
    Expected,
}

impl DealColumn {
    pub const SHOWN: [DealColumn; 11] = [
        DealColumn::Rep,
        DealColumn::Name,
        DealColumn::Stage,
        DealColumn::Amount,
        DealColumn::CloseDate,
        DealColumn::Category,
        DealColumn::CrmProbability,
        DealColumn::ModelProbability,
        DealColumn::PushCount,
        DealColumn::DaysSinceActivity,
        DealColumn::AgeDays,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DealColumn::Rep => "Rep",
            DealColumn::Name => "Deal",
            DealColumn::Stage => "Stage",
            DealColumn::Amount => "Amount",
            DealColumn::CloseDate => "Close date",
            DealColumn::Category => "Category",
            DealColumn::CrmProbability => "CRM",
            DealColumn::ModelProbability => "Model",
            DealColumn::PushCount => "Pushes",
            DealColumn::DaysSinceActivity => "Quiet (days)",
            DealColumn::AgeDays => "Age (days)",
            DealColumn::Expected => "Amount × model probability",
        }
    }

    /// What the column holds, for its header's tooltip.
    pub fn help(self) -> &'static str {
        match self {
            DealColumn::CrmProbability => {
                "The deal's probability as the CRM has it on the as-of day."
            }
            DealColumn::ModelProbability => {
                "The model's chance that the deal is won by the period's end, learned from this team's earlier deals at the same stage and age."
            }
            DealColumn::PushCount => "How many times the close date was moved later.",
            DealColumn::DaysSinceActivity => {
                "Days since the last logged activity on the deal, up to the as-of day."
            }
            DealColumn::AgeDays => "Days since the deal was created.",
            DealColumn::Expected => "The amount times the model's chance.",
            _ => "",
        }
    }

    pub fn numeric(self) -> bool {
        !matches!(
            self,
            DealColumn::Rep | DealColumn::Name | DealColumn::Stage | DealColumn::Category
        )
    }

    /// The value in the URL (`sort=close_date`).
    pub fn slug(self) -> &'static str {
        match self {
            DealColumn::Rep => "rep",
            DealColumn::Name => "name",
            DealColumn::Stage => "stage",
            DealColumn::Amount => "amount",
            DealColumn::CloseDate => "close_date",
            DealColumn::Category => "category",
            DealColumn::CrmProbability => "crm_probability",
            DealColumn::ModelProbability => "model_probability",
            DealColumn::PushCount => "push_count",
            DealColumn::DaysSinceActivity => "days_since_activity",
            DealColumn::AgeDays => "age_days",
            DealColumn::Expected => "expected",
        }
    }

    pub fn from_slug(slug: &str) -> Option<DealColumn> {
        DealColumn::SHOWN
            .into_iter()
            .chain([DealColumn::Expected])
            .find(|c| c.slug() == slug)
    }

    /// A deal's value in this column, for ordering: numbers (a missing one is `None`) or text.
    fn key(self, d: &ForecastDeal) -> Key<'_> {
        match self {
            DealColumn::Rep => Key::Text(&d.rep),
            DealColumn::Name => Key::Text(&d.name),
            DealColumn::Stage => Key::Text(&d.stage),
            DealColumn::Category => Key::Text(&d.category),
            DealColumn::Amount => Key::Number(d.amount),
            DealColumn::CloseDate => {
                Key::Number(d.close_date.map(|c| f64::from(c.num_days_from_ce())))
            }
            DealColumn::CrmProbability => Key::Number(d.crm_probability),
            DealColumn::ModelProbability => Key::Number(Some(d.model_probability)),
            DealColumn::PushCount => Key::Number(Some(f64::from(d.push_count))),
            DealColumn::DaysSinceActivity => Key::Number(d.days_since_activity.map(|n| n as f64)),
            DealColumn::AgeDays => Key::Number(Some(d.age_days as f64)),
            DealColumn::Expected => {
                Key::Number(Some(d.model_probability * d.amount.unwrap_or(0.0)))
            }
        }
    }
}

enum Key<'a> {
    Text(&'a str),
    Number(Option<f64>),
}

/// The order: a column and its direction. Missing values go last either way; ties keep the forecast's
/// own order (expected amount, largest first, then id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DealSort {
    pub column: DealColumn,
    #[serde(default)]
    pub descending: bool,
}

impl Default for DealSort {
    fn default() -> Self {
        DealSort {
            column: DealColumn::Expected,
            descending: true,
        }
    }
}

/// What the list asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealQuery {
    #[serde(default)]
    pub filter: DealFilter,
    /// A rep's name or stable key; `None` for the team.
    #[serde(default)]
    pub rep: Option<String>,
    #[serde(default)]
    pub sort: DealSort,
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    pub page_size: Option<u32>,
    /// Also answer every kept deal as CSV (the export).
    #[serde(default)]
    pub csv: bool,
}

/// How many of the (rep's) deals each filter keeps, for the filters' buttons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterCount {
    pub filter: DealFilter,
    pub deals: u64,
}

/// One page of the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealPage {
    pub as_of: chrono::NaiveDate,
    pub period: PeriodOut,
    pub currency: String,
    pub query: DealQuery,
    /// Deals the filter keeps (all pages).
    pub total: u64,
    pub pages: u32,
    /// The amount of every deal the filter keeps, and at the model's chances.
    pub total_amount: f64,
    pub total_expected: f64,
    pub counts: Vec<FilterCount>,
    pub deals: Vec<ForecastDeal>,
    /// Every kept deal as CSV, when the query asked for it.
    pub csv: Option<String>,
}

fn compare(a: &ForecastDeal, b: &ForecastDeal, sort: DealSort) -> Ordering {
    match (sort.column.key(a), sort.column.key(b)) {
        (Key::Text(x), Key::Text(y)) => {
            let o = x.to_lowercase().cmp(&y.to_lowercase());
            if sort.descending { o.reverse() } else { o }
        }
        (Key::Number(x), Key::Number(y)) => match (x, y) {
            (Some(x), Some(y)) => {
                let o = x.total_cmp(&y);
                if sort.descending { o.reverse() } else { o }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
        _ => Ordering::Equal,
    }
}

fn rep_matches(deal: &ForecastDeal, rep: Option<&str>, report: &ForecastReport) -> bool {
    let Some(rep) = rep else {
        return true;
    };
    if deal.rep == rep {
        return true;
    }
    // A stable key names the rep whose row carries it.
    report
        .reps
        .iter()
        .any(|r| r.rep_id.as_deref() == Some(rep) && r.rep == deal.rep)
}

/// The deals of `report` the query keeps, in its order (every page).
pub fn select<'a>(report: &'a ForecastReport, query: &DealQuery) -> Vec<&'a ForecastDeal> {
    let mut kept: Vec<(usize, &ForecastDeal)> = report
        .deals
        .iter()
        .enumerate()
        .filter(|(_, d)| rep_matches(d, query.rep.as_deref(), report) && query.filter.keeps(d))
        .collect();
    kept.sort_by(|(i, a), (j, b)| compare(a, b, query.sort).then(i.cmp(j)));
    kept.into_iter().map(|(_, d)| d).collect()
}

/// One page of the list.
pub fn page(report: &ForecastReport, query: &DealQuery) -> DealPage {
    let size = query.page_size.unwrap_or(PAGE_SIZE).clamp(1, MAX_PAGE_SIZE) as usize;
    let kept = select(report, query);
    let pages = kept.len().div_ceil(size).max(1) as u32;
    let page = query.page.min(pages - 1);
    let counts = DealFilter::ALL
        .into_iter()
        .map(|filter| FilterCount {
            filter,
            deals: report
                .deals
                .iter()
                .filter(|d| rep_matches(d, query.rep.as_deref(), report) && filter.keeps(d))
                .count() as u64,
        })
        .collect();
    DealPage {
        as_of: report.as_of,
        period: report.period.clone(),
        currency: report.currency.clone(),
        query: DealQuery {
            page,
            page_size: Some(size as u32),
            ..query.clone()
        },
        total: kept.len() as u64,
        pages,
        total_amount: kept.iter().filter_map(|d| d.amount).sum::<f64>() + 0.0,
        total_expected: kept
            .iter()
            .map(|d| d.model_probability * d.amount.unwrap_or(0.0))
            .sum::<f64>()
            + 0.0,
        counts,
        deals: kept
            .iter()
            .skip(page as usize * size)
            .take(size)
            .map(|d| (*d).clone())
            .collect(),
        csv: query.csv.then(|| to_csv(report, query)),
    }
}

/// Every deal the query keeps (all pages), as CSV for a spreadsheet: formula-safe cells, probabilities
/// as percentages, the flags and the at-risk reasons spelled out.
pub fn to_csv(report: &ForecastReport, query: &DealQuery) -> String {
    let headers = [
        "Deal ID",
        "Deal",
        "Rep",
        "Stage",
        "Amount",
        "Close date",
        "Category",
        "CRM probability %",
        "Model probability %",
        "Pushes",
        "Days since activity",
        "Age (days)",
        "Flags",
        "At risk because",
    ];
    let pct = |p: f64| format!("{:.1}", p * 100.0);
    let rows: Vec<Vec<String>> = select(report, query)
        .into_iter()
        .map(|d| {
            vec![
                d.id.clone(),
                d.name.clone(),
                d.rep.clone(),
                d.stage.clone(),
                d.amount.map(|a| format!("{a:.2}")).unwrap_or_default(),
                d.close_date.map(|c| c.to_string()).unwrap_or_default(),
                d.category.clone(),
                d.crm_probability.map(pct).unwrap_or_default(),
                pct(d.model_probability),
                d.push_count.to_string(),
                d.days_since_activity
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                d.age_days.to_string(),
                d.flags.join(" "),
                d.at_risk.join("; "),
            ]
        })
        .collect();
    csv(&headers, &rows)
}
