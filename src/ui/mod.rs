//! Widgets and layers shared by screens: text input, hint bar, status bar, help,
//! palette, details, confirmation. Rendering here reads state and draws; it does no I/O.

pub mod input;
pub mod layers;
pub mod widgets;
