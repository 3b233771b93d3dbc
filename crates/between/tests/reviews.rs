//! Progress reviews on the web and in the JSON API: the review of a period,
//! saving it with reflections, comparing, downloading, the interval.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::{header, StatusCode};
use between_app::Access;
use serde_json::json;
use support::TestApp;

#[tokio::test]
async fn a_review_is_read_reflected_on_saved_and_compared_on_the_web() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let entry = json!({"text": "Calmer week", "mood": 7});
    t.api(
        "POST",
        "/api/v1/entries",
        Some(&token),
        Some(&entry.to_string()),
    )
    .await;
    let r = t
        .api(
            "POST",
            "/api/v1/insights",
            Some(&token),
            Some(r#"{"text":"Breathe out longer than in","kind":"strategy"}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let page = t.get("/review", &jar).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Progress review: "), "{}", page.body);
    assert!(page.body.contains("<h2>Strategies I learned</h2>"));
    assert!(page.body.contains("Breathe out longer than in"));
    assert!(page.body.contains("What do I want to focus on next?"));
    assert!(page.body.contains("<svg"), "the mood chart");

    // A too-long reflection is refused with the prompt named; nothing saved.
    let csrf = t.csrf(&jar).await;
    let long = "x".repeat(5001);
    let r = t
        .post_form(
            "/review/save",
            &jar,
            &[("csrf", &csrf), ("since", "12w"), ("learned", &long)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("What have I learned?"), "{}", r.body);
    assert!(t
        .get("/reviews", &jar)
        .await
        .body
        .contains("No saved reviews yet."));

    let r = t
        .post_form(
            "/review/save",
            &jar,
            &[
                ("csrf", &csrf),
                ("since", "12w"),
                ("learned", "I can slow down"),
                ("changed", "Fewer panic attacks"),
                ("focus", "Sleep"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let first = r.location().to_string();
    assert!(first.starts_with("/reviews/"));
    let saved = t.get(&first, &jar).await;
    assert!(saved
        .body
        .contains("<dt>What have I learned?</dt><dd>I can slow down</dd>"));
    assert!(!saved.body.contains("Compared with the review of"));

    // A second one is compared with the first.
    let r = t
        .post_form("/review/save", &jar, &[("csrf", &csrf), ("since", "4w")])
        .await;
    let second = t.get(r.location(), &jar).await;
    assert!(
        second.body.contains("Compared with the review of"),
        "{}",
        second.body
    );
    assert!(second.body.contains("Strategies learned: 1 then, 1 now."));
    let list = t.get("/reviews", &jar).await;
    assert_eq!(list.body.matches("<li><a href=\"/reviews/").count(), 2);

    // Downloads.
    let pdf = t.get(&format!("{first}/download?format=pdf"), &jar).await;
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    let html = t.get(&format!("{first}/download?format=html"), &jar).await;
    assert!(html.body.starts_with("<!doctype html>"));
    assert!(html.body.contains("I can slow down"));
    let md = t.get("/review/download?format=md&since=12w", &jar).await;
    assert!(md.body.contains("## Strategies I learned"), "{}", md.body);

    // The interval; a bad one is refused.
    let r = t
        .post_form(
            "/reviews/interval",
            &jar,
            &[("csrf", &csrf), ("weeks", "60")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("1 to 52 weeks"), "{}", r.body);
    t.post_form(
        "/reviews/interval",
        &jar,
        &[("csrf", &csrf), ("weeks", "6")],
    )
    .await;
    assert!(t.get("/reviews", &jar).await.body.contains("value=\"6\""));

    // Another account cannot see or delete it.
    let eve = t.signed_in("eve").await;
    assert_eq!(t.get(&first, &eve).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get("/reviews/not-an-id", &eve).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_api_reviews_a_period_and_keeps_saved_reviews() {
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let r = t
        .api("GET", "/api/v1/review?since=4w", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let review = r.json();
    assert!(review["from"].is_string() && review["mood"]["days"].is_array());
    let bad = t
        .api("GET", "/api/v1/review?since=soon", Some(&token), None)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    let bad = t
        .api("GET", "/api/v1/review?format=doc", Some(&token), None)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let body = json!({"since": "4w", "learned": "Slow down", "focus": "Sleep"});
    let r = t
        .api(
            "POST",
            "/api/v1/reviews",
            Some(&token),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let saved = r.json();
    assert_eq!(saved["reflections"]["learned"], "Slow down");
    assert_eq!(saved["previous_id"], serde_json::Value::Null);
    let id = saved["id"].as_str().unwrap().to_string();
    let bad = json!({"since": "4w", "mood": "great"});
    let r = t
        .api(
            "POST",
            "/api/v1/reviews",
            Some(&token),
            Some(&bad.to_string()),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let list = t
        .api("GET", "/api/v1/reviews", Some(&token), None)
        .await
        .json();
    assert_eq!(list["reviews"].as_array().unwrap().len(), 1);
    let md = t
        .api(
            "GET",
            &format!("/api/v1/reviews/{id}?format=markdown"),
            Some(&token),
            None,
        )
        .await;
    assert!(
        md.body.contains("**What have I learned?**\n\nSlow down"),
        "{}",
        md.body
    );

    t.signed_in("eve").await;
    let eve = t.token("eve", Access::Full).await;
    let r = t
        .api("GET", &format!("/api/v1/reviews/{id}"), Some(&eve), None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t
        .api("DELETE", &format!("/api/v1/reviews/{id}"), Some(&eve), None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t
        .api(
            "DELETE",
            &format!("/api/v1/reviews/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
}
