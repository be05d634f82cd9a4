//! Process: where deals leak — the funnel by cohort in stage order, the stage-to-stage transition matrix of
//! each pipeline as a heat table, time in stage, and small multiples of each rep's stage conversion against
//! the team with the leak (the stage furthest below the team) highlighted.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::metrics::compute::MetricsReport;
use crate::engine::metrics::process::{Funnel, LEAK_MIN_DEALS, MIN_COHORT, MIN_RESOLVED};
use crate::engine::metrics::transitions::TransitionMatrix;
use crate::engine::numfmt::{days, percent};
use crate::ui::components::chart::{Bar, Chart};
use crate::ui::components::math::Figure;
use crate::ui::components::table::{Cell, Column, DataTable, Row};
use crate::ui::data::use_data;
use crate::ui::routes::shared::{Missing, Section, gate, heat};
use crate::ui::state::MathAsk;

#[component]
pub fn ProcessView() -> impl IntoView {
    let data = use_data();
    view! {
        <section class="view" data-testid="view-process">
            <h1>"Process"</h1>
            <p class="purpose">"Where deals leak: the funnel in stage order, how deals really move between stages, how long they stay, and each rep's conversion against the team."</p>
            {gate(data, "Process needs deals, and the stage history export for paths and time in stage.", |report| {
                view! { <ProcessBody report=report /> }.into_any()
            })}
        </section>
    }
}

#[component]
fn ProcessBody(report: Arc<MetricsReport>) -> impl IntoView {
    let p = &report.process;
    if !p.available {
        return view! { <Missing text=p.note.clone().unwrap_or_default() /> }.into_any();
    }
    let note = p.note.clone().map(|n| view! { <Missing text=n /> });
    let funnels = p
        .team
        .iter()
        .map(|f| view! { <TeamFunnel funnel=f.clone() /> })
        .collect_view();
    view! {
        {note}
        {funnels}
        <Transitions report=report.clone() />
        <TimeInStage report=report.clone() />
        <SmallMultiples report=report.clone() />
    }
    .into_any()
}

#[component]
fn TeamFunnel(funnel: Funnel) -> impl IntoView {
    let name = if funnel.pipeline.is_empty() {
        "Funnel".to_owned()
    } else {
        format!("Funnel · {}", funnel.pipeline)
    };
    let bars: Vec<Bar> = funnel
        .stages
        .iter()
        .map(|s| {
            let mut bar = Bar::new(
                s.stage.clone(),
                Some(s.entered as f64),
                format!(
                    "{} entered · {} moved on · {} lost · {} open",
                    s.entered, s.converted, s.lost, s.open
                ),
            );
            bar.math = Some(MathAsk {
                metric: format!("stage_conversion:{}", s.stage),
                rep: None,
                label: format!("Conversion from {}", s.stage),
            });
            bar
        })
        .collect();
    let conversion_help = format!(
        "Moved on ÷ entered; hidden when n < {MIN_COHORT} or fewer than {:.0}% of the cohort have closed or moved on.",
        MIN_RESOLVED * 100.0
    );
    let columns = vec![
        Column::text("Stage"),
        Column::number(
            "Entered",
            Some(
                "Deals whose first entry into the stage fell in the period (skipped stages count as passed).",
            ),
        ),
        Column::number("Moved on", None),
        Column::number(
            "Lost here",
            Some("Lost deals are charged to their last open stage."),
        ),
        Column::number("Still open", None),
        Column::number("Conversion", Some(conversion_help.as_str())),
        Column::number("To won", Some("Won ÷ entered.")),
    ];
    let rows: Vec<Row> = funnel
        .stages
        .iter()
        .map(|s| {
            let label = format!("Conversion from {}", s.stage);
            let rate = match (&s.rate, &s.hidden) {
                (Some(r), _) => Cell::number(percent(Some(*r)), Some(*r)),
                (None, Some(why)) => {
                    Cell::text(format!("hidden ({})", percent(s.conversion))).title(why.clone())
                }
                (None, None) => Cell::text("—"),
            }
            .math(&format!("stage_conversion:{}", s.stage), None, label);
            Row {
                key: s.stage.clone(),
                cells: vec![
                    Cell::text(s.stage.clone()),
                    Cell::number(s.entered.to_string(), Some(s.entered as f64)),
                    Cell::number(s.converted.to_string(), Some(s.converted as f64)),
                    Cell::number(s.lost.to_string(), Some(s.lost as f64)),
                    Cell::number(s.open.to_string(), Some(s.open as f64)),
                    rate,
                    Cell::number(percent(s.to_won), s.to_won),
                ],
                pinned: false,
            }
        })
        .collect();
    view! {
        <Section title=name testid="funnel" lede="Each stage's cohort: the deals that first entered it in the period, and where they went. Rates are never multiplied across stages.">
            <Chart testid="funnel-chart" title="Deals entering each stage" unit="deals" bars=Signal::derive(move || bars.clone()) />
            <DataTable testid="funnel-table" caption="The funnel by cohort" columns=columns rows=Signal::derive(move || rows.clone()) export_name="funnel" />
        </Section>
    }
}

#[component]
fn Transitions(report: Arc<MetricsReport>) -> impl IntoView {
    let matrices = &report.process.transition_matrices;
    if matrices.is_empty() {
        return view! {
            <Section title="Transitions" testid="transitions">
                <Missing text="No stage changes in the period: the transition matrix needs the stage history export (Salesforce: OpportunityHistory)." />
            </Section>
        }
        .into_any();
    }
    matrices
        .iter()
        .map(|m| view! { <TransitionTable matrix=m.clone() /> })
        .collect_view()
        .into_any()
}

/// One pipeline's transition matrix as a heat table, laid out as the engine arranged it.
#[component]
fn TransitionTable(matrix: TransitionMatrix) -> impl IntoView {
    let title = if matrix.pipeline.is_empty() {
        "Transitions".to_owned()
    } else {
        format!("Transitions · {}", matrix.pipeline)
    };
    let head = matrix
        .to_stages
        .iter()
        .map(|s| view! { <th scope="col">{s.label.clone()}</th> })
        .collect_view();
    let body = matrix
        .rows
        .iter()
        .map(|row| {
            let from = row.from.label.clone();
            let cells = row
                .cells
                .iter()
                .map(|c| {
                    let title = format!(
                        "{from} → {}: {} moves ({} of moves out of {from})",
                        c.to,
                        c.moves,
                        percent(Some(c.share_of_row))
                    );
                    view! {
                        <td class="heat num" class:backward=c.backward style:background=heat(c.share_of_largest) title=title>
                            {(c.moves > 0).then(|| c.moves.to_string())}
                        </td>
                    }
                })
                .collect_view();
            view! { <tr><th scope="row">{from.clone()}</th>{cells}<td class="num">{row.total_moves}</td></tr> }
        })
        .collect_view();
    view! {
        <Section title=title testid="transitions" lede="Every stage change in the period, from (rows) to (columns). Outlined cells go backwards; deals skip and revisit stages.">
            <div class="table-scroll" tabindex="0">
                <table class="data heat-table" data-testid="transition-matrix">
                    <caption>"Stage changes in the period"</caption>
                    <thead><tr><th scope="col">"From \\ to"</th>{head}<th scope="col">"Total"</th></tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </Section>
    }
}

#[component]
fn TimeInStage(report: Arc<MetricsReport>) -> impl IntoView {
    let p = report.process.clone();
    let columns = vec![
        Column::text("Stage"),
        Column::number(
            "Median",
            Some("Median days in the stage, over stays that ended in the period."),
        ),
        Column::number("p75", None),
        Column::number(
            "p75 of won deals",
            Some("An open deal longer in its stage than this is stalled."),
        ),
        Column::number("Stays", None),
    ];
    let rows: Vec<Row> = p
        .time_in_stage
        .iter()
        .map(|s| Row {
            key: format!("{}/{}", s.pipeline, s.stage),
            cells: vec![
                Cell::text(if s.pipeline.is_empty() {
                    s.stage.clone()
                } else {
                    format!("{} · {}", s.pipeline, s.stage)
                }),
                Cell::number(days(s.median_days), s.median_days),
                Cell::number(days(s.p75_days), s.p75_days),
                Cell::number(days(s.won_p75_days), s.won_p75_days),
                Cell::number(s.stays.to_string(), Some(s.stays as f64)),
            ],
            pinned: false,
        })
        .collect();
    view! {
        <Section title="Time in stage" testid="time-in-stage">
            <p>
                "Stalled now: "
                <Figure text=p.stalled_count.to_string() metric="stalled_deals" label="Stalled deals" />
                " open deals longer in their stage than three in four won deals stayed there."
            </p>
            <DataTable testid="time-in-stage-table" caption="Days in each stage" columns=columns rows=Signal::derive(move || rows.clone()) export_name="time-in-stage" />
        </Section>
    }
}

/// One small funnel per rep: conversion per stage against the team, the leak marked.
#[component]
fn SmallMultiples(report: Arc<MetricsReport>) -> impl IntoView {
    if report.process.team.is_empty() {
        return ().into_any();
    }
    let cards = report
        .process
        .rep_vs_team
        .iter()
        .map(|mine| {
            let rep = &mine.rep;
            let leak = mine.leak.clone();
            let lines = mine
                .stages
                .iter()
                .map(|s| {
                    let (stage, r, t, n) = (s.stage.clone(), s.conversion, s.team_conversion, s.entered);
                    let (is_leak, small) = (s.leak, s.too_few_deals);
                    let w = |v: Option<f64>| format!("{:.0}%", v.unwrap_or(0.0).clamp(0.0, 1.0) * 100.0);
                    view! {
                        <div class="mini-row" class:leak=is_leak title=format!("{stage}: {} of {n} moved on; team {}", percent(r), percent(t))>
                            <span class="mini-stage">{stage.clone()}</span>
                            <span class="mini-track">
                                <span class="mini-bar" class:small=small style:width=w(r)></span>
                                <span class="mini-team" style:left=format!("{:.0}%", t.unwrap_or(0.0).clamp(0.0, 1.0) * 100.0)></span>
                            </span>
                            <span class="mini-value">{percent(r)}</span>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <figure class="mini" data-testid="rep-funnel-mini">
                    <figcaption>{rep.clone()} {leak.map(|l| view! { <span class="leak-label">{format!(" · leak: {l}")}</span> })}</figcaption>
                    {lines}
                </figure>
            }
        })
        .collect_view();
    view! {
        <Section title="Each rep against the team" testid="small-multiples" lede=format!("Share of each stage's deals that moved on, per rep (bar) against the team (tick). The leak is the stage furthest below the team with at least {LEAK_MIN_DEALS} of the rep's deals. Pale: fewer than {MIN_COHORT} deals.")>
            <div class="minis">{cards}</div>
        </Section>
    }
    .into_any()
}
