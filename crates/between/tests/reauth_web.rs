//! A stolen session cookie must not become lasting access: through the
//! router, creating an API token, downloading the whole account and
//! deleting it each need the password typed into the same form. A wrong
//! password shows the page again with what was wrong, never the password,
//! and changes nothing; wrong passwords here are throttled with sign-in's.
//! A session cookie sent as a bearer token cannot take the archive either.
//! On SQLite, and PostgreSQL when it is there.

#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use between_app::throttle::MAX_PER_CLIENT_AND_NAME;
use between_store::testing::TestDb;
use between_store::CredentialKind;
use support::{Jar, Reply, TestApp, PASSWORD};

async fn both_backends() -> Vec<TestApp> {
    let mut apps = vec![TestApp::new().await];
    if let Some(db) = TestDb::postgres().await {
        apps.push(TestApp::on(db).await);
    }
    apps
}

/// A form post as it arrives from `peer`.
async fn post_from(
    t: &TestApp,
    path: &str,
    jar: &Jar,
    peer: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut request = Request::post(path)
        .header(header::COOKIE, jar.header())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let peer: SocketAddr = format!("{peer}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    t.send(request).await
}

async fn tokens(t: &TestApp, name: &str) -> usize {
    let user = t.app.store().user_by_name(name).await.unwrap().unwrap();
    t.app
        .store()
        .credentials_of_user(user.id, Some(CredentialKind::Token))
        .await
        .unwrap()
        .len()
}

/// Whether the page has a labelled password field asking for the current
/// password.
fn asks_for_the_password(page: &str) -> bool {
    page.contains("type=\"password\" name=\"password\"")
        && page.contains("autocomplete=\"current-password\"")
        && page.contains("Your password")
}

#[tokio::test]
async fn every_guarded_form_asks_for_the_password() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    for page in ["/settings/devices", "/settings/data", "/settings/delete"] {
        let reply = t.get(page, &jar).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        assert!(asks_for_the_password(&reply.body), "{page}: {}", reply.body);
    }
}

#[tokio::test]
async fn a_token_is_created_on_the_web_only_with_the_right_password() {
    for t in both_backends().await {
        let jar = t.signed_in("bo").await;
        let csrf = t.csrf(&jar).await;
        for (password, why) in [("", "no password"), ("a wrong guess 42", "a wrong one")] {
            let reply = t
                .post_form(
                    "/settings/tokens",
                    &jar,
                    &[
                        ("csrf", &csrf),
                        ("name", "stolen"),
                        ("scope", "read-write"),
                        ("password", password),
                    ],
                )
                .await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{why}");
            assert!(
                reply.body.contains("role=\"alert\"") && reply.body.contains("password"),
                "{why}: {}",
                reply.body
            );
            assert!(!reply.body.contains("btw_"), "{why}: no token shown");
            if !password.is_empty() {
                assert!(reply.body.contains("That is not your password"));
                assert!(
                    !reply.body.contains(password),
                    "the password is never echoed"
                );
            }
            // What was typed besides the password comes back.
            assert!(reply.body.contains("value=\"stolen\""));
            assert_eq!(tokens(&t, "bo").await, 0, "{why}: nothing was created");
        }
        let reply = t
            .post_form(
                "/settings/tokens",
                &jar,
                &[
                    ("csrf", &csrf),
                    ("name", "mine"),
                    ("scope", "read-write"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(
            !reply.body.contains(PASSWORD),
            "the password is never echoed"
        );
        let token = reply
            .body
            .split("<code>")
            .nth(1)
            .and_then(|s| s.split("</code>").next())
            .unwrap()
            .to_string();
        assert!(token.starts_with("btw_"));
        let api = t.api("GET", "/api/v1/entries", Some(&token), None).await;
        assert_eq!(api.status, StatusCode::OK);
        assert_eq!(tokens(&t, "bo").await, 1);
    }
}

#[tokio::test]
async fn wrong_passwords_in_these_forms_are_throttled_with_sign_in() {
    for t in both_backends().await {
        let jar = t.signed_in("cy").await;
        let csrf = t.csrf(&jar).await;
        let peer = "198.51.100.7";
        // Each guarded form spends a guess from the same budget.
        let forms: [(&str, &[(&str, &str)]); 3] = [
            ("/settings/tokens", &[("name", "x")]),
            ("/settings/export", &[]),
            ("/settings/delete", &[("confirm", "cy")]),
        ];
        let mut statuses = Vec::new();
        for i in 0..MAX_PER_CLIENT_AND_NAME {
            let (path, extra) = forms[usize::try_from(i).unwrap() % forms.len()];
            let mut fields = vec![("csrf", csrf.as_str()), ("password", "guess guess")];
            fields.extend_from_slice(extra);
            statuses.push(post_from(&t, path, &jar, peer, &fields).await.status);
        }
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY),
            "{statuses:?}"
        );
        // Now even the right password waits, here and at sign-in.
        let reply = post_from(
            &t,
            "/settings/tokens",
            &jar,
            peer,
            &[("csrf", &csrf), ("name", "x"), ("password", PASSWORD)],
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            reply.body
        );
        assert!(reply.body.contains("Too many failed attempts"));
        assert_eq!(tokens(&t, "cy").await, 0);
        let mut anon = Jar::default();
        let form = t.get("/signin", &anon).await;
        anon.absorb(&form);
        let signin = post_from(
            &t,
            "/signin",
            &anon,
            peer,
            &[
                ("csrf", &form.hidden("csrf")),
                ("name", "cy"),
                ("password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(signin.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(t.app.store().user_by_name("cy").await.unwrap().is_some());
    }
}

#[tokio::test]
async fn a_session_cookie_used_as_a_bearer_token_cannot_take_the_archive() {
    let t = TestApp::new().await;
    let jar = t.signed_in("dee").await;
    let session = jar.0["between_session"].clone();
    let reply = t.api("GET", "/api/v1/export", Some(&session), None).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(reply.body.contains("password"), "{}", reply.body);
}
