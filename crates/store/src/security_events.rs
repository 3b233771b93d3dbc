//! Things the app found and repaired that the person should hear about,
//! such as the account's public key found changed in the database.

use sqlx::Row;
use uuid::Uuid;

use crate::{Store, StoreError};

/// One line of the security log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityEventRow {
    pub id: Uuid,
    pub kind: String,
    pub at: i64,
    /// What exactly, sealed to the person's public key.
    pub details: Option<Vec<u8>>,
}

impl Store {
    /// Adds a line to the account's security log.
    pub async fn log_security_event(
        &self,
        user_id: Uuid,
        kind: &str,
        at: i64,
        details: Option<Vec<u8>>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO security_events (id, user_id, kind, at, details) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(Uuid::now_v7().to_string())
        .bind(user_id.to_string())
        .bind(kind)
        .bind(at)
        .bind(details)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The account's security log, newest first.
    pub async fn security_log(&self, user_id: Uuid) -> Result<Vec<SecurityEventRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, at, details FROM security_events WHERE user_id = $1 ORDER BY at DESC, id DESC",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("id")?;
                Ok(SecurityEventRow {
                    id: crate::error::parse_uuid(&id)?,
                    kind: r.try_get("kind")?,
                    at: r.try_get("at")?,
                    details: r.try_get("details")?,
                })
            })
            .collect()
    }

    pub async fn insert_security_event(
        &self,
        user_id: Uuid,
        kind: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO security_events (id, user_id, kind, at) VALUES ($1, $2, $3, $4)")
            .bind(Uuid::now_v7().to_string())
            .bind(user_id.to_string())
            .bind(kind)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The account's events at or after `since`, oldest first: (kind, at).
    pub async fn security_events(
        &self,
        user_id: Uuid,
        since: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, at FROM security_events WHERE user_id = $1 AND at >= $2 ORDER BY at",
        )
        .bind(user_id.to_string())
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("kind")?, r.try_get("at")?)))
            .collect()
    }

    /// Puts back the account's public key (the one its secret derives).
    pub async fn restore_public_key(
        &self,
        user_id: Uuid,
        public_key: &[u8],
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE user_keypairs SET public_key = $1 WHERE user_id = $2")
            .bind(public_key.to_vec())
            .bind(user_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
