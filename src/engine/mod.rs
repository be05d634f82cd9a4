//! The analytics engine: everything pipelens computes, in pure Rust.
//!
//! No leptos, web-sys, js-sys or gloo here, and chrono without its `clock` feature: the engine cannot read
//! the wall clock, the DOM or storage. It takes its inputs (file bytes, settings, the as-of date) and returns
//! values, so it compiles and is tested natively, runs in the browser, and backs the CLI.
//!
//! Data flows one way: [`ingest`] (bytes → decoded text → records) → model → metrics / forecast. The UI
//! and the CLI reach the engine only through the message door in [`protocol`] and [`session`].

pub mod changes;
pub mod coaching;
pub mod demo;
pub mod error;
pub mod export;
pub mod forecast;
pub mod ingest;
pub mod metrics;
pub mod model;
pub mod numfmt;
pub mod protocol;
pub mod rng;
pub mod session;

pub use error::EngineError;
