//! Browser tests (wasm-bindgen-test in headless Chromium): the door and the frame, as they run in a page.
//! Run with `cargo test --target wasm32-unknown-unknown --test web`.
#![cfg(target_arch = "wasm32")]

use pipelens::engine::EngineError;
use pipelens::engine::ingest::ImportOptions;
use pipelens::engine::protocol::{Answer, Envelope, Forgotten, ImportFile, Reply, Rows};
use pipelens::ui::door::{Door, DoorError};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CSV: &str = "Owner,Amount,Stage\nDana,100,Won\nSam,50,Lost\n";

#[wasm_bindgen_test]
async fn the_door_imports_bytes_and_pages_the_rows() {
    let door = Door::local();
    let imported = door
        .ask(ImportFile {
            name: "deals.csv".into(),
            bytes: CSV.as_bytes().to_vec(),
            options: ImportOptions::default(),
        })
        .await
        .unwrap();
    let (file_id, report) = (imported.file_id, imported.report);
    assert_eq!(report.rows_accepted, 2);
    assert_eq!(report.header, ["Owner", "Amount", "Stage"]);
    let page = door
        .ask(Rows {
            file_id,
            offset: 1,
            limit: 5,
        })
        .await
        .unwrap()
        .page;
    assert_eq!((page.offset, page.total), (1, 2));
    assert_eq!(page.items, vec![vec!["Sam", "50", "Lost"]]);
}

#[wasm_bindgen_test]
async fn a_cancelled_import_ends_with_cancelled() {
    let door = Door::local();
    let mut text = String::from("a,b\n");
    for i in 0..2_000_000 {
        text.push_str(&format!("{i},{i}\n"));
    }
    let id = door.next_id();
    let canceller = door.clone();
    let result = door
        .ask_as(
            id,
            ImportFile {
                name: "big.csv".into(),
                bytes: text.into_bytes(),
                options: ImportOptions::default(),
            },
            None,
            move |_| canceller.cancel(id),
        )
        .await
        .map(|_| ());
    assert_eq!(
        result,
        Err(DoorError::Engine(EngineError::Cancelled { request_id: id }))
    );
}

/// Replies as the worker posts them: through the wire's bytes and back.
#[wasm_bindgen_test]
fn replies_survive_the_wire() {
    let replies = [
        Envelope::new(
            1,
            Reply::Answer {
                answer: Answer::Forgotten(Forgotten {}),
            },
        ),
        Envelope::new(
            2,
            Reply::from_result(Err(EngineError::EmptyFile {
                file: "x.csv".into(),
            })),
        ),
    ];
    for reply in replies {
        let bytes = pipelens::engine::protocol::wire::encode(&reply);
        let back: Envelope<Reply> = pipelens::engine::protocol::wire::decode(&bytes).unwrap();
        assert_eq!(back, reply);
    }
}

fn mount_app() -> (web_sys::Element, impl Sized) {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone(), || {
        leptos::view! { <pipelens::ui::app::AppOn door=Door::local() /> }
    });
    (root.unchecked_into(), handle)
}

#[wasm_bindgen_test]
async fn the_frame_has_header_nav_and_main_and_nav_switches_views() {
    let (root, _handle) = mount_app();
    leptos::task::tick().await;
    assert!(root.query_selector("header").unwrap().is_some());
    assert!(root.query_selector("main").unwrap().is_some());
    let links = root.query_selector_all("nav a").unwrap();
    let labels: Vec<String> = (0..links.length())
        .map(|i| links.item(i).unwrap().text_content().unwrap_or_default())
        .collect();
    assert_eq!(
        labels,
        [
            "Import",
            "People",
            "Planning",
            "Process",
            "Pipeline",
            "Performance",
            "Forecast"
        ]
    );

    let people: web_sys::HtmlElement = root
        .query_selector("[data-testid=nav-people]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert!(
        people
            .get_attribute("href")
            .unwrap()
            .contains("view=people")
    );
    people.click();
    leptos::task::tick().await;
    let location = web_sys::window().unwrap().location();
    assert!(location.search().unwrap().contains("view=people"));
    let main = root
        .query_selector("[data-testid=view-people]")
        .unwrap()
        .expect("People view shown");
    assert!(main.text_content().unwrap().contains("needs data"));
    assert_eq!(
        people.get_attribute("aria-current").as_deref(),
        Some("page")
    );
}

#[wasm_bindgen_test]
fn an_internal_error_shows_a_banner_instead_of_a_dead_page() {
    pipelens::ui::fatal::show_banner("pipelens stopped after an internal error: test");
    let document = web_sys::window().unwrap().document().unwrap();
    let banner = document.get_element_by_id("fatal").expect("banner shown");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    assert!(
        banner
            .text_content()
            .unwrap()
            .contains("internal error: test")
    );
}

#[wasm_bindgen_test]
fn a_default_scope_holds_until_the_header_picks_another_or_all() {
    use pipelens::engine::metrics::MetricSettings;
    use pipelens::engine::metrics::compute::DealType;
    use pipelens::ui::filters::{ALL, Filters, scope_param};
    let mut base = MetricSettings::default();
    base.scope.pipelines = vec!["Renewals".into()];
    base.scope.deal_types = vec![DealType::NewBusiness];
    let none = Filters::default();
    let applied = none.apply(&base);
    assert_eq!(applied.scope.pipelines, ["Renewals"]);
    assert_eq!(applied.scope.deal_types, [DealType::NewBusiness]);
    assert_eq!(
        (
            none.pipeline_shown(&base).as_str(),
            none.deal_type_shown(&base).as_str()
        ),
        ("Renewals", "new_business")
    );
    let other = Filters {
        pipeline: Some("Direct".into()),
        deal_type: Some(ALL.into()),
        ..Filters::default()
    };
    let applied = other.apply(&base);
    assert_eq!(applied.scope.pipelines, ["Direct"]);
    assert!(
        applied.scope.deal_types.is_empty(),
        "'all' lifts the default"
    );
    assert_eq!(other.deal_type_shown(&base), "");
    // "All" in the header is a parameter only when a default would narrow it.
    assert_eq!(scope_param("", true).as_deref(), Some(ALL));
    assert_eq!(scope_param("", false), None);
    assert_eq!(scope_param("Direct", true).as_deref(), Some("Direct"));
}
