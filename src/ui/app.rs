//! The frame every view sits in: `<header>` (product, dataset chip, Forget data), `<nav>` (Import and the
//! five foundations) and `<main>` (the view named by `?view=`).

use leptos::prelude::*;
use leptos_router::components::Router;
use leptos_router::hooks::use_query_map;

use crate::engine::model::summary::dataset_line;
use crate::engine::protocol::Request;
use crate::ui::route::{View, href_for};
use crate::ui::routes;
use crate::ui::state::{AppState, use_app_state};

#[component]
pub fn App() -> impl IntoView {
    provide_context(AppState::new());
    view! {
        <Router>
            <Frame />
        </Router>
    }
}

#[component]
fn Frame() -> impl IntoView {
    let query = use_query_map();
    let current = Memo::new(move |_| query.with(View::from_query));
    view! {
        <header class="app-header">
            <a class="brand" href="./">"pipelens"</a>
            <DatasetChip />
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
        <main class="app-main" data-testid="main">
            {move || match current.get() {
                View::Import => routes::import::ImportView().into_any(),
                other => routes::foundation::FoundationView(routes::foundation::FoundationViewProps { view: other })
                    .into_any(),
            }}
        </main>
    }
}

/// "No data yet", or how many files and rows are loaded.
#[component]
fn DatasetChip() -> impl IntoView {
    let state = use_app_state();
    let text = move || {
        state
            .model
            .with(|model| dataset_line(state.files.with(Vec::len), model))
    };
    view! { <span class="dataset-chip" data-testid="dataset-chip">{text}</span> }
}

/// Drops everything the session holds. Nothing is stored anywhere else yet.
#[component]
fn ForgetData() -> impl IntoView {
    let state = use_app_state();
    let forget = move |_| {
        let door = state.door();
        leptos::task::spawn_local(async move {
            match door.request(Request::Forget).await {
                Ok(_) => {
                    state.files.set(Vec::new());
                    state.model.set(Default::default());
                    state.errors.set(Vec::new());
                }
                Err(error) => state.errors.update(|e| e.push(error.to_string())),
            }
        });
    };
    view! {
        <button
            class="quiet"
            type="button"
            data-testid="forget-data"
            disabled=move || state.files.with(Vec::is_empty)
            on:click=forget
        >
            "Forget data"
        </button>
    }
}
