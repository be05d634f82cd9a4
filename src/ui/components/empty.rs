//! The state of a view with no data yet: what it will show, and the two ways in — the demo team in one
//! click, or the user's own exports. Never an empty chart.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::ui::actions::load_demo;
use crate::ui::route::{View, href_for};
use crate::ui::state::use_app_state;

#[component]
pub fn NeedsData(#[prop(into)] what: String) -> impl IntoView {
    let state = use_app_state();
    let query = use_query_map();
    let import_href = move || query.with(|q| href_for(View::Import, q));
    let busy = move || state.in_flight.with(Option::is_some);
    view! {
        <div class="empty-state" data-testid="needs-data">
            <p>{what}</p>
            <div class="actions">
                <button
                    type="button"
                    data-testid="try-demo"
                    disabled=busy
                    on:click=move |_| load_demo(state)
                >
                    "Try demo data"
                </button>
                <a class="button secondary" href=import_href>
                    "Import your exports"
                </a>
            </div>
            <p class="privacy-note">
                "Everything is computed in this browser tab; no data leaves your machine."
            </p>
        </div>
    }
}
