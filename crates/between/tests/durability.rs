//! An acknowledged write survives a crash: the server answers 201, is
//! killed at once (SIGKILL, no shutdown), and the entry is in the store.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn between(data: &std::path::Path, config: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_between"));
    c.env("BETWEEN_DATA_DIR", data)
        .env("BETWEEN_CONFIG_DIR", config)
        .env_remove("BETWEEN_DATABASE_URL");
    c
}

fn post(addr: &str, path: &str, token: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn an_entry_acknowledged_with_201_survives_killing_the_server() {
    let (data, config) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut add = between(data.path(), config.path())
        .args(["user", "add", "ada", "--password-stdin", "--login"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"pass word 123\n")
        .unwrap();
    assert!(add.wait().unwrap().success());
    let token = String::from_utf8(
        {
            let mut create = between(data.path(), config.path())
                .args(["token", "create", "--password-stdin"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            create
                .stdin
                .take()
                .unwrap()
                .write_all(b"pass word 123\n")
                .unwrap();
            create.wait_with_output().unwrap()
        }
        .stdout,
    )
    .unwrap();
    let token = token.trim();

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = between(data.path(), config.path())
        .args(["serve", "--listen", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while TcpStream::connect(&addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut ids = Vec::new();
    for i in 0..5 {
        let response = post(
            &addr,
            "/api/v1/entries",
            token,
            &format!(r#"{{"text":"durable {i}","mood":5}}"#),
        );
        assert!(response.starts_with("HTTP/1.1 201"), "{response}");
        let body = response.split("\r\n\r\n").nth(1).unwrap();
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        ids.push(json["id"].as_str().unwrap().to_string());
    }
    server.kill().unwrap(); // SIGKILL: no graceful shutdown, no checkpoint
    server.wait().unwrap();

    let listed = between(data.path(), config.path())
        .args(["journal", "list", "--json"])
        .output()
        .unwrap();
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let entries: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    for id in ids {
        assert!(
            entries
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["id"] == id.as_str()),
            "{id} was lost"
        );
    }
}
