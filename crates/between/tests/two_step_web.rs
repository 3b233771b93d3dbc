//! Two-step sign-in through the pages, as a browser without JavaScript
//! does it, on both backends: turning codes on from the QR page with a
//! code the test computes; signing in with the password, then the code on
//! a page of its own (a wrong code shown again, a replayed one refused,
//! the pending cookie cleared); the token, archive and delete forms asking
//! for the code; the recovery page skipping it and turning it off;
//! turning it off with a current code.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use axum::http::StatusCode;
use between_app::{Clock, Config};
use between_domain::totp::Totp;
use between_store::testing::TestDb;
use support::{test_config, Jar, TestApp, PASSWORD};

const START: &str = "2026-06-01T08:00:00Z";

async fn app_on(db: TestDb, clock: &Clock) -> TestApp {
    TestApp::on_with(
        db,
        Config {
            clock: clock.clone(),
            ..test_config()
        },
    )
    .await
}

fn code(t: &TestApp, totp: &Totp) -> String {
    totp.code_at(u64::try_from(t.app.now().as_second()).unwrap())
}

/// Turns codes on from the settings page; returns the generator.
async fn turn_on(t: &TestApp, jar: &Jar) -> Totp {
    let page = t.get("/settings/two-step", jar).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<svg role=\"img\" aria-label=\"QR code"),
        "no QR code"
    );
    let secret = page.hidden("secret");
    let totp = Totp::from_base32(&secret).unwrap();
    let csrf = page.hidden("csrf");

    // A wrong code: the same secret again, with what was wrong.
    let wrong = t
        .post_form(
            "/settings/two-step",
            jar,
            &[
                ("csrf", &csrf),
                ("secret", &secret),
                ("code", "000000"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("not right"), "{}", wrong.body);
    assert_eq!(wrong.hidden("secret"), secret);

    let on = t
        .post_form(
            "/settings/two-step",
            jar,
            &[
                ("csrf", &csrf),
                ("secret", &secret),
                ("code", &code(t, &totp)),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER, "{}", on.body);
    assert_eq!(on.location(), "/settings/revoke-others?after=two-step");
    let offer = t.get(on.location(), jar).await;
    assert!(offer.body.contains("Two-step sign-in is on"));
    totp
}

/// The password step from a fresh browser: the code page and its cookie.
async fn password_step(t: &TestApp) -> (Jar, String) {
    let mut jar = Jar::default();
    let form = t.get("/signin", &jar).await;
    jar.absorb(&form);
    let step = t
        .post_form(
            "/signin",
            &jar,
            &[
                ("csrf", &form.hidden("csrf")),
                ("name", "ada"),
                ("password", PASSWORD),
                ("next", "/goals"),
            ],
        )
        .await;
    assert_eq!(step.status, StatusCode::OK, "{}", step.body);
    assert!(step.body.contains("name=\"code\""));
    assert!(step.body.contains("autocomplete=\"one-time-code\""));
    assert!(step.cookie("between_session").is_none());
    assert!(step.cookie("between_pending").is_some());
    jar.absorb(&step);
    let csrf = step.hidden("csrf");
    assert_eq!(step.hidden("next"), "/goals");
    (jar, csrf)
}

async fn codes_through_the_pages(t: TestApp, clock: Clock) {
    let jar = t.signed_in("ada").await;
    let totp = turn_on(&t, &jar).await;
    let status = t.get("/settings/two-step", &jar).await;
    assert!(status.body.contains("Turn two-step sign-in off"));
    assert!(status.body.contains("Last code used"));
    clock.advance(Duration::from_secs(30));

    // Password, then a wrong code, then the right one.
    let (mut browser, csrf) = password_step(&t).await;
    let wrong = t
        .post_form(
            "/signin/code",
            &browser,
            &[("csrf", &csrf), ("code", "12345"), ("next", "/goals")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("6 digits"), "{}", wrong.body);
    let right_code = code(&t, &totp);
    let done = t
        .post_form(
            "/signin/code",
            &browser,
            &[("csrf", &csrf), ("code", &right_code), ("next", "/goals")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/goals");
    assert!(done.cookie("between_session").is_some());
    browser.absorb(&done);
    assert!(!browser.0.contains_key("between_pending"));
    assert_eq!(t.get("/goals", &browser).await.status, StatusCode::OK);

    // The same code from another browser a moment later is refused.
    let (other, csrf) = password_step(&t).await;
    let replayed = t
        .post_form(
            "/signin/code",
            &other,
            &[("csrf", &csrf), ("code", &right_code)],
        )
        .await;
    assert_eq!(replayed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(replayed.body.contains("used already"), "{}", replayed.body);
    // Without the step's cookie there is nothing to finish.
    let mut cookieless = other.clone();
    cookieless.0.remove("between_pending");
    let gone = t
        .post_form(
            "/signin/code",
            &cookieless,
            &[("csrf", &csrf), ("code", &right_code)],
        )
        .await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
    assert!(gone.body.contains("enter your password again"));

    // Forms that make lasting access ask for the code too.
    let devices = t.get("/settings/devices", &browser).await;
    assert!(devices.body.contains("Code from your authenticator app"));
    let csrf = devices.hidden("csrf");
    let refused = t
        .post_form(
            "/settings/tokens",
            &browser,
            &[("csrf", &csrf), ("name", "script"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("6-digit code"), "{}", refused.body);
    clock.advance(Duration::from_secs(30));
    let made = t
        .post_form(
            "/settings/tokens",
            &browser,
            &[
                ("csrf", &csrf),
                ("name", "script"),
                ("password", PASSWORD),
                ("code", &code(&t, &totp)),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert!(made.body.contains("btw_"));
    for page in ["/settings/data", "/settings/delete"] {
        assert!(
            t.get(page, &browser)
                .await
                .body
                .contains("autocomplete=\"one-time-code\""),
            "{page}"
        );
    }

    // Off, with a current code.
    clock.advance(Duration::from_secs(30));
    let csrf = t.csrf(&browser).await;
    let off = t
        .post_form(
            "/settings/two-step/off",
            &browser,
            &[
                ("csrf", &csrf),
                ("password", PASSWORD),
                ("code", &code(&t, &totp)),
            ],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    assert_eq!(off.location(), "/settings/two-step?notice=off");
    assert!(!t
        .get("/settings/devices", &browser)
        .await
        .body
        .contains("Code from your authenticator app"));
    let log = t.get("/settings/security-log", &browser).await;
    assert!(log.body.contains("A second step at sign-in was turned on."));
    assert!(log
        .body
        .contains("A second step at sign-in was turned off."));
}

async fn the_recovery_code_skips_the_code_and_turns_it_off(t: TestApp, clock: Clock) {
    let recovery = t
        .app
        .register(between_app::accounts::NewUser {
            name: "ada",
            password: PASSWORD,
            role: between_app::Role::Client,
            time_zone: "Europe/Berlin",
        })
        .await
        .unwrap()
        .recovery_code;
    let jar = t.sign_in_jar("ada").await;
    turn_on(&t, &jar).await;
    clock.advance(Duration::from_secs(30));

    let mut browser = Jar::default();
    let form = t.get("/recover", &browser).await;
    assert!(form.body.contains("name=\"codes_off\""));
    browser.absorb(&form);
    let done = t
        .post_form(
            "/recover",
            &browser,
            &[
                ("csrf", &form.hidden("csrf")),
                ("name", "ada"),
                ("code", &recovery),
                ("password", "a new long passphrase"),
                ("codes_off", "yes"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("/settings/revoke-others?after=recovery"));
    assert!(done.cookie("between_session").is_some());
    browser.absorb(&done);
    let page = t.get("/settings/two-step", &browser).await;
    assert!(page.body.contains("Turn two-step sign-in on"), "still on");
    // The old browser was signed out.
    assert_eq!(t.get("/settings", &jar).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn codes_through_the_pages_on_sqlite() {
    let clock = Clock::manual(START.parse().unwrap());
    codes_through_the_pages(app_on(TestDb::sqlite().await, &clock).await, clock).await;
}

#[tokio::test]
async fn codes_through_the_pages_on_postgresql() {
    if let Some(db) = TestDb::postgres().await {
        let clock = Clock::manual(START.parse().unwrap());
        codes_through_the_pages(app_on(db, &clock).await, clock).await;
    }
}

#[tokio::test]
async fn recovery_skips_the_code_on_sqlite() {
    let clock = Clock::manual(START.parse().unwrap());
    the_recovery_code_skips_the_code_and_turns_it_off(
        app_on(TestDb::sqlite().await, &clock).await,
        clock,
    )
    .await;
}

#[tokio::test]
async fn recovery_skips_the_code_on_postgresql() {
    if let Some(db) = TestDb::postgres().await {
        let clock = Clock::manual(START.parse().unwrap());
        the_recovery_code_skips_the_code_and_turns_it_off(app_on(db, &clock).await, clock).await;
    }
}
