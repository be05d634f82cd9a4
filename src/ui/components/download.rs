//! Saving what the user exports (CSV, JSON, PNG, the demo's files) as a download made in the page: a blob
//! or data URL clicked through a temporary link, so nothing is sent anywhere.

use wasm_bindgen::JsCast;

/// Offers `bytes` as a file named `name`.
pub fn download_bytes(name: &str, mime: &str, bytes: &[u8]) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    click_link(&document, &url, name);
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Offers text as a file (UTF-8; CSV gets a byte-order mark so spreadsheets read accents right).
pub fn download_text(name: &str, mime: &str, text: &str) {
    if mime == "text/csv" {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(text.as_bytes());
        download_bytes(name, mime, &bytes);
    } else {
        download_bytes(name, mime, text.as_bytes());
    }
}

/// Offers a canvas as a PNG.
pub fn download_canvas(name: &str, canvas: &web_sys::HtmlCanvasElement) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(url) = canvas.to_data_url_with_type("image/png") {
        click_link(&document, &url, name);
    }
}

fn click_link(document: &web_sys::Document, url: &str, name: &str) {
    let Ok(element) = document.create_element("a") else {
        return;
    };
    let Ok(link) = element.dyn_into::<web_sys::HtmlAnchorElement>() else {
        return;
    };
    link.set_href(url);
    link.set_download(name);
    link.set_attribute("hidden", "").ok();
    if let Some(body) = document.body() {
        let _ = body.append_child(&link);
        link.click();
        let _ = body.remove_child(&link);
    }
}
