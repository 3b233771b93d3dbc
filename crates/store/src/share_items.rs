//! What passes between a client and a linked therapist: agenda snapshots,
//! the therapist's comments and points, assigned practice. Payloads arrive
//! sealed to the reader's public key; the store only keeps bytes.

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareItemRow {
    pub id: Uuid,
    pub share_id: Uuid,
    pub kind: String,
    pub author_id: Uuid,
    pub subject: Option<Uuid>,
    pub for_client: Option<Vec<u8>>,
    pub for_therapist: Option<Vec<u8>>,
    pub state: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, share_id, kind, author_id, subject, for_client, for_therapist, state, created_at, updated_at";

fn from_row(r: &AnyRow) -> Result<ShareItemRow, StoreError> {
    Ok(ShareItemRow {
        id: parse_uuid(r.try_get("id")?)?,
        share_id: parse_uuid(r.try_get("share_id")?)?,
        kind: r.try_get("kind")?,
        author_id: parse_uuid(r.try_get("author_id")?)?,
        subject: r
            .try_get::<Option<String>, _>("subject")?
            .map(|s| parse_uuid(&s))
            .transpose()?,
        for_client: r.try_get("for_client")?,
        for_therapist: r.try_get("for_therapist")?,
        state: r.try_get("state")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl Store {
    pub async fn insert_share_item(&self, i: &ShareItemRow) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO share_items ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(i.id.to_string())
        .bind(i.share_id.to_string())
        .bind(&i.kind)
        .bind(i.author_id.to_string())
        .bind(i.subject.map(|s| s.to_string()))
        .bind(i.for_client.clone())
        .bind(i.for_therapist.clone())
        .bind(i.state.clone())
        .bind(i.created_at)
        .bind(i.updated_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Replaces the link's one item of `i.kind` (a snapshot) in one step.
    pub async fn replace_share_item(&self, i: &ShareItemRow) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM share_items WHERE share_id = $1 AND kind = $2")
            .bind(i.share_id.to_string())
            .bind(&i.kind)
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!(
            "INSERT INTO share_items ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(i.id.to_string())
        .bind(i.share_id.to_string())
        .bind(&i.kind)
        .bind(i.author_id.to_string())
        .bind(i.subject.map(|s| s.to_string()))
        .bind(i.for_client.clone())
        .bind(i.for_therapist.clone())
        .bind(i.state.clone())
        .bind(i.created_at)
        .bind(i.updated_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Items of one kind on a link, oldest first.
    pub async fn share_items(
        &self,
        share_id: Uuid,
        kind: &str,
    ) -> Result<Vec<ShareItemRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM share_items WHERE share_id = $1 AND kind = $2 ORDER BY created_at, id"
        ))
        .bind(share_id.to_string())
        .bind(kind)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Sets an item's state and payloads if it is still in `expected` state;
    /// false when it is gone or someone answered first.
    pub async fn answer_share_item(
        &self,
        id: Uuid,
        share_id: Uuid,
        expected: &str,
        state: &str,
        for_therapist: Option<Vec<u8>>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE share_items SET state = $1, for_therapist = COALESCE($2, for_therapist), updated_at = $3 WHERE id = $4 AND share_id = $5 AND state = $6",
        )
        .bind(state)
        .bind(for_therapist)
        .bind(now)
        .bind(id.to_string())
        .bind(share_id.to_string())
        .bind(expected)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes every item of one kind from a link (a snapshot whose scope
    /// was switched off).
    pub async fn delete_share_items(&self, share_id: Uuid, kind: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM share_items WHERE share_id = $1 AND kind = $2")
            .bind(share_id.to_string())
            .bind(kind)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_share_item(&self, id: Uuid, share_id: Uuid) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM share_items WHERE id = $1 AND share_id = $2")
            .bind(id.to_string())
            .bind(share_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
