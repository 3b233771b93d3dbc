//! The account archive: a complete export that imports back identically,
//! atomically and idempotently, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::archive::Archive;
use between_app::measures::SafetyPlan;
use between_app::{demo, App, AppError, Principal};
use between_domain::EntryContent;
use between_store::testing::TestDb;
use jiff::Timestamp;
use support::{app_on, confirmed, signed_in, stored_bytes};

on_both_backends!(
    an_archive_imports_into_a_fresh_store_and_exports_identically,
    importing_twice_adds_nothing_and_taken_ids_are_renumbered,
    a_bad_archive_names_the_record_and_writes_nothing,
    deleting_an_account_leaves_nothing_of_it,
);

/// An account with some of everything.
async fn full_account(app: &App, name: &str) -> Principal {
    let (p, _, _) = signed_in(app, name).await;
    let entries = demo::journal(1, 3, Timestamp::now(), &p.user.time_zone);
    let mut day_moods: Vec<_> = entries
        .iter()
        .filter_map(|(c, at)| {
            c.mood
                .map(|m| (at.to_zoned(p.user.time_zone.clone()).date(), m))
        })
        .collect();
    day_moods.sort();
    day_moods.truncate(60);
    app.add_entries(&p, entries).await.unwrap();
    demo::fill_session_loop(app, &p, 1, 3).await.unwrap();
    demo::fill_practices(app, &p, 1, 3).await.unwrap();
    demo::fill_measures(app, &p, 1, 3).await.unwrap();
    demo::fill_trackers(app, &p, &day_moods, 3).await.unwrap();
    app.save_safety_plan(
        &p,
        SafetyPlan {
            warning_signs: "Not sleeping".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    app.pin_pattern(&p, "A pattern I noticed", true)
        .await
        .unwrap();
    let last = app.all_entries(&p).await.unwrap().pop().unwrap();
    app.delete_entry(&p, last.id).await.unwrap();
    p
}

/// The archive without what differs by design between two exports.
fn comparable(a: &Archive) -> serde_json::Value {
    let mut v = serde_json::to_value(a).unwrap();
    v["exported_at"] = serde_json::Value::Null;
    v["account"] = serde_json::Value::Null;
    v
}

async fn an_archive_imports_into_a_fresh_store_and_exports_identically(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let ada = full_account(&app, "ada").await;
    let first = app
        .export_archive(&ada, Some(confirmed(&app, &ada).await))
        .await
        .unwrap();
    let kinds: std::collections::BTreeSet<&str> =
        first.records.iter().map(|r| r.kind.as_str()).collect();
    for kind in [
        "appointment",
        "goal",
        "goal_checkin",
        "question",
        "insight",
        "feedback",
        "practice",
        "practice_log",
        "measure",
        "safety_plan",
        "pinned_patterns",
        "tracker",
        "tracker_month",
    ] {
        assert!(kinds.contains(kind), "{kind} is exported: {kinds:?}");
    }
    assert!(first.entries.iter().any(|e| e.deleted_at.is_some()));
    conforms_to_the_published_schema(&serde_json::to_value(&first).unwrap());

    // Through text, as a file would be.
    let text = serde_json::to_string_pretty(&first).unwrap();
    let read: Archive = serde_json::from_str(&text).unwrap();

    let fresh = match db.sqlite_path() {
        Some(_) => TestDb::sqlite().await,
        None => TestDb::postgres().await.unwrap(),
    };
    let other = app_on(fresh.store.clone()).await;
    let (bob, _, _) = signed_in(&other, "bob").await;
    let report = other.import_archive(&bob, &read, false).await.unwrap();
    assert_eq!(report.added, first.entries.len() + first.records.len());
    assert_eq!(report.renumbered, 0);
    let second = other
        .export_archive(&bob, Some(confirmed(&other, &bob).await))
        .await
        .unwrap();
    assert_eq!(comparable(&first), comparable(&second));
    // And what was imported works: the journal and goals read back.
    assert_eq!(
        other.goals(&bob).await.unwrap().len(),
        app.goals(&ada).await.unwrap().len()
    );
}

async fn importing_twice_adds_nothing_and_taken_ids_are_renumbered(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let ada = full_account(&app, "ada").await;
    let archive = app
        .export_archive(&ada, Some(confirmed(&app, &ada).await))
        .await
        .unwrap();
    let total = archive.entries.len() + archive.records.len();

    let again = app.import_archive(&ada, &archive, false).await.unwrap();
    assert_eq!((again.added, again.skipped), (0, total));

    // Bob restores ada's archive into the same store: every id is taken.
    let (bob, _, _) = signed_in(&app, "bob").await;
    let dry = app.import_archive(&bob, &archive, true).await.unwrap();
    assert_eq!(dry.added, total);
    assert!(app
        .export_archive(&bob, Some(confirmed(&app, &bob).await))
        .await
        .unwrap()
        .records
        .is_empty());
    let first = app.import_archive(&bob, &archive, false).await.unwrap();
    assert_eq!((first.added, first.renumbered), (total, total));
    let second = app.import_archive(&bob, &archive, false).await.unwrap();
    assert_eq!((second.added, second.skipped), (0, total));

    // References follow the new ids: every parent is one of bob's records,
    // and goals still find their check-ins.
    let mine = app
        .export_archive(&bob, Some(confirmed(&app, &bob).await))
        .await
        .unwrap();
    let ids: std::collections::HashSet<_> = mine.records.iter().map(|r| r.id).collect();
    for r in &mine.records {
        if let Some(parent) = r.parent_id {
            assert!(ids.contains(&parent), "{} {} has its parent", r.kind, r.id);
        }
    }
    let check_ins = |a: &App, p: &Principal| {
        let (a, p) = (a.clone(), p.clone());
        async move {
            let mut n = 0;
            for g in a.goals(&p).await.unwrap() {
                n += g.check_ins.len();
            }
            n
        }
    };
    assert_eq!(check_ins(&app, &bob).await, check_ins(&app, &ada).await);
    assert!(check_ins(&app, &bob).await > 0);
}

async fn a_bad_archive_names_the_record_and_writes_nothing(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let ada = full_account(&app, "ada").await;
    let mut archive = app
        .export_archive(&ada, Some(confirmed(&app, &ada).await))
        .await
        .unwrap();
    let (bob, _, _) = signed_in(&app, "bob").await;
    let goal = archive
        .records
        .iter()
        .position(|r| r.kind == "goal")
        .unwrap();
    archive.records[goal].data["title"] = serde_json::json!(42);
    archive.records[0].kind = "horoscope".into();
    let err = app.import_archive(&bob, &archive, false).await.unwrap_err();
    let AppError::Invalid(errors) = err else {
        panic!("expected a validation error")
    };
    assert!(errors
        .get(&format!("records[{goal}]"))
        .unwrap()
        .contains("invalid type"));
    assert!(errors
        .get("records[0].kind")
        .unwrap()
        .contains("unknown kind \"horoscope\""));
    let nothing = app
        .export_archive(&bob, Some(confirmed(&app, &bob).await))
        .await
        .unwrap();
    assert!(nothing.entries.is_empty() && nothing.records.is_empty());

    archive.format_version = 99;
    assert!(matches!(
        app.import_archive(&bob, &archive, false).await,
        Err(AppError::Invalid(_))
    ));
}

/// Checks the parts of docs/archive-v1.schema.json that say what is there:
/// required and allowed fields at each level, and the list of kinds.
fn conforms_to_the_published_schema(archive: &serde_json::Value) {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../docs/archive-v1.schema.json")).unwrap();
    let check = |value: &serde_json::Value, def: &serde_json::Value, what: &str| {
        let allowed = def["properties"].as_object().unwrap();
        let object = value.as_object().unwrap();
        for key in object.keys() {
            assert!(
                allowed.contains_key(key),
                "{what} has {key}, which the schema does not list"
            );
        }
        for key in def["required"].as_array().into_iter().flatten() {
            assert!(
                object.contains_key(key.as_str().unwrap()),
                "{what} lacks {key}"
            );
        }
    };
    check(archive, &schema, "the archive");
    for e in archive["entries"].as_array().unwrap() {
        check(e, &schema["$defs"]["entry"], "an entry");
        check(
            &e["content"],
            &schema["$defs"]["entry"]["properties"]["content"],
            "content",
        );
    }
    let kinds: Vec<&str> = schema["$defs"]["record"]["properties"]["kind"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    let exportable: Vec<&str> = between_app::records::RecordKind::ALL
        .iter()
        .filter(|k| k.archived())
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        kinds, exportable,
        "the schema lists every kind that is exported"
    );
    for r in archive["records"].as_array().unwrap() {
        check(r, &schema["$defs"]["record"], "a record");
    }
}

async fn deleting_an_account_leaves_nothing_of_it(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let ada = full_account(&app, "ada").await;
    let (bea, _, _) = signed_in(&app, "bea").await;
    app.add_entry(
        &bea,
        EntryContent {
            text: "Bea stays".into(),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    // Samples of ada's ciphertext and keys, to look for afterwards.
    let store = app.store();
    let q = between_store::RecordQuery {
        kind: "goal".into(),
        ..Default::default()
    };
    let goal_bytes = store.list_records(ada.user.id, &q).await.unwrap()[0]
        .payload
        .clone();
    let key_bytes = store.kind_keys(ada.user.id).await.unwrap()[0]
        .wrapped
        .clone();
    let id = ada.user.id.to_string();

    assert!(matches!(
        app.delete_account(&ada, confirmed(&app, &ada).await, "bea")
            .await,
        Err(AppError::Invalid(_))
    ));
    assert!(
        !store.owned_ids(ada.user.id).await.unwrap().is_empty(),
        "a wrong name deletes nothing"
    );
    app.delete_account(&ada, confirmed(&app, &ada).await, " ADA ")
        .await
        .unwrap();

    assert!(store.owned_ids(ada.user.id).await.unwrap().is_empty());
    assert!(store.kind_keys(ada.user.id).await.unwrap().is_empty());
    assert!(store
        .credentials_of_user(ada.user.id, None)
        .await
        .unwrap()
        .is_empty());
    assert!(store.user_by_name("ada").await.unwrap().is_none());
    let bytes = stored_bytes(db).await;
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(
        !contains(&goal_bytes[goal_bytes.len() - 32..]),
        "no ciphertext remains"
    );
    assert!(
        !contains(&key_bytes[key_bytes.len() - 32..]),
        "no wrapped key remains"
    );
    assert!(!contains(id.as_bytes()), "not even the id");
    // The other account is untouched.
    assert_eq!(app.all_entries(&bea).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_backup_taken_during_writes_holds_every_write_acknowledged_before_it() {
    use std::sync::{Arc, Mutex};
    let db = TestDb::sqlite().await;
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let acked: Arc<Mutex<Vec<uuid::Uuid>>> = Arc::default();
    let writer = {
        let (app, p, acked) = (app.clone(), p.clone(), acked.clone());
        tokio::spawn(async move {
            for i in 0..200 {
                let e = app
                    .add_entry(
                        &p,
                        EntryContent {
                            text: format!("entry {i}"),
                            ..Default::default()
                        },
                        None,
                    )
                    .await
                    .unwrap();
                acked.lock().unwrap().push(e.id);
            }
        })
    };
    while acked.lock().unwrap().len() < 40 {
        tokio::task::yield_now().await;
    }
    let before: Vec<uuid::Uuid> = acked.lock().unwrap().clone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.db");
    app.store().backup_sqlite(&path).await.unwrap();
    writer.await.unwrap();
    assert!(matches!(
        app.store().backup_sqlite(&path).await,
        Err(between_store::StoreError::Conflict(_))
    ));

    // Restored, the backup opens with the same password and holds them all.
    let restored = between_store::Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let ids = restored.owned_ids(p.user.id).await.unwrap();
    for id in &before {
        assert!(ids.contains(id), "{id} was acknowledged before the backup");
    }
    let other = app_on(restored).await;
    let (again, _) = other
        .sign_in(
            "ada",
            support::PASSWORD,
            "test",
            between_app::sessions::SignInAs::Device,
            "test",
        )
        .await
        .unwrap();
    assert!(other.all_entries(&again).await.unwrap().len() >= before.len());
}
