//! Stories of practices and their logs, on SQLite and PostgreSQL, including
//! local days across the spring-forward and fall-back weeks.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::AppError;
use between_domain::practice::definition::{Log, Practice, Template};
use between_domain::practice::schedule::Schedule;
use between_store::testing::TestDb;
use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use support::{app_on, signed_in};

on_both_backends!(
    a_daily_practice_counts_local_days_across_spring_forward,
    a_mon_wed_fri_practice_counts_local_days_across_fall_back,
    logs_are_validated_undone_and_private,
);

fn practice(schedule: &str, start: jiff::civil::Date) -> Practice {
    Practice {
        title: "Evening breathing".into(),
        instructions: "Four counts in, six out".into(),
        why: String::new(),
        goal_id: None,
        assigned_by: "self".into(),
        template: Template::Mindfulness,
        schedule: Schedule::parse(schedule).unwrap(),
        start,
        end: None,
        archived: false,
    }
}

fn berlin(local: &str) -> Timestamp {
    local
        .parse::<jiff::civil::DateTime>()
        .unwrap()
        .to_zoned(TimeZone::get("Europe/Berlin").unwrap())
        .unwrap()
        .timestamp()
}

async fn a_daily_practice_counts_local_days_across_spring_forward(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await; // Europe/Berlin
    let v = app
        .add_practice(&p, practice("daily", date(2026, 3, 23)))
        .await
        .unwrap();
    // Berlin springs forward on Sunday 29 March 2026 (02:00 → 03:00).
    for local in [
        "2026-03-23T21:00",
        "2026-03-24T23:30",
        "2026-03-26T00:30",
        "2026-03-27T08:00",
        "2026-03-28T23:59",
        "2026-03-29T00:10",
        "2026-03-29T03:30",
        "2026-03-30T22:00",
    ] {
        app.log_practice(&p, v.practice.id, Log::default(), Some(berlin(local)))
            .await
            .unwrap();
    }
    let v = app.practice(&p, v.practice.id).await.unwrap();
    let tz = TimeZone::get("Europe/Berlin").unwrap();
    let s = v.stats_between(&tz, date(2026, 3, 23), date(2026, 3, 30), date(2026, 3, 31));
    // Missed only Wednesday 25th; two logs on the 29th count once.
    assert_eq!((s.scheduled, s.done), (8, 7));
    assert_eq!((s.current_streak, s.longest_streak), (5, 5));
}

async fn a_mon_wed_fri_practice_counts_local_days_across_fall_back(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "bo").await;
    let v = app
        .add_practice(&p, practice("mon,wed,fri", date(2026, 10, 19)))
        .await
        .unwrap();
    // Berlin falls back on Sunday 25 October 2026 (03:00 → 02:00).
    for local in [
        "2026-10-19T07:00",
        "2026-10-21T23:45",
        "2026-10-23T00:15",
        "2026-10-26T02:30",
        "2026-10-28T19:00",
        "2026-10-30T23:59",
    ] {
        app.log_practice(&p, v.practice.id, Log::default(), Some(berlin(local)))
            .await
            .unwrap();
    }
    let v = app.practice(&p, v.practice.id).await.unwrap();
    let tz = TimeZone::get("Europe/Berlin").unwrap();
    let s = v.stats_between(
        &tz,
        date(2026, 10, 19),
        date(2026, 11, 1),
        date(2026, 11, 2),
    );
    assert_eq!(
        (s.scheduled, s.done, s.current_streak),
        (6, 6, 6),
        "every Mon/Wed/Fri on its local day"
    );
}

async fn logs_are_validated_undone_and_private(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "cy").await;
    let (other, _, _) = signed_in(&app, "dee").await;
    let today = Timestamp::now().to_zoned(p.user.time_zone.clone()).date();
    let v = app
        .add_practice(
            &p,
            Practice {
                template: Template::ThoughtRecord,
                ..practice("daily", today)
            },
        )
        .await
        .unwrap();
    assert!(v.stats.due_today);
    let log = Log::from_fields(
        Template::ThoughtRecord,
        Some(10),
        Some(7),
        "couldn't focus at first",
        &[
            ("intensity_before".into(), "8".into()),
            ("intensity_after".into(), "4".into()),
        ],
    )
    .unwrap();
    let (stored, after) = app
        .log_practice(&p, v.practice.id, log, None)
        .await
        .unwrap();
    assert!(after.stats.done_today && !after.stats.due_today);
    assert_eq!(stored.data.intensity_drop(), Some(4));
    assert_eq!(app.practices_today(&p).await.unwrap().len(), 1);
    assert_same_today(&app, &p).await;
    let future = Timestamp::now() + jiff::SignedDuration::from_hours(3);
    assert!(matches!(
        app.log_practice(&p, v.practice.id, Log::default(), Some(future))
            .await,
        Err(AppError::Invalid(_))
    ));
    let before_start = Timestamp::now() - jiff::SignedDuration::from_hours(24 * 3);
    assert!(matches!(
        app.log_practice(&p, v.practice.id, Log::default(), Some(before_start))
            .await,
        Err(AppError::Invalid(_))
    ));
    assert!(matches!(
        app.practice(&other, v.practice.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.unlog_practice(&other, stored.id).await,
        Err(AppError::NotFound(_))
    ));
    let undone = app.unlog_practice(&p, stored.id).await.unwrap();
    assert!(undone.logs.is_empty() && undone.stats.due_today);
    assert_same_today(&app, &p).await;
    let archived = app.archive_practice(&p, v.practice.id, true).await.unwrap();
    assert!(archived.practice.data.archived);
    assert!(app.practices_today(&p).await.unwrap().is_empty());
    assert!(app.practices_today_brief(&p).await.unwrap().is_empty());
}

/// Home's list of today's practices (from log times, no log opened) says
/// what the full list says.
async fn assert_same_today(app: &between_app::App, p: &between_app::Principal) {
    let full: Vec<_> = app
        .practices_today(p)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.practice.id, v.stats))
        .collect();
    let brief: Vec<_> = app
        .practices_today_brief(p)
        .await
        .unwrap()
        .into_iter()
        .map(|(practice, stats)| (practice.id, stats))
        .collect();
    assert_eq!(brief, full);
}
