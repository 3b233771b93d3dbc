//! Appointments through the web pages, the JSON API and the CLI.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::Access;
use serde_json::json;
use support::{Jar, TestApp};

fn local(offset_hours: i64) -> String {
    let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let t = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(offset_hours);
    t.to_zoned(tz).strftime("%Y-%m-%dT%H:%M").to_string()
}

#[tokio::test]
async fn the_home_page_shows_the_next_appointment_and_the_time_left() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let home = t.get("/", &jar).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("None planned"));
    let csrf = t.csrf(&jar).await;
    let saved = t
        .post_form(
            "/appointments",
            &jar,
            &[
                ("csrf", &csrf),
                ("starts_at", &local(50)),
                ("duration", "50"),
                ("with", "Dr. Rivera"),
                ("where", "Room 4"),
                ("repeat", "weekly"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let home = t.get("/", &jar).await;
    assert!(home.body.contains("Dr. Rivera"), "{}", home.body);
    assert!(
        home.body.contains("in 2 days, 1 hour") || home.body.contains("in 2 days, 2 hours"),
        "{}",
        home.body
    );
    let list = t.get("/appointments", &jar).await;
    assert!(list.body.contains("repeating") && list.body.contains("more planned"));
}

#[tokio::test]
async fn an_appointment_form_with_errors_keeps_what_was_typed() {
    let t = TestApp::new().await;
    let jar = t.signed_in("bo").await;
    let csrf = t.csrf(&jar).await;
    let r = t
        .post_form(
            "/appointments",
            &jar,
            &[
                ("csrf", &csrf),
                ("starts_at", ""),
                ("duration", "0"),
                ("with", "Dr. Keep Me"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("When does the appointment start?") && r.body.contains("not 0"));
    assert!(r.body.contains("value=\"Dr. Keep Me\""));
    assert!(t
        .get("/appointments", &jar)
        .await
        .body
        .contains("Nothing planned"));
}

#[tokio::test]
async fn a_past_appointment_is_marked_attended_and_a_future_one_cannot_be() {
    let t = TestApp::new().await;
    let jar = t.signed_in("cy").await;
    let csrf = t.csrf(&jar).await;
    let past = t
        .post_form(
            "/appointments",
            &jar,
            &[
                ("csrf", &csrf),
                ("starts_at", &local(-2)),
                ("with", "Dr. Rivera"),
            ],
        )
        .await;
    let path = past.location().split('?').next().unwrap().to_string();
    let page = t.get(&path, &jar).await;
    assert!(page.body.contains("I attended"));
    let done = t
        .post_form(
            &format!("{path}/status"),
            &jar,
            &[("csrf", &csrf), ("status", "attended")],
        )
        .await;
    assert!(done.location().ends_with("notice=attended"));
    assert!(t.get(&path, &jar).await.body.contains("status-attended"));

    let future = t
        .post_form(
            "/appointments",
            &jar,
            &[("csrf", &csrf), ("starts_at", &local(24))],
        )
        .await;
    let fpath = future.location().split('?').next().unwrap().to_string();
    assert!(!t.get(&fpath, &jar).await.body.contains("I attended"));
    let refused = t
        .post_form(
            &format!("{fpath}/status"),
            &jar,
            &[("csrf", &csrf), ("status", "attended")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("not started yet"));

    let home = t.get("/", &jar).await;
    assert!(home.body.contains("Since your last session"));
    let other = t.signed_in("dee").await;
    assert_eq!(t.get(&path, &other).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_api_creates_lists_patches_and_deletes_appointments() {
    let t = TestApp::new().await;
    t.signed_in("eve").await;
    let token = t.token("eve", Access::Full).await;
    let body = json!({"starts_at": "2030-01-08 17:00", "duration_minutes": 50, "with": "Dr. Rivera", "where": "Video", "repeat": "every:2w", "until": "2030-03-01"});
    let created = t
        .api(
            "POST",
            "/api/v1/appointments",
            Some(&token),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let a = created.json();
    assert_eq!(a["starts_at"], "2030-01-08T17:00:00+01:00");
    assert_eq!(a["ends_at"], "2030-01-08T17:50:00+01:00");
    assert_eq!(
        (a["status"].clone(), a["where"].clone()),
        (json!("planned"), json!("Video"))
    );
    assert!(a["series_id"].is_string());
    let list = t
        .api("GET", "/api/v1/appointments", Some(&token), None)
        .await
        .json();
    assert_eq!(
        list["appointments"].as_array().unwrap().len(),
        4,
        "8 and 22 Jan, 5 and 19 Feb"
    );

    let path = format!("/api/v1/appointments/{}", a["id"].as_str().unwrap());
    let moved = t
        .api(
            "PATCH",
            &format!("{path}?series=true"),
            Some(&token),
            Some(r#"{"starts_at": "2030-01-08 18:00"}"#),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let list = t
        .api("GET", "/api/v1/appointments", Some(&token), None)
        .await
        .json();
    assert!(list["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["starts_at"].as_str().unwrap().contains("T18:00")));
    let new_id = moved.json()["id"].as_str().unwrap().to_string();

    let cases = [
        (r#"{"status": "attended"}"#, "not started yet"),
        (r#"{"status": "done"}"#, "not a status"),
        (r#"{"duration_minutes": -5}"#, "not -5"),
        (r#"{"repeat": "weekly"}"#, "cannot be changed"),
        (r#"{"colour": "red"}"#, "unknown field"),
    ];
    for (patch, says) in cases {
        let r = t
            .api(
                "PATCH",
                &format!("/api/v1/appointments/{new_id}"),
                Some(&token),
                Some(patch),
            )
            .await;
        assert!(r.status.is_client_error(), "{patch}");
        assert!(r.body.contains(says), "{patch}: {}", r.body);
    }
    let bad = t
        .api(
            "POST",
            "/api/v1/appointments",
            Some(&token),
            Some(r#"{"with": "nobody"}"#),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.json()["error"]["fields"]["starts_at"].is_string());
    assert_eq!(
        t.api(
            "DELETE",
            &format!("/api/v1/appointments/{new_id}"),
            Some(&token),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        t.api(
            "GET",
            &format!("/api/v1/appointments/{new_id}"),
            Some(&token),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let write_only = t.token("eve", Access::WriteOnly).await;
    assert_eq!(
        t.api("GET", "/api/v1/appointments", Some(&write_only), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let _ = Jar::default();
}

#[tokio::test]
async fn marking_an_appointment_cancelled_asks_first_and_a_post_without_confirm_changes_nothing() {
    let t = TestApp::new().await;
    let jar = t.signed_in("cal").await;
    let token = t.token("cal", Access::Full).await;
    let body =
        json!({"starts_at": "2030-01-08 17:00", "duration_minutes": 1, "with": "Dr. Rivera"});
    let created = t
        .api(
            "POST",
            "/api/v1/appointments",
            Some(&token),
            Some(&body.to_string()),
        )
        .await;
    let id = created.json()["id"].as_str().unwrap().to_string();
    let page = t.get(&format!("/appointments/{id}"), &jar).await;
    assert!(
        page.body.contains(&format!(
            "href=\"/appointments/{id}/cancel\">Mark cancelled…</a>"
        )),
        "cancelling is a link to a confirm page, not a one-click button: {}",
        page.body
    );
    assert!(!page.body.contains("value=\"cancelled\""));
    assert!(page.body.contains("1 minute<"), "{}", page.body);

    // A post without confirm=yes changes nothing and leads to the question.
    let csrf = t.csrf(&jar).await;
    let status = format!("/appointments/{id}/status");
    let r = t
        .post_form(&status, &jar, &[("csrf", &csrf), ("status", "cancelled")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/appointments/{id}/cancel"));
    assert_eq!(status_of(&t, &token, &id).await, "planned");

    let confirm = t.get(&format!("/appointments/{id}/cancel"), &jar).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Mark this appointment cancelled?"));
    assert!(confirm.body.contains("with Dr. Rivera"));
    assert!(confirm.body.contains("name=\"confirm\" value=\"yes\""));
    assert!(confirm.body.contains(&format!(
        "<a href=\"/appointments/{id}\">Keep it planned</a>"
    )));

    let r = t
        .post_form(
            &status,
            &jar,
            &[("csrf", &csrf), ("status", "cancelled"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/appointments/{id}?notice=cancelled"));
    assert_eq!(status_of(&t, &token, &id).await, "cancelled");
}

/// An appointment's stored status, read through the API.
async fn status_of(t: &TestApp, token: &str, id: &str) -> String {
    let path = format!("/api/v1/appointments/{id}");
    t.api("GET", &path, Some(token), None).await.json()["status"]
        .as_str()
        .unwrap()
        .to_string()
}
