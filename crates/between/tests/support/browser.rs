//! Headless Chromium over WebDriver for the browser tests: finds
//! `chromedriver` and `chromium` (Debian packages) and starts a session.
//! Without them a test skips with a message, unless
//! BETWEEN_REQUIRE_SERVICES=1 (CI), where it fails.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use between_store::testing::services_required;
use fantoccini::{Client, ClientBuilder};

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn find_program(env: &str, default: &str) -> Option<String> {
    let path = std::env::var(env).unwrap_or_else(|_| default.to_string());
    std::path::Path::new(&path).exists().then_some(path)
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn start_browser() -> Option<(Driver, Client)> {
    let (Some(driver), Some(chromium)) = (
        find_program("BETWEEN_CHROMEDRIVER", "/usr/bin/chromedriver"),
        find_program("BETWEEN_CHROMIUM", "/usr/bin/chromium"),
    ) else {
        assert!(
            !services_required(),
            "chromedriver and chromium are required (BETWEEN_REQUIRE_SERVICES=1) but not installed"
        );
        eprintln!("SKIPPED: browser test, chromedriver or chromium not installed");
        return None;
    };
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let driver = Driver(child);
    let profile = tempfile::tempdir().unwrap().keep();
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                     "--window-size=1280,900", format!("--user-data-dir={}", profile.display())]
        }
    }))
    .unwrap();
    let started = Instant::now();
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return Some((driver, client)),
            Err(err) if started.elapsed() > Duration::from_secs(30) => {
                panic!("could not start Chromium: {err}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}
