//! Pipeline: is there enough, and is it real — coverage per rep against what is left of the quota with the
//! coverage they need marked, pipeline by stage × close month, aging, the stale / past-due / pushed / slipped
//! deal lists a manager can act on, pipeline created per week, and what changed since the last export.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::metrics::compute::MetricsReport;
use crate::engine::metrics::pipeline::AGE_BUCKETS;
use crate::engine::metrics::stage_months::StageMonthGrid;
use crate::engine::numfmt::{money, money_short, percent, times};
use crate::ui::components::chart::{Bar, Chart};
use crate::ui::components::table::{Cell, Column, DataTable, Row};
use crate::ui::data::{Loaded, use_data};
use crate::ui::routes::changes::WhatChanged;
use crate::ui::routes::shared::{
    Missing, Section, deal_columns, deal_rows, explain_resource, gate, heat, list_summary, rep_cell,
};
use crate::ui::state::{MathAsk, use_app_state};

#[component]
pub fn PipelineView() -> impl IntoView {
    let data = use_data();
    view! {
        <section class="view" data-testid="view-pipeline">
            <h1>"Pipeline"</h1>
            <p class="purpose">"Is there enough pipeline, and is it real: coverage against what is left to book, where it sits, and the deals to act on this week."</p>
            {gate(data, "Pipeline needs the open deals export.", |report| view! { <PipelineBody report=report /> }.into_any())}
        </section>
    }
}

#[component]
fn PipelineBody(report: Arc<MetricsReport>) -> impl IntoView {
    view! {
        <Coverage report=report.clone() />
        <StageMonths report=report.clone() />
        <Aging report=report.clone() />
        <DealLists report=report.clone() />
        <Created report=report.clone() />
        <WhatChanged />
    }
}

#[component]
fn Coverage(report: Arc<MetricsReport>) -> impl IntoView {
    let pipe = &report.pipeline;
    let bars: Vec<Bar> = pipe
        .coverage_chart
        .iter()
        .filter_map(|rep| pipe.reps.iter().find(|p| &p.rep == rep))
        .map(|p| {
            let c = &p.coverage;
            let text = if c.quota_met {
                "quota met".to_owned()
            } else {
                format!(
                    "{} ({} open ÷ {} left)",
                    times(c.coverage),
                    money(Some(c.open_amount)),
                    money(c.gap)
                )
            };
            let mut bar = Bar::new(
                p.rep.clone(),
                if c.quota_met { None } else { c.coverage },
                text,
            );
            bar.marker = c.required;
            bar.math = Some(MathAsk {
                metric: "coverage".to_owned(),
                rep: Some(p.rep.clone()),
                label: format!("Coverage · {}", p.rep),
            });
            bar
        })
        .collect();
    let columns = vec![
        Column::text("Rep"),
        Column::number("Open, due in period", None),
        Column::number("Left to book", Some("Quota − booked, at least 0.")),
        Column::number(
            "Coverage",
            Some("Open amount due by the period end ÷ what is left to book."),
        ),
        Column::number(
            "Needed",
            Some("1 ÷ the historical in-period win rate for this stage mix."),
        ),
        Column::number("Weighted", Some("Each amount × the deal's probability.")),
        Column::number("Commit + Best Case", None),
        Column::number(
            "Next period",
            Some("Open amount due next period ÷ next period's quota."),
        ),
        Column::number("Same point last period", None),
        Column::number(
            "Top deal share",
            Some("Share of the open pipeline in the single largest deal."),
        ),
    ];
    let r = report.clone();
    let rows = move || {
        let report = &r;
        report
            .pipeline
            .reps
            .iter()
            .chain(std::iter::once(&report.pipeline.team))
            .map(|p| {
                let c = &p.coverage;
                let team = p.rep == "Team";
                let cov = if c.quota_met {
                    Cell::text("quota met")
                } else if team {
                    Cell::number(times(c.coverage), c.coverage).math(
                        "coverage",
                        None,
                        "Coverage · Team".to_owned(),
                    )
                } else {
                    rep_cell(report, "coverage", &p.rep, c.coverage, "Coverage")
                };
                Row {
                    key: p.rep.clone(),
                    cells: vec![
                        Cell::text(p.rep.clone()),
                        Cell::number(money(Some(c.open_amount)), Some(c.open_amount)),
                        Cell::number(money(c.gap), c.gap),
                        cov,
                        Cell::number(times(c.required), c.required),
                        Cell::number(times(c.weighted), c.weighted),
                        Cell::number(times(c.commit_best_case), c.commit_best_case),
                        Cell::number(times(p.next_period_coverage), p.next_period_coverage),
                        Cell::number(
                            times(p.next_period_coverage_last_time),
                            p.next_period_coverage_last_time,
                        ),
                        Cell::number(percent(p.top1_share), p.top1_share),
                    ],
                    pinned: team,
                }
            })
            .collect::<Vec<Row>>()
    };
    let lede = format!(
        "Open amount expected to close from {} to {} ÷ what is left of each rep's quota. Tick: the coverage needed at the team's historical in-period win rate for that rep's stage mix. {}",
        report.period.as_of, report.period.end, pipe.required_from
    );
    view! {
        <Section title="Coverage" testid="coverage" lede=lede>
            <Chart testid="coverage-chart" title="Coverage by rep" unit="× remaining quota" bars=Signal::derive(move || bars.clone()) marker_label="Needed" />
            <DataTable testid="coverage-table" caption="Coverage and its variants" columns=columns rows=Signal::derive(rows) export_name="coverage" />
        </Section>
    }
}

#[component]
fn StageMonths(report: Arc<MetricsReport>) -> impl IntoView {
    let grids = &report.pipeline.stage_month_grids;
    if grids.is_empty() {
        return view! { <Section title="By stage and close month" testid="stage-months"><Missing text="No open deals." /></Section> }.into_any();
    }
    grids
        .iter()
        .map(|g| view! { <StageMonthTable grid=g.clone() /> })
        .collect_view()
        .into_any()
}

/// One pipeline's open deals by stage and close month as a heat table, laid out as the engine arranged it.
#[component]
fn StageMonthTable(grid: StageMonthGrid) -> impl IntoView {
    let title = if grid.pipeline.is_empty() {
        "By stage and close month".to_owned()
    } else {
        format!("By stage and close month · {}", grid.pipeline)
    };
    let head = grid
        .months
        .iter()
        .map(|m| view! { <th scope="col">{m.starts_on.format("%b %Y").to_string()}</th> })
        .collect_view();
    let body = grid
        .rows
        .iter()
        .map(|row| {
            let stage = row.stage.label.clone();
            let cells = row
                .cells
                .iter()
                .zip(&grid.months)
                .map(|(c, m)| {
                    let title = format!(
                        "{stage}, closing {}: {} deals, {}{}",
                        m.starts_on.format("%B %Y"),
                        c.deals,
                        money(Some(c.amount_home)),
                        if m.past { " — past due" } else { "" }
                    );
                    view! {
                        <td class="heat num" class:past=m.past style:background=heat(c.share_of_largest) title=title>
                            {(c.deals > 0).then(|| money_short(Some(c.amount_home)))}
                        </td>
                    }
                })
                .collect_view();
            view! { <tr><th scope="row">{stage.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <Section title=title testid="stage-months" lede="Open pipeline by stage (rows, in stage order) and month of expected close. Outlined: months already past — close dates to fix.">
            <div class="table-scroll" tabindex="0">
                <table class="data heat-table" data-testid="stage-month-table">
                    <caption>"Open amount by stage and expected close month"</caption>
                    <thead><tr><th scope="col">"Stage"</th>{head}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </Section>
    }
}

#[component]
fn Aging(report: Arc<MetricsReport>) -> impl IntoView {
    let t = &report.pipeline.team;
    let bars: Vec<Bar> = AGE_BUCKETS
        .iter()
        .zip(t.age_buckets.iter())
        .map(|(l, n)| Bar::new(*l, Some(*n as f64), format!("{n} deals")))
        .collect();
    view! {
        <Section title="Aging" testid="aging" lede=format!("Open deals by age (days since created). Median age {}.", t.age_median_days.map_or("—".to_owned(), |d| format!("{d:.0} days")))>
            <Chart testid="aging-chart" title="Open deals by age" unit="deals" bars=Signal::derive(move || bars.clone()) />
        </Section>
    }
}

/// The four lists to act on, for the team (each row names its rep).
#[component]
fn DealLists(report: Arc<MetricsReport>) -> impl IntoView {
    let slips = report.pipeline.slips_hidden.clone();
    let t = report.pipeline.team.clone();
    view! {
        <DealList metric="stale_deals" title=format!("Stale: {} deals, {}", t.stale_deals, money(Some(t.stale_amount))) testid="stale-list" />
        <DealList metric="past_due_deals" title=format!("Past due: {} deals, {}", t.past_due_deals, money(Some(t.past_due_amount))) testid="past-due-list" />
        {match slips {
            Some(why) => view! { <Section title="Pushed and slipped" testid="slips"><Missing text=why /></Section> }.into_any(),
            None => view! {
                <DealList metric="pushes" title=format!("Pushed: {} pushes on {} deals (median {} days); {} pulled in", t.pushes, t.deals_pushed, t.push_days_median.map_or("—".to_owned(), |d| format!("{d:.0}")), t.pulled_in) testid="pushed-list" />
                <DealList metric="slipped_deals" title=format!("Slipped from this period: {} of {} ({})", t.slipped_deals, t.slip_base_deals, percent(t.slip_rate)) testid="slipped-list" />
            }
            .into_any(),
        }}
    }
}

#[component]
fn DealList(
    metric: &'static str,
    #[prop(into)] title: String,
    testid: &'static str,
) -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let list = explain_resource(state, data, metric, || None);
    let rows = move || match list.get() {
        Some(Loaded::Ready(e)) => deal_rows(&e),
        _ => Vec::new(),
    };
    let summary = move || match list.get() {
        Some(Loaded::Ready(e)) => format!("{} — {}", list_summary(&e), e.definition),
        Some(Loaded::Failed(e)) => e,
        _ => "Loading…".to_owned(),
    };
    view! {
        <Section title=title testid=testid>
            <p class="list-summary">{summary}</p>
            <DataTable testid=testid caption="Deals" columns=deal_columns() rows=Signal::derive(rows) export_name=testid />
        </Section>
    }
}

#[component]
fn Created(report: Arc<MetricsReport>) -> impl IntoView {
    let weeks = &report.pipeline.team.created_per_week;
    let bars: Vec<Bar> = weeks
        .iter()
        .map(|(week, n, amount)| {
            let mut bar = Bar::new(
                week.format("%d %b").to_string(),
                Some(*amount),
                format!("{} · {n} deals", money(Some(*amount))),
            );
            bar.math = Some(MathAsk {
                metric: "opps_created".to_owned(),
                rep: None,
                label: "Opportunities created · Team".to_owned(),
            });
            bar
        })
        .collect();
    view! {
        <Section title="Pipeline created per week" testid="created" lede="Amount of the opportunities created each week of the period (weeks start on Monday).">
            <Chart testid="created-chart" title="Created per week" unit="home currency" bars=Signal::derive(move || bars.clone()) />
        </Section>
    }
}
