//! Roadblocks gathered from stored data, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::appointments::NewAppointment;
use between_domain::appointment::{Details, Status};
use between_domain::roadblocks::Kind;
use between_store::testing::TestDb;
use jiff::{SignedDuration, Timestamp};
use support::{app_on, signed_in};

on_both_backends!(missed_sessions_are_a_roadblock_for_their_owner_only);

async fn past(app: &between_app::App, p: &between_app::Principal, days_ago: i64, status: Status) {
    let a = app
        .add_appointment(
            p,
            NewAppointment {
                starts_at: Timestamp::now() - SignedDuration::from_hours(24 * days_ago),
                details: Details::default(),
                repeat: None,
                until: None,
            },
        )
        .await
        .unwrap();
    app.set_appointment_status(p, a.id, status).await.unwrap();
}

async fn missed_sessions_are_a_roadblock_for_their_owner_only(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    past(&app, &p, 60, Status::Missed).await;
    past(&app, &p, 20, Status::Attended).await;
    past(&app, &p, 13, Status::Cancelled).await;
    assert!(
        app.roadblocks(&p).await.unwrap().is_empty(),
        "one in six weeks is not a pattern"
    );
    past(&app, &p, 6, Status::Missed).await;
    let found = app.roadblocks(&p).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, Kind::MissedSessions);
    assert_eq!(
        found[0].text,
        "2 appointments were cancelled or missed in the last 6 weeks."
    );
    assert_eq!(found[0].evidence.len(), 2);
    let (eve, _, _) = signed_in(&app, "eve").await;
    assert!(app.roadblocks(&eve).await.unwrap().is_empty());
}
