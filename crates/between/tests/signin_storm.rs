//! A storm of concurrent sign-ins against a real `between serve` process
//! with production key derivation (argon2id, 64 MiB): the unlock path runs
//! behind one gate sized to the machine and the agenda snapshot goes to the
//! bounded background queue, so the server's peak memory stays bounded and
//! every sign-in succeeds. The latency of /healthz meanwhile is printed as
//! a figure (speed goals are not asserted in tests; see
//! `scripts/signin_storm.py` for the full measurement).

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SIGN_INS: usize = 48;
/// The bound on the server's peak resident memory.
const MAX_PEAK_MB: u64 = 250;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request on its own connection; (status, headers, body).
fn request(addr: &str, raw: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
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
    (status, head.to_string(), body.to_string())
}

fn kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_storm_of_sign_ins_keeps_the_servers_memory_bounded() {
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_between");
    let demo = Command::new(bin)
        .args(["demo", "--years", "2"])
        .env("BETWEEN_DATA_DIR", data.path())
        .env("BETWEEN_CONFIG_DIR", config.path())
        .env_remove("BETWEEN_KDF")
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let out = String::from_utf8(demo.stdout).unwrap();
    let password = out
        .split("password: ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let server = Server(
        Command::new(bin)
            .args([
                "serve",
                "--listen",
                &addr,
                "--trusted-proxy",
                "127.0.0.1/32",
            ])
            .env("BETWEEN_DATA_DIR", data.path())
            .env("BETWEEN_CONFIG_DIR", config.path())
            .env("BETWEEN_LOG", "warn")
            .env_remove("BETWEEN_KDF")
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
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Each sign-in comes from its own address (4 per /24 … as people do)
    // and first fetches the form: its cookie and token.
    let clients: Vec<(String, String, String)> = (0..SIGN_INS)
        .map(|i| {
            let from = format!("10.20.{}.{}", i / 4, 1 + i % 4);
            let (status, head, body) = request(
                &addr,
                &format!("GET /signin HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: {from}\r\nConnection: close\r\n\r\n"),
            );
            assert_eq!(status, 200);
            let cookie = head
                .lines()
                .find_map(|l| l.strip_prefix("set-cookie: "))
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string();
            let token = body
                .split("name=\"csrf\" value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string();
            (from, cookie, token)
        })
        .collect();
    let before_mb = kb(pid, "VmRSS") / 1024;
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let storming = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let prober = {
        let (addr, latencies, storming) = (addr.clone(), latencies.clone(), storming.clone());
        std::thread::spawn(move || {
            while storming.load(std::sync::atomic::Ordering::Relaxed) {
                let t = Instant::now();
                let (status, _, _) = request(
                    &addr,
                    "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                );
                assert_eq!(status, 200);
                latencies
                    .lock()
                    .unwrap()
                    .push(t.elapsed().as_secs_f64() * 1000.0);
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let storm = Instant::now();
    let sign_ins: Vec<_> = clients
        .into_iter()
        .map(|(from, cookie, token)| {
            let (addr, password) = (addr.clone(), password.clone());
            std::thread::spawn(move || {
                let body = format!("csrf={token}&name=demo&password={password}&next=%2F");
                request(
                    &addr,
                    &format!(
                        "POST /signin HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: {from}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    ),
                )
                .0
            })
        })
        .collect();
    let statuses: Vec<u16> = sign_ins.into_iter().map(|h| h.join().unwrap()).collect();
    let storm_s = storm.elapsed().as_secs_f64();
    // Background work (agenda snapshots) finishes within the gate too.
    std::thread::sleep(Duration::from_secs(2));
    storming.store(false, std::sync::atomic::Ordering::Relaxed);
    prober.join().unwrap();
    let peak_mb = kb(pid, "VmHWM") / 1024;
    let after_mb = kb(pid, "VmRSS") / 1024;
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort_by(f64::total_cmp);
    let pct = |q: f64| lat[((lat.len() - 1) as f64 * q) as usize];
    eprintln!(
        "FIGURES: {SIGN_INS} concurrent sign-ins in {storm_s:.1} s; RSS before {before_mb} MB, peak {peak_mb} MB, after {after_mb} MB; /healthz n={} p50 {:.1} ms p99 {:.1} ms max {:.1} ms",
        lat.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    assert!(
        statuses.iter().all(|s| *s == 303),
        "every sign-in succeeds: {statuses:?}"
    );
    assert!(
        peak_mb < MAX_PEAK_MB,
        "peak memory {peak_mb} MB during {SIGN_INS} sign-ins (bound {MAX_PEAK_MB} MB)"
    );
}
