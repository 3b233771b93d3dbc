//! A clinic runs two or more `between serve` processes on one PostgreSQL
//! database behind a reverse proxy: nothing lives in one instance alone. A
//! session made on one works on the other, a write on one is read on the
//! other, a sign-in throttle counted on one holds on the other, and killing
//! one leaves the other serving.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::throttle::MAX_PER_CLIENT_AND_NAME;
use between_store::testing::TestDb;
use support::process::{account_with_token, cookie_header, request, serve, sign_in};
use support::PASSWORD;

#[tokio::test]
async fn two_instances_on_one_postgresql_database_serve_as_one() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let url = db.url.clone();
    let config = tempfile::tempdir().unwrap();
    let token = account_with_token(&url, config.path(), "ada", PASSWORD);
    let bearer = format!("Bearer {token}");

    let pool = ["--db-max-connections", "4"];
    let (a, at_a) = serve(&url, config.path(), &pool);
    let (_b, at_b) = serve(&url, config.path(), &pool);

    // A session made on one works on the other.
    let (status, jar) = sign_in(&at_a, "ada", PASSWORD);
    assert_eq!(status, 303, "signed in on A");
    let cookies = cookie_header(&jar);
    let home = request(&at_b, "GET", "/journal", &[("Cookie", &cookies)], "");
    assert_eq!(home.status, 200, "the session from A opens B's journal");

    // A write on one is read on the other.
    let written = request(
        &at_a,
        "POST",
        "/api/v1/entries",
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        r#"{"text":"Written on A"}"#,
    );
    assert_eq!(written.status, 201, "{}", written.body);
    let listed = request(
        &at_b,
        "GET",
        "/api/v1/entries?limit=5",
        &[("Authorization", &bearer)],
        "",
    );
    assert_eq!(listed.status, 200);
    assert!(listed.body.contains("Written on A"), "{}", listed.body);
    let page = request(&at_b, "GET", "/journal", &[("Cookie", &cookies)], "");
    assert!(page.body.contains("Written on A"));

    // A throttle counted on one holds on the other.
    for _ in 0..MAX_PER_CLIENT_AND_NAME {
        assert_eq!(sign_in(&at_a, "ada", "not the password").0, 401);
    }
    assert_eq!(
        sign_in(&at_b, "ada", PASSWORD).0,
        429,
        "B refuses the right password while A's count stands"
    );

    // Killing one leaves the other serving.
    drop(a);
    assert_eq!(request(&at_b, "GET", "/healthz", &[], "").status, 200);
    let again = request(
        &at_b,
        "GET",
        "/api/v1/entries?limit=5",
        &[("Authorization", &bearer)],
        "",
    );
    assert!(again.status == 200 && again.body.contains("Written on A"));
    drop(db);
}
