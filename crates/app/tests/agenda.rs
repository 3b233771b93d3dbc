//! The agenda as the person shapes it: drafted until the first edit, then
//! saved per appointment and stable; refresh on request; carry-over of what
//! was not discussed; on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::agenda_saved::{Change, Target};
use between_app::appointments::NewAppointment;
use between_app::{App, AppError, Principal};
use between_domain::agenda::Section;
use between_domain::agenda_plan::Prefs;
use between_domain::appointment::{Details, Status};
use between_store::testing::TestDb;
use jiff::{SignedDuration, Timestamp};
use support::{app_on, signed_in};

on_both_backends!(
    an_agenda_is_a_draft_until_edited_then_stable_until_refreshed,
    what_was_not_discussed_carries_over_to_the_next_appointment,
    bad_edits_change_nothing_and_agendas_are_private,
    session_minutes_decide_what_fits,
);

async fn appointment(app: &App, p: &Principal, hours_from_now: i64) -> uuid::Uuid {
    app.add_appointment(
        p,
        NewAppointment {
            starts_at: Timestamp::now() + SignedDuration::from_hours(hours_from_now),
            details: Details::default(),
            repeat: None,
            until: None,
        },
    )
    .await
    .unwrap()
    .id
}

fn texts(a: &between_app::agenda_saved::Agenda) -> Vec<String> {
    a.plan.points.iter().map(|x| x.item.text.clone()).collect()
}

async fn an_agenda_is_a_draft_until_edited_then_stable_until_refreshed(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let next = appointment(&app, &p, 48).await;
    app.add_question(&p, "Why do I freeze in meetings?")
        .await
        .unwrap();
    let draft = app.agenda(&p, Target::Next).await.unwrap();
    assert!(!draft.saved());
    assert_eq!(draft.appointment.map(|(id, _)| id), Some(next));
    assert!(texts(&draft).contains(&"Why do I freeze in meetings?".to_string()));

    // A draft follows the data.
    app.add_question(&p, "Can we talk about my sister?")
        .await
        .unwrap();
    let draft = app.agenda(&p, Target::Next).await.unwrap();
    assert!(texts(&draft).contains(&"Can we talk about my sister?".to_string()));

    // The first edit saves it.
    let saved = app
        .change_agenda(
            &p,
            Target::Next,
            Change::Add("Ask about the holidays".into()),
        )
        .await
        .unwrap();
    assert!(saved.saved());
    let last = saved.plan.points.last().unwrap();
    assert_eq!(last.item.section, Section::Own);
    assert!(last.item.key.starts_with("own:"));

    // Later data does not change it silently, but shows as a change.
    let q = app
        .add_question(&p, "Is group therapy for me?")
        .await
        .unwrap();
    let again = app.agenda(&p, Target::Next).await.unwrap();
    assert_eq!(texts(&again), texts(&saved));
    let (_, changes) = app.agenda_changes(&p, Target::Next).await.unwrap();
    assert_eq!(changes.added.len(), 1);
    assert_eq!(changes.added[0].key, format!("question:{}", q.id));

    // Reorder and mark top, then refresh: the choices stay.
    let moved = app
        .change_agenda(
            &p,
            Target::Next,
            Change::Move {
                which: saved.plan.points.len().to_string(),
                to: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.plan.points[0].item.text, "Ask about the holidays");
    app.change_agenda(
        &p,
        Target::Next,
        Change::Top {
            which: "1".into(),
            on: true,
        },
    )
    .await
    .unwrap();
    let refreshed = app
        .change_agenda(&p, Target::Next, Change::Refresh)
        .await
        .unwrap();
    assert_eq!(refreshed.plan.points[0].item.text, "Ask about the holidays");
    assert!(refreshed.plan.points[0].top);
    assert!(texts(&refreshed).contains(&"Is group therapy for me?".to_string()));
    let (_, changes) = app.agenda_changes(&p, Target::Next).await.unwrap();
    assert!(changes.is_empty());

    // The agenda of another appointment is its own.
    let later = appointment(&app, &p, 24 * 9).await;
    let other = app.agenda(&p, Target::Appointment(later)).await.unwrap();
    assert!(!other.saved());
}

async fn what_was_not_discussed_carries_over_to_the_next_appointment(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    // A session two hours ago, an hour long, with its agenda.
    let past = appointment(&app, &p, -2).await;
    app.change_agenda(
        &p,
        Target::Appointment(past),
        Change::Add("Talk about sleep".into()),
    )
    .await
    .unwrap();
    app.change_agenda(
        &p,
        Target::Appointment(past),
        Change::Add("Ask about the reading list".into()),
    )
    .await
    .unwrap();
    app.set_appointment_status(&p, past, Status::Attended)
        .await
        .unwrap();
    // After the session, ticks go to the last session by default.
    let ticked = app
        .change_agenda(
            &p,
            Target::Last,
            Change::Discussed {
                which: "Talk about sleep".into(),
                on: true,
            },
        )
        .await;
    assert!(
        ticked.is_err(),
        "points are named by number or id, not text"
    );
    let before = app.agenda(&p, Target::Last).await.unwrap();
    assert_eq!(before.appointment.map(|(id, _)| id), Some(past));
    let n = before
        .plan
        .points
        .iter()
        .position(|x| x.item.text == "Talk about sleep")
        .unwrap();
    app.change_agenda(
        &p,
        Target::Last,
        Change::Discussed {
            which: (n + 1).to_string(),
            on: true,
        },
    )
    .await
    .unwrap();

    appointment(&app, &p, 24 * 7).await;
    let next = app.agenda(&p, Target::Next).await.unwrap();
    let carried: Vec<&str> = next
        .plan
        .points
        .iter()
        .filter(|x| x.carried)
        .map(|x| x.item.text.as_str())
        .collect();
    assert_eq!(carried, vec!["Ask about the reading list"]);
}

async fn bad_edits_change_nothing_and_agendas_are_private(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let next = appointment(&app, &p, 24).await;
    app.change_agenda(&p, Target::Next, Change::Save)
        .await
        .unwrap();
    let before = app.agenda(&p, Target::Next).await.unwrap();
    for bad in [
        Change::Add("   ".into()),
        Change::Add("x".repeat(501)),
        Change::Remove("99".into()),
        Change::Move {
            which: "1".into(),
            to: 0,
        },
        Change::Top {
            which: "question:nope".into(),
            on: true,
        },
    ] {
        let err = app
            .change_agenda(&p, Target::Next, bad.clone())
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{bad:?}: {err}");
    }
    let after = app.agenda(&p, Target::Next).await.unwrap();
    assert_eq!(after.plan, before.plan);

    let (eve, _, _) = signed_in(&app, "eve").await;
    let err = app
        .agenda(&eve, Target::Appointment(next))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound(_)));
    let err = app
        .change_agenda(&eve, Target::Appointment(next), Change::Add("hi".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound(_)));
}

async fn session_minutes_decide_what_fits(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    for n in 0..20 {
        app.change_agenda(&p, Target::Next, Change::Add(format!("Point {n}")))
            .await
            .unwrap();
    }
    let fits = |a: &between_app::agenda_saved::Agenda| a.fits().iter().filter(|f| **f).count();
    let a = app.agenda(&p, Target::Next).await.unwrap();
    assert_eq!(a.minutes, 50);
    let at_50 = fits(&a);
    assert!(at_50 < a.plan.points.len());
    app.set_agenda_prefs(
        &p,
        Prefs {
            session_minutes: 90,
            ..Prefs::default()
        },
    )
    .await
    .unwrap();
    let a = app.agenda(&p, Target::Next).await.unwrap();
    assert!(fits(&a) > at_50);
    let err = app
        .set_agenda_prefs(
            &p,
            Prefs {
                session_minutes: 5,
                ..Prefs::default()
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("10 to 240 minutes"));
}
