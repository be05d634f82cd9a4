//! The forecast call's deal list: the open deals closing in the period with the CRM's probability beside
//! the model's, pushes, days since activity, age and flags; the filters a manager uses on the call (each
//! with its count), a sort on every column, pages asked of the engine one at a time, the CSV of every kept
//! deal, and a drawer per deal saying why the model rates it so. The engine selects, orders and pages
//! ([`crate::engine::forecast::deals`]); this lays the page out. The query is the caller's (the Forecast
//! view keeps it in the URL, a rep's page in a signal).

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::forecast::deals::{DealColumn, DealFilter, DealPage, DealQuery, DealSort};
use crate::engine::forecast::report::ForecastDeal;
use crate::engine::numfmt::{money, percent, thousands};
use crate::engine::protocol::ForecastDeals;
use crate::ui::components::download::download_text;
use crate::ui::data::{Loaded, forecast_deals, forecast_settings, use_data};
use crate::ui::state::use_app_state;

/// A flag as the list writes it.
pub fn flag_label(flag: &str) -> &str {
    match flag {
        "commit_at_risk" => "Commit at risk",
        "upside" => "Upside",
        "past_due" => "Past due",
        "pushed" => "Pushed",
        "no_amount" => "No amount",
        "stale" => "Stale",
        "large" => "Large",
        other => other,
    }
}

fn cell(deal: &ForecastDeal, column: DealColumn) -> String {
    match column {
        DealColumn::Rep => deal.rep.clone(),
        DealColumn::Name => deal.name.clone(),
        DealColumn::Stage => deal.stage.clone(),
        DealColumn::Amount => money(deal.amount),
        DealColumn::CloseDate => deal.close_date.map(|d| d.to_string()).unwrap_or_default(),
        DealColumn::Category => deal.category.clone(),
        DealColumn::CrmProbability => percent(deal.crm_probability),
        DealColumn::ModelProbability => percent(Some(deal.model_probability)),
        DealColumn::PushCount => deal.push_count.to_string(),
        DealColumn::DaysSinceActivity => deal
            .days_since_activity
            .map(|n| n.to_string())
            .unwrap_or_else(|| "—".to_owned()),
        DealColumn::AgeDays => deal.age_days.to_string(),
        DealColumn::Expected => money(deal.amount.map(|a| a * deal.model_probability)),
    }
}

#[component]
pub fn DealList(
    testid: &'static str,
    #[prop(into)] query: Signal<DealQuery>,
    /// Called with the query the user asks for (a filter, a sort, a page).
    set_query: Callback<DealQuery>,
    /// Whether to show the rep column (not on a rep's own page).
    #[prop(default = true)]
    show_rep: bool,
) -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let page = forecast_deals(state, data, query);
    let selected: RwSignal<Option<ForecastDeal>> = RwSignal::new(None);
    let columns: Vec<DealColumn> = DealColumn::SHOWN
        .into_iter()
        .filter(|c| show_rep || *c != DealColumn::Rep)
        .collect();
    let columns = StoredValue::new(columns);
    let export = move |_| {
        let settings = forecast_settings(data.settings.get_untracked());
        let q = DealQuery {
            csv: true,
            page: 0,
            page_size: Some(1),
            ..query.get_untracked()
        };
        let door = state.door();
        leptos::task::spawn_local(async move {
            match door
                .ask(ForecastDeals {
                    settings: Box::new(settings),
                    query: q.clone(),
                })
                .await
            {
                Ok(answer) => {
                    if let Some(text) = &answer.page.csv {
                        download_text(
                            &format!("forecast-deals-{}.csv", q.filter.slug()),
                            "text/csv",
                            text,
                        );
                    }
                }
                Err(error) => crate::ui::actions::report(state, &error),
            }
        });
    };
    let filters = move |p: &DealPage| {
        let current = query.get().filter;
        p.counts
            .iter()
            .map(|c| {
                let filter = c.filter;
                let pressed = filter == current;
                let click = move |_| {
                    set_query.run(DealQuery {
                        filter,
                        page: 0,
                        ..query.get_untracked()
                    })
                };
                view! {
                    <button
                        type="button"
                        class="chip"
                        aria-pressed=if pressed { "true" } else { "false" }
                        data-testid=format!("deal-filter-{}", filter.slug())
                        on:click=click
                    >
                        {format!("{} ({})", filter.label(), c.deals)}
                    </button>
                }
            })
            .collect_view()
    };
    let header = move || {
        let sort = query.get().sort;
        columns.with_value(|cols| {
            cols.iter()
                .map(|&column| {
                    let aria = if sort.column == column {
                        if sort.descending { "descending" } else { "ascending" }
                    } else {
                        "none"
                    };
                    let click = move |_| {
                        let q = query.get_untracked();
                        let descending = if q.sort.column == column {
                            !q.sort.descending
                        } else {
                            // Numbers start high (the largest first), text from A.
                            column.numeric()
                        };
                        set_query.run(DealQuery {
                            sort: DealSort { column, descending },
                            page: 0,
                            ..q
                        });
                    };
                    view! {
                        <th scope="col" class:num=column.numeric() aria-sort=aria>
                            <button type="button" class="sort" title=(!column.help().is_empty()).then_some(column.help()) on:click=click>{column.label()}</button>
                        </th>
                    }
                })
                .collect_view()
        })
    };
    let rows = move |p: &DealPage| {
        let cols = columns.get_value();
        p.deals
            .iter()
            .map(|deal| {
                let d = deal.clone();
                let open = move |_| selected.set(Some(d.clone()));
                let cells = cols
                    .iter()
                    .map(|&column| {
                        let text = cell(deal, column);
                        if column == DealColumn::Name {
                            view! {
                                <th scope="row">
                                    <button type="button" class="link" on:click=open.clone()>{text}</button>
                                </th>
                            }
                            .into_any()
                        } else {
                            view! { <td class:num=column.numeric()>{text}</td> }.into_any()
                        }
                    })
                    .collect_view();
                let flags = deal
                    .flags
                    .iter()
                    .map(|f| {
                        view! { <span class=format!("flag flag-{f}")>{flag_label(f).to_owned()}</span> }
                    })
                    .collect_view();
                view! {
                    <tr data-deal=deal.id.clone()>
                        {cells}
                        <td class="flags">{flags}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let pager = move |p: &DealPage| {
        let at = p.query.page;
        let pages = p.pages;
        let go = move |n: u32| {
            set_query.run(DealQuery {
                page: n,
                ..query.get_untracked()
            })
        };
        view! {
            <nav class="pager" aria-label="Pages of deals">
                <button type="button" class="quiet small" disabled=at == 0 on:click=move |_| go(at.saturating_sub(1))>"Previous"</button>
                <span data-testid="deal-page">{format!("Page {} of {}", at + 1, pages)}</span>
                <button type="button" class="quiet small" disabled=at + 1 >= pages on:click=move |_| go(at + 1)>"Next"</button>
            </nav>
        }
    };
    let body = move || match page.get() {
        None => {
            view! { <p class="missing" data-testid="deals-working">"Forecasting…"</p> }.into_any()
        }
        Some(Loaded::NoData) => {
            view! { <p class="missing">"The forecast needs deals."</p> }.into_any()
        }
        Some(Loaded::Failed(why)) => {
            view! { <p class="missing" role="alert">{format!("No forecast: {why}")}</p> }.into_any()
        }
        Some(Loaded::Ready(p)) => {
            let p: Arc<DealPage> = p;
            let summary = format!(
                "{} deal{} closing {} to {} · {} in all · {} at the model's chances · as of {}",
                thousands(p.total),
                if p.total == 1 { "" } else { "s" },
                p.period.start,
                p.period.end,
                money(Some(p.total_amount)),
                money(Some(p.total_expected)),
                p.as_of
            );
            view! {
                <div class="deal-filters" role="group" aria-label="Which deals">{filters(&p)}</div>
                <p class="deal-summary" data-testid="deal-summary">{summary}</p>
                <div class="table-wrap" tabindex="0">
                    <table class="data" data-testid=testid>
                        <caption>
                            <span>{format!("Deals · {}", p.period.label)}</span>
                            <span class="exports">
                                <button type="button" class="quiet small" data-testid="deals-csv" on:click=export>"CSV"</button>
                            </span>
                        </caption>
                        <thead><tr>{header}<th scope="col">"Flags"</th></tr></thead>
                        <tbody>{rows(&p)}</tbody>
                    </table>
                </div>
                {(p.pages > 1).then(|| pager(&p))}
            }
            .into_any()
        }
    };
    view! {
        <div class="deal-list">{body}</div>
        <DealDrawer selected=selected />
    }
}

/// One deal's chances and why the model rates it so; Esc closes it and focus returns to the deal's name.
#[component]
fn DealDrawer(selected: RwSignal<Option<ForecastDeal>>) -> impl IntoView {
    let panel = NodeRef::<html::Aside>::new();
    let opener: StoredValue<Option<web_sys::HtmlElement>, LocalStorage> =
        StoredValue::new_local(None);
    Effect::new(move |_| {
        if selected.with(Option::is_some) {
            if opener.with_value(Option::is_none) {
                let active = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element())
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                opener.set_value(active);
            }
            if let Some(panel) = panel.get() {
                let _ = panel.focus();
            }
        } else if let Some(el) = opener.with_value(Clone::clone) {
            let _ = el.focus();
            opener.set_value(None);
        }
    });
    let close = move || selected.set(None);
    let on_key = move |event: web_sys::KeyboardEvent| {
        if event.key() == "Escape" {
            event.prevent_default();
            close();
        }
    };
    let body = move || {
        selected.get().map(|d| {
            let facts = [
                ("Rep", d.rep.clone()),
                ("Stage", d.stage.clone()),
                ("Amount", money(d.amount)),
                ("Close date", d.close_date.map(|c| c.to_string()).unwrap_or_else(|| "—".to_owned())),
                ("Category", if d.category.is_empty() { "—".to_owned() } else { d.category.clone() }),
                ("CRM probability", percent(d.crm_probability)),
                ("Model probability", percent(Some(d.model_probability))),
                (
                    "Stage history",
                    match d.stage_win_rate {
                        Some(r) => format!("{} won of {} deals", percent(Some(r)), thousands(d.stage_win_deals)),
                        None => "no earlier deals at this stage and age".to_owned(),
                    },
                ),
                ("Pushes", d.push_count.to_string()),
                ("Days since activity", d.days_since_activity.map(|n| n.to_string()).unwrap_or_else(|| "no activity logged".to_owned())),
                ("Age", format!("{} days", d.age_days)),
            ];
            view! {
                <header>
                    <h2 id="deal-drawer-title">{d.name.clone()}</h2>
                    <button type="button" class="quiet" data-testid="deal-drawer-close" on:click=move |_| close()>"Close"</button>
                </header>
                <p class="note">{format!("Deal {} · the model's chance of being won by the period's end, against the CRM's.", d.id)}</p>
                <dl class="deal-facts">
                    {facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                </dl>
                {(!d.at_risk.is_empty()).then(|| view! {
                    <h3>"Commit at risk because"</h3>
                    <ul data-testid="deal-at-risk">{d.at_risk.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}</ul>
                })}
                <h3>"Why the model rates it so"</h3>
                <ul data-testid="deal-why">
                    {if d.why.is_empty() {
                        view! { <li>"The model gives no reasons for this deal."</li> }.into_any()
                    } else {
                        d.why.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view().into_any()
                    }}
                </ul>
            }
        })
    };
    view! {
        <Show when=move || selected.with(Option::is_some)>
            <div class="drawer-backdrop" on:click=move |_| close()></div>
            <aside
                class="drawer deal-drawer"
                role="dialog"
                aria-modal="true"
                aria-labelledby="deal-drawer-title"
                tabindex="-1"
                data-testid="deal-drawer"
                node_ref=panel
                on:keydown=on_key
            >
                {body}
            </aside>
        </Show>
    }
}

/// The filter named by the URL's `filter=` (all deals when absent or unknown).
pub fn filter_from(slug: Option<&str>) -> DealFilter {
    slug.and_then(DealFilter::from_slug).unwrap_or_default()
}
