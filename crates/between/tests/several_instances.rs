//! A clinic runs two or more `between serve` processes on one PostgreSQL
//! database behind a reverse proxy: nothing lives in one instance alone. A
//! session made on one works on the other, a write on one is read on the
//! other, a sign-in throttle counted on one holds on the other, and killing
//! one leaves the other serving.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use between_app::throttle::MAX_PER_CLIENT_AND_NAME;
use between_store::testing::TestDb;

const PASSWORD: &str = "correct horse battery";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn between(url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_between"));
    c.env("BETWEEN_DATABASE_URL", url)
        .env("BETWEEN_KDF", "m=64,t=1,p=1")
        .env("BETWEEN_LOG", "warn")
        .env_remove("BETWEEN_DATA_DIR")
        .env_remove("BETWEEN_CONFIG_DIR");
    c
}

fn serve(url: &str, config: &std::path::Path) -> (Server, String) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let server = Server(
        between(url)
            .env("BETWEEN_CONFIG_DIR", config)
            .args(["serve", "--listen", &addr, "--db-max-connections", "4"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    while TcpStream::connect(&addr).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "no server");
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, addr)
}

struct Reply {
    status: u16,
    cookies: BTreeMap<String, String>,
    body: String,
}

/// One HTTP/1.1 request on its own connection.
fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(raw.as_bytes()).unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let cookies = head
        .lines()
        .filter_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or(l.strip_prefix("Set-Cookie: "))
        })
        .filter_map(|c| c.split(';').next()?.split_once('='))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Reply {
        status,
        cookies,
        body: body.to_string(),
    }
}

fn cookie_header(jar: &BTreeMap<String, String>) -> String {
    jar.iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {body}"))
        + marker.len();
    body[at..].split('"').next().unwrap().to_string()
}

/// Signs in on the web at `addr`: (status, the cookies it set).
fn sign_in(addr: &str, password: &str) -> (u16, BTreeMap<String, String>) {
    let form = request(addr, "GET", "/signin", &[], "");
    let csrf = hidden(&form.body, "csrf");
    let body = format!(
        "csrf={csrf}&name=ada&password={}",
        password.replace(' ', "+")
    );
    let reply = request(
        addr,
        "POST",
        "/signin",
        &[
            ("Cookie", &cookie_header(&form.cookies)),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        &body,
    );
    (reply.status, reply.cookies)
}

fn run_with_stdin(mut cmd: Command, input: &str) -> String {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn two_instances_on_one_postgresql_database_serve_as_one() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let url = db.url.clone();
    let config = tempfile::tempdir().unwrap();
    let mut add = between(&url);
    add.env("BETWEEN_CONFIG_DIR", config.path()).args([
        "user",
        "add",
        "ada",
        "--password-stdin",
        "--login",
    ]);
    run_with_stdin(add, &format!("{PASSWORD}\n"));
    let mut token = between(&url);
    token
        .env("BETWEEN_CONFIG_DIR", config.path())
        .args(["token", "create", "--password-stdin"]);
    let token = run_with_stdin(token, &format!("{PASSWORD}\n"));
    let bearer = format!("Bearer {}", token.trim());

    let (a, at_a) = serve(&url, config.path());
    let (_b, at_b) = serve(&url, config.path());

    // A session made on one works on the other.
    let (status, jar) = sign_in(&at_a, PASSWORD);
    assert_eq!(status, 303, "signed in on A");
    let cookies = cookie_header(&jar);
    let home = request(&at_b, "GET", "/journal", &[("Cookie", &cookies)], "");
    assert_eq!(home.status, 200, "the session from A opens B's journal");

    // A write on one is read on the other.
    let written = request(
        &at_a,
        "POST",
        "/api/v1/entries",
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        r#"{"text":"Written on A"}"#,
    );
    assert_eq!(written.status, 201, "{}", written.body);
    let listed = request(
        &at_b,
        "GET",
        "/api/v1/entries?limit=5",
        &[("Authorization", &bearer)],
        "",
    );
    assert_eq!(listed.status, 200);
    assert!(listed.body.contains("Written on A"), "{}", listed.body);
    let page = request(&at_b, "GET", "/journal", &[("Cookie", &cookies)], "");
    assert!(page.body.contains("Written on A"));

    // A throttle counted on one holds on the other.
    for _ in 0..MAX_PER_CLIENT_AND_NAME {
        assert_eq!(sign_in(&at_a, "not the password").0, 401);
    }
    assert_eq!(
        sign_in(&at_b, PASSWORD).0,
        429,
        "B refuses the right password while A's count stands"
    );

    // Killing one leaves the other serving.
    drop(a);
    assert_eq!(request(&at_b, "GET", "/healthz", &[], "").status, 200);
    let again = request(
        &at_b,
        "GET",
        "/api/v1/entries?limit=5",
        &[("Authorization", &bearer)],
        "",
    );
    assert!(again.status == 200 && again.body.contains("Written on A"));
    drop(db);
}
