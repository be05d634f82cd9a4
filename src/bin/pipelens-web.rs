//! `pipelens-web`: the browser app. Trunk builds it for wasm32; `boot.js` starts it.

#[cfg(target_arch = "wasm32")]
fn main() {
    pipelens::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("pipelens-web runs in a browser: build it with `trunk build` (see README.md)");
    std::process::exit(2);
}
