//! Whether a store is open elsewhere. Every open `Store` holds a shared
//! lock for its whole life — an advisory lock (`flock`) on the file
//! `between.db-lock` beside an SQLite database, a session advisory lock on
//! PostgreSQL — and a restore takes that lock exclusively, without waiting.
//! So a restore refuses while a server or any other Between command has the
//! store open (naming the processes it can find), and no Between process
//! opens a store while it is being restored.
//!
//! Programs other than Between are caught too, as far as their database
//! allows: on SQLite the restore also asks for SQLite's own exclusive lock,
//! which any open connection of any program prevents; on PostgreSQL it
//! refuses while any other client session is connected to the database.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use sqlx::any::AnyConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteLockingMode};
use sqlx::AnyConnection;
use sqlx::{ConnectOptions, Connection, Row};

use crate::files;
use crate::StoreError;

/// The PostgreSQL advisory lock key of a Between database ("BETWEEN\0").
const POSTGRES_LOCK_KEY: i64 = 0x4245_5457_4545_4e00;

/// How long a restore waits for PostgreSQL sessions that are just ending
/// (a command that exited a moment ago) before it refuses.
const POSTGRES_SETTLE: Duration = Duration::from_secs(3);

/// The lock file beside an SQLite database.
pub(crate) fn lock_file(db: &Path) -> PathBuf {
    files::beside(db, "-lock")
}

/// The shared hold an open `Store` keeps on its database.
#[derive(Debug)]
pub(crate) enum Presence {
    /// An in-memory database: nothing else can open it.
    Nothing,
    /// The lock file, locked while it is open.
    Sqlite(Mutex<Option<std::fs::File>>),
    /// A session of its own holding the shared advisory lock.
    Postgres(Mutex<Option<AnyConnection>>),
}

impl Presence {
    /// Takes the shared lock of the SQLite database at `db`, refusing if a
    /// restore holds it.
    pub(crate) fn sqlite(db: &Path) -> Result<Presence, StoreError> {
        let path = lock_file(db);
        let file = files::open_or_create_private(&path)
            .map_err(StoreError::io(format!("could not open {}", path.display())))?;
        match file.try_lock_shared() {
            Ok(()) => Ok(Presence::Sqlite(Mutex::new(Some(file)))),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(restoring(&describe(&processes_with_open(&path))))
            }
            Err(std::fs::TryLockError::Error(err)) => Err(StoreError::Io {
                what: format!("could not lock {}", path.display()),
                source: err,
            }),
        }
    }

    /// Opens a session that holds the shared advisory lock of the
    /// PostgreSQL database, refusing if a restore holds it.
    pub(crate) async fn postgres(options: &AnyConnectOptions) -> Result<Presence, StoreError> {
        let mut conn = AnyConnection::connect_with(options).await?;
        let held: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock_shared($1)")
            .bind(POSTGRES_LOCK_KEY)
            .fetch_one(&mut conn)
            .await?;
        if held {
            return Ok(Presence::Postgres(Mutex::new(Some(conn))));
        }
        let holders = postgres_sessions(&mut conn).await.unwrap_or_default();
        let _ = conn.close().await;
        Err(restoring(&describe(&holders)))
    }

    /// Lets go of the lock now rather than when the last clone is dropped.
    pub(crate) async fn release(&self) {
        match self {
            Presence::Nothing => {}
            // The lock goes with the file handle.
            Presence::Sqlite(slot) => drop(slot.lock().ok().and_then(|mut held| held.take())),
            Presence::Postgres(slot) => {
                let conn = slot.lock().ok().and_then(|mut held| held.take());
                if let Some(conn) = conn {
                    let _ = conn.close().await;
                }
            }
        }
    }
}

fn restoring(holders: &str) -> StoreError {
    StoreError::InUse(format!(
        "a restore of this store is under way{holders}; try again when it has finished"
    ))
}

/// The store held exclusively, for a restore: no Between process has it
/// open and none can open it while this value lives.
#[derive(Debug)]
pub struct ExclusiveUse {
    hold: Presence,
}

impl ExclusiveUse {
    /// Takes the store at `url` exclusively, without waiting. Refuses with
    /// [`StoreError::InUse`], naming who has it open and how to stop them,
    /// while a server or any other process uses it.
    pub async fn acquire(url: &str) -> Result<ExclusiveUse, StoreError> {
        match crate::connect::Target::parse(url)? {
            crate::connect::Target::Sqlite(Some(db)) => Self::acquire_sqlite(&db).await,
            crate::connect::Target::Sqlite(None) => Ok(ExclusiveUse {
                hold: Presence::Nothing,
            }),
            crate::connect::Target::Postgres(options) => Self::postgres(&options).await,
        }
    }

    pub(crate) async fn acquire_sqlite(db: &Path) -> Result<ExclusiveUse, StoreError> {
        let path = lock_file(db);
        let file = files::open_or_create_private(&path)
            .map_err(StoreError::io(format!("could not open {}", path.display())))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(sqlite_in_use(db, &processes_with_open(&path)));
            }
            Err(std::fs::TryLockError::Error(err)) => {
                return Err(StoreError::Io {
                    what: format!("could not lock {}", path.display()),
                    source: err,
                })
            }
        }
        if sqlite_open_elsewhere(db).await {
            return Err(sqlite_in_use(db, &processes_with_open(db)));
        }
        Ok(ExclusiveUse {
            hold: Presence::Sqlite(Mutex::new(Some(file))),
        })
    }

    async fn postgres(options: &AnyConnectOptions) -> Result<ExclusiveUse, StoreError> {
        let mut conn = AnyConnection::connect_with(options).await?;
        let mut held = false;
        let mut waited = Duration::ZERO;
        loop {
            if !held {
                held = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(POSTGRES_LOCK_KEY)
                    .fetch_one(&mut conn)
                    .await?;
            }
            let others = postgres_sessions(&mut conn).await?;
            if held && others.is_empty() {
                return Ok(ExclusiveUse {
                    hold: Presence::Postgres(Mutex::new(Some(conn))),
                });
            }
            if waited >= POSTGRES_SETTLE {
                let _ = conn.close().await;
                return Err(StoreError::InUse(format!(
                    "the database is in use{}; stop `between serve` and every other program connected to this database, then try again",
                    describe(&others)
                )));
            }
            let step = Duration::from_millis(100);
            tokio::time::sleep(step).await;
            waited += step;
        }
    }

    /// Lets go of the store.
    pub async fn release(self) {
        self.hold.release().await;
    }
}

fn sqlite_in_use(db: &Path, holders: &[Holder]) -> StoreError {
    StoreError::InUse(format!(
        "{} is in use{}; stop `between serve` (Ctrl-C, or `kill PID`) and any other program that has it open, then try again",
        db.display(),
        describe(holders)
    ))
}

/// Whether any connection of any program holds the SQLite database open:
/// SQLite's own exclusive lock is refused then. A missing or unreadable
/// database counts as not open (it is about to be replaced).
async fn sqlite_open_elsewhere(db: &Path) -> bool {
    if !db.exists() {
        return false;
    }
    let options = SqliteConnectOptions::new()
        .filename(db)
        .create_if_missing(false)
        .busy_timeout(Duration::ZERO)
        .locking_mode(SqliteLockingMode::Exclusive);
    let Ok(mut conn) = options.connect().await else {
        return false;
    };
    let busy = match sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await {
        Ok(_) => {
            let _ = sqlx::query("ROLLBACK").execute(&mut conn).await;
            false
        }
        Err(sqlx::Error::Database(err)) => err
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 6)), // SQLITE_BUSY, SQLITE_LOCKED
        Err(_) => false,
    };
    let _ = conn.close().await;
    busy
}

/// Who holds a store: a process (SQLite) or a PostgreSQL session.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Holder(String);

/// " (held by …)" for a message, or nothing when no holder is known.
fn describe(holders: &[Holder]) -> String {
    if holders.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = holders.iter().map(|h| h.0.as_str()).collect();
    format!(" by {}", names.join(", "))
}

/// The other client sessions connected to this PostgreSQL database.
async fn postgres_sessions(conn: &mut AnyConnection) -> Result<Vec<Holder>, StoreError> {
    let rows = sqlx::query(
        "SELECT pid, COALESCE(application_name, ''), COALESCE(host(client_addr), 'local socket') \
         FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid() \
           AND backend_type = 'client backend' \
         ORDER BY pid",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let pid: i32 = row.try_get(0)?;
            let name: String = row.try_get(1)?;
            let from: String = row.try_get(2)?;
            let name = if name.is_empty() { "unnamed" } else { &name };
            Ok(Holder(format!(
                "PostgreSQL session {pid} ({name}, from {from})"
            )))
        })
        .collect()
}

/// Other processes that have `path` open, found through `/proc` (Linux;
/// elsewhere none are known and messages say so less precisely).
fn processes_with_open(path: &Path) -> Vec<Holder> {
    let Ok(target) = std::fs::canonicalize(path) else {
        return Vec::new();
    };
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let me = std::process::id();
    let mut found = Vec::new();
    for entry in procs.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        let has_it = fds
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|link| link == target));
        if has_it {
            found.push(Holder(format!("pid {pid} ({})", process_name(pid))));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// "between serve" for a server, else the program's name. Only the
/// program's name and the word `serve` are read from its command line, so
/// no secret passed as an argument ends up in a message.
fn process_name(pid: u32) -> String {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let mut args = cmdline
        .split(|b| *b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned());
    let program = args
        .next()
        .map(|a| {
            Path::new(&a)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(a)
        })
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "unknown program".into());
    if args.any(|a| a == "serve") {
        format!("{program} serve")
    } else {
        program
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_are_listed_in_one_phrase() {
        assert_eq!(describe(&[]), "");
        assert_eq!(
            describe(&[
                Holder("pid 7 (between serve)".into()),
                Holder("pid 9 (sqlite3)".into())
            ]),
            " by pid 7 (between serve), pid 9 (sqlite3)"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_process_holding_a_file_open_is_found_by_its_pid() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("held");
        std::fs::write(&file, b"").unwrap();
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg("exec 3<\"$0\"; echo open; read _")
            .arg(&file)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
            &mut line,
        )
        .unwrap();
        assert_eq!(line, "open\n");
        let found = processes_with_open(&file);
        drop(child.stdin.take());
        child.wait().unwrap();
        assert_eq!(found, vec![Holder(format!("pid {} (sh)", child.id()))]);
    }
}
