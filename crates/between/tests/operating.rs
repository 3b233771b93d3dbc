//! Operating a server as a process: its settings file (flags and
//! environment win over it; mistakes are refused with their line), the
//! Prometheus metrics on a listener of their own, JSON logs, and a stop by
//! SIGTERM that lets running requests finish before the process exits.

#![allow(clippy::unwrap_used)]

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::process::{
    account_with_token, between, free_port, read_reply, request, request_head, serve, wait_for,
    Server,
};
use support::PASSWORD;

/// A throwaway SQLite store and config directory.
struct Place {
    _dir: tempfile::TempDir,
    url: String,
    config: std::path::PathBuf,
}

fn place() -> Place {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("between.db").display());
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    Place {
        _dir: dir,
        url,
        config,
    }
}

fn output(cmd: &mut std::process::Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_settings_file_configures_the_server_and_the_environment_and_flags_win() {
    let p = place();
    let from_file = format!("127.0.0.1:{}", free_port());
    std::fs::write(
        p.config.join("between.toml"),
        format!("listen = \"{from_file}\"\napp_title = \"Notes\"\nsession_idle_minutes = 15\n"),
    )
    .unwrap();

    // The file's address and title.
    let server = Server(
        between(&p.url)
            .env("BETWEEN_CONFIG_DIR", &p.config)
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(&from_file);
    let page = request(&from_file, "GET", "/signin", &[], "");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<title>Sign in · Notes</title>") || page.body.contains("Notes</title>"),
        "{}",
        page.body
    );
    drop(server);

    // A flag wins over the file.
    let (_server, flagged) = serve(&p.url, &p.config, &[]);
    assert_ne!(flagged, from_file);
    assert_eq!(request(&flagged, "GET", "/healthz", &[], "").status, 200);
    assert!(
        TcpStream::connect(&from_file).is_err(),
        "the file's address is not used"
    );

    // `config check` shows where each setting comes from; the environment
    // wins over the file.
    let (ok, out, err) = output(
        between(&p.url)
            .env("BETWEEN_CONFIG_DIR", &p.config)
            .env("BETWEEN_APP_TITLE", "Elsewhere")
            .args(["config", "check"]),
    );
    assert!(ok, "{err}");
    assert!(out.contains("is valid: 3 setting(s)"), "{out}");
    assert!(
        out.contains(&format!("listen = {from_file} (")) && out.contains("between.toml line 1)"),
        "{out}"
    );
    assert!(
        out.contains("app_title = Elsewhere (environment BETWEEN_APP_TITLE)"),
        "{out}"
    );
    assert!(out.contains("session_idle_minutes = 15 ("), "{out}");
    assert!(out.contains("session_max_days = 30 (default)"), "{out}");
    assert!(
        !out.contains(&p.url) || !p.url.contains('@'),
        "no password shown"
    );
}

#[test]
fn a_settings_file_with_mistakes_is_refused_naming_each_and_nothing_starts() {
    let p = place();
    let file = p.config.join("server.toml");
    std::fs::write(
        &file,
        "# a clinic's settings\nlissten = \"127.0.0.1:8080\"\nsession_idle_minutes = 0\nopen_registration = true\n",
    )
    .unwrap();
    let started = Instant::now();
    let (ok, _, err) = output(between(&p.url).args(["--config"]).arg(&file).args([
        "serve",
        "--listen",
        &format!("127.0.0.1:{}", free_port()),
    ]));
    assert!(!ok);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "refused at once"
    );
    assert!(err.contains("2 problems"), "{err}");
    assert!(
        err.contains("line 2: unknown setting `lissten` (did you mean `listen`?)"),
        "{err}"
    );
    assert!(
        err.contains("line 3: `session_idle_minutes`: invalid value '0'"),
        "{err}"
    );

    // The same through `config check`, with exit code 2 (bad input).
    let out = between(&p.url)
        .args(["--config"])
        .arg(&file)
        .args(["config", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    // A file named but missing is an error, not silently the defaults.
    let (ok, _, err) =
        output(between(&p.url).args(["--config", "/nonexistent/between.toml", "config", "check"]));
    assert!(!ok && err.contains("does not exist"), "{err}");

    // The example is a file that checks clean.
    let (ok, example, _) = output(between(&p.url).args(["config", "example"]));
    assert!(
        ok && example.contains("# listen = \"127.0.0.1:8080\""),
        "{example}"
    );
    std::fs::write(&file, &example).unwrap();
    let (ok, out, err) = output(
        between(&p.url)
            .arg("--config")
            .arg(&file)
            .args(["config", "check"]),
    );
    assert!(ok && out.contains("is valid: 0 setting(s)"), "{out}{err}");
}

#[test]
fn metrics_count_requests_per_route_pattern_on_their_own_listener_and_name_no_one() {
    let p = place();
    let token = account_with_token(&p.url, &p.config, "ada", PASSWORD);
    let metrics_at = format!("127.0.0.1:{}", free_port());
    let (_server, at) = serve(&p.url, &p.config, &["--metrics-listen", &metrics_at]);
    wait_for(&metrics_at);
    let bearer = format!("Bearer {token}");
    let written = request(
        &at,
        "POST",
        "/api/v1/entries",
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        r#"{"text":"A private thought about Saturday"}"#,
    );
    assert_eq!(written.status, 201, "{}", written.body);
    let id = serde_json::from_str::<serde_json::Value>(&written.body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let read = request(
        &at,
        "GET",
        &format!("/api/v1/entries/{id}"),
        &[("Authorization", &bearer)],
        "",
    );
    assert_eq!(read.status, 200);
    for _ in 0..3 {
        assert_eq!(request(&at, "GET", "/healthz", &[], "").status, 200);
    }

    let metrics = request(&metrics_at, "GET", "/metrics", &[], "");
    assert_eq!(metrics.status, 200);
    let text = metrics.body;
    assert!(
        text.contains(
            r#"between_http_requests_total{route="/healthz",method="GET",status="200"} 3"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"between_http_requests_total{route="/api/v1/entries/{id}",method="GET",status="200"} 1"#),
        "routes by pattern: {text}"
    );
    assert!(text.contains(
        r#"between_http_request_duration_seconds_bucket{route="/healthz",method="GET",le="+Inf"} 3"#
    ));
    assert!(text.contains(
        "between_http_request_duration_seconds_count{route=\"/api/v1/entries\",method=\"POST\"} 1"
    ));
    for gauge in [
        "between_db_pool_connections_open ",
        "between_db_pool_connections_max 4",
        "between_unlock_waiting 0",
        "between_key_derivations_total ",
        "between_imports_total 0",
        "process_resident_memory_bytes ",
    ] {
        assert!(text.contains(gauge), "{gauge} in {text}");
    }
    for private in ["ada", &id, &token, "Saturday"] {
        assert!(!text.contains(private), "the metrics hold {private}");
    }
    // Every line is a comment or `name{labels} number`.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
    }
    // Not on the public listener.
    assert_eq!(request(&at, "GET", "/metrics", &[], "").status, 404);
}

#[cfg(unix)]
#[test]
fn sigterm_stops_new_connections_lets_a_running_request_finish_and_exits_cleanly() {
    let p = place();
    let token = account_with_token(&p.url, &p.config, "ada", PASSWORD);
    let addr = format!("127.0.0.1:{}", free_port());
    let mut server = Server(
        between(&p.url)
            .env("BETWEEN_CONFIG_DIR", &p.config)
            .env("BETWEEN_LOG", "info")
            .args(["serve", "--listen", &addr, "--log-format", "json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    wait_for(&addr);
    assert_eq!(request(&addr, "GET", "/healthz", &[], "").status, 200);

    // A request under way: its head sent, its body not yet.
    let body = r#"{"text":"Written while the server was asked to stop"}"#;
    let bearer = format!("Bearer {token}");
    let mut running = TcpStream::connect(&addr).unwrap();
    running
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    running
        .write_all(
            request_head(
                &addr,
                "POST",
                "/api/v1/entries",
                &[
                    ("Authorization", &bearer),
                    ("Content-Type", "application/json"),
                ],
                body.len(),
            )
            .as_bytes(),
        )
        .unwrap();
    running.write_all(&body.as_bytes()[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(200));

    let pid = server.0.id().to_string();
    // The shell's own `kill`: a minimal system may have no kill program.
    assert!(std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {pid}")])
        .status()
        .unwrap()
        .success());

    // New connections are refused once the stop began.
    let started = Instant::now();
    while TcpStream::connect(&addr).is_ok() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still accepting after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The running request finishes, and its write is kept.
    running.write_all(&body.as_bytes()[10..]).unwrap();
    let reply = read_reply(&mut running);
    assert_eq!(reply.status, 201, "{}", reply.body);

    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not exit"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit {status:?}");

    // Its logs are one JSON object a line, requests by route pattern.
    let logs: Vec<serde_json::Value> = BufReader::new(server.0.stdout.take().unwrap())
        .lines()
        .map(|l| l.unwrap())
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(&l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(
        logs.iter().any(|l| l["route"] == "/api/v1/entries"
            && l["status"] == 201
            && l["method"] == "POST"),
        "{logs:?}"
    );
    assert!(logs.iter().any(|l| l["message"] == "stopped"), "{logs:?}");
    assert!(
        !logs.iter().any(|l| l.to_string().contains("Written while")),
        "no text in logs"
    );

    let (ok, listed, err) = output(
        between(&p.url)
            .env("BETWEEN_CONFIG_DIR", &p.config)
            .args(["journal", "list"]),
    );
    assert!(ok, "{err}");
    assert!(
        listed.contains("Written while the server was asked to stop"),
        "{listed}"
    );
}

#[test]
fn the_systemd_unit_example_uses_settings_the_binary_knows_and_waits_for_the_drain() {
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../contrib/between.service"
    ))
    .unwrap();
    let (ok, example, _) = output(between("sqlite::memory:").args(["config", "example"]));
    assert!(ok);
    let (ok, help, _) =
        output(std::process::Command::new(env!("CARGO_BIN_EXE_between")).arg("--help"));
    assert!(ok);
    for line in unit.lines().filter_map(|l| l.strip_prefix("Environment=")) {
        let name = line.split('=').next().unwrap();
        assert!(
            example.contains(name) || help.contains(name),
            "{name} is not a setting of between"
        );
    }
    let exec = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .unwrap();
    assert!(exec.ends_with("between serve"), "{exec}");
    let stop: u64 = unit
        .lines()
        .find_map(|l| l.strip_prefix("TimeoutStopSec="))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        stop > between::web::DRAIN_TIME.as_secs(),
        "systemd waits longer than requests may take to finish"
    );
    assert!(unit.contains("KillSignal=SIGTERM"));
}
