//! Fresh, isolated stores for tests on either backend.
//!
//! PostgreSQL tests use `BETWEEN_TEST_POSTGRES_URL` (an account allowed to
//! create databases; default `postgres://postgres@127.0.0.1:5432/postgres`)
//! and get a database of their own, dropped afterwards. When the server
//! cannot be reached they skip with a visible message, unless
//! `BETWEEN_REQUIRE_SERVICES=1` (set by CI), when they fail.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use sqlx::any::AnyPoolOptions;
use sqlx::{Executor, Row};

use crate::{Backend, Store};

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A store that lives as long as this value.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

/// Whether services such as PostgreSQL and Chromium must be present.
pub fn services_required() -> bool {
    std::env::var("BETWEEN_REQUIRE_SERVICES").is_ok_and(|v| v == "1")
}

impl TestDb {
    /// A new SQLite store in a temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("between.db").display());
        let store = Store::connect(&url).await.expect("open SQLite store");
        TestDb {
            store,
            url,
            _dir: Some(dir),
            postgres: None,
        }
    }

    /// The SQLite database file, for tests that inspect bytes on disk.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        self._dir.as_ref().map(|d| d.path().join("between.db"))
    }

    /// A new PostgreSQL database, or `None` (with a message) when no server
    /// is reachable and services are not required.
    pub async fn postgres() -> Option<TestDb> {
        sqlx::any::install_default_drivers();
        let admin = std::env::var("BETWEEN_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_string());
        let pool = match AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect(&admin)
            .await
        {
            Ok(pool) => pool,
            Err(err) => {
                if services_required() {
                    panic!("PostgreSQL is required (BETWEEN_REQUIRE_SERVICES=1) but unreachable at {}: {err}", crate::connect::redact(&admin));
                }
                eprintln!(
                    "SKIPPED: PostgreSQL test, no server at {} ({err})",
                    crate::connect::redact(&admin)
                );
                return None;
            }
        };
        let name = format!("between_test_{}", uuid::Uuid::now_v7().simple());
        pool.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create test database");
        pool.close().await;
        let url = replace_database(&admin, &name);
        let store = Store::connect(&url).await.expect("open PostgreSQL store");
        Some(TestDb {
            store,
            url,
            _dir: None,
            postgres: Some((admin, name)),
        })
    }
}

/// A value bound into the SQL of an upgrade test.
#[derive(Debug, Clone)]
pub enum Value {
    Text(String),
    Blob(Vec<u8>),
    Int(i64),
    Null,
}

impl TestDb {
    /// Runs `sql` on the store directly, as someone who can write the
    /// database (but not change the program) would: for tamper tests.
    pub async fn tamper(&self, sql: &str, values: &[Value]) -> u64 {
        let mut q = sqlx::query(sql);
        for v in values {
            q = match v {
                Value::Text(t) => q.bind(t.clone()),
                Value::Blob(b) => q.bind(b.clone()),
                Value::Int(i) => q.bind(*i),
                Value::Null => q.bind(None::<String>),
            };
        }
        q.execute(&self.store.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .rows_affected()
    }

    /// A store as code of schema `version` left it: migrated only that far,
    /// with `rows` written by SQL (`$n` placeholders), then opened as today
    /// (applying every later migration). For tests that stores written by
    /// earlier versions keep working. `None` when PostgreSQL is wanted but
    /// absent and not required.
    pub async fn upgraded_from(
        postgres: bool,
        version: i64,
        rows: &[(&str, Vec<Value>)],
    ) -> Option<TestDb> {
        sqlx::any::install_default_drivers();
        let db = if postgres {
            TestDb::empty_postgres().await?
        } else {
            let dir = tempfile::tempdir().expect("temporary directory");
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("between.db").display()
            );
            (url, Some(dir), None)
        };
        let (url, dir, pg) = db;
        let backend = if postgres { "postgres" } else { "sqlite" };
        let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let early = tempfile::tempdir().expect("temporary directory");
        for entry in std::fs::read_dir(&source).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let number: i64 = name[..4].parse().unwrap();
            if number <= version {
                std::fs::copy(&path, early.path().join(&name)).unwrap();
            }
        }
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .expect("connect for the upgrade test");
        sqlx::migrate::Migrator::new(early.path())
            .await
            .unwrap()
            .run(&pool)
            .await
            .expect("early migrations");
        for (sql, values) in rows {
            let mut q = sqlx::query(sql);
            for v in values {
                q = match v {
                    Value::Text(t) => q.bind(t.clone()),
                    Value::Blob(b) => q.bind(b.clone()),
                    Value::Int(i) => q.bind(*i),
                    Value::Null => q.bind(None::<String>),
                };
            }
            q.execute(&pool)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        pool.close().await;
        let store = Store::connect(&url)
            .await
            .expect("open and upgrade the store");
        Some(TestDb {
            store,
            url,
            _dir: dir,
            postgres: pg,
        })
    }

    /// A new, empty PostgreSQL database: (url, no directory, (admin, name)).
    #[allow(clippy::type_complexity)]
    async fn empty_postgres(
    ) -> Option<(String, Option<tempfile::TempDir>, Option<(String, String)>)> {
        let admin = std::env::var("BETWEEN_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_string());
        let pool = match AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect(&admin)
            .await
        {
            Ok(pool) => pool,
            Err(err) => {
                if services_required() {
                    panic!("PostgreSQL is required (BETWEEN_REQUIRE_SERVICES=1) but unreachable: {err}");
                }
                eprintln!("SKIPPED: PostgreSQL test, no server ({err})");
                return None;
            }
        };
        let name = format!("between_test_{}", uuid::Uuid::now_v7().simple());
        pool.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create test database");
        pool.close().await;
        Some((replace_database(&admin, &name), None, Some((admin, name))))
    }
}

/// What every table of a store holds: per table, its number of rows and a
/// hash of all of them (every column, in a fixed order). Tests compare two
/// to prove that a refused request changed nothing at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(pub BTreeMap<String, (usize, u64)>);

impl Fingerprint {
    /// The tables whose rows differ from `before` (or that are new or gone).
    pub fn changed_since(&self, before: &Fingerprint) -> Vec<String> {
        let mut names: Vec<&String> = self.0.keys().chain(before.0.keys()).collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .filter(|t| self.0.get(*t) != before.0.get(*t))
            .cloned()
            .collect()
    }
}

impl Store {
    /// Overwrites the plain public key of an account, as an attacker with
    /// write access to the database could.
    pub async fn replace_public_key_for_test(&self, user_id: uuid::Uuid, public: &[u8]) {
        sqlx::query("UPDATE user_keypairs SET public_key = $1 WHERE user_id = $2")
            .bind(public.to_vec())
            .bind(user_id.to_string())
            .execute(&self.pool)
            .await
            .expect("public key replaced");
    }

    /// How many of the pool's connections sit inside a transaction while
    /// nobody uses them (each would hold its locks and never commit what
    /// runs on it). Takes every connection the pool will give at once.
    pub async fn idle_connections_in_a_transaction(&self) -> usize {
        let mut held = Vec::new();
        while let Ok(Ok(conn)) =
            tokio::time::timeout(std::time::Duration::from_millis(200), self.pool.acquire()).await
        {
            held.push(conn);
        }
        let mut inside = 0;
        for conn in &mut held {
            let in_transaction = match self.backend() {
                // PostgreSQL takes a SAVEPOINT only inside a transaction.
                Backend::Postgres => match conn.execute("SAVEPOINT probe").await {
                    Ok(_) => {
                        conn.execute("RELEASE SAVEPOINT probe")
                            .await
                            .expect("released");
                        true
                    }
                    Err(_) => false,
                },
                // SQLite refuses a BEGIN inside a transaction.
                Backend::Sqlite => match conn.execute("BEGIN").await {
                    Ok(_) => {
                        conn.execute("ROLLBACK").await.expect("rolled back");
                        false
                    }
                    Err(_) => true,
                },
            };
            inside += usize::from(in_transaction);
        }
        inside
    }

    /// PostgreSQL: asks this store's backends to publish their table
    /// statistics at once (rather than within a second).
    pub async fn flush_statistics(&self) {
        sqlx::query("SELECT pg_stat_force_next_flush()")
            .execute(&self.pool)
            .await
            .expect("statistics flushed");
    }

    /// PostgreSQL: how many times `table` was read by a sequential scan.
    pub async fn sequential_scans(&self, table: &str) -> i64 {
        sqlx::query("SELECT seq_scan FROM pg_stat_user_tables WHERE relname = $1")
            .bind(table)
            .fetch_one(&self.pool)
            .await
            .expect("table statistics")
            .try_get::<i64, _>("seq_scan")
            .expect("a count")
    }

    /// PostgreSQL: refreshes the planner's statistics of every table.
    pub async fn analyze(&self) {
        sqlx::query("ANALYZE")
            .execute(&self.pool)
            .await
            .expect("analyzed");
    }

    /// Runs `sql` as it is, for tests.
    pub async fn execute_for_tests(&self, sql: &str) {
        sqlx::query(sql)
            .execute(&self.pool)
            .await
            .expect("executed");
    }

    /// A fingerprint of every row of every table.
    pub async fn fingerprint(&self) -> Fingerprint {
        let list = match self.backend() {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 ORDER BY 1"
            }
        };
        let tables = self.texts(list).await;
        let mut out = BTreeMap::new();
        for table in tables {
            let quoted = format!("\"{}\"", table.replace('"', "\"\""));
            let sql = match self.backend() {
                Backend::Sqlite => {
                    let columns = self
                        .texts(&format!(
                            "SELECT name FROM pragma_table_info('{}')",
                            table.replace('\'', "''")
                        ))
                        .await;
                    let row = columns
                        .iter()
                        .map(|c| format!("quote(\"{}\")", c.replace('"', "\"\"")))
                        .collect::<Vec<_>>()
                        .join(" || '|' || ");
                    format!("SELECT {row} FROM {quoted}")
                }
                Backend::Postgres => format!("SELECT t::text FROM {quoted} t"),
            };
            let mut rows = self.texts(&sql).await;
            rows.sort();
            let mut hasher = DefaultHasher::new();
            rows.hash(&mut hasher);
            out.insert(table, (rows.len(), hasher.finish()));
        }
        Fingerprint(out)
    }

    /// The first column of every row `sql` returns, as text.
    async fn texts(&self, sql: &str) -> Vec<String> {
        sqlx::query(sql)
            .fetch_all(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect()
    }
}

fn replace_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{base}/{database}{query}")
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime; do the async clean-up on a
        // thread of its own. FORCE ends the test's own open connections.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(pool) = AnyPoolOptions::new()
                    .max_connections(1)
                    .connect(&admin)
                    .await
                {
                    let _ = pool
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                    pool.close().await;
                }
            });
        })
        .join();
    }
}

impl Store {
    /// Makes a kind key look as a store from before key generations left
    /// it: unnumbered, wrapped as given (without a generation in its AAD).
    pub async fn unnumber_key_for_tests(
        &self,
        key_id: uuid::Uuid,
        wrapped: &[u8],
    ) -> Result<(), crate::StoreError> {
        sqlx::query("UPDATE kind_keys SET generation = NULL, wrapped = $1 WHERE id = $2")
            .bind(wrapped.to_vec())
            .bind(key_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn the_database_name_is_swapped_keeping_credentials_and_options() {
        assert_eq!(
            replace_database("postgres://a:b@h:5433/app?sslmode=disable", "t1"),
            "postgres://a:b@h:5433/t1?sslmode=disable"
        );
        assert_eq!(replace_database("postgres://h", "t1"), "postgres://h/t1");
    }
}
