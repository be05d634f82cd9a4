//! One module per view. Each view reads the shared state and renders; none computes what the engine can.

pub mod foundation;
pub mod import;
