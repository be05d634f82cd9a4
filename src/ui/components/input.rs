//! Reading what a form control holds, for the widgets' change handlers.

use wasm_bindgen::JsCast;

/// The value of the `<select>` or `<input>` an event came from.
pub fn event_value(event: &leptos::ev::Event) -> String {
    let Some(target) = event.target() else {
        return String::new();
    };
    if let Some(select) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
        return select.value();
    }
    target
        .dyn_ref::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}
