//! When a practice is due, as local calendar days. Recurring schedules are
//! RFC 5545 recurrence rules expanded by the `rrule` crate (no hand-written
//! date logic); "N times a week on any days" cannot be said in RFC 5545 and
//! is its own kind. Days are civil dates in the person's zone, so DST never
//! moves an occurrence to another day.

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use crate::validation::ValidationErrors;

/// How often a practice is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Schedule {
    /// An RFC 5545 RRULE (without DTSTART), e.g. `FREQ=WEEKLY;BYDAY=MO,WE,FR`.
    Rule { rrule: String },
    /// Any N days of each Monday–Sunday week.
    PerWeek { times: u8 },
    /// Once, on any day up to and including `by` (a single dated event in
    /// calendar terms).
    Once { by: Date },
}

/// Upper bound on occurrences expanded at once (ten years of daily).
const MAX_OCCURRENCES: usize = 5_000;

fn bad_spec(spec: &str) -> ValidationErrors {
    ValidationErrors::single(
        "schedule",
        format!("\"{spec}\" is not a schedule: use daily, mon,wed,fri, per-week:3, every:2d or once:2026-12-01."),
    )
}

fn weekday_code(s: &str) -> Option<&'static str> {
    Some(match &s.trim().to_lowercase()[..] {
        "mon" | "mo" | "monday" => "MO",
        "tue" | "tu" | "tuesday" => "TU",
        "wed" | "we" | "wednesday" => "WE",
        "thu" | "th" | "thursday" => "TH",
        "fri" | "fr" | "friday" => "FR",
        "sat" | "sa" | "saturday" => "SA",
        "sun" | "su" | "sunday" => "SU",
        _ => return None,
    })
}

impl Schedule {
    /// `daily`, `mon,wed,fri`, `per-week:N`, `every:Nd`, `once:DATE`.
    pub fn parse(spec: &str) -> Result<Schedule, ValidationErrors> {
        let s = spec.trim().to_lowercase();
        if s == "daily" {
            return Ok(Schedule::Rule {
                rrule: "FREQ=DAILY".into(),
            });
        }
        if let Some(n) = s.strip_prefix("per-week:") {
            let times: u8 = n.parse().map_err(|_| bad_spec(spec))?;
            if !(1..=7).contains(&times) {
                return Err(ValidationErrors::single(
                    "schedule",
                    format!("per-week takes 1 to 7 times, not {times}."),
                ));
            }
            return Ok(Schedule::PerWeek { times });
        }
        if let Some(n) = s.strip_prefix("every:").and_then(|n| n.strip_suffix('d')) {
            let n: u32 = n.parse().map_err(|_| bad_spec(spec))?;
            if !(1..=365).contains(&n) {
                return Err(ValidationErrors::single(
                    "schedule",
                    format!("every:Nd takes 1 to 365 days, not {n}."),
                ));
            }
            return Ok(Schedule::Rule {
                rrule: format!("FREQ=DAILY;INTERVAL={n}"),
            });
        }
        if let Some(d) = s.strip_prefix("once:") {
            let date = crate::timespec::parse_day(d).map_err(|e| match e {
                crate::timespec::TimeError::OutOfRange { .. } => {
                    ValidationErrors::single("schedule", e.to_string())
                }
                _ => bad_spec(spec),
            })?;
            return Ok(Schedule::Once { by: date });
        }
        let days: Option<Vec<&str>> = s.split(',').map(weekday_code).collect();
        match days {
            Some(days) if !days.is_empty() => {
                let mut unique: Vec<&str> = Vec::new();
                for d in days {
                    if !unique.contains(&d) {
                        unique.push(d);
                    }
                }
                Ok(Schedule::Rule {
                    rrule: format!("FREQ=WEEKLY;BYDAY={}", unique.join(",")),
                })
            }
            _ => Err(bad_spec(spec)),
        }
    }
}

impl Schedule {
    /// A custom RFC 5545 rule, checked by expanding it.
    pub fn from_rrule(rrule: &str) -> Result<Schedule, ValidationErrors> {
        let rule = rrule.trim().trim_start_matches("RRULE:").to_string();
        if rule.contains('\n') || rule.to_uppercase().contains("DTSTART") {
            return Err(ValidationErrors::single(
                "rrule",
                "Give only the RRULE part, e.g. FREQ=WEEKLY;BYDAY=MO,WE,FR.",
            ));
        }
        let schedule = Schedule::Rule {
            rrule: rule.clone(),
        };
        rule_set(&rule, Date::constant(2026, 1, 1)).map_err(|e| {
            ValidationErrors::single(
                "rrule",
                format!("\"{rule}\" is not a valid recurrence rule: {e}"),
            )
        })?;
        Ok(schedule)
    }

    /// A short description for people.
    pub fn describe(&self) -> String {
        match self {
            Schedule::Once { by } => format!("once, by {by}"),
            Schedule::PerWeek { times: 1 } => "once a week, any day".into(),
            Schedule::PerWeek { times } => format!("{times} times a week, any days"),
            Schedule::Rule { rrule } => match rrule.as_str() {
                "FREQ=DAILY" => "daily".into(),
                r if r.starts_with("FREQ=DAILY;INTERVAL=") => {
                    format!("every {} days", &r["FREQ=DAILY;INTERVAL=".len()..])
                }
                r if r.starts_with("FREQ=DAILY;COUNT=1") => "once".into(),
                r if r.starts_with("FREQ=WEEKLY;BYDAY=") => {
                    let days: Vec<&str> = r["FREQ=WEEKLY;BYDAY=".len()..]
                        .split(',')
                        .map(|d| match d {
                            "MO" => "Mon",
                            "TU" => "Tue",
                            "WE" => "Wed",
                            "TH" => "Thu",
                            "FR" => "Fri",
                            "SA" => "Sat",
                            "SU" => "Sun",
                            other => other,
                        })
                        .collect();
                    days.join(", ")
                }
                other => other.to_string(),
            },
        }
    }

    /// The days in `[from, to]` on which a rule schedule starting on
    /// `start` is due. Empty for per-week schedules (they have no fixed days).
    pub fn occurrences(&self, start: Date, from: Date, to: Date) -> Vec<Date> {
        let Schedule::Rule { rrule } = self else {
            return Vec::new();
        };
        if let Some(simple) = Simple::parse(rrule) {
            return simple.occurrences(start, from, to);
        }
        let Ok(set) = rule_set(rrule, start) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for dt in set.limit().into_iter() {
            let Some(d) = to_date(&dt) else { break };
            if d > to || out.len() >= MAX_OCCURRENCES {
                break;
            }
            if d >= from {
                out.push(d);
            }
        }
        out
    }
}

/// The rules the app's own schedules produce (`FREQ=DAILY[;INTERVAL=n]`,
/// `FREQ=WEEKLY;BYDAY=…`), expanded by date arithmetic: ten years of a
/// daily practice is 3,650 additions instead of a recurrence engine's work.
/// Anything else goes to the full RFC 5545 expansion.
#[derive(Debug, Clone, PartialEq)]
enum Simple {
    Daily { interval: i64 },
    Weekly { days: Vec<jiff::civil::Weekday> },
}

impl Simple {
    fn parse(rrule: &str) -> Option<Simple> {
        let parts: Vec<&str> = rrule.split(';').collect();
        match parts.as_slice() {
            ["FREQ=DAILY"] => Some(Simple::Daily { interval: 1 }),
            ["FREQ=DAILY", interval] => {
                let n: i64 = interval.strip_prefix("INTERVAL=")?.parse().ok()?;
                (1..=366)
                    .contains(&n)
                    .then_some(Simple::Daily { interval: n })
            }
            ["FREQ=WEEKLY", by_day] => {
                use jiff::civil::Weekday::*;
                let days = by_day
                    .strip_prefix("BYDAY=")?
                    .split(',')
                    .map(|d| match d {
                        "MO" => Some(Monday),
                        "TU" => Some(Tuesday),
                        "WE" => Some(Wednesday),
                        "TH" => Some(Thursday),
                        "FR" => Some(Friday),
                        "SA" => Some(Saturday),
                        "SU" => Some(Sunday),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                (!days.is_empty()).then_some(Simple::Weekly { days })
            }
            _ => None,
        }
    }

    fn occurrences(&self, start: Date, from: Date, to: Date) -> Vec<Date> {
        let mut out = Vec::new();
        let (mut day, step) = match self {
            Simple::Daily { interval } => {
                // The first occurrence on or after `from`, counted from `start`.
                let first = if from > start {
                    let behind = (from - start).get_days() as i64;
                    let skip = (behind + interval - 1) / interval * interval;
                    start.checked_add(jiff::Span::new().days(skip)).ok()
                } else {
                    Some(start)
                };
                match first {
                    Some(d) => (d, *interval),
                    None => return out,
                }
            }
            Simple::Weekly { .. } => (start.max(from), 1),
        };
        while day <= to && out.len() < MAX_OCCURRENCES {
            let due = match self {
                Simple::Daily { .. } => true,
                Simple::Weekly { days } => days.contains(&day.weekday()),
            };
            if due {
                out.push(day);
            }
            match day.checked_add(jiff::Span::new().days(step)) {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        out
    }
}

fn rule_set(rrule: &str, start: Date) -> Result<rrule::RRuleSet, rrule::RRuleError> {
    let text = format!(
        "DTSTART:{:04}{:02}{:02}T000000Z\nRRULE:{rrule}",
        start.year(),
        start.month(),
        start.day()
    );
    text.parse::<rrule::RRuleSet>()
}

fn to_date(dt: &chrono::DateTime<rrule::Tz>) -> Option<Date> {
    use chrono::Datelike;
    let d = dt.date_naive();
    Date::new(
        i16::try_from(d.year()).ok()?,
        i8::try_from(d.month()).ok()?,
        i8::try_from(d.day()).ok()?,
    )
    .ok()
}

/// The Monday that starts the week of `d`.
pub fn week_start(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(jiff::Span::new().days(back)).unwrap_or(d)
}

pub fn is_monday(d: Date) -> bool {
    d.weekday() == Weekday::Monday
}

#[cfg(test)]
mod tests {

    /// The general RFC 5545 expansion, for comparing with the fast path.
    fn by_rrule(rrule: &str, start: Date, from: Date, to: Date) -> Vec<Date> {
        let set = rule_set(rrule, start).unwrap();
        set.limit()
            .into_iter()
            .filter_map(|dt| to_date(&dt))
            .take_while(|d| *d <= to)
            .filter(|d| *d >= from)
            .collect()
    }

    #[test]
    fn simple_rules_expand_exactly_as_the_recurrence_engine_does() {
        let rules = [
            "FREQ=DAILY",
            "FREQ=DAILY;INTERVAL=2",
            "FREQ=DAILY;INTERVAL=3",
            "FREQ=DAILY;INTERVAL=7",
            "FREQ=WEEKLY;BYDAY=MO",
            "FREQ=WEEKLY;BYDAY=MO,WE,FR",
            "FREQ=WEEKLY;BYDAY=SA,SU",
            "FREQ=WEEKLY;BYDAY=TU,TH,SU,MO",
        ];
        let base = Date::constant(2026, 2, 23);
        let at = |n: i64| base.checked_add(jiff::Span::new().days(n)).unwrap();
        for rule in rules {
            assert!(Simple::parse(rule).is_some(), "{rule}");
            for start in 0..10 {
                for from in [0, 3, 9, 40] {
                    for length in [0, 1, 6, 20, 400] {
                        let (start, from) = (at(start), at(from));
                        let to = from.checked_add(jiff::Span::new().days(length)).unwrap();
                        let fast =
                            Schedule::Rule { rrule: rule.into() }.occurrences(start, from, to);
                        assert_eq!(
                            fast,
                            by_rrule(rule, start, from, to),
                            "{rule} from start {start}, window {from}..{to}"
                        );
                    }
                }
            }
        }
        for other in ["FREQ=DAILY;COUNT=3", "FREQ=MONTHLY", "FREQ=WEEKLY;BYDAY=XX"] {
            assert!(Simple::parse(other).is_none(), "{other}");
        }
    }

    use super::*;
    use jiff::civil::date;

    fn rule(spec: &str) -> Schedule {
        Schedule::parse(spec).unwrap()
    }

    #[test]
    fn specs_become_rules_or_per_week() {
        assert_eq!(
            rule("daily"),
            Schedule::Rule {
                rrule: "FREQ=DAILY".into()
            }
        );
        assert_eq!(
            rule("Mon,wed,FRI,mon"),
            Schedule::Rule {
                rrule: "FREQ=WEEKLY;BYDAY=MO,WE,FR".into()
            }
        );
        assert_eq!(
            rule("every:3d"),
            Schedule::Rule {
                rrule: "FREQ=DAILY;INTERVAL=3".into()
            }
        );
        assert_eq!(rule("per-week:3"), Schedule::PerWeek { times: 3 });
        assert_eq!(
            rule("once:2026-12-01"),
            Schedule::Once {
                by: date(2026, 12, 1)
            }
        );
        for bad in [
            "weekly-ish",
            "per-week:9",
            "every:0d",
            "mon,funday",
            "once:tomorrow",
            "",
        ] {
            assert!(Schedule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mon_wed_fri_falls_on_those_days_from_the_start() {
        let s = rule("mon,wed,fri");
        let days = s.occurrences(date(2026, 3, 4), date(2026, 3, 1), date(2026, 3, 15));
        assert_eq!(
            days,
            vec![
                date(2026, 3, 4),
                date(2026, 3, 6),
                date(2026, 3, 9),
                date(2026, 3, 11),
                date(2026, 3, 13)
            ]
        );
    }

    #[test]
    fn occurrences_are_whole_days_across_spring_forward_and_fall_back() {
        // Europe: 29 March and 25 October 2026; US: 8 March and 1 November.
        let daily = rule("daily");
        let spring = daily.occurrences(date(2026, 3, 1), date(2026, 3, 27), date(2026, 3, 31));
        assert_eq!(spring.len(), 5);
        let fall = daily.occurrences(date(2026, 3, 1), date(2026, 10, 23), date(2026, 11, 2));
        assert_eq!(fall.len(), 11);
        assert!(fall.windows(2).all(|w| w[0].tomorrow().unwrap() == w[1]));
    }

    #[test]
    fn custom_rules_are_checked() {
        assert!(Schedule::from_rrule("FREQ=MONTHLY;BYMONTHDAY=1").is_ok());
        assert!(Schedule::from_rrule("RRULE:FREQ=WEEKLY;BYDAY=TU").is_ok());
        let err = Schedule::from_rrule("FREQ=SOMETIMES").unwrap_err();
        assert!(err.to_string().contains("FREQ=SOMETIMES"), "{err}");
    }

    #[test]
    fn every_n_days_counts_from_the_start() {
        let s = rule("every:2d");
        assert_eq!(
            s.occurrences(date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 7)),
            vec![date(2026, 1, 3), date(2026, 1, 5), date(2026, 1, 7)]
        );
        assert_eq!(week_start(date(2026, 1, 7)), date(2026, 1, 5));
    }
}
