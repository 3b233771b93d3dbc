//! Sign-in and sessions through the router: `next=` never leaves the site,
//! hostile names answer 4xx on both backends, HSTS with an HTTPS address,
//! throttles per client behind a trusted proxy, the known-device cookie,
//! and what a password change, a recovery and "sign out everywhere" end.

#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use between::web::WebSettings;
use between_app::accounts::NewUser;
use between_app::sessions::SignInAs;
use between_app::{Access, Config, Role};
use between_store::testing::TestDb;
use support::{Jar, Reply, TestApp, PASSWORD};

async fn register(t: &TestApp, name: &str) -> String {
    t.app
        .register(NewUser {
            name,
            password: PASSWORD,
            role: Role::Client,
            time_zone: "Europe/Berlin",
        })
        .await
        .unwrap()
        .recovery_code
}

/// A browser that opened `path` (a form shown before sign-in): its form
/// cookie and the form's token.
async fn anonymous_form(t: &TestApp, path: &str) -> (Jar, String) {
    let mut jar = Jar::default();
    let page = t.get(path, &jar).await;
    jar.absorb(&page);
    (jar, page.hidden("csrf"))
}

/// A form post as it arrives from `peer`, with an optional X-Forwarded-For.
async fn post_from(
    t: &TestApp,
    path: &str,
    jar: &Jar,
    peer: &str,
    forwarded: Option<&str>,
    fields: &[(&str, &str)],
) -> Reply {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut request = Request::post(path)
        .header(header::COOKIE, jar.header())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(f) = forwarded {
        request = request.header("x-forwarded-for", f);
    }
    let mut request = request.body(Body::from(body)).unwrap();
    let peer: SocketAddr = format!("{peer}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    t.send(request).await
}

async fn both_backends() -> Vec<TestApp> {
    let mut apps = vec![TestApp::new().await];
    if let Some(db) = TestDb::postgres().await {
        apps.push(TestApp::on(db).await);
    }
    apps
}

#[tokio::test]
async fn after_sign_in_next_only_ever_leads_to_this_site() {
    let t = TestApp::new().await;
    register(&t, "ada").await;
    let hostile = [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\nSet-Cookie: x=1",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/caf\u{e9}",
    ];
    for next in hostile {
        // The page carries it into the form only when it is a local path.
        let page = t
            .get(
                &format!(
                    "/signin?next={}",
                    form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                ),
                &Jar::default(),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{next:?}");
        assert_eq!(page.hidden("next"), "/", "{next:?}");
        // And a sign-in posting it anyway lands at home.
        let (jar, csrf) = anonymous_form(&t, "/signin").await;
        let reply = post_from(
            &t,
            "/signin",
            &jar,
            "127.0.0.1",
            None,
            &[
                ("csrf", &csrf),
                ("name", "ada"),
                ("password", PASSWORD),
                ("next", next),
            ],
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{next:?}: {}",
            reply.body
        );
        assert_eq!(reply.location(), "/", "{next:?}");
    }
    // A NUL is text no backend may store: refused before anything else,
    // naming the field, in the address and in the form alike.
    let page = t.get("/signin?next=/%00", &Jar::default()).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("&#34;next&#34; contains a NUL"),
        "{}",
        page.body
    );
    let (jar, csrf) = anonymous_form(&t, "/signin").await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("name", "ada"),
        ("password", PASSWORD),
        ("next", "/\u{0}"),
    ];
    let reply = post_from(&t, "/signin", &jar, "127.0.0.1", None, &fields).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("&#34;next&#34; contains a NUL"),
        "{}",
        reply.body
    );
    assert!(reply.cookie("between_session").is_none());
    let (jar, csrf) = anonymous_form(&t, "/signin").await;
    let reply = post_from(
        &t,
        "/signin",
        &jar,
        "127.0.0.1",
        None,
        &[
            ("csrf", &csrf),
            ("name", "ada"),
            ("password", PASSWORD),
            ("next", "/agenda?x=1"),
        ],
    )
    .await;
    assert_eq!(reply.location(), "/agenda?x=1", "a local path is kept");
}

#[tokio::test]
async fn hostile_names_at_sign_in_and_recovery_are_refused_without_a_server_error() {
    for t in both_backends().await {
        register(&t, "ada").await;
        for name in [
            "ada\0",
            "\0",
            &"x".repeat(5000),
            "ad\u{feff}a",
            "\u{10ffff}",
        ] {
            let (jar, csrf) = anonymous_form(&t, "/signin").await;
            let reply = post_from(
                &t,
                "/signin",
                &jar,
                "127.0.0.1",
                None,
                &[("csrf", &csrf), ("name", name), ("password", PASSWORD)],
            )
            .await;
            assert!(
                reply.status.is_client_error(),
                "sign-in {name:?}: {}",
                reply.status
            );
            if name.contains('\0') {
                assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name:?}");
                assert!(reply.body.contains("&#34;name&#34; contains a NUL"));
            }
            let (jar, csrf) = anonymous_form(&t, "/recover").await;
            let reply = post_from(
                &t,
                "/recover",
                &jar,
                "127.0.0.1",
                None,
                &[
                    ("csrf", &csrf),
                    ("name", name),
                    ("code", "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"),
                    ("password", "a new password"),
                ],
            )
            .await;
            assert!(
                reply.status.is_client_error(),
                "recovery {name:?}: {}",
                reply.status
            );
            if name.contains('\0') {
                assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name:?}");
                assert!(reply.body.contains("&#34;name&#34; contains a NUL"));
            }
        }
    }
}

#[tokio::test]
async fn an_https_address_sends_strict_transport_security() {
    let https = TestApp::with(
        Config::testing(),
        WebSettings {
            public_url: "https://between.example".into(),
            secure_cookies: true,
            ..WebSettings::default()
        },
    )
    .await;
    let reply = https.get("/signin", &Jar::default()).await;
    let hsts = reply
        .headers
        .get(header::STRICT_TRANSPORT_SECURITY)
        .unwrap();
    assert!(hsts.to_str().unwrap().contains("max-age=31536000"));
    let http = TestApp::new().await;
    let reply = http.get("/signin", &Jar::default()).await;
    assert!(reply
        .headers
        .get(header::STRICT_TRANSPORT_SECURITY)
        .is_none());
}

async fn wrong_sign_ins(
    t: &TestApp,
    peer: &str,
    forwarded: Option<&str>,
    name: &str,
    n: usize,
) -> Vec<StatusCode> {
    let mut out = Vec::new();
    for _ in 0..n {
        let (jar, csrf) = anonymous_form(t, "/signin").await;
        let reply = post_from(
            t,
            "/signin",
            &jar,
            peer,
            forwarded,
            &[
                ("csrf", &csrf),
                ("name", name),
                ("password", "not the password"),
            ],
        )
        .await;
        out.push(reply.status);
    }
    out
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let behind = TestApp::with(
        Config::testing(),
        WebSettings {
            trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
            ..WebSettings::default()
        },
    )
    .await;
    register(&behind, "bo").await;
    let first = wrong_sign_ins(&behind, "127.0.0.1", Some("198.51.100.1"), "bo", 6).await;
    assert_eq!(first[..5], [StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(first[5], StatusCode::TOO_MANY_REQUESTS);
    let other = wrong_sign_ins(&behind, "127.0.0.1", Some("198.51.100.2"), "bo", 1).await;
    assert_eq!(
        other,
        [StatusCode::UNAUTHORIZED],
        "another client behind the proxy"
    );
    // A client that forges the header without being the proxy is itself.
    let direct = wrong_sign_ins(&behind, "203.0.113.5", Some("198.51.100.3"), "bo", 6).await;
    assert_eq!(direct[5], StatusCode::TOO_MANY_REQUESTS);
    let direct2 = wrong_sign_ins(&behind, "203.0.113.5", Some("198.51.100.4"), "bo", 1).await;
    assert_eq!(
        direct2,
        [StatusCode::TOO_MANY_REQUESTS],
        "forged headers do not reset the limit"
    );

    // Without a trusted proxy the header means nothing at all.
    let open = TestApp::new().await;
    register(&open, "bo").await;
    let statuses = wrong_sign_ins(&open, "127.0.0.1", Some("198.51.100.1"), "bo", 5).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED));
    let next = wrong_sign_ins(&open, "127.0.0.1", Some("198.51.100.9"), "bo", 1).await;
    assert_eq!(next, [StatusCode::TOO_MANY_REQUESTS]);
}

#[tokio::test]
async fn ipv6_clients_count_by_their_slash_64() {
    let t = TestApp::new().await;
    register(&t, "cy").await;
    for i in 0..5 {
        let peer = format!("[2001:db8:1:2::{:x}]", i + 1);
        let s = wrong_sign_ins(&t, &peer, None, "cy", 1).await;
        assert_eq!(s, [StatusCode::UNAUTHORIZED]);
    }
    let s = wrong_sign_ins(&t, "[2001:db8:1:2:ffff::1]", None, "cy", 1).await;
    assert_eq!(
        s,
        [StatusCode::TOO_MANY_REQUESTS],
        "same /64, another address"
    );
    let s = wrong_sign_ins(&t, "[2001:db8:1:3::1]", None, "cy", 1).await;
    assert_eq!(s, [StatusCode::UNAUTHORIZED], "the next /64");
}

#[tokio::test]
async fn a_browser_that_signed_in_keeps_a_device_cookie_that_outlasts_guesses_at_its_name() {
    let t = TestApp::new().await;
    register(&t, "dee").await;
    let (mut jar, csrf) = anonymous_form(&t, "/signin").await;
    let reply = post_from(
        &t,
        "/signin",
        &jar,
        "192.0.2.1",
        None,
        &[("csrf", &csrf), ("name", "dee"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let set: Vec<_> = reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let device = set
        .iter()
        .find(|c| c.starts_with("between_device="))
        .unwrap();
    assert!(
        device.contains("HttpOnly")
            && device.contains("SameSite=Strict")
            && device.contains("Max-Age=")
    );
    jar.absorb(&reply);
    // Someone guesses from the same address until it is locked.
    let statuses = wrong_sign_ins(&t, "192.0.2.1", None, "dee", 6).await;
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
    // The person's own browser still signs in there.
    jar.0.remove("between_session");
    let page = t.get("/signin", &jar).await;
    jar.absorb(&page);
    let reply = post_from(
        &t,
        "/signin",
        &jar,
        "192.0.2.1",
        None,
        &[
            ("csrf", &page.hidden("csrf")),
            ("name", "dee"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

#[tokio::test]
async fn changing_the_password_signs_out_other_browsers_and_leads_to_the_revoke_page() {
    for t in both_backends().await {
        let me = t.signed_in("eve").await;
        let other = t.sign_in_jar("eve").await;
        let token = t.token("eve", Access::Full).await;
        let csrf = t.csrf(&me).await;
        let reply = t
            .post_form(
                "/settings/password",
                &me,
                &[
                    ("csrf", &csrf),
                    ("current_password", PASSWORD),
                    ("new_password", "a new password 2"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        assert_eq!(reply.location(), "/settings/revoke-others?after=password");
        let page = t.get(reply.location(), &me).await;
        assert!(
            page.body.contains("every other browser is signed out"),
            "{}",
            page.body
        );
        assert!(page.body.contains("API token"), "the token is listed");
        assert_eq!(
            t.get("/journal", &other).await.status,
            StatusCode::SEE_OTHER,
            "signed out"
        );
        assert_eq!(
            t.get("/journal", &me).await.status,
            StatusCode::OK,
            "this browser stays"
        );
        let api = t.api("GET", "/api/v1/entries", Some(&token), None).await;
        assert_eq!(api.status, StatusCode::OK, "tokens stay until revoked");
        // The same page ends them.
        let done = t
            .post_form(
                "/settings/revoke-others",
                &me,
                &[("csrf", &page.hidden("csrf")), ("tokens", "yes")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let api = t.api("GET", "/api/v1/entries", Some(&token), None).await;
        assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn after_a_recovery_the_next_page_is_the_revoke_page() {
    for t in both_backends().await {
        let code = register(&t, "fay").await;
        let token = t.token("fay", Access::Full).await;
        let (_, device) = t
            .app
            .sign_in("fay", PASSWORD, "cli", SignInAs::Device, "laptop")
            .await
            .unwrap();
        let (jar, csrf) = anonymous_form(&t, "/recover").await;
        let reply = post_from(
            &t,
            "/recover",
            &jar,
            "127.0.0.1",
            None,
            &[
                ("csrf", &csrf),
                ("name", "fay"),
                ("code", &code),
                ("password", "a new password 3"),
            ],
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(
            reply
                .body
                .contains("href=\"/settings/revoke-others?after=recovery\""),
            "{}",
            reply.body
        );
        let mut me = jar.clone();
        me.absorb(&reply);
        let page = t.get("/settings/revoke-others?after=recovery", &me).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Your new password is set"));
        assert!(page.body.contains("laptop") && page.body.contains("device login"));
        let csrf = page.hidden("csrf");
        // Choosing nothing ends nothing.
        let refused = t
            .post_form("/settings/revoke-others", &me, &[("csrf", &csrf)])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("Choose what to end"));
        assert!(t.app.authenticate(&device).await.is_ok());
        let done = t
            .post_form(
                "/settings/revoke-others",
                &me,
                &[("csrf", &csrf), ("devices", "yes"), ("tokens", "yes")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert!(
            t.app.authenticate(&device).await.is_err(),
            "the device login is revoked"
        );
        assert!(
            t.app.authenticate(&token).await.is_err(),
            "the token is revoked"
        );
        assert_eq!(
            t.get("/journal", &me).await.status,
            StatusCode::OK,
            "this browser stays"
        );
    }
}

#[tokio::test]
async fn sign_out_everywhere_is_the_revoke_page_with_this_browser_too() {
    let t = TestApp::new().await;
    let me = t.signed_in("gus").await;
    let other = t.sign_in_jar("gus").await;
    let token = t.token("gus", Access::Full).await;
    let settings = t.get("/settings", &me).await;
    assert!(settings.body.contains("href=\"/settings/revoke-others\""));
    let page = t.get("/settings/revoke-others", &me).await;
    assert!(page.body.contains("name=\"this_browser\""));
    let reply = t
        .post_form(
            "/settings/revoke-others",
            &me,
            &[
                ("csrf", &page.hidden("csrf")),
                ("sessions", "yes"),
                ("devices", "yes"),
                ("tokens", "yes"),
                ("this_browser", "yes"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(reply.location().starts_with("/signin"));
    assert!(t.app.authenticate(&token).await.is_err());
    assert_eq!(t.get("/journal", &me).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.get("/journal", &other).await.status,
        StatusCode::SEE_OTHER
    );
}
