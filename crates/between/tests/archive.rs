//! The archive through the JSON API: download, dry run, import, and a
//! body larger than the API's usual limit.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::Access;
use serde_json::json;
use support::{TestApp, PASSWORD};

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
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("not a Between archive"));
    // Other journals come in through the same endpoint.
    let jrnl = r#"{"tags": {}, "entries": [{"title": "From jrnl", "body": "", "date": "2026-09-01", "time": "08:15", "tags": ["@work"], "starred": false}]}"#;
    let from_jrnl = t
        .api("POST", "/api/v1/import?from=jrnl", Some(&bea), Some(jrnl))
        .await;
    assert_eq!(from_jrnl.status, StatusCode::OK, "{}", from_jrnl.body);
    assert_eq!(from_jrnl.json()["added"], 1);
    let unknown = t
        .api(
            "POST",
            "/api/v1/import?from=evernote",
            Some(&bea),
            Some(jrnl),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "a bad query");
    assert!(unknown.json()["error"]["fields"]["from"]
        .as_str()
        .unwrap()
        .contains("evernote"));
}

#[tokio::test]
async fn the_web_offers_the_download_and_deletes_only_with_the_name_and_password_typed() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let csrf = t.csrf(&jar).await;
    t.post_form(
        "/journal",
        &jar,
        &[("csrf", &csrf), ("text", "Private words")],
    )
    .await;
    // The archive is a form with the password, not a link a stolen
    // session could follow.
    let link = t.get("/settings/export", &jar).await;
    assert_eq!(link.status, StatusCode::SEE_OTHER);
    assert_eq!(link.location(), "/settings/data#everything");
    let data = t.get("/settings/data", &jar).await;
    assert!(data.body.contains("action=\"/settings/export\""));
    assert!(data.body.contains("autocomplete=\"current-password\""));
    let wrong = t
        .post_form(
            "/settings/export",
            &jar,
            &[("csrf", &csrf), ("password", "not my password")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("That is not your password"),
        "{}",
        wrong.body
    );
    assert!(!wrong.body.contains("not my password"), "never echoed");
    assert!(!wrong.body.contains("Private words"));
    let download = t
        .post_form(
            "/settings/export",
            &jar,
            &[("csrf", &csrf), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(download.headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"between-ada-"));
    assert_eq!(download.headers["cache-control"], "no-store");
    assert!(download.body.contains("Private words"));

    let page = t.get("/settings/delete", &jar).await;
    assert!(
        page.body.contains("href=\"/settings/data#everything\""),
        "the download is offered first"
    );
    assert!(page
        .body
        .contains("Backups of this server made before today still hold your account"));
    let wrong = t
        .post_form(
            "/settings/delete",
            &jar,
            &[("csrf", &csrf), ("confirm", "adam"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("type its name, &#34;ada&#34;, exactly"),
        "{}",
        wrong.body
    );
    let wrong_password = t
        .post_form(
            "/settings/delete",
            &jar,
            &[
                ("csrf", &csrf),
                ("confirm", "ada"),
                ("password", "guess 1234"),
            ],
        )
        .await;
    assert_eq!(wrong_password.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong_password.body.contains("That is not your password"));
    assert!(!wrong_password.body.contains("guess 1234"), "never echoed");
    assert!(t.app.store().user_by_name("ada").await.unwrap().is_some());
    let no_token = t
        .post_form(
            "/settings/delete",
            &jar,
            &[("confirm", "ada"), ("password", PASSWORD)],
        )
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
            &[("csrf", &csrf), ("confirm", "ada"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/signin?notice=deleted");
    assert!(t.app.store().user_by_name("ada").await.unwrap().is_none());
    assert_ne!(t.get("/journal", &jar).await.status, StatusCode::OK);
}

/// A multipart/form-data body of text fields and one file.
fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----between-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn the_web_imports_files_from_other_journals_and_downloads_every_format() {
    use axum::body::Body;
    use axum::http::{header, Request};
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let csrf = t.csrf(&jar).await;
    let page = t.get("/settings/data", &jar).await;
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    assert!(page.body.contains("Daylio (CSV export)"));

    let daylio = "full_date,date,weekday,time,mood,activities,note_title,note\n\
2026-09-02,September 2,Wednesday,20:15,rad,friends,,Lovely\n2026-09-01,September 1,Tuesday,07:30,sleepy,,,\n";
    let post = |fields: Vec<(&'static str, String)>, file: &'static [u8]| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (*a, b.as_str())).collect();
        let (kind, body) = multipart(&fields, ("export.csv", file));
        Request::post("/settings/import")
            .header(header::COOKIE, jar.header())
            .header(header::CONTENT_TYPE, kind)
            .body(Body::from(body))
            .unwrap()
    };
    let daylio: &'static [u8] = Box::leak(daylio.as_bytes().to_vec().into_boxed_slice());
    let refused = t
        .send(post(
            vec![("csrf", csrf.clone()), ("from", "daylio".into())],
            daylio,
        ))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Nothing was imported. These moods have no number yet: sleepy."),
        "{}",
        refused.body
    );

    let checked = t
        .send(post(
            vec![
                ("csrf", csrf.clone()),
                ("from", "daylio".into()),
                ("mood_map", "sleepy=4".into()),
                ("dry_run", "1".into()),
            ],
            daylio,
        ))
        .await;
    assert!(
        checked.body.contains("Checked: this would add 2"),
        "{}",
        checked.body
    );
    let done = t
        .send(post(
            vec![
                ("csrf", csrf.clone()),
                ("from", "daylio".into()),
                ("mood_map", "sleepy=4".into()),
            ],
            daylio,
        ))
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("Imported: 2"), "{}", done.body);
    let stale = t
        .send(post(
            vec![("csrf", "stale".into()), ("from", "daylio".into())],
            daylio,
        ))
        .await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST);

    let md = t.get("/settings/export?format=markdown", &jar).await;
    assert!(md.body.contains("# Journal — September 2026") && md.body.contains("Lovely"));
    assert!(md.headers["content-disposition"]
        .to_str()
        .unwrap()
        .ends_with(".md\""));
    let fhir = t.get("/settings/export?format=fhir", &jar).await;
    assert_eq!(fhir.json()["resourceType"], "Bundle");
    assert_eq!(
        t.get("/settings/export?format=pdf", &jar).await.status,
        StatusCode::NOT_FOUND
    );
}
