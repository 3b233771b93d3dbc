//! A store that is open somewhere cannot be restored over, and a store
//! being restored cannot be opened — on both backends. Also: SQLite's files
//! are private (mode 0600) from the moment they exist.

#![allow(clippy::unwrap_used)]

use between_store::testing::TestDb;
use between_store::{ExclusiveUse, Store, StoreError};

macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $story() { super::$story(between_store::testing::TestDb::sqlite().await).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $story() { if let Some(db) = between_store::testing::TestDb::postgres().await { super::$story(db).await; } })*
        }
    };
}

on_both_backends!(
    an_open_store_is_not_taken_for_a_restore_until_it_is_closed,
    no_store_opens_while_a_restore_holds_it,
    a_store_stays_open_while_a_clone_lives_and_close_lets_go,
);

fn in_use_message(result: Result<impl std::fmt::Debug, StoreError>) -> String {
    match result {
        Err(StoreError::InUse(message)) => message,
        other => panic!("expected InUse, got {other:?}"),
    }
}

async fn an_open_store_is_not_taken_for_a_restore_until_it_is_closed(db: TestDb) {
    let message = in_use_message(ExclusiveUse::acquire(&db.url).await);
    assert!(message.contains("is in use"), "{message}");
    assert!(message.contains("stop `between serve`"), "{message}");
    db.store.close().await;
    let held = ExclusiveUse::acquire(&db.url).await.unwrap();
    held.release().await;
}

async fn no_store_opens_while_a_restore_holds_it(db: TestDb) {
    db.store.close().await;
    let held = ExclusiveUse::acquire(&db.url).await.unwrap();
    let message = in_use_message(Store::connect(&db.url).await);
    assert!(
        message.contains("a restore of this store is under way"),
        "{message}"
    );
    held.release().await;
    let store = Store::connect(&db.url).await.unwrap();
    assert!(store.store_id().await.is_ok());
    store.close().await;
}

async fn a_store_stays_open_while_a_clone_lives_and_close_lets_go(db: TestDb) {
    db.store.close().await;
    let store = Store::connect(&db.url).await.unwrap();
    let clone = store.clone();
    drop(store);
    in_use_message(ExclusiveUse::acquire(&db.url).await);
    clone.close().await;
    ExclusiveUse::acquire(&db.url)
        .await
        .unwrap()
        .release()
        .await;
}

#[tokio::test]
async fn an_sqlite_connection_of_another_program_blocks_a_restore() {
    use sqlx::{ConnectOptions, Connection};
    let db = TestDb::sqlite().await;
    db.store.close().await;
    let path = db.sqlite_path().unwrap();
    // Not a Between store: a plain SQLite connection, as `sqlite3` would hold.
    let mut other = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .connect()
        .await
        .unwrap();
    sqlx::query("SELECT count(*) FROM users")
        .execute(&mut other)
        .await
        .unwrap();
    let message = in_use_message(ExclusiveUse::acquire(&db.url).await);
    assert!(message.contains("is in use"), "{message}");
    other.close().await.unwrap();
    ExclusiveUse::acquire(&db.url)
        .await
        .unwrap()
        .release()
        .await;
}

#[tokio::test]
async fn any_other_postgres_session_blocks_a_restore_and_is_named() {
    use sqlx::Connection;
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    db.store.close().await;
    sqlx::any::install_default_drivers();
    let other = sqlx::AnyConnection::connect(&format!("{}?application_name=psql", db.url))
        .await
        .unwrap();
    let message = in_use_message(ExclusiveUse::acquire(&db.url).await);
    assert!(message.contains("PostgreSQL session"), "{message}");
    assert!(message.contains("(psql, from"), "{message}");
    other.close().await.unwrap();
    ExclusiveUse::acquire(&db.url)
        .await
        .unwrap()
        .release()
        .await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_new_sqlite_store_and_its_wal_shm_and_lock_files_have_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("between.db");
    let store = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    store.store_id().await.unwrap();
    for suffix in ["", "-wal", "-shm", "-lock"] {
        let file = format!("{}{suffix}", path.display());
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{file}");
    }
    store.close().await;
}

#[cfg(unix)]
#[tokio::test]
async fn an_existing_sqlite_store_made_readable_by_others_is_narrowed_at_open() {
    use std::os::unix::fs::PermissionsExt;
    let db = TestDb::sqlite().await;
    db.store.close().await;
    let path = db.sqlite_path().unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    store.store_id().await.unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{file}");
    }
    store.close().await;
}
