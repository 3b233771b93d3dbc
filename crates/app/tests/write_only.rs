//! Write-only tokens, on SQLite and PostgreSQL: a token holds no key that
//! opens anything, only the account's public key pinned in its own
//! credential; what it writes waits sealed in the inbox and becomes an
//! ordinary journal entry at the owner's next unlock, which the owner sees
//! at once. Tokens made before keep working, lose the keys they held, and
//! the journal keys they held are replaced. Tokens may expire.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::crypto;
use between_app::testing::legacy;
use between_app::{Access, App, AppError, Config, Principal};
use between_domain::EntryContent;
use between_store::testing::TestDb;
use between_store::{CredentialRow, EntryQuery};
use jiff::{SignedDuration, Timestamp};
use support::{confirmed, signed_in, stored_bytes};

on_both_backends!(
    a_token_writes_what_the_owner_reads_at_once_and_then_as_ordinary_entries,
    a_token_reads_nothing,
    a_token_credential_holds_only_the_public_key,
    a_repeated_write_adds_nothing,
    a_token_made_before_keeps_working_loses_its_keys_and_the_journal_key_is_replaced,
    an_expired_token_is_refused_and_gone,
    replacing_the_journal_key_re_encrypts_every_entry_page_by_page,
    a_full_inbox_is_drained_in_batches,
    what_a_token_wrote_is_not_readable_in_the_stored_bytes,
    two_first_uses_of_a_token_made_before_at_once_both_work,
);

fn note(text: &str) -> EntryContent {
    EntryContent {
        text: text.into(),
        ..EntryContent::default()
    }
}

async fn token(app: &App, p: &Principal) -> String {
    app.create_token(p, confirmed(app, p).await, "phone", Access::WriteOnly)
        .await
        .unwrap()
        .1
}

async fn credential_of(db: &TestDb, secret: &str, user: uuid::Uuid) -> CredentialRow {
    let lookup = crypto::derive(secret.as_bytes(), "credential-lookup");
    db.store
        .credentials_of_user(user, None)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.lookup.as_deref() == Some(lookup.as_bytes().as_slice()))
        .unwrap()
}

/// Everything a token's secret opens in its row.
fn opened_by(row: &CredentialRow, secret: &str) -> Vec<u8> {
    let wrap = crypto::derive(secret.as_bytes(), "credential-wrap");
    let aad = format!("credential|{}|{}", row.user_id, row.id);
    crypto::open(&wrap, aad.as_bytes(), &row.wrapped)
        .unwrap()
        .to_vec()
}

async fn a_token_writes_what_the_owner_reads_at_once_and_then_as_ordinary_entries(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, session, _) = signed_in(&app, "ada").await;
    let phone = app.authenticate(&token(&app, &ada).await).await.unwrap();
    let written = app
        .add_entry(&phone, note("Walked by the river"), None)
        .await
        .unwrap();
    let shared = app
        .add_entry(
            &phone,
            EntryContent {
                shared: true,
                ..note("For my therapist")
            },
            None,
        )
        .await
        .unwrap();
    assert!(
        db.store
            .list_entries(ada.user.id, &EntryQuery::default())
            .await
            .unwrap()
            .is_empty(),
        "the token wrote nothing under a journal key"
    );
    // The owner's next request (a page right after signing in) sees them.
    let ada = app.authenticate(&session).await.unwrap();
    let listed = app.list_entries(&ada, &Default::default()).await.unwrap();
    assert_eq!(listed.entries.len(), 2);
    assert_eq!(
        app.entry(&ada, written.id).await.unwrap().content.text,
        "Walked by the river"
    );
    assert!(app.entry(&ada, shared.id).await.unwrap().content.shared);
    assert_eq!(
        app.search_entries(&ada, "river", 10).await.unwrap().len(),
        1
    );
    // Ordinary entries now: the owner edits them, and the inbox is empty.
    app.update_entry(&ada, written.id, note("Walked by the sea"), None)
        .await
        .unwrap();
    let again = app.authenticate(&session).await.unwrap();
    assert_eq!(
        app.entry(&again, written.id).await.unwrap().content.text,
        "Walked by the sea"
    );
    assert!(db.store.inbox_of(ada.user.id, 10).await.unwrap().is_empty());
}

async fn a_token_reads_nothing(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    app.add_entry(&ada, note("Private"), None).await.unwrap();
    let phone = app.authenticate(&token(&app, &ada).await).await.unwrap();
    let own = app
        .add_entry(&phone, note("From the phone"), None)
        .await
        .unwrap();
    let forbidden = |r: Result<(), AppError>| {
        assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    };
    forbidden(app.entry(&phone, own.id).await.map(|_| ()));
    forbidden(
        app.list_entries(&phone, &Default::default())
            .await
            .map(|_| ()),
    );
    forbidden(app.search_entries(&phone, "phone", 10).await.map(|_| ()));
    forbidden(app.all_entries(&phone).await.map(|_| ()));
    forbidden(app.credentials(&phone).await.map(|_| ()));
    forbidden(app.appointments(&phone).await.map(|_| ()));
}

async fn a_token_credential_holds_only_the_public_key(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    let secret = token(&app, &ada).await;
    let row = credential_of(db, &secret, ada.user.id).await;
    let public = db
        .store
        .keypair(ada.user.id)
        .await
        .unwrap()
        .unwrap()
        .public_key;
    assert_eq!(
        opened_by(&row, &secret),
        [b"pinned-x25519:".as_slice(), &public].concat(),
        "the row and the secret yield the public key and nothing else"
    );
    // The pinned copy, not the plain row, is what the token seals to.
    let phone = app.authenticate(&secret).await.unwrap();
    let (_, other) = between_app::crypto::new_identity();
    db.store
        .replace_public_key_for_test(ada.user.id, &other)
        .await;
    let e = app
        .add_entry(&phone, note("Still mine"), None)
        .await
        .unwrap();
    let ada = app
        .sign_in(
            "ada",
            support::PASSWORD,
            "test",
            between_app::sessions::SignInAs::Device,
            "d",
        )
        .await
        .unwrap()
        .0;
    assert_eq!(
        app.entry(&ada, e.id).await.unwrap().content.text,
        "Still mine"
    );
}

async fn a_repeated_write_adds_nothing(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, session, _) = signed_in(&app, "ada").await;
    let secret = token(&app, &ada).await;
    let phone = app.authenticate(&secret).await.unwrap();
    let first = app
        .add_entry_once(&phone, note("Once"), None, Some("shortcut-42"))
        .await
        .unwrap();
    let again = app
        .add_entry_once(&phone, note("Once"), None, Some("shortcut-42"))
        .await
        .unwrap();
    assert_eq!(first.id, again.id);
    app.add_entry_once(&phone, note("Another"), None, Some("shortcut-43"))
        .await
        .unwrap();
    let ada = app.authenticate(&session).await.unwrap();
    assert_eq!(app.all_entries(&ada).await.unwrap().len(), 2);
    // Drained twice (another request): still two.
    let ada = app.authenticate(&session).await.unwrap();
    assert_eq!(app.all_entries(&ada).await.unwrap().len(), 2);
}

async fn a_token_made_before_keeps_working_loses_its_keys_and_the_journal_key_is_replaced(
    db: &TestDb,
) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    app.add_entry(&ada, note("Years of entries"), None)
        .await
        .unwrap();
    let old = legacy::write_only_token(&app, &ada, "old phone")
        .await
        .unwrap();
    let row_before = credential_of(db, &old.secret, ada.user.id).await;

    // Its first use rewrites its row: only the public key remains.
    let phone = app.authenticate(&old.secret).await.unwrap();
    let row_after = credential_of(db, &old.secret, ada.user.id).await;
    assert_ne!(row_before.wrapped, row_after.wrapped);
    let public = db
        .store
        .keypair(ada.user.id)
        .await
        .unwrap()
        .unwrap()
        .public_key;
    assert_eq!(
        opened_by(&row_after, &old.secret),
        [b"pinned-x25519:".as_slice(), &public].concat()
    );
    let from_phone = app
        .add_entry(&phone, note("Still works"), None)
        .await
        .unwrap();

    // The owner's next unlock replaces the journal keys the blob held and
    // re-encrypts every entry under the new ones.
    let ada = app
        .sign_in(
            "ada",
            support::PASSWORD,
            "test",
            between_app::sessions::SignInAs::Device,
            "d",
        )
        .await
        .unwrap()
        .0;
    let later = app
        .add_entry(&ada, note("Written after"), None)
        .await
        .unwrap();
    let keys: Vec<_> = db
        .store
        .list_entries(ada.user.id, &EntryQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.key_id)
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(
        keys.iter().all(|k| !old.held.contains(k)),
        "no entry is under a key the old token's blob held"
    );
    assert_eq!(
        app.entry(&ada, later.id).await.unwrap().content.text,
        "Written after"
    );
    assert_eq!(
        app.entry(&ada, from_phone.id).await.unwrap().content.text,
        "Still works"
    );
    assert!(db
        .store
        .due_rotations(ada.user.id)
        .await
        .unwrap()
        .is_empty());
    // And the token keeps working with its rewritten row.
    let phone = app.authenticate(&old.secret).await.unwrap();
    app.add_entry(&phone, note("Again"), None).await.unwrap();
}

async fn an_expired_token_is_refused_and_gone(db: &TestDb) {
    let clock = between_app::Clock::manual(Timestamp::now());
    let app = App::new(
        db.store.clone(),
        Config {
            clock: clock.clone(),
            ..Config::testing()
        },
    );
    let (ada, _, _) = signed_in(&app, "ada").await;
    let in_a_week = app.now() + SignedDuration::from_hours(7 * 24);
    let (info, secret) = app
        .create_token_until(
            &ada,
            confirmed(&app, &ada).await,
            "for the trip",
            Access::WriteOnly,
            Some(in_a_week),
        )
        .await
        .unwrap();
    assert_eq!(info.expires_at, Some(in_a_week));
    app.authenticate(&secret).await.unwrap();
    clock.advance(std::time::Duration::from_secs(7 * 24 * 60 * 60));
    let err = app.authenticate(&secret).await.unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");
    assert!(!app
        .credentials(&ada)
        .await
        .unwrap()
        .iter()
        .any(|c| c.id == info.id));
    // An expiry in the past is refused.
    let err = app
        .create_token_until(
            &ada,
            confirmed(&app, &ada).await,
            "late",
            Access::WriteOnly,
            Some(app.now() - SignedDuration::from_hours(1)),
        )
        .await
        .unwrap_err();
    assert!(err.is_input_error(), "{err}");
}

async fn replacing_the_journal_key_re_encrypts_every_entry_page_by_page(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    // More than two pages of entries (500 a page), a few shared, one deleted.
    let start = Timestamp::from_second(1_600_000_000).unwrap();
    let items: Vec<_> = (0..1_234i64)
        .map(|i| {
            (
                EntryContent {
                    shared: i % 100 == 0,
                    ..note(&format!("entry {i}"))
                },
                start + SignedDuration::from_hours(i),
            )
        })
        .collect();
    app.add_entries(&ada, items).await.unwrap();
    let gone = app
        .add_entry(&ada, note("deleted one"), None)
        .await
        .unwrap();
    app.delete_entry(&ada, gone.id).await.unwrap();
    let old = legacy::write_only_token(&app, &ada, "old phone")
        .await
        .unwrap();

    let ada = app
        .sign_in(
            "ada",
            support::PASSWORD,
            "test",
            between_app::sessions::SignInAs::Device,
            "d",
        )
        .await
        .unwrap()
        .0;
    let mut rows = Vec::new();
    for deleted in [false, true] {
        rows.extend(
            db.store
                .list_entries(
                    ada.user.id,
                    &EntryQuery {
                        deleted,
                        ..Default::default()
                    },
                )
                .await
                .unwrap(),
        );
    }
    assert_eq!(rows.len(), 1_235);
    assert!(rows.iter().all(|e| !old.held.contains(&e.key_id)));
    let all = app.all_entries(&ada).await.unwrap();
    assert_eq!(all.len(), 1_235);
    assert_eq!(all.iter().filter(|e| e.content.shared).count(), 13);
    assert!(all
        .iter()
        .any(|e| e.content.text == "deleted one" && e.deleted_at.is_some()));
}

async fn a_full_inbox_is_drained_in_batches(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, session, _) = signed_in(&app, "ada").await;
    let phone = app.authenticate(&token(&app, &ada).await).await.unwrap();
    for i in 0..250 {
        app.add_entry(&phone, note(&format!("offline note {i}")), None)
            .await
            .unwrap();
    }
    assert_eq!(
        db.store.inbox_of(ada.user.id, 1000).await.unwrap().len(),
        250
    );
    let ada = app.authenticate(&session).await.unwrap();
    assert!(db
        .store
        .inbox_of(ada.user.id, 1000)
        .await
        .unwrap()
        .is_empty());
    let all = app.all_entries(&ada).await.unwrap();
    assert_eq!(all.len(), 250);
    assert!(all.iter().any(|e| e.content.text == "offline note 249"));
}

async fn what_a_token_wrote_is_not_readable_in_the_stored_bytes(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    let phone = app.authenticate(&token(&app, &ada).await).await.unwrap();
    let secret_text = "INBOX-9f3a: written on the bus";
    app.add_entry_once(&phone, note(secret_text), None, Some("idem-INBOX-9f3a"))
        .await
        .unwrap();
    assert_eq!(db.store.inbox_of(ada.user.id, 10).await.unwrap().len(), 1);
    let bytes = stored_bytes(db).await;
    let found = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(
        !found("INBOX-9f3a"),
        "neither the text nor the idempotency id is stored plain"
    );
}

async fn two_first_uses_of_a_token_made_before_at_once_both_work(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, session, _) = signed_in(&app, "ada").await;
    let old = legacy::write_only_token(&app, &ada, "old phone")
        .await
        .unwrap();
    let (a, b) = tokio::join!(app.authenticate(&old.secret), app.authenticate(&old.secret));
    let (a, b) = (a.unwrap(), b.unwrap());
    app.add_entry(&a, note("one"), None).await.unwrap();
    app.add_entry(&b, note("two"), None).await.unwrap();
    let row = credential_of(db, &old.secret, ada.user.id).await;
    let public = db
        .store
        .keypair(ada.user.id)
        .await
        .unwrap()
        .unwrap()
        .public_key;
    assert_eq!(
        opened_by(&row, &old.secret),
        [b"pinned-x25519:".as_slice(), &public].concat()
    );
    let ada = app.authenticate(&session).await.unwrap();
    assert_eq!(app.all_entries(&ada).await.unwrap().len(), 2);
}
