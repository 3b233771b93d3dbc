//! Reminder plans, delivery claims, channel status and emailed links. The
//! plan is sealed to a key pair whose secret is wrapped under the server
//! key, which never enters the database; the claims make each reminder go
//! out at most once across restarts and instances.

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderPlanRow {
    pub user_id: Uuid,
    pub public_key: Vec<u8>,
    pub wrapped_secret: Vec<u8>,
    pub server_key: String,
    pub sealed_plan: Vec<u8>,
    pub version: i64,
    pub updated_at: i64,
}

/// A claim on one reminder slot for one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    pub user_id: Uuid,
    pub slot: String,
    pub channel_id: Uuid,
    pub attempts: i64,
    pub sealed_message: Vec<u8>,
}

/// What the scheduler and the settings page know of a channel without the
/// person's keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelStatusRow {
    pub channel_id: Uuid,
    pub confirmed_at: Option<i64>,
    pub stopped_at: Option<i64>,
    pub stopped_why: Option<String>,
    pub last_delivered_at: Option<i64>,
    pub last_error: Option<String>,
}

fn plan_from_row(r: &AnyRow) -> Result<ReminderPlanRow, StoreError> {
    Ok(ReminderPlanRow {
        user_id: parse_uuid(r.try_get("user_id")?)?,
        public_key: r.try_get("public_key")?,
        wrapped_secret: r.try_get("wrapped_secret")?,
        server_key: r.try_get("server_key")?,
        sealed_plan: r.try_get("sealed_plan")?,
        version: r.try_get("version")?,
        updated_at: r.try_get("updated_at")?,
    })
}

const PLAN_COLUMNS: &str =
    "user_id, public_key, wrapped_secret, server_key, sealed_plan, version, updated_at";

impl Store {
    /// Turns reminders on: the key pair and a first plan. Replaces what
    /// was there (turning them on again after the server key was lost).
    pub async fn put_reminder_plan(&self, row: &ReminderPlanRow) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO reminder_plans ({PLAN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (user_id) DO UPDATE SET public_key = excluded.public_key, \
             wrapped_secret = excluded.wrapped_secret, server_key = excluded.server_key, \
             sealed_plan = excluded.sealed_plan, version = excluded.version, updated_at = excluded.updated_at"
        ))
        .bind(row.user_id.to_string())
        .bind(row.public_key.clone())
        .bind(row.wrapped_secret.clone())
        .bind(&row.server_key)
        .bind(row.sealed_plan.clone())
        .bind(row.version)
        .bind(row.updated_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Replaces the sealed plan of someone whose reminders are on, sealed
    /// to the public key the caller read; false when reminders are off or
    /// were turned on again with another key meanwhile.
    pub async fn update_reminder_plan(
        &self,
        user_id: Uuid,
        public_key: &[u8],
        sealed_plan: &[u8],
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE reminder_plans SET sealed_plan = $1, version = version + 1, updated_at = $2 \
             WHERE user_id = $3 AND public_key = $4",
        )
        .bind(sealed_plan.to_vec())
        .bind(now)
        .bind(user_id.to_string())
        .bind(public_key.to_vec())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn reminder_plan(
        &self,
        user_id: Uuid,
    ) -> Result<Option<ReminderPlanRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {PLAN_COLUMNS} FROM reminder_plans WHERE user_id = $1"
        ))
        .bind(user_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(plan_from_row).transpose()
    }

    /// Every plan's owner and version, for the scheduler to see which it
    /// must read again.
    pub async fn reminder_plan_versions(&self) -> Result<Vec<(Uuid, i64)>, StoreError> {
        let rows = sqlx::query("SELECT user_id, version FROM reminder_plans")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((parse_uuid(r.try_get("user_id")?)?, r.try_get("version")?)))
            .collect()
    }

    /// Turns reminders off: the plan, its key pair, the claims, the
    /// channels' status and links go.
    pub async fn delete_reminder_plan(&self, user_id: Uuid) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        for table in ["reminder_deliveries", "reminder_channels", "reminder_links"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(user_id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        let done = sqlx::query("DELETE FROM reminder_plans WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Claims a slot for a channel before sending; false when it was
    /// claimed already (by this or another instance), so it is not sent.
    pub async fn claim_reminder(&self, claim: &ClaimRow, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO reminder_deliveries (user_id, slot, channel_id, state, attempts, next_attempt_at, sealed_message, claimed_at) \
             VALUES ($1, $2, $3, 'sending', 1, NULL, $4, $5) ON CONFLICT (user_id, slot, channel_id) DO NOTHING",
        )
        .bind(claim.user_id.to_string())
        .bind(&claim.slot)
        .bind(claim.channel_id.to_string())
        .bind(claim.sealed_message.clone())
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records how sending a claimed slot ended: `sent`, `failed` (never
    /// again), or `retry` at `next_attempt_at`.
    pub async fn finish_reminder(
        &self,
        claim: &ClaimRow,
        state: &str,
        next_attempt_at: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE reminder_deliveries SET state = $1, next_attempt_at = $2 \
             WHERE user_id = $3 AND slot = $4 AND channel_id = $5",
        )
        .bind(state)
        .bind(next_attempt_at)
        .bind(claim.user_id.to_string())
        .bind(&claim.slot)
        .bind(claim.channel_id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Retries whose time has come, each claimed again (state `sending`,
    /// one more attempt) by exactly one caller.
    pub async fn claim_reminder_retries(
        &self,
        now: i64,
        limit: i64,
    ) -> Result<Vec<ClaimRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT user_id, slot, channel_id, attempts, sealed_message FROM reminder_deliveries \
             WHERE state = 'retry' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::new();
        for r in &rows {
            let mut claim = ClaimRow {
                user_id: parse_uuid(r.try_get("user_id")?)?,
                slot: r.try_get("slot")?,
                channel_id: parse_uuid(r.try_get("channel_id")?)?,
                attempts: r.try_get("attempts")?,
                sealed_message: r.try_get("sealed_message")?,
            };
            let done = sqlx::query(
                "UPDATE reminder_deliveries SET state = 'sending', attempts = attempts + 1 \
                 WHERE user_id = $1 AND slot = $2 AND channel_id = $3 AND state = 'retry' AND attempts = $4",
            )
            .bind(claim.user_id.to_string())
            .bind(&claim.slot)
            .bind(claim.channel_id.to_string())
            .bind(claim.attempts)
            .execute(&self.pool)
            .await?;
            if done.rows_affected() == 1 {
                claim.attempts += 1;
                claimed.push(claim);
            }
        }
        Ok(claimed)
    }

    /// Forgets claims older than `before` that are not waiting to be
    /// retried: slots that old are never sent again anyway.
    pub async fn forget_reminder_claims(&self, before: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM reminder_deliveries WHERE claimed_at < $1 AND state <> 'retry'",
        )
        .bind(before)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// How many claims a person has in each state (tests, the settings page).
    pub async fn reminder_claims(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<(String, Uuid, String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT slot, channel_id, state, attempts FROM reminder_deliveries WHERE user_id = $1 ORDER BY claimed_at, slot",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("slot")?,
                    parse_uuid(r.try_get("channel_id")?)?,
                    r.try_get("state")?,
                    r.try_get("attempts")?,
                ))
            })
            .collect()
    }

    /// A channel's status, created empty when first asked for.
    pub async fn channel_statuses(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<ChannelStatusRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT channel_id, confirmed_at, stopped_at, stopped_why, last_delivered_at, last_error \
             FROM reminder_channels WHERE user_id = $1",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ChannelStatusRow {
                    channel_id: parse_uuid(r.try_get("channel_id")?)?,
                    confirmed_at: r.try_get("confirmed_at")?,
                    stopped_at: r.try_get("stopped_at")?,
                    stopped_why: r.try_get("stopped_why")?,
                    last_delivered_at: r.try_get("last_delivered_at")?,
                    last_error: r.try_get("last_error")?,
                })
            })
            .collect()
    }

    async fn ensure_channel_status(
        &self,
        user_id: Uuid,
        channel_id: Uuid,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO reminder_channels (user_id, channel_id) VALUES ($1, $2) \
             ON CONFLICT (user_id, channel_id) DO NOTHING",
        )
        .bind(user_id.to_string())
        .bind(channel_id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks a channel confirmed (an email's opt-in followed; other
    /// channels are confirmed when added).
    pub async fn confirm_channel(
        &self,
        user_id: Uuid,
        channel_id: Uuid,
        now: i64,
    ) -> Result<(), StoreError> {
        self.ensure_channel_status(user_id, channel_id).await?;
        sqlx::query(
            "UPDATE reminder_channels SET confirmed_at = COALESCE(confirmed_at, $1) WHERE user_id = $2 AND channel_id = $3",
        )
        .bind(now)
        .bind(user_id.to_string())
        .bind(channel_id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Stops a channel: unsubscribed, or gone at the push service.
    pub async fn stop_channel(
        &self,
        user_id: Uuid,
        channel_id: Uuid,
        why: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.ensure_channel_status(user_id, channel_id).await?;
        sqlx::query(
            "UPDATE reminder_channels SET stopped_at = COALESCE(stopped_at, $1), stopped_why = COALESCE(stopped_why, $2) \
             WHERE user_id = $3 AND channel_id = $4",
        )
        .bind(now)
        .bind(why)
        .bind(user_id.to_string())
        .bind(channel_id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a delivery's outcome for the settings page.
    pub async fn note_channel_delivery(
        &self,
        user_id: Uuid,
        channel_id: Uuid,
        delivered_at: Option<i64>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        self.ensure_channel_status(user_id, channel_id).await?;
        sqlx::query(
            "UPDATE reminder_channels SET last_delivered_at = COALESCE($1, last_delivered_at), last_error = $2 \
             WHERE user_id = $3 AND channel_id = $4",
        )
        .bind(delivered_at)
        .bind(error)
        .bind(user_id.to_string())
        .bind(channel_id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets a channel's status and links (the channel was removed).
    pub async fn forget_channel(&self, user_id: Uuid, channel_id: Uuid) -> Result<(), StoreError> {
        for table in ["reminder_channels", "reminder_links"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE user_id = $1 AND channel_id = $2"
            ))
            .bind(user_id.to_string())
            .bind(channel_id.to_string())
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// Keeps a link's lookup (opt-in or unsubscribe) unless it is there
    /// already (an unsubscribe link is made the same way each time).
    pub async fn keep_reminder_link(
        &self,
        lookup: &str,
        user_id: Uuid,
        channel_id: Uuid,
        purpose: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO reminder_links (lookup, user_id, channel_id, purpose, expires_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (lookup) DO NOTHING",
        )
        .bind(lookup)
        .bind(user_id.to_string())
        .bind(channel_id.to_string())
        .bind(purpose)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether a channel has a link for `purpose` (an opt-in email was sent).
    pub async fn has_reminder_link(
        &self,
        user_id: Uuid,
        channel_id: Uuid,
        purpose: &str,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 AS found FROM reminder_links WHERE user_id = $1 AND channel_id = $2 AND purpose = $3 LIMIT 1",
        )
        .bind(user_id.to_string())
        .bind(channel_id.to_string())
        .bind(purpose)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Forgets one link (an opt-in, once followed).
    pub async fn delete_reminder_link(&self, lookup: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM reminder_links WHERE lookup = $1")
            .bind(lookup)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The person and channel a link names, when it has not expired.
    pub async fn reminder_link(
        &self,
        lookup: &str,
        purpose: &str,
        now: i64,
    ) -> Result<Option<(Uuid, Uuid)>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id, channel_id FROM reminder_links WHERE lookup = $1 AND purpose = $2 AND expires_at > $3",
        )
        .bind(lookup)
        .bind(purpose)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok((
                parse_uuid(r.try_get("user_id")?)?,
                parse_uuid(r.try_get("channel_id")?)?,
            ))
        })
        .transpose()
    }
}
