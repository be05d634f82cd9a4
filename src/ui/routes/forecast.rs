//! Forecast: the weekly forecast call on one screen — the team's most likely number with its range and
//! how far off it has been, then every open deal closing in the period with the CRM's probability beside
//! the model's, narrowed to Commit at risk, upside, past due or pushed. The list's filter, order and page
//! live in the URL (`?view=forecast&filter=commit-at-risk&sort=amount&dir=desc&page=2`), never the data.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use crate::engine::forecast::deals::{DealColumn, DealFilter, DealQuery, DealSort};
use crate::engine::numfmt::{money, percent};
use crate::ui::components::deal_list::{DealList, filter_from};
use crate::ui::data::{Loaded, forecast, use_data};
use crate::ui::routes::shared::{Missing, Section, gate};
use crate::ui::state::use_app_state;

/// The list's query from the URL.
fn query_of(q: &ParamsMap) -> DealQuery {
    let column = q.get_str("sort").and_then(DealColumn::from_slug);
    let sort = match column {
        Some(column) => DealSort {
            column,
            descending: q.get_str("dir") != Some("asc"),
        },
        None => DealSort::default(),
    };
    DealQuery {
        filter: filter_from(q.get_str("filter")),
        rep: None,
        sort,
        page: q
            .get_str("page")
            .and_then(|p| p.parse::<u32>().ok())
            .map_or(0, |p| p.saturating_sub(1)),
        page_size: None,
        csv: false,
    }
}

/// The URL of a list query, keeping the other filters (defaults are left out).
fn href_of(q: &ParamsMap, query: &DealQuery) -> String {
    let mut q = q.clone();
    let mut set = |key: &'static str, value: Option<String>| match value {
        Some(v) => q.replace(key, v),
        None => {
            q.remove(key);
        }
    };
    set(
        "filter",
        (query.filter != DealFilter::All).then(|| query.filter.slug().to_owned()),
    );
    let default_sort = query.sort == DealSort::default();
    set(
        "sort",
        (!default_sort).then(|| query.sort.column.slug().to_owned()),
    );
    set(
        "dir",
        (!default_sort).then(|| if query.sort.descending { "desc" } else { "asc" }.to_owned()),
    );
    set(
        "page",
        (query.page > 0).then(|| (query.page + 1).to_string()),
    );
    q.to_query_string()
}

#[component]
pub fn ForecastView() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let data = use_data();
    let list = Signal::derive(move || query.with(query_of));
    let set_query = Callback::new(move |next: DealQuery| {
        let href = query.with_untracked(|q| href_of(q, &next));
        navigate(&href, Default::default());
    });
    view! {
        <section class="view" data-testid="view-forecast">
            <h1>"Forecast"</h1>
            <p class="purpose">"The forecast call: the number, what is in Commit, which Commit deals are at risk, where the upside is — every open deal closing in the period, the CRM's probability beside the model's."</p>
            {gate(data, "The forecast needs deals.", move |_| view! {
                <Headline />
                <DealList testid="forecast-deals" query=list set_query=set_query />
            }.into_any())}
        </section>
    }
}

/// The team's number in one line, with its accuracy, above the list.
#[component]
fn Headline() -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let answer = forecast(state, data);
    move || match answer.get() {
        None => view! { <p class="missing">"Forecasting…"</p> }.into_any(),
        Some(Loaded::NoData) => {
            view! { <Missing text="The forecast needs deals: import an export or try the demo." /> }
                .into_any()
        }
        Some(Loaded::Failed(why)) => {
            view! { <Missing text=format!("No forecast: {why}") /> }.into_any()
        }
        Some(Loaded::Ready(r)) => {
            let t = &r.team;
            view! {
                <dl class="forecast-strip" data-testid="forecast-strip">
                    <div><dt>{format!("Most likely · {}", r.period.label)}</dt><dd data-testid="strip-most-likely">{money(t.p50)}</dd></div>
                    <div><dt>"P10–P90"</dt><dd>{format!("{} – {}", money(t.p10), money(t.p90))}</dd></div>
                    <div><dt>"Chance of quota"</dt><dd>{percent(t.chance_of_quota)}</dd></div>
                    <div><dt>"Commit roll-up"</dt><dd>{money(t.commit)}</dd></div>
                    <div><dt>"CRM-weighted"</dt><dd>{money(t.crm_weighted)}</dd></div>
                </dl>
                <p class="forecast-accuracy">{format!("{} Amounts in {}.", r.accuracy, r.currency)}</p>
            }
            .into_any()
        }
    }
}

/// A rep's forecast on their page: the range and the chance of quota, then their deals in the period with
/// both probabilities (the list's query kept on the page, not in the URL).
#[component]
pub fn RepForecast(rep: String) -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let answer = forecast(state, data);
    let list = RwSignal::new(DealQuery {
        rep: Some(rep.clone()),
        ..DealQuery::default()
    });
    let set_query = Callback::new(move |next: DealQuery| list.set(next));
    let rep_for_row = StoredValue::new(rep);
    let row = move || match answer.get() {
        None => view! { <p class="missing">"Forecasting…"</p> }.into_any(),
        Some(Loaded::NoData) => ().into_any(),
        Some(Loaded::Failed(why)) => {
            view! { <Missing text=format!("No forecast: {why}") /> }.into_any()
        }
        Some(Loaded::Ready(r)) => {
            let rep = rep_for_row.get_value();
            match r.reps.iter().find(|x| x.rep == rep || x.rep_id.as_deref() == Some(&rep)) {
                None => view! { <Missing text=format!("{rep} has no deals open or closed in {}.", r.period.label) /> }.into_any(),
                Some(x) => {
                    let range = if x.distribution {
                        format!("{} – {}", money(x.p10), money(x.p90))
                    } else {
                        format!("no range: fewer than {} open deals", crate::engine::forecast::task::MIN_OPEN_DEALS)
                    };
                    view! {
                        <dl class="forecast-strip" data-testid="rep-forecast-strip">
                            <div><dt>{format!("Most likely · {}", r.period.label)}</dt><dd data-testid="rep-most-likely">{money(x.p50)}</dd></div>
                            <div><dt>"P10–P90"</dt><dd>{range}</dd></div>
                            <div><dt>"Chance of quota"</dt><dd>{match x.quota { Some(q) => format!("{} of {}", percent(x.chance_of_quota), money(Some(q))), None => "no quota".to_owned() }}</dd></div>
                            <div><dt>"Closed so far"</dt><dd>{money(Some(x.closed))}</dd></div>
                            <div><dt>"Commit roll-up"</dt><dd>{money(x.commit)}</dd></div>
                        </dl>
                    }
                    .into_any()
                }
            }
        }
    };
    view! {
        <Section title="Forecast" testid="rep-forecast" lede="Where this rep's period will land, as a range, and their deals closing in it: the CRM's probability beside the model's.">
            {row}
            <DealList testid="rep-forecast-deals" query=list set_query=set_query show_rep=false />
        </Section>
    }
}
