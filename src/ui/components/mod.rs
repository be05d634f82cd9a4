//! Widgets shared by the views.

pub mod drop_zone;
pub mod file_card;
