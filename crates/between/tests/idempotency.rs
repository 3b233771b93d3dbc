//! `Idempotency-Key` on every API POST: a phone shortcut or an offline
//! queue that retries on a bad connection writes once. The answer is kept
//! sealed under a key from the token, so the database shows no text.

#![allow(clippy::unwrap_used)]

mod support;

use axum::body::Body;
use axum::http::{header, Request};
use between_app::Access;
use support::TestApp;

async fn post(
    t: &TestApp,
    token: &str,
    path: &str,
    key: Option<&str>,
    body: &str,
) -> support::Reply {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some(k) = key {
        request = request.header("idempotency-key", k);
    }
    t.send(request.body(Body::from(body.to_string())).unwrap())
        .await
}

#[tokio::test]
async fn a_retried_post_with_the_same_key_writes_once_and_answers_the_same() {
    let t = TestApp::new().await;
    t.signed_in("uma").await;
    t.signed_in("vic").await;
    let uma = t.token("uma", Access::Full).await;
    let vic = t.token("vic", Access::Full).await;
    let body = r#"{"text": "Zanzibar question"}"#;
    let first = post(&t, &uma, "/api/v1/questions", Some("try-1"), body).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = post(&t, &uma, "/api/v1/questions", Some("try-1"), body).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body, "the same answer");
    assert_eq!(again.headers["location"], first.headers["location"]);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let list = t.api("GET", "/api/v1/questions", Some(&uma), None).await;
    assert_eq!(list.body.matches("Zanzibar").count(), 1, "written once");

    // Another key, another path or another person's token: a write of its own.
    assert_eq!(
        post(&t, &uma, "/api/v1/questions", Some("try-2"), body)
            .await
            .status,
        201
    );
    assert_eq!(
        post(&t, &vic, "/api/v1/questions", Some("try-1"), body)
            .await
            .status,
        201
    );
    let entry = post(
        &t,
        &uma,
        "/api/v1/entries",
        Some("try-1"),
        r#"{"text": "Zanzibar entry"}"#,
    )
    .await;
    assert_eq!(entry.status, 201, "{}", entry.body);
    assert!(entry.body.contains("Zanzibar entry"));
    let list = t.api("GET", "/api/v1/questions", Some(&uma), None).await;
    assert_eq!(list.body.matches("Zanzibar").count(), 2);

    // Journal entries too, with a read-write token.
    let again = post(
        &t,
        &uma,
        "/api/v1/entries",
        Some("try-1"),
        r#"{"text": "Zanzibar entry"}"#,
    )
    .await;
    assert_eq!(again.body, entry.body);
    let entries = t.api("GET", "/api/v1/entries", Some(&uma), None).await;
    assert_eq!(entries.body.matches("Zanzibar entry").count(), 1);

    // What is kept for the retry is sealed.
    let path = t.db.sqlite_path().unwrap();
    let mut dump = std::fs::read(&path).unwrap();
    dump.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
    assert!(
        !dump.windows(8).any(|w| w == b"Zanzibar"),
        "no text in the database"
    );
}

#[tokio::test]
async fn a_failed_first_try_leaves_the_key_free_and_a_bad_key_is_refused() {
    let t = TestApp::new().await;
    t.signed_in("wes").await;
    let wes = t.token("wes", Access::Full).await;
    let refused = post(&t, &wes, "/api/v1/questions", Some("k"), r#"{"text": ""}"#).await;
    assert_eq!(refused.status, 422);
    let fixed = post(
        &t,
        &wes,
        "/api/v1/questions",
        Some("k"),
        r#"{"text": "Fixed"}"#,
    )
    .await;
    assert_eq!(fixed.status, 201, "the key was not used up: {}", fixed.body);
    let bad = post(
        &t,
        &wes,
        "/api/v1/questions",
        Some("two words"),
        r#"{"text": "x"}"#,
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Idempotency-Key"));
}
