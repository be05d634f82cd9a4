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
//!  bytes ─► engine::ingest ─► model ─► metrics ─► protocol / session ─► worker ─► ui (leptos)
//!           decode, dialect,   canonical   per-rep    typed requests,      Web Worker   views, cards, charts
//!           records, report    sales model figures    sliced jobs  ─► CLI
//! ```
//!
//! - [`engine`] — pure Rust, compiled and tested natively. No leptos, web-sys, js-sys or gloo, and chrono
//!   without its `clock` feature: the engine cannot read the wall clock, so every computation takes its
//!   as-of date as an input and results are reproducible. `cargo test --no-default-features` builds it
//!   without any UI crate (the test command checks this with `cargo tree`).
//!   - [`engine::ingest`] — the low side: bytes → decoded text → records, with a report of every assumption.
//!   - [`engine::protocol`] — the message door: typed request → answer pairs ([`engine::protocol::Ask`]),
//!     travelling as [`engine::protocol::Request`] and [`engine::protocol::Reply`] in versioned
//!     [`engine::protocol::Envelope`]s with request ids (as bytes, [`engine::protocol::wire`]); long
//!     answers stream progress events and end with one answer; long lists come back in pages.
//!   - [`engine::session`] — the engine end of the door: holds what was imported and does long work in
//!     slices, so the caller can deliver progress and cancellations between slices.
//!   - [`engine::model`] — the canonical sales model built from every file (reps, deals, stage history,
//!     activities, quotas, fiscal periods), with the stage table, credit, review list and the choices that
//!     change them ([`engine::model::ModelSettings`]).
//!   - [`engine::metrics`] — periods, money, per-rep metrics with definitions, process, pipeline health,
//!     activity, team context, trends, the planning reverse funnel and `explain` (the records behind a figure).
//!   - [`engine::demo`] — the seeded demo team and its truth; [`engine::numfmt`] and [`engine::export`] —
//!     number formats and formula-safe CSV shared by the CLI and the UI.
//! - [`worker`] (feature `app`) — the engine's Web Worker: the session's message loop, reading `File` handles in
//!   slices and running jobs in short ticks so progress and Cancel cross between slices.
//! - `ui` (feature `app`, on by default) — the leptos 0.8 CSR shell: signals, DOM and browser APIs over the
//!   engine and nothing the engine could compute. `ui::door` is its only way to the engine: typed `ask`s over
//!   the worker (the app) or a local session (browser tests). `ui::actions` holds what the user does to the
//!   data, `ui::data` the one metrics report of the current filters (`ui::filters`: period, as-of, team,
//!   pipeline, rep — all in the URL), `ui::routes` one module per view and `ui::components` the widgets. The
//!   view and its filters live in the query string (`./?view=people&rep=…`), so any static host serves every URL.
//! - Binaries: `pipelens` (`src/bin/pipelens/`, the CLI, engine only), `pipelens-web`
//!   (`src/bin/pipelens-web.rs`, the app; Trunk builds it, `boot.js` starts it under a strict CSP) and
//!   `pipelens-worker` (the worker; Trunk builds it, `worker.js` starts it). See `ARCHITECTURE.md`.
//!
//! ## Tests
//!
//! Native: `tests/engine.rs`, `ingest.rs`, `model.rs`, `metrics.rs`, `process.rs` (golden figures worked out
//! by hand from `tests/fixtures/`), `demo.rs` (the demo's truth, and its CSV files imported back give the same
//! numbers), `latam.rs` (the real Salesforce export against an independent computation) and `cli.rs`;
//! `tests/web.rs` runs in headless Chromium (`cargo test --target wasm32-unknown-unknown --test web`);
//! `tests/e2e/` drives the release build in Chromium with playwright-core and fails on any request that is not
//! a GET of the app's own files, on any console error, on figures that differ from `pipelens report`, and on
//! axe-core violations. Benchmarks (`tests/bench/`) print numbers and assert nothing.

pub mod engine;
#[cfg(feature = "app")]
pub mod ui;
#[cfg(feature = "app")]
pub mod worker;
