//! Show the math: for any metric of a rep (or the team) in a period, the formula with its inputs ("win rate =
//! 41 ÷ (41 + 27) = 60.3%") and the records behind it, paged — so every number drills down to its deals or
//! activities, and the CLI's `pipelens explain` prints the same. [`explain_every_record`] finds and orders
//! every record once ([`EveryRecord`]); a page is a slice of it, so the session keeps it for the next page.

use crate::engine::EngineError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::metrics::compute::{
    MetricSettings, MetricsReport, Prepared, RepMetrics, compute, sets,
};
use crate::engine::metrics::definitions::{Unit, definition};
use crate::engine::metrics::process::FunnelStage;
use crate::engine::model::{DealIx, DealStatus, RepIx, SalesModel};

/// Records per page unless asked otherwise.
pub const PAGE_SIZE: u32 = 50;

/// The metrics `explain` knows, for messages and the CLI's help.
pub const EXPLAINABLE: &[&str] = &[
    "deals_won",
    "deals_lost",
    "win_rate",
    "bookings",
    "avg_deal_size",
    "sales_cycle_median_days",
    "opps_created",
    "attainment",
    "coverage",
    "past_due_deals",
    "pushes",
    "slipped_deals",
    "stale_deals",
    "stalled_deals",
    "stage_conversion:STAGE",
    "open_deals",
    "activities_per_day",
    "connect_rate",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Deal,
    Activity,
}

/// One record behind a number: enough to find it in the CRM and in the file it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub kind: RecordKind,
    pub id: String,
    pub name: String,
    pub rep: String,
    /// Deal stage or activity kind.
    pub stage: String,
    /// won / lost / open …, or the activity's outcome.
    pub status: String,
    /// As in the file.
    pub amount: Option<f64>,
    pub currency: String,
    /// The day that put it in the metric (closed, created, expected close, done).
    pub date: Option<NaiveDate>,
    pub file: u32,
    /// Spreadsheet row in its file.
    pub row: u64,
    /// Risks on an open deal: stale, past due, pushed, slipped, over-age.
    #[serde(default)]
    pub flags: Vec<String>,
}

/// A metric's value, how it was computed and the records behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub metric: String,
    pub name: String,
    pub rep: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub as_of: NaiveDate,
    pub value: Option<f64>,
    pub unit: Unit,
    pub definition: String,
    /// The formula with its inputs, as one line.
    pub formula: String,
    /// Why the value is missing or what it leaves out.
    pub notes: Vec<String>,
    pub records: Vec<Record>,
    pub total_records: u64,
    /// The deal records' amounts as exported, summed over every page (`None`: no record has one).
    #[serde(default)]
    pub amount_sum: Option<f64>,
    pub page: u32,
    pub page_size: u32,
}

fn pct(v: Option<f64>) -> String {
    v.map_or("—".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

fn num(v: Option<f64>) -> String {
    match v {
        None => "—".to_owned(),
        Some(v) if (v - v.round()).abs() < 1e-9 && v.abs() < 1e15 => {
            format!("{}", v.round() as i64)
        }
        Some(v) => format!("{v:.2}"),
    }
}

fn deal_record(model: &SalesModel, i: usize, date: Option<NaiveDate>) -> Record {
    let d = &model.deals;
    let status = match d.status[i] {
        DealStatus::Open => "open",
        DealStatus::Won => "won",
        DealStatus::Lost => "lost",
        DealStatus::Disqualified => "disqualified",
    };
    Record {
        kind: RecordKind::Deal,
        id: model.text(d.id[i]).to_owned(),
        name: model.text(d.name[i]).to_owned(),
        rep: model.rep_name(d.credited[i]).to_owned(),
        stage: model.text(d.stage_raw[i]).to_owned(),
        status: status.to_owned(),
        amount: d.amount_cents[i].map(|c| c as f64 / 100.0),
        currency: model.text(d.currency[i]).to_owned(),
        date,
        file: d.file[i],
        row: d.row[i],
        flags: Vec::new(),
    }
}

fn activity_record(model: &SalesModel, k: usize) -> Record {
    let a = &model.activities;
    Record {
        kind: RecordKind::Activity,
        id: model.text(a.id[k]).to_owned(),
        name: model.text(a.subject[k]).to_owned(),
        rep: model.rep_name(a.rep[k]).to_owned(),
        stage: a.kind[k].label().to_owned(),
        status: model.text(a.outcome[k]).to_owned(),
        amount: None,
        currency: String::new(),
        date: a.at[k].map(|t| t.date()),
        file: a.file[k],
        row: a.row[k],
        flags: Vec::new(),
    }
}

/// A metric's value, its formula, its deals (with the day that counts) and its activities.
type Parts = (
    Option<f64>,
    String,
    Vec<(DealIx, Option<NaiveDate>)>,
    Vec<u32>,
);

/// Finds a rep by name, alias or key; `None` for the team.
fn find_rep(
    model: &SalesModel,
    report: &MetricsReport,
    rep: Option<&str>,
) -> Result<Option<RepIx>, EngineError> {
    let Some(wanted) = rep
        .map(str::trim)
        .filter(|r| !r.is_empty() && !r.eq_ignore_ascii_case("team"))
    else {
        return Ok(None);
    };
    let found = model.reps.iter().position(|r| {
        r.name.eq_ignore_ascii_case(wanted)
            || r.key.eq_ignore_ascii_case(wanted)
            || r.aliases.iter().any(|a| a.eq_ignore_ascii_case(wanted))
            || r.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(wanted))
    });
    match found {
        Some(ix) => Ok(Some(ix as RepIx)),
        None => {
            let names: Vec<&str> = report
                .reps
                .iter()
                .filter(|r| r.rep_ix.is_some())
                .map(|r| r.rep.as_str())
                .collect();
            Err(EngineError::UnknownRep {
                rep: wanted.to_owned(),
                valid: names.join(", "),
            })
        }
    }
}

/// Explains one metric of one rep (or the team, `rep = None`), with page `page` (0-based) of its records.
pub fn explain(
    model: &SalesModel,
    settings: &MetricSettings,
    metric: &str,
    rep: Option<&str>,
    page: u32,
    page_size: u32,
) -> Result<Explanation, EngineError> {
    let report = compute(model, settings)?;
    let page = RecordPage {
        page,
        page_size,
        sort: None,
    };
    explain_in(model, settings, &report, metric, rep, &page)
}

/// Which records of an explanation to give back, and in what order.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordPage {
    pub page: u32,
    pub page_size: u32,
    pub sort: Option<RecordSort>,
}

/// The order of a metric's records: by a column, ascending or descending. Ties keep date-then-id order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSort {
    pub column: RecordColumn,
    #[serde(default)]
    pub descending: bool,
}

/// The columns of a metric's records, as the drawer shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordColumn {
    Id,
    Name,
    Rep,
    Stage,
    Status,
    Amount,
    Currency,
    Date,
    Flags,
}

impl RecordColumn {
    /// In the drawer's order.
    pub const ALL: [RecordColumn; 9] = [
        RecordColumn::Id,
        RecordColumn::Name,
        RecordColumn::Rep,
        RecordColumn::Stage,
        RecordColumn::Status,
        RecordColumn::Amount,
        RecordColumn::Currency,
        RecordColumn::Date,
        RecordColumn::Flags,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RecordColumn::Id => "Id",
            RecordColumn::Name => "Name",
            RecordColumn::Rep => "Rep",
            RecordColumn::Stage => "Stage / kind",
            RecordColumn::Status => "Status",
            RecordColumn::Amount => "Amount",
            RecordColumn::Currency => "Currency",
            RecordColumn::Date => "Date",
            RecordColumn::Flags => "Flags",
        }
    }

    fn compare(self, a: &Record, b: &Record) -> std::cmp::Ordering {
        let text = |x: &str, y: &str| x.to_lowercase().cmp(&y.to_lowercase());
        match self {
            RecordColumn::Id => text(&a.id, &b.id),
            RecordColumn::Name => text(&a.name, &b.name),
            RecordColumn::Rep => text(&a.rep, &b.rep),
            RecordColumn::Stage => text(&a.stage, &b.stage),
            RecordColumn::Status => text(&a.status, &b.status),
            RecordColumn::Amount => a
                .amount
                .unwrap_or(f64::MIN)
                .total_cmp(&b.amount.unwrap_or(f64::MIN)),
            RecordColumn::Currency => text(&a.currency, &b.currency),
            RecordColumn::Date => a.date.cmp(&b.date),
            RecordColumn::Flags => a.flags.cmp(&b.flags),
        }
    }
}

/// [`explain`] over a report already computed for the same model and settings.
pub fn explain_in(
    model: &SalesModel,
    settings: &MetricSettings,
    report: &MetricsReport,
    metric: &str,
    rep: Option<&str>,
    ask: &RecordPage,
) -> Result<Explanation, EngineError> {
    let every = explain_every_record(model, settings, report, metric, rep, ask.sort)?;
    Ok(every.page(ask.page, ask.page_size))
}

/// An explanation with every one of its records, in the order asked: each page is cut from it
/// ([`EveryRecord::page`]), so a caller that keeps it pages without finding and sorting the records again.
#[derive(Debug, Clone, PartialEq)]
pub struct EveryRecord {
    /// The explanation without its records (page 0, a page size of 0).
    head: Explanation,
    records: Vec<Record>,
}

impl EveryRecord {
    /// Records in all.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Page `page` (0-based) of `page_size` records (at least 1).
    pub fn page(&self, page: u32, page_size: u32) -> Explanation {
        let size = page_size.max(1);
        let from = (page as usize).saturating_mul(size as usize);
        let records = self
            .records
            .iter()
            .skip(from)
            .take(size as usize)
            .cloned()
            .collect();
        Explanation {
            records,
            page,
            page_size: size,
            ..self.head.clone()
        }
    }
}

/// One metric of one rep (or the team) explained, with every record behind it in `sort` order (default:
/// by date, then id).
pub fn explain_every_record(
    model: &SalesModel,
    settings: &MetricSettings,
    report: &MetricsReport,
    metric: &str,
    rep: Option<&str>,
    sort: Option<RecordSort>,
) -> Result<EveryRecord, EngineError> {
    let p = Prepared::new(model, settings)?;
    let rep_ix = find_rep(model, report, rep)?;
    let team = rep_ix.is_none();
    let row: RepMetrics = if team {
        report.team.clone()
    } else {
        report
            .reps
            .iter()
            .find(|r| r.rep_ix == rep_ix)
            .cloned()
            .unwrap_or_else(|| RepMetrics {
                rep: model.rep_name(rep_ix).to_owned(),
                ..RepMetrics::default()
            })
    };
    // The rep's sets (the team: all of them).
    let all_sets = sets(&p);
    let mut won: Vec<DealIx> = Vec::new();
    let mut lost: Vec<DealIx> = Vec::new();
    let mut created: Vec<DealIx> = Vec::new();
    for (owner, s) in &all_sets {
        if team || *owner == rep_ix {
            won.extend(&s.won);
            lost.extend(&s.lost);
            created.extend(&s.created);
        }
    }
    let pipe = if team {
        Some(report.pipeline.team.clone())
    } else {
        report
            .pipeline
            .reps
            .iter()
            .find(|r| r.rep_ix == rep_ix)
            .cloned()
    };
    let act = if team {
        Some(report.activity.team.clone())
    } else {
        report
            .activity
            .reps
            .iter()
            .find(|r| r.rep_ix == rep_ix)
            .cloned()
    };
    let cur = &report.home_currency;
    let d = &model.deals;
    let closed = |i: DealIx| d.closed_on[i as usize];
    let mut notes = Vec::new();
    let (base, stage_name) = match metric.split_once(':') {
        Some((b, s)) => (b, Some(s.trim())),
        None => (metric, None),
    };
    // (value, formula, deals with the day that counts, activities)
    let (value, formula, deals, activities): Parts = match base {
        "deals_won" => (
            Some(row.deals_won as f64),
            format!(
                "deals won = {} won deals closed {} – {}",
                row.deals_won,
                p.period.start,
                p.period.end.min(p.as_of)
            ),
            won.iter().map(|&i| (i, closed(i))).collect(),
            Vec::new(),
        ),
        "deals_lost" => (
            Some(row.deals_lost as f64),
            format!(
                "deals lost = {} lost deals closed in the period ({} disqualified left out)",
                row.deals_lost, row.deals_disqualified
            ),
            lost.iter().map(|&i| (i, closed(i))).collect(),
            Vec::new(),
        ),
        "win_rate" => (
            row.win_rate,
            format!(
                "win rate = won ÷ (won + lost) = {} ÷ ({} + {}) = {}",
                row.deals_won,
                row.deals_won,
                row.deals_lost,
                pct(row.win_rate)
            ),
            won.iter().chain(&lost).map(|&i| (i, closed(i))).collect(),
            Vec::new(),
        ),
        "bookings" => {
            if report.money.incomplete {
                notes.push(
                    "Some amounts have no rate into the home currency and are left out of the sum."
                        .to_owned(),
                );
            }
            (
                row.bookings,
                format!(
                    "bookings = Σ amount of {} won deals, in {cur} = {}",
                    row.deals_won,
                    num(row.bookings)
                ),
                won.iter().map(|&i| (i, closed(i))).collect(),
                Vec::new(),
            )
        }
        "avg_deal_size" => {
            let with_amount: Vec<DealIx> = won
                .iter()
                .copied()
                .filter(|&i| {
                    d.amount_cents[i as usize].is_some_and(|a| a > 0)
                        && p.home_cents(i as usize).is_some()
                })
                .collect();
            let sum: i64 = with_amount
                .iter()
                .filter_map(|&i| p.home_cents(i as usize))
                .sum();
            (
                row.avg_deal_size,
                format!(
                    "average deal size = Σ won amounts above 0 ÷ their count = {} ÷ {} = {} {cur}",
                    num(Some(sum as f64 / 100.0)),
                    with_amount.len(),
                    num(row.avg_deal_size)
                ),
                with_amount.iter().map(|&i| (i, closed(i))).collect(),
                Vec::new(),
            )
        }
        "sales_cycle_median_days" => (
            row.sales_cycle_median_days,
            format!(
                "sales cycle = lower median of (close − creation) days over {} won deals = {} days",
                won.iter()
                    .filter(|&&i| d.created_on[i as usize].is_some())
                    .count(),
                num(row.sales_cycle_median_days)
            ),
            won.iter().map(|&i| (i, closed(i))).collect(),
            Vec::new(),
        ),
        "opps_created" => (
            Some(row.opps_created as f64),
            format!(
                "opportunities created = {} deals created in the period",
                row.opps_created
            ),
            created
                .iter()
                .map(|&i| (i, d.created_on[i as usize]))
                .collect(),
            Vec::new(),
        ),
        "attainment" => {
            if row.quota.is_none() {
                notes.push(
                    "No quota for this rep and period: import a quota file or pass one.".to_owned(),
                );
            }
            (
                row.attainment,
                format!(
                    "attainment = bookings ÷ quota = {} ÷ {} = {}",
                    num(row.bookings),
                    num(row.quota),
                    pct(row.attainment)
                ),
                won.iter().map(|&i| (i, closed(i))).collect(),
                Vec::new(),
            )
        }
        "coverage" => {
            let pipe = pipe.clone().unwrap_or_default();
            let c = &pipe.coverage;
            let formula = if c.quota_met {
                format!(
                    "coverage: quota met (booked {} of {}); {} open",
                    num(Some(c.booked)),
                    num(c.quota),
                    num(Some(c.open_amount))
                )
            } else {
                format!(
                    "coverage = open amount expected {} – {} ÷ (quota − booked) = {} ÷ ({} − {}) = {}",
                    p.as_of,
                    p.period.end,
                    num(Some(c.open_amount)),
                    num(c.quota),
                    num(Some(c.booked)),
                    c.coverage.map_or("—".to_owned(), |v| format!("{v:.2}×"))
                )
            };
            if c.quota.is_none() {
                notes.push("No quota: coverage needs one.".to_owned());
            }
            (
                c.coverage,
                formula,
                c.deals
                    .iter()
                    .map(|&i| (i, d.expected_close_on[i as usize]))
                    .collect(),
                Vec::new(),
            )
        }
        "past_due_deals" | "pushes" | "slipped_deals" | "stale_deals" => {
            let pipe = pipe.clone().unwrap_or_default();
            if base != "past_due_deals"
                && base != "stale_deals"
                && let Some(why) = &report.pipeline.slips_hidden
            {
                notes.push(why.clone());
            }
            let (value, formula, list) = match base {
                "past_due_deals" => (
                    pipe.past_due_deals as f64,
                    format!(
                        "past due = {} open deals expected to close before {}",
                        pipe.past_due_deals, p.as_of
                    ),
                    pipe.past_due.clone(),
                ),
                "pushes" => (
                    pipe.pushes as f64,
                    format!(
                        "pushes = {} close-date moves to a later date in the period, on {} deals (median {} days); {} pulled in",
                        pipe.pushes,
                        pipe.deals_pushed,
                        num(pipe.push_days_median),
                        pipe.pulled_in
                    ),
                    pipe.pushed.clone(),
                ),
                "slipped_deals" => (
                    pipe.slipped_deals as f64,
                    format!(
                        "slipped = {} of {} deals open on {} with a close date in the period, still open after it with a later date ({})",
                        pipe.slipped_deals,
                        pipe.slip_base_deals,
                        report.pipeline.slip_reference,
                        pct(pipe.slip_rate)
                    ),
                    pipe.slipped.clone(),
                ),
                _ => (
                    pipe.stale_deals as f64,
                    format!(
                        "stale = {} open deals without activity or stage change for {} days",
                        pipe.stale_deals, settings.stale_days
                    ),
                    pipe.stale.clone(),
                ),
            };
            (
                Some(value),
                formula,
                list.iter()
                    .map(|&i| (i, d.expected_close_on[i as usize]))
                    .collect(),
                Vec::new(),
            )
        }
        "open_deals" => {
            let pipe = pipe.clone().unwrap_or_default();
            let over_age_days = report
                .team
                .sales_cycle_median_days
                .map_or(180.0, |c| (2.0 * c).max(60.0));
            notes.push(format!(
                "Flags: stale (no activity or stage change for {} days), past due, pushed, slipped, over-age (older than {:.0} days: twice the team's median won cycle, at least 60).",
                settings.stale_days, over_age_days
            ));
            (
                Some(pipe.open_deals as f64),
                format!(
                    "open deals = {} deals open on {}, worth {} {cur}",
                    pipe.open_deals,
                    p.as_of,
                    num(Some(pipe.open_amount))
                ),
                pipe.open
                    .iter()
                    .map(|&i| (i, d.expected_close_on[i as usize]))
                    .collect(),
                Vec::new(),
            )
        }
        "stalled_deals" => {
            let list: Vec<DealIx> = report
                .process
                .stalled
                .iter()
                .copied()
                .filter(|&i| team || d.owner[i as usize] == rep_ix)
                .collect();
            (
                Some(list.len() as f64),
                format!(
                    "stalled = {} open deals in their stage longer than won deals' 75th percentile there",
                    list.len()
                ),
                list.iter()
                    .map(|&i| (i, d.created_on[i as usize]))
                    .collect(),
                Vec::new(),
            )
        }
        "stage_conversion" => {
            let Some(stage) = stage_name else {
                return Err(EngineError::StageNeeded {
                    metric: "stage_conversion".to_owned(),
                });
            };
            let funnels = if team {
                Some(&report.process.team)
            } else {
                report.process.by_rep.get(&rep_ix)
            };
            let found: Option<&FunnelStage> = funnels
                .into_iter()
                .flatten()
                .flat_map(|f| f.stages.iter())
                .find(|s| s.stage.eq_ignore_ascii_case(stage));
            let Some(s) = found else {
                let names: Vec<String> = report
                    .process
                    .team
                    .iter()
                    .flat_map(|f| f.stages.iter().map(|s| s.stage.clone()))
                    .collect();
                return Err(EngineError::UnknownStage {
                    stage: stage.to_owned(),
                    valid: names.join(", "),
                });
            };
            if let Some(why) = &s.hidden {
                notes.push(format!("The rate is hidden: {why}."));
            }
            (
                s.rate,
                format!(
                    "conversion from {} = moved on ÷ entered = {} ÷ {} ({} lost, {} still open) = {}",
                    s.stage,
                    s.converted,
                    s.entered,
                    s.lost,
                    s.open,
                    if s.hidden.is_some() {
                        "hidden".to_owned()
                    } else {
                        pct(s.rate)
                    }
                ),
                s.deals
                    .iter()
                    .map(|&i| (i, d.created_on[i as usize]))
                    .collect(),
                Vec::new(),
            )
        }
        "activities_per_day" | "connect_rate" => {
            let act = act.clone().unwrap_or_default();
            if !report.activity.available {
                notes.extend(report.activity.note.iter().cloned());
            }
            let (value, formula) = if base == "activities_per_day" {
                (
                    act.per_working_day,
                    format!(
                        "activities per working day = {} completed activities ÷ {} working days = {}",
                        act.total,
                        act.working_days,
                        num(act.per_working_day)
                    ),
                )
            } else {
                (
                    act.connect_rate,
                    format!(
                        "connect rate = connected ÷ calls = {} ÷ {} = {}",
                        act.connected_calls
                            .map_or("—".to_owned(), |c| c.to_string()),
                        act.calls,
                        pct(act.connect_rate)
                    ),
                )
            };
            (value, formula, Vec::new(), act.records.clone())
        }
        _ => {
            return Err(EngineError::UnknownMetric {
                metric: metric.to_owned(),
                valid: EXPLAINABLE.join(", "),
            });
        }
    };
    let def = definition(base);
    // Risk flags of open deals.
    let flagged: Vec<(&str, std::collections::HashSet<DealIx>)> = match (&pipe, base) {
        (Some(pipe), "open_deals") => {
            let over_age_days = report
                .team
                .sales_cycle_median_days
                .map_or(180.0, |c| (2.0 * c).max(60.0));
            let over_age = pipe
                .open
                .iter()
                .copied()
                .filter(|&i| {
                    d.created_on[i as usize]
                        .is_some_and(|c| (p.as_of - c).num_days() as f64 > over_age_days)
                })
                .collect();
            vec![
                ("stale", pipe.stale.iter().copied().collect()),
                ("past due", pipe.past_due.iter().copied().collect()),
                ("pushed", pipe.pushed.iter().copied().collect()),
                ("slipped", pipe.slipped.iter().copied().collect()),
                ("over-age", over_age),
            ]
        }
        _ => Vec::new(),
    };
    let mut records: Vec<(Option<NaiveDate>, String, Record)> = deals
        .iter()
        .map(|&(i, day)| {
            let mut r = deal_record(model, i as usize, day);
            r.flags = flagged
                .iter()
                .filter(|(_, set)| set.contains(&i))
                .map(|(f, _)| (*f).to_owned())
                .collect();
            (day, r.id.clone(), r)
        })
        .chain(activities.iter().map(|&k| {
            let r = activity_record(model, k as usize);
            (r.date, r.id.clone(), r)
        }))
        .collect();
    records.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    if let Some(sort) = sort {
        // Stable: ties keep the date-then-id order.
        records.sort_by(|a, b| {
            let ord = sort.column.compare(&a.2, &b.2);
            if sort.descending { ord.reverse() } else { ord }
        });
    }
    let total = records.len() as u64;
    let amount_sum = records.iter().any(|r| r.2.amount.is_some()).then(|| {
        records
            .iter()
            .filter(|r| r.2.kind == RecordKind::Deal)
            .filter_map(|r| r.2.amount)
            .sum()
    });
    let records = records.into_iter().map(|(_, _, r)| r).collect();
    let head = Explanation {
        metric: metric.to_owned(),
        name: def.map_or(base, |d| d.name).to_owned(),
        rep: if team {
            "Team".to_owned()
        } else {
            row.rep.clone()
        },
        period_start: p.period.start,
        period_end: p.period.end,
        as_of: p.as_of,
        value,
        unit: def.map_or(Unit::Count, |d| d.unit),
        definition: def.map_or("", |d| d.definition).to_owned(),
        formula,
        notes,
        records: Vec::new(),
        total_records: total,
        amount_sum,
        page: 0,
        page_size: 0,
    };
    Ok(EveryRecord { head, records })
}
