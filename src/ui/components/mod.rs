//! Widgets shared by the views.

pub mod chart;
pub mod download;
pub mod drawer;
pub mod drop_zone;
pub mod empty;
pub mod file_card;
pub mod folded;
pub mod input;
pub mod math;
pub mod model_panel;
pub mod table;
