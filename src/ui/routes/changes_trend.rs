//! What changed week over week, inside What changed: with three or more exports of the same deals, the
//! period's pipeline at each export (a line) and each step's movements (a table, one row per pair of
//! consecutive exports). With two exports it says a third one would give the trend. The engine compares
//! every pair (`ChangesTrend`); this lays the steps out.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::changes::{ChangesTrend, Movement};
use crate::engine::numfmt::money;
use crate::ui::components::chart::{Bar, Chart, Kind};
use crate::ui::components::table::{Cell, Column, DataTable, Row};
use crate::ui::data::{Loaded, changes_trend, use_data};
use crate::ui::state::use_app_state;

/// Steps the trend needs before it is drawn (three exports).
const MIN_STEPS: usize = 2;

#[component]
pub fn ChangesTrendView() -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let answer = changes_trend(state, data);
    move || {
        match answer.get() {
        Some(Loaded::Ready(trend)) if trend.steps.len() >= MIN_STEPS => {
            view! { <TrendBody trend=trend /> }.into_any()
        }
        Some(Loaded::Ready(_)) => view! {
            <p class="note" data-testid="changes-trend-missing">"Import a third weekly export of the same deals to see the week-over-week trend."</p>
        }
        .into_any(),
        _ => ().into_any(),
    }
    }
}

#[component]
fn TrendBody(trend: Arc<ChangesTrend>) -> impl IntoView {
    let t = trend;
    let mut points = Vec::new();
    if let Some(first) = t.steps.first() {
        let a = first.team.start.amount_home;
        points.push(Bar::new(first.before.to_string(), Some(a), money(Some(a))));
    }
    for step in &t.steps {
        let a = step.team.end.amount_home;
        points.push(Bar::new(step.after.to_string(), Some(a), money(Some(a))));
    }
    let mut columns = vec![Column::text("From → to"), Column::number("Start", None)];
    columns.extend(
        Movement::ALL
            .iter()
            .map(|m| Column::number(m.label(), None)),
    );
    columns.push(Column::number("End", None));
    let rows: Vec<Row> = t
        .steps
        .iter()
        .map(|step| {
            let w = &step.team;
            let mut cells = vec![
                Cell::text(format!("{} → {}", step.before, step.after)),
                Cell::number(money(Some(w.start.amount_home)), Some(w.start.amount_home)),
            ];
            cells.extend(Movement::ALL.iter().map(|m| {
                let tally = w.movements.get(*m);
                let text = if tally.deals == 0 {
                    "—".to_owned()
                } else {
                    let sign = if tally.amount_home > 0.0 { "+" } else { "" };
                    format!("{sign}{}", money(Some(tally.amount_home)))
                };
                Cell::number(text, Some(tally.amount_home)).title(format!("{} deals", tally.deals))
            }));
            cells.push(Cell::number(
                money(Some(w.end.amount_home)),
                Some(w.end.amount_home),
            ));
            Row {
                key: format!("{}-{}", step.before, step.after),
                cells,
                pinned: false,
            }
        })
        .collect();
    let notes = t.notes.clone();
    view! {
        <div class="changes-trend" data-testid="changes-trend">
            <h3>"Week over week"</h3>
            <Chart testid="changes-trend-chart" title=format!("Pipeline of {} at each export", t.period.label) unit=t.currency.clone() bars=Signal::derive(move || points.clone()) kind=Kind::Line />
            <DataTable testid="changes-trend-table" caption="Each step's movements" columns=columns rows=Signal::derive(move || rows.clone()) export_name="changes-week-over-week" />
            <ul class="note">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
        </div>
    }
}
