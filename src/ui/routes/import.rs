//! Import: drop or pick exports, watch them being read (with Cancel), and see a card per file with what
//! the engine found.

use leptos::prelude::*;

use crate::engine::numfmt::{bytes, thousands};
use crate::engine::protocol::Stage;
use crate::ui::actions::{download_demo, import_files, load_demo};
use crate::ui::components::drop_zone::DropZone;
use crate::ui::components::file_card::FileCard;
use crate::ui::components::model_panel::ModelPanel;
use crate::ui::state::use_app_state;

#[component]
pub fn ImportView() -> impl IntoView {
    let state = use_app_state();
    let on_files = move |files: Vec<gloo::file::File>| import_files(state, files);
    view! {
        <section class="view view-import" data-testid="view-import">
            <h1>"Import"</h1>
            <DropZone on_files=on_files />
            <div class="demo-offer" data-testid="demo-offer">
                <span>"No export at hand? "</span>
                <button
                    type="button"
                    data-testid="try-demo"
                    disabled=move || state.in_flight.with(Option::is_some)
                    on:click=move |_| load_demo(state)
                >
                    "Try demo data"
                </button>
                <span class="demo-downloads">
                    " or download the demo team as "
                    <button type="button" class="quiet small" data-testid="demo-salesforce" on:click=move |_| download_demo(state, crate::engine::demo::Style::Salesforce)>
                        "Salesforce CSVs"
                    </button>
                    " / "
                    <button type="button" class="quiet small" data-testid="demo-hubspot" on:click=move |_| download_demo(state, crate::engine::demo::Style::Hubspot)>
                        "HubSpot CSVs"
                    </button>
                    " to try the import path."
                </span>
            </div>
            <ImportProgress />
            <ul class="errors" data-testid="import-errors" role="alert">
                {move || state.errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
            </ul>
            <div class="cards">
                <For
                    each=move || state.files.get()
                    key=|card| (
                        card.file_id,
                        card.report.kind.clone(),
                        card.report.rows_accepted,
                        card.report.warnings.join("\n"),
                        card.report.mapping.iter().map(|m| format!("{}={}", m.field, m.column)).collect::<Vec<_>>().join("|"),
                        card.report.assumptions.iter().map(|a| a.choice.clone()).collect::<Vec<_>>().join("|"),
                    )
                    children=|card| view! { <FileCard card=card /> }
                />
            </div>
            <ModelPanel />
        </section>
    }
}

/// The progress bar of the import in flight, with Cancel.
#[component]
fn ImportProgress() -> impl IntoView {
    let state = use_app_state();
    move || {
        state.in_flight.get().map(|flight| {
            let progress = flight.progress;
            let (done, total) = progress.map_or((0, 0), |p| (p.done, p.total));
            let stage = progress.map_or(Stage::Reading, |p| p.stage);
            let amount = match progress {
                None => String::new(),
                Some(p) if matches!(p.stage, Stage::Reading | Stage::Parsing) => format!(
                    " — {} of {}{}",
                    bytes(p.done),
                    bytes(p.total),
                    if p.rows > 0 {
                        format!(" · {} rows", thousands(p.rows))
                    } else {
                        String::new()
                    }
                ),
                Some(p) => format!(" — step {} of {}", p.done, p.total),
            };
            let label = if stage == Stage::Building {
                format!("{}{amount}", stage.words())
            } else {
                format!(
                    "{} {} ({} of {}){amount}",
                    stage.words(),
                    flight.file_name,
                    flight.file_index,
                    flight.file_count,
                )
            };
            let cancel = move |_| {
                state.cancel_requested.set(true);
                if let Some(id) = flight.request_id {
                    state.door().cancel(id);
                }
            };
            view! {
                <div class="import-progress" data-testid="import-progress">
                    <label>
                        {label}
                        <progress max=total.max(1).to_string() value=done.to_string()></progress>
                    </label>
                    <button type="button" on:click=cancel>"Cancel"</button>
                </div>
            }
        })
    }
}
