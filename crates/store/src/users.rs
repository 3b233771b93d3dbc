//! Accounts. The name is plain because it is what a person signs in with.
//! There is no password hash: a password is checked by opening the root
//! key it wraps (see the `credentials` table).

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: Uuid,
    pub name: String,
    pub role: String,
    pub time_zone: String,
    pub created_at: i64,
}

fn user_from_row(row: &AnyRow) -> Result<UserRow, StoreError> {
    Ok(UserRow {
        id: parse_uuid(row.try_get("id")?)?,
        name: row.try_get("name")?,
        role: row.try_get("role")?,
        time_zone: row.try_get("time_zone")?,
        created_at: row.try_get("created_at")?,
    })
}

const USER_COLUMNS: &str = "id, name, role, time_zone, created_at";

impl Store {
    pub async fn count_users(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    pub async fn user_by_name(&self, name: &str) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE name = $1");
        let row = sqlx::query(&sql)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn update_time_zone(&self, user_id: Uuid, zone: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET time_zone = $1 WHERE id = $2")
            .bind(zone)
            .bind(user_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Everything needed to create an account in one transaction: the user, its
/// kind keys and its first credentials, so no half-made account can exist.
pub struct NewAccount {
    pub user: UserRow,
    pub kind_keys: Vec<crate::KindKeyRow>,
    pub credentials: Vec<crate::CredentialRow>,
}

impl Store {
    pub async fn create_account(&self, account: &NewAccount) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let u = &account.user;
        sqlx::query(
            "INSERT INTO users (id, name, role, time_zone, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(u.id.to_string())
        .bind(&u.name)
        .bind(&u.role)
        .bind(&u.time_zone)
        .bind(u.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            StoreError::conflict_or(e, &format!("The name \"{}\" is already taken.", u.name))
        })?;
        for key in &account.kind_keys {
            crate::keys::insert_kind_key(&mut tx, key).await?;
        }
        for cred in &account.credentials {
            crate::credentials::insert_credential(&mut tx, cred).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Deletes an account and everything it owns.
    pub async fn delete_user(&self, user_id: Uuid) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        // Links on either side, with their scopes and sealed keys.
        for table in [
            "share_keys",
            "share_scopes",
            "share_items",
            "share_bindings",
            "share_consents",
        ] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE share_id IN (SELECT id FROM shares WHERE client_id = $1 OR therapist_id = $2)"
            ))
            .bind(user_id.to_string())
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM shares WHERE client_id = $1 OR therapist_id = $2")
            .bind(user_id.to_string())
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        for (table, column) in [
            ("share_invites", "client_id"),
            ("access_log", "client_id"),
            ("user_keypairs", "user_id"),
            ("key_rotations", "user_id"),
            ("private_links", "owner_id"),
            ("known_devices", "user_id"),
            ("security_events", "user_id"),
            ("second_factors", "user_id"),
            ("pending_signins", "user_id"),
            ("passkeys", "user_id"),
            ("webauthn_ceremonies", "user_id"),
            ("inbox", "user_id"),
            ("reminder_deliveries", "user_id"),
            ("reminder_channels", "user_id"),
            ("reminder_links", "user_id"),
            ("reminder_plans", "user_id"),
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE {column} = $1"))
                .bind(user_id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        for table in ["entries", "records", "credentials", "kind_keys"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(user_id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        let done = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.forget_old_pages().await?;
        Ok(done.rows_affected() > 0)
    }
}
