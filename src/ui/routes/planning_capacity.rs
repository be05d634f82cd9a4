//! Planning's capacity and what-if: the expected bookings at today's pace against quota, by rep, by
//! manager and for the team (the engine's `Capacity` in the coaching answer), and one rep's reverse funnel
//! with the levers — pick the rep, move a slider, the engine recomputes the plan.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::coaching::report::{Capacity, Rollup};
use crate::engine::coaching::{CoachReport, PlanInputs};
use crate::engine::numfmt::{money, percent};
use crate::ui::components::table::{Cell, Column, DataTable, Row};
use crate::ui::data::{Loaded, coaching, use_data};
use crate::ui::routes::coaching::WhatIfPlan;
use crate::ui::routes::shared::{Missing, Section};
use crate::ui::state::use_app_state;

#[component]
pub fn CapacityAndWhatIf() -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let answer = coaching(state, data);
    let body = move || match answer.get() {
        None => view! { <p class="missing" role="status">"Working out the team's capacity…"</p> }
            .into_any(),
        Some(Loaded::NoData) => ().into_any(),
        Some(Loaded::Failed(why)) => {
            view! { <Missing text=format!("No capacity: {why}.") /> }.into_any()
        }
        Some(Loaded::Ready(r)) => view! { <Body report=r /> }.into_any(),
    };
    view! {
        <Section title="Capacity and what-if" testid="capacity" lede="What each rep can be expected to book at today's pace, against quota, rolled up by manager; then one rep's plan with the levers a coach can pull.">
            {body}
        </Section>
    }
}

fn rollup_row(r: &Rollup) -> Row {
    Row {
        key: r.name.clone(),
        cells: vec![
            Cell::text(r.name.clone()),
            Cell::number(r.reps.to_string(), Some(r.reps as f64)),
            Cell::number(money(Some(r.quota)), Some(r.quota)),
            Cell::number(money(Some(r.booked)), Some(r.booked)),
            Cell::number(money(Some(r.expected)), Some(r.expected)),
            Cell::number(percent(r.share_of_quota), r.share_of_quota),
        ],
        pinned: r.name == "The team",
    }
}

#[component]
fn Body(report: Arc<CoachReport>) -> impl IntoView {
    let Capacity {
        reps,
        managers,
        team,
        note,
    } = report.capacity.clone();
    let currency = report.currency.clone();
    let rep_columns = vec![
        Column::text("Rep"),
        Column::text("Manager"),
        Column::number("Quota", Some("The rep's quota for the period.")),
        Column::number("Booked", Some("Won in the period so far.")),
        Column::number(
            "From open",
            Some("The open pipeline closing in the period × the rep's win rate."),
        ),
        Column::number(
            "From new",
            Some(
                "The opportunities today's activity a working day creates in the days that can still close, × win rate × average won amount.",
            ),
        ),
        Column::number("Expected", Some("Booked + from open + from new.")),
        Column::number("Of quota", Some("Expected ÷ quota.")),
    ];
    let rep_rows: Vec<Row> = reps
        .iter()
        .map(|x| Row {
            key: x.rep.clone(),
            cells: vec![
                Cell::text(x.rep.clone()),
                Cell::text(x.manager.clone().unwrap_or_else(|| "—".to_owned())),
                Cell::number(money(x.quota), x.quota),
                Cell::number(money(Some(x.booked)), Some(x.booked)),
                Cell::number(money(Some(x.from_open)), Some(x.from_open)),
                Cell::number(money(Some(x.from_new)), Some(x.from_new)),
                Cell::number(money(Some(x.expected)), Some(x.expected)),
                Cell::number(percent(x.share_of_quota), x.share_of_quota),
            ],
            pinned: false,
        })
        .collect();
    let roll_columns = vec![
        Column::text("Manager"),
        Column::number("Reps", None),
        Column::number("Quota", None),
        Column::number("Booked", None),
        Column::number("Expected", Some("At today's pace: see the reps' table.")),
        Column::number("Of quota", None),
    ];
    let mut roll_rows: Vec<Row> = managers.iter().map(rollup_row).collect();
    roll_rows.push(rollup_row(&team));
    let inputs: Vec<PlanInputs> = report.reps.iter().map(|r| r.plan_inputs.clone()).collect();
    let names: Vec<String> = inputs.iter().map(|i| i.rep.clone()).collect();
    let first = names.first().cloned().unwrap_or_default();
    let picked = RwSignal::new(first);
    let inputs = StoredValue::new(inputs);
    let options = names
        .into_iter()
        .map(|n| view! { <option value=n.clone()>{n.clone()}</option> })
        .collect_view();
    view! {
        <p class="note">{format!("{} · amounts in {currency}", report.period.label)}</p>
        <DataTable testid="capacity-managers" caption="By manager" columns=roll_columns rows=Signal::derive(move || roll_rows.clone()) export_name="capacity-by-manager" />
        <DataTable testid="capacity-reps" caption="By rep" columns=rep_columns rows=Signal::derive(move || rep_rows.clone()) export_name="capacity-by-rep" />
        <p class="note">{note}</p>
        <label class="pick-rep">
            <span>"Plan for "</span>
            <select data-testid="plan-rep" on:change=move |ev| picked.set(event_target_value(&ev))
                prop:value=move || picked.get()>
                {options}
            </select>
        </label>
        {move || {
            let name = picked.get();
            inputs.with_value(|all| all.iter().find(|i| i.rep == name).cloned()).map(|i| view! { <WhatIfPlan inputs=i /> })
        }}
    }
}
