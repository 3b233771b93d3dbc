//! Where things live: the data directory (the SQLite store, backed up) and
//! the config directory (saved logins, never backed up with the data).

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{CliError, CliResult};

pub struct Paths {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
    database_url: Option<String>,
}

impl Paths {
    pub fn resolve(
        data_dir: Option<PathBuf>,
        database_url: Option<String>,
        config_dir: Option<PathBuf>,
    ) -> CliResult<Paths> {
        let data_dir = match data_dir {
            Some(dir) => dir,
            None => dirs::data_dir().map(|d| d.join("between")).ok_or_else(|| {
                CliError::input("no data directory could be found; pass --data-dir")
            })?,
        };
        let config_dir = match config_dir {
            Some(dir) => dir,
            None => dirs::config_dir()
                .map(|d| d.join("between"))
                .ok_or_else(|| {
                    CliError::input("no config directory could be found; pass --config-dir")
                })?,
        };
        if database_url.is_none() && same_or_inside(&config_dir, &data_dir) {
            return Err(CliError::input(
                "the config directory must not be inside the data directory: saved logins would end up in backups",
            ));
        }
        Ok(Paths {
            data_dir,
            config_dir,
            database_url,
        })
    }

    /// The URL to connect to, creating the data directory for SQLite.
    pub fn database_url(&self) -> CliResult<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        create_private_dir(&self.data_dir)?;
        Ok(format!(
            "sqlite://{}",
            self.data_dir.join("between.db").display()
        ))
    }

    /// The store's location for messages, without any password.
    pub fn database_display(&self) -> String {
        match &self.database_url {
            Some(url) => redact_url(url),
            None => self.data_dir.join("between.db").display().to_string(),
        }
    }
}

/// A database URL without its user and password.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_string(),
    }
}

fn same_or_inside(inner: &Path, outer: &Path) -> bool {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    canon(inner).starts_with(canon(outer))
}

/// Creates a directory readable only by its owner.
pub fn create_private_dir(dir: &Path) -> CliResult {
    std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("could not restrict {}", dir.display()))?;
    }
    Ok(())
}
