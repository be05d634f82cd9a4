//! The forecast then and now, inside What changed: the period's most likely number and range on the
//! earlier export's day and on the later one's, the engine's sentence naming the deals that moved it, and
//! what moved its expected value by cause and deal by deal. The engine runs both forecasts and does every
//! sum (`ChangesForecast`); this lays them out.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::changes::ForecastShift;
use crate::engine::numfmt::{money, percent};
use crate::ui::components::table::{Cell, Column, DataTable, Row};
use crate::ui::data::{Loaded, changes_forecast, use_data};
use crate::ui::routes::shared::Missing;
use crate::ui::state::use_app_state;

fn signed(v: Option<f64>) -> String {
    match v {
        Some(v) if v > 0.0 => format!("+{}", money(Some(v))),
        other => money(other),
    }
}

#[component]
pub fn ForecastThenNow(swap: Signal<bool>) -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let answer = changes_forecast(state, data, swap);
    let body = move || match answer.get() {
        None => {
            view! { <p class="missing" role="status">"Forecasting on both days…"</p> }.into_any()
        }
        Some(Loaded::NoData) => ().into_any(),
        Some(Loaded::Failed(why)) => {
            view! { <Missing text=format!("No forecast then and now: {why}.") /> }.into_any()
        }
        Some(Loaded::Ready(shift)) => view! { <ShiftBody shift=shift /> }.into_any(),
    };
    view! {
        <div class="changes-forecast" data-testid="changes-forecast">
            <h3>"The forecast then and now"</h3>
            {body}
        </div>
    }
}

#[component]
fn ShiftBody(shift: Arc<ForecastShift>) -> impl IntoView {
    let s = shift;
    let range = |a: Option<f64>, b: Option<f64>| format!("{} – {}", money(a), money(b));
    let line_rows: Vec<Row> = s
        .lines
        .iter()
        .map(|l| Row {
            key: l.label.clone(),
            cells: vec![
                Cell::text(l.label.clone()),
                Cell::number(l.deals.to_string(), Some(l.deals as f64)),
                Cell::number(signed(Some(l.delta)), Some(l.delta)),
            ],
            pinned: false,
        })
        .chain([
            Row {
                key: "new-deals".to_owned(),
                cells: vec![
                    Cell::text("Deals not yet created"),
                    Cell::text(""),
                    Cell::number(signed(Some(s.new_deals_delta)), Some(s.new_deals_delta)),
                ],
                pinned: true,
            },
            Row {
                key: "rest".to_owned(),
                cells: vec![
                    Cell::text("The rest (the run-rate blend, closes outside the waterfall)"),
                    Cell::text(""),
                    Cell::number(signed(s.rest_delta), s.rest_delta),
                ],
                pinned: true,
            },
            Row {
                key: "total".to_owned(),
                cells: vec![
                    Cell::text("Expected value, now less then"),
                    Cell::text(""),
                    Cell::number(signed(s.mean_delta), s.mean_delta),
                ],
                pinned: true,
            },
        ])
        .collect();
    let line_columns = vec![
        Column::text("What moved it"),
        Column::number("Deals", None),
        Column::number(
            "Change",
            Some(
                "The change of the expected value (each deal's chance × its amount; a won deal counts its amount).",
            ),
        ),
    ];
    let deal_rows: Vec<Row> = s
        .deals
        .iter()
        .map(|d| Row {
            key: d.id.clone(),
            cells: vec![
                Cell::text(d.name.clone()).title(d.id.clone()),
                Cell::text(d.rep.clone()),
                Cell::text(d.category.clone()),
                Cell::number(percent(d.chance_then), d.chance_then),
                Cell::number(percent(d.chance_now), d.chance_now),
                Cell::number(money(Some(d.expected_then)), Some(d.expected_then)),
                Cell::number(money(Some(d.expected_now)), Some(d.expected_now)),
                Cell::number(signed(Some(d.delta)), Some(d.delta)),
                Cell::text(d.why.clone()),
            ],
            pinned: false,
        })
        .collect();
    let deal_columns = vec![
        Column::text("Deal"),
        Column::text("Rep"),
        Column::text("Category"),
        Column::number("Chance then", None),
        Column::number("Chance now", None),
        Column::number("Expected then", None),
        Column::number("Expected now", None),
        Column::number("Change", None),
        Column::text("Why"),
    ];
    let delta_p50 = s.then.p50.zip(s.now.p50).map(|(a, b)| b - a);
    let notes = s.notes.clone();
    view! {
        <dl class="forecast-strip" data-testid="shift-strip">
            <div><dt>{format!("Most likely then · {}", s.then.as_of)}</dt><dd data-testid="shift-then">{money(s.then.p50)}</dd></div>
            <div><dt>"P10–P90 then"</dt><dd>{range(s.then.p10, s.then.p90)}</dd></div>
            <div><dt>{format!("Most likely now · {}", s.now.as_of)}</dt><dd data-testid="shift-now">{money(s.now.p50)}</dd></div>
            <div><dt>"P10–P90 now"</dt><dd>{range(s.now.p10, s.now.p90)}</dd></div>
            <div><dt>"Change"</dt><dd>{signed(delta_p50)}</dd></div>
        </dl>
        <p class="shift-sentence" data-testid="shift-sentence">{format!("{} Amounts in {}.", s.sentence, s.currency)}</p>
        <DataTable testid="shift-lines" caption=format!("What moved the expected value of {}", s.period) columns=line_columns rows=Signal::derive(move || line_rows.clone()) export_name="forecast-then-now" />
        <details class="math">
            <summary>{format!("The {} deals that moved it most", s.deals.len())}</summary>
            <DataTable testid="shift-deals" caption="Deals, largest change first" columns=deal_columns rows=Signal::derive(move || deal_rows.clone()) export_name="forecast-then-now-deals" />
        </details>
        <ul class="note">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
    }
}
