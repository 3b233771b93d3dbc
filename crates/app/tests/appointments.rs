//! Stories of appointments, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::appointments::NewAppointment;
use between_app::AppError;
use between_domain::appointment::{Details, Repeat, Status};
use between_store::testing::TestDb;
use jiff::{SignedDuration, Timestamp};
use support::{app_on, signed_in};

on_both_backends!(
    a_single_appointment_is_added_changed_and_marked,
    a_weekly_series_exists_a_year_ahead_and_edits_change_only_the_future,
    since_last_session_spans_last_attended_to_next_planned,
    appointments_are_private_and_encrypted,
    bad_appointments_are_refused_and_write_nothing,
    reading_a_series_writes_nothing_until_it_needs_extending,
);

async fn reading_a_series_writes_nothing_until_it_needs_extending(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "cy").await;
    app.add_appointment(
        &p,
        NewAppointment {
            starts_at: now_minute() - hours(24 * 3),
            details: with("Dr. Rivera"),
            repeat: Some(Repeat::Weeks(1)),
            until: None,
        },
    )
    .await
    .unwrap();
    let before = db.store.fingerprint().await;
    for _ in 0..3 {
        app.appointments(&p).await.unwrap();
    }
    assert_eq!(
        db.store.fingerprint().await,
        before,
        "reading appointments wrote to the store"
    );
}

fn now_minute() -> Timestamp {
    let t = Timestamp::now();
    t.round(
        jiff::TimestampRound::new()
            .smallest(jiff::Unit::Minute)
            .mode(jiff::RoundMode::Trunc),
    )
    .unwrap()
}

fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}

fn with(label: &str) -> Details {
    Details {
        with: label.into(),
        place: "Room 4".into(),
        ..Details::default()
    }
}

async fn a_single_appointment_is_added_changed_and_marked(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let past = now_minute() - hours(3);
    let a = app
        .add_appointment(
            &p,
            NewAppointment {
                starts_at: past,
                details: with("Dr. Rivera"),
                repeat: None,
                until: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(a.details.status, Status::Planned);
    assert_eq!(app.appointment(&p, a.id).await.unwrap(), a);
    let attended = app
        .set_appointment_status(&p, a.id, Status::Attended)
        .await
        .unwrap();
    assert_eq!(attended.details.status, Status::Attended);
    assert_eq!(attended.details.with, "Dr. Rivera");
    let moved = app
        .update_appointment(
            &p,
            a.id,
            past - hours(1),
            Details {
                duration_minutes: 80,
                ..attended.details.clone()
            },
            false,
        )
        .await
        .unwrap();
    assert_eq!(
        (moved.details.duration_minutes, moved.starts_at),
        (80, past - hours(1))
    );
    app.delete_appointment(&p, a.id).await.unwrap();
    assert!(matches!(
        app.appointment(&p, a.id).await,
        Err(AppError::NotFound(_))
    ));
}

async fn a_weekly_series_exists_a_year_ahead_and_edits_change_only_the_future(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "bo").await;
    let first = now_minute() - hours(24 * 14 + 2);
    let a = app
        .add_appointment(
            &p,
            NewAppointment {
                starts_at: first,
                details: with("Dr. Rivera"),
                repeat: Some(Repeat::Weeks(1)),
                until: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(a.starts_at, first);
    let all = app.appointments(&p).await.unwrap();
    assert!(
        (54..=55).contains(&all.len()),
        "two past weeks and a year ahead: {}",
        all.len()
    );
    assert!(all.iter().all(|x| x.series_id == a.series_id));
    // Each occurrence is its own row: cancel one, attend another.
    app.set_appointment_status(&p, all[0].id, Status::Attended)
        .await
        .unwrap();
    app.set_appointment_status(&p, all[3].id, Status::Cancelled)
        .await
        .unwrap();
    // Changing the series from the 5th occurrence on moves later ones only.
    let fifth = &all[4];
    let changed = app
        .update_appointment(
            &p,
            fifth.id,
            fifth.starts_at + hours(1),
            with("Dr. Chen"),
            true,
        )
        .await
        .unwrap();
    assert_eq!(changed.details.with, "Dr. Chen");
    let after = app.appointments(&p).await.unwrap();
    assert_eq!(
        after[0].details.status,
        Status::Attended,
        "the past is kept"
    );
    assert_eq!(after[3].details.status, Status::Cancelled);
    assert_eq!(after[3].details.with, "Dr. Rivera");
    assert!(after
        .iter()
        .filter(|x| x.starts_at >= changed.starts_at)
        .all(|x| x.details.with == "Dr. Chen"));
    assert!(after
        .iter()
        .filter(|x| x.starts_at < fifth.starts_at)
        .all(|x| x.details.with == "Dr. Rivera"));
    let err = app
        .update_appointment(&p, after[0].id, after[0].starts_at, with("x"), true)
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(_)),
        "attended appointments do not change the series"
    );
}

async fn since_last_session_spans_last_attended_to_next_planned(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "cy").await;
    let add = |at: Timestamp| NewAppointment {
        starts_at: at,
        details: with("Dr. Rivera"),
        repeat: None,
        until: None,
    };
    let now = now_minute();
    let old = app
        .add_appointment(&p, add(now - hours(24 * 14)))
        .await
        .unwrap();
    let last = app
        .add_appointment(&p, add(now - hours(24 * 7)))
        .await
        .unwrap();
    let next = app
        .add_appointment(&p, add(now + hours(24 * 7)))
        .await
        .unwrap();
    app.set_appointment_status(&p, old.id, Status::Attended)
        .await
        .unwrap();
    app.set_appointment_status(&p, last.id, Status::Attended)
        .await
        .unwrap();
    let w = app.since_last_session(&p).await.unwrap();
    assert_eq!(
        (w.last_attended, w.next_planned),
        (Some(last.starts_at), Some(next.starts_at))
    );
    let err = app
        .set_appointment_status(&p, next.id, Status::Attended)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not started yet"), "{err}");
}

async fn appointments_are_private_and_encrypted(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (a, _, _) = signed_in(&app, "dee").await;
    let (b, _, _) = signed_in(&app, "eve").await;
    let mine = app
        .add_appointment(
            &a,
            NewAppointment {
                starts_at: now_minute(),
                details: with("Dr. Zanzibarova"),
                repeat: None,
                until: None,
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        app.appointment(&b, mine.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.delete_appointment(&b, mine.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(app.appointments(&b).await.unwrap().is_empty());
    if let Some(path) = db.sqlite_path() {
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
        assert!(!String::from_utf8_lossy(&bytes).contains("Zanzibarova"));
    }
}

async fn bad_appointments_are_refused_and_write_nothing(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "fay").await;
    let now = now_minute();
    let cases = [
        NewAppointment {
            starts_at: now,
            details: Details {
                duration_minutes: 0,
                ..Details::default()
            },
            repeat: None,
            until: None,
        },
        NewAppointment {
            starts_at: now,
            details: Details::default(),
            repeat: None,
            until: Some(jiff::civil::date(2030, 1, 1)),
        },
        NewAppointment {
            starts_at: now,
            details: Details::default(),
            repeat: Some(Repeat::Weeks(1)),
            until: Some(jiff::civil::date(2000, 1, 1)),
        },
        // Daily since long ago: tens of thousands of rows in one request.
        NewAppointment {
            starts_at: now - hours(24 * 365 * 20),
            details: Details::default(),
            repeat: Some(Repeat::Days(1)),
            until: None,
        },
    ];
    for case in cases {
        assert!(matches!(
            app.add_appointment(&p, case).await,
            Err(AppError::Invalid(_))
        ));
    }
    assert!(app.appointments(&p).await.unwrap().is_empty());
}
