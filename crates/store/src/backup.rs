//! A consistent copy of a SQLite store while it is in use: `VACUUM INTO`
//! writes one transaction-consistent snapshot into a new file. (PostgreSQL
//! deployments use `pg_dump`, which the CLI runs.)

use std::path::Path;

use crate::{Backend, Store, StoreError};

impl Store {
    /// Writes a snapshot of a SQLite store to `path`, which must not exist.
    pub async fn backup_sqlite(&self, path: &Path) -> Result<(), StoreError> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::Conflict(
                "this store is PostgreSQL: back it up with pg_dump".into(),
            ));
        }
        if path.exists() {
            return Err(StoreError::Conflict(format!(
                "{} already exists; a backup never overwrites a file",
                path.display()
            )));
        }
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Conflict("the backup path is not valid UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
