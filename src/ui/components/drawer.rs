//! "Show the math": a drawer that opens from any figure with the formula and its inputs, the definition,
//! what the number leaves out, and every deal or activity behind it in a sortable, virtualised table,
//! exportable as CSV. The engine sorts and pages the records: the drawer asks for the pages the scroll
//! window shows (so 100,000 records open as fast as 10) and only the rows in view are in the DOM. Esc
//! closes it and focus returns to the figure that opened it.

use std::collections::{HashMap, HashSet};

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::export::csv;
use crate::engine::metrics::MetricSettings;
use crate::engine::metrics::explain::{Explanation, Record, RecordColumn, RecordSort};
use crate::engine::numfmt::{for_unit, money};
use crate::engine::protocol::Explain;
use crate::ui::components::download::download_text;
use crate::ui::data::use_data;
use crate::ui::state::{MathAsk, use_app_state};

/// Records asked for at once.
const PAGE: u32 = 200;
const ROW_PX: f64 = 32.0;
const VIEW_ROWS: usize = 16;

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
    for_unit(e.unit)(e.value)
}

/// What the drawer's records answer: the figure, the filters and the order.
type RecordsKey = (MathAsk, MetricSettings, Option<RecordSort>);

fn explain_request(key: &RecordsKey, page: u32, page_size: u32) -> Explain {
    let (ask, settings, sort) = key;
    Explain {
        settings: Box::new(settings.clone()),
        metric: ask.metric.clone(),
        rep: ask.rep.clone(),
        page,
        page_size: Some(page_size),
        sort: *sort,
    }
}

#[component]
pub fn MathDrawer() -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let opener: StoredValue<Option<web_sys::HtmlElement>, LocalStorage> =
        StoredValue::new_local(None);
    let panel = NodeRef::<html::Aside>::new();
    let sort: RwSignal<Option<RecordSort>> = RwSignal::new(None);
    let records_key = Memo::new(move |_| {
        state
            .drawer
            .get()
            .map(|ask| (ask, data.settings.get(), sort.get()))
    });
    // The pages of records fetched for the current key; page 0 comes with the explanation.
    let pages: RwSignal<HashMap<u32, Vec<Record>>> = RwSignal::new(HashMap::new());
    let asked: StoredValue<HashSet<u32>> = StoredValue::new(HashSet::new());
    let explanation = LocalResource::new(move || {
        let key = records_key.get();
        let door = state.door();
        async move {
            let key = key?;
            Some(match door.ask(explain_request(&key, 0, PAGE)).await {
                Ok(answer) => {
                    let mut e = *answer.explanation;
                    asked.set_value(HashSet::from([0]));
                    let _ = pages.try_set(HashMap::from([(0, std::mem::take(&mut e.records))]));
                    Ok(e)
                }
                Err(error) => Err(error.to_string()),
            })
        }
    });
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
    let total = move || {
        explanation
            .get()
            .flatten()
            .and_then(Result::ok)
            .map_or(0, |e| e.total_records as usize)
    };
    // Asks for a page the window needs and nobody asked for yet.
    let fetch_page = move |page: u32| {
        if asked.with_value(|a| a.contains(&page)) {
            return;
        }
        let Some(key) = records_key.get_untracked() else {
            return;
        };
        asked.update_value(|a| {
            a.insert(page);
        });
        let door = state.door();
        leptos::task::spawn_local(async move {
            if let Ok(answer) = door.ask(explain_request(&key, page, PAGE)).await
                && records_key.get_untracked().as_ref() == Some(&key)
            {
                let _ = pages.try_update(|p| {
                    p.insert(page, answer.explanation.records);
                });
            }
        });
    };
    let export = move |_| {
        let Some(key) = records_key.get_untracked() else {
            return;
        };
        let all = u32::try_from(total()).unwrap_or(u32::MAX).max(1);
        let door = state.door();
        leptos::task::spawn_local(async move {
            match door.ask(explain_request(&key, 0, all)).await {
                Ok(answer) => {
                    let rows: Vec<Vec<String>> = answer
                        .explanation
                        .records
                        .iter()
                        .map(|r| cells(r).to_vec())
                        .collect();
                    let name = key.0.metric.replace(':', "-");
                    let headers = RecordColumn::ALL.map(RecordColumn::label);
                    download_text(&format!("{name}.csv"), "text/csv", &csv(&headers, &rows));
                }
                Err(error) => {
                    crate::ui::actions::report(state, &error);
                }
            }
        });
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
                                e.amount_sum.map(|sum| format!(" · amounts as exported sum to {}", money(Some(sum)))).unwrap_or_default()
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
        let count = total();
        if count == 0 {
            return ().into_any();
        }
        let first = ((scroll_top.get() / ROW_PX).floor() as usize).min(count.saturating_sub(1));
        let last = (first + VIEW_ROWS + 4).min(count);
        let before = first as f64 * ROW_PX;
        let after = (count - last) as f64 * ROW_PX;
        let header = RecordColumn::ALL
            .into_iter()
            .map(|column| {
                let aria = move || match sort.get() {
                    Some(s) if s.column == column && !s.descending => "ascending",
                    Some(s) if s.column == column => "descending",
                    _ => "none",
                };
                let click = move |_| {
                    sort.update(|s| {
                        *s = Some(match *s {
                            Some(current) if current.column == column => RecordSort {
                                column,
                                descending: !current.descending,
                            },
                            // Amounts start with the largest; text and dates from A and the oldest.
                            _ => RecordSort {
                                column,
                                descending: column == RecordColumn::Amount,
                            },
                        })
                    });
                    scroll_top.set(0.0);
                };
                view! {
                    <th scope="col" aria-sort=aria class:num=column == RecordColumn::Amount>
                        <button type="button" class="sort" on:click=click>{column.label()}</button>
                    </th>
                }
            })
            .collect_view();
        let page_size = PAGE as usize;
        for page in first / page_size..=(last.saturating_sub(1)) / page_size {
            fetch_page(page as u32);
        }
        let shown = pages.with(|pages| {
            (first..last)
                .map(|i| {
                    let record = pages
                        .get(&((i / page_size) as u32))
                        .and_then(|p| p.get(i % page_size));
                    let c = record.map_or_else(|| std::array::from_fn(|_| String::new()), cells);
                    view! {
                        <tr class:loading=record.is_none()>
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
                .collect_view()
        });
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
                <table class="data compact" data-testid="math-records" aria-rowcount=count + 1>
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
