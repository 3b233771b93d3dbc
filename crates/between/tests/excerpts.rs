//! Sharing only part of an entry: the excerpt is its own record under the
//! shared-journal key while the entry stays under the private key (checked
//! at rest, in the key ids, and through the therapist's API); editing the
//! entry leaves it; deleting the entry asks about it; it follows key
//! rotation and the account archive; the browser page works without
//! JavaScript. On both backends.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::sessions::SignInAs;
use between_app::{Access, Role};
use between_domain::share::Scope;
use between_store::RecordQuery;
use serde_json::json;
use support::{TestApp, PASSWORD};

const PRIVATE: &str = "my brother's debt";

async fn sign_in(t: &TestApp, name: &str) -> between_app::Principal {
    t.app
        .sign_in(name, PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap()
        .0
}

async fn excerpt_of_an_entry(t: TestApp) {
    let jar = t.signed_in("ada").await;
    let ada_token = t.token("ada", Access::Full).await;
    t.signed_in_as("dr-rivera", Role::Therapist).await;
    let dr_token = t.token("dr-rivera", Access::Full).await;
    let ada = sign_in(&t, "ada").await;
    let dr = sign_in(&t, "dr-rivera").await;
    let invite = t.app.create_share_invite(&ada).await.unwrap();
    let link = t.app.accept_share_invite(&dr, &invite.code).await.unwrap();
    t.app
        .set_share_scopes(&ada, "dr-rivera", &[Scope::Journal], &[])
        .await
        .unwrap();
    let tk = Some(ada_token.as_str());
    let body =
        json!({"text": format!("Work was hard.\nAnd then {PRIVATE}."), "mood": 3, "shared": true});
    let r = t
        .api("POST", "/api/v1/entries", tk, Some(&body.to_string()))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();

    // Only the first line, from an entry that was shared in full.
    let r = t
        .api(
            "POST",
            &format!("/api/v1/entries/{id}/excerpt"),
            tk,
            Some(r#"{"text": "Work was hard."}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["excerpt"], "part");
    let entry = t
        .api("GET", &format!("/api/v1/entries/{id}"), tk, None)
        .await;
    assert_eq!(entry.json()["shared"], false, "the entry is private again");

    // The therapist's API: the excerpt, nothing else of the entry.
    let client_journal = format!("/api/v1/clients/{}/journal", link.client_id);
    let seen = t.api("GET", &client_journal, Some(&dr_token), None).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    let items = seen.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{}", seen.body);
    assert_eq!(items[0]["kind"], "excerpt");
    assert_eq!(items[0]["text"], "Work was hard.");
    assert!(!seen.body.contains("brother") && !seen.body.contains("\"mood\""));

    // At rest: the link holds the key of the excerpt, not the entry's.
    let held: Vec<uuid::Uuid> =
        t.db.store
            .share_keys(link.id)
            .await
            .unwrap()
            .iter()
            .map(|k| k.key_id)
            .collect();
    let entry_id = uuid::Uuid::parse_str(&id).unwrap();
    let row =
        t.db.store
            .entry(ada.user.id, entry_id)
            .await
            .unwrap()
            .unwrap();
    assert!(
        !held.contains(&row.key_id),
        "the entry stays under the private key"
    );
    let excerpts =
        t.db.store
            .list_records(
                ada.user.id,
                &RecordQuery {
                    kind: "excerpt".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(excerpts.len(), 1);
    assert!(held.contains(&excerpts[0].key_id));
    assert_eq!(excerpts[0].parent_id, Some(entry_id));

    // Editing the entry leaves what was shared as it was.
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/entries/{id}"),
            tk,
            Some(r#"{"text": "Rewritten entirely."}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let seen = t.api("GET", &client_journal, Some(&dr_token), None).await;
    assert!(seen.body.contains("Work was hard.") && !seen.body.contains("Rewritten"));

    // Key rotation: the journal scope off, a sign-in (the keys are
    // replaced), on again — the excerpt is under the new key and still read.
    t.app
        .set_share_scopes(&ada, "dr-rivera", &[], &[Scope::Journal])
        .await
        .unwrap();
    let ada = sign_in(&t, "ada").await;
    t.app
        .set_share_scopes(&ada, "dr-rivera", &[Scope::Journal], &[])
        .await
        .unwrap();
    let rekeyed =
        t.db.store
            .list_records(
                ada.user.id,
                &RecordQuery {
                    kind: "excerpt".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_ne!(rekeyed[0].key_id, excerpts[0].key_id, "re-keyed");
    let seen = t.api("GET", &client_journal, Some(&dr_token), None).await;
    assert!(seen.body.contains("Work was hard."), "{}", seen.body);

    // The archive carries it: another account imports entry and excerpt.
    let export = t.api("GET", "/api/v1/export", tk, None).await;
    assert_eq!(export.status, StatusCode::OK);
    t.signed_in("bea").await;
    let bea_token = t.token("bea", Access::Full).await;
    let imported = t
        .api(
            "POST",
            "/api/v1/import",
            Some(&bea_token),
            Some(&export.body),
        )
        .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    let bea = sign_in(&t, "bea").await;
    let theirs = t.app.all_entries(&bea).await.unwrap();
    let copy = theirs
        .iter()
        .find(|e| e.content.text == "Rewritten entirely.")
        .unwrap();
    let excerpt = t.app.excerpt_of(&bea, copy.id).await.unwrap().unwrap();
    assert_eq!(excerpt.data.text, "Work was hard.");

    // Deleting the entry asks about the excerpt.
    let del = t
        .api("DELETE", &format!("/api/v1/entries/{id}"), tk, None)
        .await;
    assert_eq!(del.status, StatusCode::CONFLICT, "{}", del.body);
    assert!(del.body.contains("excerpt"), "{}", del.body);
    let page = t.get(&format!("/journal/{id}/delete"), &jar).await.body;
    assert!(page.contains("Delete what I shared too") && page.contains("Keep sharing it"));
    let del = t
        .api(
            "DELETE",
            &format!("/api/v1/entries/{id}?excerpt=keep"),
            tk,
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT, "{}", del.body);
    let seen = t.api("GET", &client_journal, Some(&dr_token), None).await;
    assert!(seen.body.contains("Work was hard."), "kept: {}", seen.body);
    t.api("POST", &format!("/api/v1/entries/{id}/restore"), tk, None)
        .await;
    let del = t
        .api(
            "DELETE",
            &format!("/api/v1/entries/{id}?excerpt=delete"),
            tk,
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT, "{}", del.body);
    let seen = t.api("GET", &client_journal, Some(&dr_token), None).await;
    assert_eq!(seen.json()["items"], json!([]), "{}", seen.body);
}

#[tokio::test]
async fn an_excerpt_is_all_the_therapist_gets_of_an_entry() {
    excerpt_of_an_entry(TestApp::new().await).await;
}

#[tokio::test]
async fn on_postgresql_an_excerpt_is_all_the_therapist_gets_of_an_entry() {
    if let Some(db) = between_store::testing::TestDb::postgres().await {
        excerpt_of_an_entry(TestApp::on(db).await).await;
    }
}

#[tokio::test]
async fn the_share_page_prefills_the_entry_and_shares_the_part_kept() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let body = json!({"text": format!("Slept badly.\n{PRIVATE}")});
    let r = t
        .api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(&body.to_string()),
        )
        .await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let entry = t.get(&format!("/journal/{id}"), &jar).await.body;
    assert!(entry.contains("Share part of it, or all of it"), "{entry}");
    let form = t.get(&format!("/journal/{id}/share"), &jar).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains(PRIVATE.replace('\'', "&#39;").as_str()),
        "prefilled: {}",
        form.body
    );
    let csrf = t.csrf(&jar).await;
    let empty = t
        .post_form(
            &format!("/journal/{id}/share"),
            &jar,
            &[
                ("csrf", &csrf),
                ("what", "part"),
                ("text", "  "),
                ("kind", "part"),
            ],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Write what to share"), "{}", empty.body);
    let saved = t
        .post_form(
            &format!("/journal/{id}/share"),
            &jar,
            &[
                ("csrf", &csrf),
                ("what", "part"),
                ("text", "I slept badly this week."),
                ("kind", "summary"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let entry = t.get(&format!("/journal/{id}"), &jar).await.body;
    assert!(
        entry.contains("They see only a summary of it")
            && entry.contains("I slept badly this week."),
        "{entry}"
    );
    let stopped = t
        .post_form(
            &format!("/journal/{id}/excerpt/delete"),
            &jar,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(stopped.status, StatusCode::SEE_OTHER);
    assert!(t
        .get(&format!("/journal/{id}"), &jar)
        .await
        .body
        .contains("Private."));
}
