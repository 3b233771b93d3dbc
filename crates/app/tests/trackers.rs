//! Stories of daily trackers, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::trackers::Given;
use between_app::AppError;
use between_domain::timespec::TimeRange;
use between_domain::tracker::{preset, Tracker, TrackerKind};
use between_domain::EntryContent;
use between_store::testing::TestDb;
use jiff::ToSpan;
use support::{app_on, signed_in, stored_bytes};

on_both_backends!(
    a_check_in_records_one_reading_per_tracker_per_day,
    a_bad_reading_is_refused_and_writes_nothing,
    trackers_have_unique_names_and_deleting_removes_readings,
    short_sleep_shows_up_in_the_patterns,
    readings_are_private_and_encrypted,
    concurrent_check_ins_lose_nothing,
);

fn text(s: &str) -> Given {
    Given::Text(s.into())
}

async fn a_check_in_records_one_reading_per_tracker_per_day(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let sleep = app.add_tracker(&p, preset("sleep").unwrap()).await.unwrap();
    app.add_tracker(&p, preset("exercise").unwrap())
        .await
        .unwrap();
    let day = app.today(&p);
    let recorded = app
        .track(
            &p,
            day,
            &[
                ("sleep".into(), text("7.5")),
                ("exercise".into(), text("yes")),
            ],
        )
        .await
        .unwrap();
    assert_eq!(recorded.len(), 2);
    // A second check-in the same day replaces the reading, it does not add one.
    app.track(&p, day, &[("sleep".into(), text("6"))])
        .await
        .unwrap();
    let readings = app
        .readings(&p, sleep.id, TimeRange::default())
        .await
        .unwrap();
    assert_eq!(readings.len(), 1);
    assert_eq!(readings[0].value, 6.0);
    let on_day = app.tracked_on(&p, day).await.unwrap();
    let values: Vec<(String, Option<f64>)> = on_day
        .iter()
        .map(|(t, v)| (t.data.key.clone(), *v))
        .collect();
    assert_eq!(
        values,
        vec![("sleep".into(), Some(6.0)), ("exercise".into(), Some(1.0))]
    );
    // Yesterday is a different day; clearing removes a reading.
    let yesterday = day.yesterday().unwrap();
    app.track(&p, yesterday, &[("Sleep".into(), Given::Number(8.0))])
        .await
        .unwrap();
    app.track(&p, day, &[("exercise".into(), Given::Clear)])
        .await
        .unwrap();
    let on_day = app.tracked_on(&p, day).await.unwrap();
    assert_eq!(on_day[1].1, None);
    assert_eq!(
        app.readings(&p, sleep.id, TimeRange::default())
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn a_bad_reading_is_refused_and_writes_nothing(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let sleep = app.add_tracker(&p, preset("sleep").unwrap()).await.unwrap();
    app.add_tracker(&p, preset("exercise").unwrap())
        .await
        .unwrap();
    let day = app.today(&p);
    let err = app
        .track(
            &p,
            day,
            &[
                ("sleep".into(), text("7")),
                ("exercise".into(), text("maybe")),
                ("coffee".into(), text("2")),
            ],
        )
        .await
        .unwrap_err();
    let AppError::Invalid(errors) = err else {
        panic!("expected a validation error")
    };
    assert_eq!(
        errors.get("exercise"),
        Some("Exercise is yes or no, not \"maybe\".")
    );
    assert_eq!(
        errors.get("tracker.coffee"),
        Some("There is no tracker called \"coffee\". Your trackers are: sleep, exercise.")
    );
    assert!(app
        .readings(&p, sleep.id, TimeRange::default())
        .await
        .unwrap()
        .is_empty());
    let tomorrow = day.tomorrow().unwrap();
    assert!(matches!(
        app.track(&p, tomorrow, &[("sleep".into(), text("7"))])
            .await,
        Err(AppError::Invalid(_))
    ));
    assert!(matches!(
        app.track(&p, day, &[]).await,
        Err(AppError::Invalid(_))
    ));
}

async fn trackers_have_unique_names_and_deleting_removes_readings(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let coffee = app
        .add_tracker(
            &p,
            Tracker::new("Coffee", TrackerKind::Number, Some("cups")),
        )
        .await
        .unwrap();
    assert_eq!(coffee.data.key, "coffee");
    assert!(matches!(
        app.add_tracker(&p, Tracker::new("coffee", TrackerKind::YesNo, None))
            .await,
        Err(AppError::Invalid(_))
    ));
    app.track(&p, app.today(&p), &[("coffee".into(), text("3"))])
        .await
        .unwrap();
    // With readings, the kind stays; the name and unit may change.
    let as_rating = Tracker {
        kind: TrackerKind::Rating,
        unit: None,
        ..coffee.data.clone()
    };
    assert!(matches!(
        app.edit_tracker(&p, coffee.id, as_rating).await,
        Err(AppError::Invalid(_))
    ));
    let renamed = Tracker {
        name: "Coffee and tea".into(),
        unit: Some("cups".into()),
        ..coffee.data.clone()
    };
    let edited = app.edit_tracker(&p, coffee.id, renamed).await.unwrap();
    assert_eq!(edited.data.name, "Coffee and tea");
    assert_eq!(edited.data.key, "coffee");
    // Someone else cannot see or delete it.
    let (eve, _, _) = signed_in(&app, "eve").await;
    assert!(matches!(
        app.delete_tracker(&eve, coffee.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(app.trackers(&eve).await.unwrap().is_empty());
    app.delete_tracker(&p, coffee.id).await.unwrap();
    assert!(app.trackers(&p).await.unwrap().is_empty());
    assert!(app
        .readings(&p, coffee.id, TimeRange::default())
        .await
        .unwrap()
        .is_empty());
}

async fn short_sleep_shows_up_in_the_patterns(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    app.add_tracker(&p, preset("sleep").unwrap()).await.unwrap();
    let tz = p.user.time_zone.clone();
    let mut entries = Vec::new();
    for i in 1..=12i64 {
        let day = app.today(&p).checked_sub(i.days()).unwrap();
        let short = i % 2 == 0;
        app.track(
            &p,
            day,
            &[("sleep".into(), text(if short { "5" } else { "8" }))],
        )
        .await
        .unwrap();
        let at = day
            .at(19, 0, 0, 0)
            .to_zoned(tz.clone())
            .unwrap()
            .timestamp();
        entries.push((
            EntryContent {
                mood: Some(if short { 3 } else { 8 } + (i % 3) as u8 % 2),
                ..Default::default()
            },
            at,
        ));
    }
    app.add_entries(&p, entries).await.unwrap();
    let found = app.patterns(&p, TimeRange::default()).await.unwrap();
    let sleep = found
        .findings
        .iter()
        .find(|f| f.kind == "tracker_mood")
        .unwrap();
    assert!(
        sleep
            .sentence
            .starts_with("On days with *Sleep* under 6 hours (6 days) your mood was"),
        "{}",
        sleep.sentence
    );
}

async fn readings_are_private_and_encrypted(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    app.add_tracker(
        &p,
        Tracker::new("Zolpidem-taken-xyz", TrackerKind::YesNo, None),
    )
    .await
    .unwrap();
    app.track(
        &p,
        app.today(&p),
        &[("zolpidem-taken-xyz".into(), text("yes"))],
    )
    .await
    .unwrap();
    let bytes = stored_bytes(db).await;
    assert!(!bytes.windows(b"Zolpidem".len()).any(|w| w == b"Zolpidem"));
    assert!(!bytes.windows(b"zolpidem".len()).any(|w| w == b"zolpidem"));
}

async fn concurrent_check_ins_lose_nothing(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let sleep = app.add_tracker(&p, preset("sleep").unwrap()).await.unwrap();
    app.add_tracker(&p, preset("exercise").unwrap())
        .await
        .unwrap();
    let first = app
        .today(&p)
        .first_of_month()
        .checked_sub(1.month())
        .unwrap();
    let day = |n: i64| first.checked_add(n.days()).unwrap();
    app.track(&p, day(0), &[("sleep".into(), text("7"))])
        .await
        .unwrap();
    // Several writers touch the same month at once, in different ways.
    let w1 = [("sleep".to_string(), text("6"))];
    let w2 = [("sleep".to_string(), text("8"))];
    let w3 = [("exercise".to_string(), text("yes"))];
    let w4 = [
        ("sleep".to_string(), text("5")),
        ("exercise".to_string(), text("no")),
    ];
    let (a, b, c, d) = tokio::join!(
        app.track(&p, day(1), &w1),
        app.track(&p, day(2), &w2),
        app.track(&p, day(1), &w3),
        app.track(&p, day(3), &w4),
    );
    for r in [a, b, c, d] {
        r.unwrap();
    }
    let values: Vec<f64> = app
        .readings(&p, sleep.id, TimeRange::default())
        .await
        .unwrap()
        .iter()
        .map(|r| r.value)
        .collect();
    assert_eq!(values, vec![7.0, 6.0, 8.0, 5.0]);
    let on_day_1 = app.tracked_on(&p, day(1)).await.unwrap();
    assert_eq!(on_day_1[1].1, Some(1.0));
}
