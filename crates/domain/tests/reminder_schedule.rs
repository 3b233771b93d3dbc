//! When reminders come: local times in the person's zone across DST
//! changes, quiet hours and days, practices already done, and properties
//! that make the scheduler safe to run in ticks (no slot lost or repeated
//! however the time is cut into windows).

#![allow(clippy::unwrap_used)]

use between_domain::practice::schedule::Schedule;
use between_domain::reminder::plan::{build, Inputs, PracticeInput};
use between_domain::reminder::{
    message, slots, Days, Item, Kind, Plan, PracticeDays, Quiet, Reminder,
};
use jiff::civil::{date, Date, Time, Weekday};
use jiff::{Span, Timestamp};
use proptest::prelude::*;
use uuid::Uuid;

fn t(h: i8, m: i8) -> Time {
    Time::constant(h, m, 0, 0)
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn checkin(zone: &str, times: Vec<Time>) -> Plan {
    Plan {
        zone: zone.into(),
        quiet: Quiet::default(),
        items: vec![Item {
            id: Uuid::from_u128(1),
            kind: Kind::Checkin,
            times,
            days: Days::Weekly { weekdays: vec![] },
            title: None,
        }],
    }
}

fn instants(plan: &Plan, after: &str, until: &str) -> Vec<String> {
    slots(plan, ts(after), ts(until))
        .iter()
        .map(|s| s.at.to_string())
        .collect()
}

#[test]
fn a_daily_reminder_keeps_its_local_time_across_a_dst_change() {
    let plan = checkin("Europe/Berlin", vec![t(9, 0)]);
    // CET (+01) before 2026-03-29, CEST (+02) after.
    assert_eq!(
        instants(&plan, "2026-03-27T12:00:00Z", "2026-03-31T00:00:00Z"),
        vec![
            "2026-03-28T08:00:00Z",
            "2026-03-29T07:00:00Z",
            "2026-03-30T07:00:00Z"
        ]
    );
}

#[test]
fn a_time_the_clocks_skip_comes_once_just_after_the_gap() {
    // New York springs forward at 02:00 on 2026-03-08: 02:30 does not exist.
    let plan = checkin("America/New_York", vec![t(2, 30)]);
    let got = slots(
        &plan,
        ts("2026-03-07T12:00:00Z"),
        ts("2026-03-09T12:00:00Z"),
    );
    let on_the_day: Vec<_> = got
        .iter()
        .filter(|s| s.local.date() == date(2026, 3, 8))
        .collect();
    assert_eq!(on_the_day.len(), 1);
    // 03:30 EDT = 07:30 UTC.
    assert_eq!(on_the_day[0].at, ts("2026-03-08T07:30:00Z"));
}

#[test]
fn a_time_that_happens_twice_comes_once_the_first_time() {
    // New York falls back at 02:00 on 2026-11-01: 01:30 happens twice.
    let plan = checkin("America/New_York", vec![t(1, 30)]);
    let got = slots(
        &plan,
        ts("2026-10-31T12:00:00Z"),
        ts("2026-11-02T00:00:00Z"),
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].at, ts("2026-11-01T05:30:00Z")); // 01:30 EDT
}

#[test]
fn several_times_a_day_each_come_once() {
    let plan = checkin("UTC", vec![t(8, 0), t(13, 0), t(20, 0)]);
    assert_eq!(
        instants(&plan, "2026-12-07T00:00:00Z", "2026-12-08T00:00:00Z"),
        vec![
            "2026-12-07T08:00:00Z",
            "2026-12-07T13:00:00Z",
            "2026-12-07T20:00:00Z"
        ]
    );
}

#[test]
fn nothing_comes_in_quiet_hours_or_on_quiet_days() {
    let mut plan = checkin("UTC", vec![t(6, 30), t(12, 0), t(22, 30)]);
    plan.quiet = Quiet {
        hours: Some((t(22, 0), t(7, 0))),
        days: vec![Weekday::Sunday],
    };
    // 2026-12-05 is a Saturday, 12-06 a Sunday.
    assert_eq!(
        instants(&plan, "2026-12-05T00:00:00Z", "2026-12-07T00:00:00Z"),
        vec!["2026-12-05T12:00:00Z"]
    );
}

fn practice_plan(schedule: Schedule, done: Vec<Date>) -> Plan {
    Plan {
        zone: "UTC".into(),
        quiet: Quiet::default(),
        items: vec![Item {
            id: Uuid::from_u128(2),
            kind: Kind::Practice {
                practice: Uuid::from_u128(99),
            },
            times: vec![t(18, 0)],
            days: Days::Practice(PracticeDays {
                schedule,
                start: date(2026, 11, 1),
                done,
                finished: false,
            }),
            title: None,
        }],
    }
}

#[test]
fn a_practice_reminder_comes_on_due_days_not_yet_done() {
    let mwf = Schedule::parse("mon,wed,fri").unwrap();
    // Mon 12-07 done already; Wed 12-09 and Fri 12-11 not.
    let plan = practice_plan(mwf, vec![date(2026, 12, 7)]);
    assert_eq!(
        instants(&plan, "2026-12-06T00:00:00Z", "2026-12-13T00:00:00Z"),
        vec!["2026-12-09T18:00:00Z", "2026-12-11T18:00:00Z"]
    );
}

#[test]
fn a_per_week_practice_stops_once_the_week_is_met() {
    let twice = Schedule::parse("per-week:2").unwrap();
    // Done Mon and Tue: nothing more that week; the next week starts again.
    let plan = practice_plan(twice, vec![date(2026, 12, 7), date(2026, 12, 8)]);
    let got = instants(&plan, "2026-12-08T19:00:00Z", "2026-12-15T00:00:00Z");
    assert_eq!(got, vec!["2026-12-14T18:00:00Z"]);
}

#[test]
fn building_the_plan_leaves_out_what_is_off_or_gone_and_titles_unless_detailed() {
    let practice = Uuid::from_u128(7);
    let reminders = vec![
        (
            Uuid::from_u128(1),
            Reminder {
                kind: Kind::Practice { practice },
                times: vec![t(18, 0)],
                weekdays: vec![],
                enabled: true,
            },
        ),
        (
            Uuid::from_u128(2),
            Reminder {
                kind: Kind::Checkin,
                times: vec![t(9, 0)],
                weekdays: vec![],
                enabled: false,
            },
        ),
        (
            Uuid::from_u128(3),
            Reminder {
                kind: Kind::Practice {
                    practice: Uuid::from_u128(8), // deleted
                },
                times: vec![t(18, 0)],
                weekdays: vec![],
                enabled: true,
            },
        ),
        (
            Uuid::from_u128(4),
            Reminder {
                kind: Kind::Session,
                times: vec![t(19, 0)],
                weekdays: vec![],
                enabled: true,
            },
        ),
    ];
    let mut inputs = Inputs {
        zone: "Europe/Berlin",
        today: date(2026, 12, 7),
        quiet: Quiet::default(),
        reminders,
        practices: vec![PracticeInput {
            id: practice,
            title: "Breathing 4-7-8".into(),
            schedule: Schedule::parse("daily").unwrap(),
            start: date(2026, 11, 1),
            logged: vec![date(2026, 1, 1), date(2026, 12, 7)],
            active: true,
        }],
        // 10:00 Berlin on Thursday: reminded Wednesday evening.
        appointments: vec![ts("2026-12-10T09:00:00Z")],
        measures_due: None,
        review_due: None,
        detailed: false,
    };
    let plan = build(&inputs);
    assert_eq!(plan.items.len(), 2);
    let Days::Practice(p) = &plan.items[0].days else {
        panic!("{plan:?}")
    };
    assert_eq!(p.done, vec![date(2026, 12, 7)], "only recent days are kept");
    assert_eq!(plan.items[0].title, None);
    assert_eq!(
        plan.items[1].days,
        Days::Dates {
            dates: vec![date(2026, 12, 9)]
        }
    );
    inputs.detailed = true;
    assert_eq!(
        build(&inputs).items[0].title.as_deref(),
        Some("Breathing 4-7-8")
    );
}

#[test]
fn neutral_wording_names_nothing_and_opens_the_right_page() {
    let plan = practice_plan(Schedule::parse("daily").unwrap(), vec![]);
    let mut plan = plan;
    plan.items[0].title = Some("Call my sister".into());
    let slot = slots(
        &plan,
        ts("2026-12-07T00:00:00Z"),
        ts("2026-12-08T00:00:00Z"),
    )
    .pop()
    .unwrap();
    let neutral = message(&slot, false);
    assert_eq!(neutral.title, "A moment for yourself?");
    assert!(!neutral.body.contains("sister") && !neutral.title.contains("Between"));
    assert_eq!(
        neutral.path,
        "/practices/00000000-0000-0000-0000-000000000063"
    );
    assert!(message(&slot, true).body.contains("Call my sister"));
}

const ZONES: &[&str] = &[
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe", // a half-hour DST shift
    "Asia/Kolkata",
    "Pacific/Chatham",
];

fn any_plan() -> impl Strategy<Value = Plan> {
    (
        0..ZONES.len(),
        proptest::collection::vec((0i8..24, 0i8..4), 1..5),
        proptest::option::of((0i8..24, 0i8..24)),
        proptest::collection::vec(0u8..7, 0..3),
    )
        .prop_map(|(zone, times, quiet, quiet_days)| {
            let days = [
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
                Weekday::Friday,
                Weekday::Saturday,
                Weekday::Sunday,
            ];
            let mut plan = checkin(
                ZONES[zone],
                times.into_iter().map(|(h, q)| t(h, q * 15)).collect(),
            );
            plan.quiet = Quiet {
                hours: quiet.map(|(a, b)| (t(a, 0), t(b, 0))),
                days: quiet_days
                    .into_iter()
                    .map(|d| days[usize::from(d)])
                    .collect(),
            };
            plan
        })
}

proptest! {
    #[test]
    fn cutting_time_into_windows_neither_loses_nor_repeats_a_slot(
        plan in any_plan(),
        start in 1_767_225_600i64..1_798_761_600, // during 2026
        cuts in proptest::collection::vec(1i64..(3 * 86_400), 1..12),
    ) {
        let start = Timestamp::from_second(start).unwrap();
        let mut edges = vec![start];
        let mut at = start;
        for c in cuts {
            at = at.checked_add(Span::new().seconds(c)).unwrap();
            edges.push(at);
        }
        let whole: Vec<String> = slots(&plan, start, at).iter().map(|s| s.key()).collect();
        let mut pieces = Vec::new();
        for w in edges.windows(2) {
            pieces.extend(slots(&plan, w[0], w[1]).iter().map(|s| s.key()));
        }
        prop_assert_eq!(&whole, &pieces);
        let mut unique = whole.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), whole.len());
    }

    #[test]
    fn every_slot_is_in_its_window_and_outside_quiet_times(
        plan in any_plan(),
        start in 1_767_225_600i64..1_798_761_600,
        len in 1i64..(10 * 86_400),
    ) {
        let after = Timestamp::from_second(start).unwrap();
        let until = after.checked_add(Span::new().seconds(len)).unwrap();
        for s in slots(&plan, after, until) {
            prop_assert!(s.at > after && s.at <= until);
            prop_assert!(!plan.quiet.contains(s.local));
        }
    }

    #[test]
    fn each_local_day_gets_each_time_once(
        zone in 0..ZONES.len(),
        day in 0i64..365,
    ) {
        let plan = checkin(ZONES[zone], vec![t(0, 0), t(1, 30), t(2, 30), t(9, 0), t(23, 45)]);
        let d = date(2026, 1, 1).checked_add(Span::new().days(day)).unwrap();
        let tz = jiff::tz::TimeZone::get(ZONES[zone]).unwrap();
        let after = d.yesterday().unwrap().to_zoned(tz.clone()).unwrap().timestamp();
        let until = d.tomorrow().unwrap().tomorrow().unwrap().to_zoned(tz).unwrap().timestamp();
        let on_day = slots(&plan, after, until).into_iter().filter(|s| s.local.date() == d).count();
        prop_assert_eq!(on_day, 5);
    }
}
