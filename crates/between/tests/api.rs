//! The JSON API contract: bearer tokens, status codes, the entry shape,
//! cursor paging, merge patch, and clear errors for bad input.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::Access;
use serde_json::json;
use support::TestApp;

async fn app_with_token(name: &str) -> (TestApp, String) {
    let t = TestApp::new().await;
    t.signed_in(name).await;
    let token = t.token(name, Access::Full).await;
    (t, token)
}

#[tokio::test]
async fn health_and_the_openapi_document_need_no_token() {
    let t = TestApp::new().await;
    assert_eq!(
        t.api("GET", "/healthz", None, None).await.status,
        StatusCode::OK
    );
    let doc = t
        .api("GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    assert_eq!(doc["openapi"], "3.1.0");
    // Every API route of the router's table is documented.
    let mut missing = Vec::new();
    for e in between::web::route_table::endpoints() {
        let Some(path) = e.path.strip_prefix("/api/v1") else {
            continue;
        };
        if path == "/openapi.json" {
            continue;
        }
        if !doc["paths"][path][e.method.to_lowercase()].is_object() {
            missing.push(format!("{} {path}", e.method));
        }
    }
    assert!(missing.is_empty(), "not in openapi.json: {missing:#?}");
}

#[tokio::test]
async fn without_a_valid_token_everything_is_401_with_the_error_shape() {
    let (t, _) = app_with_token("ada").await;
    for token in [None, Some("btw_madeup")] {
        let r = t.api("GET", "/api/v1/entries", token, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json()["error"]["code"], "unauthorized");
        assert!(r.json()["error"]["message"].as_str().unwrap().len() > 10);
    }
}

#[tokio::test]
async fn an_entry_is_created_read_patched_deleted_and_restored() {
    let (t, token) = app_with_token("bo").await;
    let body = json!({
        "text": "Meeting went badly", "mood": 3, "occurred_at": "2026-05-01 18:30",
        "feelings": [{"name": "Anxious", "intensity": 8}, {"name": "tired", "intensity": 4}],
        "triggers": ["work meeting"], "tags": ["#work"], "starred": true,
        "prompts": [{"prompt": "What did I do?", "answer": "Walked home"}]
    });
    let created = t
        .api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let e = created.json();
    let id = e["id"].as_str().unwrap().to_string();
    assert_eq!(created.location(), format!("/api/v1/entries/{id}"));
    assert_eq!(e["occurred_at"], "2026-05-01T18:30:00+02:00");
    assert_eq!(e["feelings"][0], json!({"name": "anxious", "intensity": 8}));
    assert_eq!(e["tags"], json!(["work"]));
    assert_eq!(e["shared"], false);
    for key in ["created_at", "updated_at", "prompts", "triggers", "starred"] {
        assert!(e.get(key).is_some(), "{key}");
    }

    let read = t
        .api("GET", &format!("/api/v1/entries/{id}"), Some(&token), None)
        .await
        .json();
    assert_eq!(read, e);

    let patched = t
        .api(
            "PATCH",
            &format!("/api/v1/entries/{id}"),
            Some(&token),
            Some(r#"{"mood": 5, "tags": ["better"], "triggers": null}"#),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    let p = patched.json();
    assert_eq!(
        (p["mood"].clone(), p["tags"].clone(), p["triggers"].clone()),
        (json!(5), json!(["better"]), json!([]))
    );
    assert_eq!(p["text"], "Meeting went badly", "untouched fields stay");

    assert_eq!(
        t.api(
            "DELETE",
            &format!("/api/v1/entries/{id}"),
            Some(&token),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let list = t
        .api("GET", "/api/v1/entries", Some(&token), None)
        .await
        .json();
    assert_eq!(list["entries"], json!([]));
    let restored = t
        .api(
            "POST",
            &format!("/api/v1/entries/{id}/restore"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(restored.status, StatusCode::OK);
    assert!(restored.json().get("deleted_at").is_none());
}

#[tokio::test]
async fn lists_are_newest_first_in_a_range_and_paged_with_a_cursor() {
    let (t, token) = app_with_token("cy").await;
    for day in 1..=5 {
        let body =
            json!({"text": format!("day {day}"), "occurred_at": format!("2026-03-0{day} 12:00")});
        t.api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(&body.to_string()),
        )
        .await;
    }
    let texts = |v: &serde_json::Value| {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["text"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let page1 = t
        .api("GET", "/api/v1/entries?limit=2", Some(&token), None)
        .await
        .json();
    assert_eq!(texts(&page1), ["day 5", "day 4"]);
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 = t
        .api(
            "GET",
            &format!("/api/v1/entries?limit=2&cursor={cursor}"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(texts(&page2), ["day 3", "day 2"]);
    let range = t
        .api(
            "GET",
            "/api/v1/entries?since=2026-03-02&until=2026-03-03",
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(
        texts(&range),
        ["day 3", "day 2"],
        "both end days are included"
    );
    assert!(range["next_cursor"].is_null());
    let empty = t
        .api(
            "GET",
            "/api/v1/entries?since=&until=&limit=&cursor=",
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(texts(&empty).len(), 5, "empty parameters count as absent");
    let found = t
        .api("GET", "/api/v1/entries/search?q=day+4", Some(&token), None)
        .await
        .json();
    assert_eq!(texts(&found), ["day 4"]);
}

#[tokio::test]
async fn bad_input_is_rejected_with_a_clear_message_and_writes_nothing() {
    let (t, token) = app_with_token("dee").await;
    let cases = [
        (
            "{not json",
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "not valid",
        ),
        (
            r#"{"text": "x", "colour": "blue"}"#,
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "unknown field `colour`",
        ),
        (
            r#"{"text": "x", "mood": 42}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "not 42",
        ),
        (
            r#"{"feelings": [{"name": "sad", "intensity": 99}]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "not 99",
        ),
        (
            r#"{"text": "x", "occurred_at": "last tuesday"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "last tuesday",
        ),
        (
            r#"{"text": "   "}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "needs something",
        ),
    ];
    for (body, status, code, says) in cases {
        let r = t
            .api("POST", "/api/v1/entries", Some(&token), Some(body))
            .await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
        let err = &r.json()["error"];
        assert_eq!(err["code"], code, "{body}");
        assert!(
            err["message"].as_str().unwrap().contains(says),
            "{body}: {}",
            err["message"]
        );
    }
    let r = t
        .api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(r#"{"text": "x", "mood": 0}"#),
        )
        .await;
    assert_eq!(
        r.json()["error"]["fields"]["mood"].as_str().unwrap(),
        "Mood must be between 1 and 10 (10 = best), not 0."
    );
    let huge = json!({"text": "x".repeat(2 * 1024 * 1024)}).to_string();
    let r = t
        .api("POST", "/api/v1/entries", Some(&token), Some(&huge))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "too_large");
    for (q, field) in [
        ("limit=0", "limit"),
        ("limit=5000", "limit"),
        ("limit=ten", "limit"),
        ("limit=2.5", "limit"),
        ("since=someday", "since"),
        ("until=someday", "until"),
        ("since=1850-01-01", "since"),
        ("cursor=garbage", "cursor"),
        ("colour=red", "colour"),
        ("since=7d&since=2w", "since"),
    ] {
        let r = t
            .api("GET", &format!("/api/v1/entries?{q}"), Some(&token), None)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.json()["error"]["code"], "invalid", "{q}");
        assert!(
            r.json()["error"]["fields"][field].is_string(),
            "{q}: {}",
            r.body
        );
    }
    let list = t
        .api("GET", "/api/v1/entries", Some(&token), None)
        .await
        .json();
    assert_eq!(list["entries"], json!([]), "nothing was written");
}

#[tokio::test]
async fn a_patch_that_breaks_the_entry_changes_nothing() {
    let (t, token) = app_with_token("eve").await;
    let e = t
        .api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(r#"{"text": "keep", "mood": 5}"#),
        )
        .await
        .json();
    let path = format!("/api/v1/entries/{}", e["id"].as_str().unwrap());
    for patch in [
        r#"{"mood": 11}"#,
        r#"{"id": "x"}"#,
        r#"["not", "an", "object"]"#,
        r#"{"text": "", "mood": null}"#,
    ] {
        let r = t.api("PATCH", &path, Some(&token), Some(patch)).await;
        assert!(r.status.is_client_error(), "{patch}");
    }
    assert_eq!(t.api("GET", &path, Some(&token), None).await.json(), e);
}

#[tokio::test]
async fn another_accounts_ids_are_404_never_403() {
    let (t, token_a) = app_with_token("fay").await;
    t.signed_in("gus").await;
    let token_b = t.token("gus", Access::Full).await;
    let e = t
        .api(
            "POST",
            "/api/v1/entries",
            Some(&token_a),
            Some(r#"{"text": "fay's"}"#),
        )
        .await
        .json();
    let path = format!("/api/v1/entries/{}", e["id"].as_str().unwrap());
    for (method, p, body) in [
        ("GET", path.clone(), None),
        ("PATCH", path.clone(), Some("{}")),
        ("DELETE", path.clone(), None),
        ("POST", format!("{path}/restore"), None),
    ] {
        let r = t.api(method, &p, Some(&token_b), body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {p}");
        assert!(!r.body.contains("fay's"));
    }
    assert_eq!(
        t.api("GET", "/api/v1/entries/not-a-uuid", Some(&token_b), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_write_only_token_adds_entries_and_reads_nothing() {
    let t = TestApp::new().await;
    t.signed_in("hal").await;
    let token = t.token("hal", Access::WriteOnly).await;
    let created = t
        .api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(r#"{"text": "from the phone", "mood": 6}"#),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["id"].as_str().unwrap().to_string();
    for path in [
        "/api/v1/entries".to_string(),
        format!("/api/v1/entries/{id}"),
        "/api/v1/entries/search?q=phone".into(),
    ] {
        let r = t.api("GET", &path, Some(&token), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!r.body.contains("from the phone"));
    }
    // A shortcut retrying with the same Idempotency-Key adds one entry.
    let retry = || {
        axum::http::Request::builder()
            .method("POST")
            .uri("/api/v1/entries")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .header("idempotency-key", "shortcut-run-7")
            .body(axum::body::Body::from(r#"{"text": "sent twice"}"#))
            .unwrap()
    };
    let first = t.send(retry()).await;
    let second = t.send(retry()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(first.json()["id"], second.json()["id"]);
    let bad = t
        .send(
            axum::http::Request::builder()
                .method("POST")
                .uri("/api/v1/entries")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {token}"))
                .header("idempotency-key", "with space")
                .body(axum::body::Body::from(r#"{"text": "x"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let full = t.token("hal", Access::Full).await;
    let list = t
        .api("GET", "/api/v1/entries", Some(&full), None)
        .await
        .json();
    let texts: Vec<&str> = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["sent twice", "from the phone"]);
}
