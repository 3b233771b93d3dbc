//! At clinic scale every hot query of the store finds its rows through an
//! index: on PostgreSQL, with a few hundred accounts' worth of entries and
//! records and fresh planner statistics, none of the operations a page or
//! the API runs reads `entries` or `records` sequentially (PostgreSQL's
//! own count of sequential scans does not move).

#![allow(clippy::unwrap_used)]

use between_store::testing::TestDb;
use between_store::{
    EntryQuery, EntryRow, KindKeyRow, NewAccount, RecordBatch, RecordQuery, RecordRow, Store,
};
use uuid::Uuid;

mod support;
use support::account;

const ACCOUNTS: usize = 200;
const ENTRIES_EACH: i64 = 60;
const RECORDS_EACH: i64 = 60;

async fn fill(store: &Store) -> Vec<NewAccount> {
    let mut accounts = Vec::new();
    for n in 0..ACCOUNTS {
        let a = account(&format!("client{n}"));
        store.create_account(&a).await.unwrap();
        let key = a.kind_keys[0].id;
        let entries: Vec<EntryRow> = (0..ENTRIES_EACH)
            .map(|i| EntryRow {
                id: Uuid::now_v7(),
                user_id: a.user.id,
                key_id: key,
                occurred_at: i * 86_400_000_000,
                created_at: i,
                updated_at: i,
                deleted_at: None,
                payload: vec![0xAB; 200],
            })
            .collect();
        store.insert_entries(&entries).await.unwrap();
        let parent = Uuid::now_v7();
        let records: Vec<RecordRow> = (0..RECORDS_EACH)
            .map(|i| RecordRow {
                id: Uuid::now_v7(),
                user_id: a.user.id,
                kind: if i % 2 == 0 {
                    "practice_log"
                } else {
                    "measure"
                }
                .into(),
                parent_id: (i % 2 == 0).then_some(parent),
                key_id: key,
                occurred_at: i * 86_400_000_000,
                created_at: i,
                updated_at: i,
                payload: vec![7; 100],
            })
            .collect();
        store
            .apply_records(
                a.user.id,
                &RecordBatch {
                    insert: records,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        accounts.push(a);
    }
    accounts
}

/// One store operation under test.
type Op<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'a>>;

/// Sequential scans of (entries, records) that `op` caused.
async fn scans_of<F: std::future::Future<Output = ()>>(
    db: &TestDb,
    one: &Store,
    op: F,
) -> (i64, i64) {
    let before = (
        db.store.sequential_scans("entries").await,
        db.store.sequential_scans("records").await,
    );
    op.await;
    one.flush_statistics().await;
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    (
        db.store.sequential_scans("entries").await - before.0,
        db.store.sequential_scans("records").await - before.1,
    )
}

#[tokio::test]
async fn no_hot_query_reads_entries_or_records_sequentially() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    // One connection, so one backend's statistics are flushed on demand.
    let one = Store::connect_with(&db.url, Some(1)).await.unwrap();
    let accounts = fill(&one).await;
    db.store.analyze().await;
    let a = &accounts[ACCOUNTS / 2];
    let user = a.user.id;
    // A key a rotation replaced, which nothing is encrypted under any more.
    one.insert_kind_key(&KindKeyRow {
        id: Uuid::now_v7(),
        user_id: user,
        kind: "journal".into(),
        wrapped: vec![1, 2, 3],
        created_at: 0,
        retired_at: Some(1),
        generation: Some(0),
    })
    .await
    .unwrap();
    let some_entry = one
        .list_entries(user, &EntryQuery::default())
        .await
        .unwrap()[0]
        .id;
    let parent = one
        .list_records(
            user,
            &RecordQuery {
                kind: "practice_log".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()[0]
        .parent_id;

    // The measurement works: a query with nothing to go by scans.
    let control = scans_of(
        &db,
        &one,
        one.execute_for_tests("SELECT count(*) FROM entries WHERE length(payload) = 3"),
    )
    .await;
    assert!(control.0 >= 1, "a filter no index serves is seen scanning");

    let day = 86_400_000_000;
    let ops: Vec<(&str, Op<'_>)> = vec![
        (
            "a page of the journal",
            Box::pin(async {
                one.list_entries(
                    user,
                    &EntryQuery {
                        limit: Some(50),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            }),
        ),
        (
            "a week of the journal",
            Box::pin(async {
                one.list_entries(
                    user,
                    &EntryQuery {
                        since: Some(50 * day),
                        until: Some(57 * day),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            }),
        ),
        (
            "the whole journal (search)",
            Box::pin(async {
                one.list_entries(user, &EntryQuery::default())
                    .await
                    .unwrap();
            }),
        ),
        (
            "the next page after a cursor",
            Box::pin(async {
                one.list_entries(
                    user,
                    &EntryQuery {
                        before: Some((30 * day, Uuid::max())),
                        limit: Some(20),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            }),
        ),
        (
            "recently deleted",
            Box::pin(async {
                one.list_entries(
                    user,
                    &EntryQuery {
                        deleted: true,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            }),
        ),
        (
            "one entry",
            Box::pin(async {
                one.entry(user, some_entry).await.unwrap();
            }),
        ),
        (
            "entry times (counts by day)",
            Box::pin(async {
                one.entry_times(user).await.unwrap();
            }),
        ),
        (
            "records of a kind",
            Box::pin(async {
                one.list_records(
                    user,
                    &RecordQuery {
                        kind: "measure".into(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            }),
        ),
        (
            "records of a parent in a period",
            Box::pin(async {
                one.list_records(
                    user,
                    &RecordQuery {
                        kind: "practice_log".into(),
                        parent_id: parent,
                        since: Some(10 * day),
                        until: Some(40 * day),
                    },
                )
                .await
                .unwrap();
            }),
        ),
        (
            "record times",
            Box::pin(async {
                one.record_times(
                    user,
                    &RecordQuery {
                        kind: "practice_log".into(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            }),
        ),
        (
            "retired keys nothing uses (after a rotation)",
            Box::pin(async {
                one.delete_unused_retired_keys(user, "journal")
                    .await
                    .unwrap();
            }),
        ),
        (
            "the sweep of entries deleted 30 days ago",
            Box::pin(async {
                one.purge_deleted_entries(-1).await.unwrap();
            }),
        ),
    ];
    let mut scanning = Vec::new();
    for (name, op) in ops {
        let (entries, records) = scans_of(&db, &one, op).await;
        if entries > 0 || records > 0 {
            scanning.push(format!("{name}: entries {entries}, records {records}"));
        }
    }
    assert!(scanning.is_empty(), "sequential scans: {scanning:#?}");
    drop(one);
    drop(db);
}
