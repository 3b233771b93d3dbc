//! Warning signs from a person's own data — step 1 of the Stanley–Brown
//! safety plan made something Between notices: a small rule language
//! (a tracker past a line so many days in a row, low mood on so many days
//! of a window, a tag or a strong feeling within a window, a questionnaire
//! reliably worse), built from a form or the CLI, never from free-text
//! code. Rules are pure functions of [`Facts`]: days in the person's own
//! time zone, so a window is the person's days, whatever the server's.
//! Evaluated only while the person is signed in (their keys are open);
//! nobody watches them in real time.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::measure::Instrument;
use crate::validation::ValidationErrors;

/// The most days any window looks back.
pub const MAX_WINDOW: u8 = 60;

/// How far back a streak may have ended and still count as now.
pub const STREAK_RECENT_DAYS: u8 = 7;

/// How far back a questionnaire's worse score still counts as now.
pub const MEASURE_RECENT_DAYS: u8 = 30;

/// One rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// A tracker below (or above) `value` on `days` days in a row, ending
    /// within the last week: "sleep under 6 hours 3 nights in a row".
    Tracker {
        /// The tracker's key (`sleep`).
        tracker: String,
        below: bool,
        value: f64,
        days: u8,
    },
    /// Mood at or below `at_most` (1–10) on at least `days` days of the
    /// last `window` days.
    LowMood { at_most: u8, days: u8, window: u8 },
    /// Entries tagged `tag` at least `times` times in the last `window` days.
    Tag { tag: String, times: u8, window: u8 },
    /// A feeling named `feeling` at `at_least` (0–10) or stronger in the
    /// last `window` days.
    Feeling {
        feeling: String,
        at_least: u8,
        window: u8,
    },
    /// The latest response of `instrument` within the last 30 days is
    /// reliably worse than the one before or the first.
    MeasureWorse { instrument: Instrument },
}

/// What happened on one of the person's days.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Day {
    /// Moods of that day's entries (1–10).
    pub moods: Vec<u8>,
    /// Tags of each entry, lower-cased: one item per entry and tag.
    pub tags: Vec<String>,
    /// Feelings named in entries, lower-cased, with intensity.
    pub feelings: Vec<(String, u8)>,
    /// Tracker key → the day's value.
    pub trackers: BTreeMap<String, f64>,
}

/// Everything rules look at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// The person's today.
    pub today: Option<Date>,
    pub days: BTreeMap<Date, Day>,
    /// (instrument, day taken, reliably worse than the one before or the first).
    pub measures: Vec<(Instrument, Date, bool)>,
}

/// A rule that matches: since which day, and what it saw, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    pub on: Date,
    pub evidence: String,
}

fn day_words(n: u8) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

impl Rule {
    /// Checks the numbers and names: windows of 1 to 60 days, counts within
    /// their window, moods 1–10, intensities 0–10, names not empty.
    pub fn validated(self) -> Result<Rule, ValidationErrors> {
        let err = |field: &str, why: &str| Err(ValidationErrors::single(field, why));
        let window_ok = |w: u8| (1..=MAX_WINDOW).contains(&w);
        match &self {
            Rule::Tracker {
                tracker,
                value,
                days,
                ..
            } => {
                if tracker.trim().is_empty() {
                    return err("tracker", "Choose a tracker.");
                }
                if !value.is_finite() {
                    return err("value", "The line is a number, like 6 or 7.5.");
                }
                if !(1..=14).contains(days) {
                    return err("days", "From 1 to 14 days in a row, please.");
                }
            }
            Rule::LowMood {
                at_most,
                days,
                window,
            } => {
                if !(1..=10).contains(at_most) {
                    return err("at_most", "Mood runs from 1 to 10.");
                }
                if !window_ok(*window) || *days == 0 || days > window {
                    return err(
                        "days",
                        "At least 1 day, and no more days than the window (up to 60).",
                    );
                }
            }
            Rule::Tag { tag, times, window } => {
                if tag.trim().is_empty() {
                    return err("tag", "Name the tag.");
                }
                if !window_ok(*window) || *times == 0 {
                    return err("times", "At least once, within 1 to 60 days.");
                }
            }
            Rule::Feeling {
                feeling,
                at_least,
                window,
            } => {
                if feeling.trim().is_empty() {
                    return err("feeling", "Name the feeling.");
                }
                if *at_least > 10 {
                    return err("at_least", "Intensity runs from 0 to 10.");
                }
                if !window_ok(*window) {
                    return err("window", "Within 1 to 60 days, please.");
                }
            }
            Rule::MeasureWorse { .. } => {}
        }
        Ok(match self {
            Rule::Tracker {
                tracker,
                below,
                value,
                days,
            } => Rule::Tracker {
                tracker: tracker.trim().to_lowercase(),
                below,
                value,
                days,
            },
            Rule::Tag { tag, times, window } => Rule::Tag {
                tag: tag.trim().trim_start_matches('#').to_lowercase(),
                times,
                window,
            },
            Rule::Feeling {
                feeling,
                at_least,
                window,
            } => Rule::Feeling {
                feeling: feeling.trim().to_lowercase(),
                at_least,
                window,
            },
            other => other,
        })
    }

    /// The rule in words: "sleep under 6 on 3 days in a row".
    pub fn words(&self) -> String {
        match self {
            Rule::Tracker {
                tracker,
                below,
                value,
                days,
            } => format!(
                "{tracker} {} {} on {} in a row",
                if *below { "under" } else { "over" },
                number(*value),
                day_words(*days)
            ),
            Rule::LowMood {
                at_most,
                days,
                window,
            } => format!(
                "mood {at_most} or lower on {} within {}",
                day_words(*days),
                day_words(*window)
            ),
            Rule::Tag { tag, times, window } => format!(
                "the tag #{tag} {} within {}",
                if *times == 1 {
                    "once".to_string()
                } else {
                    format!("{times} times")
                },
                day_words(*window)
            ),
            Rule::Feeling {
                feeling,
                at_least,
                window,
            } => format!(
                "feeling {feeling} at {at_least} or more within {}",
                day_words(*window)
            ),
            Rule::MeasureWorse { instrument } => {
                format!("my {} reliably worse", instrument.name())
            }
        }
    }

    /// The days of a window of `n` days ending today.
    fn window(today: Date, n: u8) -> impl Iterator<Item = Date> {
        (0..i64::from(n))
            .filter_map(move |back| today.checked_sub(jiff::Span::new().days(back)).ok())
    }

    /// Whether the rule matches `f`, and on what.
    pub fn evaluate(&self, f: &Facts) -> Option<Fired> {
        let today = f.today?;
        match self {
            Rule::Tracker {
                tracker,
                below,
                value,
                days,
            } => {
                let past = |d: &Date| {
                    f.days
                        .get(d)
                        .and_then(|day| day.trackers.get(tracker))
                        .is_some_and(|v| if *below { v < value } else { v > value })
                };
                // A run of `days` days ending within the last week.
                Rule::window(today, STREAK_RECENT_DAYS).find_map(|end| {
                    let run: Vec<Date> = Rule::window(end, *days).collect();
                    (run.len() == usize::from(*days) && run.iter().all(past)).then(|| Fired {
                        on: *run.last().unwrap_or(&end),
                        evidence: format!(
                            "{tracker} {} {} on {} in a row, up to {end}",
                            if *below { "under" } else { "over" },
                            number(*value),
                            day_words(*days)
                        ),
                    })
                })
            }
            Rule::LowMood {
                at_most,
                days,
                window,
            } => {
                let low: Vec<Date> = Rule::window(today, *window)
                    .filter(|d| {
                        f.days
                            .get(d)
                            .is_some_and(|day| day.moods.iter().any(|m| m <= at_most))
                    })
                    .collect();
                (low.len() >= usize::from(*days)).then(|| Fired {
                    on: *low.last().unwrap_or(&today),
                    evidence: format!(
                        "mood {at_most} or lower on {} of the last {}",
                        day_words(u8::try_from(low.len()).unwrap_or(u8::MAX)),
                        day_words(*window)
                    ),
                })
            }
            Rule::Tag { tag, times, window } => {
                let mut seen: Vec<Date> = Vec::new();
                for d in Rule::window(today, *window) {
                    if let Some(day) = f.days.get(&d) {
                        seen.extend(day.tags.iter().filter(|t| *t == tag).map(|_| d));
                    }
                }
                (seen.len() >= usize::from(*times)).then(|| Fired {
                    on: *seen.last().unwrap_or(&today),
                    evidence: format!(
                        "#{tag} {} times in the last {}",
                        seen.len(),
                        day_words(*window)
                    ),
                })
            }
            Rule::Feeling {
                feeling,
                at_least,
                window,
            } => Rule::window(today, *window).find_map(|d| {
                let strongest = f
                    .days
                    .get(&d)?
                    .feelings
                    .iter()
                    .filter(|(name, level)| name == feeling && level >= at_least)
                    .map(|(_, level)| *level)
                    .max()?;
                Some(Fired {
                    on: d,
                    evidence: format!("{feeling} at {strongest} on {d}"),
                })
            }),
            Rule::MeasureWorse { instrument } => {
                let (_, on, worse) = f.measures.iter().rfind(|(i, _, _)| i == instrument)?;
                let recent = Rule::window(today, MEASURE_RECENT_DAYS).any(|d| d == *on);
                (*worse && recent).then(|| Fired {
                    on: *on,
                    evidence: format!("the {} of {on} is reliably worse", instrument.name()),
                })
            }
        }
    }
}

/// A warning sign in the person's words with its rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarningSign {
    /// What the person calls it ("Not sleeping").
    pub name: String,
    pub rule: Rule,
    /// The links (share ids) whose therapist's dashboard may show that it
    /// matched; none by default.
    #[serde(default)]
    pub tell: Vec<uuid::Uuid>,
}

/// The longest name.
pub const MAX_NAME: usize = 200;

impl WarningSign {
    pub fn validated(self) -> Result<WarningSign, ValidationErrors> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(ValidationErrors::single(
                "name",
                "Give it a name in your own words.",
            ));
        }
        if name.chars().count() > MAX_NAME {
            return Err(ValidationErrors::single(
                "name",
                format!("Keep the name under {MAX_NAME} characters."),
            ));
        }
        crate::storable::check_text("name", &name)?;
        let mut tell = self.tell;
        tell.sort();
        tell.dedup();
        Ok(WarningSign {
            name,
            rule: self.rule.validated()?,
            tell,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(n: i64) -> Date {
        jiff::civil::date(2026, 1, 1)
            .checked_add(jiff::Span::new().days(n))
            .unwrap_or_default()
    }

    fn sleep(values: &[(i64, f64)], today: i64) -> Facts {
        let mut f = Facts {
            today: Some(date(today)),
            ..Facts::default()
        };
        for (d, v) in values {
            f.days
                .entry(date(*d))
                .or_default()
                .trackers
                .insert("sleep".into(), *v);
        }
        f
    }

    fn short_sleep() -> Rule {
        Rule::Tracker {
            tracker: "sleep".into(),
            below: true,
            value: 6.0,
            days: 3,
        }
    }

    #[test]
    fn three_short_nights_in_a_row_fire_and_a_gap_breaks_the_run() {
        let fired = short_sleep().evaluate(&sleep(&[(10, 5.0), (11, 5.5), (12, 4.0)], 12));
        assert_eq!(fired.map(|f| f.on), Some(date(10)));
        let broken = sleep(&[(10, 5.0), (11, 7.0), (12, 4.0), (13, 5.0)], 13);
        assert_eq!(short_sleep().evaluate(&broken), None);
        let missing_night = sleep(&[(10, 5.0), (12, 4.0), (13, 5.0)], 13);
        assert_eq!(
            short_sleep().evaluate(&missing_night),
            None,
            "a day without a reading is not a short night"
        );
        let long_ago = sleep(&[(10, 5.0), (11, 5.5), (12, 4.0)], 30);
        assert_eq!(
            short_sleep().evaluate(&long_ago),
            None,
            "a run that ended weeks ago is not now"
        );
    }

    #[test]
    fn words_read_as_the_person_would_say_them() {
        assert_eq!(short_sleep().words(), "sleep under 6 on 3 days in a row");
        let low = Rule::LowMood {
            at_most: 3,
            days: 2,
            window: 7,
        };
        assert_eq!(low.words(), "mood 3 or lower on 2 days within 7 days");
        let tag = Rule::Tag {
            tag: "withdrew".into(),
            times: 2,
            window: 7,
        };
        assert_eq!(tag.words(), "the tag #withdrew 2 times within 7 days");
        let worse = Rule::MeasureWorse {
            instrument: Instrument::Phq9,
        };
        assert_eq!(worse.words(), "my PHQ-9 reliably worse");
    }

    #[test]
    fn windows_are_the_persons_days_and_end_today() {
        let rule = Rule::LowMood {
            at_most: 3,
            days: 2,
            window: 7,
        };
        let mut f = Facts {
            today: Some(date(20)),
            ..Facts::default()
        };
        f.days.entry(date(13)).or_default().moods.push(2);
        f.days.entry(date(20)).or_default().moods.push(3);
        assert_eq!(
            rule.evaluate(&f),
            None,
            "day 13 is eight days back, outside a 7-day window"
        );
        f.days.entry(date(14)).or_default().moods.push(1);
        assert!(rule.evaluate(&f).is_some());
    }

    #[test]
    fn a_worse_questionnaire_counts_while_it_is_recent_and_the_latest() {
        let rule = Rule::MeasureWorse {
            instrument: Instrument::Phq9,
        };
        let mut f = Facts {
            today: Some(date(40)),
            ..Facts::default()
        };
        f.measures.push((Instrument::Phq9, date(35), true));
        assert!(rule.evaluate(&f).is_some());
        f.measures.push((Instrument::Phq9, date(39), false));
        assert_eq!(rule.evaluate(&f), None, "the latest is what counts");
        f.measures.clear();
        f.measures.push((Instrument::Phq9, date(2), true));
        assert_eq!(rule.evaluate(&f), None, "more than 30 days ago");
    }

    #[test]
    fn out_of_range_rules_are_refused() {
        assert!(Rule::LowMood {
            at_most: 3,
            days: 8,
            window: 7
        }
        .validated()
        .is_err());
        assert!(Rule::Tag {
            tag: " ".into(),
            times: 1,
            window: 7
        }
        .validated()
        .is_err());
        assert!(Rule::Tracker {
            tracker: "sleep".into(),
            below: true,
            value: f64::NAN,
            days: 3
        }
        .validated()
        .is_err());
        let tag = Rule::Tag {
            tag: " #Withdrew".into(),
            times: 2,
            window: 7,
        }
        .validated();
        assert_eq!(
            tag.ok(),
            Some(Rule::Tag {
                tag: "withdrew".into(),
                times: 2,
                window: 7
            })
        );
    }

    fn a_rule() -> impl Strategy<Value = Rule> {
        prop_oneof![
            (1u8..6, any::<bool>(), 3.0f64..9.0).prop_map(|(days, below, value)| Rule::Tracker {
                tracker: "sleep".into(),
                below,
                value,
                days,
            }),
            (1u8..=10, 1u8..6, 6u8..15).prop_map(|(at_most, days, window)| Rule::LowMood {
                at_most,
                days,
                window
            }),
            (1u8..5, 3u8..15).prop_map(|(times, window)| Rule::Tag {
                tag: "withdrew".into(),
                times,
                window
            }),
            (0u8..=10, 1u8..15).prop_map(|(at_least, window)| Rule::Feeling {
                feeling: "hopeless".into(),
                at_least,
                window
            }),
        ]
    }

    fn a_day() -> impl Strategy<Value = Day> {
        (
            proptest::collection::vec(1u8..=10, 0..3),
            proptest::collection::vec(
                prop_oneof![Just("withdrew".to_string()), Just("walk".to_string())],
                0..3,
            ),
            proptest::collection::vec((Just("hopeless".to_string()), 0u8..=10), 0..2),
            proptest::option::of(2.0f64..10.0),
        )
            .prop_map(|(moods, tags, feelings, sleep)| Day {
                moods,
                tags,
                feelings,
                trackers: sleep
                    .into_iter()
                    .map(|v| ("sleep".to_string(), v))
                    .collect(),
            })
    }

    fn facts(days: Vec<(i64, Day)>, today: i64) -> Facts {
        Facts {
            today: Some(date(today)),
            days: days.into_iter().map(|(d, day)| (date(d), day)).collect(),
            measures: Vec::new(),
        }
    }

    /// The fewest days of data a rule needs to match at all.
    fn needs(rule: &Rule) -> usize {
        match rule {
            Rule::Tracker { days, .. } | Rule::LowMood { days, .. } => usize::from(*days),
            Rule::Tag { .. } | Rule::Feeling { .. } | Rule::MeasureWorse { .. } => 1,
        }
    }

    /// A day that matches nothing any generated rule looks for... except
    /// what it cannot avoid: no mood, no tags, no feelings, no reading.
    fn blank() -> Day {
        Day::default()
    }

    proptest! {
        #[test]
        fn a_rule_never_fires_on_less_data_than_it_needs(
            rule in a_rule(),
            days in proptest::collection::vec((0i64..20, a_day()), 0..6),
        ) {
            let f = facts(days, 20);
            let with_data = f.days.values().filter(|d| **d != Day::default()).count();
            if with_data < needs(&rule) {
                prop_assert_eq!(rule.evaluate(&f), None);
            }
        }

        #[test]
        fn adding_a_day_without_a_match_never_makes_it_fire(
            rule in a_rule(),
            days in proptest::collection::vec((0i64..20, a_day()), 0..12),
            at in 0i64..21,
        ) {
            let before = facts(days, 20);
            let mut after = before.clone();
            // A day that holds nothing, or a reading on the safe side.
            let mut quiet = blank();
            if let Rule::Tracker { below, value, .. } = &rule {
                quiet.trackers.insert("sleep".into(), if *below { value + 1.0 } else { value - 1.0 });
            }
            if after.days.contains_key(&date(at)) {
                return Ok(());
            }
            after.days.insert(date(at), quiet);
            if rule.evaluate(&before).is_none() {
                prop_assert_eq!(rule.evaluate(&after), None);
            }
        }

        #[test]
        fn a_rule_is_the_same_whichever_day_the_data_is_shifted_to(
            rule in a_rule(),
            days in proptest::collection::vec((0i64..20, a_day()), 0..12),
            shift in 0i64..400,
        ) {
            let here = facts(days.clone(), 20);
            let there = facts(days.into_iter().map(|(d, day)| (d + shift, day)).collect(), 20 + shift);
            prop_assert_eq!(rule.evaluate(&here).is_some(), rule.evaluate(&there).is_some());
        }
    }
}
