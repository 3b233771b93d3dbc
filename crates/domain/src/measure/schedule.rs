//! When a measure falls due: every N weeks (the PHQ-9's and GAD-7's
//! routine is every two weeks, and before a session when not taken since
//! the last one), before each appointment (from N days before until it
//! starts), once, or never. Instruments nobody scheduled are off, apart
//! from the routine ones.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::instrument::Instrument;
use crate::validation::ValidationErrors;

/// How often an instrument is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cadence {
    /// Every `weeks` weeks since the last one, and before a session within
    /// two days when not taken since the last attended one.
    Every { weeks: u8 },
    /// From `days` days before each appointment until it starts, unless
    /// taken in that window.
    BeforeAppointment { days: u8 },
    /// Once, from when it was asked for, until taken.
    Once,
    /// Not asked for.
    Off,
}

/// A session this close makes a routine measure due if it was not taken
/// since the last session, so the score is fresh for the appointment.
pub const SESSION_SOON: SignedDuration = SignedDuration::from_hours(48);

impl Cadence {
    /// What an instrument does with no schedule of the person's own.
    pub fn default_for(i: Instrument) -> Cadence {
        if Instrument::ROUTINE.contains(&i) {
            Cadence::Every { weeks: 2 }
        } else {
            Cadence::Off
        }
    }

    /// Checks the numbers: 1 to 52 weeks, 1 to 14 days.
    pub fn validated(self) -> Result<Cadence, ValidationErrors> {
        match self {
            Cadence::Every { weeks } if !(1..=52).contains(&weeks) => Err(
                ValidationErrors::single("every", "Every 1 to 52 weeks, please."),
            ),
            Cadence::BeforeAppointment { days } if !(1..=14).contains(&days) => {
                Err(ValidationErrors::single(
                    "days",
                    "From 1 to 14 days before the appointment, please.",
                ))
            }
            c => Ok(c),
        }
    }

    /// In words: "every 2 weeks", "before each appointment (from 2 days
    /// before)", "once", "off".
    pub fn words(self) -> String {
        match self {
            Cadence::Every { weeks: 1 } => "every week".into(),
            Cadence::Every { weeks } => format!("every {weeks} weeks"),
            Cadence::BeforeAppointment { days: 1 } => {
                "before each appointment (from the day before)".into()
            }
            Cadence::BeforeAppointment { days } => {
                format!("before each appointment (from {days} days before)")
            }
            Cadence::Once => "once".into(),
            Cadence::Off => "off".into(),
        }
    }

    /// A cadence written short, as forms and the CLI's `--ask` take it:
    /// `every:2w` (or just `2w`), `before` or `before:3` (days before each
    /// appointment, 2 if not given), `once`, `off`.
    pub fn parse(spec: &str) -> Result<Cadence, ValidationErrors> {
        let t = spec.trim().to_ascii_lowercase();
        let (head, arg) = t.split_once(':').unwrap_or((t.as_str(), ""));
        match head {
            "once" if arg.is_empty() => Ok(Cadence::Once),
            "off" if arg.is_empty() => Ok(Cadence::Off),
            "every" => Cadence::parse_every(arg),
            "before" | "before-appointment" => {
                let days = if arg.is_empty() {
                    2
                } else {
                    arg.trim_end_matches('d').parse::<u8>().unwrap_or(u8::MAX)
                };
                Cadence::BeforeAppointment { days }.validated()
            }
            _ if t.starts_with(|c: char| c.is_ascii_digit()) => Cadence::parse_every(&t),
            _ => Err(ValidationErrors::single(
                "cadence",
                format!(
                    "\"{}\" is not a way to say how often: use every:2w, before, before:3, once or off.",
                    crate::echo::cut(spec.trim(), crate::echo::MAX_QUOTED_CHARS)
                ),
            )),
        }
    }

    /// "2w", "3 weeks", "14d" (whole weeks): a number of weeks.
    pub fn parse_every(s: &str) -> Result<Cadence, ValidationErrors> {
        let t = s.trim().to_ascii_lowercase();
        let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
        let unit = t[digits.len()..].trim();
        let n: u32 = digits.parse().map_err(|_| {
            ValidationErrors::single(
                "every",
                format!("\"{s}\" is not a period: write it like 2w or 14d."),
            )
        })?;
        let weeks = match unit {
            "w" | "wk" | "week" | "weeks" => n,
            "d" | "day" | "days" if n.is_multiple_of(7) => n / 7,
            _ => {
                return Err(ValidationErrors::single(
                    "every",
                    format!("\"{s}\" is not a period in whole weeks: write it like 2w or 14d."),
                ))
            }
        };
        Cadence::Every {
            weeks: u8::try_from(weeks).unwrap_or(u8::MAX),
        }
        .validated()
    }
}

/// What decides whether a measure is due now.
#[derive(Debug, Clone, Copy)]
pub struct DueFacts {
    pub now: Timestamp,
    /// When this instrument was last taken.
    pub last_taken: Option<Timestamp>,
    /// When the schedule was set (for "once").
    pub since: Timestamp,
    /// The start of the next planned appointment.
    pub next_appointment: Option<Timestamp>,
    /// The start of the last attended one.
    pub last_attended: Option<Timestamp>,
}

/// Whether the instrument is due now.
pub fn is_due(cadence: Cadence, f: DueFacts) -> bool {
    match cadence {
        Cadence::Every { weeks } => match f.last_taken {
            None => true,
            Some(t) if t + SignedDuration::from_hours(24 * 7 * i64::from(weeks)) <= f.now => true,
            Some(t) => {
                // Taken before the first session is fresh for it.
                f.next_appointment
                    .is_some_and(|a| a > f.now && a <= f.now + SESSION_SOON)
                    && f.last_attended.is_some_and(|session| t < session)
            }
        },
        Cadence::BeforeAppointment { days } => f.next_appointment.is_some_and(|a| {
            let opens = a - SignedDuration::from_hours(24 * i64::from(days));
            f.now >= opens && f.now < a && f.last_taken.is_none_or(|t| t < opens)
        }),
        Cadence::Once => f.last_taken.is_none_or(|t| t < f.since),
        Cadence::Off => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("a timestamp")
    }

    fn facts(now: &str) -> DueFacts {
        DueFacts {
            now: at(now),
            last_taken: None,
            since: at("2026-11-01T00:00:00Z"),
            next_appointment: None,
            last_attended: None,
        }
    }

    #[test]
    fn every_two_weeks_is_due_when_never_taken_or_two_weeks_on() {
        let every = Cadence::Every { weeks: 2 };
        assert!(is_due(every, facts("2026-12-01T09:00:00Z")));
        let f = DueFacts {
            last_taken: Some(at("2026-11-20T09:00:00Z")),
            ..facts("2026-12-01T09:00:00Z")
        };
        assert!(!is_due(every, f));
        assert!(is_due(
            every,
            DueFacts {
                now: at("2026-12-04T09:00:00Z"),
                ..f
            }
        ));
        // A session tomorrow and none attended yet: taken is fresh.
        let first_session = DueFacts {
            next_appointment: Some(at("2026-12-02T10:00:00Z")),
            ..f
        };
        assert!(!is_due(every, first_session));
        // A session tomorrow, not taken since the last one: due for it.
        assert!(is_due(
            every,
            DueFacts {
                next_appointment: Some(at("2026-12-02T10:00:00Z")),
                last_attended: Some(at("2026-11-25T10:00:00Z")),
                ..f
            }
        ));
    }

    #[test]
    fn before_an_appointment_it_is_due_only_in_its_window_and_until_taken() {
        let before = Cadence::BeforeAppointment { days: 2 };
        let f = DueFacts {
            next_appointment: Some(at("2026-12-10T10:00:00Z")),
            ..facts("2026-12-07T09:00:00Z")
        };
        assert!(!is_due(before, f), "three days before: not yet");
        let inside = DueFacts {
            now: at("2026-12-08T11:00:00Z"),
            ..f
        };
        assert!(is_due(before, inside));
        assert!(!is_due(
            before,
            DueFacts {
                last_taken: Some(at("2026-12-08T10:30:00Z")),
                ..inside
            }
        ));
        assert!(is_due(
            before,
            DueFacts {
                last_taken: Some(at("2026-12-01T10:30:00Z")),
                ..inside
            }
        ));
        assert!(
            !is_due(before, facts("2026-12-08T11:00:00Z")),
            "no appointment"
        );
    }

    #[test]
    fn once_is_due_until_taken_after_it_was_asked_for_and_off_never() {
        let f = facts("2026-12-07T09:00:00Z");
        assert!(is_due(Cadence::Once, f));
        assert!(is_due(
            Cadence::Once,
            DueFacts {
                last_taken: Some(at("2026-10-01T00:00:00Z")),
                ..f
            }
        ));
        assert!(!is_due(
            Cadence::Once,
            DueFacts {
                last_taken: Some(at("2026-11-02T00:00:00Z")),
                ..f
            }
        ));
        assert!(!is_due(Cadence::Off, f));
    }

    #[test]
    fn periods_parse_in_whole_weeks_and_bad_ones_say_why() {
        assert_eq!(
            Cadence::parse_every("2w").unwrap(),
            Cadence::Every { weeks: 2 }
        );
        assert_eq!(
            Cadence::parse_every("14d").unwrap(),
            Cadence::Every { weeks: 2 }
        );
        assert_eq!(
            Cadence::parse_every("1 week").unwrap(),
            Cadence::Every { weeks: 1 }
        );
        assert!(Cadence::parse_every("10d")
            .unwrap_err()
            .to_string()
            .contains("whole weeks"));
        assert!(Cadence::parse_every("0w").is_err());
        assert!(Cadence::parse_every("99w").is_err());
        assert!(Cadence::parse_every("soon").is_err());
        assert_eq!(
            Cadence::default_for(Instrument::Phq9),
            Cadence::Every { weeks: 2 }
        );
        assert_eq!(Cadence::default_for(Instrument::Pcl5), Cadence::Off);
        assert_eq!(
            Cadence::BeforeAppointment { days: 2 }.words(),
            "before each appointment (from 2 days before)"
        );
    }

    #[test]
    fn short_cadences_read_as_forms_and_the_cli_write_them() {
        assert_eq!(
            Cadence::parse("every:2w").ok(),
            Some(Cadence::Every { weeks: 2 })
        );
        assert_eq!(Cadence::parse("1w").ok(), Some(Cadence::Every { weeks: 1 }));
        assert_eq!(
            Cadence::parse("before").ok(),
            Some(Cadence::BeforeAppointment { days: 2 })
        );
        assert_eq!(
            Cadence::parse("before:3").ok(),
            Some(Cadence::BeforeAppointment { days: 3 })
        );
        assert_eq!(Cadence::parse(" Once ").ok(), Some(Cadence::Once));
        assert!(Cadence::parse("before:30").is_err());
        assert!(Cadence::parse("fortnightly").is_err());
        assert!(Cadence::parse("once:2").is_err());
    }
}
