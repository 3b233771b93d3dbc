//! A reminder as the person sets it: what it is for, at which local times,
//! on which days of the week, on or off.

use jiff::civil::{Time, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validation::ValidationErrors;

/// At most this many times a day for one reminder ("mood three times a
/// day" is three).
pub const MAX_TIMES: usize = 8;

/// What a reminder is for; each opens its own page when tapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    /// A moment to write or check in, every chosen day at the chosen times.
    Checkin,
    /// One practice, on the days it is due and not yet done.
    Practice { practice: Uuid },
    /// The day before an appointment: the agenda is ready.
    Session,
    /// Questionnaires that are due.
    Measures,
    /// The periodic review that is due.
    Review,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Checkin => "checkin",
            Kind::Practice { .. } => "practice",
            Kind::Session => "session",
            Kind::Measures => "measures",
            Kind::Review => "review",
        }
    }

    /// How the settings page names it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Checkin => "Check-in",
            Kind::Practice { .. } => "Practice due",
            Kind::Session => "Session tomorrow",
            Kind::Measures => "Questionnaires due",
            Kind::Review => "Review due",
        }
    }

    /// `checkin`, `session`, `measures`, `review`, or `practice` with the
    /// practice's id.
    pub fn parse(s: &str, practice: Option<Uuid>) -> Result<Kind, ValidationErrors> {
        let kind = match s.trim().to_lowercase().as_str() {
            "checkin" | "check-in" | "journal" => Kind::Checkin,
            "session" | "appointment" => Kind::Session,
            "measures" | "measure" | "questionnaires" => Kind::Measures,
            "review" => Kind::Review,
            "practice" => match practice {
                Some(practice) => Kind::Practice { practice },
                None => {
                    return Err(ValidationErrors::single(
                        "practice",
                        "A practice reminder needs the practice it is for.",
                    ))
                }
            },
            other => {
                return Err(ValidationErrors::single(
                    "kind",
                    format!(
                        "\"{other}\" is not a reminder kind: use checkin, practice, session, measures or review."
                    ),
                ))
            }
        };
        if practice.is_some() && !matches!(kind, Kind::Practice { .. }) {
            return Err(ValidationErrors::single(
                "practice",
                "Only a practice reminder names a practice.",
            ));
        }
        Ok(kind)
    }
}

/// One reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub kind: Kind,
    /// Local times of day, sorted, without repeats.
    pub times: Vec<Time>,
    /// Days of the week it may come on; empty means every day. (Practice,
    /// session, questionnaire and review reminders come when those are due.)
    #[serde(default, with = "weekday_list")]
    pub weekdays: Vec<Weekday>,
    #[serde(default = "on")]
    pub enabled: bool,
}

fn on() -> bool {
    true
}

impl Reminder {
    /// Checked and put in order: one to eight times, sorted, no repeats.
    pub fn validated(mut self) -> Result<Reminder, ValidationErrors> {
        self.times.sort();
        self.times.dedup();
        self.weekdays.sort_by_key(|d| d.to_monday_zero_offset());
        self.weekdays.dedup();
        if self.times.is_empty() {
            return Err(ValidationErrors::single(
                "times",
                "Give at least one time of day, e.g. 09:00.",
            ));
        }
        if self.times.len() > MAX_TIMES {
            return Err(ValidationErrors::single(
                "times",
                format!("At most {MAX_TIMES} times a day, not {}.", self.times.len()),
            ));
        }
        Ok(self)
    }
}

/// `09:00`, `9:00`, `21:30` (seconds are dropped).
pub fn parse_time(s: &str) -> Result<Time, ValidationErrors> {
    let s = s.trim();
    let bad = || {
        ValidationErrors::single(
            "times",
            format!("\"{s}\" is not a time of day: use HH:MM, e.g. 08:30 or 21:00."),
        )
    };
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let h: i8 = h.parse().map_err(|_| bad())?;
    let m: i8 = m.get(..2).unwrap_or(m).parse().map_err(|_| bad())?;
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

/// Times separated by commas or spaces: `08:00, 13:00 20:00`.
pub fn parse_times(s: &str) -> Result<Vec<Time>, ValidationErrors> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(parse_time)
        .collect()
}

/// `mon,wed,fri`, `weekdays`, `weekends`, `daily` (or empty: every day).
pub fn parse_weekdays(s: &str) -> Result<Vec<Weekday>, ValidationErrors> {
    use Weekday::*;
    let s = s.trim().to_lowercase();
    match s.as_str() {
        "" | "daily" | "every day" | "all" => return Ok(Vec::new()),
        "weekdays" => return Ok(vec![Monday, Tuesday, Wednesday, Thursday, Friday]),
        "weekends" | "weekend" => return Ok(vec![Saturday, Sunday]),
        _ => {}
    }
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(|d| {
            weekday(d).ok_or_else(|| {
                ValidationErrors::single(
                    "weekdays",
                    format!("\"{d}\" is not a day of the week: use mon, tue, … sun, weekdays or weekends."),
                )
            })
        })
        .collect()
}

pub(crate) fn weekday(s: &str) -> Option<Weekday> {
    use Weekday::*;
    Some(match s.trim().to_lowercase().as_str() {
        "mon" | "mo" | "monday" => Monday,
        "tue" | "tu" | "tuesday" => Tuesday,
        "wed" | "we" | "wednesday" => Wednesday,
        "thu" | "th" | "thursday" => Thursday,
        "fri" | "fr" | "friday" => Friday,
        "sat" | "sa" | "saturday" => Saturday,
        "sun" | "su" | "sunday" => Sunday,
        _ => return None,
    })
}

/// Days of the week in JSON and MessagePack as `["mon", "wed"]`.
pub(crate) mod weekday_list {
    use jiff::civil::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(days: &[Weekday], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(days.iter().map(|d| super::short_name(*d)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Weekday>, D::Error> {
        let names: Vec<String> = Vec::deserialize(d)?;
        names
            .iter()
            .map(|n| {
                super::weekday(n).ok_or_else(|| {
                    serde::de::Error::custom(format!("{n:?} is not a day of the week"))
                })
            })
            .collect()
    }
}

fn short_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Monday => "mon",
        Weekday::Tuesday => "tue",
        Weekday::Wednesday => "wed",
        Weekday::Thursday => "thu",
        Weekday::Friday => "fri",
        Weekday::Saturday => "sat",
        Weekday::Sunday => "sun",
    }
}

/// `Mon, Wed` for people; "every day" when empty.
pub fn describe_weekdays(days: &[Weekday]) -> String {
    if days.is_empty() || days.len() == 7 {
        return "every day".into();
    }
    days.iter()
        .map(|d| match d {
            Weekday::Monday => "Mon",
            Weekday::Tuesday => "Tue",
            Weekday::Wednesday => "Wed",
            Weekday::Thursday => "Thu",
            Weekday::Friday => "Fri",
            Weekday::Saturday => "Sat",
            Weekday::Sunday => "Sun",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_sorted_and_without_repeats() {
        let r = Reminder {
            kind: Kind::Checkin,
            times: parse_times("20:00, 8:00 13:00,08:00").unwrap(),
            weekdays: vec![],
            enabled: true,
        }
        .validated()
        .unwrap();
        assert_eq!(
            r.times,
            vec![
                Time::constant(8, 0, 0, 0),
                Time::constant(13, 0, 0, 0),
                Time::constant(20, 0, 0, 0)
            ]
        );
    }

    #[test]
    fn a_bad_time_or_day_names_what_is_wrong() {
        let e = parse_times("8:00, 25:00").unwrap_err().to_string();
        assert!(e.contains("\"25:00\" is not a time of day"), "{e}");
        let e = parse_weekdays("mon,funday").unwrap_err().to_string();
        assert!(e.contains("\"funday\""), "{e}");
        let e = Kind::parse("practice", None).unwrap_err().to_string();
        assert!(e.contains("needs the practice"), "{e}");
        let e = Reminder {
            kind: Kind::Checkin,
            times: vec![],
            weekdays: vec![],
            enabled: true,
        }
        .validated()
        .unwrap_err()
        .to_string();
        assert!(e.contains("at least one time"), "{e}");
    }

    #[test]
    fn weekday_shorthands() {
        assert_eq!(parse_weekdays("weekdays").unwrap().len(), 5);
        assert_eq!(parse_weekdays("daily").unwrap(), vec![]);
        assert_eq!(
            parse_weekdays("sat sun").unwrap(),
            vec![Weekday::Saturday, Weekday::Sunday]
        );
        assert_eq!(describe_weekdays(&[]), "every day");
    }
}
