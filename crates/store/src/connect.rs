//! Connecting to a store and migrating its schema. SQLite runs in WAL mode
//! with `synchronous=FULL`, so a write that returned has reached the disk;
//! its files are created readable by their owner only. Every open store
//! holds a shared lock that a restore takes exclusively (`in_use.rs`).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, Executor, Row};

use crate::error::StoreError;
use crate::files;
use crate::in_use::Presence;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Every SQLite connection's settings. `secure_delete` overwrites deleted
/// rows, so a deleted account leaves no ciphertext in the file's free
/// pages; the memory map and cache let reads of long periods (statistics
/// over years) come from memory rather than one system call per page.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; \
     PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; \
     PRAGMA secure_delete = ON; \
     PRAGMA mmap_size = 268435456; \
     PRAGMA cache_size = -32000;";

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A handle on the database; cheap to clone. While any clone lives (or
/// until `close`), the store counts as open for a restore.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
    presence: Arc<Presence>,
}

/// The connection pool's use at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Connections open.
    pub open: u32,
    /// Of those, waiting for work.
    pub idle: u32,
    /// Most connections the pool opens.
    pub max: u32,
}

/// What a database URL points at.
pub(crate) enum Target {
    /// The SQLite database file, or `None` for an in-memory database.
    Sqlite(Option<PathBuf>),
    Postgres(AnyConnectOptions),
}

impl Target {
    pub(crate) fn parse(url: &str) -> Result<Target, StoreError> {
        sqlx::any::install_default_drivers();
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?;
            let file = options.get_filename();
            let in_memory = url.contains(":memory:")
                || url.contains("mode=memory")
                || file.to_string_lossy().starts_with("file:");
            Ok(Target::Sqlite((!in_memory).then(|| file.to_path_buf())))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Target::Postgres(AnyConnectOptions::from_str(
                &with_application_name(url),
            )?))
        } else {
            Err(StoreError::UnsupportedUrl(redact(url)))
        }
    }
}

/// The SQLite database file a URL names (`None` for PostgreSQL, an
/// in-memory database or an unsupported URL).
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    match Target::parse(url) {
        Ok(Target::Sqlite(file)) => file,
        _ => None,
    }
}

/// Sessions of Between show as `between` in `pg_stat_activity`, unless the
/// URL names itself.
fn with_application_name(url: &str) -> String {
    if url.contains("application_name=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}application_name=between")
}

impl Store {
    /// Connects to `url` (`sqlite://PATH` or `postgres://…`), creating an
    /// SQLite file if needed, and applies pending migrations. Refuses with
    /// [`StoreError::InUse`] while the store is being restored.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::connect_with(url, None).await
    }

    /// [`Store::connect`] with at most `max_connections` pooled
    /// connections (default: 4 for SQLite, 10 for PostgreSQL). Several
    /// server instances on one PostgreSQL server share its
    /// `max_connections` (100 by default): keep their sum below it.
    pub async fn connect_with(
        url: &str,
        max_connections: Option<u32>,
    ) -> Result<Store, StoreError> {
        if max_connections == Some(0) {
            return Err(StoreError::Conflict(
                "the pool needs at least one connection".into(),
            ));
        }
        // SQLite's lock is taken here; PostgreSQL's (a session of its own)
        // while the pool's first connection is made, below.
        let (backend, url, presence, db) = match Target::parse(url)? {
            Target::Sqlite(file) => {
                let presence = match &file {
                    Some(db) => {
                        let presence = Presence::sqlite(db)?;
                        create_private_database(db)?;
                        presence
                    }
                    None => Presence::Nothing,
                };
                let url = if url.contains("mode=") {
                    url.to_string()
                } else {
                    let sep = if url.contains('?') { '&' } else { '?' };
                    format!("{url}{sep}mode=rwc")
                };
                (Backend::Sqlite, url, Ok(presence), file)
            }
            Target::Postgres(options) => (
                Backend::Postgres,
                with_application_name(url),
                Err(options),
                None,
            ),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.unwrap_or(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            }))
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // One batch, one round trip to the connection's thread.
                        conn.execute(SQLITE_PRAGMAS).await?;
                    }
                    Ok(())
                })
            })
            .connect_lazy_with(options);
        // The pool's first connection and, on PostgreSQL, the lock's session
        // are made at the same time: two connection set-ups in the time of
        // one. Nothing is read before the lock is held.
        let presence = match presence {
            Ok(presence) => {
                drop(pool.acquire().await?);
                presence
            }
            Err(lock_options) => {
                let (presence, first) =
                    tokio::join!(Presence::postgres(&lock_options), pool.acquire());
                // Given back before anything else: closing the pool waits
                // for every connection it lent.
                let first = first.map(drop);
                let presence = match presence {
                    Ok(presence) => presence,
                    Err(err) => {
                        pool.close().await;
                        return Err(err);
                    }
                };
                first?;
                presence
            }
        };
        returned(&pool).await;
        let migrations = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        if !all_applied(&pool, migrations).await {
            migrations.run(&pool).await?;
        }
        returned(&pool).await;
        let store = Store {
            pool,
            backend,
            presence: Arc::new(presence),
        };
        if let Some(db) = &db {
            // SQLite gives -wal and -shm the database's mode; make sure.
            for file in files::sqlite_companions(db) {
                restrict_or_warn(&file);
            }
        }
        store.ensure_store_id().await?;
        returned(&store.pool).await;
        Ok(store)
    }

    /// Starts a transaction. Its `BEGIN` runs in a task of its own, so it
    /// finishes even when the caller is dropped midway (a request whose
    /// client went away): sqlx 0.8 forgets a `BEGIN` cancelled after it was
    /// sent, and the pool would then hand on a connection still inside a
    /// transaction, where every later statement would hold its locks and
    /// never commit. A transaction that exists rolls back when dropped.
    pub(crate) async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        let pool = self.pool.clone();
        match tokio::spawn(async move { pool.begin().await }).await {
            Ok(tx) => Ok(tx?),
            Err(_) => Err(StoreError::Database(sqlx::Error::WorkerCrashed)),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// After deleting what must not linger (an account, a key a passkey
    /// held): on SQLite, moves the overwritten pages into the main file
    /// (where `secure_delete` has zeroed them) and empties the WAL, which
    /// would otherwise still hold the old page images.
    pub(crate) async fn forget_old_pages(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// How the connection pool is used right now (for metrics).
    pub fn pool_use(&self) -> PoolUse {
        let open = self.pool.size();
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX);
        PoolUse {
            open,
            idle: idle.min(open),
            max: self.pool.options().get_max_connections(),
        }
    }

    /// Closes every connection, waiting for running queries, and lets go of
    /// the store's lock.
    pub async fn close(&self) {
        self.pool.close().await;
        // sqlx can put back a connection that was on its way back to the
        // pool while it closed, and leave it open; close until none is left.
        while self.pool.size() > 0 {
            tokio::task::yield_now().await;
            self.pool.close().await;
        }
        self.presence.release().await;
    }
}

/// True when the database holds exactly this build's migrations, applied
/// and with the same checksums: the one query a start then costs, instead
/// of the migrator's several. Anything else (a new store, one to migrate,
/// a changed migration) goes to the migrator, which applies or refuses.
async fn all_applied(pool: &AnyPool, migrations: &Migrator) -> bool {
    let applied = sqlx::query(
        "SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version",
    )
    .fetch_all(pool)
    .await;
    returned(pool).await;
    let Ok(applied) = applied else {
        return false;
    };
    let expected: Vec<_> = migrations
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .collect();
    applied.len() == expected.len()
        && applied.iter().zip(expected).all(|(row, m)| {
            row.try_get::<i64, _>("version").ok() == Some(m.version)
                && row.try_get::<Vec<u8>, _>("checksum").ok().as_deref() == Some(&*m.checksum)
        })
}

/// Waits, briefly, for a connection just given back to be idle again: sqlx
/// returns it to the pool on a task of its own, and a query asked for
/// before that task ran would open a second connection (a millisecond on
/// SQLite, several round trips on PostgreSQL) that a command never needs.
async fn returned(pool: &AnyPool) {
    for _ in 0..64 {
        if pool.num_idle() > 0 || pool.size() == 0 {
            return;
        }
        tokio::task::yield_now().await;
    }
}

/// Creates the database file with mode 0600 before SQLite does (SQLite
/// would use 0644 less the umask), and narrows an existing one.
fn create_private_database(db: &Path) -> Result<(), StoreError> {
    if db.exists() {
        restrict_or_warn(db);
        return Ok(());
    }
    match files::create_new_private(db) {
        Ok(_) => Ok(()),
        // Another process created it a moment ago.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            restrict_or_warn(db);
            Ok(())
        }
        Err(err) => Err(StoreError::Io {
            what: format!("could not create {}", db.display()),
            source: err,
        }),
    }
}

/// Narrows a file of the store to mode 0600; a file this user does not own
/// (and so may not change) is left as it is, with a warning.
fn restrict_or_warn(path: &Path) {
    if let Err(err) = files::restrict(path) {
        tracing::warn!(file = %path.display(), error = %err, "could not make the file private (mode 0600)");
    }
}

/// A database URL without its password, for error messages and logs.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Row;

    /// WAL with synchronous=FULL is what makes an acknowledged write durable.
    #[tokio::test]
    async fn sqlite_runs_in_wal_mode_with_full_sync_on_every_connection() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
            .await
            .unwrap();
        let mut held = Vec::new();
        for _ in 0..4 {
            held.push(store.pool.acquire().await.unwrap());
        }
        for conn in &mut held {
            let mode: String = sqlx::query("PRAGMA journal_mode")
                .fetch_one(&mut **conn)
                .await
                .unwrap()
                .get(0);
            let sync: i64 = sqlx::query("PRAGMA synchronous")
                .fetch_one(&mut **conn)
                .await
                .unwrap()
                .get(0);
            let fk: i64 = sqlx::query("PRAGMA foreign_keys")
                .fetch_one(&mut **conn)
                .await
                .unwrap()
                .get(0);
            assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
        }
    }

    #[test]
    fn unknown_url_schemes_are_refused_without_echoing_passwords() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let err = rt
            .block_on(Store::connect("mysql://u:hunter2@h/db"))
            .unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(err.to_string().contains("sqlite://"));
    }

    #[test]
    fn the_sqlite_file_is_read_from_every_url_form_and_memory_has_none() {
        assert_eq!(
            sqlite_file("sqlite:///data/between.db?mode=rwc"),
            Some(PathBuf::from("/data/between.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:between.db"),
            Some(PathBuf::from("between.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("sqlite://x.db?mode=memory"), None);
        assert_eq!(sqlite_file("postgres://h/db"), None);
    }

    #[test]
    fn postgres_sessions_are_named_between_unless_the_url_names_them() {
        assert_eq!(
            with_application_name("postgres://h/db"),
            "postgres://h/db?application_name=between"
        );
        assert_eq!(
            with_application_name("postgres://h/db?sslmode=disable"),
            "postgres://h/db?sslmode=disable&application_name=between"
        );
        assert_eq!(
            with_application_name("postgres://h/db?application_name=clinic"),
            "postgres://h/db?application_name=clinic"
        );
    }

    #[test]
    fn passwords_never_appear_in_redacted_urls() {
        assert_eq!(
            redact("postgres://app:secret@127.0.0.1:5433/app"),
            "postgres://…@127.0.0.1:5433/app"
        );
        assert_eq!(redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }
}
