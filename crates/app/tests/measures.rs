//! Stories of measures and the safety plan, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::measures::SafetyPlan;
use between_app::AppError;
use between_domain::measure::{Change, Instrument, Response};
use between_store::testing::TestDb;
use jiff::{SignedDuration, Timestamp};
use support::{app_on, signed_in, stored_bytes};

on_both_backends!(
    responses_are_scored_and_compared_with_the_previous_and_the_first,
    partial_answers_are_refused_and_write_nothing,
    the_safety_plan_is_private_and_encrypted,
    a_measure_is_due_before_the_next_appointment,
    a_who5_going_up_is_improvement_and_a_pcl5_is_scored_to_80,
    each_instrument_falls_due_by_its_own_schedule,
);

/// A response as the code before instruments became definitions wrote it
/// (the instrument a unit variant, so its name as a string).
#[derive(serde::Serialize)]
struct EarlierResponse {
    instrument: &'static str,
    answers: Vec<u8>,
    difficulty: Option<u8>,
}

#[test]
fn responses_stored_by_the_earlier_code_still_read_and_score_the_same() {
    for (instrument, answers, total, severity) in [
        (
            "phq9",
            vec![2, 2, 2, 2, 2, 2, 2, 2, 0],
            16,
            "moderately_severe",
        ),
        ("gad7", vec![1, 1, 1, 1, 1, 1, 3], 9, "mild"),
    ] {
        let bytes = rmp_serde::to_vec_named(&EarlierResponse {
            instrument,
            answers: answers.clone(),
            difficulty: Some(1),
        })
        .unwrap();
        let r: Response = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(r.instrument.as_str(), instrument);
        assert_eq!(r.answers, answers);
        let scored = between_domain::measure::score(&r);
        assert_eq!((scored.total, scored.severity.as_str()), (total, severity));
        // And what the code writes now reads back the same way.
        assert_eq!(rmp_serde::to_vec_named(&r).unwrap(), bytes);
    }
}

async fn a_who5_going_up_is_improvement_and_a_pcl5_is_scored_to_80(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "wen").await;
    let weeks_ago = |w: i64| Some(Timestamp::now() - SignedDuration::from_hours(24 * 7 * w));
    let who5 = |answers: [u8; 5]| Response {
        instrument: Instrument::Who5,
        answers: answers.to_vec(),
        difficulty: None,
    };
    let low = app
        .take_measure(&p, who5([2, 2, 2, 2, 2]), weeks_ago(4))
        .await
        .unwrap();
    assert_eq!((low.scored.total, low.scored.points), (10, 40));
    assert!(low.case, "below 50 %");
    let higher = app
        .take_measure(&p, who5([3, 3, 3, 2, 2]), weeks_ago(1))
        .await
        .unwrap();
    assert_eq!(higher.scored.points, 52);
    assert_eq!(higher.change, Some(Change::ReliableImprovement));
    assert!(higher.recovered && !higher.case);
    let pcl = app
        .take_measure(
            &p,
            Response {
                instrument: Instrument::Pcl5Weekly,
                answers: vec![4; 20],
                difficulty: None,
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        (pcl.scored.total, pcl.scored.severity.as_str(), pcl.case),
        (80, "probable_ptsd", true)
    );
    // Only the routine instruments fall due by themselves.
    assert!(app
        .measures_due(&p)
        .await
        .unwrap()
        .iter()
        .all(|i| Instrument::ROUTINE.contains(i)));
}

fn phq9(answers: [u8; 9]) -> Response {
    Response {
        instrument: Instrument::Phq9,
        answers: answers.to_vec(),
        difficulty: Some(1),
    }
}

async fn responses_are_scored_and_compared_with_the_previous_and_the_first(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    assert_eq!(
        app.measures_due(&p).await.unwrap(),
        vec![Instrument::Phq9, Instrument::Gad7]
    );
    let weeks_ago = |w: i64| Some(Timestamp::now() - SignedDuration::from_hours(24 * 7 * w));
    let first = app
        .take_measure(&p, phq9([2, 2, 2, 2, 2, 2, 2, 2, 0]), weeks_ago(6))
        .await
        .unwrap();
    assert_eq!(
        (
            first.scored.total,
            first.scored.severity.as_str(),
            first.change,
            first.case
        ),
        (16, "moderately_severe", None, true)
    );
    let second = app
        .take_measure(&p, phq9([2, 2, 2, 2, 1, 1, 1, 1, 0]), weeks_ago(4))
        .await
        .unwrap();
    assert_eq!(second.change, Some(Change::NoReliableChange));
    let third = app
        .take_measure(&p, phq9([1, 1, 1, 1, 1, 1, 1, 1, 1]), weeks_ago(1))
        .await
        .unwrap();
    assert_eq!(
        (third.scored.total, third.change, third.change_from_baseline),
        (
            9,
            Some(Change::NoReliableChange),
            Some(Change::ReliableImprovement)
        )
    );
    assert!(third.recovered && third.scored.safety_alert);
    assert_eq!(app.measures_due(&p).await.unwrap(), vec![Instrument::Gad7]);
    let gad = app
        .take_measure(
            &p,
            Response {
                instrument: Instrument::Gad7,
                answers: vec![1; 7],
                difficulty: None,
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        (gad.scored.total, gad.change),
        (7, None),
        "compared only within an instrument"
    );
}

async fn partial_answers_are_refused_and_write_nothing(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "bo").await;
    let partial = Response {
        instrument: Instrument::Phq9,
        answers: vec![1, 2],
        difficulty: None,
    };
    assert!(matches!(
        app.take_measure(&p, partial, None).await,
        Err(AppError::Invalid(_))
    ));
    let future = Some(Timestamp::now() + SignedDuration::from_hours(2));
    assert!(matches!(
        app.take_measure(&p, phq9([0; 9]), future).await,
        Err(AppError::Invalid(_))
    ));
    assert!(app.measures(&p).await.unwrap().is_empty());
}

async fn the_safety_plan_is_private_and_encrypted(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "cy").await;
    let (other, _, _) = signed_in(&app, "dee").await;
    assert_eq!(app.safety_plan(&p).await.unwrap(), SafetyPlan::default());
    let plan = SafetyPlan {
        reasons_for_living: "My niece Philomena".into(),
        people_to_ask: "Aunt Griselda".into(),
        ..SafetyPlan::default()
    };
    app.save_safety_plan(&p, plan.clone()).await.unwrap();
    app.save_safety_plan(&p, plan.clone()).await.unwrap();
    assert_eq!(app.safety_plan(&p).await.unwrap(), plan);
    assert_eq!(
        app.safety_plan(&other).await.unwrap(),
        SafetyPlan::default()
    );
    app.take_measure(&p, phq9([3, 3, 3, 3, 3, 3, 3, 3, 3]), None)
        .await
        .unwrap();
    let bytes = stored_bytes(db).await;
    if !bytes.is_empty() {
        let hay = String::from_utf8_lossy(&bytes);
        assert!(!hay.contains("Philomena") && !hay.contains("Griselda"));
    }
}

async fn a_measure_is_due_before_the_next_appointment(db: &TestDb) {
    use between_app::appointments::NewAppointment;
    use between_domain::appointment::{Details, Status};
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "eve").await;
    let hours = |h: i64| SignedDuration::from_hours(h);
    app.take_measure(&p, phq9([1; 9]), Some(Timestamp::now() - hours(24 * 8)))
        .await
        .unwrap();
    let gad = Response {
        instrument: Instrument::Gad7,
        answers: vec![1; 7],
        difficulty: None,
    };
    app.take_measure(&p, gad, Some(Timestamp::now() - hours(24 * 8)))
        .await
        .unwrap();
    assert!(
        app.measures_due(&p).await.unwrap().is_empty(),
        "eight days old, no session near"
    );
    let last = app
        .add_appointment(
            &p,
            NewAppointment {
                starts_at: Timestamp::now() - hours(24 * 6),
                details: Details::default(),
                repeat: None,
                until: None,
            },
        )
        .await
        .unwrap();
    app.set_appointment_status(&p, last.id, Status::Attended)
        .await
        .unwrap();
    app.add_appointment(
        &p,
        NewAppointment {
            starts_at: Timestamp::now() + hours(24),
            details: Details::default(),
            repeat: None,
            until: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        app.measures_due(&p).await.unwrap(),
        vec![Instrument::Phq9, Instrument::Gad7],
        "not taken since the last session, the next is tomorrow"
    );
}

async fn each_instrument_falls_due_by_its_own_schedule(db: &TestDb) {
    use between_app::appointments::NewAppointment;
    use between_domain::appointment::Details;
    use between_domain::measure::Cadence;
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "fay").await;
    let hours = |h: i64| SignedDuration::from_hours(h);
    // Nothing set: the routine pair, nothing else.
    assert_eq!(
        app.measures_due(&p).await.unwrap(),
        vec![Instrument::Phq9, Instrument::Gad7]
    );
    // The PHQ-9 off, the PCL-5 weekly, the WHO-5 before each appointment.
    app.set_measure_schedule(&p, Instrument::Phq9, Cadence::Off)
        .await
        .unwrap();
    let weekly = app
        .set_measure_schedule(&p, Instrument::Pcl5Weekly, Cadence::Every { weeks: 1 })
        .await
        .unwrap();
    assert!(weekly.own && weekly.due, "never taken: due at once");
    app.set_measure_schedule(&p, Instrument::Who5, Cadence::BeforeAppointment { days: 2 })
        .await
        .unwrap();
    assert_eq!(
        app.measures_due(&p).await.unwrap(),
        vec![Instrument::Gad7, Instrument::Pcl5Weekly],
        "no appointment yet, so no WHO-5"
    );
    app.add_appointment(
        &p,
        NewAppointment {
            starts_at: Timestamp::now() + hours(30),
            details: Details::default(),
            repeat: None,
            until: None,
        },
    )
    .await
    .unwrap();
    assert!(app
        .measures_due(&p)
        .await
        .unwrap()
        .contains(&Instrument::Who5));
    app.take_measure(
        &p,
        Response {
            instrument: Instrument::Who5,
            answers: vec![3; 5],
            difficulty: None,
        },
        None,
    )
    .await
    .unwrap();
    app.take_measure(
        &p,
        Response {
            instrument: Instrument::Pcl5Weekly,
            answers: vec![1; 20],
            difficulty: None,
        },
        None,
    )
    .await
    .unwrap();
    assert_eq!(app.measures_due(&p).await.unwrap(), vec![Instrument::Gad7]);
    // Setting it again replaces it; a bad one is refused and changes nothing.
    app.set_measure_schedule(&p, Instrument::Phq9, Cadence::Every { weeks: 4 })
        .await
        .unwrap();
    let before = db.store.fingerprint().await;
    assert!(matches!(
        app.set_measure_schedule(&p, Instrument::Phq9, Cadence::Every { weeks: 0 })
            .await,
        Err(AppError::Invalid(_))
    ));
    assert!(db
        .store
        .fingerprint()
        .await
        .changed_since(&before)
        .is_empty());
    let all = app.measure_schedules(&p).await.unwrap();
    assert_eq!(all.len(), Instrument::ALL.len());
    assert_eq!(all[0].cadence, Cadence::Every { weeks: 4 });
}
