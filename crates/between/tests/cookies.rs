//! Cookies an attacker on a sibling subdomain or a plain-http page cannot
//! plant: over https every cookie of ours is named `__Host-…` (and a plain
//! same-named one is ignored), and the form cookie of the sign-in pages must
//! be one this server handed out.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::{header, StatusCode};
use between::web::WebSettings;
use between_app::accounts::NewUser;
use between_app::{Config, Role};
use support::{Jar, Reply, TestApp, PASSWORD};

async fn register(t: &TestApp, name: &str) {
    t.app
        .register(NewUser {
            name,
            password: PASSWORD,
            role: Role::Client,
            time_zone: "Europe/Berlin",
        })
        .await
        .unwrap();
}

fn set_cookies(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

async fn https() -> TestApp {
    TestApp::with(
        Config::testing(),
        WebSettings {
            public_url: "https://between.example".into(),
            secure_cookies: true,
            ..WebSettings::default()
        },
    )
    .await
}

#[tokio::test]
async fn over_https_cookies_are_host_prefixed_and_plain_ones_are_not_ours() {
    let t = https().await;
    register(&t, "ada").await;
    let mut jar = Jar::default();
    let form = t.get("/signin", &jar).await;
    let csrf_cookie = set_cookies(&form).pop().unwrap();
    assert!(
        csrf_cookie.starts_with("__Host-between_csrf="),
        "{csrf_cookie}"
    );
    for attr in ["Secure", "Path=/", "HttpOnly", "SameSite=Strict"] {
        assert!(csrf_cookie.contains(attr), "{attr} in {csrf_cookie}");
    }
    assert!(!csrf_cookie.contains("Domain"));
    jar.absorb(&form);
    let signed = t
        .post_form(
            "/signin",
            &jar,
            &[
                ("csrf", &form.hidden("csrf")),
                ("name", "ada"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let cookies = set_cookies(&signed);
    assert!(cookies
        .iter()
        .any(|c| c.starts_with("__Host-between_session=") && c.contains("Secure")));
    assert!(
        cookies.iter().all(|c| c.starts_with("__Host-")),
        "{cookies:?}"
    );
    jar.absorb(&signed);
    assert_eq!(t.get("/journal", &jar).await.status, StatusCode::OK);

    // The same session secret under the plain name (as a sibling subdomain
    // could set it) is not a session here.
    let secret = jar.0["__Host-between_session"].clone();
    let mut plain = Jar::default();
    plain.0.insert("between_session".into(), secret);
    let reply = t.get("/journal", &plain).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(reply.location().starts_with("/signin"));
}

#[tokio::test]
async fn a_form_cookie_this_server_did_not_hand_out_signs_no_one_in() {
    let t = TestApp::new().await;
    register(&t, "ada").await;
    // A value an attacker chose and planted, with the form saying the same.
    let tossed = "tossedtossedtossedtossedtossed";
    let mut jar = Jar::default();
    jar.0.insert("between_csrf".into(), tossed.into());
    let reply = t
        .post_form(
            "/signin",
            &jar,
            &[("csrf", tossed), ("name", "ada"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("form had expired"));
    let cookies = set_cookies(&reply);
    assert!(
        cookies.iter().all(|c| !c.starts_with("between_session=")),
        "no session from a planted token"
    );
    assert!(
        cookies.iter().any(|c| c.starts_with("between_csrf=")),
        "a token of this server's own replaces it"
    );
    // The form shown again, with the server's own cookie, signs in.
    jar.absorb(&reply);
    let again = t
        .post_form(
            "/signin",
            &jar,
            &[
                ("csrf", &reply.hidden("csrf")),
                ("name", "ada"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(set_cookies(&again)
        .iter()
        .any(|c| c.starts_with("between_session=")));
}
