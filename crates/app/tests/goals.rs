//! Stories of goals and check-ins, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::AppError;
use between_domain::goal::{Area, CheckIn, Goal, GoalStatus, Measure};
use between_store::testing::TestDb;
use jiff::{SignedDuration, Timestamp};
use support::{app_on, signed_in};

on_both_backends!(
    a_numeric_goal_tracks_progress_towards_its_target,
    a_gas_goal_keeps_levels_and_history_through_status_changes,
    goals_come_due_for_review_and_are_private,
);

fn panic_attacks() -> Goal {
    Goal {
        title: "Fewer panic attacks".into(),
        why: "I want to take the train again".into(),
        area: Some(Area::Anxiety),
        measure: Measure::Numeric {
            baseline: 6.0,
            target: 1.0,
            unit: "panic attacks per week".into(),
            lower_is_better: true,
        },
        review_every_days: 28,
        status: GoalStatus::Active,
    }
}

fn value(v: f64) -> CheckIn {
    CheckIn {
        level: None,
        value: Some(v),
        note: String::new(),
    }
}

async fn a_numeric_goal_tracks_progress_towards_its_target(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let g = app.add_goal(&p, panic_attacks()).await.unwrap();
    assert_eq!(g.progress, None);
    let week_ago = Timestamp::now() - SignedDuration::from_hours(24 * 7);
    app.check_in(&p, g.goal.id, value(5.0), Some(week_ago))
        .await
        .unwrap();
    let now = app
        .check_in(
            &p,
            g.goal.id,
            CheckIn {
                note: "Took the bus".into(),
                ..value(3.5)
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(now.check_ins.len(), 2);
    assert_eq!(now.progress, Some(0.5));
    assert_eq!(now.check_ins[1].data.note, "Took the bus");
    let err = app
        .check_in(
            &p,
            g.goal.id,
            CheckIn {
                level: Some(1),
                value: None,
                note: String::new(),
            },
            None,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("panic attacks per week"), "{err}");
    let future = Timestamp::now() + SignedDuration::from_hours(48);
    assert!(matches!(
        app.check_in(&p, g.goal.id, value(1.0), Some(future)).await,
        Err(AppError::Invalid(_))
    ));
    let undone = app
        .delete_check_in(&p, g.goal.id, now.check_ins[1].id)
        .await
        .unwrap();
    assert_eq!(undone.progress, Some(0.2));
}

async fn a_gas_goal_keeps_levels_and_history_through_status_changes(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "bo").await;
    let levels = [
        "Silent in every meeting",
        "Speak once a week",
        "Speak once in every meeting",
        "Speak twice",
        "Lead an item",
    ]
    .map(String::from);
    let goal = Goal {
        title: "Speak up in team meetings".into(),
        measure: Measure::Gas {
            levels: levels.clone(),
        },
        ..panic_attacks()
    };
    let g = app.add_goal(&p, goal).await.unwrap();
    app.check_in(
        &p,
        g.goal.id,
        CheckIn {
            level: Some(-1),
            value: None,
            note: String::new(),
        },
        None,
    )
    .await
    .unwrap();
    let v = app
        .check_in(
            &p,
            g.goal.id,
            CheckIn {
                level: Some(1),
                value: None,
                note: String::new(),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(v.progress, Some(1.0));
    let achieved = app
        .set_goal_status(&p, g.goal.id, GoalStatus::Achieved)
        .await
        .unwrap();
    assert_eq!(achieved.goal.data.status, GoalStatus::Achieved);
    assert_eq!(achieved.check_ins.len(), 2, "history is kept");
    assert_eq!(achieved.goal.data.measure, Measure::Gas { levels });
    let numeric = Goal {
        measure: panic_attacks().measure,
        ..achieved.goal.data.clone()
    };
    assert!(matches!(
        app.update_goal(&p, g.goal.id, numeric).await,
        Err(AppError::Invalid(_))
    ));
    app.delete_goal(&p, g.goal.id).await.unwrap();
    assert!(app.goals(&p).await.unwrap().is_empty());
}

async fn goals_come_due_for_review_and_are_private(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "cy").await;
    let (other, _, _) = signed_in(&app, "dee").await;
    let g = app
        .add_goal(
            &p,
            Goal {
                review_every_days: 1,
                ..panic_attacks()
            },
        )
        .await
        .unwrap();
    assert!(!g.due_for_review);
    app.check_in(
        &p,
        g.goal.id,
        value(4.0),
        Some(Timestamp::now() - SignedDuration::from_hours(30)),
    )
    .await
    .unwrap();
    // The check-in is older than the goal, so the review counts from creation.
    assert!(app.goals_due_for_review(&p).await.unwrap().is_empty());
    let bad = Goal {
        title: " ".into(),
        ..panic_attacks()
    };
    assert!(matches!(
        app.add_goal(&p, bad).await,
        Err(AppError::Invalid(_))
    ));
    assert_eq!(app.goals(&p).await.unwrap().len(), 1);
    assert!(matches!(
        app.goal(&other, g.goal.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.check_in(&other, g.goal.id, value(1.0), None).await,
        Err(AppError::NotFound(_))
    ));
    assert!(app.goals(&other).await.unwrap().is_empty());
}
