//! The drop zone and file picker: takes any number of files and hands them to the import flow.

use leptos::prelude::*;
use web_sys::{DragEvent, HtmlInputElement};

/// A drop target with a keyboard-reachable "Choose files" picker. `on_files` receives what was dropped
/// or picked, in order.
#[component]
pub fn DropZone(on_files: impl Fn(Vec<gloo::file::File>) + Copy + 'static) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(list) = ev.data_transfer().and_then(|dt| dt.files()) {
            on_files(files_of(list));
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        if let Some(list) = input.files() {
            on_files(files_of(list));
        }
        // Choosing the same file again must import it again.
        input.set_value("");
    };
    view! {
        <div
            class="drop-zone"
            class:dragging=move || dragging.get()
            data-testid="drop-zone"
            on:dragover=move |ev: DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <p class="drop-title">"Drop your CRM exports here"</p>
            <p class="drop-hint">"CSV or tab-separated files from Salesforce, HubSpot, Pipedrive, Zoho, Dynamics, Close or any other tool. Several at once is fine."</p>
            <label class="button">
                "Choose files"
                <input class="visually-hidden" type="file" multiple data-testid="file-input" on:change=on_change />
            </label>
            <p class="privacy-note">"Files are read inside this browser tab. Nothing is uploaded anywhere."</p>
        </div>
    }
}

fn files_of(list: web_sys::FileList) -> Vec<gloo::file::File> {
    gloo::file::FileList::from(list).iter().cloned().collect()
}
