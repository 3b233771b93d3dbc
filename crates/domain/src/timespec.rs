//! Parsing the times people type: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` (in their
//! own zone), RFC 3339, and relative `Nd`/`Nw`/`Nm`/`Ny` ago for ranges.
//! Date ranges include both end days, in the person's local calendar.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, Zoned};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "\"{input}\" is not a time I understand: use YYYY-MM-DD, YYYY-MM-DD HH:MM, RFC 3339{relative}"
)]
pub struct TimeError {
    input: String,
    relative: &'static str,
}

impl TimeError {
    fn new(input: &str, relative: bool) -> Self {
        TimeError {
            input: input.chars().take(60).collect(),
            relative: if relative {
                " or a relative 7d, 2w, 3m, 1y"
            } else {
                ""
            },
        }
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

fn parse_absolute(input: &str, tz: &TimeZone) -> Option<Parsed> {
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
    match parse_absolute(input, tz) {
        Some(Parsed::Instant(t)) => Ok(t),
        Some(Parsed::Day(d)) => start_of_day(d, tz).ok_or_else(|| TimeError::new(input, false)),
        None => Err(TimeError::new(input, false)),
    }
}

fn parse_relative(input: &str, now: &Zoned) -> Option<Timestamp> {
    let s = input.trim();
    let unit = s.chars().last()?;
    let n: i64 = s[..s.len() - unit.len_utf8()].parse().ok()?;
    if !(0..=1000).contains(&n) {
        return None;
    }
    let span = match unit {
        'd' => Span::new().days(n),
        'w' => Span::new().weeks(n),
        'm' => Span::new().months(n),
        'y' => Span::new().years(n),
        _ => return None,
    };
    now.checked_sub(span).ok().map(|z| z.timestamp())
}

/// The inclusive start of a range: a date is the start of that local day.
pub fn parse_since(input: &str, tz: &TimeZone, now: Timestamp) -> Result<Timestamp, TimeError> {
    if let Some(t) = parse_relative(input, &now.to_zoned(tz.clone())) {
        return Ok(t);
    }
    parse_instant(input, tz).map_err(|_| TimeError::new(input, true))
}

/// The exclusive end of a range: a date includes that whole local day.
pub fn parse_until(input: &str, tz: &TimeZone, now: Timestamp) -> Result<Timestamp, TimeError> {
    let just_after = |t: Timestamp| t.checked_add(Span::new().microseconds(1)).unwrap_or(t);
    if let Some(t) = parse_relative(input, &now.to_zoned(tz.clone())) {
        return Ok(just_after(t));
    }
    match parse_absolute(input, tz) {
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
    let err = || TimeError {
        input: s.chars().take(60).collect(),
        relative: " (a day: YYYY-MM-DD, today, yesterday or 3d for three days ago)",
    };
    match s.to_ascii_lowercase().as_str() {
        "today" => return Ok(today),
        "yesterday" => return today.yesterday().map_err(|_| err()),
        _ => {}
    }
    if let Some(n) = s.strip_suffix('d').and_then(|n| n.parse::<i64>().ok()) {
        if (0..=100_000).contains(&n) {
            return today.checked_sub(Span::new().days(n)).map_err(|_| err());
        }
    }
    match parse_absolute(s, tz) {
        Some(Parsed::Day(d)) => Ok(d),
        Some(Parsed::Instant(t)) => Ok(t.to_zoned(tz.clone()).date()),
        None => Err(err()),
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
}
