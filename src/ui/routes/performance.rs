//! Performance: results — bookings by month against quota, attainment per rep, win rate / deal size /
//! cycle trends, a leaderboard, and the forecast of the period: the most likely number with its P10–P90
//! range, the chance of quota, the Commit roll-up and the CRM-weighted pipeline beside it, how accurate it
//! has been, and a row per rep — all as the engine answers them.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::engine::forecast::report::{ForecastReport, ForecastRow};
use crate::engine::metrics::compute::MetricsReport;
use crate::engine::metrics::trend::{MIN_CLOSED_TEAM_MONTH, MIN_WON_MONTH, Month};
use crate::engine::numfmt::{days, money, percent};
use crate::ui::components::chart::{Bar, Chart, Kind};
use crate::ui::components::fan::FanChart;
use crate::ui::components::table::{Cell, Column, DataTable, Row};
use crate::ui::data::{Loaded, forecast, trends, use_data};
use crate::ui::filters::with_param;
use crate::ui::routes::shared::{Missing, Section, gate, rep_cell};
use crate::ui::state::{MathAsk, use_app_state};

#[component]
pub fn PerformanceView() -> impl IntoView {
    let data = use_data();
    view! {
        <section class="view" data-testid="view-performance">
            <h1>"Performance"</h1>
            <p class="purpose">"Results: bookings against quota, attainment per rep, and how win rate, deal size and cycle are moving."</p>
            {gate(data, "Performance needs closed deals.", |report| view! { <PerformanceBody report=report /> }.into_any())}
        </section>
    }
}

fn month_bars(
    months: &[Month],
    value: impl Fn(&Month) -> (Option<f64>, String, bool),
    metric: &str,
) -> Vec<Bar> {
    months
        .iter()
        .map(|m| {
            let (v, text, small) = value(m);
            let mut bar = Bar::new(m.start.format("%b %y").to_string(), v, text);
            bar.muted = m.partial || small;
            bar.math = Some(MathAsk {
                metric: metric.to_owned(),
                rep: None,
                label: format!("{} · Team", m.start.format("%B %Y")),
            });
            bar
        })
        .collect()
}

#[component]
fn PerformanceBody(report: Arc<MetricsReport>) -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let months = trends(state, data);
    let ready = move || match months.get() {
        Some(Loaded::Ready(m)) => (*m).clone(),
        _ => Vec::new(),
    };
    let bookings = move || {
        let mut bars = month_bars(
            &ready(),
            |m| {
                (
                    m.team.bookings.or(Some(0.0)),
                    money(m.team.bookings.or(Some(0.0))),
                    false,
                )
            },
            "bookings",
        );
        for (bar, m) in bars.iter_mut().zip(ready()) {
            bar.line = m.team.quota;
        }
        bars
    };
    let win = move || {
        month_bars(
            &ready(),
            |m| {
                (
                    m.team.win_rate,
                    format!("{} (n = {})", percent(m.team.win_rate), m.team.win_rate_n),
                    m.team.win_rate_too_few,
                )
            },
            "win_rate",
        )
    };
    let size = move || {
        month_bars(
            &ready(),
            |m| {
                (
                    m.team.avg_deal_size,
                    format!("{} ({} won)", money(m.team.avg_deal_size), m.team.deals_won),
                    m.team.won_too_few,
                )
            },
            "avg_deal_size",
        )
    };
    let cycle = move || {
        month_bars(
            &ready(),
            |m| {
                (
                    m.team.cycle_days,
                    format!("{} ({} won)", days(m.team.cycle_days), m.team.deals_won),
                    m.team.won_too_few,
                )
            },
            "sales_cycle_median_days",
        )
    };
    let attainment: Vec<Bar> = report
        .attainment_chart
        .iter()
        .filter_map(|rep| report.reps.iter().find(|m| &m.rep == rep))
        .map(|m| {
            let mut bar = Bar::new(
                m.rep.clone(),
                m.attainment,
                format!(
                    "{} ({} of {})",
                    percent(m.attainment),
                    money(m.bookings),
                    money(m.quota)
                ),
            );
            bar.math = Some(MathAsk {
                metric: "attainment".to_owned(),
                rep: Some(m.rep.clone()),
                label: format!("Attainment · {}", m.rep),
            });
            bar
        })
        .collect();
    let attainment_view = if attainment.is_empty() {
        view! { <Missing text="No quotas for this period in these files: attainment needs a quota file." /> }.into_any()
    } else {
        view! { <Chart testid="attainment-by-rep" title="Attainment by rep" unit="share of quota" bars=Signal::derive(move || attainment.clone()) /> }.into_any()
    };
    view! {
        <Section title="Bookings by month" testid="bookings-by-month" lede="Won amount by month of close, against the team's monthly quota (line). The current month is pale until it ends.">
            <Chart testid="bookings-chart" title="Bookings by month" unit="home currency" bars=Signal::derive(bookings) line_label="Quota" />
        </Section>
        <Section title="Attainment per rep" testid="attainment-per-rep">{attainment_view}</Section>
        <Section title="Trends" testid="trends" lede=format!("By month of close. Pale points rest on too few deals to judge (win rate: fewer than {MIN_CLOSED_TEAM_MONTH} closed; size and cycle: fewer than {MIN_WON_MONTH} won).")>
            <div class="chart-trio">
                <Chart testid="winrate-trend" title="Win rate" unit="share of closed deals" kind=Kind::Line bars=Signal::derive(win) />
                <Chart testid="dealsize-trend" title="Average deal size" unit="home currency" kind=Kind::Line bars=Signal::derive(size) />
                <Chart testid="cycle-trend" title="Sales cycle (median)" unit="days" kind=Kind::Line bars=Signal::derive(cycle) />
            </div>
        </Section>
        <Leaderboard report=report.clone() />
        <ForecastPanel />
    }
}

#[component]
fn ForecastPanel() -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let answer = forecast(state, data);
    let body = move || {
        match answer.get() {
        None => view! { <p class="missing" data-testid="forecast-working">"Forecasting… (the backtest of the past periods runs first)"</p> }.into_any(),
        Some(Loaded::NoData) => view! { <Missing text="The forecast needs deals." /> }.into_any(),
        Some(Loaded::Failed(why)) => view! { <Missing text=format!("No forecast: {why}") /> }.into_any(),
        Some(Loaded::Ready(report)) => view! { <ForecastBody report=report /> }.into_any(),
    }
    };
    view! {
        <Section title="Forecast" testid="forecast" lede="Where the period will land: closed so far, plus each open deal at its chance of closing in time, plus the deals not yet created — as a range, learned from this team's own history.">
            {body}
        </Section>
    }
}

/// A forecast row's cells; a rep's name opens their page (with their forecast and deals).
fn forecast_cells(row: &ForecastRow, href: Option<String>) -> Vec<Cell> {
    let m = |v: Option<f64>| Cell::number(money(v), v);
    let name = Cell::text(row.rep.clone());
    vec![
        match href {
            Some(h) => name.href(h),
            None => name,
        },
        m(Some(row.closed)),
        m(row.p10),
        m(row.p50),
        m(row.p90),
        Cell::number(percent(row.chance_of_quota), row.chance_of_quota),
        m(row.commit),
        m(row.crm_weighted),
        Cell::number(row.open_deals.to_string(), Some(row.open_deals as f64)),
    ]
}

#[component]
fn ForecastBody(report: Arc<ForecastReport>) -> impl IntoView {
    let query = use_query_map();
    let t = &report.team;
    let range = match (t.p10, t.p90) {
        (Some(lo), Some(hi)) => format!("{} – {}", money(Some(lo)), money(Some(hi))),
        _ => "no range: too few open deals".to_owned(),
    };
    let mut warnings = Vec::new();
    if report.leaky {
        warnings.extend(report.leak_reasons.iter().cloned());
    }
    if report.limited_history {
        warnings.push("Limited history: chances are by stage and close date only.".to_owned());
    }
    let columns = vec![
        Column::text("Rep"),
        Column::number("Closed", None),
        Column::number("P10", None),
        Column::number("Most likely", None),
        Column::number("P90", None),
        Column::number("Chance of quota", None),
        Column::number("Commit roll-up", None),
        Column::number("CRM-weighted", None),
        Column::number("Open deals", None),
    ];
    let rows: Vec<Row> = report
        .reps
        .iter()
        .map(|r| Row {
            key: r.rep_id.clone().unwrap_or_else(|| r.rep.clone()),
            cells: forecast_cells(
                r,
                r.rep_id.is_some().then(|| {
                    query.with_untracked(|q| {
                        let mut q = q.clone();
                        q.replace("view", "people".to_owned());
                        with_param(&q, "rep", Some(&r.rep))
                    })
                }),
            ),
            pinned: false,
        })
        .chain(std::iter::once(Row {
            key: "team".to_owned(),
            cells: forecast_cells(t, None),
            pinned: true,
        }))
        .collect();
    let notes = report.notes.clone();
    view! {
        <div class="forecast-head" data-testid="forecast-team">
            <div class="forecast-main">
                <span class="forecast-label">{format!("Most likely · {} · as of {}", report.period.label, report.as_of)}</span>
                <strong class="forecast-number" data-testid="forecast-most-likely">{money(t.p50)}</strong>
                <span class="forecast-range">{format!("P10–P90: {range}")}</span>
            </div>
            <dl class="forecast-facts">
                <dt>"Chance of quota"</dt><dd>{match t.quota { Some(q) => format!("{} of {}", percent(t.chance_of_quota), money(Some(q))), None => "no quota".to_owned() }}</dd>
                <dt>"Closed so far"</dt><dd>{money(Some(t.closed))}</dd>
                <dt>"Commit roll-up"</dt><dd>{money(t.commit)}</dd>
                <dt>"CRM-weighted pipeline"</dt><dd>{money(t.crm_weighted)}</dd>
            </dl>
        </div>
        <p class="forecast-accuracy" data-testid="forecast-accuracy">{report.accuracy.clone()}</p>
        {warnings.into_iter().map(|w| view! { <p class="warning">{w}</p> }).collect_view()}
        {(!report.fan.is_empty()).then(|| view! {
            <FanChart testid="forecast-fan" title=format!("Bookings to date and the range to {}", report.period.end) unit=report.currency.clone() points=report.fan.clone() quota=t.quota />
        })}
        <DataTable testid="forecast-reps" caption="Forecast by rep" columns=columns rows=Signal::derive(move || rows.clone()) export_name="forecast" />
        <Tested report=report.clone() />
        <details class="forecast-notes">
            <summary>"How this forecast is made"</summary>
            <ul>{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
        </details>
    }
}

/// "How was this tested": the backtest the forecast ran — each method's error by week of the period, the
/// model's range coverage, the independent periods behind them — and the model's deal-level calibration.
#[component]
fn Tested(report: Arc<ForecastReport>) -> impl IntoView {
    let b = &report.tested;
    let weeks: Vec<u32> = b
        .methods
        .first()
        .map(|m| m.by_week.iter().map(|w| w.week).collect())
        .unwrap_or_default();
    let ratio = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{v:.2}"));
    let mut columns = vec![
        Column::text("Method"),
        Column::number("Origins", None),
        Column::number(
            "WAPE",
            Some(
                "Weighted absolute percentage error: Σ|forecast − actual| / Σ actual. Lower is better.",
            ),
        ),
        Column::number(
            "Bias",
            Some("Σ(forecast − actual) / Σ actual: above 0 forecasts too high."),
        ),
        Column::number(
            "P10–P90 held",
            Some(
                "The share of origins whose result fell inside the range (about 80% when honest).",
            ),
        ),
    ];
    for w in &weeks {
        columns.push(Column::number(
            &format!("Week {w}"),
            Some("WAPE (bias) at this week of the period; in brackets the origins."),
        ));
    }
    let rows: Vec<Row> = b
        .methods
        .iter()
        .map(|m| {
            let mut cells = vec![
                Cell::text(if m.baseline {
                    m.name.replace('_', " ")
                } else {
                    "model (this forecast)".to_owned()
                }),
                Cell::number(m.origins.to_string(), Some(m.origins as f64)),
                Cell::number(ratio(m.wape), m.wape),
                Cell::number(ratio(m.bias), m.bias),
                Cell::number(percent(m.interval_coverage), m.interval_coverage),
            ];
            for w in &m.by_week {
                let text = match w.wape {
                    Some(e) => format!("{e:.2} ({}) · n={}", ratio(w.bias), w.origins),
                    None => format!("— · n={}", w.origins),
                };
                cells.push(Cell::number(text, w.wape));
            }
            Row {
                key: m.name.clone(),
                cells,
                pinned: false,
            }
        })
        .collect();
    let bands: Vec<Bar> = b
        .calibration
        .iter()
        .map(|band| {
            let mut bar = Bar::new(
                format!("{:.0}–{:.0}%", band.from * 100.0, band.to * 100.0),
                band.actual,
                format!(
                    "{} won of {} deals; the model said {}",
                    percent(band.actual),
                    band.deals,
                    percent(band.predicted)
                ),
            );
            bar.marker = band.predicted;
            bar.muted = band.deals < 20;
            bar
        })
        .collect();
    let summary = format!(
        "How was this tested: {} origins in {} independent {}s before {}",
        b.origins,
        b.periods,
        b.period.word(),
        report.as_of
    );
    let notes = b.notes.clone();
    view! {
        <details class="forecast-tested" data-testid="forecast-tested">
            <summary>{summary}</summary>
            <p class="lede">"The forecast was run at weekly origins of earlier periods, each knowing only what was known that day (the deals rebuilt from their history), and scored against what was then booked — beside simple methods a manager could use instead."</p>
            <DataTable testid="forecast-backtest" caption="Backtest: error by method and week of the period" columns=columns rows=Signal::derive(move || rows.clone()) export_name="forecast-backtest" />
            {(!bands.is_empty()).then(|| view! {
                <Chart testid="forecast-calibration" title="Calibration: share won by band of the model's chance" unit="share of deals" bars=Signal::derive(move || bands.clone()) marker_label="Model's chance (mean)" note="Bars: the share of open deals at earlier origins that were won in the period; ticks: the model's mean chance for them. Bars at their ticks mean the chances can be taken at their word. Pale bars rest on fewer than 20 deals." />
            })}
            <ul class="note">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
        </details>
    }
}

#[component]
fn Leaderboard(report: Arc<MetricsReport>) -> impl IntoView {
    let reps: Vec<_> = report
        .leaderboard
        .iter()
        .filter_map(|place| {
            let m = report.reps.iter().find(|m| m.rep == place.rep)?;
            Some((place.rank, m))
        })
        .collect();
    let columns = vec![
        Column::number("#", None),
        Column::text("Rep"),
        Column::number("Bookings", None),
        Column::number("Attainment", None),
        Column::number("Deals won", None),
        Column::number("Win rate", None),
        Column::number("Avg deal", None),
        Column::number("Cycle", None),
    ];
    let rows: Vec<Row> = reps
        .iter()
        .map(|(rank, m)| {
            let name = m.rep.clone();
            Row {
                key: name.clone(),
                cells: vec![
                    Cell::number(rank.to_string(), Some(f64::from(*rank))),
                    Cell::text(if m.active {
                        name.clone()
                    } else {
                        format!("{name} (left)")
                    }),
                    rep_cell(&report, "bookings", &name, m.bookings, "Bookings"),
                    rep_cell(&report, "attainment", &name, m.attainment, "Attainment"),
                    rep_cell(
                        &report,
                        "deals_won",
                        &name,
                        Some(m.deals_won as f64),
                        "Deals won",
                    ),
                    rep_cell(&report, "win_rate", &name, m.win_rate, "Win rate"),
                    rep_cell(
                        &report,
                        "avg_deal_size",
                        &name,
                        m.avg_deal_size,
                        "Average deal size",
                    ),
                    rep_cell(
                        &report,
                        "sales_cycle_median_days",
                        &name,
                        m.sales_cycle_median_days,
                        "Sales cycle",
                    ),
                ],
                pinned: false,
            }
        })
        .collect();
    view! {
        <Section title="Leaderboard" testid="leaderboard" lede="By bookings in the period; every figure opens its deals.">
            <DataTable testid="leaderboard-table" caption="Leaderboard" columns=columns rows=Signal::derive(move || rows.clone()) export_name="leaderboard" />
        </Section>
    }
}
