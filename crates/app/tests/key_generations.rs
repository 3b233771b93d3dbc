//! Key generations, on SQLite and PostgreSQL: a kind's current key is the
//! unretired one of the highest generation that opens, never the newest
//! row; keys stored before generations are numbered in the order they were
//! made at the next unlock, and everything stays readable.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::keyring::DataKind;
use between_app::sessions::SignInAs;
use between_app::testing::legacy;
use between_app::{App, Config};
use between_domain::EntryContent;
use between_store::testing::TestDb;
use between_store::KindKeyRow;
use support::{signed_in, PASSWORD};
use uuid::Uuid;

on_both_backends!(
    keys_from_before_generations_are_numbered_in_the_order_they_were_made,
    a_planted_key_of_a_higher_generation_is_never_used,
);

fn shared(text: &str) -> EntryContent {
    EntryContent {
        text: text.into(),
        shared: true,
        ..EntryContent::default()
    }
}

async fn keys_from_before_generations_are_numbered_in_the_order_they_were_made(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    let user = ada.user.id;
    let entry = app.add_entry(&ada, shared("Before"), None).await.unwrap();
    let older = legacy::keys_without_generations(&app, &ada, DataKind::SharedJournal)
        .await
        .unwrap();
    assert!(db
        .store
        .kind_keys(user)
        .await
        .unwrap()
        .iter()
        .all(|k| k.generation.is_none()));
    let ada = app
        .sign_in("ada", PASSWORD, "test", SignInAs::WebSession, "after")
        .await
        .unwrap()
        .0;
    let keys = db.store.kind_keys(user).await.unwrap();
    assert!(keys.iter().all(|k| k.generation.is_some()));
    let shared_keys: Vec<(Uuid, Option<i64>)> = keys
        .iter()
        .filter(|k| k.kind == "shared_journal")
        .map(|k| (k.id, k.generation))
        .collect();
    let current = db
        .store
        .entry(user, entry.id)
        .await
        .unwrap()
        .unwrap()
        .key_id;
    assert_eq!(shared_keys, vec![(older, Some(1)), (current, Some(2))]);
    assert!(keys
        .iter()
        .filter(|k| k.kind != "shared_journal")
        .all(|k| k.generation == Some(1)));
    assert!(db.store.due_rotations(user).await.unwrap().is_empty());
    // Everything still opens, and new writes use the numbered current key.
    assert_eq!(
        app.entry(&ada, entry.id).await.unwrap().content.text,
        "Before"
    );
    let added = app.add_entry(&ada, shared("After"), None).await.unwrap();
    assert_eq!(
        db.store
            .entry(user, added.id)
            .await
            .unwrap()
            .unwrap()
            .key_id,
        current
    );
    // Signing in again opens the re-wrapped keys.
    let again = app
        .sign_in("ada", PASSWORD, "test", SignInAs::WebSession, "again")
        .await
        .unwrap()
        .0;
    assert_eq!(
        app.entry(&again, added.id).await.unwrap().content.text,
        "After"
    );
}

async fn a_planted_key_of_a_higher_generation_is_never_used(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    let user = ada.user.id;
    let real = db
        .store
        .kind_keys(user)
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.kind == "shared_journal")
        .unwrap();
    // Someone with write access to the database adds a key of their own:
    // newest row, highest generation, but not wrapped by the root key.
    let planted = KindKeyRow {
        id: Uuid::now_v7(),
        user_id: user,
        kind: "shared_journal".into(),
        wrapped: vec![7; 72],
        created_at: real.created_at + 1_000_000,
        retired_at: None,
        generation: Some(9),
    };
    db.store.insert_kind_key(&planted).await.unwrap();
    let ada = app
        .sign_in("ada", PASSWORD, "test", SignInAs::WebSession, "after")
        .await
        .unwrap()
        .0;
    let added = app.add_entry(&ada, shared("Mine"), None).await;
    let added = added.unwrap();
    assert_eq!(
        db.store
            .entry(user, added.id)
            .await
            .unwrap()
            .unwrap()
            .key_id,
        real.id
    );
    // A second key of an existing generation is refused by the store.
    let twin = KindKeyRow {
        id: Uuid::now_v7(),
        generation: Some(1),
        ..planted
    };
    assert!(db.store.insert_kind_key(&twin).await.is_err());
}
