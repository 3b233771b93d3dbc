//! A page request's memo (`memo.rs`): what it remembered is never older
//! than the request's own writes, and a new request reads afresh.

#![allow(clippy::unwrap_used)]

mod support;

use between_domain::practice::definition::Log;
use between_store::testing::TestDb;
use support::{app_on, daily_practice, signed_in};

on_both_backends!(
    a_write_through_the_remembering_principal_is_read_back_at_once,
    a_new_request_sees_what_another_wrote_meanwhile,
    a_practice_logged_in_the_request_counts_as_done_at_once,
);

async fn a_write_through_the_remembering_principal_is_read_back_at_once(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ama").await;
    let page = p.remembering();
    assert!(app.questions(&page).await.unwrap().is_empty());
    app.add_question(&page, "Why Sundays?").await.unwrap();
    let texts: Vec<String> = app
        .questions(&page)
        .await
        .unwrap()
        .into_iter()
        .map(|q| q.data.text)
        .collect();
    assert_eq!(texts, ["Why Sundays?"]);
}

async fn a_new_request_sees_what_another_wrote_meanwhile(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ben").await;
    let first = p.remembering();
    assert!(app.questions(&first).await.unwrap().is_empty());
    // Another request (another principal of the same person) writes.
    app.add_question(&p, "What next?").await.unwrap();
    // The first request keeps the view it started with; the next one reads
    // what is there now.
    assert!(app.questions(&first).await.unwrap().is_empty());
    assert_eq!(app.questions(&p.remembering()).await.unwrap().len(), 1);
    assert_eq!(app.questions(&p).await.unwrap().len(), 1);
}

async fn a_practice_logged_in_the_request_counts_as_done_at_once(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "cas").await;
    let today = jiff::Timestamp::now()
        .to_zoned(p.user.time_zone.clone())
        .date();
    let page = p.remembering();
    let v = app
        .add_practice(&page, daily_practice("Walk", today))
        .await
        .unwrap();
    let before = app.practices_today_brief(&page).await.unwrap();
    assert!(before[0].1.due_today && !before[0].1.done_today);
    app.log_practice(&page, v.practice.id, Log::default(), None)
        .await
        .unwrap();
    let after = app.practices_today_brief(&page).await.unwrap();
    assert!(
        after[0].1.done_today,
        "the log's day is read again after the write"
    );
}
