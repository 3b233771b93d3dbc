//! Linking a client with a therapist and sharing by scope, on SQLite and
//! PostgreSQL: a therapist reads exactly what is shared, with their own
//! credentials, and nothing once a scope is off or the link has ended.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::sessions::SignInAs;
use between_app::{App, AppError, Config, Principal};
use between_domain::measure::{Instrument, Response};
use between_domain::share::Scope;
use between_store::testing::TestDb;
use support::{confirmed, signed_in, therapist, PASSWORD};

on_both_backends!(
    a_therapist_reads_only_what_the_client_shares_while_linked,
    invitations_are_one_time_and_role_bound,
    a_key_a_former_therapist_held_is_replaced_at_the_clients_next_sign_in,
    the_journal_scope_opens_shared_entries_and_never_private_ones,
    a_shared_agenda_is_a_snapshot_of_shared_scopes_with_the_therapists_notes,
    a_therapist_assigns_practice_the_client_accepts_adjusts_or_declines,
    dashboard_roadblocks_come_only_from_shared_scopes,
    an_appointment_naming_a_therapist_is_hidden_from_another,
);

fn not_found(r: Result<impl std::fmt::Debug, AppError>) {
    match r {
        Err(AppError::NotFound(_)) => {}
        other => panic!("expected not found, got {other:?}"),
    }
}

async fn a_therapist_reads_only_what_the_client_shares_while_linked(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    app.take_measure(
        &ada,
        Response {
            instrument: Instrument::Phq9,
            answers: vec![2; 9],
            difficulty: None,
        },
        None,
    )
    .await
    .unwrap();
    let dr = therapist(&app, "dr-rivera").await;
    let other = therapist(&app, "dr-other").await;

    let invite = app.create_share_invite(&ada).await.unwrap();
    let link = app.accept_share_invite(&dr, &invite.code).await.unwrap();
    assert_eq!((link.client.as_str(), link.with.as_str()), ("ada", "ada"));
    let summary = &app.client_summaries(&dr).await.unwrap()[0];
    assert!(
        summary.measures.is_none() && summary.adherence.is_none() && summary.safety_flag.is_none(),
        "a client who shares nothing shows just their name and appointments"
    );
    assert!(link.scopes.is_empty(), "every scope starts off");
    assert_eq!(app.clients(&dr).await.unwrap().len(), 1);
    not_found(app.client_measures(&dr, "ada").await);

    let link = app
        .set_share_scopes(&ada, "dr-rivera", &[Scope::Measures], &[])
        .await
        .unwrap();
    assert_eq!(link.scopes, vec![Scope::Measures]);
    // A fresh sign-in of the therapist (their own credentials only) reads it.
    let dr_again = app
        .sign_in(
            "dr-rivera",
            PASSWORD,
            "test",
            SignInAs::WebSession,
            "other browser",
        )
        .await
        .unwrap()
        .0;
    let summary = &app.client_summaries(&dr_again).await.unwrap()[0];
    assert_eq!(summary.measures.as_ref().unwrap()[0].1, 18);
    assert_eq!(summary.safety_flag, Some(true), "item 9 answered above 0");
    let seen = app.client_measures(&dr_again, "ada").await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].scored.total, 18);
    not_found(app.client_measures(&other, "ada").await);

    let log = app.access_log(&ada).await.unwrap();
    assert!(
        log.iter()
            .any(|a| a.what == "measures" && a.reader_name == "dr-rivera"),
        "{log:?}"
    );
    assert!(log.iter().any(|a| a.what == "scope measures switched on"));
    assert_eq!(
        log.iter()
            .filter(|a| a.what == "summary" && a.reader_name == "dr-rivera")
            .count(),
        2,
        "each dashboard read is in the client's log: {log:?}"
    );

    // Off: the very next request is refused, and the sealed key is gone.
    app.set_share_scopes(&ada, "dr-rivera", &[], &[Scope::Measures])
        .await
        .unwrap();
    not_found(app.client_measures(&dr, "ada").await);

    // On again, then the client ends the link.
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Measures], &[])
        .await
        .unwrap();
    assert_eq!(app.client_measures(&dr, "ada").await.unwrap().len(), 1);
    app.end_share(&ada, "dr-rivera").await.unwrap();
    not_found(app.client_measures(&dr, "ada").await);
    assert!(app.clients(&dr).await.unwrap().is_empty());
    assert!(app.shares(&ada).await.unwrap().is_empty());

    // A therapist cannot decide what a client shares.
    let invite = app.create_share_invite(&ada).await.unwrap();
    app.accept_share_invite(&dr, &invite.code).await.unwrap();
    let err = app
        .set_share_scopes(&dr, "ada", &[Scope::Journal], &[])
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
}

async fn invitations_are_one_time_and_role_bound(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    let (bob, _, _) = signed_in(&app, "bob").await;
    let dr = therapist(&app, "dr-rivera").await;
    assert!(matches!(
        app.create_share_invite(&dr).await.unwrap_err(),
        AppError::Forbidden(_)
    ));
    let invite = app.create_share_invite(&ada).await.unwrap();
    assert!(matches!(
        app.accept_share_invite(&bob, &invite.code)
            .await
            .unwrap_err(),
        AppError::Forbidden(_)
    ));
    let err = app
        .accept_share_invite(&dr, "not-a-code")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not valid"), "{err}");
    app.accept_share_invite(&dr, &invite.code).await.unwrap();
    let err = app
        .accept_share_invite(&dr, &invite.code)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("used already"), "{err}");
    // A second invitation between the same two is refused while linked.
    let again = app.create_share_invite(&ada).await.unwrap();
    let err = app.accept_share_invite(&dr, &again.code).await.unwrap_err();
    assert!(
        err.to_string().contains("linked with this person already"),
        "{err}"
    );

    // An invitation expires after seven days.
    let later = App::new(
        db.store.clone(),
        Config {
            clock: between_app::Clock::manual(
                jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 8),
            ),
            ..Config::testing()
        },
    );
    let (carl, _, _) = signed_in(&app, "carl").await;
    let old = app.create_share_invite(&carl).await.unwrap();
    let err = later.accept_share_invite(&dr, &old.code).await.unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");
}

async fn a_key_a_former_therapist_held_is_replaced_at_the_clients_next_sign_in(db: &TestDb) {
    use between_domain::EntryContent;
    use between_store::{EntryQuery, RecordQuery};
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, secret, _) = signed_in(&app, "ada").await;
    let take = |p: Principal| {
        let app = app.clone();
        async move {
            app.take_measure(
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
        }
    };
    take(ada.clone()).await;
    let shared = app
        .add_entry(
            &ada,
            EntryContent {
                text: "For Dr. Rivera".into(),
                shared: true,
                ..EntryContent::default()
            },
            None,
        )
        .await
        .unwrap();
    let dr = therapist(&app, "dr-rivera").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    let link = app.accept_share_invite(&dr, &invite.code).await.unwrap();
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Measures, Scope::Journal], &[])
        .await
        .unwrap();
    let held: Vec<uuid::Uuid> = db
        .store
        .share_keys(link.id)
        .await
        .unwrap()
        .iter()
        .filter(|k| k.kind == "measures" || k.kind == "shared_journal")
        .map(|k| k.key_id)
        .collect();
    assert_eq!(held.len(), 2);
    let measure_keys = || async {
        db.store
            .list_records(
                ada.user.id,
                &RecordQuery {
                    kind: "measure".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .iter()
            .map(|r| r.key_id)
            .collect::<Vec<_>>()
    };
    assert!(measure_keys().await.iter().all(|k| held.contains(k)));
    // A phone shortcut's write-only token, made while the key was shared.
    let (_, token) = app
        .create_token(
            &ada,
            confirmed(&app, &ada).await,
            "phone",
            between_app::Access::WriteOnly,
        )
        .await
        .unwrap();

    app.set_share_scopes(&ada, "dr-rivera", &[], &[Scope::Measures, Scope::Journal])
        .await
        .unwrap();
    // The client's next sign-in (here: the next request with their session)
    // makes new keys and re-encrypts under them.
    let ada = app.authenticate(&secret).await.unwrap();
    assert!(
        measure_keys().await.iter().all(|k| !held.contains(k)),
        "no measure is under a key the former therapist holds"
    );
    let entry_key = db
        .store
        .list_entries(ada.user.id, &EntryQuery::default())
        .await
        .unwrap()
        .iter()
        .find(|e| e.id == shared.id)
        .unwrap()
        .key_id;
    assert!(!held.contains(&entry_key));
    assert_eq!(
        app.entry(&ada, shared.id).await.unwrap().content.text,
        "For Dr. Rivera"
    );
    take(ada.clone()).await;
    assert!(measure_keys().await.iter().all(|k| !held.contains(k)));
    // That token holds no key at all: what it writes, shared or not, is
    // sealed to the account and moved under the current keys at the next
    // unlock, never under a key the former therapist held.
    let phone = app.authenticate(&token).await.unwrap();
    let note = |shared: bool| EntryContent {
        text: "From the phone".into(),
        shared,
        ..EntryContent::default()
    };
    let from_phone = app.add_entry(&phone, note(true), None).await.unwrap();
    app.add_entry(&phone, note(false), None).await.unwrap();
    let ada = app.authenticate(&secret).await.unwrap();
    assert!(app.entry(&ada, from_phone.id).await.unwrap().content.shared);
    let key = db
        .store
        .entry(ada.user.id, from_phone.id)
        .await
        .unwrap()
        .unwrap()
        .key_id;
    assert!(!held.contains(&key));
    assert_eq!(
        app.measures(&ada).await.unwrap().len(),
        2,
        "the client still reads all"
    );

    // Shared again: the therapist gets the new key and reads everything.
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Measures], &[])
        .await
        .unwrap();
    assert_eq!(app.client_measures(&dr, "ada").await.unwrap().len(), 2);
}

async fn the_journal_scope_opens_shared_entries_and_never_private_ones(db: &TestDb) {
    use between_app::sharing::ClientData;
    use between_domain::EntryContent;
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    for (text, shared) in [("Private thoughts", false), ("For my therapist", true)] {
        app.add_entry(
            &ada,
            EntryContent {
                text: text.into(),
                shared,
                ..EntryContent::default()
            },
            None,
        )
        .await
        .unwrap();
    }
    app.add_insight(
        &ada,
        "Breathe out longer",
        between_domain::insight::InsightKind::Strategy,
        between_app::insights::LinkTo::None,
        Vec::new(),
    )
    .await
    .unwrap();
    let dr = therapist(&app, "dr-rivera").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    app.accept_share_invite(&dr, &invite.code).await.unwrap();
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Journal], &[])
        .await
        .unwrap();
    let ClientData::Journal(entries, _) =
        app.client_data(&dr, "ada", Scope::Journal).await.unwrap()
    else {
        panic!("journal data")
    };
    let texts: Vec<&str> = entries.iter().map(|e| e.content.text.as_str()).collect();
    assert_eq!(texts, vec!["For my therapist"]);
    not_found(app.client_data(&dr, "ada", Scope::Insights).await);
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Insights], &[])
        .await
        .unwrap();
    let ClientData::Insights(list) = app.client_data(&dr, "ada", Scope::Insights).await.unwrap()
    else {
        panic!("insight data")
    };
    assert_eq!(list[0].data.text, "Breathe out longer");
}

async fn a_shared_agenda_is_a_snapshot_of_shared_scopes_with_the_therapists_notes(db: &TestDb) {
    use between_app::agenda_saved::{Change, Target};
    use between_app::agenda_share::Note;
    use between_domain::goal::{Goal, GoalStatus, Measure};
    use between_domain::EntryContent;
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    for (text, shared) in [("PRIVATE awful night", false), ("SHARED hard call", true)] {
        app.add_entry(
            &ada,
            EntryContent {
                text: text.into(),
                mood: Some(2),
                shared,
                ..EntryContent::default()
            },
            None,
        )
        .await
        .unwrap();
    }
    app.add_goal(
        &ada,
        Goal {
            title: "Take the train".into(),
            why: String::new(),
            area: None,
            measure: Measure::Numeric {
                baseline: 0.0,
                target: 5.0,
                unit: "trips".into(),
                lower_is_better: false,
            },
            review_every_days: 28,
            status: GoalStatus::Active,
        },
    )
    .await
    .unwrap();
    app.add_question(&ada, "Is this normal?").await.unwrap();
    app.change_agenda(&ada, Target::Next, Change::Add("My sister".into()))
        .await
        .unwrap();
    let dr = therapist(&app, "dr-rivera").await;
    let other = therapist(&app, "dr-other").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    app.accept_share_invite(&dr, &invite.code).await.unwrap();
    not_found(app.client_agenda(&dr, "ada").await);

    // Switching the scope on publishes a snapshot of what is shared.
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Agenda, Scope::Goals], &[])
        .await
        .unwrap();
    let seen = app.client_agenda(&dr, "ada").await.unwrap();
    let snapshot = seen.snapshot.expect("a snapshot");
    let text: Vec<&str> = snapshot
        .sections
        .iter()
        .flat_map(|s| &s.lines)
        .map(|l| l.text.as_str())
        .collect();
    let all = text.join("\n");
    assert!(all.contains("Take the train"), "{all}");
    assert!(all.contains("Is this normal?"), "{all}");
    assert!(all.contains("My sister"), "{all}");
    assert!(!all.contains("PRIVATE"), "never a private entry: {all}");
    assert!(!all.contains("SHARED"), "the journal scope is off: {all}");
    assert!(
        !all.contains("journal entries since"),
        "no whole-journal summary: {all}"
    );

    // The journal scope on: shared entries appear once the client's app
    // builds the agenda again (here: they open it); private ones never do.
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Journal], &[])
        .await
        .unwrap();
    app.agenda(&ada, Target::Next).await.unwrap();
    let seen = app.client_agenda(&dr, "ada").await.unwrap();
    let all: String = seen
        .snapshot
        .unwrap()
        .sections
        .iter()
        .flat_map(|s| &s.lines)
        .map(|l| format!("{}\n", l.text))
        .collect();
    assert!(all.contains("SHARED hard call"), "{all}");
    assert!(!all.contains("PRIVATE"), "{all}");

    // The therapist adds a comment and a point; the client reads them, the
    // therapist reads their own, nobody else reads any.
    let err = app
        .add_agenda_note(
            &dr,
            "ada",
            Note {
                text: "  ".into(),
                point: false,
                on: None,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)), "{err}");
    app.add_agenda_note(
        &dr,
        "ada",
        Note {
            text: "Good that you noticed".into(),
            point: false,
            on: None,
        },
    )
    .await
    .unwrap();
    app.add_agenda_note(
        &dr,
        "ada",
        Note {
            text: "Sleep".into(),
            point: true,
            on: None,
        },
    )
    .await
    .unwrap();
    let agenda = app.agenda(&ada, Target::Next).await.unwrap();
    let notes = app
        .agenda_notes(&ada, agenda.appointment.map(|(id, _)| id))
        .await
        .unwrap();
    let got: Vec<(&str, bool, &str)> = notes
        .iter()
        .map(|n| (n.from.as_str(), n.note.point, n.note.text.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("dr-rivera", false, "Good that you noticed"),
            ("dr-rivera", true, "Sleep")
        ]
    );
    assert_eq!(app.client_agenda(&dr, "ada").await.unwrap().notes.len(), 2);
    not_found(app.client_agenda(&other, "ada").await);
    not_found(
        app.add_agenda_note(
            &other,
            "ada",
            Note {
                text: "x".into(),
                point: false,
                on: None,
            },
        )
        .await,
    );
    let log = app.access_log(&ada).await.unwrap();
    assert!(log
        .iter()
        .any(|a| a.what == "agenda" && a.reader_name == "dr-rivera"));

    // Agenda off: refused at once, and the snapshot is gone.
    app.set_share_scopes(&ada, "dr-rivera", &[], &[Scope::Agenda])
        .await
        .unwrap();
    not_found(app.client_agenda(&dr, "ada").await);
}

async fn a_therapist_assigns_practice_the_client_accepts_adjusts_or_declines(db: &TestDb) {
    use between_app::assignments::{Answer, AssignmentState};
    use between_domain::practice::definition::{Practice, Template};
    use between_domain::practice::schedule::Schedule;
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    let (bob, _, _) = signed_in(&app, "bob").await;
    let dr = therapist(&app, "dr-rivera").await;
    let other = therapist(&app, "dr-other").await;
    let today = jiff::Zoned::now().date();
    let practice = |title: &str| Practice {
        title: title.into(),
        instructions: "Four counts in, six out".into(),
        why: String::new(),
        goal_id: None,
        assigned_by: "self".into(),
        template: Template::Mindfulness,
        schedule: Schedule::parse("daily").unwrap(),
        start: today,
        end: None,
        archived: false,
    };
    // Only a linked therapist assigns, and only to their client.
    not_found(app.assign_practice(&dr, "ada", practice("x")).await);
    let invite = app.create_share_invite(&ada).await.unwrap();
    app.accept_share_invite(&dr, &invite.code).await.unwrap();
    not_found(app.assign_practice(&other, "ada", practice("x")).await);
    let err = app
        .assign_practice(&ada, "dr-rivera", practice("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let err = app
        .assign_practice(&dr, "ada", practice(" "))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)), "{err}");

    let breathing = app
        .assign_practice(&dr, "ada", practice("Breathing"))
        .await
        .unwrap();
    let walk = app
        .assign_practice(&dr, "ada", practice("Walk"))
        .await
        .unwrap();
    let letter = app
        .assign_practice(&dr, "ada", practice("Letter"))
        .await
        .unwrap();
    assert!(
        app.practices(&ada).await.unwrap().is_empty(),
        "not before she accepts"
    );
    let mine = app.assignments(&ada).await.unwrap();
    assert_eq!(mine.len(), 3);
    assert!(mine
        .iter()
        .all(|a| a.state == AssignmentState::Pending && a.therapist == "dr-rivera"));
    assert!(app.assignments(&bob).await.unwrap().is_empty());
    not_found(
        app.answer_assignment(&bob, breathing.id, Answer::Decline { note: "no".into() })
            .await,
    );

    // Accept as is: it becomes her practice, assigned by the therapist.
    let (_, view) = app
        .answer_assignment(
            &ada,
            breathing.id,
            Answer::Accept {
                schedule: None,
                note: String::new(),
            },
        )
        .await
        .unwrap();
    let view = view.unwrap();
    assert_eq!(view.practice.data.assigned_by, "dr-rivera");
    assert_eq!(view.practice.data.title, "Breathing");
    let again = app
        .answer_assignment(
            &ada,
            breathing.id,
            Answer::Accept {
                schedule: None,
                note: String::new(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(again, AppError::Conflict(_)), "{again}");

    // Accept with another schedule.
    let (_, view) = app
        .answer_assignment(
            &ada,
            walk.id,
            Answer::Accept {
                schedule: Some(Schedule::parse("mon,wed,fri").unwrap()),
                note: "Weekdays are easier".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        view.unwrap().practice.data.schedule,
        Schedule::parse("mon,wed,fri").unwrap()
    );

    // Decline needs a note, and adds nothing.
    let err = app
        .answer_assignment(&ada, letter.id, Answer::Decline { note: " ".into() })
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)), "{err}");
    app.answer_assignment(
        &ada,
        letter.id,
        Answer::Decline {
            note: "Not ready yet".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(app.practices(&ada).await.unwrap().len(), 2);

    // The therapist sees each answer; another therapist sees nothing.
    let seen = app.client_assignments(&dr, "ada").await.unwrap();
    let answers: Vec<(&str, AssignmentState, String, Option<String>)> = seen
        .iter()
        .map(|a| {
            let r = a.reply.clone();
            (
                a.practice.title.as_str(),
                a.state,
                r.as_ref().map(|r| r.note.clone()).unwrap_or_default(),
                r.and_then(|r| r.adjusted_schedule),
            )
        })
        .collect();
    assert_eq!(
        answers[0],
        (
            "Letter",
            AssignmentState::Declined,
            "Not ready yet".into(),
            None
        )
    );
    assert_eq!(answers[1].1, AssignmentState::Accepted);
    assert_eq!(answers[1].2, "Weekdays are easier");
    assert!(answers[1].3.is_some());
    assert_eq!(answers[2].1, AssignmentState::Accepted);
    not_found(app.client_assignments(&other, "ada").await);
}

async fn dashboard_roadblocks_come_only_from_shared_scopes(db: &TestDb) {
    use between_app::appointments::NewAppointment;
    use between_domain::appointment::{Details, Status};
    use between_domain::goal::{CheckIn, Goal, GoalStatus, Measure};
    use jiff::{SignedDuration, Timestamp};
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    let weeks_ago = |w: i64| Timestamp::now() - SignedDuration::from_hours(24 * 7 * w);
    // A goal that has not moved from its baseline over three check-ins in
    // seven weeks (one better than its baseline would not be stuck).
    let goal = app
        .add_goal(
            &ada,
            Goal {
                title: "Sleep by eleven".into(),
                why: String::new(),
                area: None,
                measure: Measure::Numeric {
                    baseline: 0.0,
                    target: 7.0,
                    unit: "nights a week".into(),
                    lower_is_better: false,
                },
                review_every_days: 28,
                status: GoalStatus::Active,
            },
        )
        .await
        .unwrap();
    for w in [8, 4, 1] {
        app.check_in(
            &ada,
            goal.goal.id,
            CheckIn {
                level: None,
                value: Some(0.0),
                note: String::new(),
            },
            Some(weeks_ago(w)),
        )
        .await
        .unwrap();
    }
    // Two missed sessions: appointments every link shows.
    for days in [10, 20] {
        let a = app
            .add_appointment(
                &ada,
                NewAppointment {
                    starts_at: Timestamp::now() - SignedDuration::from_hours(24 * days),
                    details: Details::default(),
                    repeat: None,
                    until: None,
                },
            )
            .await
            .unwrap();
        app.set_appointment_status(&ada, a.id, Status::Missed)
            .await
            .unwrap();
    }
    let own: Vec<_> = app
        .roadblocks(&ada)
        .await
        .unwrap()
        .iter()
        .map(|r| r.kind)
        .collect();
    assert_eq!(own.len(), 2, "{own:?}");

    let dr = therapist(&app, "dr-rivera").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    app.accept_share_invite(&dr, &invite.code).await.unwrap();
    let flags = || async {
        app.client_summaries(&dr).await.unwrap()[0]
            .roadblocks
            .clone()
    };
    assert!(
        flags().await.is_empty(),
        "nothing until the client's app seals the appointments key"
    );
    app.sign_in("ada", PASSWORD, "test", SignInAs::WebSession, "phone")
        .await
        .unwrap();
    let seen = flags().await;
    assert_eq!(
        seen.len(),
        1,
        "only missed sessions without scopes: {seen:?}"
    );
    assert!(
        seen[0].contains("missed") || seen[0].contains("cancelled"),
        "{seen:?}"
    );
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Goals], &[])
        .await
        .unwrap();
    let seen = flags().await;
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        seen.iter()
            .any(|f| f.starts_with("ada's goal \"Sleep by eleven\" has not moved")),
        "written for the therapist, in the third person: {seen:?}"
    );
}

async fn an_appointment_naming_a_therapist_is_hidden_from_another(db: &TestDb) {
    use between_app::appointments::NewAppointment;
    use between_domain::appointment::Details;
    use jiff::{SignedDuration, Timestamp};
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    let rivera = therapist(&app, "dr-rivera").await;
    let okafor = therapist(&app, "dr-okafor").await;
    let stranger = therapist(&app, "dr-stranger").await;
    for dr in [&rivera, &okafor] {
        let invite = app.create_share_invite(&ada).await.unwrap();
        app.accept_share_invite(dr, &invite.code).await.unwrap();
    }
    app.shares(&ada).await.unwrap(); // the client's app seals the keys
    let add = |therapist: Option<uuid::Uuid>, days: i64| {
        let (app, ada) = (app.clone(), ada.clone());
        async move {
            app.add_appointment(
                &ada,
                NewAppointment {
                    starts_at: Timestamp::now() + SignedDuration::from_hours(24 * days),
                    details: Details {
                        therapist,
                        ..Details::default()
                    },
                    repeat: None,
                    until: None,
                },
            )
            .await
        }
    };
    let rivera_id = app.linked_therapist(&ada, "dr-rivera").await.unwrap();
    let okafor_id = app.linked_therapist(&ada, "dr-okafor").await.unwrap();
    let err = app.linked_therapist(&ada, "dr-stranger").await.unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)), "{err}");
    let err = add(Some(stranger.user.id), 1).await.unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(_)),
        "only a linked therapist: {err}"
    );

    let with_rivera = add(Some(rivera_id), 2).await.unwrap();
    assert_eq!(
        with_rivera.details.with, "dr-rivera",
        "labelled with their name"
    );
    add(Some(okafor_id), 3).await.unwrap();
    add(None, 4).await.unwrap();
    let seen = |dr: Principal| {
        let app = app.clone();
        async move {
            app.client_appointments(&dr, "ada")
                .await
                .unwrap()
                .iter()
                .map(|a| a.details.therapist)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(seen(rivera.clone()).await, vec![Some(rivera_id), None]);
    assert_eq!(seen(okafor.clone()).await, vec![Some(okafor_id), None]);
    // The client's figures are sealed in the background after each write.
    app.settle().await;
    let next = app.client_summaries(&okafor).await.unwrap()[0].next_appointment;
    assert!(
        next.unwrap() > with_rivera.starts_at,
        "not dr-rivera's appointment"
    );
    // The next agenda is for the session with dr-rivera: only they get it.
    for dr in ["dr-rivera", "dr-okafor"] {
        app.set_share_scopes(&ada, dr, &[Scope::Agenda], &[])
            .await
            .unwrap();
    }
    app.agenda(&ada, between_app::agenda_saved::Target::Next)
        .await
        .unwrap();
    assert!(app
        .client_agenda(&rivera, "ada")
        .await
        .unwrap()
        .snapshot
        .is_some());
    assert!(app
        .client_agenda(&okafor, "ada")
        .await
        .unwrap()
        .snapshot
        .is_none());

    // Once the link ends, the appointment keeps its therapist and can still
    // be edited (marked cancelled, say).
    app.end_share(&ada, "dr-rivera").await.unwrap();
    let ada = app
        .sign_in("ada", PASSWORD, "test", SignInAs::WebSession, "again")
        .await
        .unwrap()
        .0;
    app.set_appointment_status(
        &ada,
        with_rivera.id,
        between_domain::appointment::Status::Cancelled,
    )
    .await
    .unwrap();
}
