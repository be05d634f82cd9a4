//! The five foundation views before their features land: each says what it will show and that it needs
//! data, and points to Import. Nothing here pretends to be a finished view.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::ui::route::{View, href_for};
use crate::ui::state::use_app_state;

/// What each foundation view is for, in the manager's words.
fn purpose(view: View) -> &'static str {
    match view {
        View::People => {
            "Coach each rep from their own numbers: a scorecard per rep against the team, their funnel, activity and open deals at risk."
        }
        View::Planning => {
            "What it takes to hit the number: quotas, attainment so far, pacing and the gap, and the activity each rep needs."
        }
        View::Process => {
            "Where deals leak: the funnel in stage order, conversion and time in each stage, per rep against the team."
        }
        View::Pipeline => {
            "Is there enough pipeline, and is it real: coverage against remaining quota, aging, stale, past-due and slipped deals."
        }
        View::Performance => {
            "Results and the forecast: bookings against quota, attainment per rep, and win rate, deal size and cycle trends."
        }
        View::Import => "",
    }
}

#[component]
pub fn FoundationView(view: View) -> impl IntoView {
    let state = use_app_state();
    let query = use_query_map();
    let import_href = move || query.with(|q| href_for(View::Import, q));
    let status = move || {
        let count = state.files.with(Vec::len);
        if count == 0 {
            format!(
                "{} needs data. Import your CRM exports to see it.",
                view.label()
            )
        } else {
            format!(
                "{count} file{} imported. The {} figures arrive with the metrics engine; they are not computed yet.",
                if count == 1 { "" } else { "s" },
                view.label()
            )
        }
    };
    view! {
        <section class="view" data-testid=format!("view-{}", view.slug())>
            <h1>{view.label()}</h1>
            <p class="purpose">{purpose(view)}</p>
            <div class="empty-state" data-testid="needs-data">
                <p>{status}</p>
                <a class="button" href=import_href>"Import your exports"</a>
            </div>
        </section>
    }
}
