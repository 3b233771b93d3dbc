//! A consistent copy of a SQLite store while it is in use: `VACUUM INTO`
//! writes one transaction-consistent snapshot into a new file, created
//! empty with mode 0600 first so it is never readable by others. (PostgreSQL
//! deployments use `pg_dump`, which the CLI runs.)

use std::path::Path;

use crate::{files, Backend, Store, StoreError};

impl Store {
    /// Writes a snapshot of a SQLite store to `path`, which must not exist.
    pub async fn backup_sqlite(&self, path: &Path) -> Result<(), StoreError> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::Conflict(
                "this store is PostgreSQL: back it up with pg_dump".into(),
            ));
        }
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Conflict("the backup path is not valid UTF-8".into()))?;
        match files::create_new_private(path) {
            Ok(_) => {}
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::Conflict(format!(
                    "{} already exists; a backup never overwrites a file",
                    path.display()
                )));
            }
            Err(err) => {
                return Err(StoreError::Io {
                    what: format!("could not create {}", path.display()),
                    source: err,
                })
            }
        }
        // VACUUM INTO writes into an empty file, keeping its mode.
        if let Err(err) = sqlx::query("VACUUM INTO $1")
            .bind(target.to_string())
            .execute(&self.pool)
            .await
        {
            let _ = std::fs::remove_file(path);
            return Err(err.into());
        }
        Ok(())
    }
}
