//! What changed: the Pipeline view's panel comparing the two newest exports of the same deals — the
//! period's pipeline waterfall from BEFORE to AFTER (won, lost, moved out, missing, new, pulled in,
//! reopened, amount changes), what the engine assumed about which export is older, the deals behind the
//! step a manager picks, each rep's waterfall, and the other changes (close dates, stages, categories,
//! owners), with the forecast then and now ([`ForecastThenNow`]). The user may swap the two exports when
//! the days have them the wrong way round. The engine pairs the exports and computes every figure; this
//! lays them out.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::changes::{ChangesReport, DealChange, DealState, Movement, Waterfall as Fall};
use crate::engine::numfmt::money;
use crate::ui::components::table::{Cell, Column, DataTable, Row};
use crate::ui::components::waterfall::{Step, Waterfall, extent};
use crate::ui::data::{Loaded, changes, use_data};
use crate::ui::routes::changes_forecast::ForecastThenNow;
use crate::ui::routes::changes_trend::ChangesTrendView;
use crate::ui::routes::shared::{Missing, Section};
use crate::ui::state::use_app_state;

/// The waterfall's bars: the start, every movement that moved a deal, the end.
fn steps(w: &Fall) -> Vec<Step> {
    let mut steps = vec![Step {
        key: None,
        label: "Start".to_owned(),
        amount: w.start.amount_home,
        deals: w.start.deals,
        total: true,
    }];
    for m in Movement::ALL {
        let t = w.movements.get(m);
        if t.deals > 0 {
            steps.push(Step {
                key: Some(m.id()),
                label: m.label().to_owned(),
                amount: t.amount_home,
                deals: t.deals,
                total: false,
            });
        }
    }
    steps.push(Step {
        key: None,
        label: "End".to_owned(),
        amount: w.end.amount_home,
        deals: w.end.deals,
        total: true,
    });
    steps
}

fn state_text(s: &Option<DealState>) -> String {
    match s {
        None => "—".to_owned(),
        Some(s) => format!(
            "{} · {} · {}",
            s.stage,
            s.close_date
                .map_or("no close date".to_owned(), |d| d.to_string()),
            money(s.amount_home)
        ),
    }
}

fn deal_rows(deals: &[&DealChange]) -> Vec<Row> {
    deals
        .iter()
        .map(|d| Row {
            key: d.id.clone(),
            cells: vec![
                Cell::text(d.name.clone()).title(d.id.clone()),
                Cell::text(d.rep.clone()),
                Cell::text(state_text(&d.before)),
                Cell::text(state_text(&d.after)),
                Cell::number(
                    money(Some(d.amount_home_cents as f64 / 100.0)),
                    Some(d.amount_home_cents as f64 / 100.0),
                ),
                Cell::text(
                    d.changes
                        .iter()
                        .map(|c| c.label())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ],
            pinned: false,
        })
        .collect()
}

fn deal_columns() -> Vec<Column> {
    vec![
        Column::text("Deal"),
        Column::text("Rep (AFTER)"),
        Column::text("BEFORE: stage · close · amount"),
        Column::text("AFTER: stage · close · amount"),
        Column::number(
            "Movement",
            Some("The amount this deal moves the waterfall by (home currency)."),
        ),
        Column::text("Also"),
    ]
}

#[component]
pub fn WhatChanged() -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    // The user says the days have the two exports the wrong way round.
    let swap = RwSignal::new(false);
    let answer = changes(state, data, swap.into());
    let body = move || {
        match answer.get() {
        None => view! { <p class="missing" role="status">"Comparing the exports…"</p> }.into_any(),
        Some(Loaded::NoData) => ().into_any(),
        Some(Loaded::Failed(why)) => view! { <Missing text=format!("{why}. Import last week's export of the same deals next to this one to see what moved since.") /> }.into_any(),
        Some(Loaded::Ready(r)) => view! { <ChangesBody report=r swap=swap /> }.into_any(),
    }
    };
    view! {
        <Section title="What changed" testid="what-changed" lede="The period's open pipeline in the earlier export (start), what moved it, and the pipeline in the later one (end): deals that left at their earlier amount, deals that joined at their later amount, and amount changes — so start plus every step is the end, to the cent.">
            {body}
        </Section>
    }
}

#[component]
fn ChangesBody(report: Arc<ChangesReport>, swap: RwSignal<bool>) -> impl IntoView {
    // The step picked: (the rep's name, or none for the team; the movement).
    let picked: RwSignal<Option<(Option<String>, &'static str)>> = RwSignal::new(None);
    let on_pick = Callback::new(move |key: &'static str| picked.set(Some((None, key))));
    let r = report.clone();
    let picked_rows = move || {
        let Some((rep, key)) = picked.get() else {
            return Vec::new();
        };
        let deals: Vec<&DealChange> = r
            .deals
            .iter()
            .filter(|d| d.movement.is_some_and(|m| m.id() == key))
            .filter(|d| rep.as_ref().is_none_or(|rep| d.rep == *rep))
            .collect();
        deal_rows(&deals)
    };
    let picked_title = move || {
        picked
            .get()
            .and_then(|(rep, key)| {
                let m = Movement::ALL.into_iter().find(|m| m.id() == key)?;
                Some(match rep {
                    Some(rep) => format!("Deals · {rep} · {}", m.label()),
                    None => format!("Deals · {}", m.label()),
                })
            })
            .unwrap_or_default()
    };
    // A pick shows its deals under the small multiples: bring them into view.
    Effect::new(move |_| {
        if picked.get().is_some()
            && let Some(table) = web_sys::window().and_then(|w| w.document()).and_then(|d| {
                d.query_selector("[data-testid=changes-deals]")
                    .ok()
                    .flatten()
            })
        {
            table.scroll_into_view();
        }
    });
    // Each rep's waterfall, on one value axis so the bars compare across reps.
    let rep_steps: Vec<(String, Vec<Step>)> = report
        .reps
        .iter()
        .map(|rep| (rep.rep.clone(), steps(&rep.waterfall)))
        .collect();
    let shared = rep_steps
        .iter()
        .map(|(_, s)| extent(s))
        .fold((0f64, 1f64), |a, b| (a.0.min(b.0), a.1.max(b.1)));
    let currency = report.currency.clone();
    let multiples = rep_steps
        .into_iter()
        .enumerate()
        .map(|(i, (rep, steps))| {
            let name = rep.clone();
            let pick = Callback::new(move |key: &'static str| picked.set(Some((Some(name.clone()), key))));
            view! {
                <Waterfall testid=format!("rep-fall-{i}") title=rep unit=currency.clone() steps=steps on_pick=pick compact=true scale=shared />
            }
        })
        .collect_view();
    let other: Vec<&DealChange> = report
        .deals
        .iter()
        .filter(|d| d.movement.is_none() && !d.changes.is_empty())
        .collect();
    let other_rows = deal_rows(&other);
    let mut rep_columns = vec![Column::text("Rep"), Column::number("Start", None)];
    for m in Movement::ALL {
        rep_columns.push(Column::number(m.label(), None));
    }
    rep_columns.push(Column::number("End", None));
    let rep_rows: Vec<Row> = report
        .reps
        .iter()
        .map(|rep| {
            let w = &rep.waterfall;
            let mut cells = vec![
                Cell::text(rep.rep.clone()),
                Cell::number(money(Some(w.start.amount_home)), Some(w.start.amount_home)),
            ];
            for m in Movement::ALL {
                let t = w.movements.get(m);
                cells.push(
                    Cell::number(
                        if t.deals == 0 {
                            "—".to_owned()
                        } else {
                            money(Some(t.amount_home))
                        },
                        Some(t.amount_home),
                    )
                    .title(format!("{} deals", t.deals)),
                );
            }
            cells.push(Cell::number(
                money(Some(w.end.amount_home)),
                Some(w.end.amount_home),
            ));
            Row {
                key: rep.rep_id.clone().unwrap_or_else(|| rep.rep.clone()),
                cells,
                pinned: false,
            }
        })
        .collect();
    let assumed = format!(
        "{} · from the export of {} ({}) to the export of {} ({}) · amounts in {}",
        report.period.label,
        report.before,
        report.before_from,
        report.after,
        report.after_from,
        report.currency
    );
    let notes = report.notes.clone();
    view! {
        <p class="changes-assumed" data-testid="changes-assumed">
            {assumed}
            " "
            <button type="button" class="link" data-testid="changes-swap" aria-pressed=move || swap.get().to_string() on:click=move |_| swap.update(|s| *s = !*s)>
                {move || if swap.get() { "Back to the order the days say" } else { "Wrong way round? Swap the exports" }}
            </button>
        </p>
        <Waterfall testid="changes-waterfall" title="Pipeline of the period: start, what moved it, end" unit=report.currency.clone() steps=steps(&report.team) on_pick=on_pick />
        <h3>"By rep"</h3>
        <div class="rep-falls" data-testid="rep-falls">{multiples}</div>
        {move || {
            let rows = picked_rows.clone();
            let caption = picked_title();
            picked.get().is_some().then(move || view! {
                <DataTable testid="changes-deals" caption=caption columns=deal_columns() rows=Signal::derive(rows) export_name="changes-deals" />
            })
        }}
        <DataTable testid="changes-reps" caption="By rep (deals count for their owner in the later export)" columns=rep_columns rows=Signal::derive(move || rep_rows.clone()) export_name="changes-by-rep" />
        {(!other_rows.is_empty()).then(|| view! {
            <DataTable testid="changes-other" caption="Other changes: close dates, stages, categories, owners" columns=deal_columns() rows=Signal::derive(move || other_rows.clone()) export_name="changes-other" />
        })}
        <ul class="note">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
        <ForecastThenNow swap=Signal::from(swap) />
        <ChangesTrendView />
    }
}
