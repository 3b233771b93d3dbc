//! Standardised measures — PHQ-9 (depression), GAD-7 (anxiety), WHO-5
//! (wellbeing), PCL-5 (stress after a very stressful experience, past month
//! or past week) — each one definition with its published items, scoring,
//! direction, bands, reliable change and cut-off — and when each falls due.

pub mod change;
pub mod definition;
pub mod instrument;
pub mod schedule;
pub mod trajectory;

pub use change::{classify_change, Change, Thresholds};
pub use definition::{Definition, Direction};
pub use instrument::{score, Instrument, Response, Scored, Severity};
pub use schedule::Cadence;
