//! The OpenAPI document against independent tools from PyPI: it is valid
//! OpenAPI 3.1 (`openapi-spec-validator`), and the server answers what it
//! says (`schemathesis`, run against `between serve` on 127.0.0.1 with a
//! demo account's token, on SQLite and on PostgreSQL): no 5xx, only
//! documented status codes and content types, and every response in its
//! documented schema.
//!
//! The tools are found through `BETWEEN_OPENAPI_VALIDATOR` and
//! `BETWEEN_SCHEMATHESIS` (paths to `openapi-spec-validator` and `st`, as
//! `.ci/run` sets them after installing both in a virtualenv) or on `PATH`.
//! Without them these tests print `SKIPPED: …`, unless
//! `BETWEEN_REQUIRE_SERVICES=1`, when they fail. A run is bounded by the
//! number of examples per operation (`BETWEEN_SCHEMATHESIS_EXAMPLES`,
//! default 10) and uses a fixed seed (`BETWEEN_SCHEMATHESIS_SEED`, default
//! 1), so a failure can be replayed.

#![allow(clippy::unwrap_used)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use between_store::testing::{services_required, TestDb};

/// The checks every response must pass.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance";

fn document() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json")
}

/// A tool from `var`, else the first of `names` on `PATH`; `None` (after
/// printing why) when it is missing and services are not required.
fn tool(var: &str, names: &[&str], what: &str) -> Option<PathBuf> {
    let found = std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| {
            let path = std::env::var_os("PATH")?;
            std::env::split_paths(&path)
                .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
                .find(|p| p.is_file())
        });
    if found.is_none() {
        let message = format!(
            "{what} not found: set {var} or put {} on PATH",
            names.join(" or ")
        );
        if services_required() {
            panic!("{message} (BETWEEN_REQUIRE_SERVICES=1)");
        }
        eprintln!("SKIPPED: {message}");
    }
    found
}

fn report(output: &Output) -> String {
    format!(
        "exit: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `between serve` on a free port of 127.0.0.1 with a demo account; killed
/// when dropped.
struct Server {
    child: Child,
    address: String,
    token: String,
    _data: tempfile::TempDir,
    _config: tempfile::TempDir,
}

impl Server {
    fn start(database_url: Option<&str>) -> Server {
        let data = tempfile::tempdir().unwrap();
        let config = tempfile::tempdir().unwrap();
        let between = || {
            let mut c = Command::new(env!("CARGO_BIN_EXE_between"));
            c.env("BETWEEN_DATA_DIR", data.path())
                .env("BETWEEN_CONFIG_DIR", config.path())
                .env("BETWEEN_LOG", "warn");
            match database_url {
                Some(url) => c.env("BETWEEN_DATABASE_URL", url),
                None => c.env_remove("BETWEEN_DATABASE_URL"),
            };
            c
        };
        let demo = between().args(["demo", "--years", "1"]).output().unwrap();
        assert!(demo.status.success(), "demo: {}", report(&demo));
        // The demo prints its password; a token is made with it.
        let demo_out = String::from_utf8_lossy(&demo.stdout).into_owned();
        let password = demo_out
            .lines()
            .find_map(|l| l.split_once("with the password: ").map(|(_, p)| p.trim()))
            .expect("the demo prints its password")
            .to_string();
        let token = {
            let mut create = between()
                .args([
                    "--user",
                    "demo",
                    "token",
                    "create",
                    "--name",
                    "schemathesis",
                    "--password-stdin",
                ])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            std::io::Write::write_all(
                &mut create.stdin.take().unwrap(),
                format!("{password}\n").as_bytes(),
            )
            .unwrap();
            create.wait_with_output().unwrap()
        };
        assert!(token.status.success(), "token: {}", report(&token));
        let token = String::from_utf8(token.stdout).unwrap().trim().to_string();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let address = format!("127.0.0.1:{port}");
        let child = between()
            .args(["serve", "--listen", &address])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            address,
            token,
            _data: data,
            _config: config,
        };
        let started = Instant::now();
        while TcpStream::connect(&server.address).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn setting(var: &str, default: u32) -> String {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(default)
        .to_string()
}

/// Runs schemathesis against a fresh server on `database_url` (SQLite when
/// `None`) and fails with its report on any failure.
fn schemathesis_against(database_url: Option<&str>, st: &Path) {
    let server = Server::start(database_url);
    // Schemathesis writes nothing of its own into the repository.
    let scratch = tempfile::tempdir().unwrap();
    let mut command = Command::new(st);
    // Requests go to 127.0.0.1 and nowhere else, whatever proxy is set.
    for proxy in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        command.env_remove(proxy);
    }
    let output = command
        .current_dir(scratch.path())
        .env("NO_PROXY", "127.0.0.1")
        .env("NO_COLOR", "1")
        .args([
            "--no-color",
            "run",
            &format!("http://{}/api/v1/openapi.json", server.address),
            "--header",
            &format!("Authorization: Bearer {}", server.token),
            "--checks",
            CHECKS,
            "--max-examples",
            &setting("BETWEEN_SCHEMATHESIS_EXAMPLES", 10),
            "--seed",
            &setting("BETWEEN_SCHEMATHESIS_SEED", 1),
            "--request-timeout",
            "30",
            "--generation-database",
            "none",
            "--output-sanitize",
            "true",
        ])
        .output()
        .unwrap();
    let text = report(&output);
    assert!(output.status.success(), "schemathesis failed:\n{text}");
    assert!(
        text.contains(" passed"),
        "schemathesis ran no test:\n{text}"
    );
}

#[test]
fn the_openapi_document_passes_an_independent_openapi_3_1_validator() {
    let Some(validator) = tool(
        "BETWEEN_OPENAPI_VALIDATOR",
        &["openapi-spec-validator"],
        "openapi-spec-validator (pip install openapi-spec-validator)",
    ) else {
        return;
    };
    let output = Command::new(validator)
        .args(["--schema", "3.1", "--validation-errors", "all"])
        .arg(document())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "openapi.json is not valid OpenAPI 3.1:\n{}",
        report(&output)
    );
}

#[test]
fn schemathesis_finds_no_failure_against_the_api_on_sqlite() {
    let Some(st) = tool(
        "BETWEEN_SCHEMATHESIS",
        &["st", "schemathesis"],
        "schemathesis (pip install schemathesis)",
    ) else {
        return;
    };
    schemathesis_against(None, &st);
}

#[tokio::test]
async fn schemathesis_finds_no_failure_against_the_api_on_postgresql() {
    let Some(st) = tool(
        "BETWEEN_SCHEMATHESIS",
        &["st", "schemathesis"],
        "schemathesis (pip install schemathesis)",
    ) else {
        return;
    };
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || schemathesis_against(Some(&url), &st))
        .await
        .unwrap();
    drop(db);
}
