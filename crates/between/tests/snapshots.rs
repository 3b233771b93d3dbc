//! The demo account's agenda (and review) at a fixed date, as a person
//! reads them: any change to drafting, wording or layout shows up here as a
//! reviewed snapshot diff. The clock is fixed, the demo's generator seeded.

#![allow(clippy::unwrap_used)]

use between::agenda_doc;
use between_app::accounts::NewUser;
use between_app::agenda_saved::Target;
use between_app::sessions::SignInAs;
use between_app::{demo, App, Config, Principal, Role};
use between_store::testing::TestDb;

/// Wednesday 25 November 2026, 12:00 UTC.
const NOW: &str = "2026-11-25T12:00:00Z";

async fn demo_account(db: &TestDb) -> (App, Principal) {
    let app = App::new(
        db.store.clone(),
        Config {
            clock: between_app::Clock::manual(NOW.parse().unwrap()),
            ..Config::testing()
        },
    );
    app.register(NewUser {
        name: "demo",
        password: "snapshot password",
        role: Role::Client,
        time_zone: "Europe/London",
    })
    .await
    .unwrap();
    let (p, _) = app
        .sign_in(
            "demo",
            "snapshot password",
            "test",
            SignInAs::Device,
            "test",
        )
        .await
        .unwrap();
    demo::fill(&app, &p, 1, 1).await.unwrap();
    (app, p)
}

#[tokio::test]
async fn the_demo_agenda_at_a_fixed_date() {
    let db = TestDb::sqlite().await;
    let (app, p) = demo_account(&db).await;
    let agenda = app.agenda(&p, Target::Next).await.unwrap();
    let tz = &p.user.time_zone;
    insta::assert_snapshot!("agenda_text", agenda_doc::text(&agenda, tz));
    insta::assert_snapshot!("agenda_markdown", agenda_doc::markdown(&agenda, tz));
}

#[tokio::test]
async fn the_demo_review_of_twelve_weeks_at_a_fixed_date() {
    use between::review_doc::{self, ReviewDoc};
    let db = TestDb::sqlite().await;
    let (app, p) = demo_account(&db).await;
    let since = app.now() - jiff::SignedDuration::from_hours(24 * 7 * 12);
    let review = app.review(&p, since, None).await.unwrap();
    let doc = ReviewDoc {
        review: &review,
        reflections: None,
        saved_at: None,
        comparison: None,
    };
    insta::assert_snapshot!("review_text", review_doc::text(&doc));
    insta::assert_snapshot!("review_markdown", review_doc::markdown(&doc));
}
