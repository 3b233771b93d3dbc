//! Practices through the JSON API and the web pages.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::Access;
use serde_json::json;
use support::TestApp;

#[tokio::test]
async fn the_api_creates_practices_logs_them_and_reports_adherence() {
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let tk = Some(token.as_str());
    let body = json!({"title": "Thought record", "template": "thought-record", "schedule": "mon,wed,fri", "start": "2026-03-02", "instructions": "After a strong feeling"});
    let created = t
        .api("POST", "/api/v1/practices", tk, Some(&body.to_string()))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_string();
    for at in ["2026-03-02 20:00", "2026-03-04 20:00", "2026-03-09 20:00"] {
        let log = json!({"at": at, "minutes": 15, "fields": {"intensity_before": 8, "intensity_after": "4", "situation": "Meeting"}});
        let r = t
            .api(
                "POST",
                &format!("/api/v1/practices/{id}/logs"),
                tk,
                Some(&log.to_string()),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let shown = t
        .api(
            "GET",
            &format!("/api/v1/practices/{id}?from=2026-03-02&to=2026-03-09"),
            tk,
            None,
        )
        .await
        .json();
    let w = &shown["window"]["stats"];
    assert_eq!(
        (
            w["scheduled"].clone(),
            w["done"].clone(),
            w["longest_streak"].clone()
        ),
        (json!(4), json!(3), json!(2))
    );
    assert_eq!(w["adherence"], 0.75);
    let logs = t
        .api("GET", &format!("/api/v1/practices/{id}/logs"), tk, None)
        .await
        .json();
    assert_eq!(logs["logs"][0]["fields"]["intensity_after"], 4);
    let log_id = logs["logs"][2]["id"].as_str().unwrap();
    let undone = t
        .api(
            "DELETE",
            &format!("/api/v1/practices/{id}/logs/{log_id}"),
            tk,
            None,
        )
        .await;
    assert_eq!(undone.status, StatusCode::OK);
    let patched = t
        .api(
            "PATCH",
            &format!("/api/v1/practices/{id}"),
            tk,
            Some(r#"{"schedule": "per-week:2"}"#),
        )
        .await
        .json();
    assert_eq!(patched["schedule"]["kind"], "per_week");
    for (body, field) in [
        (json!({"title": "x"}), "schedule"),
        (json!({"title": "x", "schedule": "hourly"}), "schedule"),
        (json!({"title": "x", "rrule": "FREQ=NEVER"}), "rrule"),
        (json!({"title": "", "schedule": "daily"}), "title"),
        (
            json!({"title": "x", "schedule": "daily", "start": "someday"}),
            "start",
        ),
    ] {
        let r = t
            .api("POST", "/api/v1/practices", tk, Some(&body.to_string()))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            r.json()["error"]["fields"][field].is_string(),
            "{body}: {}",
            r.body
        );
    }
    let bad_log = t
        .api(
            "POST",
            &format!("/api/v1/practices/{id}/logs"),
            tk,
            Some(r#"{"fields": {"mood": 3}}"#),
        )
        .await;
    assert_eq!(bad_log.status, StatusCode::UNPROCESSABLE_ENTITY);
    let daily = t
        .api(
            "POST",
            "/api/v1/practices",
            tk,
            Some(r#"{"title": "Walk", "schedule": "daily"}"#),
        )
        .await
        .json();
    let today = t
        .api("GET", "/api/v1/practices/today", tk, None)
        .await
        .json();
    assert!(today["practices"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == daily["id"]));
    t.signed_in("eve").await;
    let eve = t.token("eve", Access::Full).await;
    assert_eq!(
        t.api("GET", &format!("/api/v1/practices/{id}"), Some(&eve), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.api(
            "POST",
            &format!("/api/v1/practices/{id}/logs"),
            Some(&eve),
            Some("{}")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_practice_is_set_up_logged_from_today_and_shows_its_calendar() {
    let t = TestApp::new().await;
    let jar = t.signed_in("bo").await;
    let csrf = t.csrf(&jar).await;
    let bad = t
        .post_form(
            "/practices",
            &jar,
            &[
                ("csrf", &csrf),
                ("title", "Keep this title"),
                ("kind", "days"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Tick the days") && bad.body.contains("Keep this title"));
    let saved = t
        .post_form(
            "/practices",
            &jar,
            &[
                ("csrf", &csrf),
                ("title", "Breathing"),
                ("template", "mindfulness"),
                ("kind", "daily"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let path = saved.location().split('?').next().unwrap().to_string();
    let list = t.get("/practices", &jar).await;
    assert!(
        list.body.contains("Done: Breathing"),
        "due today, with a one-click button"
    );
    let done = t
        .post_form(
            &format!("{path}/logs"),
            &jar,
            &[("csrf", &csrf), ("from", "list")],
        )
        .await;
    assert_eq!(done.location(), "/practices?notice=done");
    assert!(t.get("/practices", &jar).await.body.contains("Done today"));
    let page = t.get(&path, &jar).await;
    assert!(
        page.body.contains("Streak 1")
            && page.body.contains("class=\"heatmap\"")
            && page.body.contains(": done</title>")
    );
    let with_fields = t
        .post_form(
            &format!("{path}/logs"),
            &jar,
            &[("csrf", &csrf), ("how_it_felt", "12")],
        )
        .await;
    assert_eq!(with_fields.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        with_fields
            .body
            .contains("must be a whole number from 0 to 10"),
        "{}",
        with_fields.body
    );
    let log_id = page
        .body
        .split("/logs/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let undone = t
        .post_form(
            &format!("{path}/logs/{log_id}/delete"),
            &jar,
            &[("csrf", &csrf)],
        )
        .await;
    assert!(undone.location().ends_with("notice=unlogged"));
    assert!(t.get(&path, &jar).await.body.contains("Not logged yet"));
    let other = t.signed_in("cy").await;
    assert_eq!(t.get(&path, &other).await.status, StatusCode::NOT_FOUND);
}
