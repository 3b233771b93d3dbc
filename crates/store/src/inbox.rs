//! The inbox: what write-only tokens wrote, sealed to the account's public
//! key, waiting to be moved into the journal at the owner's next unlock.

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::entries::EntryRow;
use crate::error::parse_uuid;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    /// The id the entry will have in the journal.
    pub id: Uuid,
    pub user_id: Uuid,
    /// A hash naming the write, so a repeat of it adds nothing.
    pub dedup: Vec<u8>,
    /// The entry, sealed to the account's public key.
    pub sealed: Vec<u8>,
    pub created_at: i64,
}

/// What a sign-in may have to do before the request goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingWork {
    /// Kind keys are marked for replacement (`key_rotations`).
    pub rotations: bool,
    /// Write-only tokens left entries in the inbox.
    pub inbox: bool,
}

fn from_row(row: &AnyRow) -> Result<InboxRow, StoreError> {
    Ok(InboxRow {
        id: parse_uuid(row.try_get("id")?)?,
        user_id: parse_uuid(row.try_get("user_id")?)?,
        dedup: row.try_get("dedup")?,
        sealed: row.try_get("sealed")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// Adds an item unless one with the same `dedup` is there already; the
    /// id of the item that holds the write either way.
    pub async fn insert_inbox(&self, item: &InboxRow) -> Result<Uuid, StoreError> {
        sqlx::query(
            "INSERT INTO inbox (id, user_id, dedup, sealed, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, dedup) DO NOTHING",
        )
        .bind(item.id.to_string())
        .bind(item.user_id.to_string())
        .bind(item.dedup.clone())
        .bind(item.sealed.clone())
        .bind(item.created_at)
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT id FROM inbox WHERE user_id = $1 AND dedup = $2")
            .bind(item.user_id.to_string())
            .bind(item.dedup.clone())
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => parse_uuid(row.try_get("id")?),
            // Drained between the two statements: the entry has that id now,
            // or the write was a repeat of one drained earlier.
            None => Ok(item.id),
        }
    }

    /// Up to `limit` waiting items of a user, oldest first.
    /// Whether `user_id` has key rotations due or items in the inbox, in one
    /// query (asked at every sign-in of a request).
    pub async fn pending_work(&self, user_id: Uuid) -> Result<PendingWork, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM (SELECT 1 FROM key_rotations WHERE user_id = $1 LIMIT 1) AS r) AS rotations, \
                    (SELECT count(*) FROM (SELECT 1 FROM inbox WHERE user_id = $1 LIMIT 1) AS i) AS inbox",
        )
        .bind(user_id.to_string())
        .fetch_one(&self.pool)
        .await?;
        Ok(PendingWork {
            rotations: row.try_get::<i64, _>("rotations")? > 0,
            inbox: row.try_get::<i64, _>("inbox")? > 0,
        })
    }

    pub async fn inbox_of(&self, user_id: Uuid, limit: i64) -> Result<Vec<InboxRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, user_id, dedup, sealed, created_at FROM inbox \
             WHERE user_id = $1 ORDER BY created_at, id LIMIT $2",
        )
        .bind(user_id.to_string())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Moves items into the journal in one transaction: each entry is
    /// inserted (unless it already is, from an earlier attempt) and its item
    /// deleted together, so a crash loses nothing and repeats nothing.
    pub async fn drain_inbox(&self, user_id: Uuid, entries: &[EntryRow]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for e in entries {
            if e.user_id != user_id {
                return Err(StoreError::Corrupt(
                    "an inbox item of another account".into(),
                ));
            }
            sqlx::query(
                "INSERT INTO entries (id, user_id, key_id, occurred_at, created_at, updated_at, deleted_at, payload) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
            )
            .bind(e.id.to_string())
            .bind(e.user_id.to_string())
            .bind(e.key_id.to_string())
            .bind(e.occurred_at)
            .bind(e.created_at)
            .bind(e.updated_at)
            .bind(e.deleted_at)
            .bind(e.payload.clone())
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM inbox WHERE user_id = $1 AND id = $2")
                .bind(user_id.to_string())
                .bind(e.id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes an item that cannot be opened (it was not sealed to this
    /// account's key).
    pub async fn delete_inbox_item(&self, user_id: Uuid, id: Uuid) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM inbox WHERE user_id = $1 AND id = $2")
            .bind(user_id.to_string())
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
