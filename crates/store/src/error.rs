//! The store's error type. Callers mostly care whether a failure was a
//! conflict (their input clashes with stored data) or a system failure.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("unsupported database URL \"{0}\": use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("{0}")]
    Conflict(String),
    /// A write named a kind key that is not a current key of the account
    /// (a rotation replaced it): nothing was written; reload the keys and
    /// write again under the current one.
    #[error("the key {0} was replaced; reload the keys and write again")]
    RetiredKey(uuid::Uuid),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("could not migrate the database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The store is open elsewhere (a running server) or being restored;
    /// the message says who holds it and what to do.
    #[error("{0}")]
    InUse(String),
    /// A file offered as a backup is not one, or is damaged.
    #[error("{0}")]
    BadBackup(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
}

impl StoreError {
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> StoreError {
        let what = what.into();
        move |source| StoreError::Io { what, source }
    }

    /// Maps a unique-constraint violation to `Conflict` with a message for people.
    pub(crate) fn conflict_or(err: sqlx::Error, message: &str) -> StoreError {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(message.to_string())
            }
            _ => StoreError::Database(err),
        }
    }
}

pub(crate) fn parse_uuid(s: &str) -> Result<uuid::Uuid, StoreError> {
    uuid::Uuid::parse_str(s).map_err(|_| StoreError::Corrupt(format!("bad id {s:?}")))
}
