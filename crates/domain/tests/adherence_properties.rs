//! Invariants of practice adherence and streaks, for any schedule and logs.

#![allow(clippy::unwrap_used)]

use between_domain::practice::adherence::{stats, Plan};
use between_domain::practice::schedule::Schedule;
use jiff::civil::{date, Date};
use jiff::Span;
use proptest::prelude::*;

fn day(n: i64) -> Date {
    date(2026, 1, 1).checked_add(Span::new().days(n)).unwrap()
}

fn schedule() -> impl Strategy<Value = Schedule> {
    prop_oneof![
        Just(Schedule::Rule {
            rrule: "FREQ=DAILY".into()
        }),
        Just(Schedule::Rule {
            rrule: "FREQ=WEEKLY;BYDAY=MO,WE,FR".into()
        }),
        Just(Schedule::Rule {
            rrule: "FREQ=WEEKLY;BYDAY=SA".into()
        }),
        (2u32..5).prop_map(|n| Schedule::Rule {
            rrule: format!("FREQ=DAILY;INTERVAL={n}")
        }),
        (1u8..=7).prop_map(|times| Schedule::PerWeek { times }),
        (0i64..60).prop_map(|d| Schedule::Once { by: day(d) }),
    ]
}

proptest! {
    #[test]
    fn adherence_is_a_fraction_and_streaks_never_exceed_occurrences(
        schedule in schedule(),
        start in 0i64..30,
        logs in proptest::collection::vec(0i64..90, 0..60),
        today in 30i64..90,
    ) {
        let plan = Plan { schedule, start: day(start), end: None };
        let logs: Vec<Date> = logs.into_iter().map(day).collect();
        let s = stats(&plan, &logs, day(0), day(120), day(today));
        if let Some(a) = s.adherence {
            prop_assert!((0.0..=1.0).contains(&a), "{a}");
        }
        prop_assert!(s.done <= s.scheduled);
        let whole = stats(&plan, &logs, day(start), day(today), day(today));
        prop_assert!(s.longest_streak <= whole.scheduled, "{s:?} {whole:?}");
        prop_assert!(s.current_streak <= s.longest_streak);
    }

    #[test]
    fn logs_outside_the_schedule_never_reduce_adherence(
        start in 0i64..14,
        logs in proptest::collection::vec(0i64..60, 0..40),
        extra in proptest::collection::vec(0i64..60, 0..20),
        today in 20i64..60,
    ) {
        // Mon/Wed/Fri: extra logs on Tue/Thu/Sat/Sun are outside the schedule.
        let schedule = Schedule::Rule { rrule: "FREQ=WEEKLY;BYDAY=MO,WE,FR".into() };
        let plan = Plan { schedule: schedule.clone(), start: day(start), end: None };
        let on: Vec<Date> = logs.into_iter().map(day).collect();
        let off: Vec<Date> = extra
            .into_iter()
            .map(day)
            .filter(|d| !schedule.occurrences(day(0), *d, *d).contains(d))
            .collect();
        let before = stats(&plan, &on, day(0), day(today), day(today));
        let mut all = on.clone();
        all.extend(off);
        let after = stats(&plan, &all, day(0), day(today), day(today));
        prop_assert!(after.adherence.unwrap_or(1.0) >= before.adherence.unwrap_or(1.0) - 1e-12);
        prop_assert_eq!(after.scheduled, before.scheduled);
    }
}
