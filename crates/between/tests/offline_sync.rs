//! `POST /sync`: what a browser wrote offline, sealed to the account's key,
//! comes back through the signed-in session and is stored once, through
//! the same code as the form it was written on; what cannot be stored is
//! refused with a reason and changes nothing. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::sessions::SignInAs;
use between_app::testing::seal_offline_item;
use between_store::testing::TestDb;
use serde_json::{json, Value};
use support::{Jar, TestApp, PASSWORD};

async fn both_backends() -> Vec<TestApp> {
    let mut apps = vec![TestApp::new().await];
    if let Some(db) = TestDb::postgres().await {
        apps.push(TestApp::on(db).await);
    }
    apps
}

/// `name`'s public key, as the page gives it to the browser.
async fn public_key(t: &TestApp, name: &str) -> [u8; 32] {
    let (p, _) = t
        .app
        .sign_in(name, PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    t.app.offline_public_key(&p).unwrap()
}

/// An item written on the form at `path`, sealed to `public`.
fn item(public: &[u8; 32], path: &str, fields: &[(&str, &str)]) -> (String, String) {
    let id = uuid::Uuid::new_v4().to_string();
    let plain = json!({"path": path, "fields": fields, "written_at": "2026-11-30T07:45:00Z"});
    let sealed = seal_offline_item(public, &id, plain.to_string().as_bytes());
    (id, serde_json::to_string(&sealed).unwrap())
}

async fn sync(t: &TestApp, jar: &Jar, items: &[&str]) -> (u16, Value) {
    let csrf = t.csrf(jar).await;
    let mut fields = vec![("csrf", csrf.as_str())];
    fields.extend(items.iter().map(|i| ("item", *i)));
    let reply = t.post_form("/sync", jar, &fields).await;
    (reply.status.as_u16(), reply.json())
}

/// The rows of what a person writes, and the claims of offline items.
async fn written(t: &TestApp) -> Vec<Option<(usize, u64)>> {
    let all = t.db.store.fingerprint().await;
    ["entries", "records", "api_idempotency"]
        .iter()
        .map(|table| all.0.get(*table).copied())
        .collect()
}

fn daily_practice(title: &str) -> between_domain::practice::definition::Practice {
    use between_domain::practice::definition::{Practice, Template};
    use between_domain::practice::schedule::Schedule;
    Practice {
        title: title.into(),
        instructions: String::new(),
        why: String::new(),
        goal_id: None,
        assigned_by: "self".into(),
        template: Template::Mindfulness,
        schedule: Schedule::parse("daily").unwrap(),
        start: "2026-11-01".parse().unwrap(),
        end: None,
        archived: false,
    }
}

async fn journal(t: &TestApp, jar: &Jar) -> String {
    t.get("/journal", jar).await.body
}

#[tokio::test]
async fn an_entry_written_offline_is_stored_once_at_the_time_it_was_written() {
    for t in both_backends().await {
        let olive = t.signed_in("olive").await;
        let (id, sealed) = item(
            &public_key(&t, "olive").await,
            "/journal",
            &[("text", "Written on the ferry"), ("mood", "6")],
        );
        let (status, answer) = sync(&t, &olive, &[&sealed]).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["results"][0], json!({"id": id, "status": "stored"}));
        // A retry (its answer was lost on the way) stores nothing more.
        let (_, again) = sync(&t, &olive, &[&sealed]).await;
        assert_eq!(again["results"][0]["status"], "already-stored");
        let page = journal(&t, &olive).await;
        assert_eq!(page.matches("Written on the ferry").count(), 1);
        // Written at 07:45 UTC, shown in the person's zone (Berlin).
        assert!(page.contains("08:45"), "kept the time it was written");
    }
}

#[tokio::test]
async fn a_practice_marked_done_and_a_check_in_written_offline_are_stored() {
    for t in both_backends().await {
        let olive = t.signed_in("olive").await;
        let (p, _) = t
            .app
            .sign_in("olive", PASSWORD, "test", SignInAs::Device, "test")
            .await
            .unwrap();
        let practice = t
            .app
            .add_practice(&p, daily_practice("Box breathing"))
            .await
            .unwrap();
        t.app
            .add_tracker(&p, between_domain::tracker::preset("sleep").unwrap())
            .await
            .unwrap();
        let public = public_key(&t, "olive").await;
        let (_, done) = item(
            &public,
            &format!("/practices/{}/logs", practice.practice.id),
            &[("from", "home")],
        );
        let (_, checkin) = item(&public, "/trackers/checkin", &[("v.sleep", "7.5")]);
        let (_, answer) = sync(&t, &olive, &[&done, &checkin]).await;
        assert_eq!(answer["results"][0]["status"], "stored", "{answer}");
        assert_eq!(answer["results"][1]["status"], "stored", "{answer}");
        let view = t.app.practice(&p, practice.practice.id).await.unwrap();
        assert_eq!(view.logs.len(), 1);
        let page = t.get("/trackers?date=2026-11-30", &olive).await.body;
        assert!(
            page.contains("7.5"),
            "the reading is on the day it was written"
        );
    }
}

#[tokio::test]
async fn what_cannot_be_stored_is_refused_with_a_reason_and_changes_nothing() {
    for t in both_backends().await {
        let olive = t.signed_in("olive").await;
        let _carl = t.signed_in("carl").await;
        let mine = public_key(&t, "olive").await;
        let carls = public_key(&t, "carl").await;
        let cases = [
            // Sealed to another account: olive's key does not open it.
            (
                item(&carls, "/journal", &[("text", "Carl's")]).1,
                "does not open",
            ),
            (
                item(&mine, "/settings/password", &[("password", "x")]).1,
                "cannot be written offline",
            ),
            (
                item(&mine, "/journal", &[("text", "bad"), ("mood", "11")]).1,
                "Mood",
            ),
            (item(&mine, "/journal", &[("text", "nul\u{0}")]).1, "text"),
            (
                item(
                    &mine,
                    &format!("/practices/{}/logs", uuid::Uuid::new_v4()),
                    &[],
                )
                .1,
                "no longer there",
            ),
            ("{\"id\": 1}".to_string(), "not understood"),
            (
                json!({"id": "not-a-uuid", "epk": "", "iv": "", "ct": ""}).to_string(),
                "not a UUID",
            ),
        ];
        let before = written(&t).await;
        for (sealed, says) in &cases {
            let (status, answer) = sync(&t, &olive, &[sealed]).await;
            assert_eq!(status, 200);
            let outcome = &answer["results"][0];
            assert_eq!(outcome["status"], "refused", "{answer}");
            let message = outcome["message"].as_str().unwrap();
            assert!(message.contains(says), "{says:?} not in {message:?}");
        }
        assert_eq!(written(&t).await, before, "a refused item changed nothing");
        // More than 20 at once is refused whole.
        let many: Vec<String> = (0..21)
            .map(|_| item(&mine, "/journal", &[("text", "x")]).1)
            .collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let (status, _) = sync(&t, &olive, &refs).await;
        assert_eq!(status, 400);
        assert!(!journal(&t, &olive).await.contains("Carl&#x27;s"));
    }
}

#[tokio::test]
async fn without_a_session_or_form_token_nothing_is_taken() {
    let t = TestApp::new().await;
    let olive = t.signed_in("olive").await;
    let (_, sealed) = item(
        &public_key(&t, "olive").await,
        "/journal",
        &[("text", "Kept for later")],
    );
    let signed_out = t
        .post_form(
            "/sync",
            &Jar::default(),
            &[("csrf", "x"), ("item", &sealed)],
        )
        .await;
    assert_ne!(signed_out.status.as_u16(), 200);
    let no_token = t.post_form("/sync", &olive, &[("item", &sealed)]).await;
    assert_eq!(no_token.status.as_u16(), 400);
    assert!(!journal(&t, &olive).await.contains("Kept for later"));
    // The item is still good: sent properly later, it is stored.
    let (_, answer) = sync(&t, &olive, &[&sealed]).await;
    assert_eq!(answer["results"][0]["status"], "stored");
}
