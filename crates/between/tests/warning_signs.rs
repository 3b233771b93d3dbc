//! Warning signs: a rule over the person's own data matches in their own
//! days, shows on Today with the next steps of their safety plan, and goes
//! when deleted; on both backends.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::sessions::SignInAs;
use between_app::Access;
use between_domain::share::Scope;
use between_domain::warning_sign::{Rule, WarningSign};
use serde_json::json;
use support::{TestApp, PASSWORD};

#[tokio::test]
async fn a_matching_sign_shows_on_today_with_the_persons_own_next_steps() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let tk = Some(token.as_str());
    let (p, _) = t
        .app
        .sign_in("ada", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    t.api(
        "POST",
        "/api/v1/trackers",
        tk,
        Some(r#"{"preset":"sleep"}"#),
    )
    .await;
    let sign = t
        .app
        .add_warning_sign(
            &p,
            WarningSign {
                name: "Not sleeping".into(),
                rule: Rule::Tracker {
                    tracker: "sleep".into(),
                    below: true,
                    value: 6.0,
                    days: 3,
                },
                tell: Vec::new(),
            },
        )
        .await
        .unwrap();
    for (day, hours) in [("1d", 5.0), ("2d", 5.5), ("3d", 7.5)] {
        let body = json!({"date": day, "values": {"sleep": hours}});
        let r = t
            .api("POST", "/api/v1/checkins", tk, Some(&body.to_string()))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let home = t.get("/", &jar).await.body;
    assert!(
        !home.contains("One of your warning signs"),
        "two short nights are not three"
    );

    let body = json!({"date": "3d", "values": {"sleep": 4.5}});
    t.api("POST", "/api/v1/checkins", tk, Some(&body.to_string()))
        .await;
    let csrf = t.csrf(&jar).await;
    let saved = t
        .post_form(
            "/safety-plan",
            &jar,
            &[
                ("csrf", &csrf),
                ("coping_strategies", "Walk round the block"),
                ("people_to_ask", "Sam, 0170 555 0101"),
            ],
        )
        .await;
    assert!(
        saved.status.is_redirection() || saved.status == StatusCode::OK,
        "{}",
        saved.status
    );
    let home = t.get("/", &jar).await.body;
    assert!(home.contains("One of your warning signs"), "{home}");
    assert!(
        home.contains("<strong>Not sleeping</strong>: sleep under 6 on 3 days in a row"),
        "{home}"
    );
    assert!(
        home.contains("Walk round the block") && home.contains("Sam, 0170 555 0101"),
        "{home}"
    );
    assert!(home.contains("nobody else watches it"));

    t.app.delete_warning_sign(&p, sign.id).await.unwrap();
    assert!(!t
        .get("/", &jar)
        .await
        .body
        .contains("One of your warning signs"));
}

#[tokio::test]
async fn a_window_is_the_persons_own_days() {
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let (p, _) = t
        .app
        .sign_in("ada", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    // Half past midnight in Berlin is still yesterday in UTC: a one-day
    // window counts it only if days are the person's.
    let now = t.app.now().to_zoned(p.user.time_zone.clone());
    let just_after_midnight = now
        .date()
        .at(0, 30, 0, 0)
        .to_zoned(p.user.time_zone.clone())
        .unwrap();
    if just_after_midnight.timestamp() > t.app.now() {
        return; // the first half hour of a Berlin day: nothing to tell apart yet
    }
    let entry = json!({"text": "Low", "mood": 2, "occurred_at": just_after_midnight.strftime("%Y-%m-%d %H:%M").to_string()});
    let r = t
        .api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(&entry.to_string()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    t.app
        .add_warning_sign(
            &p,
            WarningSign {
                name: "Low today".into(),
                rule: Rule::LowMood {
                    at_most: 3,
                    days: 1,
                    window: 1,
                },
                tell: Vec::new(),
            },
        )
        .await
        .unwrap();
    let fired = t.app.warning_signs_fired(&p).await.unwrap();
    assert_eq!(fired.len(), 1, "the entry is today in Berlin");
    assert_eq!(fired[0].fired.as_ref().unwrap().on, now.date());
}

#[tokio::test]
async fn the_safety_plan_page_builds_a_sign_from_choices_and_deletes_it() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    t.api(
        "POST",
        "/api/v1/trackers",
        Some(&token),
        Some(r#"{"preset":"sleep"}"#),
    )
    .await;
    let page = t.get("/safety-plan", &jar).await.body;
    assert!(
        page.contains("Warning signs Between can notice")
            && page.contains("Nobody watches it in real time")
    );
    assert!(
        page.contains(r#"<option value="sleep">"#),
        "the person's trackers to choose from"
    );
    let csrf = t.csrf(&jar).await;
    let bad = t
        .post_form(
            "/safety-plan/warning-signs",
            &jar,
            &[
                ("csrf", &csrf),
                ("name", "Low"),
                ("look", "mood"),
                ("mood_at_most", "3"),
                ("mood_days", "9"),
                ("mood_within", "7"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("no more days than the window") && bad.body.contains(r#"value="Low""#),
        "the name stays"
    );
    let added = t
        .post_form(
            "/safety-plan/warning-signs",
            &jar,
            &[
                ("csrf", &csrf),
                ("name", "Not sleeping"),
                ("look", "tracker"),
                ("tracker", "sleep"),
                ("direction", "below"),
                ("value", "6,5"),
                ("tracker_days", "3"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = t.get("/safety-plan", &jar).await.body;
    assert!(
        page.contains("<strong>Not sleeping</strong>")
            && page.contains("sleep under 6.5 on 3 days in a row"),
        "{page}"
    );
    let id = page
        .split("/safety-plan/warning-signs/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_string();
    let deleted = t
        .post_form(
            &format!("/safety-plan/warning-signs/{id}/delete"),
            &jar,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert!(!t
        .get("/safety-plan", &jar)
        .await
        .body
        .contains("<strong>Not sleeping</strong>"));
}

/// Links `client` with a new therapist `name` sharing the agenda; returns
/// the therapist's web session and the link's id.
async fn linked_therapist(
    t: &TestApp,
    client: &between_app::Principal,
    name: &str,
) -> (support::Jar, uuid::Uuid) {
    let jar = t.signed_in_as(name, between_app::Role::Therapist).await;
    let (dr, _) = t
        .app
        .sign_in(name, PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let invite = t.app.create_share_invite(client).await.unwrap();
    let link = t.app.accept_share_invite(&dr, &invite.code).await.unwrap();
    t.app
        .set_share_scopes(client, name, &[Scope::Agenda], &[])
        .await
        .unwrap();
    (jar, link.id)
}

#[tokio::test]
async fn a_sign_matched_by_a_write_is_recorded_once_raised_on_the_agenda_and_flagged_only_where_chosen(
) {
    matched_by_a_write(TestApp::new().await).await;
}

#[tokio::test]
async fn on_postgresql_a_sign_matched_by_a_write_is_recorded_once_raised_and_flagged() {
    if let Some(db) = between_store::testing::TestDb::postgres().await {
        matched_by_a_write(TestApp::on(db).await).await;
    }
}

async fn matched_by_a_write(t: TestApp) {
    t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let (p, _) = t
        .app
        .sign_in("ada", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let (rivera, told) = linked_therapist(&t, &p, "dr-rivera").await;
    let (other, _) = linked_therapist(&t, &p, "dr-okafor").await;
    t.app
        .add_warning_sign(
            &p,
            WarningSign {
                name: "Low days".into(),
                rule: Rule::LowMood {
                    at_most: 3,
                    days: 1,
                    window: 7,
                },
                tell: vec![told],
            },
        )
        .await
        .unwrap();
    t.app.settle().await;
    assert!(t.app.warning_sign_matches(&p).await.unwrap().is_empty());

    // Writing is what makes Between look: no page is opened here.
    for text in ["Heavy day", "Still heavy"] {
        let entry = json!({"text": text, "mood": 2});
        let r = t
            .api(
                "POST",
                "/api/v1/entries",
                Some(&token),
                Some(&entry.to_string()),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        t.app.settle().await;
    }
    let matches = t.app.warning_sign_matches(&p).await.unwrap();
    assert_eq!(matches.len(), 1, "one episode, however often it is seen");
    assert_eq!(matches[0].data.name, "Low days");
    assert!(matches[0].data.evidence.contains("mood 3 or lower"));

    let draft = t.app.draft_agenda(&p).await.unwrap();
    let point = draft
        .items
        .iter()
        .find(|i| i.key == format!("warning_sign:{}", matches[0].id))
        .expect("the next agenda raises it");
    assert_eq!(point.section, between_domain::agenda::Section::Safety);
    assert!(point.text.contains("My warning sign \"Low days\" matched"));

    let seen = t.get("/clients", &rivera).await.body;
    assert!(
        seen.contains("warning sign &#34;Low days&#34; matched (")
            && seen.contains("chose to let you know"),
        "the therapist the person chose sees it: {seen}"
    );
    let unseen = t.get("/clients", &other).await.body;
    assert!(
        !unseen.contains("Low days"),
        "another therapist does not: {unseen}"
    );
    let page = t
        .get("/safety-plan", &t.sign_in_jar("ada").await)
        .await
        .body;
    assert!(page.contains("Last matched") && page.contains("Shown to dr-rivera"));

    // Signing in looks too: the episode is noted again once it is gone.
    t.db.store
        .execute_for_tests("DELETE FROM records WHERE kind = 'warning_sign_match'")
        .await;
    t.app
        .sign_in("ada", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    t.app.settle().await;
    assert_eq!(t.app.warning_sign_matches(&p).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_sign_can_be_told_only_to_the_persons_own_links() {
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let (p, _) = t
        .app
        .sign_in("ada", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let err = t
        .app
        .add_warning_sign(
            &p,
            WarningSign {
                name: "Low days".into(),
                rule: Rule::LowMood {
                    at_most: 3,
                    days: 1,
                    window: 7,
                },
                tell: vec![uuid::Uuid::now_v7()],
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not one of your links"), "{err}");
    assert!(t.app.warning_signs(&p).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_api_adds_lists_shows_and_deletes_warning_signs() {
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let tk = Some(token.as_str());
    let bad = t
        .api(
            "POST",
            "/api/v1/warning-signs",
            tk,
            Some(r#"{"name": "Low", "look": "weather"}"#),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("look"), "{}", bad.body);
    let nobody = t
        .api(
            "POST",
            "/api/v1/warning-signs",
            tk,
            Some(r#"{"name": "Low", "look": "low_mood", "tell": ["dr-nobody"]}"#),
        )
        .await;
    assert_eq!(
        nobody.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        nobody.body
    );
    let added = t
        .api(
            "POST",
            "/api/v1/warning-signs",
            tk,
            Some(
                r#"{"name": "Low days", "look": "low_mood", "at_most": 3, "days": 1, "window": 7}"#,
            ),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let sign = added.json();
    assert_eq!(sign["rule"]["kind"], "low_mood");
    assert_eq!(sign["matches"], serde_json::Value::Null);
    let id = sign["id"].as_str().unwrap().to_string();
    let entry = json!({"text": "Heavy", "mood": 2});
    t.api("POST", "/api/v1/entries", tk, Some(&entry.to_string()))
        .await;
    t.app.settle().await;
    let list = t.api("GET", "/api/v1/warning-signs", tk, None).await;
    let first = &list.json()["warning_signs"][0];
    assert!(first["matches"]["evidence"].is_string(), "{}", list.body);
    assert!(
        first["last_matched"]["noticed"].is_string(),
        "{}",
        list.body
    );
    let one = t
        .api("GET", &format!("/api/v1/warning-signs/{id}"), tk, None)
        .await;
    assert_eq!(one.json()["name"], "Low days");
    let gone = t
        .api("DELETE", &format!("/api/v1/warning-signs/{id}"), tk, None)
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let again = t
        .api("GET", &format!("/api/v1/warning-signs/{id}"), tk, None)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}
