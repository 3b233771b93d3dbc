//! The journal in a real browser (headless Chromium over WebDriver): create
//! an account, sign in, write an entry with two feelings, find it in the
//! list and by search, sign out, and be sent to sign-in afterwards.
//!
//! Needs `chromedriver` and `chromium` (Debian packages). Without them the
//! test skips with a message, unless BETWEEN_REQUIRE_SERVICES=1 (CI), where
//! it fails.

#![allow(clippy::unwrap_used)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use between::web::{self, WebSettings};
use between_app::{App, Config};
use between_store::testing::{services_required, TestDb};
use fantoccini::{Client, ClientBuilder, Locator};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_program(env: &str, default: &str) -> Option<String> {
    let path = std::env::var(env).unwrap_or_else(|_| default.to_string());
    std::path::Path::new(&path).exists().then_some(path)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_browser() -> Option<(Driver, Client)> {
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

async fn fill(c: &Client, css: &str, value: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .send_keys(value)
        .await
        .unwrap();
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Waits until the browser has navigated to `path` (clicks do not wait).
async fn wait_for_path(c: &Client, path: &str) {
    let started = Instant::now();
    loop {
        let url = c.current_url().await.unwrap();
        if url.path() == path {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "expected {path}, still at {url}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn text_of_page(c: &Client) -> String {
    c.find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_writes_finds_and_leaves_their_journal_in_a_browser() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let db = TestDb::sqlite().await;
    let app = App::new(db.store.clone(), Config::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // Quick exit must lead somewhere local: tests make no outside calls.
    let settings = WebSettings {
        exit_url: format!("{base}/healthz"),
        ..WebSettings::default()
    };
    let server = tokio::spawn(web::serve(listener, app, settings, async move {
        let _ = stopped.await;
    }));

    // Create the account (first visit) and continue past the recovery code.
    c.goto(&format!("{base}/")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/setup"));
    fill(&c, "input[name=name]", "robin").await;
    fill(&c, "input[name=password]", "a long enough password").await;
    let zone = c.find(Locator::Css("input[name=time_zone]")).await.unwrap();
    zone.clear().await.unwrap();
    zone.send_keys("Europe/London").await.unwrap();
    click(&c, "form[action='/setup'] button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css(".recovery-code"))
        .await
        .unwrap();
    assert!(text_of_page(&c).await.contains("recovery code"));
    click(&c, "a.button").await;
    wait_for_path(&c, "/journal/new").await;

    // Sign out and in again, as a person coming back would.
    click(&c, "form.signout button").await;
    wait_for_path(&c, "/signin").await;
    fill(&c, "input[name=name]", "robin").await;
    fill(&c, "input[name=password]", "a long enough password").await;
    click(&c, "form[action='/signin'] button[type=submit]").await;
    wait_for_path(&c, "/journal").await;

    // Write an entry with two feelings.
    c.goto(&format!("{base}/journal/new")).await.unwrap();
    fill(
        &c,
        "textarea[name=text]",
        "The quokka meeting went better than feared.\nStill tense afterwards.",
    )
    .await;
    click(&c, "label.mood-4").await;
    fill(&c, "input[name='feel:anxious']", "7").await;
    fill(&c, "input[name='feel:hopeful']", "4").await;
    fill(&c, "input[name=triggers]", "work meeting").await;
    click(&c, ".entry-form button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css("article.entry"))
        .await
        .unwrap();
    let entry_url = c.current_url().await.unwrap();
    let page = text_of_page(&c).await;
    assert!(
        page.contains("Saved.") && page.contains("quokka meeting") && page.contains("anxious 7"),
        "{page}"
    );

    // It is in the list, with its mood and feelings at a glance.
    c.goto(&format!("{base}/journal")).await.unwrap();
    let list = text_of_page(&c).await;
    assert!(
        list.contains("quokka meeting") && list.contains("anxious 7") && list.contains("hopeful 4"),
        "{list}"
    );

    // Search finds it.
    c.goto(&format!("{base}/journal/search")).await.unwrap();
    fill(&c, "input[name=q]", "QUOKKA").await;
    click(&c, "form.search button").await;
    c.wait()
        .for_element(Locator::Css("p[role=status]"))
        .await
        .unwrap();
    let found = text_of_page(&c).await;
    assert!(
        found.contains("One entry found") && found.contains("quokka meeting"),
        "{found}"
    );

    // Quick exit leaves at once and replaces this page in the history.
    let history = |c: Client| async move {
        c.execute("return history.length", vec![])
            .await
            .unwrap()
            .as_i64()
            .unwrap()
    };
    let before = history(c.clone()).await;
    click(&c, "a.quick-exit").await;
    wait_for_path(&c, "/healthz").await;
    assert_eq!(
        history(c.clone()).await,
        before,
        "the journal page is no longer in the history"
    );
    c.goto(&format!("{base}/journal")).await.unwrap();

    // Sign out; the entry's page now sends us to sign in.
    click(&c, "form.signout button").await;
    wait_for_path(&c, "/signin").await;
    c.goto(entry_url.as_str()).await.unwrap();
    let after = c.current_url().await.unwrap();
    assert_eq!(after.path(), "/signin", "{after}");
    assert!(!text_of_page(&c).await.contains("quokka"));

    c.close().await.unwrap();
    let _ = stop.send(());
    let _ = server.await;
}
