//! A panic in wasm stops the whole page. This hook makes that visible: a banner that says what happened
//! and what to do, instead of a page that silently stops answering.

use wasm_bindgen::JsCast;

/// Installs a panic hook that writes the panic message into a fixed banner (`data-testid="fatal"`).
pub fn install_panic_banner() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!(
            "pipelens stopped after an internal error: {info}. Your data has not left this page. Reload to start again."
        );
        web_sys::console::error_1(&message.clone().into());
        show_banner(&message);
    }));
}

/// Puts `message` in the fatal banner, creating it if needed. Best effort: a failing DOM call is ignored,
/// since this runs while the program is already stopping.
pub fn show_banner(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let banner = match document.get_element_by_id("fatal") {
        Some(existing) => existing,
        None => {
            let Ok(created) = document.create_element("div") else {
                return;
            };
            created.set_id("fatal");
            let _ = created.set_attribute("role", "alert");
            let _ = created.set_attribute("data-testid", "fatal");
            if let Some(body) = document.body() {
                let _ = body.prepend_with_node_1(&created);
            }
            created
        }
    };
    if let Some(element) = banner.dyn_ref::<web_sys::HtmlElement>() {
        element.set_inner_text(message);
    }
}
