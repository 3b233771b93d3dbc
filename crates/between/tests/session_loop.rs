//! Questions, insights and session feedback through the web pages, the JSON
//! API and the CLI.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::Access;
use serde_json::json;
use support::TestApp;

fn local(offset_hours: i64) -> String {
    let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(offset_hours))
        .to_zoned(tz)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Adds an appointment two hours ago and marks it attended; returns its path.
async fn attended(t: &TestApp, jar: &support::Jar, csrf: &str) -> String {
    let saved = t
        .post_form(
            "/appointments",
            jar,
            &[
                ("csrf", csrf),
                ("starts_at", &local(-2)),
                ("with", "Dr. Rivera"),
            ],
        )
        .await;
    let path = saved.location().split('?').next().unwrap().to_string();
    t.post_form(
        &format!("{path}/status"),
        jar,
        &[("csrf", csrf), ("status", "attended")],
    )
    .await;
    path
}

#[tokio::test]
async fn a_question_is_captured_answered_in_a_session_and_found_again() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let csrf = t.csrf(&jar).await;
    let session = attended(&t, &jar, &csrf).await;
    let blank = t
        .post_form("/questions", &jar, &[("csrf", &csrf), ("text", "  ")])
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    let stale = t
        .post_form(
            "/questions",
            &jar,
            &[("csrf", "old"), ("text", "Keep this question")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST);
    assert!(stale.body.contains("Keep this question"));
    t.post_form(
        "/questions",
        &jar,
        &[("csrf", &csrf), ("text", "Why do I freeze in meetings?")],
    )
    .await;
    t.post_form(
        "/questions",
        &jar,
        &[("csrf", &csrf), ("text", "Is feeling worse first normal?")],
    )
    .await;
    let page = t.get("/questions", &jar).await;
    let first = page.body.find("Why do I freeze").unwrap();
    assert!(
        first < page.body.find("Is feeling worse").unwrap(),
        "oldest first"
    );
    let qid = page
        .body
        .split("action=\"/questions/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let appointment_id = session.rsplit('/').next().unwrap();
    assert!(
        page.body
            .contains(&format!("value=\"{appointment_id}\" selected")),
        "the last attended session is offered"
    );
    let answered = t
        .post_form(
            &format!("/questions/{qid}/answer"),
            &jar,
            &[
                ("csrf", &csrf),
                ("answer", "Fight or flight, says Dr. R."),
                ("appointment", appointment_id),
            ],
        )
        .await;
    assert_eq!(answered.location(), "/questions?notice=answered");
    let found = t.get("/questions?q=flight", &jar).await;
    assert!(
        found.body.contains("Fight or flight") && found.body.contains("Asked in the session of")
    );
}

#[tokio::test]
async fn insights_are_recorded_after_a_session_and_listed_by_session_and_tag() {
    let t = TestApp::new().await;
    let jar = t.signed_in("bo").await;
    let csrf = t.csrf(&jar).await;
    let session = attended(&t, &jar, &csrf).await;
    let appointment_id = session.rsplit('/').next().unwrap().to_string();
    let page = t.get(&session, &jar).await;
    assert!(page
        .body
        .contains(&format!("/insights?appointment={appointment_id}")));
    let saved = t
        .post_form(
            "/insights",
            &jar,
            &[
                ("csrf", &csrf),
                ("text", "Name the feeling first"),
                ("kind", "strategy"),
                ("appointment", &appointment_id),
                ("tags", "anxiety, work"),
            ],
        )
        .await;
    assert_eq!(saved.location(), "/insights?notice=added");
    t.post_form(
        "/insights",
        &jar,
        &[
            ("csrf", &csrf),
            ("text", "Rest is allowed"),
            ("kind", "insight"),
            ("appointment", ""),
            ("tags", ""),
        ],
    )
    .await;
    let list = t.get("/insights", &jar).await;
    assert!(list.body.contains("Session of") && list.body.contains("Not linked to a session"));
    let by_tag = t.get("/insights?tag=anxiety", &jar).await;
    assert!(
        by_tag.body.contains("Name the feeling first") && !by_tag.body.contains("Rest is allowed")
    );
    assert!(
        t.get("/journal/search?q=feeling", &jar)
            .await
            .body
            .contains("Name the <mark>feeling</mark> first"),
        "the main search covers insights, the word found marked"
    );
    let searched = t.get("/insights?q=REST", &jar).await;
    assert!(
        searched.body.contains("Rest is allowed")
            && !searched.body.contains("Name the feeling first")
    );
    let bad = t
        .post_form(
            "/insights",
            &jar,
            &[("csrf", &csrf), ("text", "Keep me"), ("kind", "lesson")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Keep me") && bad.body.contains("lesson"));
}

#[tokio::test]
async fn feedback_is_given_on_an_attended_session_and_charted() {
    let t = TestApp::new().await;
    let jar = t.signed_in("cy").await;
    let csrf = t.csrf(&jar).await;
    let session = attended(&t, &jar, &csrf).await;
    let page = t.get(&session, &jar).await;
    assert!(
        page.body.contains("I felt heard and respected")
            && page.body.contains("The approach fits me")
    );
    let bad = t
        .post_form(
            &format!("{session}/feedback"),
            &jar,
            &[
                ("csrf", &csrf),
                ("heard", "12"),
                ("worked_on", "8"),
                ("approach", "8"),
                ("overall", "8"),
                ("working", "Keep this text"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("not 12") && bad.body.contains("Keep this text"));
    let ok = t
        .post_form(
            &format!("{session}/feedback"),
            &jar,
            &[
                ("csrf", &csrf),
                ("heard", "9"),
                ("worked_on", "4"),
                ("approach", "8"),
                ("overall", "8"),
                ("change", "More time on homework"),
            ],
        )
        .await;
    assert!(ok.location().ends_with("notice=feedback"), "{}", ok.body);
    let page = t.get(&session, &jar).await;
    assert!(
        page.body.contains("name=\"worked_on\" value=\"4\" checked"),
        "the saved scores are shown"
    );
    let overview = t.get("/feedback", &jar).await;
    assert!(overview.body.contains("<svg") && overview.body.contains("More time on homework"));
    assert!(
        overview.body.contains(">low<"),
        "an item at 4 makes the session low"
    );

    let planned = t
        .post_form(
            "/appointments",
            &jar,
            &[("csrf", &csrf), ("starts_at", &local(48))],
        )
        .await;
    let ppath = planned.location().split('?').next().unwrap().to_string();
    assert!(!t
        .get(&ppath, &jar)
        .await
        .body
        .contains("How was this session?"));
}

#[tokio::test]
async fn the_api_covers_questions_insights_and_feedback() {
    let t = TestApp::new().await;
    let jar = t.signed_in("dee").await;
    let csrf = t.csrf(&jar).await;
    let session = attended(&t, &jar, &csrf).await;
    let appointment_id = session.rsplit('/').next().unwrap().to_string();
    let token = t.token("dee", Access::Full).await;
    let tk = Some(token.as_str());

    let q = t
        .api(
            "POST",
            "/api/v1/questions",
            tk,
            Some(r#"{"text": "How long does therapy take?"}"#),
        )
        .await;
    assert_eq!(q.status, StatusCode::CREATED, "{}", q.body);
    let qpath = format!("/api/v1/questions/{}", q.json()["id"].as_str().unwrap());
    let bad = t
        .api("PATCH", &qpath, tk, Some(r#"{"text": "", "answer": "x"}"#))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        t.api("GET", &qpath, tk, None).await.json()["status"],
        "open",
        "a refused patch changes nothing"
    );
    let body =
        json!({"answer": "As long as it helps", "appointment_id": appointment_id}).to_string();
    let answered = t.api("PATCH", &qpath, tk, Some(&body)).await.json();
    assert_eq!(
        (
            answered["status"].clone(),
            answered["appointment_id"].clone()
        ),
        (json!("answered"), json!(appointment_id))
    );
    assert_eq!(
        t.api("GET", "/api/v1/questions?status=open", tk, None)
            .await
            .json()["questions"],
        json!([])
    );
    assert_eq!(
        t.api("GET", "/api/v1/questions?q=helps", tk, None)
            .await
            .json()["questions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        t.api("GET", "/api/v1/questions?status=closed", tk, None)
            .await
            .status,
        StatusCode::BAD_REQUEST,
        "an unknown status is refused, never ignored"
    );

    let body = json!({"text": "Breathe out longer than in", "kind": "strategy", "appointment_id": appointment_id, "tags": ["#panic"]}).to_string();
    let i = t.api("POST", "/api/v1/insights", tk, Some(&body)).await;
    assert_eq!(i.status, StatusCode::CREATED, "{}", i.body);
    assert_eq!(i.json()["tags"], json!(["panic"]));
    let ipath = format!("/api/v1/insights/{}", i.json()["id"].as_str().unwrap());
    let patched = t
        .api("PATCH", &ipath, tk, Some(r#"{"kind": "takeaway"}"#))
        .await
        .json();
    assert_eq!(
        (patched["kind"].clone(), patched["text"].clone()),
        (json!("takeaway"), json!("Breathe out longer than in"))
    );
    assert_eq!(
        t.api(
            "POST",
            "/api/v1/insights",
            tk,
            Some(r#"{"text": "x", "kind": "lesson"}"#)
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        t.api("GET", "/api/v1/insights?q=breathe", tk, None)
            .await
            .json()["insights"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let fpath = format!("/api/v1/appointments/{appointment_id}/feedback");
    assert_eq!(
        t.api("GET", &fpath, tk, None).await.status,
        StatusCode::NOT_FOUND
    );
    let missing = t.api("PUT", &fpath, tk, Some(r#"{"heard": 9}"#)).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.json()["error"]["fields"]["worked_on"].is_string());
    let f = t.api("PUT", &fpath, tk, Some(r#"{"heard": 9, "worked_on": 9, "approach": 9, "overall": 9, "working": "Clear plan"}"#)).await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.body);
    let f = f.json();
    assert_eq!(
        (f["total"].clone(), f["low"].clone(), f["falling"].clone()),
        (json!(36), json!(false), json!(false))
    );
    assert_eq!(
        t.api("GET", "/api/v1/feedback", tk, None).await.json()["feedback"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    t.signed_in("eve").await;
    let eve = t.token("eve", Access::Full).await;
    assert_eq!(
        t.api("GET", &qpath, Some(&eve), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.api(
            "PUT",
            &fpath,
            Some(&eve),
            Some(r#"{"heard": 1, "worked_on": 1, "approach": 1, "overall": 1}"#)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}
