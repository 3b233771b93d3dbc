//! Parsing the times people type: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` (in their
//! own zone), RFC 3339, and relative `Nd`/`Nw`/`Nm`/`Ny` ago for ranges.
//! Date ranges include both end days, in the person's local calendar.
//!
//! One range of days holds everywhere: every time or day a person gives,
//! to write or to query, must fall on a local day from [`EARLIEST`] to
//! [`LATEST`], so a time that can be written can always be queried, and no
//! request makes the server walk thousands of years of days.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, Zoned};
use thiserror::Error;

/// The first day Between accepts, to write or to query.
pub const EARLIEST: Date = jiff::civil::date(1900, 1, 1);
/// The last day Between accepts, to write or to query.
pub const LATEST: Date = jiff::civil::date(2199, 12, 31);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TimeError {
    #[error("\"{input}\" is not a time I understand: use YYYY-MM-DD, YYYY-MM-DD HH:MM, RFC 3339{expected}")]
    Unreadable {
        input: String,
        expected: &'static str,
    },
    #[error("\"{input}\" is not a date: use YYYY-MM-DD.")]
    NotADay { input: String },
    #[error(
        "\"{input}\" is outside the days Between keeps: use a day from {EARLIEST} to {LATEST}."
    )]
    OutOfRange { input: String },
}

/// How range ends are described in errors: they also take relative spans.
const RELATIVE: &str = " or a relative 7d, 2w, 3m, 1y";
/// How a day is described in errors of [`parse_date`].
const A_DAY: &str = " (a day: YYYY-MM-DD, today, yesterday or 3d for three days ago)";

fn shown(input: &str) -> String {
    input.trim().chars().take(60).collect()
}

impl TimeError {
    fn new(input: &str, relative: bool) -> Self {
        TimeError::Unreadable {
            input: shown(input),
            expected: if relative { RELATIVE } else { "" },
        }
    }

    fn out_of_range(input: &str) -> Self {
        TimeError::OutOfRange {
            input: shown(input),
        }
    }
}

/// Whether `day` is within [`EARLIEST`]..=[`LATEST`].
pub fn in_range(day: Date) -> bool {
    (EARLIEST..=LATEST).contains(&day)
}

/// `at`, seen in `tz`, falls on a day within [`EARLIEST`]..=[`LATEST`]:
/// the one rule for times that arrive other than typed (imported files),
/// so whatever can be written can be queried. The error says which days.
pub fn check_instant(at: Timestamp, tz: &TimeZone) -> Result<(), TimeError> {
    let day = at.to_zoned(tz.clone()).date();
    if in_range(day) {
        Ok(())
    } else {
        Err(TimeError::out_of_range(&day.to_string()))
    }
}

/// A half-open interval of instants, `[since, until)`; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

impl TimeRange {
    pub fn contains(&self, t: Timestamp) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }
}

enum Parsed {
    Instant(Timestamp),
    Day(Date),
}

/// An absolute time or day; `Ok(None)` when it does not parse, an error
/// when its local day is outside the one range.
fn parse_absolute(input: &str, tz: &TimeZone) -> Result<Option<Parsed>, TimeError> {
    let parsed = read_absolute(input, tz);
    let day = match &parsed {
        Some(Parsed::Instant(t)) => t.to_zoned(tz.clone()).date(),
        Some(Parsed::Day(d)) => *d,
        None => return Ok(None),
    };
    if !in_range(day) {
        return Err(TimeError::out_of_range(input));
    }
    Ok(parsed)
}

fn read_absolute(input: &str, tz: &TimeZone) -> Option<Parsed> {
    let s = input.trim();
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Some(Parsed::Instant(ts));
    }
    if s.len() == 10 {
        if let Ok(date) = s.parse::<Date>() {
            return Some(Parsed::Day(date));
        }
    }
    // "YYYY-MM-DD HH:MM" or with a T, optionally with seconds, in the zone.
    let normalised = s.replacen(' ', "T", 1);
    if normalised.len() >= 16 {
        if let Ok(dt) = normalised.parse::<DateTime>() {
            return dt
                .to_zoned(tz.clone())
                .ok()
                .map(|z| Parsed::Instant(z.timestamp()));
        }
    }
    None
}

fn start_of_day(date: Date, tz: &TimeZone) -> Option<Timestamp> {
    date.to_zoned(tz.clone())
        .and_then(|z| z.start_of_day())
        .ok()
        .map(|z| z.timestamp())
}

/// A single point in time, e.g. `--at`. A bare date means the start of that
/// local day.
pub fn parse_instant(input: &str, tz: &TimeZone) -> Result<Timestamp, TimeError> {
    match parse_absolute(input, tz)? {
        Some(Parsed::Instant(t)) => Ok(t),
        Some(Parsed::Day(d)) => start_of_day(d, tz).ok_or_else(|| TimeError::new(input, false)),
        None => Err(TimeError::new(input, false)),
    }
}

/// A calendar day written `YYYY-MM-DD` (a practice's start, the last day of
/// a series), within the one range.
pub fn parse_day(input: &str) -> Result<Date, TimeError> {
    let s = input.trim();
    let day = (s.len() == 10)
        .then(|| s.parse::<Date>().ok())
        .flatten()
        .ok_or_else(|| TimeError::NotADay {
            input: shown(input),
        })?;
    if !in_range(day) {
        return Err(TimeError::out_of_range(input));
    }
    Ok(day)
}

/// `Nd`, `Nw`, `Nm` or `Ny` before now; `Ok(None)` when `input` is not
/// relative.
fn parse_relative(input: &str, now: &Zoned) -> Result<Option<Timestamp>, TimeError> {
    let s = input.trim();
    let Some(unit) = s.chars().last() else {
        return Ok(None);
    };
    let Ok(n) = s[..s.len() - unit.len_utf8()].parse::<i64>() else {
        return Ok(None);
    };
    if !(0..=1000).contains(&n) {
        return Ok(None);
    }
    let span = match unit {
        'd' => Span::new().days(n),
        'w' => Span::new().weeks(n),
        'm' => Span::new().months(n),
        'y' => Span::new().years(n),
        _ => return Ok(None),
    };
    match now.checked_sub(span) {
        Ok(z) if in_range(z.date()) => Ok(Some(z.timestamp())),
        _ => Err(TimeError::out_of_range(input)),
    }
}

/// The inclusive start of a range: a date is the start of that local day.
pub fn parse_since(input: &str, tz: &TimeZone, now: Timestamp) -> Result<Timestamp, TimeError> {
    if let Some(t) = parse_relative(input, &now.to_zoned(tz.clone()))? {
        return Ok(t);
    }
    parse_instant(input, tz).map_err(|e| match e {
        TimeError::Unreadable { .. } => TimeError::new(input, true),
        out_of_range => out_of_range,
    })
}

/// The exclusive end of a range: a date includes that whole local day.
pub fn parse_until(input: &str, tz: &TimeZone, now: Timestamp) -> Result<Timestamp, TimeError> {
    let just_after = |t: Timestamp| t.checked_add(Span::new().microseconds(1)).unwrap_or(t);
    if let Some(t) = parse_relative(input, &now.to_zoned(tz.clone()))? {
        return Ok(just_after(t));
    }
    match parse_absolute(input, tz)? {
        Some(Parsed::Instant(t)) => Ok(just_after(t)),
        Some(Parsed::Day(d)) => d
            .tomorrow()
            .ok()
            .and_then(|next| start_of_day(next, tz))
            .ok_or_else(|| TimeError::new(input, true)),
        None => Err(TimeError::new(input, true)),
    }
}

/// A local day: `today`, `yesterday`, `YYYY-MM-DD`, or `Nd` days ago.
pub fn parse_date(input: &str, tz: &TimeZone, now: Timestamp) -> Result<Date, TimeError> {
    let today = now.to_zoned(tz.clone()).date();
    let s = input.trim();
    let unreadable = || TimeError::Unreadable {
        input: shown(s),
        expected: A_DAY,
    };
    let checked = |d: Date| {
        if in_range(d) {
            Ok(d)
        } else {
            Err(TimeError::out_of_range(input))
        }
    };
    match s.to_ascii_lowercase().as_str() {
        "today" => return checked(today),
        "yesterday" => {
            return today
                .yesterday()
                .map_err(|_| TimeError::out_of_range(input))
                .and_then(checked)
        }
        _ => {}
    }
    if let Some(n) = s.strip_suffix('d').and_then(|n| n.parse::<i64>().ok()) {
        if (0..=100_000).contains(&n) {
            return today
                .checked_sub(Span::new().days(n))
                .map_err(|_| TimeError::out_of_range(input))
                .and_then(checked);
        }
    }
    match parse_absolute(s, tz)? {
        Some(Parsed::Day(d)) => Ok(d),
        Some(Parsed::Instant(t)) => Ok(t.to_zoned(tz.clone()).date()),
        None => Err(unreadable()),
    }
}

/// Builds a range from optional `since`/`until` inputs.
pub fn parse_range(
    since: Option<&str>,
    until: Option<&str>,
    tz: &TimeZone,
    now: Timestamp,
) -> Result<TimeRange, TimeError> {
    Ok(TimeRange {
        since: since.map(|s| parse_since(s, tz, now)).transpose()?,
        until: until.map(|u| parse_until(u, tz, now)).transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> TimeZone {
        TimeZone::get("Europe/Berlin").unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_bare_date_is_the_start_of_the_local_day() {
        assert_eq!(
            parse_instant("2026-01-31", &berlin()).unwrap(),
            ts("2026-01-30T23:00:00Z")
        );
    }

    #[test]
    fn a_local_time_is_read_in_the_persons_zone() {
        assert_eq!(
            parse_instant("2026-07-01 09:30", &berlin()).unwrap(),
            ts("2026-07-01T07:30:00Z")
        );
    }

    #[test]
    fn rfc3339_keeps_its_own_offset() {
        assert_eq!(
            parse_instant("2026-07-01T09:30:00-04:00", &berlin()).unwrap(),
            ts("2026-07-01T13:30:00Z")
        );
    }

    #[test]
    fn until_a_date_includes_that_whole_day() {
        let until = parse_until("2026-03-01", &berlin(), Timestamp::now()).unwrap();
        assert_eq!(until, ts("2026-03-01T23:00:00Z"));
        let range = TimeRange {
            since: None,
            until: Some(until),
        };
        assert!(range.contains(ts("2026-03-01T22:59:59Z")));
        assert!(!range.contains(ts("2026-03-01T23:00:00Z")));
    }

    #[test]
    fn until_a_day_with_a_dst_change_ends_at_local_midnight() {
        // Berlin springs forward on 2026-03-29; the next day starts at 22:00 UTC.
        let until = parse_until("2026-03-29", &berlin(), Timestamp::now()).unwrap();
        assert_eq!(until, ts("2026-03-29T22:00:00Z"));
    }

    #[test]
    fn relative_spans_count_back_from_now_in_calendar_units() {
        let now = ts("2026-03-31T10:00:00Z");
        assert_eq!(
            parse_since("7d", &berlin(), now).unwrap(),
            ts("2026-03-24T11:00:00Z")
        );
        assert_eq!(
            parse_since("2w", &berlin(), now).unwrap(),
            ts("2026-03-17T11:00:00Z")
        );
        assert_eq!(
            parse_since("1m", &berlin(), now).unwrap(),
            ts("2026-02-28T11:00:00Z")
        );
        assert_eq!(
            parse_since("1y", &berlin(), now).unwrap(),
            ts("2025-03-31T10:00:00Z")
        );
    }

    #[test]
    fn nonsense_is_rejected_naming_the_input() {
        for bad in ["yesterday", "2026-13-01", "7x", "", "31/01/2026"] {
            let err = parse_since(bad, &berlin(), Timestamp::now()).unwrap_err();
            assert!(err.to_string().contains(&format!("\"{bad}\"")), "{err}");
        }
        assert!(parse_instant("7d", &berlin()).is_err());
    }

    #[test]
    fn days_are_read_in_the_persons_calendar() {
        let now = ts("2026-03-10T23:30:00Z"); // already the 11th in Berlin
        let tz = berlin();
        assert_eq!(
            parse_date("today", &tz, now).unwrap(),
            jiff::civil::date(2026, 3, 11)
        );
        assert_eq!(
            parse_date("Yesterday", &tz, now).unwrap(),
            jiff::civil::date(2026, 3, 10)
        );
        assert_eq!(
            parse_date("3d", &tz, now).unwrap(),
            jiff::civil::date(2026, 3, 8)
        );
        assert_eq!(
            parse_date("2026-01-02", &tz, now).unwrap(),
            jiff::civil::date(2026, 1, 2)
        );
        assert!(parse_date("soon", &tz, now)
            .unwrap_err()
            .to_string()
            .contains("today, yesterday"));
    }

    #[test]
    fn a_time_that_can_be_written_can_be_queried_and_nothing_beyond() {
        let now = ts("2026-03-10T12:00:00Z");
        let zones = [
            "UTC",
            "Europe/Berlin",
            "America/New_York",
            "Pacific/Kiritimati",
        ];
        let inputs = [
            "1899-12-31",
            "1900-01-01",
            "1900-01-01 00:00",
            "1900-01-01T00:00:00Z",
            "2199-12-31",
            "2199-12-31 23:59",
            "2199-12-31T23:59:59+14:00",
            "2200-01-01",
            "9999-12-30",
            "-009999-01-02T01:59:59Z",
            "0000-01-01",
        ];
        for zone in zones {
            let tz = TimeZone::get(zone).unwrap();
            for input in inputs {
                let written = parse_instant(input, &tz);
                let results = [
                    written.is_ok(),
                    parse_since(input, &tz, now).is_ok(),
                    parse_until(input, &tz, now).is_ok(),
                    parse_date(input, &tz, now).is_ok(),
                ];
                assert!(
                    results.iter().all(|r| *r == results[0]),
                    "{zone} {input}: instant, since, until, date = {results:?}"
                );
                match written {
                    Ok(t) => assert!(in_range(t.to_zoned(tz.clone()).date()), "{zone} {input}"),
                    Err(e) => assert!(
                        e.to_string().contains("1900-01-01 to 2199-12-31"),
                        "{zone} {input}: {e}"
                    ),
                }
            }
        }
    }

    #[test]
    fn relative_spans_and_days_stay_within_the_range() {
        let now = ts("2026-03-10T12:00:00Z");
        assert!(parse_since("1000y", &TimeZone::UTC, now)
            .unwrap_err()
            .to_string()
            .contains("outside the days"));
        assert!(parse_date("100000d", &TimeZone::UTC, now).is_err());
        assert_eq!(parse_day("2199-12-31").unwrap(), LATEST);
        assert!(parse_day("2200-01-01").is_err());
        assert!(parse_day("1900-1-1").is_err());
        assert!(parse_day("next week")
            .unwrap_err()
            .to_string()
            .contains("YYYY-MM-DD"));
    }
}
