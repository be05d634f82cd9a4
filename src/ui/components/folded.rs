//! A folded part of a page (`<details>`) whose content is built the first time it is opened, then kept.
//! A card's column mapping or its rejected rows can be hundreds of controls and rows nobody looks at; built
//! only when asked for, a large import's cards appear in one short frame instead of a long one. A part
//! with a `remember` key stays open when its card is drawn again (after a change made inside it).

use std::cell::RefCell;
use std::collections::HashSet;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    /// The `remember` keys of the folded parts the user has opened.
    static OPENED: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

#[component]
pub fn Folded(
    /// The always-visible line that opens it.
    summary: String,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] testid: &'static str,
    /// Keeps the part open across redraws once opened (e.g. `mapping:deals.csv`).
    #[prop(optional, into)]
    remember: Option<String>,
    children: ChildrenFn,
) -> impl IntoView {
    let was_open = remember
        .as_ref()
        .is_some_and(|key| OPENED.with(|o| o.borrow().contains(key)));
    let opened = RwSignal::new(was_open);
    let on_toggle = move |ev: leptos::ev::Event| {
        let open = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
            .is_some_and(|d| d.open());
        if let Some(key) = &remember {
            OPENED.with(|o| {
                let mut o = o.borrow_mut();
                if open {
                    o.insert(key.clone());
                } else {
                    o.remove(key);
                }
            });
        }
        if open && !opened.get_untracked() {
            opened.set(true);
        }
    };
    view! {
        <details class=class data-testid=testid open=was_open on:toggle=on_toggle>
            <summary>{summary}</summary>
            {move || opened.get().then(|| children())}
        </details>
    }
}
