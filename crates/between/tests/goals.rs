//! Goals through the web pages, the JSON API and the CLI.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::Access;
use serde_json::json;
use support::TestApp;

const LEVELS: [(&str, &str); 5] = [
    ("level-2", "Silent in every meeting"),
    ("level-1", "Speak once a week"),
    ("level0", "Speak once in every meeting"),
    ("level1", "Speak twice in every meeting"),
    ("level2", "Lead an agenda item"),
];

#[tokio::test]
async fn a_gas_goal_is_set_checked_in_twice_and_charted() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let csrf = t.csrf(&jar).await;
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("title", "Speak up in team meetings"),
        ("why", "My ideas matter"),
        ("area", "work"),
        ("measure", "gas"),
        ("review_weeks", "4"),
    ];
    fields.extend(LEVELS.iter().take(4).copied());
    let missing = t.post_form("/goals", &jar, &fields).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.contains("+2") && missing.body.contains("value=\"Speak up in team meetings\"")
    );
    fields.push(LEVELS[4]);
    let saved = t.post_form("/goals", &jar, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let path = saved.location().split('?').next().unwrap().to_string();
    for level in ["-1", "+1"] {
        let r = t
            .post_form(
                &format!("{path}/checkins"),
                &jar,
                &[("csrf", &csrf), ("level", level), ("note", "team sync")],
            )
            .await;
        assert!(r.location().ends_with("notice=checked-in"), "{}", r.body);
    }
    let page = t.get(&path, &jar).await;
    assert!(
        page.body.contains("<svg") && page.body.matches("<circle").count() == 2,
        "a point per check-in"
    );
    assert!(page.body.contains("level +1: Speak twice in every meeting"));
    let bad = t
        .post_form(
            &format!("{path}/checkins"),
            &jar,
            &[("csrf", &csrf), ("level", "3")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let paused = t
        .post_form(
            &format!("{path}/status"),
            &jar,
            &[("csrf", &csrf), ("status", "paused")],
        )
        .await;
    assert!(paused.location().ends_with("notice=status"));
    let list = t.get("/goals", &jar).await;
    assert!(list.body.contains("Paused, achieved or dropped") && list.body.contains("paused"));
}

#[tokio::test]
async fn a_numeric_goal_shows_progress_towards_its_target() {
    let t = TestApp::new().await;
    let jar = t.signed_in("bo").await;
    let csrf = t.csrf(&jar).await;
    let saved = t
        .post_form(
            "/goals",
            &jar,
            &[
                ("csrf", &csrf),
                ("title", "Fewer panic attacks"),
                ("measure", "numeric"),
                ("baseline", "6"),
                ("target", "1"),
                ("unit", "per week"),
                ("lower_is_better", "1"),
                ("review_weeks", "2"),
            ],
        )
        .await;
    let path = saved.location().split('?').next().unwrap().to_string();
    t.post_form(
        &format!("{path}/checkins"),
        &jar,
        &[("csrf", &csrf), ("value", "3.5")],
    )
    .await;
    assert!(t.get("/goals", &jar).await.body.contains("50% of the way"));
    let wrong_way = t
        .post_form(
            "/goals",
            &jar,
            &[
                ("csrf", &csrf),
                ("title", "x"),
                ("measure", "numeric"),
                ("baseline", "1"),
                ("target", "6"),
                ("unit", "u"),
                ("lower_is_better", "1"),
            ],
        )
        .await;
    assert_eq!(wrong_way.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong_way.body.contains("must not be above"));
}

#[tokio::test]
async fn the_api_creates_goals_and_records_check_ins() {
    let t = TestApp::new().await;
    t.signed_in("cy").await;
    let token = t.token("cy", Access::Full).await;
    let tk = Some(token.as_str());
    let body = json!({"title": "Sleep by 23:00", "area": "sleep", "baseline": 1, "target": 5, "unit": "nights a week", "review_every_days": 14});
    let created = t
        .api("POST", "/api/v1/goals", tk, Some(&body.to_string()))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let g = created.json();
    assert_eq!(g["measure"]["type"], "numeric");
    assert!(g["progress"].is_null());
    let path = format!("/api/v1/goals/{}", g["id"].as_str().unwrap());
    let after = t
        .api(
            "POST",
            &format!("{path}/checkins"),
            tk,
            Some(r#"{"value": 3, "note": "better week"}"#),
        )
        .await;
    assert_eq!(after.status, StatusCode::CREATED, "{}", after.body);
    assert_eq!(after.json()["progress"], 0.5);
    let over = t
        .api(
            "POST",
            &format!("{path}/checkins"),
            tk,
            Some(r#"{"value": 6}"#),
        )
        .await
        .json();
    assert_eq!(over["progress"], 1.25, "overshoot is above 1");
    assert_eq!(
        t.api("GET", &format!("{path}/checkins"), tk, None)
            .await
            .json()["check_ins"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let refused = t
        .api(
            "POST",
            &format!("{path}/checkins"),
            tk,
            Some(r#"{"level": 1}"#),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let achieved = t
        .api("PATCH", &path, tk, Some(r#"{"status": "achieved"}"#))
        .await
        .json();
    assert_eq!(
        (
            achieved["status"].clone(),
            achieved["check_ins"].as_array().unwrap().len()
        ),
        (json!("achieved"), 2)
    );
    let gas = json!({"title": "Speak up", "gas_levels": ["a", "b", "c", "d", "e"]});
    assert_eq!(
        t.api("POST", "/api/v1/goals", tk, Some(&gas.to_string()))
            .await
            .json()["measure"]["levels"][2],
        json!({"level": 0, "description": "c"})
    );
    for (body, field) in [
        (json!({"title": "x"}), "measure"),
        (json!({"title": "x", "gas_levels": ["a"]}), "gas_levels"),
        (
            json!({"title": "x", "gas_levels": ["a", "b", "c", "d", "e"], "baseline": 1}),
            "measure",
        ),
        (
            json!({"title": "x", "baseline": 1, "target": 2, "unit": "u", "area": "money"}),
            "area",
        ),
    ] {
        let r = t
            .api("POST", "/api/v1/goals", tk, Some(&body.to_string()))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            r.json()["error"]["fields"][field].is_string(),
            "{body}: {}",
            r.body
        );
    }
    assert_eq!(
        t.api("GET", "/api/v1/goals?due=true", tk, None)
            .await
            .json()["goals"],
        json!([])
    );
    assert_eq!(
        t.api("DELETE", &path, tk, None).await.status,
        StatusCode::NO_CONTENT
    );
}
