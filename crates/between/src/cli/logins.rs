//! Saved device logins: a file in the config directory (mode 0600) holding
//! the secret of each device credential, per store and user.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::paths::create_private_dir;
use super::{CliError, CliResult};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedLogin {
    pub store_id: String,
    pub user: String,
    pub secret: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Logins {
    #[serde(default)]
    logins: Vec<SavedLogin>,
}

fn file(dir: &Path) -> PathBuf {
    dir.join("logins.json")
}

impl Logins {
    pub fn load(dir: &Path) -> CliResult<Logins> {
        let path = file(dir);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                CliError::input(format!(
                    "{} is not a valid logins file: {e}",
                    path.display()
                ))
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Logins::default()),
            Err(err) => Err(CliError::System(
                anyhow::Error::new(err).context(format!("could not read {}", path.display())),
            )),
        }
    }

    pub fn save(&self, dir: &Path) -> CliResult {
        create_private_dir(dir)?;
        let path = file(dir);
        let tmp = path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(self).context("could not encode logins")?;
        write_private(&tmp, &bytes)?;
        std::fs::rename(&tmp, &path)
            .with_context(|| format!("could not write {}", path.display()))?;
        Ok(())
    }

    /// The login to use: the one for `user`, or the only one for this store.
    pub fn pick(&self, store_id: &str, user: Option<&str>) -> CliResult<&SavedLogin> {
        let here: Vec<&SavedLogin> = self
            .logins
            .iter()
            .filter(|l| l.store_id == store_id)
            .collect();
        match user {
            Some(name) => {
                let name = name.trim().to_lowercase();
                here.into_iter().find(|l| l.user == name).ok_or_else(|| {
                    CliError::input(format!("no saved login for \"{name}\" on this store; run `between login {name} --password-stdin`"))
                })
            }
            None => match here.as_slice() {
                [only] => Ok(only),
                [] => Err(CliError::input(
                    "no saved login for this store; run `between login NAME --password-stdin` (or `between user add NAME --password-stdin --login`)",
                )),
                _ => Err(CliError::input("several logins are saved for this store; choose one with --user NAME")),
            },
        }
    }

    /// Adds or replaces the login of `user` on `store_id`; returns the replaced one.
    pub fn put(&mut self, login: SavedLogin) -> Option<SavedLogin> {
        let old = self.remove(&login.store_id, &login.user);
        self.logins.push(login);
        old
    }

    pub fn remove(&mut self, store_id: &str, user: &str) -> Option<SavedLogin> {
        let pos = self
            .logins
            .iter()
            .position(|l| l.store_id == store_id && l.user == user)?;
        Some(self.logins.remove(pos))
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> CliResult {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .with_context(|| format!("could not write {}", path.display()))?;
    f.write_all(bytes)
        .with_context(|| format!("could not write {}", path.display()))?;
    f.sync_all()
        .with_context(|| format!("could not write {}", path.display()))?;
    Ok(())
}
