//! Answers kept for API retries: a request with an `Idempotency-Key`
//! claims its row before it runs; the answer is stored sealed once it
//! succeeded, and a retry gets it back instead of running again.

use sqlx::Row;

use crate::{Store, StoreError};

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// Nobody had this key (or it had expired): run the request.
    New,
    /// The first request with this key is still running.
    Pending,
    /// The first request's answer: its status and the sealed rest.
    Done(i64, Vec<u8>),
}

impl Store {
    /// Claims `key`; a row older than `expired_before` is taken over.
    pub async fn claim_idempotency(
        &self,
        key: &str,
        now: i64,
        expired_before: i64,
    ) -> Result<IdempotencyClaim, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO api_idempotency (key, status, sealed, created_at) VALUES ($1, NULL, NULL, $2) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(IdempotencyClaim::New);
        }
        let taken_over = sqlx::query(
            "UPDATE api_idempotency SET status = NULL, sealed = NULL, created_at = $1 WHERE key = $2 AND created_at < $3",
        )
        .bind(now)
        .bind(key)
        .bind(expired_before)
        .execute(&self.pool)
        .await?;
        if taken_over.rows_affected() == 1 {
            return Ok(IdempotencyClaim::New);
        }
        let row = sqlx::query("SELECT status, sealed FROM api_idempotency WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            None => IdempotencyClaim::Pending,
            Some(r) => match (
                r.try_get::<Option<i64>, _>("status")?,
                r.try_get::<Option<Vec<u8>>, _>("sealed")?,
            ) {
                (Some(status), Some(sealed)) => IdempotencyClaim::Done(status, sealed),
                _ => IdempotencyClaim::Pending,
            },
        })
    }

    /// Keeps the answer of the request that claimed `key`.
    pub async fn finish_idempotency(
        &self,
        key: &str,
        status: i64,
        sealed: &[u8],
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE api_idempotency SET status = $1, sealed = $2 WHERE key = $3")
            .bind(status)
            .bind(sealed.to_vec())
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Lets `key` go (the request failed: a retry runs again), and forgets
    /// answers older than `before`.
    pub async fn release_idempotency(&self, key: &str, before: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM api_idempotency WHERE key = $1 OR created_at < $2")
            .bind(key)
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
