//! Second factors (a one-time-code secret, sealed by the app) and the
//! pending sign-ins between a password step and its code step. The guarded
//! updates here are what make a code and a pending sign-in single-use on
//! every instance sharing the database.

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

/// One second factor of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactorRow {
    pub id: Uuid,
    pub user_id: Uuid,
    /// What it is (`totp`).
    pub kind: String,
    /// The secret, sealed by the app.
    pub secret: Vec<u8>,
    /// The last time step a code was accepted for.
    pub last_step: Option<i64>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A password step waiting for its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignInRow {
    pub id: Uuid,
    pub user_id: Uuid,
    /// Hash of the one-time secret the browser holds.
    pub lookup: Vec<u8>,
    /// The root key sealed under a key derived from that secret.
    pub wrapped: Vec<u8>,
    pub failures: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

const FACTOR_COLUMNS: &str = "id, user_id, kind, secret, last_step, created_at, last_used_at";
const PENDING_COLUMNS: &str = "id, user_id, lookup, wrapped, failures, created_at, expires_at";

fn factor_from(row: &AnyRow) -> Result<SecondFactorRow, StoreError> {
    Ok(SecondFactorRow {
        id: parse_uuid(row.try_get("id")?)?,
        user_id: parse_uuid(row.try_get("user_id")?)?,
        kind: row.try_get("kind")?,
        secret: row.try_get("secret")?,
        last_step: row.try_get("last_step")?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
    })
}

fn pending_from(row: &AnyRow) -> Result<PendingSignInRow, StoreError> {
    Ok(PendingSignInRow {
        id: parse_uuid(row.try_get("id")?)?,
        user_id: parse_uuid(row.try_get("user_id")?)?,
        lookup: row.try_get("lookup")?,
        wrapped: row.try_get("wrapped")?,
        failures: row.try_get("failures")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

impl Store {
    /// Puts `factor` in place of every factor of its kind the account had,
    /// in one transaction.
    pub async fn replace_second_factor(&self, factor: &SecondFactorRow) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM second_factors WHERE user_id = $1 AND kind = $2")
            .bind(factor.user_id.to_string())
            .bind(&factor.kind)
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!(
            "INSERT INTO second_factors ({FACTOR_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(factor.id.to_string())
        .bind(factor.user_id.to_string())
        .bind(&factor.kind)
        .bind(factor.secret.clone())
        .bind(factor.last_step)
        .bind(factor.created_at)
        .bind(factor.last_used_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account's second factors, oldest first.
    pub async fn second_factors(&self, user_id: Uuid) -> Result<Vec<SecondFactorRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {FACTOR_COLUMNS} FROM second_factors WHERE user_id = $1 ORDER BY created_at, id"
        ))
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(factor_from).collect()
    }

    /// Removes one second factor (also from SQLite's WAL); `false` if the
    /// account had none such.
    pub async fn delete_second_factor(&self, user_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM second_factors WHERE user_id = $1 AND id = $2")
            .bind(user_id.to_string())
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        self.forget_old_pages().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records that a code for `step` was accepted, only if no code for
    /// that step or a later one was: `false` means the code was used
    /// already (here or on another instance) and must be refused.
    pub async fn use_second_factor_step(
        &self,
        user_id: Uuid,
        id: Uuid,
        step: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE second_factors SET last_step = $1, last_used_at = $2 \
             WHERE user_id = $3 AND id = $4 AND (last_step IS NULL OR last_step < $5)",
        )
        .bind(step)
        .bind(now)
        .bind(user_id.to_string())
        .bind(id.to_string())
        .bind(step)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn insert_pending_signin(&self, p: &PendingSignInRow) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO pending_signins ({PENDING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(p.id.to_string())
        .bind(p.user_id.to_string())
        .bind(p.lookup.clone())
        .bind(p.wrapped.clone())
        .bind(p.failures)
        .bind(p.created_at)
        .bind(p.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn pending_signin_by_lookup(
        &self,
        lookup: &[u8],
    ) -> Result<Option<PendingSignInRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {PENDING_COLUMNS} FROM pending_signins WHERE lookup = $1"
        ))
        .bind(lookup.to_vec())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(pending_from).transpose()
    }

    /// Counts a wrong code against a pending sign-in and returns how many
    /// there have been (0 when the row is gone).
    pub async fn fail_pending_signin(&self, id: Uuid) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "UPDATE pending_signins SET failures = failures + 1 WHERE id = $1 RETURNING failures",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(row) => row.try_get("failures")?,
            None => 0,
        })
    }

    /// Deletes a pending sign-in; `true` for the one caller that deleted
    /// it, so it finishes once.
    pub async fn take_pending_signin(&self, id: Uuid) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM pending_signins WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Ends every pending sign-in of an account (after a password change
    /// or a recovery).
    pub async fn delete_pending_signins_of(&self, user_id: Uuid) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM pending_signins WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Deletes pending sign-ins whose time has passed.
    pub async fn delete_expired_pending_signins(&self, now: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM pending_signins WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
