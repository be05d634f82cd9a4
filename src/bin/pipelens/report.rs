//! `pipelens report FILE...`: the per-rep performance metrics of a period, with their definitions, the
//! money conversion, every assumption and the reconciliation against CRM reports — as a table, as JSON
//! (the import contract extended: `import`, `period`, `home_currency`, `team`, `reps` …) or as CSV (one row
//! per rep, safe to open in a spreadsheet).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use lexopt::prelude::*;
use pipelens::engine::ingest::report::FileReport;
use pipelens::engine::metrics::MetricSettings;
use pipelens::engine::metrics::compute::{
    DealType, LostCategory, LostReasonRule, MetricsReport, OppsCredit, RepMetrics,
};
use pipelens::engine::metrics::definitions::DEFINITIONS;
use pipelens::engine::metrics::money::Money;
use pipelens::engine::metrics::period::{PeriodSpec, QuarterPattern, YearNaming};
use pipelens::engine::model::summary::ModelSummary;
use pipelens::engine::model::{Kind, KindChoice};
use pipelens::engine::numfmt::{money, percent};
use pipelens::engine::protocol::{Computed, Metrics, Overview, Summary};
use serde::Serialize;

use crate::load::{Failure, Load};
use crate::{Opt, UsageError};
use pipelens::engine::session::Session;

pub const REPORT_OPTIONS: &str = "    --period P                all, 2017, 2017-Q2, 2017-05, 2017-01-01..2017-03-31, this-quarter,
                              last-quarter, this-year, last-year (default: all)
    --as-of YYYY-MM-DD        \"today\" for the numbers (default: the latest date in the data)
    --fiscal-start-month N    the month (1-12) the fiscal year starts in (default 1; a Period.csv
                              export sets the whole calendar)
    --fiscal-year-named start|end   name fiscal years by the year they start or end in
    --quarters months|445|454|544   how quarters are cut
    --home-currency CODE      the currency every amount is shown in (default USD)
    --rates FILE              currency,rate[,from date] lines: one unit of currency in home units
    --quotas FILE             a quota file: rep,period,amount[,currency]
    --pipeline NAME           only this pipeline (repeatable); likewise --deal-type new_business|
                              expansion|renewal|other, --team NAME, --role NAME, --rep NAME
    --stage-floor STAGE       also compute the win rate of deals that reached STAGE
    --ramp 0.25,0.5,0.75      new reps' quota share by month since they started
    --opps-credit owner|creator   who gets credit for opportunities created
    --lost-reason 'REASON=competitive|no_decision|disqualified|other'
    --no-decision-not-lost    leave no-decision losses out of win rates
    --skipped-stages-not-passed   the funnel counts only stages a deal entered
    --stale-days N            open deals untouched this long are stale (default 30)
    --slip-reference DATE     the day whose close dates define a slip (default: the period's start)";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Serialize)]
struct ImportPart {
    files: Vec<FileReport>,
    model: ModelSummary,
}

#[derive(Serialize)]
struct Output<'a> {
    import: ImportPart,
    #[serde(flatten)]
    metrics: &'a MetricsReport,
    definitions: &'static [pipelens::engine::metrics::definitions::Definition],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<Failure>,
}

/// The options `report` and `explain` share: what to read, the period, money, scope and definitions.
#[derive(Default)]
pub struct ReportArgs {
    pub load: Load,
    pub format: Option<Format>,
    pub settings: MetricSettings,
    fiscal_month: Option<u32>,
    rates_file: Option<PathBuf>,
    /// `--home-currency` was given.
    home_given: bool,
}

impl ReportArgs {
    /// Takes one option (or file) if `arg` is one of them; `Ok(false)` when it is not.
    pub fn take(&mut self, arg: &Opt, parser: &mut lexopt::Parser) -> Result<bool, UsageError> {
        if self.load.take(arg, parser)? {
            return Ok(true);
        }
        let settings = &mut self.settings;
        let name = arg.long().unwrap_or_default().to_owned();
        let mut value = || -> Result<String, UsageError> { Ok(parser.value()?.string()?) };
        match name.as_str() {
            "format" => {
                self.format = Some(match value()?.as_str() {
                    "table" => Format::Table,
                    "json" => Format::Json,
                    "csv" => Format::Csv,
                    other => {
                        return Err(UsageError(format!(
                            "unknown format '{other}'; use table, json or csv"
                        )));
                    }
                })
            }
            "period" => settings.period = PeriodSpec::parse(&value()?).map_err(UsageError)?,
            "as-of" => {
                let text = value()?;
                let day = NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                    UsageError(format!(
                        "--as-of takes a date like 2017-12-31, not '{text}'"
                    ))
                })?;
                settings.as_of = Some(day);
            }
            "fiscal-start-month" => {
                let text = value()?;
                let month = text.parse().ok().filter(|m| (1..=12).contains(m));
                self.fiscal_month = Some(month.ok_or_else(|| {
                    UsageError(format!("--fiscal-start-month takes 1 to 12, not '{text}'"))
                })?);
            }
            "fiscal-year-named" => {
                settings.calendar.naming = match value()?.as_str() {
                    "start" => YearNaming::StartYear,
                    "end" => YearNaming::EndYear,
                    other => {
                        return Err(UsageError(format!(
                            "--fiscal-year-named takes start or end, not '{other}'"
                        )));
                    }
                }
            }
            "quarters" => {
                settings.calendar.quarters = match value()?.as_str() {
                    "months" => QuarterPattern::Months,
                    "445" | "4-4-5" => QuarterPattern::Weeks445,
                    "454" | "4-5-4" => QuarterPattern::Weeks454,
                    "544" | "5-4-4" => QuarterPattern::Weeks544,
                    other => {
                        return Err(UsageError(format!(
                            "--quarters takes months, 445, 454 or 544, not '{other}'"
                        )));
                    }
                }
            }
            "home-currency" => {
                settings.money.home_currency = value()?.to_uppercase();
                self.home_given = true;
            }
            "rates" => self.rates_file = Some(PathBuf::from(value()?)),
            "quotas" => {
                let path = PathBuf::from(value()?);
                let file = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                self.load.settings.kinds.push(KindChoice {
                    file: Some(file),
                    kind: Kind::Quotas,
                });
                self.load.files.push(path);
            }
            "pipeline" => settings.scope.pipelines.push(value()?),
            "team" => settings.scope.teams.push(value()?),
            "role" => settings.scope.roles.push(value()?),
            "rep" => settings.scope.reps.push(value()?),
            "deal-type" => {
                let text = value()?;
                let kind = match text.as_str() {
                    "new_business" | "new-business" | "new" => DealType::NewBusiness,
                    "expansion" => DealType::Expansion,
                    "renewal" => DealType::Renewal,
                    "other" => DealType::Other,
                    other => {
                        return Err(UsageError(format!(
                            "--deal-type takes new_business, expansion, renewal or other, not '{other}'"
                        )));
                    }
                };
                settings.scope.deal_types.push(kind);
            }
            "stage-floor" => settings.stage_floor = Some(value()?),
            "ramp" => {
                let text = value()?;
                settings.ramp = text
                    .split(',')
                    .map(|s| {
                        s.trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|v| (0.0..=1.0).contains(v))
                    })
                    .collect::<Option<Vec<f64>>>()
                    .ok_or_else(|| {
                        UsageError(format!(
                            "--ramp takes shares between 0 and 1 like 0.25,0.5,0.75, not '{text}'"
                        ))
                    })?;
            }
            "opps-credit" => {
                settings.opps_credit = match value()?.as_str() {
                    "owner" => OppsCredit::Owner,
                    "creator" => OppsCredit::Creator,
                    other => {
                        return Err(UsageError(format!(
                            "--opps-credit takes owner or creator, not '{other}'"
                        )));
                    }
                }
            }
            "lost-reason" => {
                let text = value()?;
                let (reason, category) = text.rsplit_once('=').ok_or_else(|| {
                    UsageError(format!("--lost-reason takes REASON=CATEGORY, not '{text}'"))
                })?;
                let category = match category {
                    "competitive" => LostCategory::Competitive,
                    "no_decision" => LostCategory::NoDecision,
                    "disqualified" => LostCategory::Disqualified,
                    "other" => LostCategory::Other,
                    other => {
                        return Err(UsageError(format!(
                            "'{other}' is not a category; use competitive, no_decision, disqualified or other"
                        )));
                    }
                };
                settings.lost_reasons.push(LostReasonRule {
                    reason: reason.to_owned(),
                    category,
                });
            }
            "no-decision-not-lost" => settings.no_decision_is_lost = false,
            "skipped-stages-not-passed" => settings.skipped_stages_pass = false,
            "stale-days" => {
                let text = value()?;
                settings.stale_days = text.parse().map_err(|_| {
                    UsageError(format!("--stale-days takes a number of days, not '{text}'"))
                })?;
            }
            "slip-reference" => {
                let text = value()?;
                settings.slip_reference =
                    Some(NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                        UsageError(format!(
                            "--slip-reference takes a date like 2017-04-01, not '{text}'"
                        ))
                    })?);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Reads the files and settles the settings: the session, the import part, the failures.
    pub fn load(mut self) -> Result<Loaded, UsageError> {
        if self.load.files.is_empty() {
            return Err(UsageError("at least one file is needed".to_owned()));
        }
        if let Some(path) = &self.rates_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?;
            self.settings.money.rates = Money::parse_rates(&text)
                .map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
        }
        let (mut session, errors, file_ids) = self.load.run_with_ids();
        let (files, model_summary) = match session.ask(Summary {}) {
            Ok(Overview { files, model }) => (files, *model),
            Err(_) => (Vec::new(), ModelSummary::default()),
        };
        // The CRM's fiscal calendar, when no other is asked for, is the session's to apply (as in the app).
        if let Some(month) = self.fiscal_month {
            self.settings.calendar.fiscal_start_month = month;
        }
        Ok(Loaded {
            session,
            errors,
            files,
            model_summary,
            settings: self.settings,
            format: self.format.unwrap_or(Format::Table),
            file_ids,
        })
    }
}

/// Files read and settings settled.
pub struct Loaded {
    pub session: Session,
    pub errors: Vec<Failure>,
    pub files: Vec<FileReport>,
    pub model_summary: ModelSummary,
    pub settings: MetricSettings,
    pub format: Format,
    /// The session's id of each file of [`Load::files`], in order (`None`: it could not be read).
    pub file_ids: Vec<Option<pipelens::engine::ingest::FileId>>,
}

pub fn run(parser: &mut lexopt::Parser) -> Result<ExitCode, UsageError> {
    let mut args = ReportArgs::default();
    while let Some(arg) = parser.next()? {
        let arg = Opt::from(arg);
        if !args.take(&arg, parser)? {
            return Err(UsageError(format!(
                "unknown option '{arg}' for report; see 'pipelens --help' for the options"
            )));
        }
    }
    if args.load.files.is_empty() {
        return Err(UsageError("report needs at least one file".to_owned()));
    }
    let currency_chosen = args.home_given || args.rates_file.is_some();
    let Loaded {
        mut session,
        errors,
        files,
        model_summary,
        settings,
        format,
        ..
    } = args.load()?;
    if session.model().is_none() {
        eprintln!("pipelens: no file could be read");
        return Ok(ExitCode::from(1));
    }
    let metrics = match session.ask(Metrics {
        settings: Box::new(settings.clone()),
    }) {
        Ok(Computed { report }) => *report,
        Err(error) => {
            crate::load::report_failures(&errors);
            eprintln!("pipelens: {error}");
            return Ok(ExitCode::from(1));
        }
    };
    // Every amount in one foreign currency with no rate: ask, never print zeros.
    if let (Some(only), false) = (&metrics.money.ask_currency, currency_chosen) {
        eprintln!(
            "pipelens: every amount is in {only} and no rate turns {only} into {home}: show everything in {only} (--home-currency {only}), or give a rate (--rates FILE with a line '{only},<{home} per {only}>')",
            home = metrics.home_currency
        );
        return Ok(ExitCode::from(1));
    }
    match format {
        Format::Json => {
            let output = Output {
                import: ImportPart {
                    files,
                    model: model_summary,
                },
                metrics: &metrics,
                definitions: DEFINITIONS,
                errors: Vec::new(),
            };
            match serde_json::to_string_pretty(&output) {
                Ok(json) => println!("{json}"),
                Err(error) => eprintln!("pipelens: cannot write JSON: {error}"),
            }
        }
        Format::Csv => print!("{}", csv(&metrics)),
        Format::Table => print!("{}", table(&metrics)),
    }
    Ok(crate::load::exit_after(&errors))
}

/// A table row: the first cell left-aligned, the figures right-aligned, each to its column's width.
fn aligned_row(cells: &[String], widths: &[usize]) -> String {
    cells
        .iter()
        .zip(widths)
        .enumerate()
        .map(|(c, (cell, w))| {
            if c == 0 {
                format!("{cell:<w$}")
            } else {
                format!("{cell:>w$}")
            }
        })
        .collect::<Vec<_>>()
        .join("  ")
}

fn days(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.0}"))
}

fn row(m: &RepMetrics) -> Vec<String> {
    vec![
        m.rep.clone(),
        m.deals_won.to_string(),
        m.deals_lost.to_string(),
        format!("{} (n={})", percent(m.win_rate), m.win_rate_n),
        money(m.bookings),
        money(m.avg_deal_size),
        money(m.median_deal_size),
        days(m.sales_cycle_median_days),
        m.opps_created.to_string(),
        money(m.quota),
        percent(m.attainment),
    ]
}

/// The report for people: one line per rep, the team and its median, then how to read them.
fn table(report: &MetricsReport) -> String {
    let headers = [
        "Rep",
        "Won",
        "Lost",
        "Win rate",
        "Bookings",
        "Avg deal",
        "Median deal",
        "Cycle d",
        "Opps",
        "Quota",
        "Attain.",
    ];
    let mut rows: Vec<Vec<String>> = report.reps.iter().map(row).collect();
    rows.push(row(&report.team));
    let mut median = row(&report.team_median);
    median[1] = "".to_owned();
    median[2] = "".to_owned();
    median[3] = percent(report.team_median.win_rate);
    rows.push(median);
    let widths: Vec<usize> = (0..headers.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
                .max(headers[c].len())
        })
        .collect();
    let line = |cells: &[String]| aligned_row(cells, &widths);
    let mut out = format!(
        "Period {} to {} · as of {} ({}) · amounts in {}\n\n",
        report.period.start,
        report.period.end,
        report.period.as_of,
        report.period.as_of_from,
        report.home_currency
    );
    out.push_str(&line(
        &headers.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>(),
    ));
    out.push('\n');
    let reps = report.reps.len();
    for (i, r) in rows.iter().enumerate() {
        if i == reps {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
            out.push('\n');
        }
        out.push_str(&line(r));
        out.push('\n');
    }
    out.push_str(&sections(report));
    out.push_str("\nReconciliation:\n");
    for r in &report.reconciliation {
        let removed: Vec<String> = r
            .removed
            .iter()
            .map(|(why, n)| format!("{n} {why}"))
            .collect();
        out.push_str(&format!(
            "  {}: {} counted of {} in the files{}\n",
            r.metric,
            r.counted,
            r.in_files,
            if removed.is_empty() {
                String::new()
            } else {
                format!(" ({})", removed.join("; "))
            }
        ));
        for note in &r.notes {
            out.push_str(&format!("    {note}\n"));
        }
    }
    out.push_str("\nHow to read these numbers:\n");
    for a in &report.assumptions {
        out.push_str(&format!("  - {a}\n"));
    }
    out
}

/// Columns aligned: the first left, the rest right.
fn grid(headers: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..headers.len())
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
                .max(headers[c].chars().count())
        })
        .collect();
    let line = |cells: Vec<String>| aligned_row(&cells, &widths);
    let mut out = line(headers.iter().map(|h| (*h).to_owned()).collect());
    out.push('\n');
    for r in rows {
        out.push_str(&line(r.clone()));
        out.push('\n');
    }
    out
}

/// Process, pipeline health and activity, for people.
fn sections(report: &MetricsReport) -> String {
    let mut out = String::from(
        "\nProcess — funnel by cohort (deals first entering each stage in the period):\n",
    );
    let process = &report.process;
    if let Some(note) = &process.note {
        out.push_str(&format!("  {note}\n"));
    }
    for funnel in &process.team {
        if !funnel.pipeline.is_empty() {
            out.push_str(&format!("  Pipeline {}:\n", funnel.pipeline));
        }
        let rows: Vec<Vec<String>> = funnel
            .stages
            .iter()
            .map(|s| {
                vec![
                    s.stage.clone(),
                    s.entered.to_string(),
                    s.converted.to_string(),
                    s.lost.to_string(),
                    s.open.to_string(),
                    match &s.hidden {
                        Some(why) => format!("hidden: {why}"),
                        None => percent(s.rate),
                    },
                ]
            })
            .collect();
        out.push_str(&grid(
            &["Stage", "Entered", "Moved on", "Lost", "Open", "Conversion"],
            &rows,
        ));
    }
    if !process.time_in_stage.is_empty() {
        let rows: Vec<Vec<String>> = process
            .time_in_stage
            .iter()
            .map(|t| {
                vec![
                    t.stage.clone(),
                    t.stays.to_string(),
                    days(t.median_days),
                    days(t.p75_days),
                    days(t.won_p75_days),
                ]
            })
            .collect();
        out.push_str("\nTime in stage (days, stays that ended in the period):\n");
        out.push_str(&grid(
            &["Stage", "Stays", "Median", "p75", "Won p75"],
            &rows,
        ));
        out.push_str(&format!("Stalled open deals: {}\n", process.stalled_count));
    }
    let pipeline = &report.pipeline;
    out.push_str("\nPipeline health:\n");
    if let Some(why) = &pipeline.slips_hidden {
        out.push_str(&format!("  {why}\n"));
    }
    let coverage = |c: &pipelens::engine::metrics::pipeline::Coverage| {
        if c.quota_met {
            "quota met".to_owned()
        } else {
            c.coverage.map_or("—".to_owned(), |v| format!("{v:.2}×"))
        }
    };
    let mut rows: Vec<Vec<String>> = pipeline
        .reps
        .iter()
        .chain(std::iter::once(&pipeline.team))
        .map(|r| {
            vec![
                r.rep.clone(),
                r.open_deals.to_string(),
                money(Some(r.open_amount)),
                coverage(&r.coverage),
                r.coverage
                    .required
                    .map_or("—".to_owned(), |v| format!("{v:.2}×")),
                r.past_due_deals.to_string(),
                r.pushes.to_string(),
                format!("{} of {}", r.slipped_deals, r.slip_base_deals),
                r.stale_deals.to_string(),
                days(r.age_median_days),
                percent(r.top1_share),
            ]
        })
        .collect();
    if pipeline.slips_hidden.is_some() {
        for r in &mut rows {
            r[6] = "—".to_owned();
            r[7] = "—".to_owned();
        }
    }
    out.push_str(&grid(
        &[
            "Rep", "Open", "Open amt", "Coverage", "Required", "Past due", "Pushes", "Slipped",
            "Stale", "Age d", "Top deal",
        ],
        &rows,
    ));
    let activity = &report.activity;
    out.push_str("\nActivity (completed, per working day employed):\n");
    if let Some(note) = &activity.note {
        out.push_str(&format!("  {note}\n"));
    }
    if activity.available {
        let rows: Vec<Vec<String>> = activity
            .reps
            .iter()
            .chain(std::iter::once(&activity.team))
            .map(|a| {
                vec![
                    a.rep.clone(),
                    a.calls.to_string(),
                    a.connected_calls.map_or("—".to_owned(), |c| c.to_string()),
                    a.emails.to_string(),
                    a.meetings_held.to_string(),
                    a.tasks.to_string(),
                    a.working_days.to_string(),
                    a.per_working_day
                        .map_or("—".to_owned(), |v| format!("{v:.1}")),
                    a.meetings_per_opportunity
                        .map_or("—".to_owned(), |v| format!("{v:.2}")),
                    a.opportunities_per_win
                        .map_or("—".to_owned(), |v| format!("{v:.2}")),
                ]
            })
            .collect();
        out.push_str(&grid(
            &[
                "Rep",
                "Calls",
                "Connected",
                "Emails",
                "Meetings",
                "Tasks",
                "Days",
                "Per day",
                "Mtg/opp",
                "Opp/win",
            ],
            &rows,
        ));
    }
    out
}

pub use pipelens::engine::export::csv_cell as safe_cell;

fn csv(report: &MetricsReport) -> String {
    let headers = [
        "rep_id",
        "rep",
        "team",
        "active",
        "deals_won",
        "deals_lost",
        "deals_disqualified",
        "bookings",
        "win_rate",
        "win_rate_n",
        "win_rate_by_value",
        "avg_deal_size",
        "median_deal_size",
        "sales_cycle_median_days",
        "time_to_lose_median_days",
        "opps_created",
        "opps_created_value",
        "quota",
        "attainment",
        "pacing",
    ];
    let num = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v}"));
    let mut out = headers.join(",");
    out.push('\n');
    for m in &report.reps {
        let cells = [
            m.rep_id.clone().unwrap_or_default(),
            m.rep.clone(),
            m.team.clone().unwrap_or_default(),
            m.active.to_string(),
            m.deals_won.to_string(),
            m.deals_lost.to_string(),
            m.deals_disqualified.to_string(),
            num(m.bookings),
            num(m.win_rate),
            m.win_rate_n.to_string(),
            num(m.win_rate_by_value),
            num(m.avg_deal_size),
            num(m.median_deal_size),
            num(m.sales_cycle_median_days),
            num(m.time_to_lose_median_days),
            m.opps_created.to_string(),
            num(m.opps_created_value),
            num(m.quota),
            num(m.attainment),
            num(m.pacing),
        ];
        // Numbers are never formulas; text cells are guarded.
        let line: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| if i <= 2 { safe_cell(c) } else { c.clone() })
            .collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}
