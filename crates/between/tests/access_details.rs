//! The access log says which questionnaire and which excerpt a therapist
//! opened — for the client only: those words are sealed to the client's
//! public key, the plain columns stay generic (kind of data, time, who),
//! and the client reads them on "Who saw what", in the CSV, the CLI and
//! the API. On both backends.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::sessions::SignInAs;
use between_app::{Access, Role};
use between_domain::share::Scope;
use serde_json::json;
use support::{TestApp, PASSWORD};

async fn details_are_sealed_to_the_client(t: TestApp) {
    let jar = t.signed_in("ada").await;
    let ada_token = t.token("ada", Access::Full).await;
    t.signed_in_as("dr-rivera", Role::Therapist).await;
    let dr_token = t.token("dr-rivera", Access::Full).await;
    let sign_in = |name: &'static str| {
        let app = t.app.clone();
        async move {
            app.sign_in(name, PASSWORD, "test", SignInAs::Device, "test")
                .await
                .unwrap()
                .0
        }
    };
    let (ada, dr) = (sign_in("ada").await, sign_in("dr-rivera").await);
    let invite = t.app.create_share_invite(&ada).await.unwrap();
    let link = t.app.accept_share_invite(&dr, &invite.code).await.unwrap();
    t.app
        .set_share_scopes(&ada, "dr-rivera", &[Scope::Measures, Scope::Journal], &[])
        .await
        .unwrap();
    let tk = Some(ada_token.as_str());
    let pcl = json!({"instrument": "pcl5-weekly", "answers": vec![1; 20]});
    let r = t
        .api("POST", "/api/v1/measures", tk, Some(&pcl.to_string()))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let entry = t
        .api(
            "POST",
            "/api/v1/entries",
            tk,
            Some(r#"{"text": "A hard week. The rest is mine."}"#),
        )
        .await;
    let id = entry.json()["id"].as_str().unwrap().to_string();
    t.api(
        "POST",
        &format!("/api/v1/entries/{id}/excerpt"),
        tk,
        Some(r#"{"text": "A hard week."}"#),
    )
    .await;

    for scope in ["measures", "journal"] {
        let r = t
            .api(
                "GET",
                &format!("/api/v1/clients/{}/{scope}", link.client_id),
                Some(&dr_token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    // At rest: generic plain columns, sealed details.
    let rows = t.db.store.access_log(ada.user.id).await.unwrap();
    let measures = rows.iter().find(|r| r.what == "measures").unwrap();
    let sealed = measures.details.as_deref().expect("details are kept");
    assert!(
        !sealed.windows(3).any(|w| w == b"PCL"),
        "the instrument's name is not in the clear"
    );
    assert!(rows.iter().all(|r| !r.what.contains("PCL")));

    // The client reads them.
    let log = t.api("GET", "/api/v1/access-log", tk, None).await;
    let lines = log.json()["access_log"].as_array().unwrap().clone();
    let details = |what: &str| {
        lines
            .iter()
            .find(|l| l["what"] == what)
            .map(|l| l["details"].clone())
            .unwrap()
    };
    assert_eq!(
        details("measures"),
        json!(["PCL-5 (past week): 1 response"])
    );
    let journal = details("journal");
    assert!(
        journal[1]
            .as_str()
            .unwrap()
            .starts_with("an excerpt of the entry of"),
        "{journal}"
    );
    let page = t.get("/sharing/access-log", &jar).await.body;
    assert!(page.contains("PCL-5 (past week): 1 response"), "{page}");
    let csv = t.get("/sharing/access-log.csv", &jar).await.body;
    assert!(csv.contains("PCL-5 (past week): 1 response"), "{csv}");
    // Nobody else: the therapist's own reads of their account are theirs.
    let theirs = t
        .api("GET", "/api/v1/access-log", Some(&dr_token), None)
        .await;
    assert!(!theirs.body.contains("PCL-5"), "{}", theirs.body);
}

#[tokio::test]
async fn what_exactly_was_opened_is_sealed_to_the_client() {
    details_are_sealed_to_the_client(TestApp::new().await).await;
}

#[tokio::test]
async fn on_postgresql_what_exactly_was_opened_is_sealed_to_the_client() {
    if let Some(db) = between_store::testing::TestDb::postgres().await {
        details_are_sealed_to_the_client(TestApp::on(db).await).await;
    }
}
