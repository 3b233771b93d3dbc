//! The archive through the JSON API: download, dry run, import, and a
//! body larger than the API's usual limit.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::Access;
use serde_json::json;
use support::TestApp;

#[tokio::test]
async fn the_api_exports_and_imports_the_archive() {
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let ada = t.token("ada", Access::Full).await;
    // Enough text that the archive is over a megabyte.
    let long = "Ein langer Tag. ".repeat(4_000);
    for day in 1..=20 {
        let body =
            json!({"text": long, "mood": 5, "occurred_at": format!("2026-02-{day:02} 20:00")});
        let r = t
            .api(
                "POST",
                "/api/v1/entries",
                Some(&ada),
                Some(&body.to_string()),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let export = t.api("GET", "/api/v1/export", Some(&ada), None).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    assert!(
        export.body.len() > 1024 * 1024,
        "{} bytes",
        export.body.len()
    );
    assert_eq!(export.json()["entries"].as_array().unwrap().len(), 20);

    t.signed_in("bea").await;
    let bea = t.token("bea", Access::Full).await;
    let dry = t
        .api(
            "POST",
            "/api/v1/import?dry_run=true",
            Some(&bea),
            Some(&export.body),
        )
        .await;
    assert_eq!(
        dry.status,
        StatusCode::OK,
        "{}",
        &dry.body[..dry.body.len().min(300)]
    );
    assert_eq!(dry.json()["added"], 20);
    let done = t
        .api("POST", "/api/v1/import", Some(&bea), Some(&export.body))
        .await
        .json();
    assert_eq!(
        (done["added"].clone(), done["renumbered"].clone()),
        (json!(20), json!(20))
    );
    let again = t
        .api("POST", "/api/v1/import", Some(&bea), Some(&export.body))
        .await
        .json();
    assert_eq!(
        (again["added"].clone(), again["skipped"].clone()),
        (json!(0), json!(20))
    );

    // A write-only token can neither read the archive nor import.
    let write_only = t.token("ada", Access::WriteOnly).await;
    assert_eq!(
        t.api("GET", "/api/v1/export", Some(&write_only), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let bad = t
        .api(
            "POST",
            "/api/v1/import",
            Some(&bea),
            Some("{\"format\": 1}"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
}

#[tokio::test]
async fn the_web_offers_the_download_and_deletes_only_with_the_name_typed() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let csrf = t.csrf(&jar).await;
    t.post_form(
        "/journal",
        &jar,
        &[("csrf", &csrf), ("text", "Private words")],
    )
    .await;
    let download = t.get("/settings/export", &jar).await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(download.headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"between-ada-"));
    assert_eq!(download.headers["cache-control"], "no-store");
    assert!(download.body.contains("Private words"));

    let page = t.get("/settings/delete", &jar).await;
    assert!(
        page.body.contains("href=\"/settings/export\""),
        "the download is offered first"
    );
    assert!(page
        .body
        .contains("Backups of this server made before today still hold your account"));
    let wrong = t
        .post_form(
            "/settings/delete",
            &jar,
            &[("csrf", &csrf), ("confirm", "adam")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("type its name, &#34;ada&#34;, exactly"),
        "{}",
        wrong.body
    );
    let no_token = t
        .post_form("/settings/delete", &jar, &[("confirm", "ada")])
        .await;
    assert_ne!(
        no_token.status,
        StatusCode::SEE_OTHER,
        "a form without its token deletes nothing"
    );
    assert!(t.app.store().user_by_name("ada").await.unwrap().is_some());

    let done = t
        .post_form(
            "/settings/delete",
            &jar,
            &[("csrf", &csrf), ("confirm", "ada")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/signin?notice=deleted");
    assert!(t.app.store().user_by_name("ada").await.unwrap().is_none());
    assert_ne!(t.get("/journal", &jar).await.status, StatusCode::OK);
}
