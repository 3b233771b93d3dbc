//! The calendar feed's address, on SQLite and PostgreSQL: its secret lives
//! under a key no therapist or token ever holds, it changes when a
//! therapist who could have read it loses access, stores written before are
//! upgraded at the next unlock, and the archive never carries it.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::appointments::NewAppointment;
use between_app::archive::ArchivedRecord;
use between_app::sessions::SignInAs;
use between_app::testing::legacy;
use between_app::{App, AppError, Config, Principal};
use between_domain::appointment::Details;
use between_domain::practice::definition::{Practice, Template};
use between_domain::practice::schedule::Schedule;
use between_domain::share::Scope;
use between_store::testing::TestDb;
use between_store::RecordQuery;
use jiff::{SignedDuration, Timestamp};
use support::{confirmed, signed_in, therapist, PASSWORD};

on_both_backends!(
    ending_a_link_gives_the_feed_a_new_address_and_the_old_one_opens_nothing_new,
    a_person_without_a_therapist_keeps_their_address_through_the_upgrade,
    an_account_that_ever_had_a_therapist_gets_a_new_address_at_the_upgrade,
    the_archive_neither_exports_nor_imports_the_feed_secret,
);

/// Signs `name` in again, which runs what is due at their next unlock.
async fn sign_in_again(app: &App, name: &str) -> Principal {
    app.sign_in(name, PASSWORD, "test", SignInAs::WebSession, "again")
        .await
        .unwrap()
        .0
}

async fn with_appointment_and_practice(app: &App, p: &Principal) {
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
            title: "Breathing".into(),
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

fn gone(r: Result<impl std::fmt::Debug, AppError>) {
    match r {
        Err(AppError::NotFound(_)) => {}
        other => panic!("expected the old address to show nothing, got {other:?}"),
    }
}

/// The ids of the kind keys of `kind` the account has.
async fn key_ids(db: &TestDb, p: &Principal, kind: &str) -> Vec<uuid::Uuid> {
    db.store
        .kind_keys(p.user.id)
        .await
        .unwrap()
        .iter()
        .filter(|k| k.kind == kind)
        .map(|k| k.id)
        .collect()
}

async fn ending_a_link_gives_the_feed_a_new_address_and_the_old_one_opens_nothing_new(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    with_appointment_and_practice(&app, &ada).await;
    let old = app.calendar_secret(&ada, false).await.unwrap();
    let dr = therapist(&app, "dr-rivera").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    let link = app.accept_share_invite(&dr, &invite.code).await.unwrap();
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Practice], &[])
        .await
        .unwrap();
    let held: Vec<uuid::Uuid> = db
        .store
        .share_keys(link.id)
        .await
        .unwrap()
        .iter()
        .map(|k| k.key_id)
        .collect();
    // What the feed's credential opens, as anyone who read the secret from
    // a database copy while linked could have used it.
    let copied = app.authenticate(&old).await.unwrap();
    assert_eq!(app.calendar_feed(&old).await.unwrap().appointments.len(), 1);

    app.end_share(&ada, "dr-rivera").await.unwrap();
    let ada = sign_in_again(&app, "ada").await;

    gone(app.calendar_feed(&old).await);
    let feed = app.calendar_feed_link(&ada).await.unwrap().unwrap();
    assert_ne!(feed.secret, old);
    assert!(
        feed.replaced_at.is_some(),
        "the person is told why it changed"
    );
    let data = app.calendar_feed(&feed.secret).await.unwrap();
    assert_eq!((data.appointments.len(), data.practices.len()), (1, 1));
    assert_eq!(app.calendar_secret(&ada, false).await.unwrap(), feed.secret);
    // Nothing written from now on opens with the keys the old credential
    // or the therapist's share held.
    with_appointment_and_practice(&app, &ada).await;
    assert!(
        app.calendar(&copied).await.is_err(),
        "keys unwrapped through the old feed credential open nothing stored since"
    );
    for kind in ["appointment", "practice"] {
        let rows = db
            .store
            .list_records(
                ada.user.id,
                &RecordQuery {
                    kind: kind.into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert!(
            rows.iter().all(|r| !held.contains(&r.key_id)),
            "no {kind} stays under a key the former therapist held"
        );
    }
    // The secret itself is under the account's own key, which no share holds.
    let feed_rows = db
        .store
        .list_records(
            ada.user.id,
            &RecordQuery {
                kind: "calendar_feed".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(feed_rows.len(), 1);
    assert!(key_ids(db, &ada, "account")
        .await
        .contains(&feed_rows[0].key_id));
    assert!(!held.contains(&feed_rows[0].key_id));
}

async fn a_person_without_a_therapist_keeps_their_address_through_the_upgrade(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    with_appointment_and_practice(&app, &ada).await;
    let secret = between_app::crypto::new_secret();
    legacy::calendar_secret_in_prefs(&app, &ada, &secret, true)
        .await
        .unwrap();
    assert_eq!(app.calendar_feed(&secret).await.unwrap().practices.len(), 1);

    let ada = sign_in_again(&app, "ada").await;
    let feed = app.calendar_feed_link(&ada).await.unwrap().unwrap();
    assert_eq!(feed.secret, secret, "nobody else could have read it");
    assert_eq!(feed.replaced_at, None);
    let data = app.calendar_feed(&secret).await.unwrap();
    assert_eq!((data.appointments.len(), data.practices.len()), (1, 1));
    assert!(data.prefs.detailed, "the person's choices are kept");
    // The prefs left under the practices key no longer hold the secret.
    let prefs = db
        .store
        .list_records(
            ada.user.id,
            &RecordQuery {
                kind: "calendar_prefs".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(prefs.len(), 1);
    assert!(key_ids(db, &ada, "practices")
        .await
        .contains(&prefs[0].key_id));
    let archive = serde_json::to_string(
        &app.export_archive(&ada, Some(confirmed(&app, &ada).await))
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(!archive.contains(&secret) && !archive.contains("feed_secret"));
    // Done once: another unlock changes nothing.
    let ada = sign_in_again(&app, "ada").await;
    assert_eq!(app.calendar_secret(&ada, false).await.unwrap(), secret);
}

async fn an_account_that_ever_had_a_therapist_gets_a_new_address_at_the_upgrade(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    with_appointment_and_practice(&app, &ada).await;
    let dr = therapist(&app, "dr-rivera").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    app.accept_share_invite(&dr, &invite.code).await.unwrap();
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Practice], &[])
        .await
        .unwrap();
    let secret = between_app::crypto::new_secret();
    legacy::calendar_secret_in_prefs(&app, &ada, &secret, false)
        .await
        .unwrap();

    let ada = sign_in_again(&app, "ada").await;
    gone(app.calendar_feed(&secret).await);
    let feed = app.calendar_feed_link(&ada).await.unwrap().unwrap();
    assert_ne!(feed.secret, secret);
    assert!(feed.replaced_at.is_some());
    let data = app.calendar_feed(&feed.secret).await.unwrap();
    assert_eq!((data.appointments.len(), data.practices.len()), (1, 1));
    // The therapist still linked keeps reading practice as before.
    let between_app::sharing::ClientData::Practice(practices) =
        app.client_data(&dr, "ada", Scope::Practice).await.unwrap()
    else {
        panic!("practice read as another scope")
    };
    assert_eq!(practices.len(), 1);
}

async fn the_archive_neither_exports_nor_imports_the_feed_secret(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    with_appointment_and_practice(&app, &ada).await;
    app.set_calendar_prefs(&ada, true, true).await.unwrap();
    let secret = app.calendar_secret(&ada, false).await.unwrap();
    let mut archive = app
        .export_archive(&ada, Some(confirmed(&app, &ada).await))
        .await
        .unwrap();
    let text = serde_json::to_string(&archive).unwrap();
    assert!(!text.contains(&secret));
    assert!(archive.records.iter().all(|r| r.kind != "calendar_feed"));
    assert!(archive.records.iter().any(|r| r.kind == "calendar_prefs"));

    // An archive that carries one (hand-made, or from an earlier version's
    // prefs) gives the importing account no feed.
    let (bob, _, _) = signed_in(&app, "bob").await;
    let prefs = archive
        .records
        .iter_mut()
        .find(|r| r.kind == "calendar_prefs")
        .unwrap();
    prefs.data["feed_secret"] = serde_json::json!(secret);
    let mut feed: ArchivedRecord = prefs.clone();
    feed.kind = "calendar_feed".into();
    feed.id = uuid::Uuid::now_v7();
    feed.data = serde_json::json!({ "secret": secret });
    archive.records.push(feed);
    let index = archive.records.len() - 1;
    let Err(AppError::Invalid(errors)) = app.import_archive(&bob, &archive, false).await else {
        panic!("a feed record is not a kind an archive holds")
    };
    assert!(errors
        .get(&format!("records[{index}].kind"))
        .unwrap()
        .contains("unknown kind \"calendar_feed\""));
    archive.records.retain(|r| r.kind != "calendar_feed");
    app.import_archive(&bob, &archive, false).await.unwrap();
    assert_eq!(app.calendar_feed_link(&bob).await.unwrap(), None);
    assert!(app.calendar_prefs(&bob).await.unwrap().detailed);
    let again = serde_json::to_string(
        &app.export_archive(&bob, Some(confirmed(&app, &bob).await))
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(!again.contains(&secret));
}
