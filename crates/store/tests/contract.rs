//! The store contract: the same stories run against SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

use between_store::{
    CredentialKind, CredentialRow, EntryQuery, EntryRow, InviteRow, KindKeyRow, NewAccount,
    RecordBatch, RecordQuery, RecordRow, Store, StoreError,
};
use uuid::Uuid;

mod support;
use support::account;

macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $story() { let db = between_store::testing::TestDb::sqlite().await; super::$story(&db.store).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $story() { if let Some(db) = between_store::testing::TestDb::postgres().await { super::$story(&db.store).await; } })*
        }
    };
}

on_both_backends!(
    accounts_are_created_whole_and_names_are_unique,
    credentials_are_found_by_lookup_and_revoked,
    entries_are_listed_newest_first_within_a_range_and_paged,
    entries_of_one_user_are_invisible_to_another,
    deleted_entries_are_restorable_until_purged,
    an_invite_is_used_once,
    deleting_a_user_removes_everything_it_owns,
    records_are_written_in_atomic_batches_and_listed_by_kind_parent_and_time,
    guarded_updates_and_slots_refuse_a_lost_update,
    listed_records_come_back_byte_for_byte,
    a_fingerprint_changes_with_any_row_and_only_then,
    a_write_under_a_retired_key_is_refused_by_its_own_statement,
    a_transaction_dropped_anywhere_leaves_no_connection_inside_it,
    the_size_counts_rows_and_bytes,
    pending_work_names_due_rotations_and_inbox_items_of_that_user_only,
    a_reminder_slot_is_claimed_once_and_a_retry_by_one_caller,
    turning_reminders_off_or_deleting_the_account_leaves_nothing_of_them,
);

async fn pending_work_names_due_rotations_and_inbox_items_of_that_user_only(store: &Store) {
    let (a, b) = (account("hal"), account("ida"));
    store.create_account(&a).await.unwrap();
    store.create_account(&b).await.unwrap();
    let none = between_store::PendingWork {
        rotations: false,
        inbox: false,
    };
    assert_eq!(store.pending_work(a.user.id).await.unwrap(), none);
    store
        .insert_inbox(&between_store::InboxRow {
            id: Uuid::now_v7(),
            user_id: a.user.id,
            dedup: vec![1; 32],
            sealed: vec![2; 64],
            created_at: 1,
        })
        .await
        .unwrap();
    store
        .mark_rotation(a.user.id, &["journal".to_string()], 2)
        .await
        .unwrap();
    assert_eq!(
        store.pending_work(a.user.id).await.unwrap(),
        between_store::PendingWork {
            rotations: true,
            inbox: true,
        }
    );
    assert_eq!(store.pending_work(b.user.id).await.unwrap(), none);
}

async fn the_size_counts_rows_and_bytes(store: &Store) {
    let before = store.size().await.unwrap();
    assert!(before.bytes > 0);
    let (a, b) = (account("fay"), account("gus"));
    store.create_account(&a).await.unwrap();
    store.create_account(&b).await.unwrap();
    for at in 0..3 {
        store.insert_entry(&entry(&a, at)).await.unwrap();
    }
    let after = store.size().await.unwrap();
    assert_eq!(after.users, before.users + 2);
    assert_eq!(after.entries, before.entries + 3);
    assert_eq!(after.records, before.records);
    assert_eq!(after.shares, before.shares);
}

fn entry(user: &NewAccount, occurred_at: i64) -> EntryRow {
    EntryRow {
        id: Uuid::now_v7(),
        user_id: user.user.id,
        key_id: user.kind_keys[0].id,
        occurred_at,
        created_at: occurred_at,
        updated_at: occurred_at,
        deleted_at: None,
        payload: vec![0xAB; 40],
    }
}

async fn accounts_are_created_whole_and_names_are_unique(store: &Store) {
    let a = account("ada");
    store.create_account(&a).await.unwrap();
    assert_eq!(
        store.user_by_name("ada").await.unwrap(),
        Some(a.user.clone())
    );
    assert_eq!(store.kind_keys(a.user.id).await.unwrap(), a.kind_keys);
    assert_eq!(store.count_users().await.unwrap(), 1);

    let err = store.create_account(&account("ada")).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m.contains("ada")),
        "{err}"
    );
    assert_eq!(
        store.count_users().await.unwrap(),
        1,
        "a failed account leaves nothing behind"
    );
    assert!(!store.store_id().await.unwrap().is_empty());
}

async fn credentials_are_found_by_lookup_and_revoked(store: &Store) {
    let a = account("bo");
    store.create_account(&a).await.unwrap();
    let session = CredentialRow {
        id: Uuid::now_v7(),
        kind: CredentialKind::Session,
        label: "Firefox".into(),
        lookup: Some(vec![7; 32]),
        salt: None,
        expires_at: Some(100),
        ..a.credentials[0].clone()
    };
    store.insert_credential(&session).await.unwrap();
    assert_eq!(
        store.credential_by_lookup(&[7; 32]).await.unwrap(),
        Some(session.clone())
    );
    store
        .touch_credential(session.id, 50, Some(150))
        .await
        .unwrap();
    let touched = store.credential_by_lookup(&[7; 32]).await.unwrap().unwrap();
    assert_eq!(
        (touched.last_used_at, touched.expires_at),
        (Some(50), Some(150))
    );
    assert_eq!(
        store
            .credentials_of_user(a.user.id, None)
            .await
            .unwrap()
            .len(),
        2
    );

    assert_eq!(store.delete_expired_credentials(149).await.unwrap(), 0);
    assert_eq!(
        store
            .delete_credentials_of_kind(a.user.id, CredentialKind::Session)
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.credential_by_lookup(&[7; 32]).await.unwrap(), None);
    assert!(!store
        .delete_credential(a.user.id, session.id)
        .await
        .unwrap());
}

async fn entries_are_listed_newest_first_within_a_range_and_paged(store: &Store) {
    let a = account("cy");
    store.create_account(&a).await.unwrap();
    let mut all = Vec::new();
    for t in [10, 20, 30, 40, 50] {
        let e = entry(&a, t);
        store.insert_entry(&e).await.unwrap();
        all.push(e);
    }
    let times = |rows: Vec<EntryRow>| rows.iter().map(|r| r.occurred_at).collect::<Vec<_>>();
    let listed = store
        .list_entries(a.user.id, &EntryQuery::default())
        .await
        .unwrap();
    assert_eq!(times(listed), vec![50, 40, 30, 20, 10]);

    let range = EntryQuery {
        since: Some(20),
        until: Some(40),
        ..Default::default()
    };
    assert_eq!(
        times(store.list_entries(a.user.id, &range).await.unwrap()),
        vec![30, 20]
    );

    let page1 = store
        .list_entries(
            a.user.id,
            &EntryQuery {
                limit: Some(2),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let last = page1.last().unwrap();
    let page2 = store
        .list_entries(
            a.user.id,
            &EntryQuery {
                limit: Some(2),
                before: Some((last.occurred_at, last.id)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((times(page1), times(page2)), (vec![50, 40], vec![30, 20]));

    let mut changed = all[0].clone();
    changed.payload = vec![1, 2];
    changed.occurred_at = 60;
    changed.updated_at = 61;
    assert!(store.update_entry(&changed).await.unwrap());
    assert_eq!(
        store.entry(a.user.id, changed.id).await.unwrap(),
        Some(changed)
    );
}

async fn entries_of_one_user_are_invisible_to_another(store: &Store) {
    let (a, b) = (account("dee"), account("eve"));
    store.create_account(&a).await.unwrap();
    store.create_account(&b).await.unwrap();
    let e = entry(&a, 10);
    store.insert_entry(&e).await.unwrap();
    assert_eq!(store.entry(b.user.id, e.id).await.unwrap(), None);
    assert!(store
        .list_entries(b.user.id, &EntryQuery::default())
        .await
        .unwrap()
        .is_empty());
    let mut hijack = e.clone();
    hijack.user_id = b.user.id;
    // Refused: the key is not one of the other user's.
    assert!(!matches!(store.update_entry(&hijack).await, Ok(true)));
    assert!(!store.soft_delete_entry(b.user.id, e.id, 5).await.unwrap());
    assert_eq!(store.entry(a.user.id, e.id).await.unwrap(), Some(e));
}

async fn deleted_entries_are_restorable_until_purged(store: &Store) {
    let a = account("fay");
    store.create_account(&a).await.unwrap();
    let (e1, e2) = (entry(&a, 10), entry(&a, 20));
    store.insert_entry(&e1).await.unwrap();
    store.insert_entry(&e2).await.unwrap();
    assert!(store
        .soft_delete_entry(a.user.id, e1.id, 100)
        .await
        .unwrap());
    assert!(store
        .soft_delete_entry(a.user.id, e2.id, 200)
        .await
        .unwrap());
    let deleted = EntryQuery {
        deleted: true,
        ..Default::default()
    };
    assert_eq!(
        store.list_entries(a.user.id, &deleted).await.unwrap().len(),
        2
    );
    assert!(store
        .list_entries(a.user.id, &EntryQuery::default())
        .await
        .unwrap()
        .is_empty());

    assert!(store.restore_entry(a.user.id, e2.id).await.unwrap());
    assert!(
        !store.restore_entry(a.user.id, e2.id).await.unwrap(),
        "restoring twice does nothing"
    );
    assert_eq!(store.purge_deleted_entries(150).await.unwrap(), 1);
    assert_eq!(store.entry(a.user.id, e1.id).await.unwrap(), None);
    assert_eq!(
        store
            .list_entries(a.user.id, &EntryQuery::default())
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn an_invite_is_used_once(store: &Store) {
    let invite = InviteRow {
        id: Uuid::now_v7(),
        lookup: vec![3; 32],
        role: "client".into(),
        created_at: 1,
        expires_at: 10,
        used_at: None,
    };
    store.insert_invite(&invite).await.unwrap();
    assert_eq!(
        store.invite_by_lookup(&[3; 32]).await.unwrap(),
        Some(invite.clone())
    );
    assert!(store.use_invite(invite.id, 5).await.unwrap());
    assert!(!store.use_invite(invite.id, 6).await.unwrap(), "only once");
    store.release_invite(invite.id).await.unwrap();
    assert!(store.use_invite(invite.id, 7).await.unwrap());
    assert_eq!(
        store
            .invite_by_lookup(&[3; 32])
            .await
            .unwrap()
            .unwrap()
            .used_at,
        Some(7)
    );
}

async fn deleting_a_user_removes_everything_it_owns(store: &Store) {
    let (a, b) = (account("gil"), account("hue"));
    store.create_account(&a).await.unwrap();
    store.create_account(&b).await.unwrap();
    store.insert_entry(&entry(&a, 1)).await.unwrap();
    store.insert_entry(&entry(&b, 1)).await.unwrap();
    assert!(store.delete_user(a.user.id).await.unwrap());
    assert_eq!(store.user_by_name("gil").await.unwrap(), None);
    assert!(store.kind_keys(a.user.id).await.unwrap().is_empty());
    assert!(store
        .credentials_of_user(a.user.id, None)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_entries(a.user.id, &EntryQuery::default())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .list_entries(b.user.id, &EntryQuery::default())
            .await
            .unwrap()
            .len(),
        1,
        "others keep theirs"
    );
}

fn record(user: &NewAccount, kind: &str, parent: Option<Uuid>, at: i64) -> RecordRow {
    RecordRow {
        id: Uuid::now_v7(),
        user_id: user.user.id,
        kind: kind.into(),
        parent_id: parent,
        key_id: user.kind_keys[0].id,
        occurred_at: at,
        created_at: at,
        updated_at: at,
        payload: vec![7; 20],
    }
}

async fn guarded_updates_and_slots_refuse_a_lost_update(store: &Store) {
    let a = account("kim");
    store.create_account(&a).await.unwrap();
    let tracker = Uuid::now_v7();
    let month = record(&a, "tracker_month", Some(tracker), 100);
    let insert = |r: &RecordRow| RecordBatch {
        insert: vec![r.clone()],
        ..Default::default()
    };
    store
        .apply_records(a.user.id, &insert(&month))
        .await
        .unwrap();
    // A second record for the same slot is refused; other slots are free.
    let twin = record(&a, "tracker_month", Some(tracker), 100);
    assert!(matches!(
        store.apply_records(a.user.id, &insert(&twin)).await,
        Err(StoreError::Conflict(_))
    ));
    let next = record(&a, "tracker_month", Some(tracker), 200);
    store
        .apply_records(a.user.id, &insert(&next))
        .await
        .unwrap();
    let checkins = record(&a, "goal_checkin", Some(tracker), 100);
    let same_time = record(&a, "goal_checkin", Some(tracker), 100);
    store
        .apply_records(a.user.id, &insert(&checkins))
        .await
        .unwrap();
    store
        .apply_records(a.user.id, &insert(&same_time))
        .await
        .unwrap();

    // Two writers read the same version; the second write is refused.
    let mut first = month.clone();
    first.payload = vec![1];
    first.updated_at = 150;
    let mut second = month.clone();
    second.payload = vec![2];
    second.updated_at = 160;
    let guarded = |r: &RecordRow| RecordBatch {
        update_if_unchanged: vec![(r.clone(), month.updated_at)],
        ..Default::default()
    };
    store
        .apply_records(a.user.id, &guarded(&first))
        .await
        .unwrap();
    assert!(matches!(
        store.apply_records(a.user.id, &guarded(&second)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store
            .record(a.user.id, "tracker_month", month.id)
            .await
            .unwrap()
            .unwrap()
            .payload,
        vec![1]
    );
}

async fn records_are_written_in_atomic_batches_and_listed_by_kind_parent_and_time(store: &Store) {
    let (a, b) = (account("ivo"), account("jan"));
    store.create_account(&a).await.unwrap();
    store.create_account(&b).await.unwrap();
    let goal = record(&a, "goal", None, 5);
    let c1 = record(&a, "goal_checkin", Some(goal.id), 20);
    let c2 = record(&a, "goal_checkin", Some(goal.id), 10);
    let other = record(&a, "goal_checkin", Some(Uuid::now_v7()), 15);
    store
        .apply_records(
            a.user.id,
            &RecordBatch {
                insert: vec![goal.clone(), c1.clone(), c2.clone(), other.clone()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let checkins = RecordQuery {
        kind: "goal_checkin".into(),
        parent_id: Some(goal.id),
        ..Default::default()
    };
    let listed = store.list_records(a.user.id, &checkins).await.unwrap();
    assert_eq!(
        listed.iter().map(|r| r.occurred_at).collect::<Vec<_>>(),
        vec![10, 20],
        "oldest first"
    );
    assert_eq!(
        store.record_times(a.user.id, &checkins).await.unwrap(),
        vec![10, 20]
    );
    let none = RecordQuery {
        kind: "insight".into(),
        ..Default::default()
    };
    assert!(store
        .record_times(a.user.id, &none)
        .await
        .unwrap()
        .is_empty());
    let ranged = RecordQuery {
        kind: "goal_checkin".into(),
        since: Some(11),
        until: Some(20),
        ..Default::default()
    };
    assert_eq!(
        store.list_records(a.user.id, &ranged).await.unwrap(),
        vec![other.clone()]
    );
    assert_eq!(
        store.record(a.user.id, "goal", goal.id).await.unwrap(),
        Some(goal.clone())
    );
    assert_eq!(
        store.record(a.user.id, "insight", goal.id).await.unwrap(),
        None,
        "kinds do not mix"
    );
    assert_eq!(
        store.record(b.user.id, "goal", goal.id).await.unwrap(),
        None,
        "users do not mix"
    );

    // A batch that fails half-way changes nothing.
    let mut changed = goal.clone();
    changed.payload = vec![1];
    let mut foreign = c1.clone();
    foreign.user_id = b.user.id;
    let bad = RecordBatch {
        update: vec![changed.clone()],
        delete: vec![("goal_checkin".into(), Uuid::now_v7())],
        ..Default::default()
    };
    assert!(matches!(
        store.apply_records(a.user.id, &bad).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.record(a.user.id, "goal", goal.id).await.unwrap(),
        Some(goal.clone())
    );
    let hijack = RecordBatch {
        delete: vec![("goal".into(), goal.id)],
        ..Default::default()
    };
    assert!(store.apply_records(b.user.id, &hijack).await.is_err());

    let ok = RecordBatch {
        update: vec![changed.clone()],
        delete: vec![("goal_checkin".into(), c2.id)],
        ..Default::default()
    };
    store.apply_records(a.user.id, &ok).await.unwrap();
    assert_eq!(
        store.record(a.user.id, "goal", goal.id).await.unwrap(),
        Some(changed)
    );
    assert_eq!(
        store.list_records(a.user.id, &checkins).await.unwrap(),
        vec![c1]
    );
    assert!(store.delete_user(a.user.id).await.unwrap());
    assert!(store
        .list_records(a.user.id, &ranged)
        .await
        .unwrap()
        .is_empty());
}

async fn listed_records_come_back_byte_for_byte(store: &Store) {
    let a = account("lea");
    store.create_account(&a).await.unwrap();
    let mut rows: Vec<RecordRow> = (0..300)
        .map(|n| {
            let mut r = record(&a, "measure", (n % 2 == 0).then(Uuid::now_v7), n);
            // Every byte value, and payloads of different lengths.
            r.payload = (0..=255u8)
                .cycle()
                .skip(n as usize)
                .take(n as usize + 1)
                .collect();
            r.created_at = 1_000_000 + n;
            r.updated_at = -n;
            r
        })
        .collect();
    rows.push(RecordRow {
        payload: Vec::new(),
        ..record(&a, "measure", None, 999)
    });
    store
        .apply_records(
            a.user.id,
            &RecordBatch {
                insert: rows.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let listed = store
        .list_records(
            a.user.id,
            &RecordQuery {
                kind: "measure".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(listed, rows, "same rows, same order, same bytes");
}

async fn a_fingerprint_changes_with_any_row_and_only_then(store: &Store) {
    let a = account("ada");
    store.create_account(&a).await.unwrap();
    let before = store.fingerprint().await;
    assert!(before.0.contains_key("users") && before.0.contains_key("credentials"));
    assert_eq!(store.fingerprint().await, before, "reading changes nothing");

    store
        .update_time_zone(a.user.id, "Europe/Paris")
        .await
        .unwrap();
    let zoned = store.fingerprint().await;
    assert_eq!(zoned.changed_since(&before), vec!["users".to_string()]);
    assert_eq!(zoned.0["users"].0, 1, "one row, one column changed");

    store
        .update_time_zone(a.user.id, "Europe/Berlin")
        .await
        .unwrap();
    assert_eq!(
        store.fingerprint().await,
        before,
        "the same rows, the same print"
    );

    store.create_account(&account("bea")).await.unwrap();
    let more = store.fingerprint().await.changed_since(&before);
    for table in ["users", "kind_keys", "credentials"] {
        assert!(more.contains(&table.to_string()), "{table} in {more:?}");
    }
}

async fn a_write_under_a_retired_key_is_refused_by_its_own_statement(store: &Store) {
    let a = account("ret");
    store.create_account(&a).await.unwrap();
    let user = a.user.id;
    let old = a.kind_keys[0].id;
    let e = entry(&a, 10);
    store.insert_entry(&e).await.unwrap();
    let r = record(&a, "wins_seen", None, 10);
    let insert = |r: &RecordRow| RecordBatch {
        insert: vec![r.clone()],
        ..Default::default()
    };
    store.apply_records(user, &insert(&r)).await.unwrap();
    store
        .mark_rotation(user, &["journal".into()], 1)
        .await
        .unwrap();
    let new = KindKeyRow {
        id: Uuid::now_v7(),
        user_id: user,
        kind: "journal".into(),
        wrapped: vec![4],
        created_at: 2,
        retired_at: None,
        generation: Some(2),
    };
    store.begin_key_rotation("journal", &new, 2).await.unwrap();
    assert_eq!(
        store.rotation_new_key(user, "journal").await.unwrap(),
        Some(new.id)
    );
    let retired =
        |r: Result<_, StoreError>| matches!(r, Err(StoreError::RetiredKey(k)) if k == old);
    // Every write under the retired key is refused, and writes nothing.
    let e2 = entry(&a, 20);
    assert!(retired(store.insert_entry(&e2).await));
    assert!(retired(store.insert_entries(&[entry(&a, 30)]).await));
    let mut edited = e.clone();
    edited.payload = vec![1; 40];
    edited.updated_at = 11;
    assert!(retired(store.update_entry(&edited).await.map(|_| ())));
    assert!(retired(
        store
            .apply_records(user, &insert(&record(&a, "wins_seen", None, 20)))
            .await
    ));
    let mut changed = r.clone();
    changed.payload = vec![1; 20];
    let update = RecordBatch {
        update: vec![changed],
        ..Default::default()
    };
    assert!(retired(store.apply_records(user, &update).await));
    assert_eq!(store.entry(user, e.id).await.unwrap(), Some(e.clone()));
    assert_eq!(store.entry(user, e2.id).await.unwrap(), None);
    let q = RecordQuery {
        kind: "wins_seen".into(),
        ..Default::default()
    };
    assert_eq!(store.list_records(user, &q).await.unwrap(), vec![r.clone()]);
    // Under the new key they are accepted.
    let mut under_new = entry(&a, 40);
    under_new.key_id = new.id;
    store.insert_entry(&under_new).await.unwrap();
    // A retired key in use is kept.
    assert_eq!(
        store
            .delete_unused_retired_keys(user, "journal")
            .await
            .unwrap(),
        0
    );
    // Re-keying applies only while the row is unchanged and under the old key.
    assert!(!store
        .rekey_entry(user, e.id, old, e.updated_at + 1, new.id, &[7; 40])
        .await
        .unwrap());
    assert!(store
        .rekey_entry(user, e.id, old, e.updated_at, new.id, &[7; 40])
        .await
        .unwrap());
    assert!(!store
        .rekey_entry(user, e.id, old, e.updated_at, new.id, &[8; 40])
        .await
        .unwrap());
    assert!(store
        .rekey_record(user, "wins_seen", r.id, old, r.updated_at, new.id, &[7; 20])
        .await
        .unwrap());
    assert_eq!(
        store
            .delete_unused_retired_keys(user, "journal")
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.kind_keys(user).await.unwrap(), vec![new.clone()]);
    // Marked due again (the new key may have been shared since): the begun
    // rotation is forgotten, and finishing it does not clear the mark.
    store
        .mark_rotation(user, &["journal".into()], 3)
        .await
        .unwrap();
    assert_eq!(store.rotation_new_key(user, "journal").await.unwrap(), None);
    assert!(!store
        .finish_key_rotation(user, "journal", new.id)
        .await
        .unwrap());
    assert_eq!(store.due_rotations(user).await.unwrap(), vec!["journal"]);
    // The lease: one holder at a time, renewable by it, free once expired.
    let (one, two) = (Uuid::now_v7(), Uuid::now_v7());
    assert!(store.take_rotation_lease(user, one, 10, 20).await.unwrap());
    assert!(!store.take_rotation_lease(user, two, 15, 25).await.unwrap());
    assert!(store.take_rotation_lease(user, one, 15, 30).await.unwrap());
    assert!(!store.take_rotation_lease(user, two, 29, 40).await.unwrap());
    assert!(store.take_rotation_lease(user, two, 30, 40).await.unwrap());
    store.release_rotation_lease(user, one).await.unwrap();
    assert!(!store.take_rotation_lease(user, one, 31, 41).await.unwrap());
    store.release_rotation_lease(user, two).await.unwrap();
    assert!(store.take_rotation_lease(user, one, 32, 42).await.unwrap());
}

/// A store written before keys were retired: an earlier rotation left the
/// replaced key beside its successor. After the upgrade the newest key of
/// the kind is the current one, the older is retired (no write under it),
/// and every entry is still there.
async fn a_store_from_before_retired_keys_keeps_its_newest_key_current(postgres: bool) {
    use between_store::testing::{TestDb, Value};
    let (user, older, newer, e) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let key = |id: Uuid, at: i64| {
        (
            "INSERT INTO kind_keys (id, user_id, kind, wrapped, created_at) VALUES ($1, $2, 'shared_journal', $3, $4)",
            vec![
                Value::Text(id.to_string()),
                Value::Text(user.to_string()),
                Value::Blob(vec![1, 2, 3]),
                Value::Int(at),
            ],
        )
    };
    let rows = vec![
        (
            "INSERT INTO users (id, name, role, time_zone, created_at) VALUES ($1, 'lee', 'client', 'Europe/Berlin', 1)",
            vec![Value::Text(user.to_string())],
        ),
        key(older, 1),
        key(newer, 2),
        (
            "INSERT INTO entries (id, user_id, key_id, occurred_at, created_at, updated_at, payload) VALUES ($1, $2, $3, 5, 5, 5, $4)",
            vec![
                Value::Text(e.to_string()),
                Value::Text(user.to_string()),
                Value::Text(newer.to_string()),
                Value::Blob(vec![9; 30]),
            ],
        ),
    ];
    let Some(db) = TestDb::upgraded_from(postgres, 12, &rows).await else {
        return;
    };
    let keys = db.store.kind_keys(user).await.unwrap();
    let state: Vec<(Uuid, bool)> = keys
        .iter()
        .map(|k| (k.id, k.retired_at.is_some()))
        .collect();
    assert_eq!(state, vec![(older, true), (newer, false)]);
    assert!(db.store.entry(user, e).await.unwrap().is_some());
    let mut row = db.store.entry(user, e).await.unwrap().unwrap();
    row.id = Uuid::now_v7();
    db.store.insert_entry(&row).await.unwrap();
    row.id = Uuid::now_v7();
    row.key_id = older;
    assert!(matches!(
        db.store.insert_entry(&row).await,
        Err(StoreError::RetiredKey(k)) if k == older
    ));
}

#[tokio::test]
async fn sqlite_store_from_before_retired_keys_keeps_its_newest_key_current() {
    a_store_from_before_retired_keys_keeps_its_newest_key_current(false).await;
}

#[tokio::test]
async fn postgres_store_from_before_retired_keys_keeps_its_newest_key_current() {
    a_store_from_before_retired_keys_keeps_its_newest_key_current(true).await;
}

/// Reopening a store that holds every migration checks them with one
/// query and keeps its identity; a migration changed after it was applied
/// is still refused, as the migrator refuses it.
async fn a_store_reopens_without_migrating_and_refuses_a_changed_migration(
    db: &between_store::testing::TestDb,
) {
    let id = db.store.store_id().await.unwrap();
    let again = Store::connect(&db.url).await.unwrap();
    assert_eq!(again.store_id().await.unwrap(), id);
    again.close().await;
    db.tamper(
        "UPDATE _sqlx_migrations SET checksum = $1 WHERE version = 1",
        &[between_store::testing::Value::Blob(vec![0; 48])],
    )
    .await;
    let refused = Store::connect(&db.url).await;
    assert!(
        matches!(refused, Err(StoreError::Migrate(_))),
        "{refused:?}"
    );
}

#[tokio::test]
async fn sqlite_store_reopens_without_migrating_and_refuses_a_changed_migration() {
    let db = between_store::testing::TestDb::sqlite().await;
    a_store_reopens_without_migrating_and_refuses_a_changed_migration(&db).await;
}

#[tokio::test]
async fn postgres_store_reopens_without_migrating_and_refuses_a_changed_migration() {
    if let Some(db) = between_store::testing::TestDb::postgres().await {
        a_store_reopens_without_migrating_and_refuses_a_changed_migration(&db).await;
    }
}

/// Polls the inner future at most `left` times, then drops it where it
/// stands, as a request whose client went away is dropped.
struct StopAfter<F> {
    inner: std::pin::Pin<Box<F>>,
    left: usize,
}

impl<F: std::future::Future> std::future::Future for StopAfter<F> {
    type Output = Option<F::Output>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        if self.left == 0 {
            return std::task::Poll::Ready(None);
        }
        self.left -= 1;
        self.inner.as_mut().poll(cx).map(Some)
    }
}

async fn a_transaction_dropped_anywhere_leaves_no_connection_inside_it(store: &Store) {
    use between_store::ThrottleKey;
    let mut polls = 1;
    let mut key = 0;
    loop {
        // Where a poll stops depends on when the server answers: each
        // count is tried a few times.
        let mut finished = false;
        for _ in 0..8 {
            key += 1;
            let keys = [ThrottleKey {
                key: format!("dropped-{key}"),
                max: 10,
            }];
            finished |= StopAfter {
                inner: Box::pin(store.throttle_reserve(&keys, 1_000, 100)),
                left: polls,
            }
            .await
            .is_some();
        }
        // The pool takes back what was dropped in a task of its own.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert_eq!(
            store.idle_connections_in_a_transaction().await,
            0,
            "dropped after {polls} polls"
        );
        if finished {
            break;
        }
        polls += 1;
        assert!(polls < 200, "the reservation never finished");
    }
    assert!(polls > 1, "it was dropped midway at least once");
}

fn plan_row(user: &NewAccount) -> between_store::ReminderPlanRow {
    between_store::ReminderPlanRow {
        user_id: user.user.id,
        public_key: vec![1; 32],
        wrapped_secret: vec![2; 72],
        server_key: "fp".into(),
        sealed_plan: vec![3; 100],
        version: 1,
        updated_at: 10,
    }
}

async fn a_reminder_slot_is_claimed_once_and_a_retry_by_one_caller(store: &Store) {
    let a = account("rem");
    store.create_account(&a).await.unwrap();
    store.put_reminder_plan(&plan_row(&a)).await.unwrap();
    // The plan is replaced only under the key it was sealed to.
    assert!(store
        .update_reminder_plan(a.user.id, &[1; 32], &[4; 90], 11)
        .await
        .unwrap());
    assert!(!store
        .update_reminder_plan(a.user.id, &[9; 32], &[5; 90], 12)
        .await
        .unwrap());
    let plan = store.reminder_plan(a.user.id).await.unwrap().unwrap();
    assert_eq!((plan.version, plan.sealed_plan.len()), (2, 90));
    assert_eq!(
        store.reminder_plan_versions().await.unwrap(),
        vec![(a.user.id, 2)]
    );

    let claim = between_store::ClaimRow {
        user_id: a.user.id,
        slot: "slot-1".into(),
        channel_id: Uuid::now_v7(),
        attempts: 1,
        sealed_message: vec![6; 40],
    };
    assert!(store.claim_reminder(&claim, 100).await.unwrap());
    assert!(
        !store.claim_reminder(&claim, 101).await.unwrap(),
        "a slot is claimed once"
    );
    store
        .finish_reminder(&claim, "retry", Some(150))
        .await
        .unwrap();
    assert!(store
        .claim_reminder_retries(149, 10)
        .await
        .unwrap()
        .is_empty());
    let retried = store.claim_reminder_retries(150, 10).await.unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempts, 2);
    assert_eq!(retried[0].sealed_message, vec![6; 40]);
    assert!(
        store
            .claim_reminder_retries(200, 10)
            .await
            .unwrap()
            .is_empty(),
        "a retry is claimed by one caller"
    );
    store.finish_reminder(&claim, "sent", None).await.unwrap();
    // Old claims are forgotten unless still waiting for a retry.
    assert_eq!(store.forget_reminder_claims(101).await.unwrap(), 1);
    assert!(store.reminder_claims(a.user.id).await.unwrap().is_empty());
}

async fn turning_reminders_off_or_deleting_the_account_leaves_nothing_of_them(store: &Store) {
    let (a, b) = (account("off"), account("gone"));
    for user in [&a, &b] {
        store.create_account(user).await.unwrap();
        store.put_reminder_plan(&plan_row(user)).await.unwrap();
        let channel = Uuid::now_v7();
        store
            .confirm_channel(user.user.id, channel, 5)
            .await
            .unwrap();
        store
            .keep_reminder_link(
                &format!("look-{}", user.user.name),
                user.user.id,
                channel,
                "unsubscribe",
                99,
            )
            .await
            .unwrap();
        store
            .claim_reminder(
                &between_store::ClaimRow {
                    user_id: user.user.id,
                    slot: "s".into(),
                    channel_id: channel,
                    attempts: 1,
                    sealed_message: vec![],
                },
                5,
            )
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .reminder_link("look-off", "unsubscribe", 10)
            .await
            .unwrap()
            .map(|l| l.0),
        Some(a.user.id)
    );
    assert_eq!(
        store
            .reminder_link("look-off", "unsubscribe", 99)
            .await
            .unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        store
            .reminder_link("look-off", "confirm", 10)
            .await
            .unwrap(),
        None,
        "another purpose"
    );
    assert!(store.delete_reminder_plan(a.user.id).await.unwrap());
    assert!(store.delete_user(b.user.id).await.unwrap());
    for user in [&a, &b] {
        assert_eq!(store.reminder_plan(user.user.id).await.unwrap(), None);
        assert!(store
            .channel_statuses(user.user.id)
            .await
            .unwrap()
            .is_empty());
        assert!(store
            .reminder_claims(user.user.id)
            .await
            .unwrap()
            .is_empty());
    }
    assert_eq!(
        store
            .reminder_link("look-off", "unsubscribe", 10)
            .await
            .unwrap(),
        None
    );
}
