//! Home as the hub between sessions: what it shows, what it leaves out
//! before there is anything to show, and how far everything else is.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::{Access, Role};
use serde_json::json;
use support::{Jar, TestApp};

fn local(offset_hours: i64) -> String {
    let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let t = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(offset_hours);
    t.to_zoned(tz).strftime("%Y-%m-%dT%H:%M").to_string()
}

#[tokio::test]
async fn since_your_last_session_appears_only_once_there_was_one() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let home = t.get("/", &jar).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        !home.body.contains("Since your last session"),
        "{}",
        home.body
    );

    let csrf = t.csrf(&jar).await;
    let past = t
        .post_form(
            "/appointments",
            &jar,
            &[("csrf", &csrf), ("starts_at", &local(-30))],
        )
        .await;
    let path = past.location().split('?').next().unwrap().to_string();
    let home = t.get("/", &jar).await;
    assert!(
        !home.body.contains("Since your last session"),
        "a planned appointment in the past is not a session that happened"
    );
    t.post_form(
        &format!("{path}/status"),
        &jar,
        &[("csrf", &csrf), ("status", "attended")],
    )
    .await;
    let home = t.get("/", &jar).await;
    assert!(
        home.body.contains("Since your last session"),
        "{}",
        home.body
    );
}

#[tokio::test]
async fn everything_is_at_most_two_clicks_from_home() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let home = t.get("/", &jar).await.body;
    for page in [
        "/journal/new",
        "/agenda",
        "/patterns",
        "/trend",
        "/wins",
        "/feedback",
        "/trackers",
        "/safety-plan",
        "/sharing",
        "/roadblocks",
        "/reviews",
        "/goals",
        "/practices",
        "/measures",
        "/questions",
        "/insights",
    ] {
        assert!(
            home.contains(&format!("href=\"{page}\"")),
            "home links to {page}"
        );
    }
    // The header's "More" menu is a <details>: it opens without a script.
    assert!(home.contains("<details class=\"more\">"), "{home}");
}

#[tokio::test]
async fn a_practice_due_today_is_done_in_one_click_from_home() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .date()
        .to_string();
    let created = t
        .api(
            "POST",
            "/api/v1/practices",
            Some(&token),
            Some(
                &json!({"title": "Evening walk", "schedule": "daily", "start": today}).to_string(),
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_string();
    let home = t.get("/", &jar).await.body;
    assert!(home.contains("Evening walk"), "{home}");
    let action = format!("action=\"/practices/{id}/logs\"");
    assert!(home.contains(&action), "{home}");

    let csrf = t.csrf(&jar).await;
    let done = t
        .post_form(
            &format!("/practices/{id}/logs"),
            &jar,
            &[("csrf", &csrf), ("from", "home")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/?notice=practice-done");
    let home = t.get(done.location(), &jar).await.body;
    assert!(home.contains("Logged. Well done."), "{home}");
    assert!(home.contains("✓ Done"), "{home}");
    assert!(!home.contains(&action), "no second click offered: {home}");
}

#[tokio::test]
async fn crisis_numbers_are_links_that_call() {
    let t = TestApp::new().await;
    let page = t.get("/crisis", &Jar::default()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<a href=\"tel:116123\">116 123</a>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("<a href=\"tel:988\">988</a>"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_therapist_goes_home_to_their_clients_with_a_frame_of_their_own() {
    let t = TestApp::new().await;
    let jar = t.signed_in_as("dr-lee", Role::Therapist).await;
    let home = t.get("/", &jar).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/clients");
    let settings = t.get("/settings", &jar).await.body;
    assert!(settings.contains("href=\"/clients\""), "{settings}");
    assert!(
        settings.contains("href=\"/clients/sessions\""),
        "{settings}"
    );
    for client_only in [
        "href=\"/journal/new\"",
        "href=\"/practices\"",
        "href=\"/measures\"",
        "Quick exit",
    ] {
        assert!(
            !settings.contains(client_only),
            "a therapist's frame has no {client_only}"
        );
    }
}

#[tokio::test]
async fn home_says_when_the_accounts_public_key_was_found_changed_and_put_back() {
    use between_store::testing::Value;
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    assert!(!t.get("/", &jar).await.body.contains("public key"));
    let (_, theirs) = between_app::crypto::new_identity();
    t.db.tamper(
        "UPDATE user_keypairs SET public_key = $1",
        &[Value::Blob(theirs.to_vec())],
    )
    .await;
    let home = t.get("/", &jar).await.body;
    assert!(
        home.contains("the public key of your account had been changed in the database"),
        "{home}"
    );
    assert!(home.contains(r#"role="alert""#));
}
