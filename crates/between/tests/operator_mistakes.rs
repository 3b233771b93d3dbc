//! Operator mistakes, run as real processes: restoring a damaged backup or
//! restoring under a running server is refused and changes nothing (SQLite
//! and PostgreSQL); the store's files are private whatever the umask; a
//! command writing into a closed pipe ends quietly.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_between");

/// One store (SQLite in a data directory, or a PostgreSQL database) and a
/// config directory, and the CLI run against them.
struct Between {
    data: tempfile::TempDir,
    config: tempfile::TempDir,
    database_url: Option<String>,
}

impl Between {
    fn sqlite() -> Between {
        Between {
            data: tempfile::tempdir().unwrap(),
            config: tempfile::tempdir().unwrap(),
            database_url: None,
        }
    }

    fn postgres(url: &str) -> Between {
        Between {
            database_url: Some(url.to_string()),
            ..Between::sqlite()
        }
    }

    /// The command under `umask` (octal), or the inherited one.
    fn command(&self, umask: Option<&str>, args: &[&str]) -> Command {
        let mut c = match umask {
            Some(mask) => {
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("umask {mask} && exec \"$0\" \"$@\""))
                    .arg(BIN);
                c
            }
            None => Command::new(BIN),
        };
        if let Some(url) = &self.database_url {
            c.args(["--database-url", url]);
        }
        c.args(args)
            .env("BETWEEN_DATA_DIR", self.data.path())
            .env("BETWEEN_CONFIG_DIR", self.config.path())
            .env_remove("BETWEEN_USER")
            .env_remove("BETWEEN_DATABASE_URL");
        c
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.run_with_umask(None, args, stdin)
    }

    fn run_with_umask(&self, umask: Option<&str>, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command(umask, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args, "");
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must fail with `code`; returns its error output.
    fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args, "");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        stderr
    }

    /// An account `ada` with a saved login, and an API token for it.
    fn with_account(self) -> (Between, String) {
        let out = self.run(
            &[
                "user",
                "add",
                "ada",
                "--password-stdin",
                "--tz",
                "UTC",
                "--login",
            ],
            "pass word 123\n",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = self.run(&["token", "create", "--password-stdin"], "pass word 123\n");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
        (self, token)
    }

    fn db(&self) -> PathBuf {
        self.data.path().join("between.db")
    }

    /// The texts of ada's journal, newest first.
    fn journal(&self) -> Vec<String> {
        let listed: serde_json::Value =
            serde_json::from_str(&self.ok(&["--user", "ada", "journal", "list", "--json"]))
                .unwrap();
        listed
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["text"].as_str().unwrap().to_string())
            .collect()
    }

    /// The files in the data directory, but SQLite's own -wal and -shm,
    /// which come and go with connections.
    fn data_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.data.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| !name.ends_with("-wal") && !name.ends_with("-shm"))
            .collect();
        names.sort();
        names
    }
}

/// `between serve` on 127.0.0.1 and a free port; killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(between: &Between, umask: Option<&str>) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let child = between
            .command(umask, &["serve", "--listen", &addr])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while TcpStream::connect(&addr).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, addr }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes an entry through the API; it must be acknowledged with 201.
    fn add_entry(&self, token: &str, text: &str) {
        let body = format!(r#"{{"text":"{text}","mood":5}}"#);
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "POST /api/v1/entries HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    }

    fn stop(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Overwrites `len` bytes in the middle of `path` with 0xFF.
fn corrupt_middle(path: &Path, len: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    let start = bytes.len() / 2;
    let end = (start + len).min(bytes.len());
    bytes[start..end].fill(0xFF);
    std::fs::write(path, bytes).unwrap();
}

// ----- integrity of the backup -----

#[test]
fn a_backup_with_corrupted_pages_is_refused_with_exit_2_and_the_store_keeps_working() {
    let (between, _) = Between::sqlite().with_account();
    for i in 0..40 {
        between.ok(&["journal", "add", &format!("Entry {i} before the backup")]);
    }
    let backup = between.config.path().join("backup.db");
    between.ok(&["backup", backup.to_str().unwrap()]);
    between.ok(&["journal", "add", "Written after the backup"]);
    let files_before = between.data_files();
    // A whole page in the middle (SQLite pages are 4 KiB).
    let page = 4096;
    let len = std::fs::metadata(&backup).unwrap().len() as usize;
    assert!(len >= 8 * page, "the backup has only {len} bytes");
    let mut bytes = std::fs::read(&backup).unwrap();
    let middle = (len / 2) / page * page;
    bytes[middle..middle + page].fill(0xFF);
    std::fs::write(&backup, bytes).unwrap();

    let err = between.fails(&["restore", backup.to_str().unwrap(), "--force"], 2);
    assert!(err.contains("is damaged"), "{err}");
    assert!(err.contains("integrity check"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one clear message: {err}");

    let journal = between.journal();
    assert_eq!(journal.len(), 41);
    assert_eq!(journal[0], "Written after the backup");
    assert_eq!(
        between.data_files(),
        files_before,
        "no file was moved or left"
    );
    between.ok(&["journal", "add", "The store still takes writes"]);
}

#[test]
fn a_truncated_or_garbage_backup_is_refused_and_changes_nothing() {
    let (between, _) = Between::sqlite().with_account();
    between.ok(&["journal", "add", "Kept"]);
    let backup = between.config.path().join("backup.db");
    between.ok(&["backup", backup.to_str().unwrap()]);
    let whole = std::fs::read(&backup).unwrap();

    let truncated = between.config.path().join("truncated.db");
    std::fs::write(&truncated, &whole[..whole.len() / 2]).unwrap();
    let err = between.fails(&["restore", truncated.to_str().unwrap(), "--force"], 2);
    assert!(err.contains("is damaged"), "{err}");

    let garbage = between.config.path().join("garbage.db");
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend(std::iter::repeat_n(0xA5u8, 64 * 1024));
    std::fs::write(&garbage, bytes).unwrap();
    let err = between.fails(&["restore", garbage.to_str().unwrap(), "--force"], 2);
    assert!(
        err.contains("is damaged") || err.contains("is not a Between backup"),
        "{err}"
    );

    let text = between.config.path().join("notes.txt");
    std::fs::write(&text, "hello").unwrap();
    let err = between.fails(&["restore", text.to_str().unwrap(), "--force"], 2);
    assert!(err.contains("is not a Between backup"), "{err}");

    assert_eq!(between.journal(), vec!["Kept".to_string()]);
    assert!(
        !between
            .data_files()
            .iter()
            .any(|f| f.contains("restoring") || f.contains("before-restore")),
        "{:?}",
        between.data_files()
    );
}

#[test]
fn a_damaged_postgres_backup_is_refused_before_anything_changes() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(between_store::testing::TestDb::postgres()) else {
        return; // no PostgreSQL here, and CI did not ask for it
    };
    rt.block_on(db.store.close());
    let (between, _) = Between::postgres(&db.url).with_account();
    // Enough data that most of the archive is compressed table data.
    between.ok(&["demo", "--years", "1"]);
    let backup = between.config.path().join("between.dump");
    between.ok(&["backup", backup.to_str().unwrap()]);
    between.ok(&[
        "--user",
        "ada",
        "journal",
        "add",
        "Written after the backup",
    ]);

    let damaged = between.config.path().join("damaged.dump");
    std::fs::copy(&backup, &damaged).unwrap();
    corrupt_middle(&damaged, 4096);
    let err = between.fails(&["restore", damaged.to_str().unwrap(), "--force"], 2);
    assert!(err.contains("is not an intact PostgreSQL backup"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");

    let truncated = between.config.path().join("truncated.dump");
    let whole = std::fs::read(&backup).unwrap();
    std::fs::write(&truncated, &whole[..whole.len() * 3 / 4]).unwrap();
    let err = between.fails(&["restore", truncated.to_str().unwrap(), "--force"], 2);
    assert!(err.contains("is not an intact PostgreSQL backup"), "{err}");

    assert_eq!(
        between.journal(),
        vec!["Written after the backup".to_string()]
    );
}

// ----- a restore under a running server -----

#[test]
fn restore_refuses_while_a_server_has_the_sqlite_store_open_and_the_server_loses_nothing() {
    let (between, token) = Between::sqlite().with_account();
    between.ok(&["journal", "add", "In the backup"]);
    let backup = between.config.path().join("backup.db");
    between.ok(&["backup", backup.to_str().unwrap()]);

    let server = Server::start(&between, None);
    server.add_entry(&token, "Written while serving");
    let err = between.fails(&["restore", backup.to_str().unwrap(), "--force"], 2);
    assert!(err.contains("is in use"), "{err}");
    assert!(
        err.contains(&format!("pid {} (between serve)", server.pid())),
        "names the server: {err}"
    );
    assert!(err.contains("stop `between serve`"), "says how: {err}");
    assert!(
        !between
            .data_files()
            .iter()
            .any(|f| f.contains("before-restore")),
        "nothing was moved"
    );
    server.add_entry(&token, "Written after the refused restore");
    server.stop();

    let journal = between.journal();
    assert!(
        journal.contains(&"Written while serving".to_string())
            && journal.contains(&"Written after the refused restore".to_string()),
        "{journal:?}"
    );

    // With the server stopped, the same restore goes through.
    between.ok(&["restore", backup.to_str().unwrap(), "--force"]);
    assert_eq!(between.journal(), vec!["In the backup".to_string()]);
}

#[test]
fn no_command_opens_a_store_while_a_restore_holds_it() {
    let (between, _) = Between::sqlite().with_account();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = format!("sqlite://{}", between.db().display());
    let hold = rt
        .block_on(between_store::ExclusiveUse::acquire(&url))
        .unwrap();
    let err = between.fails(&["journal", "list"], 1);
    assert!(
        err.contains("a restore of this store is under way"),
        "{err}"
    );
    rt.block_on(hold.release());
    between.ok(&["journal", "list"]);
}

#[test]
fn restore_refuses_while_a_server_has_the_postgres_database_open_and_the_server_loses_nothing() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(between_store::testing::TestDb::postgres()) else {
        return; // no PostgreSQL here, and CI did not ask for it
    };
    rt.block_on(db.store.close());
    let (between, token) = Between::postgres(&db.url).with_account();
    between.ok(&["journal", "add", "In the backup"]);
    let backup = between.config.path().join("between.dump");
    between.ok(&["backup", backup.to_str().unwrap()]);

    let server = Server::start(&between, None);
    server.add_entry(&token, "Written while serving");
    let err = between.fails(&["restore", backup.to_str().unwrap(), "--force"], 2);
    assert!(err.contains("the database is in use"), "{err}");
    assert!(err.contains("PostgreSQL session"), "{err}");
    assert!(err.contains("(between, from"), "{err}");
    assert!(err.contains("stop `between serve`"), "{err}");
    server.add_entry(&token, "Written after the refused restore");
    server.stop();

    let journal = between.journal();
    assert!(
        journal.contains(&"Written while serving".to_string())
            && journal.contains(&"Written after the refused restore".to_string()),
        "{journal:?}"
    );
    between.ok(&["restore", backup.to_str().unwrap(), "--force"]);
    assert_eq!(between.journal(), vec!["In the backup".to_string()]);
}

// ----- private files -----

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_database_its_wal_and_shm_backups_and_restored_files_are_0600_under_any_umask() {
    for umask in ["022", "000"] {
        let between = Between::sqlite();
        let out = between.run_with_umask(
            Some(umask),
            &["user", "add", "ada", "--password-stdin", "--login"],
            "pass word 123\n",
        );
        assert!(out.status.success());
        // While the server runs, SQLite keeps its -wal and -shm files.
        let server = Server::start(&between, Some(umask));
        for suffix in ["", "-wal", "-shm", "-lock"] {
            let file = PathBuf::from(format!("{}{suffix}", between.db().display()));
            assert_eq!(mode(&file), 0o600, "umask {umask}: {}", file.display());
        }
        server.stop();

        let backup = between.config.path().join("backup.db");
        let out = between.run_with_umask(Some(umask), &["backup", backup.to_str().unwrap()], "");
        assert!(out.status.success());
        assert_eq!(mode(&backup), 0o600, "umask {umask}: the backup");
        // Even a backup that was copied around with wider permissions.
        std::fs::set_permissions(&backup, std::os::unix::fs::PermissionsExt::from_mode(0o644))
            .unwrap();
        let out = between.run_with_umask(
            Some(umask),
            &["restore", backup.to_str().unwrap(), "--force"],
            "",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            mode(&between.db()),
            0o600,
            "umask {umask}: the restored file"
        );
        let kept = between
            .data_files()
            .into_iter()
            .find(|f| f.starts_with("between.db.before-restore-"))
            .unwrap();
        assert_eq!(mode(&between.data.path().join(kept)), 0o600);
    }
}

#[cfg(unix)]
#[test]
fn decrypted_documents_written_to_a_file_are_0600_even_over_a_readable_file() {
    let between = Between::sqlite();
    let out = between.run_with_umask(
        Some("022"),
        &["user", "add", "ada", "--password-stdin", "--login"],
        "pass word 123\n",
    );
    assert!(out.status.success());
    let dir = between.config.path();
    let agenda = dir.join("agenda.md");
    // A file someone left readable by everyone is replaced, and made private.
    std::fs::write(&agenda, "old").unwrap();
    std::fs::set_permissions(&agenda, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let review = dir.join("review.md");
    let export = dir.join("export.json");
    for args in [
        vec!["prep", "--format", "md", "-o", agenda.to_str().unwrap()],
        vec!["review", "--format", "md", "-o", review.to_str().unwrap()],
        vec!["export", "-o", export.to_str().unwrap()],
    ] {
        let out = between.run_with_umask(Some("022"), &args, "");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for file in [&agenda, &review, &export] {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    assert_ne!(std::fs::read_to_string(&agenda).unwrap(), "old");
}

// ----- a closed pipe -----

/// Runs `args` with standard output a pipe the reader closes after the
/// first line; returns the exit status and the error output.
fn read_one_line_then_close(between: &Between, args: &[&str]) -> (Option<i32>, String) {
    let mut child = between
        .command(None, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty(), "{args:?} wrote nothing");
    // The reader is gone now, like `head -1` after its line.
    let out = child.wait_with_output().unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn a_command_writing_into_a_closed_pipe_ends_quietly_with_status_0() {
    let between = Between::sqlite();
    between.ok(&["demo", "--years", "1"]);
    let whole = between.ok(&["--user", "demo", "journal", "list", "--json"]);
    // Several times what a pipe holds (64 KiB), so the writer meets the
    // closed pipe rather than finishing into its buffer.
    assert!(whole.len() > 3 * 65536, "only {} bytes", whole.len());
    for args in [
        &["--user", "demo", "journal", "list", "--json"][..],
        &["--user", "demo", "journal", "list"][..],
        &["--user", "demo", "export"][..],
    ] {
        let (code, stderr) = read_one_line_then_close(&between, args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?} said: {stderr}");
    }
}

#[test]
fn a_binary_document_into_a_closed_pipe_ends_quietly_too() {
    let between = Between::sqlite();
    between.ok(&["demo", "--years", "1"]);
    let mut child = between
        .command(None, &["--user", "demo", "prep", "--format", "pdf"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Closed before the first byte: the very first write meets it.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn only_the_output_module_writes_to_standard_output() {
    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 30, "found only {} files", files.len());
    let forbidden = ["println!", "print!(", "stdout()", "io::stdout"];
    let mut found = Vec::new();
    for file in &files {
        if file.ends_with("cli/output.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let line = line.replace("eprintln!", "").replace("eprint!(", "");
            if forbidden.iter().any(|f| line.contains(f)) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "write through cli/output.rs (outln!, out!, write_bytes) so a closed pipe ends the command quietly:\n{}",
        found.join("\n")
    );
}
