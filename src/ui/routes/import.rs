//! Import: drop or pick exports, watch them being read (with Cancel), and see a card per file with what
//! the engine found.

use leptos::prelude::*;

use crate::engine::EngineError;
use crate::engine::ingest::ImportOptions;
use crate::engine::numfmt::{bytes, thousands};
use crate::engine::protocol::{Answer, Request};
use crate::ui::components::drop_zone::DropZone;
use crate::ui::components::file_card::FileCard;
use crate::ui::door::DoorError;
use crate::ui::state::{AppState, ImportInFlight, ImportedCard, mark_ready, use_app_state};

/// Rows shown on each card before the user asks for more.
const PREVIEW_ROWS: u64 = 5;

#[component]
pub fn ImportView() -> impl IntoView {
    let state = use_app_state();
    let on_files = move |files: Vec<gloo::file::File>| import_files(state, files);
    view! {
        <section class="view" data-testid="view-import">
            <h1>"Import"</h1>
            <DropZone on_files=on_files />
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
                        card.report.mapping.len(),
                    )
                    children=|card| view! { <FileCard card=card /> }
                />
            </div>
        </section>
    }
}

/// The progress bar of the import in flight, with Cancel.
#[component]
fn ImportProgress() -> impl IntoView {
    let state = use_app_state();
    move || {
        state.in_flight.get().map(|flight| {
            let (done, total, rows) = flight
                .progress
                .map_or((0, 0, 0), |p| (p.done_bytes, p.total_bytes, p.rows));
            let label = format!(
                "Reading {} ({} of {}) — {} of {} · {} rows",
                flight.file_name,
                flight.file_index,
                flight.file_count,
                bytes(done),
                bytes(total),
                thousands(rows)
            );
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

/// Checks, reads and imports each file in turn, adding its card; stops at Cancel.
fn import_files(state: AppState, files: Vec<gloo::file::File>) {
    if files.is_empty() {
        return;
    }
    state.cancel_requested.set(false);
    state.errors.set(Vec::new());
    leptos::task::spawn_local(async move {
        let count = files.len();
        for (index, file) in files.into_iter().enumerate() {
            if state.cancel_requested.get_untracked() {
                break;
            }
            match import_one(state, &file, index, count).await {
                Ok(()) => {}
                Err(DoorError::Engine(EngineError::Cancelled { .. })) => break,
                Err(error) => {
                    let _ = state.errors.try_update(|e| e.push(error.to_string()));
                }
            }
        }
        let _ = state.in_flight.try_set(None);
        mark_ready();
    });
}

async fn import_one(
    state: AppState,
    file: &gloo::file::File,
    index: usize,
    count: usize,
) -> Result<(), DoorError> {
    let name = file.name();
    let door = state.door();
    let _ = state.in_flight.try_set(Some(ImportInFlight {
        file_name: name.clone(),
        file_index: index + 1,
        file_count: count,
        request_id: None,
        progress: None,
    }));
    // Refuse a file that is too big before its bytes fill the tab's memory.
    door.request(Request::CheckFile {
        name: name.clone(),
        size_bytes: file.size(),
    })
    .await?;
    let bytes = gloo::file::futures::read_as_bytes(file)
        .await
        .map_err(|error| {
            DoorError::Wire(format!("the browser could not read '{name}': {error}"))
        })?;
    let id = door.next_id();
    let _ = state.in_flight.try_update(|f| {
        if let Some(f) = f {
            f.request_id = Some(id);
        }
    });
    let on_progress = move |progress| {
        let _ = state.in_flight.try_update(|f| {
            if let Some(f) = f {
                f.progress = Some(progress);
            }
        });
    };
    let request = Request::ImportFile {
        name: name.clone(),
        bytes,
        options: ImportOptions::default(),
    };
    let Answer::Imported { file_id, report } = door.call(id, request, on_progress).await? else {
        return Err(DoorError::Wire(format!(
            "'{name}': the engine gave an unexpected answer"
        )));
    };
    let preview = match door
        .request(Request::Rows {
            file_id,
            offset: 0,
            limit: PREVIEW_ROWS,
        })
        .await?
    {
        Answer::Rows { page } => page.items,
        _ => Vec::new(),
    };
    let _ = state.files.try_update(|cards| {
        cards.push(ImportedCard {
            file_id,
            report: *report,
            preview,
        })
    });
    refresh_summary(state).await
}

/// Every card's report and the model summary, after a change: a new file can change what the others mean
/// (history joined to deals, owners named through a users file).
pub async fn refresh_summary(state: AppState) -> Result<(), DoorError> {
    if let Answer::Summary { files, model } = state.door().request(Request::Summary).await? {
        let _ = state.files.try_update(|cards| {
            for (card, report) in cards.iter_mut().zip(files) {
                card.report = report;
            }
        });
        let _ = state.model.try_set(*model);
    }
    Ok(())
}
