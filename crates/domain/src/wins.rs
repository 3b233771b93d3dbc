//! Small wins: milestones found in what a person actually did, each dated.
//! Every rule is here and unit-tested; no win is ever invented from missing
//! data (no entries means no journaling win, not a "zero days" one).

use jiff::civil::Date;
use serde::Serialize;

/// A milestone reached on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Win {
    /// Stable identity, so a win is celebrated once.
    pub key: String,
    pub date: Date,
    pub title: String,
}

/// A goal's check-ins: (day, level for GAS goals or progress fraction).
#[derive(Debug, Clone, Default)]
pub struct GoalFacts {
    pub title: String,
    pub check_ins: Vec<(Date, f64)>,
    /// Measured in GAS levels (else a numeric target).
    pub gas: bool,
}

/// What the rules look at, all dates local.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Days with journal entries (one per entry; repeats allowed).
    pub entry_days: Vec<Date>,
    /// Per practice: its title and the days it was logged.
    pub practices: Vec<(String, Vec<Date>)>,
    pub goals: Vec<GoalFacts>,
    /// Per measure response: (day, instrument name, reliable improvement vs baseline, recovered).
    pub measures: Vec<(Date, &'static str, bool, bool)>,
    /// Days questions were answered.
    pub answered_questions: Vec<Date>,
    /// Days insights were recorded.
    pub insights: Vec<Date>,
}

fn nth(days: &[Date], n: usize) -> Option<Date> {
    let mut sorted = days.to_vec();
    sorted.sort();
    sorted.get(n - 1).copied()
}

/// The first day a run of `len` consecutive days with an entry was completed.
fn streak_reached(days: &[Date], len: usize) -> Option<Date> {
    let mut sorted = days.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut run = 0;
    let mut previous: Option<Date> = None;
    for d in sorted {
        run = match previous {
            Some(p) if p.tomorrow().ok() == Some(d) => run + 1,
            _ => 1,
        };
        if run == len {
            return Some(d);
        }
        previous = Some(d);
    }
    None
}

/// Every win in `facts`, oldest first.
pub fn wins(facts: &Facts) -> Vec<Win> {
    let mut out = Vec::new();
    let mut push = |key: String, date: Option<Date>, title: String| {
        if let Some(date) = date {
            out.push(Win { key, date, title });
        }
    };
    for (n, title) in [
        (1, "Your first journal entry"),
        (7, "7 journal entries"),
        (30, "30 journal entries"),
        (100, "100 journal entries"),
        (365, "365 journal entries"),
    ] {
        push(
            format!("entries-{n}"),
            nth(&facts.entry_days, n),
            title.into(),
        );
    }
    for (len, title) in [
        (7, "A week of journaling, every day"),
        (30, "Thirty days of journaling in a row"),
    ] {
        push(
            format!("journal-streak-{len}"),
            streak_reached(&facts.entry_days, len),
            title.into(),
        );
    }
    for (name, days) in &facts.practices {
        for n in [10, 50, 100] {
            push(
                format!("practice-{name}-{n}"),
                nth(days, n),
                format!("{name}: done {n} times"),
            );
        }
    }
    for GoalFacts {
        title: name,
        check_ins,
        gas,
    } in &facts.goals
    {
        let mut sorted = check_ins.clone();
        sorted.sort_by_key(|(d, _)| *d);
        if *gas {
            for (level, title) in [
                (0.0, "reached the expected level"),
                (1.0, "went beyond the expected level"),
                (2.0, "reached the highest level"),
            ] {
                let day = sorted.iter().find(|(_, l)| *l >= level).map(|(d, _)| *d);
                push(
                    format!("goal-{name}-level-{level}"),
                    day,
                    format!("{name}: {title}"),
                );
            }
        } else {
            let day = sorted.iter().find(|(_, p)| *p >= 1.0).map(|(d, _)| *d);
            push(
                format!("goal-{name}-target"),
                day,
                format!("{name}: target reached"),
            );
        }
    }
    for instrument in ["PHQ-9", "GAD-7"] {
        let mine: Vec<&(Date, &str, bool, bool)> = facts
            .measures
            .iter()
            .filter(|m| m.1 == instrument)
            .collect();
        push(
            format!("measure-{instrument}-improvement"),
            mine.iter().find(|m| m.2).map(|m| m.0),
            format!("{instrument}: a reliable improvement"),
        );
        push(
            format!("measure-{instrument}-recovery"),
            mine.iter().find(|m| m.3).map(|m| m.0),
            format!("{instrument}: below the clinical threshold"),
        );
    }
    push(
        "first-question".into(),
        nth(&facts.answered_questions, 1),
        "Your first question asked and answered".into(),
    );
    push(
        "insights-10".into(),
        nth(&facts.insights, 10),
        "Ten insights recorded".into(),
    );
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.key.cmp(&b.key)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use jiff::Span;

    fn days(from: Date, n: i64, step: i64) -> Vec<Date> {
        (0..n)
            .map(|i| from.checked_add(Span::new().days(i * step)).unwrap())
            .collect()
    }

    #[test]
    fn no_data_means_no_wins() {
        assert!(wins(&Facts::default()).is_empty());
    }

    #[test]
    fn journaling_counts_and_streaks_are_dated_when_reached() {
        let facts = Facts {
            entry_days: days(date(2026, 1, 1), 8, 1),
            ..Facts::default()
        };
        let w = wins(&facts);
        let find = |key: &str| w.iter().find(|w| w.key == key).map(|w| w.date);
        assert_eq!(find("entries-1"), Some(date(2026, 1, 1)));
        assert_eq!(find("entries-7"), Some(date(2026, 1, 7)));
        assert_eq!(find("journal-streak-7"), Some(date(2026, 1, 7)));
        assert_eq!(find("entries-30"), None);
    }

    #[test]
    fn every_other_day_is_no_streak() {
        let facts = Facts {
            entry_days: days(date(2026, 1, 1), 20, 2),
            ..Facts::default()
        };
        assert!(!wins(&facts)
            .iter()
            .any(|w| w.key.starts_with("journal-streak")));
    }

    #[test]
    fn goals_practices_measures_questions_and_insights_have_their_wins() {
        let facts = Facts {
            practices: vec![("Breathing".into(), days(date(2026, 1, 1), 12, 1))],
            goals: vec![
                GoalFacts {
                    title: "Speak up".into(),
                    check_ins: vec![(date(2026, 2, 1), -1.0), (date(2026, 3, 1), 1.0)],
                    gas: true,
                },
                GoalFacts {
                    title: "Fewer attacks".into(),
                    check_ins: vec![(date(2026, 2, 1), 0.5), (date(2026, 4, 1), 1.2)],
                    gas: false,
                },
            ],
            measures: vec![
                (date(2026, 1, 1), "PHQ-9", false, false),
                (date(2026, 3, 1), "PHQ-9", true, true),
            ],
            answered_questions: vec![date(2026, 1, 20)],
            insights: days(date(2026, 1, 1), 10, 3),
            ..Facts::default()
        };
        let keys: Vec<String> = wins(&facts).into_iter().map(|w| w.key).collect();
        for k in [
            "practice-Breathing-10",
            "goal-Speak up-level-0",
            "goal-Speak up-level-1",
            "goal-Fewer attacks-target",
            "measure-PHQ-9-improvement",
            "measure-PHQ-9-recovery",
            "first-question",
            "insights-10",
        ] {
            assert!(keys.iter().any(|x| x == k), "{k} in {keys:?}");
        }
        assert!(!keys.iter().any(|k| k == "goal-Speak up-level-2"));
    }
}
