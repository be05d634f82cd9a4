//! People: the team at a glance (strip with change vs the previous period, the team table shaded against
//! peers) and each rep's page for the 1:1 — scorecard as bullet bars, their funnel over the team's, monthly
//! trends, their forecast with its deals, when they work, open deals with risk flags, and pipeline hygiene.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::engine::metrics::compute::MetricsReport;
use crate::engine::metrics::definitions::{Unit, Verdict, definition};
use crate::engine::metrics::process::MIN_COHORT;
use crate::engine::metrics::trend::MIN_CLOSED_REP_MONTH;
use crate::engine::numfmt::{change, for_metric, money, number, percent};
use crate::ui::components::chart::{Bar, Chart, Kind};
use crate::ui::components::math::Figure;
use crate::ui::components::table::{Cell, Column, DataTable, Row};
use crate::ui::data::{Loaded, trends, use_data};
use crate::ui::filters::with_param;
use crate::ui::routes::coaching::{RepCoachingPanel, TeamCoaching};
use crate::ui::routes::forecast::RepForecast;
use crate::ui::routes::pack::OneOnOnePack;
use crate::ui::routes::scorecard::{Scorecard, name_of};
use crate::ui::routes::shared::{
    Missing, Section, context, deal_columns, deal_rows, explain_resource, gate, heat, list_summary,
    rep_cell,
};
use crate::ui::state::{MathAsk, use_app_state};

#[component]
pub fn PeopleView() -> impl IntoView {
    let data = use_data();
    let rep = move || data.filters.with(|f| f.rep.clone());
    view! {
        <section class="view" data-testid="view-people">
            {move || match rep() {
                Some(rep) => view! { <RepPage rep=rep /> }.into_any(),
                None => view! {
                    <h1>"People"</h1>
                    <p class="purpose">"Coach each rep from their own numbers. Pick a rep for their page."</p>
                    {gate(data, "People needs data: the team's deals, and activities if you have them.", |report| {
                        view! { <TeamStrip report=report.clone() /> <TeamCoaching /> <TeamTable report=report /> }.into_any()
                    })}
                }
                .into_any(),
            }}
        </section>
    }
}

/// The team's headline numbers with the change against the previous period.
#[component]
fn TeamStrip(report: Arc<MetricsReport>) -> impl IntoView {
    let metrics = [
        "bookings",
        "attainment",
        "win_rate",
        "avg_deal_size",
        "sales_cycle_median_days",
        "opps_created",
        "coverage",
        "activities_per_day",
    ];
    let previous = report
        .compared_with
        .first()
        .map(|p| format!("{} – {}", p.start, p.end))
        .unwrap_or_default();
    let cards = metrics
        .into_iter()
        .filter_map(|metric| {
            let ctx = context(&report, metric)?;
            let fmt = for_metric(metric);
            // A share changes by points; any other figure by its own format (money, days, ×), signed.
            let share = definition(metric).is_some_and(|d| d.unit == Unit::Ratio);
            let delta = ctx.team_previous.as_ref().map(|c| {
                let arrow = if c.delta > 0.0 { "▲ " } else if c.delta < 0.0 { "▼ " } else { "" };
                let text = if share {
                    change(c.delta, true)
                } else {
                    let sign = if c.delta > 0.0 { "+" } else if c.delta < 0.0 { "−" } else { "±" };
                    format!("{sign}{} vs {}", fmt(Some(c.delta.abs())), fmt(Some(c.previous)))
                };
                let class = match c.verdict {
                    Verdict::Better => "better",
                    Verdict::Worse => "worse",
                    Verdict::Unchanged => "flat",
                    Verdict::NotJudged => "",
                };
                (format!("{arrow}{text}"), class)
            });
            Some(view! {
                <div class="stat" data-testid=format!("strip-{metric}")>
                    <span class="stat-label">{name_of(metric)}</span>
                    <span class="stat-value">
                        <Figure text=fmt(ctx.team) metric=metric label=format!("{} · Team", name_of(metric)) />
                    </span>
                    {delta.map(|(text, class)| view! { <span class=format!("stat-change {class}") title=format!("Change vs {previous}")>{text}</span> })}
                </div>
            })
        })
        .collect_view();
    view! { <div class="strip" data-testid="team-strip">{cards}</div> }
}

#[component]
fn TeamTable(report: Arc<MetricsReport>) -> impl IntoView {
    let query = use_query_map();
    let help = |m: &str| definition(m).map(|d| d.definition);
    let columns = vec![
        Column::text("Rep"),
        Column::number("Attainment", help("attainment")),
        Column::number("Bookings", help("bookings")),
        Column::number("Win rate", help("win_rate")),
        Column::number("Avg deal", help("avg_deal_size")),
        Column::number("Median deal", Some("The middle won deal (lower median).")),
        Column::number("Cycle", help("sales_cycle_median_days")),
        Column::number("Coverage", help("coverage")),
        Column::number("Activities / day", help("activities_per_day")),
        Column::number("Meetings", Some("Meetings held in the period.")),
        Column::number("Opps created", help("opps_created")),
    ];
    let r = report.clone();
    let rows = move || {
        let report = &r;
        let mut rows: Vec<Row> = report
            .reps
            .iter()
            .map(|m| {
                let name = m.rep.clone();
                let pipe = report.pipeline.reps.iter().find(|p| p.rep == name);
                let act = report.activity.reps.iter().find(|a| a.rep == name);
                let href = query.with_untracked(|q| with_param(q, "rep", Some(&name)));
                let label = if m.active {
                    name.clone()
                } else {
                    format!("{name} (left)")
                };
                Row {
                    key: name.clone(),
                    cells: vec![
                        Cell::text(label).href(href),
                        rep_cell(report, "attainment", &name, m.attainment, "Attainment"),
                        rep_cell(report, "bookings", &name, m.bookings, "Bookings"),
                        rep_cell(report, "win_rate", &name, m.win_rate, "Win rate"),
                        rep_cell(
                            report,
                            "avg_deal_size",
                            &name,
                            m.avg_deal_size,
                            "Average deal size",
                        ),
                        Cell::number(money(m.median_deal_size), m.median_deal_size),
                        rep_cell(
                            report,
                            "sales_cycle_median_days",
                            &name,
                            m.sales_cycle_median_days,
                            "Sales cycle",
                        ),
                        rep_cell(
                            report,
                            "coverage",
                            &name,
                            pipe.and_then(|p| p.coverage.coverage),
                            "Coverage",
                        ),
                        rep_cell(
                            report,
                            "activities_per_day",
                            &name,
                            act.and_then(|a| a.per_working_day),
                            "Activities per day",
                        ),
                        Cell::number(
                            number(act.map(|a| a.meetings_held as f64)),
                            act.map(|a| a.meetings_held as f64),
                        ),
                        rep_cell(
                            report,
                            "opps_created",
                            &name,
                            Some(m.opps_created as f64),
                            "Opportunities created",
                        ),
                    ],
                    pinned: false,
                }
            })
            .collect();
        for (m, label) in [(&report.team_median, "Team median"), (&report.team, "Team")] {
            let team = label == "Team";
            let pipe = team.then_some(&report.pipeline.team);
            let act = team.then_some(&report.activity.team);
            let cell = |metric: &str, v: Option<f64>| {
                let c = Cell::number(for_metric(metric)(v), v);
                if team {
                    c.math(metric, None, format!("{} · Team", name_of(metric)))
                } else {
                    c
                }
            };
            rows.push(Row {
                key: label.to_owned(),
                cells: vec![
                    Cell::text(label),
                    cell("attainment", m.attainment),
                    cell("bookings", m.bookings),
                    cell("win_rate", m.win_rate),
                    cell("avg_deal_size", m.avg_deal_size),
                    Cell::number(money(m.median_deal_size), m.median_deal_size),
                    cell("sales_cycle_median_days", m.sales_cycle_median_days),
                    // The median row takes these two from the team context (they are not per-deal metrics).
                    cell(
                        "coverage",
                        if team {
                            pipe.and_then(|p| p.coverage.coverage)
                        } else {
                            context(report, "coverage").and_then(|c| c.spread.median)
                        },
                    ),
                    cell(
                        "activities_per_day",
                        if team {
                            act.and_then(|a| a.per_working_day)
                        } else {
                            context(report, "activities_per_day").and_then(|c| c.spread.median)
                        },
                    ),
                    Cell::number(
                        number(act.map(|a| a.meetings_held as f64)),
                        act.map(|a| a.meetings_held as f64),
                    ),
                    cell("opps_created", Some(m.opps_created as f64)),
                ],
                pinned: true,
            });
        }
        rows
    };
    view! {
        <DataTable
            testid="team-table"
            caption=format!("The team, {} – {} (as of {}). Cells are shaded against peers: blue above the median, orange below; hover for rank and n.", report.period.start, report.period.end, report.period.as_of)
            columns=columns
            rows=Signal::derive(rows)
            export_name="team"
        />
        <p class="scope-line">{report.scope.clone()}</p>
    }
}

/// One rep's page.
#[component]
fn RepPage(rep: String) -> impl IntoView {
    let data = use_data();
    let query = use_query_map();
    let back = move || query.with(|q| with_param(q, "rep", None));
    let rep_name = StoredValue::new(rep.clone());
    let title = rep.clone();
    let in_pack = move || query.with(|q| q.get("pack").is_some_and(|v| v == "1"));
    view! {
        {move || (!in_pack()).then(|| {
            let title = title.clone();
            view! {
                <p><a href=back data-testid="back-to-team">"← The team"</a></p>
                <h1 data-testid="rep-name">{title}</h1>
            }
        })}
        {gate(data, "This rep's page needs data.", move |report| {
            let rep = rep_name.get_value();
            match report.reps.iter().find(|m| m.rep == rep || m.rep_id.as_deref() == Some(&rep)) {
                None => view! {
                    <Missing text=format!("No rep named '{rep}' has deals in this period and scope. Pick one from the team table.") />
                }
                .into_any(),
                Some(m) if in_pack() => {
                    view! { <OneOnOnePack report=report.clone() rep=m.rep.clone() /> }.into_any()
                }
                Some(m) => {
                    let rep = m.rep.clone();
                    let pack = query.with(|q| with_param(q, "pack", Some("1")));
                    view! {
                        <p><a href=pack class="button-like" data-testid="open-pack">"1:1 pack (print or PDF)"</a></p>
                        <p class="purpose">{format!("{} · {}", m.team.clone().unwrap_or_else(|| "no team".to_owned()), if m.active { "active" } else { "has left" })}</p>
                        <Scorecard report=report.clone() rep=rep.clone() />
                        <RepCoachingPanel rep=rep.clone() />
                        <RepFunnel report=report.clone() rep=rep.clone() />
                        <RepForecast rep=rep.clone() />
                        <RepTrends rep=rep.clone() />
                        <WhenTheyWork report=report.clone() rep=rep.clone() />
                        <Hygiene report=report.clone() rep=rep.clone() />
                    }
                    .into_any()
                }
            }
        })}
    }
}

/// The rep's stage conversion over the team's.
#[component]
fn RepFunnel(report: Arc<MetricsReport>, rep: String) -> impl IntoView {
    if !report.process.available {
        return view! {
            <Section title="Funnel" testid="rep-funnel">
                <Missing text=report.process.note.clone().unwrap_or_default() />
            </Section>
        }
        .into_any();
    }
    let team = report.process.team.first().cloned().unwrap_or_default();
    let mine = report.process.rep_vs_team.iter().find(|f| f.rep == rep);
    let bars: Vec<Bar> = team
        .stages
        .iter()
        .map(|t| {
            let m = mine.and_then(|f| f.stages.iter().find(|s| s.stage == t.stage));
            let value = m.and_then(|s| s.conversion);
            let n = m.map_or(0, |s| s.entered);
            let mut bar = Bar::new(
                t.stage.clone(),
                value,
                format!(
                    "{} ({} of {n})",
                    percent(value),
                    m.map_or(0, |s| s.converted)
                ),
            );
            bar.marker = t.conversion;
            bar.muted = m.is_none_or(|s| s.too_few_deals);
            bar.math = Some(MathAsk {
                metric: format!("stage_conversion:{}", t.stage),
                rep: Some(rep.clone()),
                label: format!("Conversion from {} · {rep}", t.stage),
            });
            bar
        })
        .collect();
    view! {
        <Section title="Funnel" testid="rep-funnel" lede=format!("Share of the deals entering each stage in the period that moved on, this rep (bars) against the team (ticks). Pale bars: fewer than {MIN_COHORT} deals, too few to judge.")>
            <Chart testid="rep-funnel-chart" title="Stage conversion" unit="share of deals" bars=Signal::derive(move || bars.clone()) marker_label="Team" />
        </Section>
    }
    .into_any()
}

/// Bookings and win rate by month for this rep.
#[component]
fn RepTrends(rep: String) -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let months = trends(state, data);
    let rep = StoredValue::new(rep);
    let bars = move || match months.get() {
        Some(Loaded::Ready(months)) => months
            .iter()
            .map(|m| {
                let p = rep.with_value(|r| m.reps.iter().find(|p| &p.rep == r).cloned());
                let value = p.as_ref().and_then(|p| p.bookings).or(Some(0.0));
                let mut bar = Bar::new(m.start.format("%b %y").to_string(), value, money(value));
                bar.line = p.as_ref().and_then(|p| p.quota);
                bar.muted = m.partial;
                bar
            })
            .collect(),
        _ => Vec::new(),
    };
    let wins = move || match months.get() {
        Some(Loaded::Ready(months)) => months
            .iter()
            .map(|m| {
                let p = rep.with_value(|r| m.reps.iter().find(|p| &p.rep == r).cloned());
                let value = p.as_ref().and_then(|p| p.win_rate);
                let n = p.as_ref().map_or(0, |p| p.win_rate_n);
                let mut bar = Bar::new(
                    m.start.format("%b %y").to_string(),
                    value,
                    format!("{} (n = {n})", percent(value)),
                );
                bar.muted = p.as_ref().is_none_or(|p| p.win_rate_too_few);
                bar
            })
            .collect(),
        _ => Vec::new(),
    };
    view! {
        <Section title="Monthly trends" testid="rep-trends" lede=format!("Bookings by month of close against the monthly quota (line); win rate by month (pale: fewer than {MIN_CLOSED_REP_MONTH} closed deals, too few to judge). The current month is pale until it ends.")>
            <div class="chart-pair">
                <Chart testid="rep-bookings-trend" title="Bookings by month" unit=money_unit() bars=Signal::derive(bars) line_label="Quota" />
                <Chart testid="rep-winrate-trend" title="Win rate by month" unit="share of closed deals" kind=Kind::Line bars=Signal::derive(wins) />
            </div>
        </Section>
    }
}

fn money_unit() -> String {
    "home currency".to_owned()
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Activity heat table: weekday × hour when the export has times, else by weekday.
#[component]
fn WhenTheyWork(report: Arc<MetricsReport>, rep: String) -> impl IntoView {
    if !report.activity.available {
        return view! {
            <Section title="When they work" testid="rep-activity">
                <Missing text=report.activity.note.clone().unwrap_or_else(|| "No activities in these files: add the Task and Event exports (or calls, emails, meetings) to see activity.".to_owned()) />
            </Section>
        }
        .into_any();
    }
    let Some(a) = report.activity.reps.iter().find(|a| a.rep == rep).cloned() else {
        return view! {
            <Section title="When they work" testid="rep-activity">
                <Missing text="No activities by this rep in the period." />
            </Section>
        }
        .into_any();
    };
    let summary = format!(
        "{} activities: {} calls{}, {} emails, {} meetings held, {} tasks · {} a working day over {} working days.",
        a.total,
        a.calls,
        a.connect_rate
            .map(|c| format!(" ({} connected)", percent(Some(c))))
            .unwrap_or_default(),
        a.emails,
        a.meetings_held,
        a.tasks,
        number(a.per_working_day),
        a.working_days
    );
    let table = if a.by_weekday_hour.len() == 168 {
        let hours: Vec<usize> = (0..24)
            .filter(|h| (0..7).any(|d| a.by_weekday_hour[d * 24 + h] > 0))
            .collect();
        let max = a.by_weekday_hour.iter().copied().max().unwrap_or(0).max(1) as f64;
        let head = hours
            .iter()
            .map(|h| view! { <th scope="col">{format!("{h:02}")}</th> })
            .collect_view();
        let body = (0..7)
            .map(|d| {
                let cells = hours
                    .iter()
                    .map(|h| {
                        let n = a.by_weekday_hour[d * 24 + h];
                        view! { <td class="heat" style:background=heat(n as f64 / max) title=format!("{} {h:02}:00 — {n} activities", WEEKDAYS[d])>{(n > 0).then(|| n.to_string())}</td> }
                    })
                    .collect_view();
                view! { <tr><th scope="row">{WEEKDAYS[d]}</th>{cells}</tr> }
            })
            .collect_view();
        view! {
            <div class="table-scroll" tabindex="0">
                <table class="data heat-table" data-testid="activity-heat">
                    <caption>"Completed activities by weekday and hour (business time zone)"</caption>
                    <thead><tr><th></th>{head}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        }
        .into_any()
    } else {
        let max = a.by_weekday.iter().copied().max().unwrap_or(0).max(1) as f64;
        let cells = a.by_weekday.iter().map(|n| view! { <td class="heat" style:background=heat(*n as f64 / max)>{n.to_string()}</td> }).collect_view();
        view! {
            <table class="data heat-table" data-testid="activity-heat">
                <caption>"Completed activities by weekday (the export gives no times of day)"</caption>
                <thead><tr>{WEEKDAYS.iter().map(|d| view! { <th scope="col">{*d}</th> }).collect_view()}</tr></thead>
                <tbody><tr>{cells}</tr></tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <Section title="When they work" testid="rep-activity">
            <p>
                <Figure text=summary metric="activities_per_day" rep=Some(rep.clone()) label=format!("Activities per day · {rep}") />
            </p>
            {table}
        </Section>
    }
    .into_any()
}

/// Open deals with risk flags, and the hygiene counts.
#[component]
fn Hygiene(report: Arc<MetricsReport>, rep: String) -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let pipe = report
        .pipeline
        .reps
        .iter()
        .find(|p| p.rep == rep)
        .cloned()
        .unwrap_or_default();
    let who = rep.clone();
    let open = explain_resource(state, data, "open_deals", move || Some(who.clone()));
    let rows = move || match open.get() {
        Some(Loaded::Ready(e)) => deal_rows(&e),
        _ => Vec::new(),
    };
    let summary = move || match open.get() {
        Some(Loaded::Ready(e)) => list_summary(&e),
        Some(Loaded::Failed(e)) => e,
        _ => "Loading…".to_owned(),
    };
    let figure = {
        let rep = rep.clone();
        move |text: String, metric: &'static str, label: &str| {
            view! { <Figure text=text metric=metric rep=Some(rep.clone()) label=format!("{label} · {rep}") /> }
        }
    };
    view! {
        <Section title="Open deals and hygiene" testid="rep-hygiene" lede="Every open deal, with its risk flags: stale, past due, pushed, over-age. Fix the hygiene items first: they make the other numbers wrong.">
            <ul class="hygiene">
                <li>"Past-due close dates: " {figure(pipe.past_due_deals.to_string(), "past_due_deals", "Past due")}</li>
                <li>"Stale (no activity or stage change): " {figure(pipe.stale_deals.to_string(), "stale_deals", "Stale deals")}</li>
                <li>"Missing amounts: " {figure(pipe.missing_amount_deals.to_string(), "open_deals", "Open deals")}</li>
                <li>"No activity in 14 days: " {figure(pipe.untouched_14d_deals.to_string(), "open_deals", "Open deals")}</li>
            </ul>
            <p class="list-summary">{summary}</p>
            <DataTable testid="rep-open-deals" caption="Open deals" columns=deal_columns() rows=Signal::derive(rows) export_name="open-deals" />
        </Section>
    }
}
