//! `between backup PATH` and `between restore PATH`: a consistent copy of
//! the whole store while it runs, and putting one back. A backup is as
//! unreadable as the live store: it opens only with each person's password
//! or recovery code of the time it was made. A restore checks the whole
//! backup before it changes anything, and refuses while the store is open
//! anywhere (`between_store::ExclusiveUse`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use between_store::{Backend, ExclusiveUse, StoreError};
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

/// Runs a PostgreSQL client tool: `Ok(None)` when it succeeded, its error
/// output when it failed, and an error when it could not be run at all.
fn tool_failure(cmd: &mut Command, what: &str) -> CliResult<Option<String>> {
    let out = cmd.stdout(Stdio::null()).output().map_err(|e| {
        CliError::input(format!(
            "could not run {what} ({e}); install the PostgreSQL client tools"
        ))
    })?;
    Ok((!out.status.success()).then(|| String::from_utf8_lossy(&out.stderr).trim().to_string()))
}

fn run_tool(cmd: &mut Command, what: &str) -> CliResult {
    match tool_failure(cmd, what)? {
        None => Ok(()),
        Some(stderr) => Err(CliError::input(format!("{what} failed: {stderr}"))),
    }
}

/// Store errors as the CLI reports them: a store in use, a bad backup or a
/// clash with what exists are the operator's to fix (exit 2).
fn store_error(err: StoreError) -> CliError {
    match err {
        StoreError::InUse(m) | StoreError::BadBackup(m) | StoreError::Conflict(m) => {
            CliError::input(m)
        }
        other => CliError::System(other.into()),
    }
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
            store.backup_sqlite(&args.path).await.map_err(store_error)?;
        }
        Backend::Postgres => {
            let url = ctx.paths.database_url()?;
            // pg_dump writes into the file made here, which keeps its mode.
            create_private(&args.path)?;
            let dumped = run_tool(
                Command::new("pg_dump")
                    .arg("--format=custom")
                    .arg("--file")
                    .arg(&args.path)
                    .arg(&url),
                "pg_dump",
            )
            .and_then(|()| check_archive(&args.path));
            if let Err(err) = dumped {
                let _ = std::fs::remove_file(&args.path);
                return Err(err);
            }
        }
    }
    outln!("Backed up the store to {}. {SAY}", args.path.display());
    Ok(())
}

/// Creates `path`, which must not exist, empty and readable only by its owner.
fn create_private(path: &Path) -> CliResult {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => CliError::input(format!(
            "{} already exists; a backup never overwrites a file",
            path.display()
        )),
        _ => CliError::input(format!("could not create {}: {e}", path.display())),
    })?;
    Ok(())
}

/// Checks a PostgreSQL archive by reading all of it: its table of contents
/// (`pg_restore --list`) and every data block (`pg_restore` to a discarded
/// script), so a damaged or cut-off file is found before anything changes.
fn check_archive(path: &Path) -> CliResult {
    let checks: [&[&str]; 2] = [&["--list"], &["--file=-"]];
    for flags in checks {
        let failed = tool_failure(
            Command::new("pg_restore").args(flags).arg(path),
            "pg_restore",
        )?;
        if let Some(stderr) = failed {
            return Err(CliError::input(format!(
                "{} is not an intact PostgreSQL backup (pg_restore {}: {stderr}); nothing was changed",
                path.display(),
                flags.join(" ")
            )));
        }
    }
    Ok(())
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
        return restore_postgres(ctx, &url, &args).await;
    }
    let Some(target) = between_store::sqlite_file(&url) else {
        return Err(CliError::input(
            "this store lives in memory; there is nothing to restore into",
        ));
    };
    let stamp = between_app::Clock::system()
        .now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let restored = between_store::restore_sqlite(&args.path, &target, args.force, &stamp)
        .await
        .map_err(store_error)?;
    if let Some(kept) = restored.kept {
        eprintln!("Kept the replaced store as {}.", kept.display());
    }
    outln!(
        "Restored {} to {}. People sign in with their passwords of the time of the backup.",
        args.path.display(),
        target.display()
    );
    Ok(())
}

async fn restore_postgres(ctx: &Context, url: &str, args: &RestoreArgs) -> CliResult {
    check_archive(&args.path)?;
    let store = ctx.store().await?;
    let users = store
        .count_users()
        .await
        .map_err(|e| CliError::System(e.into()))?;
    store.close().await;
    drop(store);
    if users > 0 && !args.force {
        return Err(CliError::input(format!(
            "this database already holds {users} account(s); add --force to replace everything in it with the backup"
        )));
    }
    // No Between process can open the database until this is released.
    let hold = ExclusiveUse::acquire(url).await.map_err(store_error)?;
    let restored = run_tool(
        Command::new("pg_restore")
            .args([
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
            ])
            .arg(url)
            .arg(&args.path),
        "pg_restore",
    );
    hold.release().await;
    restored?;
    outln!("Restored {} into the database.", args.path.display());
    Ok(())
}
