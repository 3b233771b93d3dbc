//! Measures, the safety message, the crisis page and the safety plan
//! through the web pages.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use support::{Jar, TestApp};

fn answers(values: &[u8]) -> Vec<(String, String)> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("q{}", i + 1), v.to_string()))
        .collect()
}

#[tokio::test]
async fn a_phq9_is_scored_and_item_nine_shows_the_safety_message() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let csrf = t.csrf(&jar).await;
    let form = t.get("/measures/take/phq9", &jar).await;
    assert!(form
        .body
        .contains("Thoughts that you would be better off dead or of hurting yourself in some way"));
    assert!(
        form.body.contains("No permission required to reproduce"),
        "the copyright line"
    );
    let mut fields = answers(&[1, 1, 1, 1, 1, 1, 1]);
    fields.push(("csrf".into(), csrf.clone()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let partial = t.post_form("/measures/take/phq9", &jar, &borrowed).await;
    assert_eq!(partial.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(partial.body.contains("still open: 8, 9"));
    assert!(
        partial.body.contains(r#"name="q1" value="1" checked"#),
        "answers given stay selected"
    );

    let mut fields = answers(&[2, 2, 1, 1, 1, 1, 1, 1, 1]);
    fields.push(("csrf".into(), csrf.clone()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let result = t.post_form("/measures/take/phq9", &jar, &borrowed).await;
    assert_eq!(result.status, StatusCode::OK, "{}", result.body);
    assert!(result.body.contains("11 of 27 (moderate)"));
    assert!(
        result.body.contains("role=\"alert\"")
            && result.body.contains("116 123")
            && result.body.contains("988")
    );
    assert!(
        result.body.contains("not an emergency service") && result.body.contains("nobody watches")
    );
    assert!(result.body.contains("href=\"/safety-plan\""));

    let mut fields = answers(&[0, 0, 0, 0, 0, 0, 0]);
    fields.push(("csrf".into(), csrf.clone()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let gad = t.post_form("/measures/take/gad7", &jar, &borrowed).await;
    assert!(gad.body.contains("0 of 21 (minimal)") && !gad.body.contains("role=\"alert\""));
    let list = t.get("/measures", &jar).await;
    assert!(
        list.body.contains("<svg") && list.body.contains("moderately severe"),
        "a chart with severity bands"
    );
}

#[tokio::test]
async fn every_page_links_to_crisis_contacts_and_the_safety_plan_is_kept() {
    let t = TestApp::new().await;
    assert!(t
        .get("/signin", &Jar::default())
        .await
        .body
        .contains("href=\"/crisis\""));
    let crisis = t.get("/crisis", &Jar::default()).await;
    assert_eq!(crisis.status, StatusCode::OK);
    assert!(crisis.body.contains("116 123") && crisis.body.contains("not an emergency service"));
    let jar = t.signed_in("bo").await;
    let csrf = t.csrf(&jar).await;
    let stale = t
        .post_form(
            "/safety-plan",
            &jar,
            &[("csrf", "old"), ("reasons_for_living", "My dog Biscuit")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST);
    assert!(stale.body.contains("My dog Biscuit"));
    let saved = t
        .post_form(
            "/safety-plan",
            &jar,
            &[
                ("csrf", &csrf),
                ("reasons_for_living", "My dog Biscuit"),
                ("people_to_ask", "My sister"),
            ],
        )
        .await;
    assert_eq!(saved.location(), "/safety-plan?saved=1");
    let page = t.get("/safety-plan", &jar).await;
    assert!(
        page.body.contains("My dog Biscuit")
            && page.body.contains("Warning signs")
            && page.body.contains("My reasons for living")
    );
}

#[tokio::test]
async fn the_api_scores_measures_and_refuses_partial_ones() {
    let t = TestApp::new().await;
    t.signed_in("cy").await;
    let token = t.token("cy", between_app::Access::Full).await;
    let tk = Some(token.as_str());
    let r = t
        .api(
            "POST",
            "/api/v1/measures",
            tk,
            Some(r#"{"instrument": "gad7", "answers": [2, 2, 2, 2, 1, 1, 1]}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (r.json()["total"].clone(), r.json()["severity"].clone()),
        (serde_json::json!(11), serde_json::json!("moderate"))
    );
    for body in [
        r#"{"instrument": "gad7", "answers": [1, 1]}"#,
        r#"{"instrument": "gad7", "answers": [4, 0, 0, 0, 0, 0, 0]}"#,
        r#"{"instrument": "x", "answers": []}"#,
    ] {
        let r = t.api("POST", "/api/v1/measures", tk, Some(body)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    let list = t.api("GET", "/api/v1/measures", tk, None).await.json();
    assert_eq!(list["measures"].as_array().unwrap().len(), 1);
    assert_eq!(list["due"], serde_json::json!(["phq9"]));
}
