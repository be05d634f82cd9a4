//! Import: drop or pick exports, watch them being read (with Cancel), and see a card per file with what
//! the engine found.

use leptos::prelude::*;

use crate::engine::EngineError;
use crate::engine::ingest::ImportOptions;
use crate::engine::model::ModelSettings;
use crate::engine::numfmt::{bytes, thousands};
use crate::engine::protocol::{Answer, Request};
use crate::ui::components::drop_zone::DropZone;
use crate::ui::components::file_card::FileCard;
use crate::ui::components::model_panel::ModelPanel;
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
                    <button type="button" class="quiet small" data-testid="demo-salesforce" on:click=move |_| download_demo(crate::engine::demo::Style::Salesforce)>
                        "Salesforce CSVs"
                    </button>
                    " / "
                    <button type="button" class="quiet small" data-testid="demo-hubspot" on:click=move |_| download_demo(crate::engine::demo::Style::Hubspot)>
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

/// A file to import: its name, how to get its bytes, and the day its export was taken.
enum Source {
    Picked(gloo::file::File),
    /// Bytes made in the app: the demo team's files, quotas typed in.
    Made(crate::engine::demo::DemoFile),
}

impl Source {
    fn name(&self) -> String {
        match self {
            Source::Picked(file) => file.name(),
            Source::Made(file) => file.name.clone(),
        }
    }
}

/// Checks, reads and imports each file in turn, adding its card; stops at Cancel.
fn import_files(state: AppState, files: Vec<gloo::file::File>) {
    if state.demo.get_untracked() {
        // The user's own files replace the demo team rather than mixing with it.
        forget_all(state);
    }
    import_sources(state, files.into_iter().map(Source::Picked).collect(), None);
}

/// Loads the built-in demo team (as of the URL's `asof`, else today) through the same door as a user's
/// files, so everything the demo shows is what the import of those files gives.
pub fn load_demo(state: AppState) {
    let as_of = crate::ui::filters::as_of_in_location().unwrap_or_else(today);
    forget_all(state);
    let demo = crate::engine::demo::generate(as_of, crate::engine::demo::DEFAULT_SEED);
    state.demo.set(true);
    let files = demo.files.into_iter().map(Source::Made).collect();
    import_sources(state, files, Some(as_of));
}

/// Saves the demo team's export files, as that CRM writes them, to the user's downloads.
fn download_demo(style: crate::engine::demo::Style) {
    let as_of = crate::ui::filters::as_of_in_location().unwrap_or_else(today);
    let demo = crate::engine::demo::generate(as_of, crate::engine::demo::DEFAULT_SEED);
    for file in demo.files_in(style) {
        crate::ui::components::download::download_bytes(&file.name, "text/csv", &file.bytes);
    }
}

/// Drops one file from the session; its card goes and every number is computed again without it.
pub fn remove_file(state: AppState, file_id: crate::engine::ingest::FileId) {
    leptos::task::spawn_local(async move {
        let request = Request::RemoveFile { file_id };
        if let Err(error) = show_summary(state, request, |card| card.file_id != file_id).await {
            let _ = state.errors.try_update(|e| e.push(error.to_string()));
        }
        mark_ready();
    });
}

/// Imports text made in the app (quotas typed in) as a file named `name`, replacing an earlier file of
/// that name, through the same door as any export.
pub fn import_made(state: AppState, name: &str, text: String) {
    let earlier: Vec<_> = state.files.with_untracked(|cards| {
        cards
            .iter()
            .filter(|c| c.report.file == name)
            .map(|c| c.file_id)
            .collect()
    });
    for file_id in earlier {
        state.door().remove_now(file_id);
        state
            .files
            .update(|cards| cards.retain(|c| c.file_id != file_id));
    }
    let file = crate::engine::demo::DemoFile {
        name: name.to_owned(),
        bytes: text.into_bytes(),
    };
    import_sources(state, vec![Source::Made(file)], None);
}

/// Today in the browser's time zone: the demo's as-of date, never an input to a metric by itself.
pub fn today() -> chrono::NaiveDate {
    date_of_millis(js_sys::Date::now())
}

/// The local calendar day of a JavaScript time value.
fn date_of_millis(millis: f64) -> chrono::NaiveDate {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis));
    chrono::NaiveDate::from_ymd_opt(
        date.get_full_year() as i32,
        date.get_month() + 1,
        date.get_date(),
    )
    .unwrap_or_default()
}

/// Drops what the session holds, here and in the engine.
pub fn forget_all(state: AppState) {
    state.files.set(Vec::new());
    state.model.set(Default::default());
    state.errors.set(Vec::new());
    state.demo.set(false);
    state.model_settings.set(ModelSettings::default());
    state.settings.set(Default::default());
    state.door().forget();
}

fn import_sources(state: AppState, files: Vec<Source>, taken_on: Option<chrono::NaiveDate>) {
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
            match import_one(state, file, taken_on, index, count).await {
                Ok(()) => {}
                Err(DoorError::Engine(EngineError::Cancelled { .. })) => break,
                Err(error) => {
                    let _ = state.errors.try_update(|e| e.push(error.to_string()));
                }
            }
        }
        let _ = refresh_summary(state)
            .await
            .map_err(|error| state.errors.try_update(|e| e.push(error.to_string())));
        let _ = state.in_flight.try_set(None);
        mark_ready();
    });
}

async fn import_one(
    state: AppState,
    source: Source,
    taken_on: Option<chrono::NaiveDate>,
    index: usize,
    count: usize,
) -> Result<(), DoorError> {
    let name = source.name();
    let door = state.door();
    let _ = state.in_flight.try_set(Some(ImportInFlight {
        file_name: name.clone(),
        file_index: index + 1,
        file_count: count,
        request_id: None,
        progress: None,
    }));
    let (bytes, taken_on) = match source {
        Source::Picked(file) => {
            // Refuse a file that is too big before its bytes fill the tab's memory.
            door.request(Request::CheckFile {
                name: name.clone(),
                size_bytes: file.size(),
            })
            .await?;
            let bytes = gloo::file::futures::read_as_bytes(&file)
                .await
                .map_err(|error| {
                    DoorError::Wire(format!("the browser could not read '{name}': {error}"))
                })?;
            // The day the export was saved: what tells two exports of the same deals apart.
            let modified = file
                .last_modified_time()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| date_of_millis(d.as_millis() as f64));
            (bytes, taken_on.or(modified))
        }
        Source::Made(file) => (file.bytes, taken_on),
    };
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
        options: ImportOptions {
            taken_on,
            ..ImportOptions::default()
        },
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
    Ok(())
}

/// Changes how the files are read (kind, mapping, assumptions, stages, exclusions, time zone), sends it to
/// the engine, and refreshes every card and the model from its answer.
pub fn set_model_settings(state: AppState, update: impl FnOnce(&mut ModelSettings)) {
    state.model_settings.update(update);
    let settings = state.model_settings.get_untracked();
    leptos::task::spawn_local(async move {
        let request = Request::SetSettings {
            settings: Box::new(settings),
        };
        if let Err(error) = show_summary(state, request, |_| true).await {
            let _ = state.errors.try_update(|e| e.push(error.to_string()));
        }
        mark_ready();
    });
}

/// Every card's report and the model summary, after a change: a new file can change what the others mean
/// (history joined to deals, owners named through a users file).
pub async fn refresh_summary(state: AppState) -> Result<(), DoorError> {
    show_summary(state, Request::Summary, |_| true).await
}

/// Sends a request the engine answers with the summary (every file's report and the model) and shows it:
/// the cards `keep` keeps, in order, each with its new report.
async fn show_summary(
    state: AppState,
    request: Request,
    keep: impl Fn(&ImportedCard) -> bool,
) -> Result<(), DoorError> {
    if let Answer::Summary { files, model } = state.door().request(request).await? {
        let _ = state.files.try_update(|cards| {
            cards.retain(|card| keep(card));
            for (card, report) in cards.iter_mut().zip(files) {
                card.report = report;
            }
        });
        let _ = state.model.try_set(*model);
    }
    Ok(())
}
