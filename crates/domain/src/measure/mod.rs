//! Standardised measures: PHQ-9 (depression) and GAD-7 (anxiety), with their
//! published items, scoring, severity bands and reliable change.

pub mod change;
pub mod instrument;

pub use change::{classify_change, Change, Thresholds, THRESHOLDS};
pub use instrument::{score, Instrument, Response, Scored, Severity};
