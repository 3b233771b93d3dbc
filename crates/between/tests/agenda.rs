//! The agenda on the web (edited with plain forms, no JavaScript) and in
//! the JSON API, with its downloads.

#![allow(clippy::unwrap_used)]

#[path = "support/poppler.rs"]
mod poppler;
mod support;

use axum::http::{header, StatusCode};
use between_app::Access;
use serde_json::json;
use support::TestApp;

/// Points' texts in page order.
fn points(body: &str) -> Vec<String> {
    body.split("<p class=\"point\">")
        .skip(1)
        .map(|s| {
            let end = s.find('\n').unwrap_or(s.len());
            let line = &s[..end];
            // Drop the flags' markup, keep the text.
            let text = line.rsplit("</span></span>").next().unwrap_or(line);
            text.trim().to_string()
        })
        .collect()
}

#[tokio::test]
async fn the_agenda_page_is_edited_with_plain_forms_and_downloads() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    for q in [
        "Why do I freeze in meetings?",
        "Can we talk about my sister?",
    ] {
        let r = t
            .api(
                "POST",
                "/api/v1/questions",
                Some(&token),
                Some(&json!({ "text": q }).to_string()),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    assert!(t.get("/", &jar).await.body.contains("href=\"/agenda\""));
    let page = t.get("/agenda", &jar).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("A draft from your latest data."));
    assert_eq!(
        points(&page.body),
        vec![
            "0 journal entries since last time.",
            "Why do I freeze in meetings?",
            "Can we talk about my sister?"
        ]
    );
    let csrf = t.csrf(&jar).await;
    let edit = |fields: Vec<(&'static str, String)>| {
        let mut f = vec![("csrf", csrf.clone())];
        f.extend(fields);
        f
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let t = &t;
        let jar = &jar;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            t.post_form("/agenda/edit", jar, &pairs).await
        }
    };
    // Add an own point, move it up, mark it top, remove a question.
    let r = post(edit(vec![
        ("action", "add".into()),
        ("text", "Ask about the holidays".into()),
    ]))
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location().starts_with("/agenda?notice=saved"),
        "{}",
        r.location()
    );
    let page = t.get("/agenda", &jar).await;
    let key_of = |body: &str, n: usize| -> String {
        let li = body.split(&format!("id=\"point-{n}\"")).nth(1).unwrap();
        li.split("name=\"item\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let own = key_of(&page.body, 4);
    assert!(own.starts_with("own:"));
    post(edit(vec![
        ("action", "up".into()),
        ("item", own.clone()),
        ("position", "4".into()),
    ]))
    .await;
    post(edit(vec![
        ("action", "move".into()),
        ("item", own.clone()),
        ("to", "1".into()),
    ]))
    .await;
    post(edit(vec![("action", "top".into()), ("item", own.clone())])).await;
    let question = key_of(&t.get("/agenda", &jar).await.body, 3);
    // Removing is undoable: the page after it offers the point back, and
    // undo puts it where it was.
    let removed = post(edit(vec![
        ("action", "remove".into()),
        ("item", question.clone()),
    ]))
    .await;
    assert_eq!(removed.location(), "/agenda?notice=removed");
    let page = t.get(removed.location(), &jar).await;
    assert!(
        page.body.contains("Removed “Why do I freeze in meetings?”"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"undo-remove\""), "{}", page.body);
    let before_undo = points(&page.body);
    post(edit(vec![("action", "undo-remove".into())])).await;
    let page = t.get("/agenda", &jar).await;
    assert_eq!(points(&page.body).len(), before_undo.len() + 1);
    assert_eq!(key_of(&page.body, 3), question, "back in its place");
    assert!(!page.body.contains("value=\"undo-remove\""), "offered once");
    post(edit(vec![("action", "remove".into()), ("item", question)])).await;
    let page = t.get("/agenda", &jar).await;
    assert!(page.body.contains("Saved "), "{}", page.body);
    assert_eq!(
        points(&page.body),
        vec![
            "Ask about the holidays",
            "0 journal entries since last time.",
            "Can we talk about my sister?"
        ]
    );
    assert!(page.body.contains("class=\"priority \""));

    // A bad edit says what is wrong and changes nothing.
    let r = post(edit(vec![("action", "add".into()), ("text", "  ".into())])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("An own point needs some text."));
    assert_eq!(points(&t.get("/agenda", &jar).await.body).len(), 3);

    // Later data waits for a refresh, shown first.
    t.api(
        "POST",
        "/api/v1/questions",
        Some(&token),
        Some(r#"{"text":"Is group therapy for me?"}"#),
    )
    .await;
    assert!(!t.get("/agenda", &jar).await.body.contains("group therapy"));
    let changes = t.get("/agenda/changes", &jar).await;
    assert!(
        changes.body.contains("<li>Is group therapy for me?</li>"),
        "{}",
        changes.body
    );
    assert!(
        !changes.body.contains("freeze"),
        "a removed point stays removed"
    );
    post(edit(vec![("action", "refresh".into())])).await;
    assert!(t
        .get("/agenda", &jar)
        .await
        .body
        .contains("Is group therapy for me?"));

    // Downloads.
    let pdf = t.get("/agenda/download?format=pdf", &jar).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    let md = t.get("/agenda/download?format=md", &jar).await;
    assert!(md.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"agenda-next.md\""));
    assert!(
        md.body.contains("1. **Ask about the holidays**"),
        "{}",
        md.body
    );
}

#[tokio::test]
async fn the_api_edits_the_agenda_and_refuses_bad_edits() {
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let edit = |body: serde_json::Value| {
        let t = &t;
        let token = token.clone();
        async move {
            t.api(
                "POST",
                "/api/v1/agenda",
                Some(&token),
                Some(&body.to_string()),
            )
            .await
        }
    };
    let r = edit(json!({"action": "add", "text": "Talk about sleep"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let a = r.json();
    assert_eq!(a["saved"], true);
    let item = a["items"][1].clone();
    assert_eq!(item["text"], "Talk about sleep");
    assert_eq!(item["section"], "own");
    assert_eq!(item["position"], 2);
    let r = edit(json!({"action": "top", "item": item["id"]})).await;
    assert_eq!(
        r.json()["items"][0]["top"],
        true,
        "a top priority moves first"
    );
    assert_eq!(r.json()["items"][0]["text"], "Talk about sleep");
    let r = edit(json!({"action": "move", "item": "2", "to": 1})).await;
    assert_eq!(r.json()["items"][0]["text"], "Talk about sleep");
    let r = edit(json!({"action": "discussed", "item": "1"})).await;
    assert_eq!(r.json()["items"][0]["discussed"], true);

    for (body, status, says) in [
        (
            json!({"action": "move", "item": "1"}),
            422,
            "\"move\" needs \"to\".",
        ),
        (json!({"action": "fly"}), 422, "\"fly\" is not an action"),
        (
            json!({"action": "remove", "item": "9"}),
            422,
            "There is no point 9",
        ),
        (json!({"action": "save", "colour": "red"}), 400, "colour"),
        (
            json!({"action": "save", "appointment": "nope"}),
            422,
            "\"nope\" is not an appointment id.",
        ),
        (
            json!({"action": "save", "text": "ignored?"}),
            422,
            "\"save\" does not take \"text\".",
        ),
        (
            json!({"action": "add", "text": "x", "to": 1}),
            422,
            "\"add\" does not take \"to\".",
        ),
        (json!(["save"]), 400, "must be a JSON object"),
        (
            json!({"action": "save", "appointment": uuid::Uuid::now_v7()}),
            404,
            "not found",
        ),
    ] {
        let r = edit(body.clone()).await;
        assert_eq!(r.status.as_u16(), status, "{body}: {}", r.body);
        let message = r.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(message.contains(says), "{body}: {message}");
    }
    let a = t
        .api("GET", "/api/v1/agenda", Some(&token), None)
        .await
        .json();
    assert_eq!(a["items"].as_array().unwrap().len(), 2, "nothing changed");

    let changes = t
        .api("GET", "/api/v1/agenda/changes", Some(&token), None)
        .await;
    assert_eq!(changes.status, StatusCode::OK);
    assert_eq!(changes.json()["saved"], true);
    let md = t
        .api("GET", "/api/v1/agenda?format=markdown", Some(&token), None)
        .await;
    assert_eq!(md.status, StatusCode::OK);
    assert!(md.body.contains("✓ **Talk about sleep**"), "{}", md.body);
    let pdf = t
        .api("GET", "/api/v1/agenda?format=pdf", Some(&token), None)
        .await;
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");

    // Another account sees its own (empty) agenda, never this one.
    t.signed_in("eve").await;
    let eve = t.token("eve", Access::Full).await;
    let theirs = t
        .api("GET", "/api/v1/agenda", Some(&eve), None)
        .await
        .json();
    assert!(!theirs.to_string().contains("Talk about sleep"));
}

/// A download's bytes as they are (the test client's replies are text).
async fn pdf_bytes(t: &TestApp, path: &str, jar: &support::Jar) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = axum::http::Request::get(path)
        .header(header::COOKIE, jar.header())
        .body(axum::body::Body::empty())
        .unwrap();
    let response = t.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert!(bytes.starts_with(b"%PDF-"));
    bytes.to_vec()
}

/// The key of the point numbered `n` on the page.
fn key_of(body: &str, n: usize) -> String {
    let li = body.split(&format!("id=\"point-{n}\"")).nth(1).unwrap();
    li.split("name=\"item\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn marking_a_point_top_moves_it_first_on_the_page_and_in_the_pdf() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    for q in [
        "Why do I freeze in meetings?",
        "Can we talk about my sister?",
    ] {
        t.api(
            "POST",
            "/api/v1/questions",
            Some(&token),
            Some(&json!({ "text": q }).to_string()),
        )
        .await;
    }
    let csrf = t.csrf(&jar).await;
    let edit = |fields: Vec<(&'static str, String)>| {
        let t = &t;
        let jar = &jar;
        let csrf = csrf.clone();
        async move {
            let mut pairs: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
            pairs.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            t.post_form("/agenda/edit", jar, &pairs).await
        }
    };
    edit(vec![
        ("action", "add".into()),
        ("text", "Ask about the holidays".into()),
    ])
    .await;
    let own = key_of(&t.get("/agenda", &jar).await.body, 4);
    let r = edit(vec![("action", "top".into()), ("item", own.clone())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().ends_with("#point-1"), "{}", r.location());

    let page = t.get("/agenda", &jar).await;
    assert_eq!(
        points(&page.body),
        vec![
            "Ask about the holidays",
            "0 journal entries since last time.",
            "Why do I freeze in meetings?",
            "Can we talk about my sister?"
        ],
        "a top priority comes first"
    );
    let heading = page.body.find("<h2>Top priorities</h2>").unwrap();
    assert!(heading < page.body.find("Ask about the holidays").unwrap());
    // ↑ cannot lift the first of the rest above a top priority.
    let second = page.body.split("id=\"point-2\"").nth(1).unwrap();
    assert!(second.contains("value=\"up\" aria-label=\"Move point 2 up\" disabled"));

    let md = t.get("/agenda/download?format=md", &jar).await.body;
    assert!(
        md.find("1. **Ask about the holidays**").unwrap() < md.find("Why do I freeze").unwrap(),
        "{md}"
    );
    let pdf = pdf_bytes(&t, "/agenda/download?format=pdf", &jar).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agenda.pdf");
    std::fs::write(&path, pdf).unwrap();
    if let Some((pages, text)) = poppler::read_back(&path) {
        assert_eq!(pages, 1);
        let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} in {text}"));
        assert!(at("Top priorities") < at("Ask about the holidays"));
        assert!(
            at("Ask about the holidays") < at("journal entries since last time"),
            "printed first, not last: {text}"
        );
    }

    // No longer top: it leads the rest, under its own heading again.
    edit(vec![("action", "untop".into()), ("item", own)]).await;
    let page = t.get("/agenda", &jar).await;
    assert!(!page.body.contains("<h2>Top priorities</h2>"));
    assert!(page.body.contains("<h2>My own points</h2>"));
}

#[tokio::test]
async fn discussed_is_offered_only_once_the_appointment_has_started() {
    let config = between_app::Config {
        clock: between_app::Clock::manual("2030-01-08T12:00:00Z".parse().unwrap()),
        ..between_app::Config::testing()
    };
    let t = TestApp::with(config, between::web::WebSettings::default()).await;
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    // 17:00 in Berlin: four hours from now.
    let body = json!({"starts_at": "2030-01-08 17:00", "duration_minutes": 50});
    let created = t
        .api(
            "POST",
            "/api/v1/appointments",
            Some(&token),
            Some(&body.to_string()),
        )
        .await;
    let id = created.json()["id"].as_str().unwrap().to_string();
    let url = format!("/agenda?appointment={id}");
    let before = t.get(&url, &jar).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(!points(&before.body).is_empty());
    assert!(
        !before.body.contains("value=\"discussed\""),
        "{}",
        before.body
    );
    assert!(before
        .body
        .contains("Once the session has started, you can tick what you discussed."));
    // The controls per point: ↑ ↓ in a row, the rest in a small menu.
    assert!(before
        .body
        .contains("<summary>More<span class=\"visually-hidden\"> for point 1</span></summary>"));

    t.app
        .clock()
        .advance(std::time::Duration::from_secs(5 * 3600));
    // (Signed in again: five idle hours end a web session.)
    let jar = t.sign_in_jar("ada").await;
    let after = t.get(&url, &jar).await;
    assert!(after.body.contains("value=\"discussed\""), "{}", after.body);
    assert!(!after.body.contains("Once the session has started"));
}
