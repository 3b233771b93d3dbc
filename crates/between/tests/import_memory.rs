//! Imports against the real server (`between serve` on 127.0.0.1), with
//! its peak memory (VmHWM) read from /proc. Zips whose headers claim 1 KiB
//! but which unpack to 1 GiB are refused with a 422 naming the limit while
//! `/healthz` keeps answering; a genuine file just under the upload limit
//! imports; either way the peak stays far below 300 MB.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The peak the server's memory must stay under.
const PEAK_LIMIT_KB: u64 = 150 * 1024;

fn between(data: &std::path::Path, config: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_between"));
    c.env("BETWEEN_DATA_DIR", data)
        .env("BETWEEN_CONFIG_DIR", config)
        .env_remove("BETWEEN_DATABASE_URL");
    c
}

/// Sends one request and reads the whole answer (the connection closes).
fn request(addr: &str, head: &str, body: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    write!(
        stream,
        "{head}\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// A line of /proc/PID/status, in kB.
fn status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A server on a fresh store with one account; its address, its process
/// id and a token of the account.
fn serve() -> Option<(Server, String, u32, String, [tempfile::TempDir; 2])> {
    if !std::path::Path::new("/proc/self/status").exists() {
        eprintln!("SKIPPED: no /proc to read the server's memory from");
        return None;
    }
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
    .unwrap()
    .trim()
    .to_string();

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let server = Server(
        between(data.path(), config.path())
            .args(["serve", "--listen", &addr])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let pid = server.0.id();
    let started = Instant::now();
    while TcpStream::connect(&addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some((server, addr, pid, token, [data, config]))
}

#[test]
fn a_zip_bomb_is_refused_while_memory_stays_bounded_and_others_are_answered() {
    let Some((_server, addr, pid, token, _dirs)) = serve() else {
        return;
    };
    let before_kb = status_kb(pid, "VmHWM:");

    // Headers claim 1 KiB; the deflate stream unpacks to 1 GiB.
    let bomb = between_app::testing::zips::bomb("Journal.json", 1024);
    let in_flight = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicBool::new(false));
    let answered_meanwhile = Arc::new(AtomicUsize::new(0));
    let health = {
        let (addr, in_flight, done, answered) = (
            addr.clone(),
            in_flight.clone(),
            done.clone(),
            answered_meanwhile.clone(),
        );
        std::thread::spawn(move || {
            let mut peak_rss_kb = 0;
            while !done.load(Ordering::SeqCst) {
                let during = in_flight.load(Ordering::SeqCst);
                let r = request(&addr, "GET /healthz HTTP/1.1", b"");
                assert!(r.starts_with("HTTP/1.1 200"), "{r}");
                if during && in_flight.load(Ordering::SeqCst) {
                    answered.fetch_add(1, Ordering::SeqCst);
                }
                peak_rss_kb = peak_rss_kb.max(status_kb(pid, "VmRSS:"));
            }
            peak_rss_kb
        })
    };
    for _ in 0..5 {
        in_flight.store(true, Ordering::SeqCst);
        let r = request(
            &addr,
            &format!(
                "POST /api/v1/import?from=dayone HTTP/1.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/zip"
            ),
            &bomb,
        );
        in_flight.store(false, Ordering::SeqCst);
        assert!(r.starts_with("HTTP/1.1 422"), "{r}");
        assert!(r.contains("This zip unpacks to more than 16 MiB"), "{r}");
    }
    done.store(true, Ordering::SeqCst);
    let sampled_kb = health.join().unwrap();
    let peak_kb = status_kb(pid, "VmHWM:");
    eprintln!(
        "server memory: {before_kb} kB at start, {sampled_kb} kB highest sampled RSS, {peak_kb} kB peak (VmHWM); /healthz answered {} times while a bomb was read",
        answered_meanwhile.load(Ordering::SeqCst)
    );
    assert!(
        peak_kb < PEAK_LIMIT_KB,
        "the server's peak memory was {peak_kb} kB"
    );
    assert!(
        answered_meanwhile.load(Ordering::SeqCst) > 0,
        "/healthz was never answered while a bomb was being read"
    );
    let r = request(
        &addr,
        &format!("GET /api/v1/entries HTTP/1.1\r\nAuthorization: Bearer {token}"),
        b"",
    );
    assert!(r.contains("\"entries\":[]"), "nothing was imported: {r}");
}

#[test]
fn a_file_just_under_the_upload_limit_imports_within_the_memory_bound() {
    let Some((_server, addr, pid, token, _dirs)) = serve() else {
        return;
    };
    // A jrnl export of long daily entries, just under 16 MiB.
    let limit = between_app::import::MAX_FILE_BYTES as usize;
    let body = "I walked to the river after work and felt the day loosen. ".repeat(40);
    let mut file = String::from(r#"{"tags": {}, "entries": ["#);
    let mut day = 0u32;
    while file.len() + body.len() + 200 < limit - 1024 {
        if day > 0 {
            file.push(',');
        }
        let (y, d) = (1950 + day / 365, day % 365);
        file.push_str(&format!(
            r#"{{"title": "Day {day}", "body": "{body}", "date": "{y}-{:02}-{:02}", "time": "21:00", "tags": ["@walk"], "starred": false}}"#,
            d / 28 % 12 + 1,
            d % 28 + 1
        ));
        day += 1;
    }
    file.push_str("]}");
    assert!(file.len() > limit - 64 * 1024 && file.len() < limit);
    let r = request(
        &addr,
        &format!("POST /api/v1/import?from=jrnl HTTP/1.1\r\nAuthorization: Bearer {token}"),
        file.as_bytes(),
    );
    assert!(r.starts_with("HTTP/1.1 200"), "{}", &r[..r.len().min(500)]);
    assert!(r.contains(&format!("\"added\":{day}")), "{r}");
    let peak_kb = status_kb(pid, "VmHWM:");
    eprintln!(
        "server memory: {peak_kb} kB peak (VmHWM) importing {} bytes",
        file.len()
    );
    assert!(
        peak_kb < 200 * 1024,
        "the server's peak memory was {peak_kb} kB"
    );
}
