//! Items between a client and a therapist, on SQLite and PostgreSQL: each is
//! sealed with a key only the two sides of the link compute, bound to the
//! link, the item, its kind and its author. A database writer can neither
//! forge one nor move one; items from before read as "not verified"; a
//! store from before is upgraded at the client's next unlock.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::agenda_saved::Target;
use between_app::agenda_share::Note;
use between_app::assignments::Answer;
use between_app::sessions::SignInAs;
use between_app::testing::legacy;
use between_app::{App, Config, Principal};
use between_domain::measure::{Instrument, Response};
use between_domain::practice::definition::{Practice, Template};
use between_domain::practice::schedule::Schedule;
use between_domain::share::Scope;
use between_store::testing::{TestDb, Value};
use support::{signed_in, therapist, PASSWORD};

on_both_backends!(
    each_side_reads_what_the_other_wrote_as_verified,
    an_item_moved_to_another_row_opens_for_nobody,
    a_key_boxed_to_the_therapist_by_a_writer_is_left_out_once_the_link_is_authenticated,
    a_store_from_before_is_sealed_again_at_the_clients_next_unlock,
    the_consent_names_the_key_generations_sealed_under_it,
);

/// ada (with a PHQ-9) linked with dr-rivera, sharing the agenda and
/// measures; her agenda is published.
async fn linked(app: &App) -> (Principal, Principal, uuid::Uuid) {
    let (ada, _, _) = signed_in(app, "ada").await;
    app.take_measure(
        &ada,
        Response {
            instrument: Instrument::Phq9,
            answers: vec![1; 9],
            difficulty: None,
        },
        None,
    )
    .await
    .unwrap();
    let dr = therapist(app, "dr-rivera").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    let link = app.accept_share_invite(&dr, &invite.code).await.unwrap();
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Agenda, Scope::Measures], &[])
        .await
        .unwrap();
    app.agenda(&ada, Target::Next).await.unwrap();
    app.settle().await;
    (ada, dr, link.id)
}

fn note(text: &str) -> Note {
    Note {
        text: text.into(),
        point: false,
        on: None,
    }
}

fn practice(title: &str) -> Practice {
    Practice {
        title: title.into(),
        instructions: "Four counts in, six out".into(),
        why: String::new(),
        goal_id: None,
        assigned_by: "self".into(),
        template: Template::Mindfulness,
        schedule: Schedule::parse("daily").unwrap(),
        start: jiff::Zoned::now().date(),
        end: None,
        archived: false,
    }
}

/// A writer's key row for the client (a blob the client's root key does
/// not open) and the same key sealed for the therapist on the link.
async fn plant_key(db: &TestDb, client: uuid::Uuid, link: uuid::Uuid, sealed: Vec<u8>) {
    let key_id = uuid::Uuid::now_v7().to_string();
    db.tamper(
        "INSERT INTO kind_keys (id, user_id, kind, wrapped, created_at, retired_at, generation) VALUES ($1, $2, 'measures', $3, 1, NULL, 99)",
        &[
            Value::Text(key_id.clone()),
            Value::Text(client.to_string()),
            Value::Blob(vec![1; 80]),
        ],
    )
    .await;
    db.tamper(
        "INSERT INTO share_keys (share_id, key_id, kind, sealed) VALUES ($1, $2, 'measures', $3)",
        &[
            Value::Text(link.to_string()),
            Value::Text(key_id),
            Value::Blob(sealed),
        ],
    )
    .await;
}

async fn sign_in(app: &App, name: &str) -> Principal {
    app.sign_in(name, PASSWORD, "t", SignInAs::WebSession, "again")
        .await
        .unwrap()
        .0
}

async fn each_side_reads_what_the_other_wrote_as_verified(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, dr, link) = linked(&app).await;
    let shared = app.client_agenda(&dr, "ada").await.unwrap();
    assert!(shared.snapshot.is_some() && shared.verified);
    app.add_agenda_note(&dr, "ada", note("Sleep first"))
        .await
        .unwrap();
    let notes = app.agenda_notes(&ada, None).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert!(notes[0].verified, "{notes:?}");
    let own = app.client_agenda(&dr, "ada").await.unwrap().notes;
    assert!(own.len() == 1 && own[0].verified);

    let assigned = app
        .assign_practice(&dr, "ada", practice("Breathing"))
        .await
        .unwrap();
    let mine = app.assignments(&ada).await.unwrap();
    assert!(mine.len() == 1 && mine[0].verified);
    app.answer_assignment(
        &ada,
        assigned.id,
        Answer::Decline {
            note: "Not this week".into(),
        },
    )
    .await
    .unwrap();
    let theirs = app.client_assignments(&dr, "ada").await.unwrap();
    assert!(theirs[0].verified, "the answer is the client's");
    assert_eq!(theirs[0].reply.as_ref().unwrap().note, "Not this week");

    // Nothing stored on the link is an anonymous box any more: neither
    // side's identity key opens any of it on its own.
    for (who, p) in [("ada", &ada), ("dr", &dr)] {
        let identity = between_app::testing::identity_of(p).unwrap();
        for k in db.store.share_keys(link).await.unwrap() {
            assert!(
                between_app::crypto::open_sealed(identity, &k.sealed).is_err(),
                "{who} opens a key without the link"
            );
        }
        for kind in ["agenda", "note", "assignment"] {
            for row in db.store.share_items(link, kind).await.unwrap() {
                for sealed in [row.for_client, row.for_therapist].into_iter().flatten() {
                    assert!(between_app::crypto::open_sealed(identity, &sealed).is_err());
                }
            }
        }
    }
}

async fn an_item_moved_to_another_row_opens_for_nobody(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, dr, link) = linked(&app).await;
    app.add_agenda_note(&dr, "ada", note("Sleep first"))
        .await
        .unwrap();
    let assigned = app
        .assign_practice(&dr, "ada", practice("Breathing"))
        .await
        .unwrap();
    // The writer copies the note's box into the assignment's row, and
    // claims the client wrote the note.
    let note_row = db.store.share_items(link, "note").await.unwrap()[0].clone();
    db.tamper(
        "UPDATE share_items SET for_client = $1, for_therapist = $1 WHERE id = $2",
        &[
            Value::Blob(note_row.for_client.clone().unwrap()),
            Value::Text(assigned.id.to_string()),
        ],
    )
    .await;
    db.tamper(
        "UPDATE share_items SET author_id = $1 WHERE id = $2",
        &[
            Value::Text(ada.user.id.to_string()),
            Value::Text(note_row.id.to_string()),
        ],
    )
    .await;
    assert!(
        app.assignments(&ada).await.unwrap().is_empty(),
        "a note's box is no assignment"
    );
    assert!(app.client_assignments(&dr, "ada").await.unwrap().is_empty());
    // The author column is no part of what is verified: the box says who
    // wrote it.
    let notes = app.agenda_notes(&ada, None).await.unwrap();
    assert!(notes.len() == 1 && notes[0].verified);

    // A snapshot moved to another link opens for nobody there either.
    let bob = therapist(&app, "dr-bob").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    let other = app.accept_share_invite(&bob, &invite.code).await.unwrap();
    app.set_share_scopes(&ada, "dr-bob", &[Scope::Agenda], &[])
        .await
        .unwrap();
    let ada = sign_in(&app, "ada").await;
    app.agenda(&ada, Target::Next).await.unwrap();
    // The sign-in's own publishing must not overwrite what the writer does.
    app.settle().await;
    let snapshot = db.store.share_items(link, "agenda").await.unwrap()[0].clone();
    db.tamper(
        "UPDATE share_items SET for_therapist = $1 WHERE share_id = $2 AND kind = 'agenda'",
        &[
            Value::Blob(snapshot.for_therapist.unwrap()),
            Value::Text(other.id.to_string()),
        ],
    )
    .await;
    assert!(app.client_agenda(&bob, "ada").await.is_err());
}

async fn a_key_boxed_to_the_therapist_by_a_writer_is_left_out_once_the_link_is_authenticated(
    db: &TestDb,
) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, dr, link) = linked(&app).await;
    assert_eq!(app.client_measures(&dr, "ada").await.unwrap().len(), 1);
    // The writer boxes a key of their own to the therapist's public key
    // (plain in the database) under a new key id of the measures kind.
    let planted = between_app::crypto::Key::random();
    let therapist_public = db
        .store
        .keypair(dr.user.id)
        .await
        .unwrap()
        .unwrap()
        .public_key;
    let sealed = between_app::crypto::seal_to(&therapist_public, planted.as_bytes()).unwrap();
    plant_key(db, ada.user.id, link, sealed).await;
    let held = app.keys_sealed_to(&dr, link).await.unwrap();
    assert!(
        held.0.iter().all(|(_, key)| key != &planted),
        "the planted key is not taken"
    );
    assert_eq!(app.client_measures(&dr, "ada").await.unwrap().len(), 1);
}

async fn a_store_from_before_is_sealed_again_at_the_clients_next_unlock(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, dr, link) = linked(&app).await;
    legacy::items_before_authentication(&app, &ada, &dr, link, "From before")
        .await
        .unwrap();
    // Before the client's next unlock the therapist reads on, marked.
    assert_eq!(app.client_measures(&dr, "ada").await.unwrap().len(), 1);
    let before = app.client_agenda(&dr, "ada").await.unwrap();
    assert!(before.snapshot.is_some() && !before.verified);
    assert!(before.notes.iter().all(|n| !n.verified));
    let identity = between_app::testing::identity_of(&dr).unwrap();
    assert!(db
        .store
        .share_keys(link)
        .await
        .unwrap()
        .iter()
        .all(|k| between_app::crypto::open_sealed(identity, &k.sealed).is_ok()));

    let ada = sign_in(&app, "ada").await;
    assert!(db
        .store
        .due_rotations(ada.user.id)
        .await
        .unwrap()
        .is_empty());
    let keys = db.store.share_keys(link).await.unwrap();
    assert!(!keys.is_empty());
    assert!(
        keys.iter()
            .all(|k| between_app::crypto::open_sealed(identity, &k.sealed).is_err()),
        "every key is sealed again with the link's key"
    );
    assert_eq!(app.client_measures(&dr, "ada").await.unwrap().len(), 1);
    let after = app.client_agenda(&dr, "ada").await.unwrap();
    assert!(
        after.snapshot.is_some() && after.verified,
        "published again"
    );
    let notes = app.agenda_notes(&ada, None).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert!(!notes[0].verified, "an older note stays 'not verified'");
    assert_eq!(notes[0].note.text, "From before");

    // From now on an anonymous box is what a writer would plant.
    let planted = between_app::crypto::Key::random();
    let sealed = between_app::crypto::seal_to(
        &between_app::crypto::public_of(identity),
        planted.as_bytes(),
    )
    .unwrap();
    plant_key(db, ada.user.id, link, sealed).await;
    let held = app.keys_sealed_to(&dr, link).await.unwrap();
    assert!(held.0.iter().all(|(_, key)| key != &planted));
}

async fn the_consent_names_the_key_generations_sealed_under_it(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _dr, link) = linked(&app).await;
    let measures = |g: &[(String, i64)]| -> Vec<i64> {
        g.iter()
            .filter(|(k, _)| k == "measures")
            .map(|(_, n)| *n)
            .collect()
    };
    let first = app.consent_generations(&ada, link).await.unwrap();
    assert_eq!(measures(&first), vec![1]);
    assert!(first.iter().any(|(k, _)| k == "appointments"));
    // Off, rotated at the next unlock, on again: generation 2 is sealed.
    app.set_share_scopes(&ada, "dr-rivera", &[], &[Scope::Measures])
        .await
        .unwrap();
    let ada = sign_in(&app, "ada").await;
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Measures], &[])
        .await
        .unwrap();
    let after = app.consent_generations(&ada, link).await.unwrap();
    assert_eq!(measures(&after), vec![1, 2]);
}
