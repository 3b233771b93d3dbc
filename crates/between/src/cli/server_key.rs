//! The keys reminders need, kept outside the database. Finding the server
//! key reminders are wrapped under: `BETWEEN_SERVER_KEY`
//! (the key itself), else `--server-key-file`, else `server.key` in the
//! config directory. Never in the data directory or the database, so a
//! copied store or backup opens no reminder plan. `between serve` on SQLite
//! makes the file when there is none; on PostgreSQL (possibly several
//! instances) the operator supplies the same key to every instance. The
//! VAPID key for Web Push is found and made the same way.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use between_app::reminders::ServerKey;

use crate::outbound::vapid::{self, Vapid};

use super::{CliError, CliResult};

/// The key file's name in the config directory.
pub const FILE_NAME: &str = "server.key";

/// The environment variable that may hold the key itself.
pub const ENV: &str = "BETWEEN_SERVER_KEY";

/// The key given, if any.
pub fn find(config_dir: &Path, file: Option<&Path>) -> CliResult<Option<Arc<ServerKey>>> {
    if let Ok(text) = std::env::var(ENV) {
        if !text.trim().is_empty() {
            return parse(&text, ENV).map(Some);
        }
    }
    let path = match file {
        Some(path) => {
            if !path.is_file() {
                return Err(CliError::input(format!(
                    "the server key file {} does not exist",
                    path.display()
                )));
            }
            path.to_path_buf()
        }
        None => {
            let path = config_dir.join(FILE_NAME);
            if !path.is_file() {
                return Ok(None);
            }
            path
        }
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read the server key {}", path.display()))?;
    parse(&text, &path.display().to_string()).map(Some)
}

fn parse(text: &str, from: &str) -> CliResult<Arc<ServerKey>> {
    ServerKey::parse(text)
        .map(Arc::new)
        .map_err(|e| CliError::input(format!("the server key in {from}: {e}")))
}

/// The VAPID key for Web Push: `BETWEEN_VAPID_PRIVATE_KEY`, else
/// `vapid.key` in the config directory.
pub fn find_vapid(config_dir: &Path, contact: &str) -> CliResult<Option<Arc<Vapid>>> {
    let (text, from) = match std::env::var(vapid::ENV) {
        Ok(text) if !text.trim().is_empty() => (text, vapid::ENV.to_string()),
        _ => {
            let path = config_dir.join(vapid::FILE_NAME);
            if !path.is_file() {
                return Ok(None);
            }
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("could not read the VAPID key {}", path.display()))?;
            (text, path.display().to_string())
        }
    };
    Vapid::parse(&text, contact)
        .map(|v| Some(Arc::new(v)))
        .map_err(|e| CliError::input(format!("{from}: {e}")))
}

/// Makes `vapid.key` in the config directory.
pub fn create_vapid(config_dir: &Path, contact: &str) -> CliResult<(Arc<Vapid>, PathBuf)> {
    let key = Vapid::generate(contact);
    let path = write_private(config_dir, vapid::FILE_NAME, &key.encoded())?;
    Ok((Arc::new(key), path))
}

/// Makes `server.key` in the config directory (readable by its owner
/// only) and returns the new key.
pub fn create(config_dir: &Path) -> CliResult<(Arc<ServerKey>, PathBuf)> {
    let key = ServerKey::generate();
    let path = write_private(config_dir, FILE_NAME, &key.encoded())?;
    Ok((Arc::new(key), path))
}

/// Writes a new file readable by its owner only (never over one).
fn write_private(config_dir: &Path, name: &str, text: &str) -> CliResult<PathBuf> {
    super::paths::create_private_dir(config_dir)?;
    let path = config_dir.join(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write as _;
    let mut file = options
        .open(&path)
        .with_context(|| format!("could not create {}", path.display()))?;
    writeln!(file, "{text}")
        .and_then(|_| file.sync_all())
        .with_context(|| format!("could not write {}", path.display()))?;
    Ok(path)
}
