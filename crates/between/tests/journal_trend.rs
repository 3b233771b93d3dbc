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
    let chart = page
        .body
        .split("<svg class=\"chart\"")
        .nth(1)
        .and_then(|s| s.split("</svg>").next())
        .unwrap();
    assert_eq!(
        chart.matches("<title>each day: ").count(),
        20,
        "a dot for each day's mood"
    );
    assert_eq!(
        chart.matches("<polyline").count(),
        1,
        "and the smoothed line"
    );
    assert!(chart.contains("<desc>20 days with a mood from 1 Feb 2026 to 20 Feb 2026"));
    let api = t
        .api("GET", "/api/v1/trend?since=2026-02-01", Some(&token), None)
        .await
        .json();
    assert_eq!(api["direction"], "improving");
    assert_eq!(api["days"].as_array().unwrap().len(), 20);
    assert!(api["days"][0]["trend"].is_number());
    let bad = t
        .api("GET", "/api/v1/trend?until=whenever", Some(&token), None)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.json()["error"]["fields"]["until"].is_string(),
        "the bad end is named: {}",
        bad.body
    );
}

#[tokio::test]
async fn patterns_are_sentences_with_the_data_behind_them_or_say_what_they_need() {
    let t = TestApp::new().await;
    let jar = t.signed_in("bo").await;
    let token = t.token("bo", Access::Full).await;
    let first = json!({"text": "x", "triggers": ["work meeting"], "feelings": [{"name": "anxious", "intensity": 8}]});
    t.api(
        "POST",
        "/api/v1/entries",
        Some(&token),
        Some(&first.to_string()),
    )
    .await;
    let page = t.get("/patterns?period=all", &jar).await;
    assert!(
        page.body.contains("Not enough to tell yet")
            && page
                .body
                .contains("2 more entries with <em>work meeting</em>"),
        "{}",
        page.body
    );
    for i in 0..8u8 {
        let with = json!({"mood": 4, "triggers": ["work meeting"], "feelings": [{"name": "anxious", "intensity": 7 + i % 2}]});
        let without = json!({"mood": 7, "feelings": [{"name": "anxious", "intensity": 2 + i % 2}]});
        t.api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(&with.to_string()),
        )
        .await;
        t.api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(&without.to_string()),
        )
        .await;
    }
    let page = t.get("/patterns?period=all", &jar).await;
    assert!(
        page.body
            .contains("After <em>work meeting</em> (9 entries) you felt <em>anxious</em>"),
        "{}",
        page.body
    );
    let api = t
        .api("GET", "/api/v1/patterns?since=30d", Some(&token), None)
        .await
        .json();
    assert!(api["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["kind"] == "trigger_mood"));
}

#[tokio::test]
async fn patterns_are_grouped_by_kind_in_plain_words_each_with_one_evidence_link() {
    let t = TestApp::new().await;
    let jar = t.signed_in("cy").await;
    let token = t.token("cy", Access::Full).await;
    for i in 0..24 {
        let body = if i % 2 == 0 {
            let triggers = if i % 4 == 0 {
                json!(["work", "deadline"])
            } else {
                json!(["work"])
            };
            json!({"mood": 3 + i % 3, "triggers": triggers,
                   "feelings": [{"name": "sad", "intensity": 6 + i % 3}, {"name": "tired", "intensity": 5}]})
        } else {
            json!({"mood": 7 + i % 3, "feelings": [{"name": "calm", "intensity": 6}]})
        };
        let r = t
            .api(
                "POST",
                "/api/v1/entries",
                Some(&token),
                Some(&body.to_string()),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let page = t.get("/patterns?period=all", &jar).await;
    let body = &page.body;
    let triggers = body
        .find("<h2 id=\"group-triggers\">Triggers</h2>")
        .unwrap();
    let together = body
        .find("<h2 id=\"group-together\">Feelings that come together</h2>")
        .unwrap();
    assert!(triggers < together, "in the page's order of kinds");
    // The strongest three of a group, then the rest behind "show all".
    let group = &body[triggers..together];
    let shown = group.split("<details").next().unwrap();
    assert_eq!(shown.matches("<li>").count(), 3, "{group}");
    assert!(group.contains("<summary>Show all "), "{group}");
    // Every finding has one link to its evidence, not a wall of links.
    for li in body.split("<li>").skip(1) {
        let li = li.split("</li>").next().unwrap();
        if li.contains("/patterns/pin") {
            assert_eq!(li.matches("<a href").count(), 1, "{li}");
        }
    }
    assert!(
        body.contains("you felt <em>tired</em> in 12 of your 12 entries with <em>sad</em>"),
        "{body}"
    );
    assert!(
        body.contains(
            "you recorded <em>sad</em> much more often than in others: 6 of 6, against 6 of 18."
        ),
        "{body}"
    );
    for jargon in ["times as often", "chance", "effect size", "% of entries"] {
        assert!(!body.contains(jargon), "{jargon}");
    }
}
