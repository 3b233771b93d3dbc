//! Hostile and oversized input through the router: a zip bomb whose
//! headers lie, a zip listing a million members, a CSV with a million
//! columns, bodies over each route's limit, and an upload while another
//! import runs. Each is refused with a clear 4xx (or 503) whose body stays
//! small, names the problem, and nothing is imported.

#![allow(clippy::unwrap_used)]

mod support;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use between_app::import::MAX_FILE_BYTES;
use between_app::testing::zips;
use between_app::Access;
use support::{Jar, Reply, TestApp};

/// A multipart/form-data body of text fields and one file.
fn multipart(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----between-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload_page(t: &TestApp, jar: &Jar, from: &str, file: &[u8]) -> Reply {
    let csrf = t.csrf(jar).await;
    let (kind, body) = multipart(&[("csrf", &csrf), ("from", from)], file);
    t.send(
        Request::post("/settings/import")
            .header(header::COOKIE, jar.header())
            .header(header::CONTENT_TYPE, kind)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

async fn upload_api(t: &TestApp, token: &str, query: &str, file: Vec<u8>) -> Reply {
    t.send(
        Request::post(format!("/api/v1/import?{query}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(file))
            .unwrap(),
    )
    .await
}

async fn entry_count(t: &TestApp, token: &str) -> usize {
    let r = t
        .api("GET", "/api/v1/entries?since=1970-01-01", Some(token), None)
        .await;
    r.json()["entries"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_zip_bomb_with_forged_sizes_is_refused_and_imports_nothing() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    // Its headers claim 1 KiB; it unpacks to 1 GiB.
    let bomb = zips::bomb("Journal.json", 1024);
    assert!(bomb.len() < 2 * 1024 * 1024, "{} bytes", bomb.len());

    let api = upload_api(&t, &token, "from=dayone", bomb.clone()).await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    let message = api.json()["error"]["fields"]["file"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        message,
        "This zip unpacks to more than 16 MiB (at \"Journal.json\"), the most Between imports from one file."
    );

    let form = t.get("/settings/data", &jar).await;
    assert!(
        form.body.contains("Files of up to 16 MiB."),
        "{}",
        form.body
    );
    let page = upload_page(&t, &jar, "dayone", &bomb).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Nothing was imported. This zip unpacks to more than 16 MiB"),
        "{}",
        page.body
    );
    assert_eq!(entry_count(&t, &token).await, 0);
}

#[tokio::test]
async fn a_zip_listing_a_million_members_is_refused_before_any_is_read() {
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let r = upload_api(&t, &token, "from=dayone", zips::claiming_members(1_000_000)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("This zip lists 1000000 files; Between reads zips of at most 10000 files."),
        "{}",
        r.body
    );
    let nested = zips::zip(&[("inner.zip", &zips::zip(&[("Journal.json", b"{}")]))]);
    let r = upload_api(&t, &token, "from=dayone", nested).await;
    assert!(r.body.contains("holds another zip"), "{}", r.body);
}

#[tokio::test]
async fn a_csv_with_a_million_columns_gets_a_short_error_naming_the_problem() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let header: Vec<String> = (0..1_000_000).map(|i| format!("c{i}")).collect();
    let csv = format!("{}\n2026-09-01,ok\n", header.join(","));
    assert!(csv.len() > 6 * 1024 * 1024);

    let r = upload_api(
        &t,
        &token,
        "from=csv&map=c0%3Ddate&map=Missing%3Dtext",
        csv.clone().into_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.len() < 2 * 1024, "{} bytes", r.body.len());
    let message = r.json()["error"]["fields"]["map"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.starts_with("The file has no column \"Missing\"; its columns are: c0, c1, c2"),
        "{message}"
    );
    assert!(message.ends_with(" more."), "{message}");

    // Daylio's header check quotes the header too.
    let r = upload_api(&t, &token, "from=daylio", csv.clone().into_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.len() < 2 * 1024, "{} bytes", r.body.len());
    assert!(
        r.body.contains("This is not a Daylio CSV export"),
        "{}",
        r.body
    );

    // The web page says the same, as briefly.
    let csrf = t.csrf(&jar).await;
    let (kind, body) = multipart(
        &[
            ("csrf", &csrf),
            ("from", "csv"),
            ("map", "c0=date\nMissing=text"),
        ],
        csv.as_bytes(),
    );
    let page = t
        .send(
            Request::post("/settings/import")
                .header(header::COOKIE, jar.header())
                .header(header::CONTENT_TYPE, kind)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("no column &#34;Missing&#34;"),
        "{}",
        &page.body[..page.body.len().min(2000)]
    );
    assert!(page.body.len() < 40 * 1024, "{} bytes", page.body.len());
}

#[tokio::test]
async fn a_file_with_a_million_bad_entries_names_twenty_and_counts_the_rest() {
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let bad = r#"{"title": "x", "date": "someday"}"#;
    let file = format!(r#"{{"entries": [{}]}}"#, vec![bad; 200_000].join(","));
    let r = upload_api(&t, &token, "from=jrnl", file.into_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.len() < 8 * 1024, "{} bytes", r.body.len());
    let json = r.json();
    assert_eq!(json["error"]["fields"].as_object().unwrap().len(), 20);
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .ends_with("There are 199980 more problems."),
        "{}",
        json["error"]["message"]
    );
}

#[tokio::test]
async fn hostile_names_in_the_query_are_cut_in_the_error() {
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let long = "x".repeat(20_000);
    let r = upload_api(&t, &token, &format!("{long}=1&from={long}"), b"{}".to_vec()).await;
    // A query that cannot be read is a bad request, like every query error.
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.len() < 2 * 1024, "{} bytes", r.body.len());
    assert!(
        r.body.contains("is not a parameter of this endpoint"),
        "{}",
        r.body
    );
    assert!(r.body.contains("expected one of `from`"), "{}", r.body);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_naming_the_limit_that_applied() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;

    // The API's usual limit.
    let huge = serde_json::json!({"text": "x".repeat(2 * 1024 * 1024)}).to_string();
    let r = t
        .api("POST", "/api/v1/entries", Some(&token), Some(&huge))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "too_large");
    assert_eq!(
        r.json()["error"]["message"],
        "The request body is larger than 1 MiB, the most this endpoint accepts."
    );

    // The import's own limit.
    let over = vec![b' '; MAX_FILE_BYTES as usize + 1];
    let r = upload_api(&t, &token, "from=jrnl", over.clone()).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        r.json()["error"]["message"],
        "The request body is larger than 16 MiB, the most this endpoint accepts."
    );

    // A page form's limit, and the import page's.
    let csrf = t.csrf(&jar).await;
    let long = "x".repeat(3 * 1024 * 1024);
    let r = t
        .post_form("/journal", &jar, &[("csrf", &csrf), ("text", &long)])
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.body
            .contains("What was sent is larger than 2 MiB, the most this page accepts."),
        "{}",
        r.body
    );
    let r = upload_page(&t, &jar, "jrnl", &over).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.body
            .contains("What was sent is larger than 16 MiB, the most this page accepts."),
        "{}",
        r.body
    );
    assert_eq!(entry_count(&t, &token).await, 0);
}

#[tokio::test]
async fn an_upload_while_another_import_runs_is_told_to_try_again() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let jrnl = br#"{"entries": [{"title": "Hello", "date": "2026-09-01"}]}"#;
    let running = t.app.try_import_slot().unwrap();

    let r = upload_api(&t, &token, "from=jrnl", jrnl.to_vec()).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json()["error"]["code"], "busy");
    assert_eq!(r.headers[header::RETRY_AFTER], "60");
    let page = upload_page(&t, &jar, "jrnl", jrnl).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.body.contains("Another import is running"),
        "{}",
        page.body
    );

    drop(running);
    let r = upload_api(&t, &token, "from=jrnl", jrnl.to_vec()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["added"], 1);
}
