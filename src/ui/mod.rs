//! The leptos shell: signals, DOM and browser APIs over the engine, and nothing the engine could compute.
//!
//! [`app`] is the frame (header, nav, main) and picks the view from the query string; [`routes`] holds one
//! module per view; [`components`] the shared widgets; [`door`] is the UI's end of the message door to
//! the engine (in its Web Worker); [`actions`] what the user does to the data (import, remove, choose,
//! forget); [`state`] the signals every view shares; [`fatal`] turns a panic into a visible banner.

pub mod actions;
pub mod app;
pub mod components;
pub mod data;
pub mod door;
pub mod fatal;
pub mod filters;
pub mod route;
pub mod routes;
pub mod state;

/// Starts the app: installs the panic banner and mounts the frame on `<body>`.
pub fn start() {
    fatal::install_panic_banner();
    leptos::mount::mount_to_body(app::App);
}
