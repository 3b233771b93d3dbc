//! Input at one boundary: every JSON body, query string and path of the API
//! is read by one extractor each (`ApiJson`, `ApiQuery`, `ApiPath`, and
//! `ApiBody` for imports), which answers every failure in the API's error
//! shape, naming the field, and changes nothing. Text no backend may store
//! (NUL, invalid Unicode) is refused everywhere; arrays are not objects;
//! `28.0` is an integer; unknown values are refused, never ignored; one
//! range of days holds for writing and querying.

#![allow(clippy::unwrap_used)]

#[path = "support/sources.rs"]
mod source_files;
mod support;

use std::path::Path;

use source_files::sources;

use axum::http::{header, StatusCode};
use between_app::Access;
use serde_json::{json, Value};
use support::{Reply, TestApp};

async fn app_with_token(name: &str) -> (TestApp, String) {
    let t = TestApp::new().await;
    t.signed_in(name).await;
    let token = t.token(name, Access::Full).await;
    (t, token)
}

/// An error in the API's shape: JSON, with a code and a message.
fn assert_error_shape(r: &Reply, what: &str) -> Value {
    assert!(
        r.status.is_client_error(),
        "{what}: {} {}",
        r.status,
        r.body
    );
    let content_type = r
        .headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert_eq!(content_type, "application/json", "{what}: {}", r.body);
    let error = r.json()["error"].clone();
    assert!(error["code"].is_string(), "{what}: {}", r.body);
    assert!(error["message"].is_string(), "{what}: {}", r.body);
    error
}

/// Every API route of the router's table, with sample ids in the path.
fn api_routes() -> Vec<(String, String)> {
    let id = uuid::Uuid::now_v7().to_string();
    between::web::route_table::endpoints()
        .into_iter()
        .filter(|e| e.path.starts_with("/api/v1/") && e.path != "/api/v1/openapi.json")
        .map(|e| {
            let path = e
                .path
                .replace("{id}", &id)
                .replace("{log_id}", &id)
                .replace("{kind}", "measures");
            (e.method, path)
        })
        .collect()
}

#[tokio::test]
async fn every_api_route_refuses_a_nul_or_bad_utf8_in_the_query_in_the_error_shape() {
    let (t, token) = app_with_token("ada").await;
    let routes = api_routes();
    assert!(routes.len() > 70, "{} routes", routes.len());
    for (method, path) in &routes {
        for query in ["since=a%00b", "since=%FF%FE", "x%00=1"] {
            let r = t
                .api(method, &format!("{path}?{query}"), Some(&token), None)
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{method} {path}?{query}");
            let error = assert_error_shape(&r, &format!("{method} {path}?{query}"));
            assert!(
                error["message"].as_str().unwrap().contains("NUL")
                    || error["message"].as_str().unwrap().contains("UTF-8"),
                "{method} {path}?{query}: {error}"
            );
        }
    }
}

#[tokio::test]
async fn every_api_body_refuses_text_that_cannot_be_stored_naming_the_field() {
    let (t, token) = app_with_token("bo").await;
    // Each route that reads a JSON body, with the field the bad text is in.
    let bodies: Vec<(&str, Vec<u8>, &str)> = vec![
        ("text", br#"{"text": "a\u0000b"}"#.to_vec(), "NUL"),
        ("text", br#"{"text": "\ud800"}"#.to_vec(), "Unicode"),
        ("text", b"{\"text\": \"a\xffb\"}".to_vec(), "UTF-8"),
        ("text", b"{\"text\": \"a\0b\"}".to_vec(), "NUL"),
        ("tags[0]", br#"{"tags": ["\u0000"]}"#.to_vec(), "NUL"),
    ];
    let mut checked = 0;
    for (method, path) in api_routes() {
        if !["POST", "PUT", "PATCH"].contains(&method.as_str()) || path.ends_with("/import") {
            continue;
        }
        for (field, body, says) in &bodies {
            let request = axum::http::Request::builder()
                .method(method.as_str())
                .uri(&path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(body.clone()))
                .unwrap();
            let r = t.send(request).await;
            if r.status.is_success() {
                // Routes that read no body (e.g. POST /entries/{id}/restore
                // of an unknown id is 404, /shares/invites makes an invite).
                assert!(
                    ["/api/v1/shares/invites"].iter().any(|p| path.ends_with(p)),
                    "{method} {path} accepted {}",
                    String::from_utf8_lossy(body)
                );
                continue;
            }
            let error = assert_error_shape(&r, &format!("{method} {path}"));
            if r.status == StatusCode::UNPROCESSABLE_ENTITY && error["fields"][field].is_string() {
                assert!(
                    error["fields"][field].as_str().unwrap().contains(says),
                    "{method} {path}: {error}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} body checks named the field");
    let list = t
        .api("GET", "/api/v1/entries", Some(&token), None)
        .await
        .json();
    assert_eq!(list["entries"], json!([]), "nothing was written");
}

#[tokio::test]
async fn a_json_array_is_never_read_as_an_object() {
    let (t, token) = app_with_token("cy").await;
    let q = t
        .api(
            "POST",
            "/api/v1/questions",
            Some(&token),
            Some(r#"{"text": "keep me"}"#),
        )
        .await
        .json();
    let path = format!("/api/v1/questions/{}", q["id"].as_str().unwrap());
    let r = t
        .api("PATCH", &path, Some(&token), Some(r#"["changed"]"#))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("JSON object"));
    assert_eq!(
        t.api("GET", &path, Some(&token), None).await.json()["text"],
        "keep me"
    );
    // Nested objects too: a feeling written as a pair is refused by path.
    let r = t
        .api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(r#"{"text": "x", "feelings": [["sad", 5]]}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["error"]["fields"]["feelings[0]"].is_string(),
        "{}",
        r.body
    );
    // And a merge patch that makes one inside an object is refused too.
    let e = t
        .api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(r#"{"text": "x"}"#),
        )
        .await
        .json();
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/entries/{}", e["id"].as_str().unwrap()),
            Some(&token),
            Some(r#"{"prompts": [["q", "a"]]}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
}

#[tokio::test]
async fn integers_may_be_written_with_a_zero_fraction_and_fractions_are_refused() {
    let (t, token) = app_with_token("dee").await;
    let r = t
        .api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(r#"{"text": "x", "mood": 7.0, "feelings": [{"name": "calm", "intensity": 5.0}]}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["mood"], 7);
    assert_eq!(r.json()["feelings"][0]["intensity"], 5);
    let r = t
        .api(
            "POST",
            "/api/v1/measures",
            Some(&token),
            Some(r#"{"instrument": "gad7", "answers": [1.0, 1, 0, 0, 2.0, 0, 1]}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["total"], 5);
    let r = t
        .api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(r#"{"text": "x", "mood": 7.5}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["error"]["fields"]["mood"].is_string(),
        "{}",
        r.body
    );
    let r = t
        .api("GET", "/api/v1/entries?limit=2.0", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "a query integer too: {}", r.body);
}

#[tokio::test]
async fn unknown_values_and_parameters_are_refused_not_ignored() {
    let (t, token) = app_with_token("eve").await;
    for (method, path, body, field) in [
        (
            "GET",
            "/api/v1/appointments?upcoming=soon",
            None,
            "upcoming",
        ),
        ("GET", "/api/v1/goals?due=maybe", None, "due"),
        ("GET", "/api/v1/questions?status=closed", None, "status"),
        ("GET", "/api/v1/questions?stauts=open", None, "stauts"),
        ("GET", "/api/v1/review?format=doc", None, "format"),
        ("GET", "/api/v1/agenda?format=docx", None, "format"),
        (
            "POST",
            "/api/v1/import?dry_run=perhaps",
            Some("{}"),
            "dry_run",
        ),
        ("POST", "/api/v1/import?from=evernote", Some("{}"), "from"),
        (
            "POST",
            "/api/v1/agenda",
            Some(r#"{"action": "save", "item": "1"}"#),
            "item",
        ),
        (
            "POST",
            "/api/v1/insights",
            Some(r#"{"text": "x", "kind": "hunch"}"#),
            "kind",
        ),
        (
            "POST",
            "/api/v1/private-links",
            Some(r#"{"kind": "diary"}"#),
            "kind",
        ),
        (
            "POST",
            "/api/v1/trackers",
            Some(r#"{"preset": "sleep", "name": "Naps"}"#),
            "preset",
        ),
        (
            "POST",
            "/api/v1/assignments/01a242a3-51cb-70e7-8359-5f26ff4ae734",
            Some(r#"{"action": "decline", "note": "no", "schedule": "daily"}"#),
            "schedule",
        ),
    ] {
        let r = t.api(method, path, Some(&token), body).await;
        let error = assert_error_shape(&r, path);
        assert!(
            error["fields"][field].is_string(),
            "{method} {path}: {}",
            r.body
        );
    }
    let list = t
        .api("GET", "/api/v1/insights", Some(&token), None)
        .await
        .json();
    assert_eq!(list["insights"], json!([]), "nothing was written");
}

#[tokio::test]
async fn a_time_that_can_be_written_can_be_queried_and_none_beyond_the_range() {
    let (t, token) = app_with_token("fay").await;
    for at in ["1900-01-01 00:00", "2199-12-31 23:59"] {
        let body = json!({"text": at, "occurred_at": at}).to_string();
        let r = t
            .api("POST", "/api/v1/entries", Some(&token), Some(&body))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{at}: {}", r.body);
    }
    let both = t
        .api(
            "GET",
            "/api/v1/entries?since=1900-01-01&until=2199-12-31",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(both.status, StatusCode::OK, "{}", both.body);
    assert_eq!(both.json()["entries"].as_array().unwrap().len(), 2);
    for path in [
        "/api/v1/trend?since=1900-01-01&until=2199-12-31",
        "/api/v1/patterns?since=1900-01-01",
        "/api/v1/review?since=1900-01-01&until=2199-12-31",
    ] {
        let r = t.api("GET", path, Some(&token), None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    }
    let body = json!({"text": "x", "occurred_at": "2200-01-01"}).to_string();
    let r = t
        .api("POST", "/api/v1/entries", Some(&token), Some(&body))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"]["fields"]["occurred_at"]
        .as_str()
        .unwrap()
        .contains("1900-01-01 to 2199-12-31"));
    for query in ["since=1899-12-31", "until=2200-01-01", "since=1000y"] {
        let r = t
            .api(
                "GET",
                &format!("/api/v1/entries?{query}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        assert_error_shape(&r, query);
    }
}

#[tokio::test]
async fn a_wrong_method_and_a_bad_path_answer_in_the_error_shape() {
    let (t, token) = app_with_token("gus").await;
    let r = t.api("PUT", "/api/v1/entries", Some(&token), None).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_error_shape(&r, "PUT /entries");
    let r = t
        .api("GET", "/api/v1/entries/%FF%FE", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_error_shape(&r, "a path that is not UTF-8");
}

#[test]
fn api_handlers_take_input_only_through_the_api_extractors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/api");
    let mut files = Vec::new();
    sources(&dir, &mut files);
    assert!(files.len() > 20, "found only {} files", files.len());
    // The extractors themselves, and what they build on; and the retry
    // layer, which reads only the Idempotency-Key header and decodes only
    // the answer it sealed itself.
    let boundary = [
        "idempotency.rs",
        "body.rs",
        "query.rs",
        "path.rs",
        "strict.rs",
        "json_value.rs",
    ];
    let forbidden = [
        "Query<",
        "Query(",
        "RawQuery",
        "Path<",
        "Path(",
        "Form<",
        "Multipart",
        "body::Bytes",
        ": Bytes",
        "Bytes>",
        "axum::extract::Json",
        "Json<",
        "from_slice",
        "from_str",
        "from_value",
        "from_reader",
        "Request<",
    ];
    let mut found = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_str().unwrap();
        if boundary.contains(&name) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let line = line
                .replace("ApiJson<", "")
                .replace("ApiQuery<", "")
                .replace("ApiQuery(", "")
                .replace("ApiPath<", "")
                .replace("ApiPath(", "");
            if forbidden.iter().any(|f| line.contains(f)) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "read API input with ApiJson, ApiQuery, ApiPath or ApiBody instead of:\n{}",
        found.join("\n")
    );
}
