//! A therapist's dashboard row comes from a small summary the client's app
//! seals to that therapist, on SQLite and PostgreSQL: made again after each
//! write it summarises, gone at once with a scope turned off or a link
//! ended, the same figures as working them out from the shared records,
//! and ignored (worked out live instead) when it does not open as the
//! client's.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::appointments::NewAppointment;
use between_app::sharing::ClientSummary;
use between_app::{App, Config, Principal};
use between_domain::appointment::{Details, Repeat};
use between_domain::measure::{Instrument, Response};
use between_domain::share::Scope;
use between_store::testing::TestDb;
use support::{signed_in, therapist};

on_both_backends!(
    the_row_is_the_clients_sealed_summary_made_again_after_each_write,
    a_scope_turned_off_leaves_the_row_at_once,
    a_sealed_summary_says_what_the_shared_records_say,
    a_summary_that_does_not_open_as_the_clients_is_ignored,
    an_ended_link_keeps_no_summary,
    publishing_ends_when_drafting_writes_itself,
);

async fn phq9(app: &App, p: &Principal, answer: u8) {
    app.take_measure(
        p,
        Response {
            instrument: Instrument::Phq9,
            answers: vec![answer; 9],
            difficulty: None,
        },
        None,
    )
    .await
    .unwrap();
}

/// Ada linked with dr-rivera, sharing measures and practice.
async fn linked(app: &App) -> (Principal, Principal) {
    let (ada, _, _) = signed_in(app, "ada").await;
    let dr = therapist(app, "dr-rivera").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    app.accept_share_invite(&dr, &invite.code).await.unwrap();
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Measures, Scope::Practice], &[])
        .await
        .unwrap();
    app.settle().await;
    (ada, dr)
}

async fn row(app: &App, dr: &Principal) -> ClientSummary {
    let rows = app.client_summaries(dr).await.unwrap();
    assert_eq!(rows.len(), 1);
    rows.into_iter().next().unwrap()
}

fn latest_total(row: &ClientSummary) -> Option<u8> {
    row.measures
        .as_ref()?
        .iter()
        .find(|(i, ..)| *i == Instrument::Phq9)
        .map(|(_, total, ..)| *total)
}

async fn the_row_is_the_clients_sealed_summary_made_again_after_each_write(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, dr) = linked(&app).await;
    let first = row(&app, &dr).await;
    assert!(first.as_of.is_some(), "sealed when the scopes were set");
    assert_eq!(first.measures, Some(Vec::new()), "no measure yet");

    phq9(&app, &ada, 1).await;
    app.settle().await;
    let after = row(&app, &dr).await;
    assert!(after.as_of.is_some());
    assert_eq!(latest_total(&after), Some(9), "the write is in the summary");

    // Two writes in a row: the last one is always reflected.
    phq9(&app, &ada, 2).await;
    phq9(&app, &ada, 3).await;
    app.settle().await;
    assert_eq!(latest_total(&row(&app, &dr).await), Some(27));
}

async fn a_scope_turned_off_leaves_the_row_at_once(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, dr) = linked(&app).await;
    phq9(&app, &ada, 2).await;
    app.settle().await;
    assert_eq!(latest_total(&row(&app, &dr).await), Some(18));
    app.set_share_scopes(&ada, "dr-rivera", &[], &[Scope::Measures])
        .await
        .unwrap();
    // No settling: the summary holding measures is gone with the scope.
    let now = row(&app, &dr).await;
    assert_eq!(now.measures, None);
    assert_eq!(now.safety_flag, None);
    assert!(now.adherence.is_some(), "practice is still shared");
}

async fn a_sealed_summary_says_what_the_shared_records_say(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, dr) = linked(&app).await;
    phq9(&app, &ada, 1).await;
    phq9(&app, &ada, 3).await;
    app.settle().await;
    let sealed = row(&app, &dr).await;
    assert!(sealed.as_of.is_some());
    // Without it, the row is worked out from the shared records.
    let share = db.store.active_shares(ada.user.id).await.unwrap()[0].id;
    db.store.delete_share_items(share, "summary").await.unwrap();
    let live = row(&app, &dr).await;
    assert_eq!(live.as_of, None);
    assert_eq!(
        format!(
            "{:?}",
            ClientSummary {
                as_of: None,
                ..sealed
            }
        ),
        format!("{live:?}"),
        "the same figures either way"
    );
}

async fn a_summary_that_does_not_open_as_the_clients_is_ignored(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, dr) = linked(&app).await;
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Agenda], &[])
        .await
        .unwrap();
    phq9(&app, &ada, 2).await;
    app.settle().await;
    // A database writer puts another box of the link (the agenda
    // snapshot) where the summary was.
    db.store
        .execute_for_tests(
            "UPDATE share_items SET for_therapist = (SELECT s.for_therapist FROM share_items s WHERE s.kind = 'agenda') WHERE kind = 'summary'",
        )
        .await;
    let row = row(&app, &dr).await;
    assert_eq!(row.as_of, None, "worked out live instead");
    assert_eq!(latest_total(&row), Some(18));
}

async fn an_ended_link_keeps_no_summary(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, dr) = linked(&app).await;
    phq9(&app, &ada, 2).await;
    app.settle().await;
    let share = db.store.active_shares(ada.user.id).await.unwrap()[0].id;
    assert_eq!(
        db.store.share_items(share, "summary").await.unwrap().len(),
        1
    );
    app.end_share(&ada, "dr-rivera").await.unwrap();
    assert!(db
        .store
        .share_items(share, "summary")
        .await
        .unwrap()
        .is_empty());
    // A write after the end publishes nothing to the former therapist.
    phq9(&app, &ada, 3).await;
    app.settle().await;
    assert!(db
        .store
        .share_items(share, "summary")
        .await
        .unwrap()
        .is_empty());
    assert!(app.client_summaries(&dr).await.unwrap().is_empty());
}

async fn publishing_ends_when_drafting_writes_itself(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, dr) = linked(&app).await;
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Agenda], &[])
        .await
        .unwrap();
    // A weekly series, kept a year ahead by whoever reads appointments:
    // the drafts themselves write to it.
    app.add_appointment(
        &ada,
        NewAppointment {
            starts_at: app.now() - jiff::SignedDuration::from_hours(24 * 30),
            details: Details::default(),
            repeat: Some(Repeat::Weeks(1)),
            until: None,
        },
    )
    .await
    .unwrap();
    for answer in 0..4 {
        phq9(&app, &ada, answer).await;
    }
    tokio::time::timeout(std::time::Duration::from_secs(30), app.settle())
        .await
        .expect("the background queue empties");
    let row = row(&app, &dr).await;
    assert!(row.as_of.is_some() && row.next_appointment.is_some());
    assert_eq!(latest_total(&row), Some(27));
}
