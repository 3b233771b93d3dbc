//! Stories of questions, insights and session feedback, on SQLite and
//! PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::appointments::NewAppointment;
use between_app::insights::LinkTo;
use between_app::AppError;
use between_domain::appointment::{Details, Status};
use between_domain::feedback::Feedback;
use between_domain::insight::InsightKind;
use between_store::testing::TestDb;
use jiff::{SignedDuration, Timestamp};
use support::{app_on, signed_in, stored_bytes};

on_both_backends!(
    questions_are_listed_oldest_first_answered_and_searchable,
    insights_link_to_the_last_attended_appointment_and_are_searchable,
    feedback_is_for_attended_sessions_and_flags_low_and_falling_scores,
    one_persons_session_records_are_invisible_to_another,
    nothing_of_the_session_loop_is_readable_at_rest,
);

async fn attended(app: &between_app::App, p: &between_app::Principal, days_ago: i64) -> uuid::Uuid {
    let at = Timestamp::now() - SignedDuration::from_hours(24 * days_ago);
    let a = app
        .add_appointment(
            p,
            NewAppointment {
                starts_at: at,
                details: Details::default(),
                repeat: None,
                until: None,
            },
        )
        .await
        .unwrap();
    app.set_appointment_status(p, a.id, Status::Attended)
        .await
        .unwrap();
    a.id
}

async fn questions_are_listed_oldest_first_answered_and_searchable(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let q1 = app
        .add_question(&p, "Why do I freeze in meetings?")
        .await
        .unwrap();
    let q2 = app
        .add_question(&p, "Is it normal to feel worse first?")
        .await
        .unwrap();
    assert!(matches!(
        app.add_question(&p, "   ").await,
        Err(AppError::Invalid(_))
    ));
    let all = app.questions(&p).await.unwrap();
    assert_eq!(
        all.iter().map(|q| q.id).collect::<Vec<_>>(),
        vec![q1.id, q2.id]
    );
    let session = attended(&app, &p, 1).await;
    let answered = app
        .answer_question(
            &p,
            q1.id,
            "It is the fight-or-flight response.",
            Some(session),
        )
        .await
        .unwrap();
    assert_eq!(answered.data.appointment_id, Some(session));
    assert!(answered.data.answered_at.is_some() && !answered.data.is_open());
    assert!(matches!(
        app.answer_question(&p, q2.id, " ", None).await,
        Err(AppError::Invalid(_))
    ));
    assert!(
        app.question(&p, q2.id).await.unwrap().data.is_open(),
        "a refused answer changes nothing"
    );
    let found = app.search_questions(&p, "FLIGHT").await.unwrap();
    assert_eq!(found.len(), 1);
    app.delete_question(&p, q2.id).await.unwrap();
    assert_eq!(app.questions(&p).await.unwrap().len(), 1);
}

async fn insights_link_to_the_last_attended_appointment_and_are_searchable(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "bo").await;
    let err = app
        .add_insight(&p, "x", InsightKind::Takeaway, LinkTo::Last, vec![])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no attended appointment"), "{err}");
    attended(&app, &p, 8).await;
    let last = attended(&app, &p, 1).await;
    let i = app
        .add_insight(
            &p,
            "Name the feeling before acting on it",
            InsightKind::Strategy,
            LinkTo::Last,
            vec!["#anxiety".into()],
        )
        .await
        .unwrap();
    assert_eq!(
        (i.data.appointment_id, i.data.tags.clone()),
        (Some(last), vec!["anxiety".to_string()])
    );
    app.add_insight(
        &p,
        "I am allowed to rest",
        InsightKind::Insight,
        LinkTo::None,
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(
        app.search_insights(&p, "feeling anxiety")
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.search_insights(&p, "strategy").await.unwrap().len(),
        1,
        "the kind is searchable"
    );
    let missing = uuid::Uuid::now_v7();
    assert!(matches!(
        app.add_insight(
            &p,
            "x",
            InsightKind::Other,
            LinkTo::Appointment(missing),
            vec![]
        )
        .await,
        Err(AppError::NotFound(_))
    ));
    assert_eq!(app.insights(&p).await.unwrap().len(), 2);
}

fn fb(score: u8) -> Feedback {
    Feedback {
        heard: score,
        worked_on: score,
        approach: score,
        overall: score,
        working: "Homework review".into(),
        change: String::new(),
    }
}

async fn feedback_is_for_attended_sessions_and_flags_low_and_falling_scores(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "cy").await;
    let planned = app
        .add_appointment(
            &p,
            NewAppointment {
                starts_at: Timestamp::now() - SignedDuration::from_hours(1),
                details: Details::default(),
                repeat: None,
                until: None,
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        app.set_feedback(&p, planned.id, fb(9)).await,
        Err(AppError::Invalid(_))
    ));
    let mut sessions = Vec::new();
    for days in [28, 21, 14, 7] {
        sessions.push(attended(&app, &p, days).await);
    }
    for (id, score) in sessions.iter().zip([9, 9, 9, 9]) {
        let r = app.set_feedback(&p, *id, fb(score)).await.unwrap();
        assert!(!r.low && !r.falling);
    }
    // Replacing the latest with 7s: total 28, low; 36 - 28 = 8 below the mean, falling.
    let r = app.set_feedback(&p, sessions[3], fb(7)).await.unwrap();
    assert!(r.low && r.falling);
    let all = app.all_feedback(&p).await.unwrap();
    assert_eq!(all.len(), 4, "replacing keeps one per session");
    assert_eq!(all[3].feedback.data.working, "Homework review");
    let err = app
        .set_feedback(&p, sessions[0], Feedback { heard: 11, ..fb(9) })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not 11"));
    app.delete_appointment(&p, sessions[0]).await.unwrap();
    assert_eq!(
        app.all_feedback(&p).await.unwrap().len(),
        3,
        "feedback goes with its appointment"
    );
}

async fn one_persons_session_records_are_invisible_to_another(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (a, _, _) = signed_in(&app, "dee").await;
    let (b, _, _) = signed_in(&app, "eve").await;
    let q = app.add_question(&a, "Private question").await.unwrap();
    let i = app
        .add_insight(
            &a,
            "Private insight",
            InsightKind::Takeaway,
            LinkTo::None,
            vec![],
        )
        .await
        .unwrap();
    let s = attended(&app, &a, 1).await;
    app.set_feedback(&a, s, fb(8)).await.unwrap();
    assert!(matches!(
        app.question(&b, q.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.answer_question(&b, q.id, "x", None).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.insight(&b, i.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.delete_insight(&b, i.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.set_feedback(&b, s, fb(1)).await,
        Err(AppError::NotFound(_))
    ));
    assert!(
        app.questions(&b).await.unwrap().is_empty() && app.insights(&b).await.unwrap().is_empty()
    );
    assert!(app.all_feedback(&b).await.unwrap().is_empty());
}

async fn nothing_of_the_session_loop_is_readable_at_rest(db: &TestDb) {
    use between_domain::goal::{CheckIn, Goal, GoalStatus, Measure};
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "fay").await;
    let at = Timestamp::now() - SignedDuration::from_hours(2);
    let details = Details {
        with: "Dr. Quixotic".into(),
        place: "Zebra Street 9".into(),
        ..Details::default()
    };
    let a = app
        .add_appointment(
            &p,
            NewAppointment {
                starts_at: at,
                details,
                repeat: None,
                until: None,
            },
        )
        .await
        .unwrap();
    app.set_appointment_status(&p, a.id, Status::Attended)
        .await
        .unwrap();
    app.set_feedback(
        &p,
        a.id,
        Feedback {
            working: "Marmalade method".into(),
            ..fb(8)
        },
    )
    .await
    .unwrap();
    let q = app
        .add_question(&p, "Question about kumquats")
        .await
        .unwrap();
    app.answer_question(&p, q.id, "Answer about persimmons", Some(a.id))
        .await
        .unwrap();
    app.add_insight(
        &p,
        "Insight about gooseberries",
        InsightKind::Insight,
        LinkTo::Last,
        vec!["tamarind".into()],
    )
    .await
    .unwrap();
    let goal = Goal {
        title: "Goal about lychees".into(),
        why: "Because of rambutans".into(),
        area: None,
        measure: Measure::Gas {
            levels: [
                "durian one",
                "durian two",
                "durian three",
                "durian four",
                "durian five",
            ]
            .map(String::from),
        },
        review_every_days: 28,
        status: GoalStatus::Active,
    };
    let g = app.add_goal(&p, goal).await.unwrap();
    app.check_in(
        &p,
        g.goal.id,
        CheckIn {
            level: Some(1),
            value: None,
            note: "Note about quinces".into(),
        },
        None,
    )
    .await
    .unwrap();
    let bytes = stored_bytes(db).await;
    if bytes.is_empty() {
        return;
    }
    let hay = String::from_utf8_lossy(&bytes).to_lowercase();
    for secret in [
        "quixotic",
        "zebra street",
        "marmalade",
        "kumquats",
        "persimmons",
        "gooseberries",
        "tamarind",
        "lychees",
        "rambutans",
        "durian",
        "quinces",
        "attended",
    ] {
        assert!(!hay.contains(secret), "{secret:?} is readable at rest");
    }
}
