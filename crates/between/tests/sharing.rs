//! Linking with a therapist on the web: the invitation link a client sends
//! opens a page where the therapist accepts it.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::sessions::SignInAs;
use between_app::Role;
use support::{TestApp, PASSWORD};

#[tokio::test]
async fn a_therapist_accepts_a_clients_invitation_from_its_link() {
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let (ada, _) = t
        .app
        .sign_in("ada", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let invite = t.app.create_share_invite(&ada).await.unwrap();
    let dr = t.signed_in_as("dr-rivera", Role::Therapist).await;

    let page = t
        .get(&format!("/share/accept?code={}", invite.code), &dr)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("value=\"{}\"", invite.code)));
    let csrf = page.hidden("csrf");
    let r = t
        .post_form("/share/accept", &dr, &[("csrf", &csrf), ("code", "wrong")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("This invitation code is not valid."));
    let r = t
        .post_form(
            "/share/accept",
            &dr,
            &[("csrf", &csrf), ("code", &invite.code)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("You are linked with ada."));
    assert_eq!(t.app.shares(&ada).await.unwrap()[0].with, "dr-rivera");

    // Signed out, the link leads to sign-in.
    let anon = support::Jar::default();
    let r = t
        .get(&format!("/share/accept?code={}", invite.code), &anon)
        .await;
    assert!(r.status.is_redirection(), "{}", r.status);
}
