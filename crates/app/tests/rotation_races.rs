//! Key rotation against concurrent writes, on SQLite and PostgreSQL. A
//! test-only pause stops the rotation between listing the rows under the old
//! key and re-keying them; what is written meanwhile must survive, under the
//! new key, and never under a key a former therapist holds.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use between_app::clock::Clock;
use between_app::sessions::SignInAs;
use between_app::{App, Config, Principal};
use between_domain::share::Scope;
use between_domain::EntryContent;
use between_store::testing::TestDb;
use support::{signed_in, therapist, PASSWORD};
use uuid::Uuid;

on_both_backends!(
    an_edit_during_the_pause_survives_under_the_new_key,
    an_entry_made_private_during_the_pause_never_reaches_a_therapists_key,
    a_keyring_from_before_the_rotation_writes_under_the_new_key,
    two_rotations_at_once_make_one_new_key,
    a_crashed_rotation_is_finished_after_its_lease_expires,
);

fn app_with_clock(db: &TestDb) -> App {
    let clock = Clock::manual("2026-03-02T09:00:00Z".parse().unwrap());
    App::new(
        db.store.clone(),
        Config {
            clock,
            ..Config::testing()
        },
    )
}

fn text(t: &str, shared: bool) -> EntryContent {
    EntryContent {
        text: t.into(),
        shared,
        ..EntryContent::default()
    }
}

async fn add_insight(app: &App, p: &Principal, text: &str) -> Result<(), between_app::AppError> {
    app.add_insight(
        p,
        text,
        between_domain::insight::InsightKind::Strategy,
        between_app::insights::LinkTo::None,
        Vec::new(),
    )
    .await
    .map(|_| ())
}

/// Ada shares her journal (and insights) with dr-rivera, writes a shared
/// entry, then switches sharing off: both kinds are due for rotation.
/// Returns her principal (keys from before the rotation), the entry's id and
/// every key id the therapist was ever given.
async fn shared_then_stopped(app: &App, db: &TestDb) -> (Principal, Uuid, Vec<Uuid>) {
    let (ada, _, _) = signed_in(app, "ada").await;
    let entry = app
        .add_entry(&ada, text("For Dr. Rivera", true), None)
        .await
        .unwrap();
    let dr = therapist(app, "dr-rivera").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    let link = app.accept_share_invite(&dr, &invite.code).await.unwrap();
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Journal, Scope::Insights], &[])
        .await
        .unwrap();
    let held: Vec<Uuid> = db
        .store
        .share_keys(link.id)
        .await
        .unwrap()
        .iter()
        .map(|k| k.key_id)
        .collect();
    app.set_share_scopes(&ada, "dr-rivera", &[], &[Scope::Journal, Scope::Insights])
        .await
        .unwrap();
    (ada, entry.id, held)
}

/// The account's current (unretired) key of `kind`, as stored.
async fn current_key(db: &TestDb, user: Uuid, kind: &str) -> Uuid {
    let keys: Vec<Uuid> = db
        .store
        .kind_keys(user)
        .await
        .unwrap()
        .into_iter()
        .filter(|k| k.kind == kind && k.retired_at.is_none())
        .map(|k| k.id)
        .collect();
    assert_eq!(keys.len(), 1, "one current {kind} key");
    keys[0]
}

async fn key_ids(db: &TestDb, user: Uuid, kind: &str) -> Vec<Uuid> {
    db.store
        .kind_keys(user)
        .await
        .unwrap()
        .into_iter()
        .filter(|k| k.kind == kind)
        .map(|k| k.id)
        .collect()
}

/// Signs ada in in the background, so a paused rotation can be watched.
fn sign_in_later(app: &App, label: &'static str) -> tokio::task::JoinHandle<Principal> {
    let app = app.clone();
    tokio::spawn(async move {
        app.sign_in("ada", PASSWORD, "test", SignInAs::WebSession, label)
            .await
            .unwrap()
            .0
    })
}

async fn an_edit_during_the_pause_survives_under_the_new_key(db: &TestDb) {
    let app = app_with_clock(db);
    let (ada, id, held) = shared_then_stopped(&app, db).await;
    let user = ada.user.id;
    let mut pause = app.pause_next_rotation();
    let rotating = sign_in_later(&app, "rotating");
    pause.reached().await;
    // The rotation has listed the entry under the old key. An edit now, by
    // a request whose keys predate the rotation:
    app.clock().advance(Duration::from_secs(1));
    app.update_entry(&ada, id, text("Edited while rotating", true), None)
        .await
        .unwrap();
    pause.resume();
    let fresh = rotating.await.unwrap();
    assert_eq!(
        app.entry(&fresh, id).await.unwrap().content.text,
        "Edited while rotating",
        "the rotation did not write its stale copy over the edit"
    );
    let new_key = current_key(db, user, "shared_journal").await;
    let row = db.store.entry(user, id).await.unwrap().unwrap();
    assert_eq!(row.key_id, new_key);
    assert!(!held.contains(&new_key));
    // The replaced key is gone: nothing is stored under it any more.
    assert_eq!(key_ids(db, user, "shared_journal").await, vec![new_key]);
    assert!(db.store.due_rotations(user).await.unwrap().is_empty());
}

async fn an_entry_made_private_during_the_pause_never_reaches_a_therapists_key(db: &TestDb) {
    let app = app_with_clock(db);
    let (ada, id, held) = shared_then_stopped(&app, db).await;
    let user = ada.user.id;
    // dr-okafor still shares the journal: the new key is sealed to them.
    let okafor = therapist(&app, "dr-okafor").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    let link = app
        .accept_share_invite(&okafor, &invite.code)
        .await
        .unwrap();
    app.set_share_scopes(&ada, "dr-okafor", &[Scope::Journal], &[])
        .await
        .unwrap();
    let mut pause = app.pause_next_rotation();
    let rotating = sign_in_later(&app, "rotating");
    pause.reached().await;
    app.clock().advance(Duration::from_secs(1));
    app.update_entry(&ada, id, text("Not for anyone", false), None)
        .await
        .unwrap();
    pause.resume();
    let fresh = rotating.await.unwrap();
    let row = db.store.entry(user, id).await.unwrap().unwrap();
    let therapists_hold: Vec<Uuid> = held
        .iter()
        .copied()
        .chain(
            db.store
                .share_keys(link.id)
                .await
                .unwrap()
                .iter()
                .map(|k| k.key_id),
        )
        .collect();
    assert!(
        !therapists_hold.contains(&row.key_id),
        "a private entry is under a key a therapist holds"
    );
    assert_eq!(row.key_id, current_key(db, user, "journal").await);
    let entry = app.entry(&fresh, id).await.unwrap();
    assert!(!entry.content.shared);
    assert_eq!(entry.content.text, "Not for anyone");
    let okafor = app
        .sign_in("dr-okafor", PASSWORD, "test", SignInAs::WebSession, "b")
        .await
        .unwrap()
        .0;
    let between_app::sharing::ClientData::Journal(seen, _) = app
        .client_data(&okafor, "ada", Scope::Journal)
        .await
        .unwrap()
    else {
        panic!("the journal scope")
    };
    assert!(seen.iter().all(|e| e.id != id));
}

async fn a_keyring_from_before_the_rotation_writes_under_the_new_key(db: &TestDb) {
    let app = app_with_clock(db);
    let (ada, id, held) = shared_then_stopped(&app, db).await;
    let user = ada.user.id;
    add_insight(&app, &ada, "Before").await.unwrap();
    // The rotation runs to the end at another sign-in…
    let fresh = app
        .sign_in("ada", PASSWORD, "test", SignInAs::WebSession, "again")
        .await
        .unwrap()
        .0;
    let (journal_key, insights_key) = (
        current_key(db, user, "shared_journal").await,
        current_key(db, user, "insights").await,
    );
    // …while this request still holds the keys it loaded before.
    app.clock().advance(Duration::from_secs(1));
    let added = app
        .add_entry(&ada, text("Written with old keys", true), None)
        .await
        .unwrap();
    add_insight(&app, &ada, "After").await.unwrap();
    for e in [added.id] {
        let row = db.store.entry(user, e).await.unwrap().unwrap();
        assert_eq!(row.key_id, journal_key);
        assert!(!held.contains(&row.key_id));
    }
    let insights = db
        .store
        .list_records(
            user,
            &between_store::RecordQuery {
                kind: "insight".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(insights.len(), 2);
    assert!(insights.iter().all(|r| r.key_id == insights_key));
    assert!(!held.contains(&insights_key));
    assert_eq!(app.insights(&fresh).await.unwrap().len(), 2);
    assert_eq!(
        app.entry(&fresh, added.id).await.unwrap().content.text,
        "Written with old keys"
    );
    let row = db.store.entry(user, id).await.unwrap().unwrap();
    assert_eq!(row.key_id, journal_key);
    // Sharing with a new therapist from that request seals no key that was
    // deleted since (and does not fail on one).
    let okafor = therapist(&app, "dr-okafor").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    let link = app
        .accept_share_invite(&okafor, &invite.code)
        .await
        .unwrap();
    app.set_share_scopes(&ada, "dr-okafor", &[Scope::Journal], &[])
        .await
        .unwrap();
    let sealed = db.store.share_keys(link.id).await.unwrap();
    assert!(sealed
        .iter()
        .filter(|k| k.kind == "shared_journal")
        .all(|k| k.key_id == journal_key));
}

async fn two_rotations_at_once_make_one_new_key(db: &TestDb) {
    let app = app_with_clock(db);
    let (ada, id, held) = shared_then_stopped(&app, db).await;
    let user = ada.user.id;
    let before = key_ids(db, user, "shared_journal").await;
    let mut pause = app.pause_next_rotation();
    let first = sign_in_later(&app, "first");
    pause.reached().await;
    let made = current_key(db, user, "shared_journal").await;
    assert!(!before.contains(&made));
    // A second unlock while the first holds the lease: it waits.
    let second = sign_in_later(&app, "second");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        key_ids(db, user, "shared_journal").await.len(),
        before.len() + 1,
        "the second unlock made no key of its own"
    );
    pause.resume();
    let (first, second) = (first.await.unwrap(), second.await.unwrap());
    assert_eq!(key_ids(db, user, "shared_journal").await, vec![made]);
    assert!(!held.contains(&made));
    for p in [&first, &second] {
        assert_eq!(
            app.entry(p, id).await.unwrap().content.text,
            "For Dr. Rivera"
        );
    }
    assert!(db.store.due_rotations(user).await.unwrap().is_empty());
}

async fn a_crashed_rotation_is_finished_after_its_lease_expires(db: &TestDb) {
    let app = app_with_clock(db);
    let (ada, id, held) = shared_then_stopped(&app, db).await;
    let user = ada.user.id;
    let old = db.store.entry(user, id).await.unwrap().unwrap().key_id;
    let mut pause = app.pause_next_rotation();
    let crashing = sign_in_later(&app, "crashing");
    pause.reached().await;
    let made = current_key(db, user, "shared_journal").await;
    // The rotation dies here: lease taken, new key made, nothing re-keyed.
    crashing.abort();
    assert!(crashing.await.is_err());
    drop(pause);
    // Before the lease expires, an unlock waits, then goes on without it.
    let meanwhile = app
        .sign_in("ada", PASSWORD, "test", SignInAs::WebSession, "meanwhile")
        .await
        .unwrap()
        .0;
    assert_eq!(db.store.entry(user, id).await.unwrap().unwrap().key_id, old);
    assert_eq!(
        app.entry(&meanwhile, id).await.unwrap().content.text,
        "For Dr. Rivera"
    );
    assert!(!db.store.due_rotations(user).await.unwrap().is_empty());
    // After it expires, the next unlock finishes with the key already made.
    app.clock().advance(Duration::from_secs(10 * 60));
    let after = app
        .sign_in("ada", PASSWORD, "test", SignInAs::WebSession, "after")
        .await
        .unwrap()
        .0;
    assert_eq!(
        db.store.entry(user, id).await.unwrap().unwrap().key_id,
        made
    );
    assert_eq!(key_ids(db, user, "shared_journal").await, vec![made]);
    assert!(!held.contains(&made));
    assert!(db.store.due_rotations(user).await.unwrap().is_empty());
    assert_eq!(
        app.entry(&after, id).await.unwrap().content.text,
        "For Dr. Rivera"
    );
}
