//! The periods a chart or statistics page offers: a month, three months, a
//! year or everything, chosen with `?period=`.

use between_domain::timespec::{self, TimeRange};
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// (`?period=` value, label), in the order the pages show them.
pub const PERIODS: [(&str, &str); 4] = [
    ("1m", "Month"),
    ("3m", "3 months"),
    ("1y", "Year"),
    ("all", "All"),
];

/// The requested period (three months when missing or unknown) and the
/// range it covers up to now.
pub fn chosen(requested: Option<&str>, tz: &TimeZone, now: Timestamp) -> (String, TimeRange) {
    let key = match requested {
        Some(p) if PERIODS.iter().any(|(k, _)| *k == p) => p,
        _ => "3m",
    };
    let since = (key != "all")
        .then(|| timespec::parse_since(key, tz, now).ok())
        .flatten();
    (key.to_string(), TimeRange { since, until: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_periods_fall_back_to_three_months_and_all_is_open() {
        let tz = TimeZone::UTC;
        let (key, range) = chosen(Some("5y"), &tz, Timestamp::now());
        assert_eq!(key, "3m");
        assert!(range.since.is_some());
        assert_eq!(
            chosen(Some("all"), &tz, Timestamp::now()).1,
            TimeRange::default()
        );
    }
}
