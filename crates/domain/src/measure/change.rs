//! Change between two administrations of a measure: reliable improvement or
//! deterioration in the instrument's own direction (a WHO-5 going up is
//! improvement), caseness and recovery. The thresholds are the
//! definitions' (`definition.rs`, sources named there); all of it works on
//! raw totals and compares in points (the WHO-5's percentage).

use serde::Serialize;

use super::definition::Direction;
use super::instrument::Instrument;

/// The thresholds for one instrument, in points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub reliable_change: u8,
    pub caseness: super::definition::Cutoff,
}

pub fn thresholds(i: Instrument) -> Thresholds {
    Thresholds {
        reliable_change: i.def().reliable_change,
        caseness: i.def().cutoff,
    }
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

/// Classifies the change from the total `before` to the total `after`.
pub fn classify_change(i: Instrument, before: u8, after: u8) -> Change {
    let def = i.def();
    let (before, after) = (i16::from(def.points(before)), i16::from(def.points(after)));
    let better = match def.direction {
        Direction::LowerIsBetter => before - after,
        Direction::HigherIsBetter => after - before,
    };
    let t = i16::from(def.reliable_change);
    if better >= t {
        Change::ReliableImprovement
    } else if -better >= t {
        Change::ReliableDeterioration
    } else {
        Change::NoReliableChange
    }
}

/// At or past the clinical cut-off (for the WHO-5: below it).
pub fn is_case(i: Instrument, total: u8) -> bool {
    i.def().is_case(i.def().points(total))
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

    #[test]
    fn a_who5_going_up_by_ten_percentage_points_is_improvement() {
        // Raw 10 → 13 is 40 % → 52 %: up 12 points, and out of "poor".
        assert_eq!(
            classify_change(Instrument::Who5, 10, 13),
            Change::ReliableImprovement
        );
        assert_eq!(
            classify_change(Instrument::Who5, 13, 10),
            Change::ReliableDeterioration
        );
        // Raw 10 → 12 is 8 points: not reliable.
        assert_eq!(
            classify_change(Instrument::Who5, 10, 12),
            Change::NoReliableChange
        );
        assert!(is_case(Instrument::Who5, 12) && !is_case(Instrument::Who5, 13));
        assert!(recovered(Instrument::Who5, 10, 13));
    }

    #[test]
    fn the_pcl5_needs_ten_points_and_its_cut_off_is_33() {
        assert_eq!(
            classify_change(Instrument::Pcl5, 50, 40),
            Change::ReliableImprovement
        );
        assert_eq!(
            classify_change(Instrument::Pcl5Weekly, 50, 41),
            Change::NoReliableChange
        );
        assert_eq!(
            classify_change(Instrument::Pcl5, 20, 30),
            Change::ReliableDeterioration
        );
        assert!(is_case(Instrument::Pcl5, 33) && !is_case(Instrument::Pcl5, 32));
    }
}
