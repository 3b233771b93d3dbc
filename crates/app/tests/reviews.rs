//! Periodic reviews from stored data: the period's figures, saved reviews
//! with reflections, comparison, due dates; on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::{App, AppError, Config};
use between_domain::insight::InsightKind;
use between_domain::measure::{Change, Instrument, Response};
use between_domain::review::Reflections;
use between_store::testing::TestDb;
use jiff::{SignedDuration, Timestamp};
use support::signed_in;

on_both_backends!(
    a_review_gathers_the_period_and_is_saved_with_reflections,
    reviews_are_private_and_bad_input_changes_nothing,
);

const NOW: &str = "2026-11-25T12:00:00Z";

fn days_ago(n: i64) -> Timestamp {
    NOW.parse::<Timestamp>().unwrap() - SignedDuration::from_hours(24 * n)
}

fn app_at_now(db: &TestDb) -> App {
    App::new(
        db.store.clone(),
        Config {
            clock: between_app::Clock::manual(NOW.parse().unwrap()),
            ..Config::testing()
        },
    )
}

async fn a_review_gathers_the_period_and_is_saved_with_reflections(db: &TestDb) {
    let app = app_at_now(db);
    let (p, _, _) = signed_in(&app, "ada").await;
    for (ago, answers) in [(120, [3u8; 9]), (60, [2; 9]), (10, [1; 9])] {
        let mut answers = answers.to_vec();
        answers[8] = 0;
        app.take_measure(
            &p,
            Response {
                instrument: Instrument::Phq9,
                answers,
                difficulty: None,
            },
            Some(days_ago(ago)),
        )
        .await
        .unwrap();
    }
    app.add_insight(
        &p,
        "Breathe out longer than in",
        InsightKind::Strategy,
        between_app::insights::LinkTo::None,
        Vec::new(),
    )
    .await
    .unwrap();
    let since = days_ago(84);
    let r = app.review(&p, since, None).await.unwrap();
    assert_eq!(r.from.to_string(), "2026-09-02");
    assert_eq!(r.to.to_string(), "2026-11-25");
    let phq = &r.measures[0];
    assert_eq!(
        phq.start.as_ref().unwrap().total,
        24,
        "the last score before the period"
    );
    assert_eq!(phq.end.total, 8);
    assert_eq!(phq.change, Some(Change::ReliableImprovement));
    assert_eq!(r.strategies.len(), 1);
    assert_eq!(r.strategies[0].text, "Breathe out longer than in");

    let saved = app
        .save_review(
            &p,
            since,
            None,
            Reflections {
                learned: "  I can slow down.  ".into(),
                changed: "Fewer panic attacks".into(),
                focus: "Sleep".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(saved.data.reflections.learned, "I can slow down.");
    let list = app.saved_reviews(&p).await.unwrap();
    assert_eq!(list.len(), 1);
    let shown = app.saved_review(&p, saved.id).await.unwrap();
    assert!(shown.previous.is_none() && shown.comparison.is_empty());
    assert_eq!(
        app.review_due(&p).await.unwrap().unwrap().to_string(),
        "2027-02-17",
        "12 weeks after the saved review's last day"
    );

    // A second review compares with the first.
    let second = app
        .save_review(&p, days_ago(30), None, Reflections::default())
        .await
        .unwrap();
    let shown = app.saved_review(&p, second.id).await.unwrap();
    assert_eq!(shown.previous.unwrap().id, saved.id);
    assert!(
        shown
            .comparison
            .iter()
            .any(|l| l == "PHQ-9: 8 (mild) then, 8 (mild) now — no reliable change."),
        "{:?}",
        shown.comparison
    );
}

async fn reviews_are_private_and_bad_input_changes_nothing(db: &TestDb) {
    let app = app_at_now(db);
    let (p, _, _) = signed_in(&app, "ada").await;
    let err = app.review(&p, days_ago(-1), None).await.unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)), "{err}");
    let err = app
        .save_review(
            &p,
            days_ago(10),
            None,
            Reflections {
                focus: "x".repeat(5001),
                ..Reflections::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("What do I want to focus on next?"),
        "{err}"
    );
    assert!(app.saved_reviews(&p).await.unwrap().is_empty());
    let saved = app
        .save_review(&p, days_ago(10), None, Reflections::default())
        .await
        .unwrap();
    let (eve, _, _) = signed_in(&app, "eve").await;
    assert!(matches!(
        app.saved_review(&eve, saved.id).await.unwrap_err(),
        AppError::NotFound(_)
    ));
    assert!(app.saved_reviews(&eve).await.unwrap().is_empty());
}
