//! Practice between sessions: schedules, logs and adherence.

pub mod adherence;
pub mod definition;
pub mod schedule;
