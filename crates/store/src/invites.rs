//! Invitations to create an account. The code travels in a link; the store
//! keeps only its lookup hash.

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRow {
    pub id: Uuid,
    pub lookup: Vec<u8>,
    pub role: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

fn from_row(row: &AnyRow) -> Result<InviteRow, StoreError> {
    Ok(InviteRow {
        id: parse_uuid(row.try_get("id")?)?,
        lookup: row.try_get("lookup")?,
        role: row.try_get("role")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        used_at: row.try_get("used_at")?,
    })
}

impl Store {
    pub async fn insert_invite(&self, invite: &InviteRow) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO invites (id, lookup, role, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(invite.id.to_string())
            .bind(invite.lookup.clone())
            .bind(&invite.role)
            .bind(invite.created_at)
            .bind(invite.expires_at)
            .bind(invite.used_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn invite_by_lookup(&self, lookup: &[u8]) -> Result<Option<InviteRow>, StoreError> {
        let row = sqlx::query("SELECT id, lookup, role, created_at, expires_at, used_at FROM invites WHERE lookup = $1")
            .bind(lookup.to_vec())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Marks an unused invite used; `false` if it was already used, so two
    /// people cannot both use one invite.
    pub async fn use_invite(&self, id: Uuid, at: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE invites SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(at)
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Makes a used invite usable again (when creating the account failed).
    pub async fn release_invite(&self, id: Uuid) -> Result<(), StoreError> {
        sqlx::query("UPDATE invites SET used_at = NULL WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
