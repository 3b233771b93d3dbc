//! Kind keys: the data keys of a user, one per kind of data, each stored
//! wrapped by the user's root key.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindKeyRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    pub wrapped: Vec<u8>,
    pub created_at: i64,
}

fn from_row(row: &AnyRow) -> Result<KindKeyRow, StoreError> {
    Ok(KindKeyRow {
        id: parse_uuid(row.try_get("id")?)?,
        user_id: parse_uuid(row.try_get("user_id")?)?,
        kind: row.try_get("kind")?,
        wrapped: row.try_get("wrapped")?,
        created_at: row.try_get("created_at")?,
    })
}

pub(crate) async fn insert_kind_key(
    tx: &mut Transaction<'_, Any>,
    key: &KindKeyRow,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO kind_keys (id, user_id, kind, wrapped, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(key.id.to_string())
        .bind(key.user_id.to_string())
        .bind(&key.kind)
        .bind(key.wrapped.clone())
        .bind(key.created_at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// All kind keys of a user, oldest first.
    pub async fn kind_keys(&self, user_id: Uuid) -> Result<Vec<KindKeyRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, user_id, kind, wrapped, created_at FROM kind_keys WHERE user_id = $1 ORDER BY created_at, id",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }
}

impl Store {
    /// Adds one kind key (e.g. for a kind of data added in a later version).
    pub async fn insert_kind_key(&self, key: &KindKeyRow) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_kind_key(&mut tx, key).await?;
        tx.commit().await?;
        Ok(())
    }
}
