//! Change between two administrations of a measure: reliable improvement or
//! deterioration, caseness and recovery.
//!
//! Source of the thresholds: NHS Talking Therapies (formerly IAPT) manual —
//! reliable change is a difference of at least 6 points on the PHQ-9 and 4 on
//! the GAD-7; "caseness" is PHQ-9 ≥ 10 and GAD-7 ≥ 8; recovery is moving from
//! caseness to below the threshold. They live here, in one place.

use serde::Serialize;

use super::instrument::Instrument;

/// The thresholds for one instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub reliable_change: u8,
    pub caseness: u8,
}

/// NHS Talking Therapies thresholds, per instrument.
pub const THRESHOLDS: [(Instrument, Thresholds); 2] = [
    (
        Instrument::Phq9,
        Thresholds {
            reliable_change: 6,
            caseness: 10,
        },
    ),
    (
        Instrument::Gad7,
        Thresholds {
            reliable_change: 4,
            caseness: 8,
        },
    ),
];

pub fn thresholds(i: Instrument) -> Thresholds {
    THRESHOLDS
        .iter()
        .find(|(x, _)| *x == i)
        .map(|(_, t)| *t)
        .unwrap_or(Thresholds {
            reliable_change: 6,
            caseness: 10,
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    ReliableImprovement,
    NoReliableChange,
    ReliableDeterioration,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::ReliableImprovement => "reliable_improvement",
            Change::NoReliableChange => "no_reliable_change",
            Change::ReliableDeterioration => "reliable_deterioration",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Change::ReliableImprovement => "reliable improvement",
            Change::NoReliableChange => "no reliable change",
            Change::ReliableDeterioration => "reliable deterioration",
        }
    }
}

/// Classifies the change from `before` to `after` (lower scores are better).
pub fn classify_change(i: Instrument, before: u8, after: u8) -> Change {
    let t = thresholds(i).reliable_change;
    if before >= after && before - after >= t {
        Change::ReliableImprovement
    } else if after > before && after - before >= t {
        Change::ReliableDeterioration
    } else {
        Change::NoReliableChange
    }
}

/// At or above the clinical threshold.
pub fn is_case(i: Instrument, total: u8) -> bool {
    total >= thresholds(i).caseness
}

/// Moved from caseness at `before` to below it at `after`.
pub fn recovered(i: Instrument, before: u8, after: u8) -> bool {
    is_case(i, before) && !is_case(i, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phq9_reliable_change_needs_six_points() {
        assert_eq!(
            classify_change(Instrument::Phq9, 18, 12),
            Change::ReliableImprovement
        );
        assert_eq!(
            classify_change(Instrument::Phq9, 18, 13),
            Change::NoReliableChange
        );
        assert_eq!(
            classify_change(Instrument::Phq9, 8, 14),
            Change::ReliableDeterioration
        );
        assert_eq!(
            classify_change(Instrument::Phq9, 8, 13),
            Change::NoReliableChange
        );
    }

    #[test]
    fn gad7_reliable_change_needs_four_points() {
        assert_eq!(
            classify_change(Instrument::Gad7, 12, 8),
            Change::ReliableImprovement
        );
        assert_eq!(
            classify_change(Instrument::Gad7, 12, 9),
            Change::NoReliableChange
        );
        assert_eq!(
            classify_change(Instrument::Gad7, 5, 9),
            Change::ReliableDeterioration
        );
    }

    #[test]
    fn caseness_and_recovery_use_the_thresholds() {
        assert!(is_case(Instrument::Phq9, 10) && !is_case(Instrument::Phq9, 9));
        assert!(is_case(Instrument::Gad7, 8) && !is_case(Instrument::Gad7, 7));
        assert!(recovered(Instrument::Phq9, 14, 8));
        assert!(
            !recovered(Instrument::Phq9, 9, 3),
            "not a case to begin with"
        );
        assert!(!recovered(Instrument::Gad7, 12, 8), "still a case");
    }
}
