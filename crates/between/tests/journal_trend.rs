//! The mood trend through the web page, the API and the CLI's JSON shape.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::Access;
use serde_json::json;
use support::TestApp;

#[tokio::test]
async fn the_trend_shows_points_a_smoothed_line_and_a_sentence() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let empty = t.get("/trend", &jar).await;
    assert!(empty.body.contains("no mood recorded"));
    let token = t.token("ada", Access::Full).await;
    for day in 1..=20 {
        let mood = 3 + day / 4;
        let body = json!({"mood": mood, "occurred_at": format!("2026-02-{day:02} 20:00")});
        assert_eq!(
            t.api(
                "POST",
                "/api/v1/entries",
                Some(&token),
                Some(&body.to_string())
            )
            .await
            .status,
            StatusCode::CREATED
        );
    }
    let page = t.get("/trend?period=all", &jar).await;
    assert!(
        page.body.contains("<svg") && page.body.contains("rose from"),
        "{}",
        page.body
    );
    assert!(
        page.body.matches("<circle").count() >= 40,
        "a point per day for both lines"
    );
    let api = t
        .api("GET", "/api/v1/trend?since=2026-02-01", Some(&token), None)
        .await
        .json();
    assert_eq!(api["direction"], "improving");
    assert_eq!(api["days"].as_array().unwrap().len(), 20);
    assert!(api["days"][0]["trend"].is_number());
    assert_eq!(
        t.api("GET", "/api/v1/trend?since=whenever", Some(&token), None)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
