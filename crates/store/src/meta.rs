//! Facts about the store itself, such as its random identity, which lets the
//! CLI tell saved logins for different stores apart, and secrets its
//! servers share.

use sqlx::Row;

use crate::{Store, StoreError};

impl Store {
    /// Gives the store its identity once. Reading first keeps opening an
    /// existing store free of writes (a write waits for the disk).
    pub(crate) async fn ensure_store_id(&self) -> Result<(), StoreError> {
        let known = sqlx::query("SELECT 1 FROM store_meta WHERE key = 'store_id'")
            .fetch_optional(&self.pool)
            .await?;
        if known.is_some() {
            return Ok(());
        }
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

/// How much a store holds: rows of the big tables and bytes on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreSize {
    pub users: i64,
    pub entries: i64,
    pub records: i64,
    pub shares: i64,
    /// The database's size: the SQLite file's pages, or PostgreSQL's
    /// `pg_database_size`.
    pub bytes: i64,
}

impl Store {
    /// Counts rows and bytes (for generators and capacity planning).
    pub async fn size(&self) -> Result<StoreSize, StoreError> {
        let count = |table: &'static str| {
            let pool = self.pool.clone();
            async move {
                let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
                    .fetch_one(&pool)
                    .await?;
                Ok::<i64, StoreError>(row.try_get("n")?)
            }
        };
        let bytes_sql = match self.backend() {
            crate::Backend::Sqlite => {
                "SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()"
            }
            crate::Backend::Postgres => {
                "SELECT CAST(pg_database_size(current_database()) AS BIGINT) AS n"
            }
        };
        let bytes: i64 = sqlx::query(bytes_sql)
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(StoreSize {
            users: count("users").await?,
            entries: count("entries").await?,
            records: count("records").await?,
            shares: count("shares").await?,
            bytes,
        })
    }
}
