//! What the user does to the data, as functions the views and widgets call: import files (picked,
//! dropped, made in the app, the demo team), remove one, change how files are read, forget everything.
//! Each talks to the engine through the door and puts its answer in the shared state; none is a view, so
//! any view or widget can offer it without importing another view.

use leptos::prelude::*;

use crate::engine::ingest::ImportOptions;
use crate::engine::model::ModelSettings;
use crate::engine::protocol::{
    Ask, CheckFile, DemoFiles, Forget, ImportFile, Imported, LoadDemo, Overview, Progress,
    RemoveFile, Rows, SetSettings, Summary,
};
use crate::ui::door::DoorError;
use crate::ui::state::{AppState, ImportInFlight, ImportedCard, mark_ready};

/// Rows shown on each card before the user asks for more.
const PREVIEW_ROWS: u64 = 5;

/// A file to import: picked or dropped by the user (a handle the worker reads), or text made in the app
/// (quotas typed in).
enum Source {
    Picked(gloo::file::File),
    Made { name: String, text: String },
}

impl Source {
    fn name(&self) -> String {
        match self {
            Source::Picked(file) => file.name(),
            Source::Made { name, .. } => name.clone(),
        }
    }
}

/// Checks, reads and imports each file in turn, adding its card; stops at Cancel.
pub fn import_files(state: AppState, files: Vec<gloo::file::File>) {
    if state.demo.get_untracked() {
        // The user's own files replace the demo team rather than mixing with it.
        forget_all(state);
    }
    import_sources(state, files.into_iter().map(Source::Picked).collect(), None);
}

/// Loads the built-in demo team (as of the URL's `asof`, else today) through the same door as a user's
/// files, so everything the demo shows is what the import of those files gives.
/// The engine makes the team and imports its files (in its worker), exactly as an import of those files.
pub fn load_demo(state: AppState) {
    let as_of = crate::ui::filters::as_of_in_location().unwrap_or_else(today);
    forget_all(state);
    state.demo.set(true);
    state.cancel_requested.set(false);
    let door = state.door();
    let id = door.next_id();
    state.in_flight.set(Some(ImportInFlight {
        file_name: "the demo team".to_owned(),
        file_index: 1,
        file_count: 1,
        request_id: Some(id),
        progress: None,
    }));
    leptos::task::spawn_local(async move {
        let request = LoadDemo {
            as_of,
            seed: crate::engine::demo::DEFAULT_SEED,
        };
        let result = match door.ask_as(id, request, None, show_progress(state)).await {
            Ok(loaded) => add_cards(state, loaded.files).await,
            Err(error) => Err(error),
        };
        if let Err(error) = result {
            report(state, &error);
        }
        finish_import(state).await;
    });
}

/// Saves the demo team's export files, as that CRM writes them (the engine writes them), to the user's
/// downloads.
pub fn download_demo(state: AppState, style: crate::engine::demo::Style) {
    let as_of = crate::ui::filters::as_of_in_location().unwrap_or_else(today);
    let door = state.door();
    leptos::task::spawn_local(async move {
        let request = DemoFiles {
            as_of,
            seed: crate::engine::demo::DEFAULT_SEED,
            style,
        };
        match door.ask(request).await {
            Ok(set) => {
                for file in set.files {
                    crate::ui::components::download::download_text(
                        &file.name, "text/csv", &file.text,
                    );
                }
            }
            Err(error) => {
                report(state, &error);
            }
        }
    });
}

/// Puts a failed request's sentence on the Import view. A cancel is the user's own doing, and an engine that
/// stopped is said once, by the banner that offers to start it again.
pub fn report(state: AppState, error: &DoorError) {
    if error.is_cancelled() || matches!(error, DoorError::Down(_)) {
        return;
    }
    let _ = state.errors.try_update(|e| e.push(error.to_string()));
}

/// Shows a request's progress in the import bar.
fn show_progress(state: AppState) -> impl Fn(Progress) + 'static {
    move |progress| {
        let _ = state.in_flight.try_update(|f| {
            if let Some(f) = f {
                f.progress = Some(progress);
            }
        });
    }
}

/// A card for each file the engine kept, with its first rows.
async fn add_cards(state: AppState, files: Vec<Imported>) -> Result<(), DoorError> {
    for imported in files {
        let (file_id, report) = (imported.file_id, imported.report);
        let preview = state
            .door()
            .ask(Rows {
                file_id,
                offset: 0,
                limit: PREVIEW_ROWS,
            })
            .await?
            .page
            .items;
        let _ = state.files.try_update(|cards| {
            cards.push(ImportedCard {
                file_id,
                report: *report,
                preview,
            })
        });
    }
    Ok(())
}

/// Drops one file from the session; its card goes and every number is computed again without it.
pub fn remove_file(state: AppState, file_id: crate::engine::ingest::FileId) {
    leptos::task::spawn_local(async move {
        let request = RemoveFile { file_id };
        if let Err(error) = show_summary(state, request, |card| card.file_id != file_id).await {
            report(state, &error);
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
    let file = Source::Made {
        name: name.to_owned(),
        text,
    };
    leptos::task::spawn_local(async move {
        for file_id in earlier {
            if let Err(error) = state.door().ask(RemoveFile { file_id }).await {
                report(state, &error);
            }
            let _ = state
                .files
                .try_update(|cards| cards.retain(|c| c.file_id != file_id));
        }
        import_sources(state, vec![file], None);
    });
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
    let door = state.door();
    leptos::task::spawn_local(async move {
        if let Err(error) = door.ask(Forget {}).await {
            report(state, &error);
        }
    });
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
                Err(error) if error.is_cancelled() => break,
                Err(error) => {
                    report(state, &error);
                }
            }
        }
        finish_import(state).await;
    });
}

/// After files are read: the model is built once for all of them, with its own progress and Cancel.
async fn finish_import(state: AppState) {
    if let Err(error) = build_model(state).await {
        report(state, &error);
    }
    let _ = state.in_flight.try_set(None);
    // On Import the cards are what is shown; any other view marks once it has drawn the new numbers,
    // which the engine computes after this build.
    let has_deals = state.model.with_untracked(|m| m.deals.total > 0);
    if !has_deals || crate::ui::route::view_in_location() == crate::ui::route::View::Import {
        mark_ready();
    }
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
    // A picked file travels to the engine as its handle: the worker reads it, the page never holds it.
    let (bytes, handle, taken_on) = match source {
        Source::Picked(file) => {
            // Refuse a file that is too big before anything reads it.
            door.ask(CheckFile {
                name: name.clone(),
                size_bytes: file.size(),
            })
            .await?;
            // The day the export was saved: what tells two exports of the same deals apart.
            let modified = file
                .last_modified_time()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| date_of_millis(d.as_millis() as f64));
            let handle: &web_sys::File = file.as_ref();
            (Vec::new(), Some(handle.clone()), taken_on.or(modified))
        }
        Source::Made { text, .. } => (text.into_bytes(), None, taken_on),
    };
    let id = door.next_id();
    let _ = state.in_flight.try_update(|f| {
        if let Some(f) = f {
            f.request_id = Some(id);
        }
    });
    let request = ImportFile {
        name: name.clone(),
        bytes,
        options: ImportOptions {
            taken_on,
            ..ImportOptions::default()
        },
    };
    let imported = door
        .ask_as(id, request, handle, show_progress(state))
        .await?;
    add_cards(state, vec![imported]).await
}

/// Asks for the summary, which builds the model from every file, showing the build's progress.
async fn build_model(state: AppState) -> Result<(), DoorError> {
    let door = state.door();
    let id = door.next_id();
    let _ = state.in_flight.try_update(|f| {
        if let Some(f) = f {
            f.request_id = Some(id);
            f.progress = None;
        }
    });
    let Overview { files, model } = door
        .ask_as(id, Summary {}, None, show_progress(state))
        .await?;
    let _ = state.files.try_update(|cards| {
        for (card, report) in cards.iter_mut().zip(files) {
            card.report = report;
        }
    });
    // The cards and the model's panels (roster, stages, header) are drawn in two frames, not one long one.
    next_frame().await;
    let _ = state.model.try_set(*model);
    Ok(())
}

/// Resolves after the browser has drawn the next frame.
async fn next_frame() {
    let (drawn, wait) = futures_channel::oneshot::channel::<()>();
    let mut drawn = Some(drawn);
    request_animation_frame(move || {
        if let Some(drawn) = drawn.take() {
            let _ = drawn.send(());
        }
    });
    let _ = wait.await;
    gloo::timers::future::TimeoutFuture::new(0).await;
}

/// Changes how the files are read (kind, mapping, assumptions, stages, exclusions, time zone), sends it to
/// the engine, and refreshes every card and the model from its answer.
pub fn set_model_settings(state: AppState, update: impl FnOnce(&mut ModelSettings)) {
    state.model_settings.update(update);
    let settings = state.model_settings.get_untracked();
    leptos::task::spawn_local(async move {
        let request = SetSettings {
            settings: Box::new(settings),
        };
        if let Err(error) = show_summary(state, request, |_| true).await {
            report(state, &error);
        }
        mark_ready();
    });
}

/// Sends a request the engine answers with the summary (every file's report and the model) and shows it:
/// the cards `keep` keeps, in order, each with its new report.
async fn show_summary<A: Ask<Answer = Overview>>(
    state: AppState,
    request: A,
    keep: impl Fn(&ImportedCard) -> bool,
) -> Result<(), DoorError> {
    let Overview { files, model } = state.door().ask(request).await?;
    let _ = state.files.try_update(|cards| {
        cards.retain(|card| keep(card));
        for (card, report) in cards.iter_mut().zip(files) {
            card.report = report;
        }
    });
    let _ = state.model.try_set(*model);
    Ok(())
}
