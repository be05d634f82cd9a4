//! # pipelens
//!
//! Private sales-coaching analytics: a sales manager drops CRM exports into a static web page and gets every
//! rep's metrics, computed in Rust compiled to WebAssembly inside their own browser. No data leaves the
//! machine. The same engine ships as a native CLI (`pipelens`).
//!
//! ## Architecture
//!
//! The layout follows the data, one way:
//!
//! ```text
//!  bytes ─► engine::ingest ─► model ─► metrics / forecast ─► protocol answers ─► ui (leptos) / CLI
//!           decode, dialect,   canonical   per-rep figures      Request / Reply     views, cards, charts
//!           records, report    sales model  with definitions    envelopes
//! ```
//!
//! - [`engine`] — pure Rust, compiled and tested natively. No leptos, web-sys, js-sys or gloo, and chrono
//!   without its `clock` feature: the engine cannot read the wall clock, so every computation takes its
//!   as-of date as an input and results are reproducible. `cargo test --no-default-features` builds it
//!   without any UI crate (the test command checks this with `cargo tree`).
//!   - [`engine::ingest`] — the low side: bytes → decoded text → records, with a report of every assumption.
//!   - [`engine::protocol`] — the message door: [`engine::protocol::Request`] and
//!     [`engine::protocol::Reply`] in versioned [`engine::protocol::Envelope`]s with request ids; long
//!     answers stream progress events and end with one answer; long lists come back in pages.
//!   - [`engine::session`] — the engine end of the door: holds what was imported and does long work in
//!     slices, so the caller can deliver progress and cancellations between slices.
//! - `ui` (feature `app`, on by default) — the leptos 0.8 CSR shell: signals, DOM and browser APIs over the
//!   engine and nothing the engine could compute. It talks to the engine only through `ui::door`, with
//!   `async` calls. The session runs on the main thread today, yielding to the browser between slices;
//!   moving it into a Web Worker changes the door and no view. The view and its filters live in the query
//!   string (`./?view=people&rep=…`), so any static host serves every URL.
//! - Binaries: `pipelens` (`src/bin/pipelens.rs`, the CLI, engine only) and `pipelens-web`
//!   (`src/bin/pipelens-web.rs`, the app; Trunk builds it, `boot.js` starts it under a strict CSP).
//!
//! ## Tests
//!
//! `tests/engine.rs` and `tests/cli.rs` run natively; `tests/web.rs` runs in headless Chromium
//! (`cargo test --target wasm32-unknown-unknown --test web`); `tests/e2e/` drives the release build in
//! Chromium with playwright-core and fails on any request that is not a GET of the app's own files.

pub mod engine;
#[cfg(feature = "app")]
pub mod ui;
