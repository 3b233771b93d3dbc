//! `between` as a process: commands on a throwaway store, `serve` on a
//! free port of 127.0.0.1, and raw HTTP/1.1 requests to it, for the tests
//! that need a real process (several instances, signals, logs).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running process, killed when dropped.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `between` on the store at `url` (cheap key derivation, quiet logs, no
/// directories of the person running the tests).
pub fn between(url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_between"));
    c.env("BETWEEN_DATABASE_URL", url)
        .env("BETWEEN_KDF", "m=64,t=1,p=1")
        .env("BETWEEN_LOG", "warn")
        .env_remove("BETWEEN_DATA_DIR")
        .env_remove("BETWEEN_CONFIG")
        .env_remove("BETWEEN_CONFIG_DIR");
    c
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something accepts connections at `addr`.
pub fn wait_for(addr: &str) {
    let started = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no server at {addr}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `between serve` on a free port with `args`, once it listens.
pub fn serve(url: &str, config: &std::path::Path, args: &[&str]) -> (Server, String) {
    serve_with_env(url, config, args, &[])
}

/// [`serve`] with environment variables of its own.
pub fn serve_with_env(
    url: &str,
    config: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Server, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let server = Server(
        between(url)
            .envs(env.iter().copied())
            .env("BETWEEN_CONFIG_DIR", config)
            .args(["serve", "--listen", &addr])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(&addr);
    (server, addr)
}

pub struct HttpReply {
    pub status: u16,
    pub cookies: BTreeMap<String, String>,
    pub body: String,
}

/// One HTTP/1.1 request on its own connection.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> HttpReply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
        .write_all(request_head(addr, method, path, headers, body.len()).as_bytes())
        .unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    read_reply(&mut stream)
}

/// The head of a request whose body has `length` bytes.
pub fn request_head(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    length: usize,
) -> String {
    let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str(&format!("Content-Length: {length}\r\n\r\n"));
    raw
}

/// Reads a whole reply from a connection the server closes after it.
pub fn read_reply(stream: &mut TcpStream) -> HttpReply {
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
    HttpReply {
        status,
        cookies,
        body: body.to_string(),
    }
}

pub fn cookie_header(jar: &BTreeMap<String, String>) -> String {
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

/// Signs `name` in on the web at `addr`: (status, the cookies it set).
pub fn sign_in(addr: &str, name: &str, password: &str) -> (u16, BTreeMap<String, String>) {
    let form = request(addr, "GET", "/signin", &[], "");
    let csrf = hidden(&form.body, "csrf");
    let body = format!(
        "csrf={csrf}&name={name}&password={}",
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

/// Runs `cmd` with `input` on its standard input; its standard output.
pub fn run_with_stdin(mut cmd: Command, input: &str) -> String {
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

/// An account `name` with a saved device login under `config`, and a
/// read-write API token for it.
pub fn account_with_token(
    url: &str,
    config: &std::path::Path,
    name: &str,
    password: &str,
) -> String {
    let mut add = between(url);
    add.env("BETWEEN_CONFIG_DIR", config).args([
        "user",
        "add",
        name,
        "--password-stdin",
        "--login",
    ]);
    run_with_stdin(add, &format!("{password}\n"));
    let mut token = between(url);
    token.env("BETWEEN_CONFIG_DIR", config).args([
        "--user",
        name,
        "token",
        "create",
        "--password-stdin",
    ]);
    run_with_stdin(token, &format!("{password}\n"))
        .trim()
        .to_string()
}
