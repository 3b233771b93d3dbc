//! One instrument's course, as a therapist reads it beside the chart:
//! where it started and where it is now, the change since the first and
//! since the one before in the instrument's direction, whether it crossed
//! the clinical cut-off either way, and "not improving" — the roadblock
//! rule (`roadblocks::not_improving`) applied to this instrument alone.

use jiff::Timestamp;

use super::change::{classify_change, is_case, Change};
use super::instrument::Instrument;
use crate::roadblocks::{not_improving, Thresholds};

/// Which way the score crossed the cut-off between the first and the latest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crossing {
    /// Started in the clinical range, now out of it.
    OutOfRange,
    /// Started out of it, now in it.
    IntoRange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trajectory {
    pub instrument: Instrument,
    /// (taken at, raw total) of the first and the latest response.
    pub first: (Timestamp, u8),
    pub latest: (Timestamp, u8),
    pub responses: usize,
    pub since_first: Option<Change>,
    pub since_last: Option<Change>,
    pub crossing: Option<Crossing>,
    /// Attended sessions since the first response without any reliable
    /// improvement on it, once there are enough to say so.
    pub not_improving: Option<usize>,
}

/// The course of `instrument` over `totals` ((taken at, raw total), oldest
/// first; other instruments' totals are not given), with `attended` the
/// times of attended sessions. `None` without responses.
pub fn trajectory(
    instrument: Instrument,
    totals: &[(Timestamp, u8)],
    attended: &[Timestamp],
    t: &Thresholds,
) -> Option<Trajectory> {
    let (first, latest) = (*totals.first()?, *totals.last()?);
    let n = totals.len();
    let since = |before: u8| (n > 1).then(|| classify_change(instrument, before, latest.1));
    let crossing = match (is_case(instrument, first.1), is_case(instrument, latest.1)) {
        (true, false) => Some(Crossing::OutOfRange),
        (false, true) => Some(Crossing::IntoRange),
        _ => None,
    };
    let ever_improved = totals.iter().any(|(_, total)| {
        classify_change(instrument, first.1, *total) == Change::ReliableImprovement
    });
    let sessions = attended.iter().filter(|a| **a >= first.0).count();
    Some(Trajectory {
        instrument,
        first,
        latest,
        responses: n,
        since_first: since(first.1),
        since_last: since(totals[n.saturating_sub(2)].1),
        crossing,
        not_improving: not_improving(sessions, ever_improved, n, t).then_some(sessions),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: i64) -> Timestamp {
        Timestamp::from_second(1_767_225_600 + day * 86_400).unwrap_or_default()
    }

    fn weekly(totals: &[u8]) -> Vec<(Timestamp, u8)> {
        totals
            .iter()
            .enumerate()
            .map(|(i, t)| (at(i as i64 * 7), *t))
            .collect()
    }

    fn sessions(n: i64) -> Vec<Timestamp> {
        (0..n).map(|i| at(i * 7 + 1)).collect()
    }

    #[test]
    fn a_phq9_falling_past_the_threshold_improves_and_leaves_the_range() {
        let t = trajectory(
            Instrument::Phq9,
            &weekly(&[18, 15, 9]),
            &sessions(3),
            &Thresholds::default(),
        );
        let t = t.unwrap_or_else(|| unreachable!());
        assert_eq!(t.since_first, Some(Change::ReliableImprovement));
        assert_eq!(t.since_last, Some(Change::ReliableImprovement));
        assert_eq!(t.crossing, Some(Crossing::OutOfRange));
        assert_eq!(t.not_improving, None);
    }

    #[test]
    fn a_who5_rising_is_improvement() {
        // Raw 8 (32 %) to 14 (56 %): up 24 points, out of the poor range.
        let t = trajectory(
            Instrument::Who5,
            &weekly(&[8, 14]),
            &[],
            &Thresholds::default(),
        );
        let t = t.unwrap_or_else(|| unreachable!());
        assert_eq!(t.since_first, Some(Change::ReliableImprovement));
        assert_eq!(t.crossing, Some(Crossing::OutOfRange));
    }

    #[test]
    fn flat_scores_over_enough_sessions_are_not_improving_in_either_direction() {
        let th = Thresholds::default();
        let flat = trajectory(
            Instrument::Pcl5,
            &weekly(&[40, 38, 41, 39]),
            &sessions(9),
            &th,
        );
        assert_eq!(flat.and_then(|t| t.not_improving), Some(9));
        let flat_who5 = trajectory(Instrument::Who5, &weekly(&[10, 11, 10]), &sessions(9), &th);
        assert_eq!(flat_who5.and_then(|t| t.not_improving), Some(9));
        let too_soon = trajectory(Instrument::Pcl5, &weekly(&[40, 38]), &sessions(3), &th);
        assert_eq!(too_soon.and_then(|t| t.not_improving), None);
        let one = trajectory(Instrument::Pcl5, &weekly(&[40]), &sessions(12), &th);
        assert_eq!(
            one.clone().and_then(|t| t.not_improving),
            None,
            "one response says nothing"
        );
        assert_eq!(one.and_then(|t| t.since_first), None);
    }

    #[test]
    fn an_improvement_once_reached_is_not_stuck_even_if_it_slips_back() {
        let t = trajectory(
            Instrument::Gad7,
            &weekly(&[15, 9, 13]),
            &sessions(10),
            &Thresholds::default(),
        );
        assert_eq!(t.and_then(|t| t.not_improving), None);
    }
}
