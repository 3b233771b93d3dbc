//! `between backup PATH` and `between restore PATH`: a consistent copy of
//! the whole store while it runs, and putting one back. A backup is as
//! unreadable as the live store: it opens only with each person's password
//! or recovery code of the time it was made.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;
use between_store::{Backend, Store};
use clap::Args;

use super::{CliError, CliResult, Context};

const SAY: &str = "Like the live store, the backup reveals nothing without each person's password or recovery code of today; keep those, or the backup cannot be opened.";

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the backup; an existing file is never overwritten.
    path: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A backup made by `between backup`.
    path: PathBuf,
    /// Replace a store that already exists (SQLite: the old file is kept
    /// beside it as between.db.before-restore-TIME). Stop the server first.
    #[arg(long)]
    force: bool,
}

fn run_tool(cmd: &mut Command, what: &str) -> CliResult {
    let out = cmd.output().map_err(|e| {
        CliError::input(format!(
            "could not run {what} ({e}); install the PostgreSQL client tools"
        ))
    })?;
    if !out.status.success() {
        return Err(CliError::input(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

pub async fn backup(ctx: &Context, args: BackupArgs) -> CliResult {
    if args.path.exists() {
        return Err(CliError::input(format!(
            "{} already exists; a backup never overwrites a file",
            args.path.display()
        )));
    }
    let store = ctx.store().await?;
    match store.backend() {
        Backend::Sqlite => {
            store.backup_sqlite(&args.path).await.map_err(|e| match e {
                between_store::StoreError::Conflict(m) => CliError::input(m),
                other => CliError::System(other.into()),
            })?;
        }
        Backend::Postgres => {
            let url = ctx.paths.database_url()?;
            run_tool(
                Command::new("pg_dump")
                    .arg("--format=custom")
                    .arg("--file")
                    .arg(&args.path)
                    .arg(&url),
                "pg_dump",
            )?;
            // Check that what was written is a readable archive.
            run_tool(
                Command::new("pg_restore").arg("--list").arg(&args.path),
                "pg_restore --list (checking the backup)",
            )?;
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&args.path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("could not restrict {}", args.path.display()))?;
    }
    println!("Backed up the store to {}. {SAY}", args.path.display());
    Ok(())
}

/// The SQLite file behind `url`.
fn sqlite_file(url: &str) -> PathBuf {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    PathBuf::from(rest.split('?').next().unwrap_or(rest))
}

pub async fn restore(ctx: &Context, args: RestoreArgs) -> CliResult {
    if !args.path.is_file() {
        return Err(CliError::input(format!(
            "{} is not a file",
            args.path.display()
        )));
    }
    let url = ctx.paths.database_url()?;
    if url.starts_with("postgres") {
        let store = ctx.store().await?;
        let users = store
            .count_users()
            .await
            .map_err(|e| CliError::System(e.into()))?;
        store.close().await;
        if users > 0 && !args.force {
            return Err(CliError::input(format!(
                "this database already holds {users} account(s); add --force to replace everything in it with the backup"
            )));
        }
        run_tool(
            Command::new("pg_restore")
                .args([
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                ])
                .arg(&url)
                .arg(&args.path),
            "pg_restore",
        )?;
        println!("Restored {} into the database.", args.path.display());
        return Ok(());
    }
    let target = sqlite_file(&url);
    restore_sqlite(&args.path, &target, args.force).await?;
    println!(
        "Restored {} to {}. People sign in with their passwords of the time of the backup.",
        args.path.display(),
        target.display()
    );
    Ok(())
}

async fn restore_sqlite(backup: &Path, target: &Path, force: bool) -> CliResult {
    if target.exists() && !force {
        return Err(CliError::input(format!(
            "{} already exists; stop the server and add --force to replace it (the current file is kept beside it)",
            target.display()
        )));
    }
    let not_a_backup = || CliError::input(format!("{} is not a Between backup", backup.display()));
    let mut head = [0u8; 16];
    let is_sqlite = std::fs::File::open(backup)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && &head == b"SQLite format 3\0";
    if !is_sqlite {
        return Err(not_a_backup());
    }
    // Check the backup on a copy next to the target, then move it in.
    let staging = target.with_extension("db.restoring");
    let _ = std::fs::remove_file(&staging);
    std::fs::copy(backup, &staging)
        .with_context(|| format!("could not copy {}", backup.display()))?;
    let check = Store::connect(&format!("sqlite://{}", staging.display())).await;
    let checked = match check {
        Ok(store) => {
            let id = store.store_id().await;
            store.close().await;
            id.is_ok()
        }
        Err(_) => false,
    };
    if !checked {
        let _ = std::fs::remove_file(&staging);
        return Err(not_a_backup());
    }
    for suffix in ["db.restoring-wal", "db.restoring-shm"] {
        let _ = std::fs::remove_file(target.with_extension(suffix));
    }
    let side = |p: &Path, suffix: &str| PathBuf::from(format!("{}{suffix}", p.display()));
    if target.exists() {
        let stamp = between_app::Clock::system()
            .now()
            .strftime("%Y%m%dT%H%M%SZ");
        let kept = side(target, &format!(".before-restore-{stamp}"));
        std::fs::rename(target, &kept)
            .with_context(|| format!("could not move {} aside", target.display()))?;
        for suffix in ["-wal", "-shm"] {
            let from = side(target, suffix);
            if from.exists() {
                std::fs::rename(&from, side(&kept, suffix))
                    .with_context(|| format!("could not move {} aside", from.display()))?;
            }
        }
        eprintln!("Kept the replaced store as {}.", kept.display());
    }
    // A log left beside the file would be replayed into the restored one.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(side(target, suffix));
    }
    std::fs::rename(&staging, target)
        .with_context(|| format!("could not move the backup into {}", target.display()))?;
    Ok(())
}
