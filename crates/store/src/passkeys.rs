//! Passkeys and the WebAuthn ceremonies between their two requests. A
//! ceremony row is taken (deleted) by the one request that finishes it, so
//! a challenge is answered once on every instance.

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

/// One passkey of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyRow {
    pub id: Uuid,
    pub user_id: Uuid,
    /// The authenticator's credential id (how an assertion names it).
    pub credential_id: Vec<u8>,
    pub label: String,
    /// The library's credential (public key, counter, flags), as JSON.
    pub credential: String,
    /// Salt of the HKDF over the PRF output; `None`: a second step only.
    pub prf_salt: Option<Vec<u8>>,
    /// The root key sealed under the key from the PRF output.
    pub wrapped: Option<Vec<u8>>,
    /// Kept as a second step for password sign-in (no PRF: no key).
    pub second_step: bool,
    pub backup_eligible: bool,
    pub backed_up: bool,
    pub counter: i64,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A ceremony waiting for its second request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CeremonyRow {
    pub id: Uuid,
    pub user_id: Uuid,
    /// What it is for (registration, unlocking, signing in).
    pub purpose: String,
    /// The library's state, serialised.
    pub state: String,
    pub created_at: i64,
    pub expires_at: i64,
}

const PASSKEY_COLUMNS: &str = "id, user_id, credential_id, label, credential, prf_salt, wrapped, \
     backup_eligible, backed_up, counter, created_at, last_used_at, second_step";

fn passkey_from(row: &AnyRow) -> Result<PasskeyRow, StoreError> {
    Ok(PasskeyRow {
        id: parse_uuid(row.try_get("id")?)?,
        user_id: parse_uuid(row.try_get("user_id")?)?,
        credential_id: row.try_get("credential_id")?,
        label: row.try_get("label")?,
        credential: row.try_get("credential")?,
        prf_salt: row.try_get("prf_salt")?,
        wrapped: row.try_get("wrapped")?,
        backup_eligible: row.try_get::<i64, _>("backup_eligible")? != 0,
        backed_up: row.try_get::<i64, _>("backed_up")? != 0,
        counter: row.try_get("counter")?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        second_step: row.try_get::<i64, _>("second_step")? != 0,
    })
}

impl Store {
    pub async fn insert_passkey(&self, p: &PasskeyRow) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO passkeys ({PASSKEY_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ))
        .bind(p.id.to_string())
        .bind(p.user_id.to_string())
        .bind(p.credential_id.clone())
        .bind(&p.label)
        .bind(&p.credential)
        .bind(p.prf_salt.clone())
        .bind(p.wrapped.clone())
        .bind(i64::from(p.backup_eligible))
        .bind(i64::from(p.backed_up))
        .bind(p.counter)
        .bind(p.created_at)
        .bind(p.last_used_at)
        .bind(i64::from(p.second_step))
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::conflict_or(e, "This passkey is added already."))?;
        Ok(())
    }

    /// The account's passkeys, oldest first.
    pub async fn passkeys(&self, user_id: Uuid) -> Result<Vec<PasskeyRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id"
        ))
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(passkey_from).collect()
    }

    /// Sets the key a passkey's PRF output wraps, once: `false` when it
    /// had one already (or is gone).
    pub async fn set_passkey_wrap(
        &self,
        user_id: Uuid,
        id: Uuid,
        salt: &[u8],
        wrapped: &[u8],
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE passkeys SET prf_salt = $1, wrapped = $2 \
             WHERE user_id = $3 AND id = $4 AND wrapped IS NULL",
        )
        .bind(salt.to_vec())
        .bind(wrapped.to_vec())
        .bind(user_id.to_string())
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Keeps a passkey without a key as a second step, once.
    pub async fn set_passkey_second_step(
        &self,
        user_id: Uuid,
        id: Uuid,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE passkeys SET second_step = 1 WHERE user_id = $1 AND id = $2 AND wrapped IS NULL",
        )
        .bind(user_id.to_string())
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records a use: the credential as the library updated it (counter,
    /// backup state) and when.
    pub async fn touch_passkey(
        &self,
        id: Uuid,
        credential: &str,
        counter: i64,
        backup_eligible: bool,
        backed_up: bool,
        used_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE passkeys SET credential = $1, counter = $2, backup_eligible = $3, \
             backed_up = $4, last_used_at = $5 WHERE id = $6",
        )
        .bind(credential)
        .bind(counter)
        .bind(i64::from(backup_eligible))
        .bind(i64::from(backed_up))
        .bind(used_at)
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes passkeys whose adding was never finished (registered, but
    /// no key sealed with their PRF output).
    pub async fn delete_unfinished_passkeys(&self, user_id: Uuid) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM passkeys WHERE user_id = $1 AND wrapped IS NULL AND second_step = 0",
        )
        .bind(user_id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Removes a passkey and the key it wraps, also from SQLite's WAL;
    /// `false` if there was none.
    pub async fn delete_passkey(&self, user_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM passkeys WHERE user_id = $1 AND id = $2")
            .bind(user_id.to_string())
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        self.forget_old_pages().await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn insert_ceremony(&self, c: &CeremonyRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO webauthn_ceremonies (id, user_id, purpose, state, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(c.id.to_string())
        .bind(c.user_id.to_string())
        .bind(&c.purpose)
        .bind(&c.state)
        .bind(c.created_at)
        .bind(c.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes a ceremony for its second request: deletes it and returns it
    /// to the one caller that deleted it, if it was still in time.
    pub async fn take_ceremony(
        &self,
        id: Uuid,
        now: i64,
    ) -> Result<Option<CeremonyRow>, StoreError> {
        let row = sqlx::query(
            "DELETE FROM webauthn_ceremonies WHERE id = $1 \
             RETURNING id, user_id, purpose, state, created_at, expires_at",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let c = CeremonyRow {
            id: parse_uuid(row.try_get("id")?)?,
            user_id: parse_uuid(row.try_get("user_id")?)?,
            purpose: row.try_get("purpose")?,
            state: row.try_get("state")?,
            created_at: row.try_get("created_at")?,
            expires_at: row.try_get("expires_at")?,
        };
        Ok((c.expires_at > now).then_some(c))
    }

    /// Deletes ceremonies nobody finished in time.
    pub async fn delete_expired_ceremonies(&self, now: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM webauthn_ceremonies WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
