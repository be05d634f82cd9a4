//! Widgets shared by the views.

pub mod bubble;
pub mod chart;
pub mod deal_list;
pub mod download;
pub mod drawer;
pub mod drop_zone;
pub mod empty;
pub mod fan;
pub mod file_card;
pub mod folded;
pub mod input;
pub mod math;
pub mod model_panel;
pub mod table;
pub mod waterfall;
