//! The guarantee of rotation, stated directly, on SQLite and PostgreSQL:
//! collect every key a former therapist could ever have opened — the keys
//! sealed to them, and what a database copy taken while linked opens with
//! them, the calendar feed's credential included (as if they knew its
//! address) — end the link, let the rotation run, write new data of every
//! kind, and show that nothing stored then opens with any of those keys.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::appointments::NewAppointment;
use between_app::sessions::SignInAs;
use between_app::{App, Config, Principal};
use between_domain::appointment::Details;
use between_domain::measure::{Instrument, Response};
use between_domain::practice::definition::{Practice, Template};
use between_domain::practice::schedule::Schedule;
use between_domain::share::Scope;
use between_domain::EntryContent;
use between_store::testing::TestDb;
use jiff::{SignedDuration, Timestamp};
use support::{signed_in, therapist, PASSWORD};

on_both_backends!(nothing_stored_after_the_rotation_opens_with_a_former_therapists_keys);

/// Some of everything a therapist could be shared: entries (shared and
/// private), a measure, an insight, an appointment, a practice.
async fn write_some_of_everything(app: &App, p: &Principal, label: &str) {
    for shared in [true, false] {
        app.add_entry(
            p,
            EntryContent {
                text: format!("{label}: shared {shared}"),
                shared,
                ..EntryContent::default()
            },
            None,
        )
        .await
        .unwrap();
    }
    app.take_measure(
        p,
        Response {
            instrument: Instrument::Phq9,
            answers: vec![1; 9],
            difficulty: None,
        },
        None,
    )
    .await
    .unwrap();
    app.add_insight(
        p,
        label,
        between_domain::insight::InsightKind::Strategy,
        between_app::insights::LinkTo::None,
        Vec::new(),
    )
    .await
    .unwrap();
    app.add_appointment(
        p,
        NewAppointment {
            starts_at: Timestamp::now() + SignedDuration::from_hours(48),
            details: Details::default(),
            repeat: None,
            until: None,
        },
    )
    .await
    .unwrap();
    app.add_practice(
        p,
        Practice {
            title: label.into(),
            instructions: String::new(),
            why: String::new(),
            goal_id: None,
            assigned_by: "self".into(),
            template: Template::Free,
            schedule: Schedule::parse("daily").unwrap(),
            start: jiff::Zoned::now().date(),
            end: None,
            archived: false,
        },
    )
    .await
    .unwrap();
}

async fn nothing_stored_after_the_rotation_opens_with_a_former_therapists_keys(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    let user = ada.user.id;
    write_some_of_everything(&app, &ada, "before").await;
    let dr = therapist(&app, "dr-rivera").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    let link = app.accept_share_invite(&dr, &invite.code).await.unwrap();
    app.set_share_scopes(
        &ada,
        "dr-rivera",
        &[
            Scope::Journal,
            Scope::Measures,
            Scope::Insights,
            Scope::Practice,
            Scope::Goals,
            Scope::Feedback,
        ],
        &[],
    )
    .await
    .unwrap();
    let feed_secret = app.calendar_secret(&ada, false).await.unwrap();
    write_some_of_everything(&app, &ada, "while linked").await;

    // Everything the therapist could ever have opened while linked.
    let mut held = app.keys_sealed_to(&dr, link.id).await.unwrap();
    held.extend(app.keys_of_feed_secret(&feed_secret).await.unwrap());
    assert!(held.0.len() >= 7, "the sealed keys and the feed's");
    let secrets = vec![feed_secret.clone()];
    // They do open a great deal now: the check below is not vacuous.
    let opened_while_linked = app.rows_opening_with(user, &held, &secrets).await.unwrap();
    assert!(opened_while_linked.iter().any(|r| r.starts_with("entry")));
    assert!(opened_while_linked.iter().any(|r| r.starts_with("measure")));
    assert!(opened_while_linked
        .iter()
        .any(|r| r.starts_with("appointment")));
    assert!(opened_while_linked
        .iter()
        .any(|r| r.starts_with("credential")));

    // The link ends; the rotation runs at the next unlock.
    app.end_share(&ada, "dr-rivera").await.unwrap();
    let ada = app
        .sign_in("ada", PASSWORD, "test", SignInAs::WebSession, "after")
        .await
        .unwrap()
        .0;
    assert!(db.store.due_rotations(user).await.unwrap().is_empty());
    write_some_of_everything(&app, &ada, "after").await;

    // Nothing stored now opens with any of those keys or that secret: not
    // the new data, not the old data (re-encrypted), not the feed.
    let opened = app.rows_opening_with(user, &held, &secrets).await.unwrap();
    assert_eq!(opened, Vec::<String>::new());
    let keys_now: Vec<uuid::Uuid> = db
        .store
        .kind_keys(user)
        .await
        .unwrap()
        .iter()
        .map(|k| k.id)
        .collect();
    assert!(held.ids().iter().all(|id| !keys_now.contains(id)));
    assert!(app.calendar_feed(&feed_secret).await.is_err());
    let new_secret = app.calendar_secret(&ada, false).await.unwrap();
    assert_ne!(new_secret, feed_secret);
    assert!(app.calendar_feed(&new_secret).await.is_ok());
    // And the person still reads all of it.
    assert_eq!(app.measures(&ada).await.unwrap().len(), 3);
    assert_eq!(app.insights(&ada).await.unwrap().len(), 3);
}
