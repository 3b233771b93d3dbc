//! The store's files on disk are readable and writable by their owner only
//! (mode 0600 on Unix), whatever the umask: the database, its WAL and
//! shared-memory files, its lock file, backups and restore copies.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// `path` with `suffix` appended to its file name (`between.db` + `-wal`).
pub(crate) fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// The files SQLite keeps next to a database in WAL mode.
pub(crate) fn sqlite_companions(db: &Path) -> [PathBuf; 2] {
    [beside(db, "-wal"), beside(db, "-shm")]
}

/// Opens `path`, creating it (mode 0600) if it does not exist. A file this
/// user may not write (someone else's) is opened for reading only.
pub(crate) fn open_or_create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(file) => {
            restrict(path)?;
            Ok(file)
        }
        Err(err) if err.kind() == io::ErrorKind::PermissionDenied && path.exists() => {
            File::open(path)
        }
        Err(err) => Err(err),
    }
}

/// Creates `path`, which must not exist, empty and with mode 0600.
pub(crate) fn create_new_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    restrict(path)?;
    Ok(file)
}

/// Sets mode 0600 on `path` if it exists. The umask only ever removes
/// bits, but a file made by an earlier version (or by SQLite from the
/// database's mode) may be wider; this makes it exact.
pub(crate) fn restrict(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            other => other?,
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn companions_and_side_files_keep_the_whole_file_name() {
        let db = Path::new("/data/between.db");
        assert_eq!(beside(db, "-lock"), Path::new("/data/between.db-lock"));
        assert_eq!(
            sqlite_companions(db),
            [
                PathBuf::from("/data/between.db-wal"),
                PathBuf::from("/data/between.db-shm")
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_new_private_file_has_mode_0600_and_an_existing_one_is_narrowed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let new = dir.path().join("new");
        create_new_private(&new).unwrap();
        assert_eq!(mode(&new), 0o600);
        assert!(create_new_private(&new).is_err(), "never replaces a file");
        let wide = dir.path().join("wide");
        std::fs::write(&wide, b"x").unwrap();
        std::fs::set_permissions(&wide, std::fs::Permissions::from_mode(0o664)).unwrap();
        open_or_create_private(&wide).unwrap();
        assert_eq!(mode(&wide), 0o600);
    }
}
