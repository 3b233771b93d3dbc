//! "Is therapy stuck?" on the web and in the API.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::Access;
use serde_json::json;
use support::TestApp;

#[tokio::test]
async fn missed_appointments_show_as_a_roadblock_with_a_way_to_raise_it() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let page = t.get("/roadblocks", &jar).await;
    assert!(page.body.contains("Nothing looks stuck right now."));
    assert!(t.get("/", &jar).await.body.contains("href=\"/roadblocks\""));
    let token = t.token("ada", Access::Full).await;
    let today = jiff::Zoned::now().date();
    for days in [12, 4] {
        let day = today.checked_sub(jiff::Span::new().days(days)).unwrap();
        let body = json!({"starts_at": format!("{day} 10:00")});
        let created = t
            .api(
                "POST",
                "/api/v1/appointments",
                Some(&token),
                Some(&body.to_string()),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let id = created.json()["id"].as_str().unwrap().to_string();
        let missed = t
            .api(
                "PATCH",
                &format!("/api/v1/appointments/{id}"),
                Some(&token),
                Some(r#"{"status":"missed"}"#),
            )
            .await;
        assert_eq!(missed.status, StatusCode::OK, "{}", missed.body);
    }
    let page = t.get("/roadblocks", &jar).await;
    assert!(
        page.body
            .contains("2 appointments were cancelled or missed in the last 6 weeks."),
        "{}",
        page.body
    );
    assert!(page.body.contains("You could say:"));
    let api = t
        .api("GET", "/api/v1/roadblocks", Some(&token), None)
        .await
        .json();
    assert_eq!(api["roadblocks"][0]["kind"], "missed_sessions");
    assert_eq!(
        api["roadblocks"][0]["evidence"].as_array().unwrap().len(),
        2
    );
    let agenda = t.api("GET", "/api/v1/agenda", Some(&token), None).await;
    assert_eq!(agenda.status, StatusCode::OK, "{}", agenda.body);
    let agenda = agenda.json();
    assert_eq!(agenda["saved"], false);
    let last = agenda["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["section"], "roadblocks");
    assert!(last["text"]
        .as_str()
        .unwrap()
        .starts_with("I've missed a few sessions lately."));
}
