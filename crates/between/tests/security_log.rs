//! The security log: a device login, a token made and revoked, a password
//! changed — each a line the person reads on the
//! page, in the CLI's JSON shape through the API, with what exactly sealed
//! to their public key (checked at rest); home keeps telling only about
//! repairs. On both backends.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::sessions::SignInAs;
use between_app::throttle::Attempt;
use between_app::Access;
use support::{TestApp, PASSWORD};

const NEW_PASSWORD: &str = "a completely different passphrase";

async fn every_change_to_signing_in_is_logged(t: TestApp) {
    t.signed_in("ada").await;
    let (p, _) = t
        .app
        .sign_in("ada", PASSWORD, "test", SignInAs::Device, "laptop-7")
        .await
        .unwrap();
    let confirmed = t
        .app
        .confirm_password(&p, PASSWORD, &Attempt::from("test"))
        .await
        .unwrap();
    let (token, secret) = t
        .app
        .create_token(&p, confirmed, "phone shortcut", Access::WriteOnly)
        .await
        .unwrap();
    t.app.revoke_credential(&p, token.id).await.unwrap();
    t.app
        .change_password(&p, PASSWORD, NEW_PASSWORD, &Attempt::from("test"))
        .await
        .unwrap();
    drop(secret);

    // At rest: kinds and times plain, names sealed.
    let rows = t.db.store.security_log(p.user.id).await.unwrap();
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    for kind in [
        "device login created",
        "token created",
        "credential revoked",
        "password changed",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    for r in &rows {
        let sealed = r.details.as_deref().unwrap_or_default();
        assert!(
            !sealed.windows(5).any(|w| w == b"phone") && !sealed.windows(6).any(|w| w == b"laptop"),
            "a label in the clear: {}",
            r.kind
        );
    }

    // The person reads them.
    let (p, _) = t
        .app
        .sign_in("ada", NEW_PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let log = t.app.security_log(&p).await.unwrap();
    let details = |kind: &str| {
        log.iter()
            .find(|l| l.kind == kind)
            .map(|l| l.details.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        details("token created"),
        ["\"phone shortcut\" (write only)"]
    );
    assert_eq!(details("credential revoked"), ["token \"phone shortcut\""]);
    assert!(log
        .iter()
        .any(|l| l.kind == "device login created" && l.details == ["\"laptop-7\""]));
    assert!(log[0].at >= log[log.len() - 1].at, "newest first");

    let token = t.token("ada-new", Access::Full).await;
    let theirs = t
        .api("GET", "/api/v1/security-log", Some(&token), None)
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(
        !theirs.body.contains("phone shortcut"),
        "another account's log is its own"
    );

    // Home tells only about repairs, not about the person's own changes.
    assert!(t.app.recent_security_events(&p).await.unwrap().is_empty());
}

#[tokio::test]
async fn every_change_to_signing_in_is_in_the_security_log() {
    let t = TestApp::new().await;
    t.signed_in("ada-new").await;
    every_change_to_signing_in_is_logged(t).await;
}

#[tokio::test]
async fn on_postgresql_every_change_to_signing_in_is_in_the_security_log() {
    if let Some(db) = between_store::testing::TestDb::postgres().await {
        let t = TestApp::on(db).await;
        t.signed_in("ada-new").await;
        every_change_to_signing_in_is_logged(t).await;
    }
}

#[tokio::test]
async fn the_page_and_the_api_show_the_log_with_its_details() {
    let t = TestApp::new().await;
    let jar = t.signed_in("bo").await;
    let token = t.token("bo", Access::Full).await;
    let page = t.get("/settings/security-log", &jar).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("An API token was made.")
            && page.body.contains("&#34;test&#34; (read and write)"),
        "{}",
        page.body
    );
    let api = t
        .api("GET", "/api/v1/security-log", Some(&token), None)
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let list = api.json()["security_log"].as_array().unwrap().clone();
    assert!(list
        .iter()
        .any(|l| l["kind"] == "token created" && l["details"][0] == "\"test\" (read and write)"));
    assert!(t
        .get("/settings", &jar)
        .await
        .body
        .contains("/settings/security-log"));
}
