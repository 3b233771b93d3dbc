//! Facts about the store itself, such as its random identity, which lets the
//! CLI tell saved logins for different stores apart, and secrets its
//! servers share.

use sqlx::Row;

use crate::{Store, StoreError};

impl Store {
    pub(crate) async fn ensure_store_id(&self) -> Result<(), StoreError> {
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query("INSERT INTO store_meta (key, value) VALUES ('store_id', $1) ON CONFLICT (key) DO NOTHING")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The random identity given to this store when it was created.
    pub async fn store_id(&self) -> Result<String, StoreError> {
        let row = sqlx::query("SELECT value FROM store_meta WHERE key = 'store_id'")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("value")?)
    }
}

impl Store {
    /// The value kept under `key`, keeping `candidate` first when there is
    /// none: the first of several servers on the store to ask decides, and
    /// all of them then read the same.
    pub async fn meta_or_insert(&self, key: &str, candidate: &str) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO store_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(candidate)
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT value FROM store_meta WHERE key = $1")
            .bind(key)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("value")?)
    }
}
