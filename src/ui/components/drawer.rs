//! "Show the math": a drawer that opens from any figure with the formula and its inputs, the definition,
//! what the number leaves out, and every deal or activity behind it in a sortable, virtualised table (only
//! the rows in view are in the DOM, so 100k records stay smooth), exportable as CSV. Esc closes it and focus
//! returns to the figure that opened it.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::export::csv;
use crate::engine::metrics::definitions::Unit;
use crate::engine::metrics::explain::{Explanation, Record, RecordKind};
use crate::engine::numfmt::{money, number, percent};
use crate::engine::protocol::{Answer, Request};
use crate::ui::components::download::download_text;
use crate::ui::data::use_data;
use crate::ui::state::use_app_state;

/// Records fetched at once (the engine pages; the drawer takes everything and windows the view).
const ALL: u32 = 1_000_000;
const ROW_PX: f64 = 32.0;
const VIEW_ROWS: usize = 16;

const HEADERS: [&str; 9] = [
    "Id",
    "Name",
    "Rep",
    "Stage / kind",
    "Status",
    "Amount",
    "Currency",
    "Date",
    "Flags",
];

fn cells(r: &Record) -> [String; 9] {
    [
        r.id.clone(),
        r.name.clone(),
        r.rep.clone(),
        r.stage.clone(),
        r.status.clone(),
        r.amount.map(|a| format!("{a:.2}")).unwrap_or_default(),
        r.currency.clone(),
        r.date.map(|d| d.to_string()).unwrap_or_default(),
        r.flags.join(", "),
    ]
}

fn value_text(e: &Explanation) -> String {
    match e.unit {
        Unit::Money => money(e.value),
        Unit::Ratio if e.metric.starts_with("coverage") => {
            e.value.map_or("—".to_owned(), |v| format!("{v:.2}×"))
        }
        Unit::Ratio if e.metric.contains("per_") || e.metric.ends_with("_day") => number(e.value),
        Unit::Ratio => percent(e.value),
        Unit::Days => e.value.map_or("—".to_owned(), |v| format!("{v:.0} days")),
        Unit::Count => number(e.value),
    }
}

#[component]
pub fn MathDrawer() -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let opener: StoredValue<Option<web_sys::HtmlElement>, LocalStorage> =
        StoredValue::new_local(None);
    let panel = NodeRef::<html::Aside>::new();
    let explanation = LocalResource::new(move || {
        let ask = state.drawer.get();
        let settings = data.settings.get();
        let door = state.door();
        async move {
            let ask = ask?;
            let request = Request::Explain {
                settings: Box::new(settings),
                metric: ask.metric.clone(),
                rep: ask.rep.clone(),
                page: 0,
                page_size: Some(ALL),
            };
            Some(match door.request(request).await {
                Ok(Answer::Explained { explanation }) => Ok(*explanation),
                Ok(_) => Err("the engine gave an unexpected answer".to_owned()),
                Err(error) => Err(error.to_string()),
            })
        }
    });
    let sort: RwSignal<Option<(usize, bool)>> = RwSignal::new(None);
    let scroll_top = RwSignal::new(0f64);
    // Remember what opened the drawer, move focus in, and give it back on close.
    Effect::new(move |_| {
        if state.drawer.with(Option::is_some) {
            if opener.with_value(Option::is_none) {
                let active = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element())
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                opener.set_value(active);
            }
            sort.set(None);
            scroll_top.set(0.0);
            if let Some(panel) = panel.get() {
                let _ = panel.focus();
            }
        } else if let Some(el) = opener.with_value(Clone::clone) {
            let _ = el.focus();
            opener.set_value(None);
        }
    });
    let close = move || state.drawer.set(None);
    let on_key = move |event: web_sys::KeyboardEvent| {
        if event.key() == "Escape" {
            event.prevent_default();
            close();
        }
    };
    let records = Memo::new(move |_| {
        let mut rows: Vec<Record> = explanation
            .get()
            .flatten()
            .and_then(Result::ok)
            .map(|e| e.records)
            .unwrap_or_default();
        if let Some((col, asc)) = sort.get() {
            rows.sort_by(|a, b| {
                let ord = if col == 5 {
                    a.amount
                        .unwrap_or(f64::MIN)
                        .total_cmp(&b.amount.unwrap_or(f64::MIN))
                } else {
                    cells(a)[col]
                        .to_lowercase()
                        .cmp(&cells(b)[col].to_lowercase())
                };
                if asc { ord } else { ord.reverse() }
            });
        }
        rows
    });
    let export = move |_| {
        let rows: Vec<Vec<String>> = records
            .get_untracked()
            .iter()
            .map(|r| cells(r).to_vec())
            .collect();
        let name = state
            .drawer
            .get_untracked()
            .map_or("records".to_owned(), |a| a.metric.replace(':', "-"));
        download_text(&format!("{name}.csv"), "text/csv", &csv(&HEADERS, &rows));
    };
    let body = move || {
        let Some(loaded) = explanation.get() else {
            return view! { <p class="loading">"Working it out…"</p> }.into_any();
        };
        match loaded {
            None => ().into_any(),
            Some(Err(error)) => view! { <p class="error" role="alert">{error}</p> }.into_any(),
            Some(Ok(e)) => {
                let total = e.total_records;
                let sum: f64 = e
                    .records
                    .iter()
                    .filter(|r| r.kind == RecordKind::Deal)
                    .filter_map(|r| r.amount)
                    .sum();
                let has_amounts = e.records.iter().any(|r| r.amount.is_some());
                view! {
                    <p class="math-value" data-testid="math-value">{value_text(&e)}</p>
                    <p class="formula" data-testid="math-formula">{e.formula.clone()}</p>
                    <p class="definition">{e.definition.clone()}</p>
                    {e.notes.iter().map(|n| view! { <p class="note">{n.clone()}</p> }).collect_view()}
                    <p class="period">
                        {format!("{} to {} · as of {}", e.period_start, e.period_end, e.as_of)}
                    </p>
                    <div class="records-head">
                        <span data-testid="math-count">
                            {format!(
                                "{} record{}{}",
                                crate::engine::numfmt::thousands(total),
                                if total == 1 { "" } else { "s" },
                                if has_amounts { format!(" · amounts as exported sum to {}", money(Some(sum))) } else { String::new() }
                            )}
                        </span>
                        <button type="button" class="quiet small" on:click=export disabled=total == 0>
                            "CSV"
                        </button>
                    </div>
                }
                .into_any()
            }
        }
    };
    let table = move || {
        let rows = records.get();
        if rows.is_empty() {
            return ().into_any();
        }
        let first =
            ((scroll_top.get() / ROW_PX).floor() as usize).min(rows.len().saturating_sub(1));
        let last = (first + VIEW_ROWS + 4).min(rows.len());
        let before = first as f64 * ROW_PX;
        let after = (rows.len() - last) as f64 * ROW_PX;
        let header = HEADERS
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let aria = move || match sort.get() {
                    Some((c, true)) if c == i => "ascending",
                    Some((c, false)) if c == i => "descending",
                    _ => "none",
                };
                let click = move |_| {
                    sort.update(|s| {
                        *s = match *s {
                            Some((c, asc)) if c == i => Some((i, !asc)),
                            _ => Some((i, i != 5)),
                        }
                    })
                };
                view! {
                    <th scope="col" aria-sort=aria class:num=i == 5>
                        <button type="button" class="sort" on:click=click>{*h}</button>
                    </th>
                }
            })
            .collect_view();
        let shown = rows[first..last]
            .iter()
            .map(|r| {
                let c = cells(r);
                view! {
                    <tr>
                        <td>{c[0].clone()}</td>
                        <td>{c[1].clone()}</td>
                        <td>{c[2].clone()}</td>
                        <td>{c[3].clone()}</td>
                        <td>{c[4].clone()}</td>
                        <td class="num">{c[5].clone()}</td>
                        <td>{c[6].clone()}</td>
                        <td>{c[7].clone()}</td>
                        <td>{c[8].clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div
                class="records"
                tabindex="0"
                style:max-height=format!("{}px", ROW_PX * VIEW_ROWS as f64 + 40.0)
                on:scroll=move |ev| {
                    if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                        scroll_top.set(f64::from(el.scroll_top()));
                    }
                }
            >
                <table class="data compact" data-testid="math-records" aria-rowcount=rows.len() + 1>
                    <thead>
                        <tr>{header}</tr>
                    </thead>
                    <tbody>
                        <tr aria-hidden="true" style:height=format!("{before}px")></tr>
                        {shown}
                        <tr aria-hidden="true" style:height=format!("{after}px")></tr>
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <Show when=move || state.drawer.with(Option::is_some)>
            <div class="drawer-backdrop" on:click=move |_| close()></div>
            <aside
                class="drawer"
                role="dialog"
                aria-modal="true"
                aria-labelledby="drawer-title"
                tabindex="-1"
                data-testid="drawer"
                node_ref=panel
                on:keydown=on_key
            >
                <header>
                    <h2 id="drawer-title">
                        {move || state.drawer.get().map(|a| a.label).unwrap_or_default()}
                    </h2>
                    <button type="button" class="quiet" data-testid="drawer-close" on:click=move |_| close()>
                        "Close"
                    </button>
                </header>
                {body}
                {table}
            </aside>
        </Show>
    }
}
