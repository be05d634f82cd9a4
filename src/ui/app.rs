//! The frame every view sits in: `<header>` (product, dataset chip, period picker, as-of date, team and
//! pipeline filters, theme, Forget data), `<nav>` (Import and the five foundations), `<main>` (the view named
//! by `?view=`) and the "Show the math" drawer every figure opens.

use leptos::prelude::*;
use leptos_router::components::Router;
use leptos_router::hooks::{use_navigate, use_query_map};
use wasm_bindgen::JsCast;

use crate::engine::model::summary::dataset_line;
use crate::ui::components::drawer::MathDrawer;
use crate::ui::data::{Loaded, provide_data, use_data};
use crate::ui::filters::{DEAL_TYPES, PERIODS, scope_param, with_param};
use crate::ui::route::{View, href_for};
use crate::ui::routes;
use crate::ui::state::{AppState, use_app_state};

/// The app, with the engine in its Web Worker.
#[component]
pub fn App() -> impl IntoView {
    view! { <AppOn door=crate::ui::door::Door::worker() /> }
}

/// The app over a given door to the engine (the browser tests give a local one).
#[component]
pub fn AppOn(door: crate::ui::door::Door) -> impl IntoView {
    provide_context(AppState::with_door(door));
    view! {
        <Router>
            <Frame />
        </Router>
    }
}

#[component]
fn Frame() -> impl IntoView {
    let state = use_app_state();
    provide_data(state);
    let query = use_query_map();
    let current = Memo::new(move |_| query.with(View::from_query));
    view! {
        <a class="skip-link" href="#main">"Skip to the numbers"</a>
        <header class="app-header">
            <a class="brand" href="./">"pipelens"</a>
            <DatasetChip />
            <Filters />
            <ThemeToggle />
            <ForgetData />
        </header>
        <nav class="app-nav" aria-label="Views">
            <ul>
                {View::ALL
                    .into_iter()
                    .map(|view| {
                        let href = move || query.with(|q| href_for(view, q));
                        let is_current = move || current.get() == view;
                        view! {
                            <li>
                                <a
                                    href=href
                                    data-testid=format!("nav-{}", view.slug())
                                    aria-current=move || is_current().then_some("page")
                                >
                                    {view.label()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
        <main class="app-main" id="main" data-testid="main">
            {move || match current.get() {
                View::Import => routes::import::ImportView().into_any(),
                View::People => routes::people::PeopleView().into_any(),
                View::Planning => routes::planning::PlanningView().into_any(),
                View::Process => routes::process::ProcessView().into_any(),
                View::Pipeline => routes::pipeline::PipelineView().into_any(),
                View::Performance => routes::performance::PerformanceView().into_any(),
                View::Forecast => routes::forecast::ForecastView().into_any(),
            }}
        </main>
        <MathDrawer />
        <EngineDown />
    }
}

/// When the engine's worker stops: what happened, in words, and a way to start again. Everything the
/// engine held is gone with it, so starting again clears the page's files and choices too.
#[component]
fn EngineDown() -> impl IntoView {
    let state = use_app_state();
    let start_again = move |_| {
        state.door().restart();
        state.in_flight.set(None);
        state.files.set(Vec::new());
        state.model.set(Default::default());
        state.model_settings.set(Default::default());
        state.settings.set(Default::default());
        state.demo.set(false);
        state.errors.set(Vec::new());
        state.engine_down.set(None);
    };
    move || {
        state.engine_down.get().map(|why| {
            view! {
                <div class="engine-down" role="alert" data-testid="engine-down">
                    <p>{why}</p>
                    <button type="button" data-testid="engine-restart" on:click=start_again>
                        "Start again"
                    </button>
                </div>
            }
        })
    }
}

/// "No data yet", "Demo data", or how many files and rows are loaded.
#[component]
fn DatasetChip() -> impl IntoView {
    let state = use_app_state();
    let text = move || {
        let line = state
            .model
            .with(|model| dataset_line(state.files.with(Vec::len), model));
        if state.demo.get() {
            format!("Demo data · {line}")
        } else {
            line
        }
    };
    view! {
        <span class="dataset-chip" class:demo=move || state.demo.get() data-testid="dataset-chip">
            {text}
        </span>
    }
}

/// The period picker, the as-of date the numbers are computed on, and the team and pipeline scope. Each
/// choice is a URL change, so it can be bookmarked and Back undoes it.
#[component]
fn Filters() -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let query = use_query_map();
    let navigate = use_navigate();
    let go_to = move |key: &'static str, value: Option<String>| {
        let href = query.with_untracked(|q| with_param(q, key, value.as_deref()));
        navigate(&href, Default::default());
    };
    let go = {
        let go_to = go_to.clone();
        move |key: &'static str, value: String| go_to(key, Some(value))
    };
    let go_period = go.clone();
    let go_custom = go.clone();
    let go_team = go;
    let go_type = go_to.clone();
    let go_pipeline = go_to;
    let navigate_rep = use_navigate();
    let open_rep = move |rep: String| {
        let href = query.with_untracked(|q| {
            let mut q = q.clone();
            q.replace("view", "people".to_owned());
            with_param(&q, "rep", Some(&rep))
        });
        navigate_rep(&href, Default::default());
    };
    let reps = move || {
        let mut names: Vec<String> = state.model.with(|m| {
            m.reps
                .iter()
                .filter(|r| r.deals_owned > 0)
                .map(|r| r.name.clone())
                .collect()
        });
        names.sort();
        names
    };
    let period_valid = move || data.filters.with(|f| f.period_is_valid());
    let period = move || data.filters.with(|f| f.period.clone());
    let select_value = |event: leptos::ev::Event| {
        event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .map(|s| s.value())
            .unwrap_or_default()
    };
    let teams = move || state.model.with(|m| m.roster_values(|r| r.team.clone()));
    let pipelines = move || state.model.with(|m| m.pipelines());
    let as_of = move || match data.report.get() {
        Some(Loaded::Ready(report)) => {
            format!(
                "as of {} ({})",
                report.period.as_of.format("%-d %b %Y"),
                report.period.as_of_from
            )
        }
        _ => String::new(),
    };
    let has_data = move || state.model.with(|m| m.deals.total > 0);
    view! {
        <div class="filters" data-testid="filters">
            <label>
                <span class="visually-hidden">"Period"</span>
                <select
                    data-testid="period"
                    prop:value=period
                    on:change=move |e| go_period("period", select_value(e))
                >
                    {PERIODS
                        .into_iter()
                        .map(|(value, label)| view! { <option value=value>{label}</option> })
                        .collect_view()}
                    {move || {
                        let p = period();
                        (!PERIODS.iter().any(|(v, _)| *v == p))
                            .then(|| view! { <option value=p.clone()>{p.clone()}</option> })
                    }}
                </select>
            </label>
            <label>
                <span class="visually-hidden">"Custom period"</span>
                <input
                    class="custom-period"
                    data-testid="custom-period"
                    placeholder="2026-Q1, 2026-03, 2026-01-01..2026-02-15"
                    size="14"
                    on:change=move |e| {
                        let v = crate::ui::components::input::event_value(&e).trim().to_owned();
                        if !v.is_empty() {
                            go_custom("period", v);
                        }
                    }
                />
            </label>
            <Show when=move || !period_valid()>
                <span class="error-inline" role="alert" data-testid="period-invalid">
                    {move || format!("'{}' is not a period pipelens reads: showing this quarter.", period())}
                </span>
            </Show>
            <span class="as-of" data-testid="as-of">{as_of}</span>
            <Show when=has_data>
                <label>
                    <span class="visually-hidden">"Deal type"</span>
                    <select
                        data-testid="type-filter"
                        prop:value=move || data.filters.with(|f| state.settings.with(|s| f.deal_type_shown(s)))
                        on:change={
                            let go_type = go_type.clone();
                            move |e| go_type("type", scope_param(&select_value(e), state.settings.with_untracked(|s| !s.scope.deal_types.is_empty())))
                        }
                    >
                        <option value="">"All deal types"</option>
                        {DEAL_TYPES.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                    </select>
                </label>
                <label>
                    <span class="visually-hidden">"Rep"</span>
                    <select
                        data-testid="rep-filter"
                        prop:value=move || data.filters.with(|f| f.rep.clone().unwrap_or_default())
                        on:change={
                            let open_rep = open_rep.clone();
                            move |e| open_rep(select_value(e))
                        }
                    >
                        <option value="">"All reps"</option>
                        {move || reps().into_iter().map(|r| view! { <option value=r.clone()>{r.clone()}</option> }).collect_view()}
                    </select>
                </label>
            </Show>
            <Show when=move || { has_data() && !teams().is_empty() }>
                <label>
                    <span class="visually-hidden">"Team"</span>
                    <select
                        data-testid="team-filter"
                        prop:value=move || data.filters.with(|f| f.team.clone().unwrap_or_default())
                        on:change={
                            let go_team = go_team.clone();
                            move |e| go_team("team", select_value(e))
                        }
                    >
                        <option value="">"All teams"</option>
                        {move || teams().into_iter().map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view()}
                    </select>
                </label>
            </Show>
            <Show when=move || { has_data() && pipelines().len() > 1 }>
                <label>
                    <span class="visually-hidden">"Pipeline"</span>
                    <select
                        data-testid="pipeline-filter"
                        prop:value=move || data.filters.with(|f| state.settings.with(|s| f.pipeline_shown(s)))
                        on:change={
                            let go_pipeline = go_pipeline.clone();
                            move |e| go_pipeline("pipeline", scope_param(&select_value(e), state.settings.with_untracked(|s| !s.scope.pipelines.is_empty())))
                        }
                    >
                        <option value="">"All pipelines"</option>
                        {move || pipelines().into_iter().map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view()}
                    </select>
                </label>
            </Show>
        </div>
    }
}

/// Light, dark, or as the system says; sets `data-theme` on `<html>` (the charts read their colours from
/// the same tokens, so they redraw in the theme).
#[component]
fn ThemeToggle() -> impl IntoView {
    let state = use_app_state();
    Effect::new(move |_| {
        let theme = match state.dark.get() {
            Some(true) => "dark",
            Some(false) => "light",
            None => "",
        };
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = if theme.is_empty() {
                root.remove_attribute("data-theme")
            } else {
                root.set_attribute("data-theme", theme)
            };
        }
    });
    let label = move || match state.dark.get() {
        Some(true) => "Theme: dark",
        Some(false) => "Theme: light",
        None => "Theme: system",
    };
    let next = move |_| {
        state.dark.update(|d| {
            *d = match *d {
                None => Some(true),
                Some(true) => Some(false),
                Some(false) => None,
            }
        })
    };
    view! {
        <button class="quiet" type="button" data-testid="theme" on:click=next>
            {label}
        </button>
    }
}

/// Drops everything the session holds (the demo team too). Nothing is stored anywhere else.
#[component]
fn ForgetData() -> impl IntoView {
    let state = use_app_state();
    view! {
        <button
            class="quiet"
            type="button"
            data-testid="forget-data"
            disabled=move || state.files.with(Vec::is_empty)
            on:click=move |_| crate::ui::actions::forget_all(state)
        >
            "Forget data"
        </button>
    }
}
