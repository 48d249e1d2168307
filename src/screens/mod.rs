//! Screens. Each screen is one module holding its state, its `update` (actions in,
//! `Outcome` out) and its `render`. Screens match on actions, never on raw keys, except
//! for free text in a focused field.

pub mod audit;
pub mod card;
pub mod check;
pub mod dossiers;
pub mod household;
pub mod intake;
pub mod lock;
pub mod procedures;
pub mod sign_in;
pub mod sync;
