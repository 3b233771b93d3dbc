//! Putting an SQLite backup in place of the store. Nothing of the current
//! store is touched until the backup has passed every check: the store is
//! held exclusively (no server or other process has it open), the backup is
//! copied beside it (mode 0600), the copy passes SQLite's `integrity_check`
//! and opens as a Between store (migrated to this version); only then is the
//! current database moved aside and the copy moved in. (PostgreSQL
//! deployments restore with `pg_restore`, which the CLI runs.)

use std::io::Read as _;
use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};

use crate::files::{self, beside, sqlite_companions};
use crate::in_use::{self, ExclusiveUse};
use crate::{Store, StoreError};

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// Where the replaced database now lives, if there was one.
    pub kept: Option<PathBuf>,
}

/// Replaces the SQLite database at `db` with the backup at `backup`.
/// An existing database is replaced only with `force`, and is kept beside
/// it as `DB.before-restore-STAMP` (with its WAL). Refuses with
/// [`StoreError::InUse`] while the store is open anywhere, and with
/// [`StoreError::BadBackup`] when the file is not an intact Between store;
/// in both cases nothing has changed.
pub async fn restore_sqlite(
    backup: &Path,
    db: &Path,
    force: bool,
    stamp: &str,
) -> Result<Restored, StoreError> {
    if !backup.is_file() {
        return Err(StoreError::BadBackup(format!(
            "{} is not a file",
            backup.display()
        )));
    }
    if !has_sqlite_header(backup) {
        return Err(not_a_backup(backup));
    }
    let hold = ExclusiveUse::acquire_sqlite(db).await?;
    if db.exists() && !force {
        return Err(StoreError::Conflict(format!(
            "{} already exists; stop the server and add --force to replace it (the current file is kept beside it)",
            db.display()
        )));
    }
    let staging = beside(db, ".restoring");
    remove_staging(&staging);
    let checked = stage(backup, &staging).await;
    if let Err(err) = checked {
        remove_staging(&staging);
        return Err(err);
    }
    let kept = put_in_place(&staging, db, stamp);
    remove_staging(&staging);
    hold.release().await;
    Ok(Restored { kept: kept? })
}

fn not_a_backup(backup: &Path) -> StoreError {
    StoreError::BadBackup(format!("{} is not a Between backup", backup.display()))
}

fn has_sqlite_header(path: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == b"SQLite format 3\0"
}

/// Copies the backup to `staging` and checks the copy: SQLite's integrity
/// check, then opening it as a Between store (which migrates it).
async fn stage(backup: &Path, staging: &Path) -> Result<(), StoreError> {
    let (from, to) = (backup.to_path_buf(), staging.to_path_buf());
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let mut out = files::create_new_private(&to)?;
        std::io::copy(&mut std::fs::File::open(&from)?, &mut out)?;
        out.sync_all()
    })
    .await
    .map_err(|e| StoreError::Io {
        what: "the copy of the backup stopped".into(),
        source: std::io::Error::other(e),
    })?
    .map_err(StoreError::io(format!(
        "could not copy {} to {}",
        backup.display(),
        staging.display()
    )))?;
    integrity_check(backup, staging).await?;
    let store = Store::connect(&format!("sqlite://{}", staging.display()))
        .await
        .map_err(|_| not_a_backup(backup))?;
    let id = store.store_id().await;
    store.close().await;
    drop(store);
    id.map(|_| ()).map_err(|_| not_a_backup(backup))
}

/// Runs `PRAGMA integrity_check` on the copy; any answer but "ok" (or a
/// file SQLite cannot read at all) refuses the backup, quoting SQLite.
async fn integrity_check(backup: &Path, staging: &Path) -> Result<(), StoreError> {
    let damaged = |detail: String| {
        StoreError::BadBackup(format!(
            "{} is damaged (SQLite's integrity check: {detail}); nothing was changed",
            backup.display()
        ))
    };
    let mut conn = SqliteConnectOptions::new()
        .filename(staging)
        .create_if_missing(false)
        .connect()
        .await
        .map_err(|e| damaged(e.to_string()))?;
    let rows = sqlx::query("PRAGMA integrity_check(5)")
        .fetch_all(&mut conn)
        .await;
    let _ = conn.close().await;
    let problems: Vec<String> = rows
        .map_err(|e| damaged(e.to_string()))?
        .iter()
        .filter_map(|row| row.try_get::<String, _>(0).ok())
        .flat_map(|text| {
            text.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && *line != "ok" && !line.starts_with("***"))
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(damaged(problems.join("; ")))
    }
}

/// Moves the current database (if any) aside with its WAL, then the checked
/// copy in. Returns where the old one went.
fn put_in_place(staging: &Path, db: &Path, stamp: &str) -> Result<Option<PathBuf>, StoreError> {
    let rename = |from: &Path, to: &Path| {
        std::fs::rename(from, to).map_err(StoreError::io(format!(
            "could not move {} to {}",
            from.display(),
            to.display()
        )))
    };
    let kept = if db.exists() {
        let kept = beside(db, &format!(".before-restore-{stamp}"));
        rename(db, &kept)?;
        for (from, to) in sqlite_companions(db).iter().zip(sqlite_companions(&kept)) {
            if from.exists() {
                rename(from, &to)?;
            }
        }
        for file in std::iter::once(kept.clone()).chain(sqlite_companions(&kept)) {
            let _ = files::restrict(&file);
        }
        Some(kept)
    } else {
        // A log left beside the file would be replayed into the restored one.
        for file in sqlite_companions(db) {
            let _ = std::fs::remove_file(file);
        }
        None
    };
    if let Err(err) = rename(staging, db) {
        if let Some(kept) = &kept {
            let _ = std::fs::rename(kept, db);
        }
        return Err(err);
    }
    // The copy's own log, if closing it left one, belongs with it.
    let [staging_wal, _] = sqlite_companions(staging);
    if staging_wal.exists() {
        rename(&staging_wal, &sqlite_companions(db)[0])?;
    }
    files::restrict(db).map_err(StoreError::io(format!(
        "could not restrict {}",
        db.display()
    )))?;
    Ok(kept)
}

/// Removes a copy left by this or an earlier, interrupted restore.
fn remove_staging(staging: &Path) {
    let mut leftovers = vec![staging.to_path_buf(), in_use::lock_file(staging)];
    leftovers.extend(sqlite_companions(staging));
    for file in leftovers {
        let _ = std::fs::remove_file(file);
    }
}
