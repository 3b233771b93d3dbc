//! Quiet hours and quiet days: local times in which nothing is sent.
//! A reminder that falls in them is skipped, not postponed (a pile of late
//! reminders at 07:00 helps nobody).

use jiff::civil::{DateTime, Time, Weekday};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quiet {
    /// From and until, local; `from > until` spans midnight (22:00–07:00).
    /// Equal times mean no quiet hours.
    #[serde(default)]
    pub hours: Option<(Time, Time)>,
    #[serde(default, with = "super::rule::weekday_list")]
    pub days: Vec<Weekday>,
}

impl Quiet {
    /// True when a reminder at local `at` must not be sent. The quiet
    /// hours that start on one evening run into the next morning whatever
    /// day that is; a quiet day is quiet from its midnight to the next.
    pub fn contains(&self, at: DateTime) -> bool {
        if self.days.contains(&at.date().weekday()) {
            return true;
        }
        let Some((from, until)) = self.hours else {
            return false;
        };
        let t = at.time();
        match from.cmp(&until) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Less => from <= t && t < until,
            std::cmp::Ordering::Greater => t >= from || t < until,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(h: i8, m: i8) -> DateTime {
        date(2026, 12, 7).at(h, m, 0, 0) // a Monday
    }

    #[test]
    fn quiet_hours_may_span_midnight() {
        let q = Quiet {
            hours: Some((Time::constant(22, 0, 0, 0), Time::constant(7, 0, 0, 0))),
            days: vec![],
        };
        assert!(q.contains(at(22, 0)));
        assert!(q.contains(at(23, 59)));
        assert!(q.contains(at(0, 0)));
        assert!(q.contains(at(6, 59)));
        assert!(!q.contains(at(7, 0)));
        assert!(!q.contains(at(21, 59)));
    }

    #[test]
    fn daytime_quiet_hours_and_quiet_days() {
        let q = Quiet {
            hours: Some((Time::constant(9, 0, 0, 0), Time::constant(17, 0, 0, 0))),
            days: vec![Weekday::Sunday],
        };
        assert!(q.contains(at(9, 0)));
        assert!(!q.contains(at(17, 0)));
        assert!(!q.contains(at(8, 0)));
        assert!(q.contains(date(2026, 12, 6).at(20, 0, 0, 0))); // Sunday
        assert!(!Quiet::default().contains(at(3, 0)));
    }
}
