//! The web app through its router: first-run set-up, signing in and out,
//! writing and finding entries, and the promise that nothing typed is lost.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between::web::WebSettings;
use between_app::Config;
use support::{Jar, TestApp, PASSWORD};

#[tokio::test]
async fn the_first_visit_creates_an_account_and_shows_the_recovery_code_once() {
    let t = TestApp::new().await;
    let mut jar = Jar::default();
    let home = t.get("/", &jar).await;
    assert_eq!(
        (home.status, home.location()),
        (StatusCode::SEE_OTHER, "/setup")
    );

    let form = t.get("/setup", &jar).await;
    jar.absorb(&form);
    let csrf = form.hidden("csrf");
    let done = t
        .post_form(
            "/setup",
            &jar,
            &[
                ("csrf", &csrf),
                ("name", "Ada"),
                ("password", PASSWORD),
                ("time_zone", "Europe/Berlin"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("recovery code"));
    jar.absorb(&done);
    assert!(
        jar.0.contains_key("between_session"),
        "signed in straight away"
    );
    let new_entry = t.get("/journal/new", &jar).await;
    assert_eq!(new_entry.status, StatusCode::OK);

    // Afterwards, registration from the web is closed.
    let again = t.get("/setup", &Jar::default()).await;
    assert_eq!(
        (again.status, again.location()),
        (StatusCode::SEE_OTHER, "/signin")
    );
}

#[tokio::test]
async fn open_registration_lets_more_people_sign_up() {
    let t = TestApp::with(
        Config {
            open_registration: true,
            ..Config::testing()
        },
        WebSettings::default(),
    )
    .await;
    t.signed_in("first").await;
    assert_eq!(
        t.get("/setup", &Jar::default()).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_setup_form_with_a_short_password_says_so_and_keeps_the_name() {
    let t = TestApp::new().await;
    let mut jar = Jar::default();
    let form = t.get("/setup", &jar).await;
    jar.absorb(&form);
    let reply = t
        .post_form(
            "/setup",
            &jar,
            &[
                ("csrf", &form.hidden("csrf")),
                ("name", "bo"),
                ("password", "short"),
                ("time_zone", "Europe/Berlin"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("at least 8 characters"));
    assert!(reply.body.contains("value=\"bo\""));
    assert_eq!(
        t.app.store().count_users().await.unwrap(),
        0,
        "nothing was created"
    );
}

#[tokio::test]
async fn signing_in_with_the_right_password_lands_on_the_journal() {
    let t = TestApp::new().await;
    t.signed_in("cy").await;
    let mut jar = Jar::default();
    let form = t.get("/signin", &jar).await;
    jar.absorb(&form);
    let wrong = t
        .post_form(
            "/signin",
            &jar,
            &[
                ("csrf", &form.hidden("csrf")),
                ("name", "cy"),
                ("password", "nope nope"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("do not match"));
    let right = t
        .post_form(
            "/signin",
            &jar,
            &[
                ("csrf", &form.hidden("csrf")),
                ("name", "cy"),
                ("password", PASSWORD),
                ("next", "/journal/new"),
            ],
        )
        .await;
    assert_eq!(
        (right.status, right.location()),
        (StatusCode::SEE_OTHER, "/journal/new")
    );
    let cookie = right
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}

#[tokio::test]
async fn sign_in_never_redirects_off_site() {
    let t = TestApp::new().await;
    t.signed_in("dee").await;
    let mut jar = Jar::default();
    let form = t.get("/signin", &jar).await;
    jar.absorb(&form);
    let reply = t
        .post_form(
            "/signin",
            &jar,
            &[
                ("csrf", &form.hidden("csrf")),
                ("name", "dee"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(reply.location(), "/");
}

#[tokio::test]
async fn a_new_entry_is_saved_and_shown_in_the_list_and_on_its_page() {
    let t = TestApp::new().await;
    let jar = t.signed_in("eve").await;
    let csrf = t.csrf(&jar).await;
    let saved = t
        .post_form(
            "/journal",
            &jar,
            &[
                ("csrf", &csrf),
                ("text", "Line one\nLine two <b>not bold</b>"),
                ("mood", "4"),
                ("feel:anxious", "7"),
                ("feel:calm", ""),
                ("other_feeling", "wistful"),
                ("other_intensity", "3"),
                ("prompt:0", "What happened?"),
                ("answer:0", "A meeting"),
                ("triggers", "work meeting"),
                ("tags", "work, #sleep"),
                ("occurred_at", "2026-03-01T09:30"),
                ("starred", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = t.get(saved.location(), &jar).await;
    assert!(page.body.contains("Saved."));
    assert!(
        page.body
            .contains("Line one\nLine two &#60;b&#62;not bold&#60;/b&#62;")
            || page
                .body
                .contains("Line one\nLine two &lt;b&gt;not bold&lt;/b&gt;"),
        "text escaped, line breaks kept"
    );
    assert!(page.body.contains("Sunday 1 March 2026, 09:30"));
    assert!(
        page.body.contains("wistful")
            && page.body.contains("A meeting")
            && page.body.contains("#sleep")
    );

    let list = t.get("/journal", &jar).await;
    assert!(list.body.contains("Sunday 1 March 2026"));
    assert!(list.body.contains("anxious <b>7</b>"));
    assert!(list.body.contains("mood-badge mood-4"));
}

#[tokio::test]
async fn an_invalid_entry_comes_back_with_every_word_typed() {
    let t = TestApp::new().await;
    let jar = t.signed_in("fay").await;
    let csrf = t.csrf(&jar).await;
    let long_text = "A long and painful paragraph I do not want to lose. ".repeat(20);
    let reply = t
        .post_form(
            "/journal",
            &jar,
            &[
                ("csrf", &csrf),
                ("text", &long_text),
                ("feel:sad", "12"),
                ("tags", "keep-me"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("between 0 and 10"));
    assert!(reply.body.contains(long_text.trim_end()));
    assert!(reply.body.contains("value=\"12\""));
    assert!(reply.body.contains("value=\"keep-me\""));
}

#[tokio::test]
async fn a_stale_form_token_saves_nothing_but_keeps_the_text() {
    let t = TestApp::new().await;
    let jar = t.signed_in("gus").await;
    let reply = t
        .post_form(
            "/journal",
            &jar,
            &[("csrf", "stale"), ("text", "Precious words"), ("mood", "6")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("Precious words"));
    assert!(reply.body.contains("not saved"));
    let list = t.get("/journal", &jar).await;
    assert!(list.body.contains("No entries yet"));
}

#[tokio::test]
async fn an_entry_written_after_the_session_ended_survives_signing_in_again() {
    let t = TestApp::new().await;
    t.signed_in("hal").await;
    let mut expired = Jar::default();
    expired
        .0
        .insert("between_session".into(), "long-gone-session".into());
    let reply = t
        .post_form(
            "/journal",
            &expired,
            &[
                ("csrf", "whatever"),
                ("text", "Written over an hour"),
                ("feel:angry", "8"),
                ("mood", "3"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.body.contains("Your entry is safe"));
    let mut jar = Jar::default();
    jar.absorb(&reply);
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in [
        "draft:text",
        "draft:mood",
        "draft:feel:angry",
        "draft:_action",
    ] {
        fields.push((name.to_string(), reply.hidden(name)));
    }
    fields.push(("csrf".into(), reply.hidden("csrf")));
    fields.push(("name".into(), "hal".into()));
    fields.push(("password".into(), PASSWORD.into()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let back = t.post_form("/signin", &jar, &borrowed).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert!(back.body.contains("Written over an hour"));
    assert!(back.body.contains("value=\"8\""));
    assert!(back.body.contains("not saved yet"));
}

#[tokio::test]
async fn editing_changes_the_entry_and_delete_then_restore_brings_it_back() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ivy").await;
    let csrf = t.csrf(&jar).await;
    let saved = t
        .post_form(
            "/journal",
            &jar,
            &[("csrf", &csrf), ("text", "First draft")],
        )
        .await;
    let path = saved.location().split('?').next().unwrap().to_string();
    let edit = t.get(&format!("{path}/edit"), &jar).await;
    assert!(edit.body.contains("First draft"));
    let updated = t
        .post_form(
            &path,
            &jar,
            &[
                ("csrf", &csrf),
                ("text", "Second draft"),
                ("occurred_at", &edit.hidden_input_value("occurred_at")),
            ],
        )
        .await;
    assert_eq!(updated.status, StatusCode::SEE_OTHER, "{}", updated.body);
    assert!(t.get(&path, &jar).await.body.contains("Second draft"));

    let confirm = t.get(&format!("{path}/delete"), &jar).await;
    assert!(confirm.body.contains("Delete this entry?"));
    let deleted = t
        .post_form(&format!("{path}/delete"), &jar, &[("csrf", &csrf)])
        .await;
    assert_eq!(deleted.location(), "/journal?notice=deleted");
    assert!(!t.get("/journal", &jar).await.body.contains("Second draft"));
    assert!(t
        .get("/journal/deleted", &jar)
        .await
        .body
        .contains("Second draft"));
    let restored = t
        .post_form(&format!("{path}/restore"), &jar, &[("csrf", &csrf)])
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    assert!(t.get("/journal", &jar).await.body.contains("Second draft"));
}

#[tokio::test]
async fn search_finds_entries_by_their_words() {
    let t = TestApp::new().await;
    let jar = t.signed_in("jo").await;
    let csrf = t.csrf(&jar).await;
    t.post_form(
        "/journal",
        &jar,
        &[("csrf", &csrf), ("text", "Talked to the giraffe keeper")],
    )
    .await;
    t.post_form(
        "/journal",
        &jar,
        &[("csrf", &csrf), ("text", "Nothing special")],
    )
    .await;
    let found = t.get("/journal/search?q=GIRAFFE", &jar).await;
    assert!(found.body.contains("One entry found"));
    assert!(
        found.body.contains("<mark>giraffe</mark> keeper"),
        "the word found is marked"
    );
    assert!(!found.body.contains("Nothing special"));
}

#[tokio::test]
async fn another_persons_entry_is_not_found() {
    let t = TestApp::new().await;
    let a = t.signed_in("kim").await;
    let b = t.signed_in("lou").await;
    let csrf = t.csrf(&a).await;
    let saved = t
        .post_form("/journal", &a, &[("csrf", &csrf), ("text", "Mine only")])
        .await;
    let path = saved.location().split('?').next().unwrap().to_string();
    for p in [
        path.clone(),
        format!("{path}/edit"),
        format!("{path}/delete"),
    ] {
        let r = t.get(&p, &b).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}");
        assert!(!r.body.contains("Mine only"));
    }
    let csrf_b = t.csrf(&b).await;
    let r = t
        .post_form(&format!("{path}/delete"), &b, &[("csrf", &csrf_b)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn after_signing_out_the_entry_page_redirects_to_sign_in() {
    let t = TestApp::new().await;
    let jar = t.signed_in("max").await;
    let csrf = t.csrf(&jar).await;
    let saved = t
        .post_form("/journal", &jar, &[("csrf", &csrf), ("text", "Private")])
        .await;
    let out = t.post_form("/signout", &jar, &[("csrf", &csrf)]).await;
    assert_eq!(out.location(), "/signin?notice=signed-out");
    let page = t.get(saved.location(), &jar).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/signin?next=%2Fjournal%2F"));
}

#[tokio::test]
async fn sign_out_everywhere_ends_other_sessions_too() {
    let t = TestApp::new().await;
    let first = t.signed_in("ned").await;
    let (_, second_secret) = t
        .app
        .sign_in(
            "ned",
            PASSWORD,
            "t",
            between_app::sessions::SignInAs::WebSession,
            "phone",
        )
        .await
        .unwrap();
    let mut second = Jar::default();
    second.0.insert("between_session".into(), second_secret);
    let csrf = t.csrf(&first).await;
    t.post_form(
        "/settings/revoke-others",
        &first,
        &[
            ("csrf", &csrf),
            ("sessions", "yes"),
            ("this_browser", "yes"),
        ],
    )
    .await;
    assert_eq!(
        t.get("/journal", &second).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        t.get("/journal", &first).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn devices_and_tokens_lists_and_revokes_credentials() {
    let t = TestApp::new().await;
    let jar = t.signed_in("oli").await;
    let csrf = t.csrf(&jar).await;
    let created = t
        .post_form(
            "/settings/tokens",
            &jar,
            &[
                ("csrf", &csrf),
                ("name", "phone shortcut"),
                ("scope", "write-only"),
                ("expires_days", "30"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(created.body.contains("btw_"));
    assert!(
        created.body.contains("write-only, until"),
        "the expiry is shown"
    );
    assert!(created.body.contains("phone shortcut"));
    let token = created
        .body
        .split("<code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        t.api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(r#"{"text":"via token"}"#)
        )
        .await
        .status,
        StatusCode::CREATED
    );

    // The signed-in person sees what the token wrote on the next page.
    assert!(t.get("/journal", &jar).await.body.contains("via token"));
    // An expiry that is not 1 to 3650 days shows the form again.
    let refused = t
        .post_form(
            "/settings/tokens",
            &jar,
            &[
                ("csrf", &csrf),
                ("name", "never"),
                ("expires_days", "0"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("1 to 3650 days"));

    let page = t.get("/settings/devices", &jar).await;
    let rows: Vec<&str> = page.body.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 2, "this browser and the token");
    assert!(rows.iter().any(|r| r.contains("(this browser)")));
    let token_row = rows.iter().find(|r| r.contains("phone shortcut")).unwrap();
    let id = token_row
        .split("action=\"/settings/devices/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    let revoked = t
        .post_form(
            &format!("/settings/devices/{id}/revoke"),
            &jar,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(revoked.location(), "/settings/devices?notice=revoked");
    assert_eq!(
        t.api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(r#"{"text":"again"}"#)
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn every_page_has_security_headers_and_a_quick_exit() {
    let t = TestApp::with(
        Config::testing(),
        WebSettings {
            title: "Weather notes".into(),
            ..WebSettings::default()
        },
    )
    .await;
    let jar = t.signed_in("pam").await;
    for path in ["/journal", "/journal/new", "/settings"] {
        let r = t.get(path, &jar).await;
        let csp = r
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline")
        );
        assert_eq!(r.headers.get("referrer-policy").unwrap(), "no-referrer");
        assert!(r.body.contains("data-quick-exit"), "{path}");
        assert!(r.body.contains("Weather notes"), "neutral title on {path}");
        assert!(!r.body.contains("<script>"), "no inline script on {path}");
    }
    let missing = t
        .get("/journal/01900000-0000-7000-8000-000000000000", &jar)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.body.contains("href=\"/exit\""),
        "error pages have a quick exit too"
    );
    let exit = t.get("/exit", &Jar::default()).await;
    assert_eq!(exit.location(), "https://www.bbc.co.uk/weather");
    let manifest = t.get("/manifest.webmanifest", &Jar::default()).await.json();
    assert_eq!(manifest["name"], "Weather notes");
    assert_eq!(
        t.get("/healthz", &Jar::default()).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_entry_form_offers_the_mood_meter_and_guided_prompts() {
    let t = TestApp::new().await;
    let jar = t.signed_in("quin").await;
    let form = t.get("/journal/new", &jar).await;
    for text in [
        "Unpleasant, high energy",
        "Pleasant, low energy",
        "name=\"feel:panicky\"",
        "name=\"feel:grateful\"",
        "What went through my mind?",
        "name=\"shared\"",
    ] {
        assert!(form.body.contains(text), "{text}");
    }
    assert!(
        !form.body.contains("name=\"shared\" value=\"1\" checked"),
        "sharing is off by default"
    );
}

#[tokio::test]
async fn an_invitation_link_lets_one_more_person_sign_up() {
    let t = TestApp::new().await;
    t.signed_in("first").await;
    let invite = t
        .app
        .create_invite(
            between_app::Role::Client,
            jiff::SignedDuration::from_hours(24),
        )
        .await
        .unwrap();
    let mut jar = Jar::default();
    let form = t.get(&format!("/setup?invite={}", invite.code), &jar).await;
    assert_eq!(form.status, StatusCode::OK);
    jar.absorb(&form);
    assert_eq!(form.hidden("invite"), invite.code);
    let done = t
        .post_form(
            "/setup",
            &jar,
            &[
                ("csrf", &form.hidden("csrf")),
                ("invite", &invite.code),
                ("name", "second"),
                ("password", PASSWORD),
                ("time_zone", "UTC"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let used = t
        .get(&format!("/setup?invite={}", invite.code), &Jar::default())
        .await;
    assert_eq!(used.status, StatusCode::BAD_REQUEST);
    assert!(used.body.contains("not valid"));
    let without = t
        .post_form(
            "/setup",
            &jar,
            &[
                ("csrf", &form.hidden("csrf")),
                ("name", "third"),
                ("password", PASSWORD),
                ("time_zone", "UTC"),
            ],
        )
        .await;
    assert_eq!(without.status, StatusCode::BAD_REQUEST);
    assert_eq!(t.app.store().count_users().await.unwrap(), 2);
}

#[tokio::test]
async fn the_time_zone_can_be_changed_and_decides_the_day_of_an_entry() {
    let t = TestApp::new().await;
    let jar = t.signed_in("zed").await;
    let csrf = t.csrf(&jar).await;
    t.post_form(
        "/journal",
        &jar,
        &[
            ("csrf", &csrf),
            ("text", "Late night"),
            ("occurred_at", "2026-04-01T23:30"),
        ],
    )
    .await;
    assert!(t
        .get("/journal", &jar)
        .await
        .body
        .contains("Wednesday 1 April 2026"));
    let bad = t
        .post_form(
            "/settings/time-zone",
            &jar,
            &[("csrf", &csrf), ("time_zone", "Mars/Base")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Mars/Base"));
    let ok = t
        .post_form(
            "/settings/time-zone",
            &jar,
            &[("csrf", &csrf), ("time_zone", "America/New_York")],
        )
        .await;
    assert_eq!(ok.location(), "/settings?notice=zone");
    let list = t.get("/journal", &jar).await.body;
    assert!(
        list.contains("17:30"),
        "23:30 in Berlin is 17:30 in New York"
    );
}

#[tokio::test]
async fn the_recovery_code_sets_a_new_password_and_shows_a_new_code() {
    let t = TestApp::new().await;
    let registered = t
        .app
        .register(between_app::accounts::NewUser {
            name: "ray",
            password: PASSWORD,
            role: between_app::Role::Client,
            time_zone: "UTC",
        })
        .await
        .unwrap();
    let mut jar = Jar::default();
    let form = t.get("/recover", &jar).await;
    jar.absorb(&form);
    let csrf = form.hidden("csrf");
    let wrong = t
        .post_form(
            "/recover",
            &jar,
            &[
                ("csrf", &csrf),
                ("name", "ray"),
                ("code", "AAAAA-AAAAA"),
                ("password", "new password 1"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("do not match") && wrong.body.contains("value=\"ray\""));
    let done = t
        .post_form(
            "/recover",
            &jar,
            &[
                ("csrf", &csrf),
                ("name", "ray"),
                ("code", &registered.recovery_code),
                ("password", "new password 1"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Your new password is set"));
    assert!(
        !done.body.contains(&registered.recovery_code),
        "a new code replaces the used one"
    );
    jar.absorb(&done);
    assert_eq!(
        t.get("/journal", &jar).await.status,
        StatusCode::OK,
        "signed in with the new password"
    );
}

/// The path in the first `href="{prefix}…"` of a page.
fn first_href(body: &str, prefix: &str) -> String {
    let start = body
        .find(&format!("href=\"{prefix}"))
        .unwrap_or_else(|| panic!("a link to {prefix}… in {body}"))
        + "href=\"".len();
    body[start..].chars().take_while(|c| *c != '"').collect()
}

#[tokio::test]
async fn deleting_a_question_insight_or_review_or_revoking_a_link_asks_first() {
    let t = TestApp::new().await;
    let jar = t.signed_in("dee").await;
    let token = t.token("dee", between_app::Access::Full).await;
    for (path, body) in [
        (
            "/api/v1/questions",
            r#"{"text":"Why do I freeze in meetings?"}"#,
        ),
        (
            "/api/v1/insights",
            r#"{"text":"Breathing out slowly helps","kind":"takeaway"}"#,
        ),
    ] {
        let r = t.api("POST", path, Some(&token), Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let csrf = t.csrf(&jar).await;
    let saved = t
        .post_form(
            "/review/save",
            &jar,
            &[("csrf", &csrf), ("since", "12w"), ("learned", "probe")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let link = t
        .post_form("/agenda/link", &jar, &[("csrf", &csrf), ("expires", "3d")])
        .await;
    assert_eq!(link.status, StatusCode::OK, "{}", link.body);

    for (page, prefix, says) in [
        (
            "/questions",
            "/questions/",
            "“Why do I freeze in meetings?”",
        ),
        ("/insights", "/insights/", "“Breathing out slowly helps”"),
        (saved.location(), "/reviews/", "Delete this review?"),
        (
            "/sharing",
            "/sharing/links/",
            "Whoever has the link can no longer open it.",
        ),
    ] {
        let body = t.get(page, &jar).await.body;
        let mut confirm = first_href(&body, prefix);
        while !(confirm.ends_with("/delete") || confirm.ends_with("/revoke")) {
            // Not the action's link yet (e.g. a download): the next one.
            let rest = &body[body.find(&confirm).unwrap() + confirm.len()..];
            confirm = first_href(rest, prefix);
        }
        assert!(
            !body.contains(&format!("action=\"{confirm}\"")),
            "{page}: no one-click form posts to {confirm}"
        );
        let asked = t.get(&confirm, &jar).await;
        assert_eq!(asked.status, StatusCode::OK, "{confirm}");
        assert!(asked.body.contains(says), "{confirm}: {}", asked.body);
        assert!(
            asked
                .body
                .contains(&format!("<form method=\"post\" action=\"{confirm}\"")),
            "{confirm}: the confirm page posts the action"
        );
    }
}
