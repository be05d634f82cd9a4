//! The state every view shares: the door to the engine, the files imported so far, and the import in
//! progress. Owned by the app at the top, so async work never writes into a disposed component.

use leptos::prelude::*;

use crate::engine::ingest::FileId;
use crate::engine::ingest::report::FileReport;
use crate::engine::metrics::MetricSettings;
use crate::engine::model::ModelSettings;
use crate::engine::model::summary::ModelSummary;
use crate::engine::protocol::Progress;
use crate::engine::protocol::RequestId;
use crate::ui::door::Door;

/// An import the user can watch and cancel.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportInFlight {
    pub file_name: String,
    /// 1-based position of this file among those dropped together.
    pub file_index: usize,
    pub file_count: usize,
    pub request_id: Option<RequestId>,
    pub progress: Option<Progress>,
}

/// One imported file as its card shows it: the engine's report and the first accepted rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCard {
    pub file_id: FileId,
    pub report: FileReport,
    pub preview: Vec<Vec<String>>,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub door: StoredValue<Door, LocalStorage>,
    pub files: RwSignal<Vec<ImportedCard>>,
    pub in_flight: RwSignal<Option<ImportInFlight>>,
    /// Plain sentences about files that could not be read.
    pub errors: RwSignal<Vec<String>>,
    /// Set when the user cancels; the import loop stops before the next file.
    pub cancel_requested: RwSignal<bool>,
    /// The model built from every file: counts, roster, stages, review list.
    pub model: RwSignal<ModelSummary>,
    /// How files are read (mapping, kinds, assumptions, stages, roster): sent with SetSettings.
    pub model_settings: RwSignal<ModelSettings>,
    /// What changes the numbers and is not in the URL: money, calendar, definitions.
    pub settings: RwSignal<MetricSettings>,
    /// The data is the built-in demo team.
    pub demo: RwSignal<bool>,
    /// The number whose math the drawer shows.
    pub drawer: RwSignal<Option<MathAsk>>,
    /// `Some(true)` dark, `Some(false)` light, `None` as the system says.
    pub dark: RwSignal<Option<bool>>,
    /// Why the engine's worker stopped, while it is down.
    pub engine_down: RwSignal<Option<String>>,
}

/// A request to show the math behind one number.
#[derive(Debug, Clone, PartialEq)]
pub struct MathAsk {
    /// An id `explain` knows (`win_rate`, `stage_conversion:Proposal` …).
    pub metric: String,
    /// A rep's id or name; `None` for the team.
    pub rep: Option<String>,
    /// What was clicked, for the drawer's title ("Win rate · Dana Reyes").
    pub label: String,
}

impl AppState {
    /// The app's state, with the engine in its Web Worker.
    pub fn new() -> Self {
        AppState::with_door(Door::worker())
    }

    /// The state around a given door (browser tests pass a local one).
    pub fn with_door(door: Door) -> Self {
        let engine_down = RwSignal::new(None);
        door.on_down(move |why| {
            let _ = engine_down.try_set(Some(why));
        });
        AppState {
            door: StoredValue::new_local(door),
            files: RwSignal::new(Vec::new()),
            in_flight: RwSignal::new(None),
            errors: RwSignal::new(Vec::new()),
            cancel_requested: RwSignal::new(false),
            model: RwSignal::new(ModelSummary::default()),
            model_settings: RwSignal::new(ModelSettings::default()),
            settings: RwSignal::new(MetricSettings::default()),
            demo: RwSignal::new(false),
            drawer: RwSignal::new(None),
            dark: RwSignal::new(None),
            engine_down,
        }
    }

    pub fn door(&self) -> Door {
        self.door.get_value()
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// The shared state, provided by the app.
pub fn use_app_state() -> AppState {
    expect_context::<AppState>()
}

/// Records `performance.mark('pipelens:ready')` once the current view has drawn what the engine returned
/// (outside harnesses time imports with it). Called after the DOM update, on the next animation frame.
pub fn mark_ready() {
    request_animation_frame(|| {
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark("pipelens:ready");
        }
    });
}
