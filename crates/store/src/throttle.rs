//! Sign-in throttles in the store, so every server instance on one database
//! shares them. An attempt reserves a slot under each of its keys in one
//! transaction before any password is checked; when a key is at its limit
//! nothing is counted and the attempt is refused. Keys are opaque to the
//! store (the app hashes what they limit).

use sqlx::Row;

use crate::{Store, StoreError};

/// One key an attempt is counted under, and how many attempts it allows in
/// a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKey {
    pub key: String,
    pub max: i64,
}

impl Store {
    /// Counts one attempt under every key, atomically: either all are
    /// counted, or — when any key already holds `max` attempts in its
    /// window — none is, and the end of the longest such window is
    /// returned. A window starts with its first attempt and lasts `window`
    /// microseconds.
    pub async fn throttle_reserve(
        &self,
        keys: &[ThrottleKey],
        now: i64,
        window: i64,
    ) -> Result<Result<(), i64>, StoreError> {
        // Refuse without writing while a key is locked, so a flood of
        // refused attempts costs reads only.
        if let Some(until) = self.throttle_locked(keys, now, window).await? {
            return Ok(Err(until));
        }
        let mut sorted = keys.to_vec();
        // One order everywhere, so concurrent reservations cannot deadlock.
        sorted.sort_by(|a, b| a.key.cmp(&b.key));
        sorted.dedup_by(|a, b| a.key == b.key);
        let mut tx = self.begin().await?;
        let mut locked_until = None;
        for k in &sorted {
            let row = sqlx::query(
                "INSERT INTO throttle (key, count, window_start) VALUES ($1, 1, $2) \
                 ON CONFLICT (key) DO UPDATE SET \
                 count = CASE WHEN throttle.window_start <= $3 THEN 1 ELSE throttle.count + 1 END, \
                 window_start = CASE WHEN throttle.window_start <= $4 THEN $5 ELSE throttle.window_start END \
                 RETURNING count, window_start",
            )
            .bind(&k.key)
            .bind(now)
            .bind(now - window)
            .bind(now - window)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let count: i64 = row.try_get("count")?;
            let start: i64 = row.try_get("window_start")?;
            if count > k.max {
                locked_until = Some(locked_until.unwrap_or(0).max(start + window));
            }
        }
        match locked_until {
            Some(until) => {
                tx.rollback().await?;
                Ok(Err(until))
            }
            None => {
                tx.commit().await?;
                Ok(Ok(()))
            }
        }
    }

    async fn throttle_locked(
        &self,
        keys: &[ThrottleKey],
        now: i64,
        window: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut until = None;
        for k in keys {
            let row = sqlx::query("SELECT count, window_start FROM throttle WHERE key = $1")
                .bind(&k.key)
                .fetch_optional(&self.pool)
                .await?;
            if let Some(row) = row {
                let count: i64 = row.try_get("count")?;
                let start: i64 = row.try_get("window_start")?;
                if start > now - window && count >= k.max {
                    until = Some(until.unwrap_or(0).max(start + window));
                }
            }
        }
        Ok(until)
    }

    /// Gives back one reserved attempt under each key (a sign-in that
    /// succeeded), within the window it was counted in.
    pub async fn throttle_refund(
        &self,
        keys: &[String],
        now: i64,
        window: i64,
    ) -> Result<(), StoreError> {
        for key in keys {
            sqlx::query(
                "UPDATE throttle SET count = count - 1 WHERE key = $1 AND count > 0 AND window_start > $2",
            )
            .bind(key)
            .bind(now - window)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// Forgets every count under `keys`.
    pub async fn throttle_clear(&self, keys: &[String]) -> Result<(), StoreError> {
        for key in keys {
            sqlx::query("DELETE FROM throttle WHERE key = $1")
                .bind(key)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Removes windows that started before `before`.
    pub async fn delete_expired_throttles(&self, before: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM throttle WHERE window_start < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Records a browser that signed in to `user_id` (by the lookup hash of
    /// its device cookie), or notes its use again.
    pub async fn remember_device(
        &self,
        lookup: &[u8],
        user_id: uuid::Uuid,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO known_devices (lookup, user_id, created_at, last_used_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (lookup, user_id) DO UPDATE SET last_used_at = $5",
        )
        .bind(lookup.to_vec())
        .bind(user_id.to_string())
        .bind(now)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether the device cookie with this lookup hash signed in to
    /// `user_id` before.
    pub async fn is_known_device(
        &self,
        lookup: &[u8],
        user_id: uuid::Uuid,
    ) -> Result<bool, StoreError> {
        let row =
            sqlx::query("SELECT user_id FROM known_devices WHERE lookup = $1 AND user_id = $2")
                .bind(lookup.to_vec())
                .bind(user_id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.is_some())
    }
}
