//! Credentials: each one wraps the keys it opens. Sessions, device logins
//! and API tokens are found by a lookup hash of their secret; the secret
//! itself is never stored.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

/// What sort of credential a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    Password,
    Recovery,
    Session,
    Device,
    Token,
    /// A calendar feed's secret: opens appointment and practice titles and times only.
    Calendar,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Password => "password",
            CredentialKind::Recovery => "recovery",
            CredentialKind::Session => "session",
            CredentialKind::Device => "device",
            CredentialKind::Token => "token",
            CredentialKind::Calendar => "calendar",
        }
    }

    fn parse(s: &str) -> Result<CredentialKind, StoreError> {
        Ok(match s {
            "password" => CredentialKind::Password,
            "recovery" => CredentialKind::Recovery,
            "session" => CredentialKind::Session,
            "device" => CredentialKind::Device,
            "token" => CredentialKind::Token,
            "calendar" => CredentialKind::Calendar,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "unknown credential kind {other:?}"
                )))
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: CredentialKind,
    pub label: String,
    pub scope: String,
    pub lookup: Option<Vec<u8>>,
    pub salt: Option<Vec<u8>>,
    /// The key derivation's parameters, for credentials opened by a
    /// password or recovery code (`None`: those of before they were kept).
    pub kdf: Option<String>,
    pub wrapped: Vec<u8>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
}

const COLUMNS: &str =
    "id, user_id, kind, label, scope, lookup, salt, kdf, wrapped, created_at, last_used_at, expires_at";

fn from_row(row: &AnyRow) -> Result<CredentialRow, StoreError> {
    Ok(CredentialRow {
        id: parse_uuid(row.try_get("id")?)?,
        user_id: parse_uuid(row.try_get("user_id")?)?,
        kind: CredentialKind::parse(row.try_get("kind")?)?,
        label: row.try_get("label")?,
        scope: row.try_get("scope")?,
        lookup: row.try_get("lookup")?,
        salt: row.try_get("salt")?,
        kdf: row.try_get("kdf")?,
        wrapped: row.try_get("wrapped")?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

pub(crate) async fn insert_credential(
    tx: &mut Transaction<'_, Any>,
    c: &CredentialRow,
) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO credentials ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    );
    sqlx::query(&sql)
        .bind(c.id.to_string())
        .bind(c.user_id.to_string())
        .bind(c.kind.as_str())
        .bind(&c.label)
        .bind(&c.scope)
        .bind(c.lookup.clone())
        .bind(c.salt.clone())
        .bind(c.kdf.clone())
        .bind(c.wrapped.clone())
        .bind(c.created_at)
        .bind(c.last_used_at)
        .bind(c.expires_at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    pub async fn insert_credential(&self, credential: &CredentialRow) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        insert_credential(&mut tx, credential).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a user's credentials of one kind (e.g. the password) with a
    /// new one, atomically.
    pub async fn replace_credentials(
        &self,
        user_id: Uuid,
        kind: CredentialKind,
        replacement: &CredentialRow,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM credentials WHERE user_id = $1 AND kind = $2")
            .bind(user_id.to_string())
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await?;
        insert_credential(&mut tx, replacement).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces what a credential wraps, if it still wraps `old` (a guarded
    /// update: of two requests upgrading the same token, one does it).
    pub async fn rewrap_credential(
        &self,
        user_id: Uuid,
        id: Uuid,
        old: &[u8],
        new: &[u8],
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE credentials SET wrapped = $1 WHERE user_id = $2 AND id = $3 AND wrapped = $4",
        )
        .bind(new.to_vec())
        .bind(user_id.to_string())
        .bind(id.to_string())
        .bind(old.to_vec())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn credential_by_lookup(
        &self,
        lookup: &[u8],
    ) -> Result<Option<CredentialRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM credentials WHERE lookup = $1");
        let row = sqlx::query(&sql)
            .bind(lookup.to_vec())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn credentials_of_user(
        &self,
        user_id: Uuid,
        kind: Option<CredentialKind>,
    ) -> Result<Vec<CredentialRow>, StoreError> {
        let rows = match kind {
            Some(kind) => {
                let sql = format!("SELECT {COLUMNS} FROM credentials WHERE user_id = $1 AND kind = $2 ORDER BY created_at DESC, id");
                sqlx::query(&sql)
                    .bind(user_id.to_string())
                    .bind(kind.as_str())
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                let sql = format!("SELECT {COLUMNS} FROM credentials WHERE user_id = $1 ORDER BY created_at DESC, id");
                sqlx::query(&sql)
                    .bind(user_id.to_string())
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(from_row).collect()
    }

    /// Removes one credential of a user; `false` if there was none.
    pub async fn delete_credential(&self, user_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM credentials WHERE user_id = $1 AND id = $2")
            .bind(user_id.to_string())
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Removes all credentials of the given kinds, e.g. every session.
    pub async fn delete_credentials_of_kind(
        &self,
        user_id: Uuid,
        kind: CredentialKind,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM credentials WHERE user_id = $1 AND kind = $2")
            .bind(user_id.to_string())
            .bind(kind.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Removes every credential of `kind` but one (e.g. every other web
    /// session after a password change).
    pub async fn delete_credentials_of_kind_except(
        &self,
        user_id: Uuid,
        kind: CredentialKind,
        keep: Uuid,
    ) -> Result<u64, StoreError> {
        let done =
            sqlx::query("DELETE FROM credentials WHERE user_id = $1 AND kind = $2 AND id <> $3")
                .bind(user_id.to_string())
                .bind(kind.as_str())
                .bind(keep.to_string())
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected())
    }

    /// Records use of a credential and moves its idle expiry.
    pub async fn touch_credential(
        &self,
        id: Uuid,
        used_at: i64,
        expires_at: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE credentials SET last_used_at = $1, expires_at = $2 WHERE id = $3")
            .bind(used_at)
            .bind(expires_at)
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes credentials whose expiry has passed.
    pub async fn delete_expired_credentials(&self, now: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM credentials WHERE expires_at IS NOT NULL AND expires_at <= $1",
        )
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
