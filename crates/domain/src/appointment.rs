//! Therapy appointments: what they are, how a repeating series unfolds in
//! the person's own time zone (17:00 stays 17:00 across DST), and the
//! "since the last session" window that agendas and reviews are built on.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp, Zoned};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validation::ValidationErrors;

pub const MAX_LABEL_CHARS: usize = 120;
pub const MAX_DURATION_MINUTES: u32 = 8 * 60;
/// How far ahead the occurrences of a series exist as rows.
pub const SERIES_HORIZON: SignedDuration = SignedDuration::from_hours(366 * 24);
/// The most occurrences a new series may have up to its horizon: a series
/// from long ago repeating often would otherwise write tens of thousands of
/// rows in one request.
pub const MAX_SERIES_OCCURRENCES: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Planned,
    Attended,
    Cancelled,
    Missed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Attended => "attended",
            Status::Cancelled => "cancelled",
            Status::Missed => "missed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Planned,
            Status::Attended,
            Status::Cancelled,
            Status::Missed,
        ]
        .into_iter()
        .find(|st| st.as_str() == s.trim())
    }
}

/// What a person wrote about an appointment: stored only encrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    #[serde(default)]
    pub with: String,
    #[serde(default)]
    pub place: String,
    pub duration_minutes: u32,
    pub status: Status,
    /// The linked therapist it is with (their account), instead of only a
    /// label; a therapist never sees appointments naming another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub therapist: Option<uuid::Uuid>,
}

impl Default for Details {
    fn default() -> Self {
        Details {
            with: String::new(),
            place: String::new(),
            duration_minutes: 50,
            status: Status::Planned,
            therapist: None,
        }
    }
}

impl Details {
    pub fn validated(self) -> Result<Details, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let with = self.with.split_whitespace().collect::<Vec<_>>().join(" ");
        let place = self.place.trim().to_string();
        if with.chars().count() > MAX_LABEL_CHARS {
            errors.add(
                "with",
                format!("\"With\" can be at most {MAX_LABEL_CHARS} characters."),
            );
        }
        if place.chars().count() > 500 {
            errors.add("where", "\"Where\" can be at most 500 characters.");
        }
        if self.duration_minutes == 0 || self.duration_minutes > MAX_DURATION_MINUTES {
            errors.add(
                "duration",
                format!(
                    "The duration must be between 1 and {MAX_DURATION_MINUTES} minutes, not {}.",
                    self.duration_minutes
                ),
            );
        }
        errors.into_result(Details {
            with,
            place,
            ..self
        })
    }
}

/// One appointment (a single one, or one occurrence of a series).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub id: Uuid,
    pub series_id: Option<Uuid>,
    pub starts_at: Timestamp,
    pub details: Details,
}

impl Appointment {
    pub fn ends_at(&self) -> Timestamp {
        self.starts_at
            .checked_add(SignedDuration::from_mins(i64::from(
                self.details.duration_minutes,
            )))
            .unwrap_or(self.starts_at)
    }

    pub fn has_started(&self, now: Timestamp) -> bool {
        self.starts_at <= now
    }
}

/// How a series repeats: every N weeks or every N days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "every", content = "n", rename_all = "snake_case")]
pub enum Repeat {
    Days(u32),
    Weeks(u32),
}

impl Repeat {
    /// `weekly`, `fortnightly`, `every:2w`, `every:10d`.
    pub fn parse(s: &str) -> Result<Repeat, ValidationErrors> {
        let bad = || {
            ValidationErrors::single(
                "repeat",
                format!("\"{}\" is not a repetition I understand: use weekly, fortnightly, every:2w or every:10d.", s.trim()),
            )
        };
        let s = s.trim().to_lowercase();
        let repeat = match s.as_str() {
            "weekly" => Repeat::Weeks(1),
            "fortnightly" | "biweekly" => Repeat::Weeks(2),
            other => {
                let spec = other.strip_prefix("every:").ok_or_else(bad)?;
                let (n, unit) = spec.split_at(spec.len().saturating_sub(1));
                let n: u32 = n.parse().map_err(|_| bad())?;
                match unit {
                    "w" if (1..=52).contains(&n) => Repeat::Weeks(n),
                    "d" if (1..=365).contains(&n) => Repeat::Days(n),
                    _ => return Err(bad()),
                }
            }
        };
        Ok(repeat)
    }

    pub fn describe(self) -> String {
        match self {
            Repeat::Weeks(1) => "weekly".into(),
            Repeat::Weeks(2) => "every 2 weeks".into(),
            Repeat::Weeks(n) => format!("every {n} weeks"),
            Repeat::Days(1) => "daily".into(),
            Repeat::Days(n) => format!("every {n} days"),
        }
    }

    pub fn spec(self) -> String {
        match self {
            Repeat::Weeks(n) => format!("every:{n}w"),
            Repeat::Days(n) => format!("every:{n}d"),
        }
    }

    fn span(self, k: i64) -> Span {
        match self {
            Repeat::Weeks(n) => Span::new().weeks(i64::from(n) * k),
            Repeat::Days(n) => Span::new().days(i64::from(n) * k),
        }
    }
}

/// A repeating appointment, stored encrypted; its occurrences are rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// Local wall-clock start of the first occurrence, e.g. 2026-12-01T17:00.
    pub first: DateTime,
    pub time_zone: String,
    pub repeat: Repeat,
    /// Last local day an occurrence may fall on.
    pub until: Option<Date>,
    pub details: Details,
    /// Occurrences exist as rows up to here.
    pub generated_until: Timestamp,
}

impl Series {
    fn zone(&self) -> TimeZone {
        TimeZone::get(&self.time_zone).unwrap_or(TimeZone::UTC)
    }

    /// Start times of the occurrences in `[from, to)`, at the same local
    /// time of day whatever the UTC offset.
    pub fn starts_between(&self, from: Timestamp, to: Timestamp) -> Vec<Timestamp> {
        let Ok(first) = self.first.to_zoned(self.zone()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for k in 0..10_000i64 {
            let Ok(z): Result<Zoned, _> = first.checked_add(self.repeat.span(k)) else {
                break;
            };
            if self.until.is_some_and(|u| z.date() > u) || z.timestamp() >= to {
                break;
            }
            if z.timestamp() >= from {
                out.push(z.timestamp());
            }
        }
        out
    }
}

/// The window "since the last session": from the start of the last attended
/// appointment before `now` (or the beginning of time) to the start of the
/// next planned one (or open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SinceLastSession {
    pub last_attended: Option<Timestamp>,
    pub next_planned: Option<Timestamp>,
}

/// Finds the window around `now` in a person's appointments.
pub fn since_last_session(appointments: &[Appointment], now: Timestamp) -> SinceLastSession {
    let last_attended = appointments
        .iter()
        .filter(|a| a.details.status == Status::Attended && a.starts_at <= now)
        .map(|a| a.starts_at)
        .max();
    let next_planned = appointments
        .iter()
        .filter(|a| a.details.status == Status::Planned && a.ends_at() > now)
        .map(|a| a.starts_at)
        .min();
    SinceLastSession {
        last_attended,
        next_planned,
    }
}

/// The next planned appointment that has not ended yet.
pub fn next_appointment(appointments: &[Appointment], now: Timestamp) -> Option<&Appointment> {
    appointments
        .iter()
        .filter(|a| a.details.status == Status::Planned && a.ends_at() > now)
        .min_by_key(|a| a.starts_at)
}

/// "in 2 days, 3 hours", "in 45 minutes", "now".
pub fn time_until(now: Timestamp, then: Timestamp) -> String {
    let mins = then.duration_since(now).as_mins();
    if mins <= 0 {
        return "now".into();
    }
    let (days, hours, minutes) = (mins / (24 * 60), (mins / 60) % 24, mins % 60);
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let text = match (days, hours) {
        (0, 0) => plural(minutes, "minute"),
        (0, h) => format!("{}, {}", plural(h, "hour"), plural(minutes, "minute")),
        (d, 0) => plural(d, "day"),
        (d, h) => format!("{}, {}", plural(d, "day"), plural(h, "hour")),
    };
    format!("in {text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn appt(start: &str, status: Status) -> Appointment {
        Appointment {
            id: Uuid::now_v7(),
            series_id: None,
            starts_at: ts(start),
            details: Details {
                status,
                ..Details::default()
            },
        }
    }

    fn series(first: &str, repeat: Repeat, until: Option<&str>) -> Series {
        Series {
            first: first.parse().unwrap(),
            time_zone: "Europe/Berlin".into(),
            repeat,
            until: until.map(|u| u.parse().unwrap()),
            details: Details::default(),
            generated_until: ts("2000-01-01T00:00:00Z"),
        }
    }

    #[test]
    fn a_weekly_series_keeps_its_local_time_across_dst() {
        // Berlin moves to summer time on 2027-03-28.
        let s = series("2027-03-16T17:00", Repeat::Weeks(1), None);
        let starts = s.starts_between(ts("2027-01-01T00:00:00Z"), ts("2027-04-10T00:00:00Z"));
        assert_eq!(
            starts,
            vec![
                ts("2027-03-16T16:00:00Z"),
                ts("2027-03-23T16:00:00Z"),
                ts("2027-03-30T15:00:00Z"),
                ts("2027-04-06T15:00:00Z")
            ]
        );
    }

    #[test]
    fn a_series_stops_after_its_last_day_and_respects_the_window() {
        let s = series("2026-12-01T17:00", Repeat::Weeks(2), Some("2026-12-29"));
        let all = s.starts_between(ts("2026-01-01T00:00:00Z"), ts("2028-01-01T00:00:00Z"));
        assert_eq!(all.len(), 3, "1, 15 and 29 December");
        let later = s.starts_between(ts("2026-12-10T00:00:00Z"), ts("2028-01-01T00:00:00Z"));
        assert_eq!(later.len(), 2);
    }

    #[test]
    fn repeat_specs_are_parsed_or_refused_by_name() {
        assert_eq!(Repeat::parse("weekly").unwrap(), Repeat::Weeks(1));
        assert_eq!(Repeat::parse("every:2w").unwrap(), Repeat::Weeks(2));
        assert_eq!(Repeat::parse(" Every:10d ").unwrap(), Repeat::Days(10));
        for bad in ["monthly", "every:0w", "every:2x", "every:", "every:99w"] {
            let err = Repeat::parse(bad).unwrap_err();
            assert!(err.to_string().contains(bad.trim()), "{bad}: {err}");
        }
        assert_eq!(
            Repeat::parse(&Repeat::Weeks(3).spec()).unwrap(),
            Repeat::Weeks(3)
        );
    }

    #[test]
    fn since_last_session_runs_from_the_last_attended_to_the_next_planned() {
        let now = ts("2026-06-10T12:00:00Z");
        let appts = vec![
            appt("2026-05-27T15:00:00Z", Status::Attended),
            appt("2026-06-03T15:00:00Z", Status::Attended),
            appt("2026-06-08T15:00:00Z", Status::Cancelled),
            appt("2026-06-17T15:00:00Z", Status::Planned),
            appt("2026-06-24T15:00:00Z", Status::Planned),
        ];
        let w = since_last_session(&appts, now);
        assert_eq!(w.last_attended, Some(ts("2026-06-03T15:00:00Z")));
        assert_eq!(w.next_planned, Some(ts("2026-06-17T15:00:00Z")));
        assert_eq!(
            next_appointment(&appts, now).unwrap().starts_at,
            ts("2026-06-17T15:00:00Z")
        );
        let none = since_last_session(&[], now);
        assert_eq!((none.last_attended, none.next_planned), (None, None));
    }

    #[test]
    fn an_appointment_in_progress_is_still_the_next_one() {
        let now = ts("2026-06-17T15:20:00Z");
        let appts = vec![appt("2026-06-17T15:00:00Z", Status::Planned)];
        assert!(next_appointment(&appts, now).is_some());
        assert!(next_appointment(&appts, ts("2026-06-17T15:51:00Z")).is_none());
    }

    #[test]
    fn details_are_checked() {
        let err = Details {
            duration_minutes: 0,
            ..Details::default()
        }
        .validated()
        .unwrap_err();
        assert!(err.get("duration").unwrap().contains("not 0"));
        let ok = Details {
            with: "  Dr.   Rivera ".into(),
            ..Details::default()
        }
        .validated()
        .unwrap();
        assert_eq!(ok.with, "Dr. Rivera");
    }

    #[test]
    fn time_left_reads_naturally() {
        let now = ts("2026-06-10T12:00:00Z");
        assert_eq!(time_until(now, ts("2026-06-10T12:45:00Z")), "in 45 minutes");
        assert_eq!(
            time_until(now, ts("2026-06-10T13:01:00Z")),
            "in 1 hour, 1 minute"
        );
        assert_eq!(
            time_until(now, ts("2026-06-12T15:00:00Z")),
            "in 2 days, 3 hours"
        );
        assert_eq!(time_until(now, ts("2026-06-11T12:00:00Z")), "in 1 day");
        assert_eq!(time_until(now, ts("2026-06-10T11:00:00Z")), "now");
    }
}
