//! motcua — a keyboard-driven terminal application for the officials of Vietnam's
//! one-stop desks (*Bộ phận một cửa*).
//!
//! The layering is described in `ARCHITECTURE.md`: pure domain modules at the bottom
//! (`text`, `catalogue`), then configuration data (`config`, `keymap`, `i18n`, `theme`),
//! services (`store`), and on top the application (`app`, `screens`, `ui`) and the CLI.

pub mod action;
pub mod api;
pub mod app;
pub mod bounded;
pub mod calendar;
pub mod card;
pub mod catalogue;
pub mod cli;
pub mod clock;
pub mod config;
pub mod dossier;
pub mod fuzzing;
pub mod hardening;
pub mod household;
pub mod i18n;
pub mod ids;
pub mod keymap;
pub mod paths;
pub mod rng;
pub mod screens;
pub mod server;
pub mod store;
pub mod sync;
pub mod text;
pub mod theme;
pub mod ui;
pub mod vault;
