//! A number that opens "Show the math": every figure a view draws is one of these, so the manager can go
//! from any number to its formula and the deals or activities behind it.

use leptos::prelude::*;

use crate::engine::metrics::definitions::definition;
use crate::ui::state::{MathAsk, use_app_state};

/// A figure as a button; `metric` is an id `explain` knows, `rep` a rep id or name (`None`: the team).
#[component]
pub fn Figure(
    #[prop(into)] text: String,
    #[prop(into)] metric: String,
    #[prop(default = None)] rep: Option<String>,
    #[prop(into)] label: String,
) -> impl IntoView {
    let state = use_app_state();
    let base = metric.split(':').next().unwrap_or_default().to_owned();
    let title = definition(&base).map_or_else(
        || format!("{label}: show the math"),
        |d| format!("{} — {} Click to show the math.", d.name, d.definition),
    );
    let ask = MathAsk { metric, rep, label };
    view! {
        <button
            type="button"
            class="figure"
            title=title
            on:click=move |_| state.drawer.set(Some(ask.clone()))
        >
            {text}
        </button>
    }
}
