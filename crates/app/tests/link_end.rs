//! Ending a link, on SQLite and PostgreSQL: the agenda snapshot is erased
//! and nothing passed between the two stays sealed to the former therapist,
//! at once and, for links ended before this version, at the upgrade.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::agenda_share::Note;
use between_app::{App, Config};
use between_domain::practice::definition::{Practice, Template};
use between_domain::practice::schedule::Schedule;
use between_domain::share::Scope;
use between_store::testing::{TestDb, Value};
use support::{signed_in, therapist};

on_both_backends!(ending_a_link_erases_the_snapshot_and_what_was_sealed_to_the_therapist);

async fn ending_a_link_erases_the_snapshot_and_what_was_sealed_to_the_therapist(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    let dr = therapist(&app, "dr-rivera").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    let link = app.accept_share_invite(&dr, &invite.code).await.unwrap();
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Agenda], &[])
        .await
        .unwrap();
    app.add_agenda_note(
        &dr,
        "ada",
        Note {
            text: "Let us look at sleep".into(),
            point: true,
            on: None,
        },
    )
    .await
    .unwrap();
    app.assign_practice(
        &dr,
        "ada",
        Practice {
            title: "Breathing".into(),
            instructions: "Four counts in, six out".into(),
            why: String::new(),
            goal_id: None,
            assigned_by: "self".into(),
            template: Template::Mindfulness,
            schedule: Schedule::parse("daily").unwrap(),
            start: jiff::Zoned::now().date(),
            end: None,
            archived: false,
        },
    )
    .await
    .unwrap();
    let items = |kind: &'static str| {
        let store = db.store.clone();
        async move { store.share_items(link.id, kind).await.unwrap() }
    };
    assert_eq!(items("agenda").await.len(), 1);
    assert!(items("note").await[0].for_therapist.is_some());
    assert!(items("assignment").await[0].for_therapist.is_some());

    app.end_share(&ada, "dr-rivera").await.unwrap();
    assert!(items("agenda").await.is_empty(), "the snapshot is erased");
    for kind in ["note", "assignment"] {
        let rows = items(kind).await;
        assert_eq!(rows.len(), 1, "the client keeps their copy of the {kind}");
        assert!(rows[0].for_client.is_some());
        assert_eq!(
            rows[0].for_therapist, None,
            "no {kind} stays sealed to them"
        );
    }
}

/// A store of schema 10 with a link that ended then: the migration erases
/// its snapshot and the therapist's copies; an active link keeps both.
async fn links_ended_before_the_upgrade_are_cleared(postgres: bool) {
    let id = || uuid::Uuid::now_v7().to_string();
    let (client, therapist, ended, active) = (id(), id(), id(), id());
    let mut rows: Vec<(&str, Vec<Value>)> = Vec::new();
    for (user, name, role) in [(&client, "ada", "client"), (&therapist, "dr", "therapist")] {
        rows.push((
            "INSERT INTO users (id, name, role, time_zone, created_at) VALUES ($1, $2, $3, 'Europe/Berlin', 1)",
            vec![Value::Text(user.clone()), Value::Text(name.into()), Value::Text(role.into())],
        ));
    }
    for (share, ended_at) in [(&ended, Value::Int(5)), (&active, Value::Null)] {
        rows.push((
            "INSERT INTO shares (id, client_id, therapist_id, created_at, ended_at) VALUES ($1, $2, $3, 1, $4)",
            vec![
                Value::Text(share.clone()),
                Value::Text(client.clone()),
                Value::Text(therapist.clone()),
                ended_at,
            ],
        ));
        for kind in ["agenda", "note"] {
            rows.push((
                "INSERT INTO share_items (id, share_id, kind, author_id, for_client, for_therapist, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, 1)",
                vec![
                    Value::Text(id()),
                    Value::Text(share.clone()),
                    Value::Text(kind.into()),
                    Value::Text(therapist.clone()),
                    Value::Blob(b"for the client".to_vec()),
                    Value::Blob(b"for the therapist".to_vec()),
                ],
            ));
        }
    }
    let Some(db) = TestDb::upgraded_from(postgres, 10, &rows).await else {
        return;
    };
    let ended = uuid::Uuid::parse_str(&ended).unwrap();
    let active = uuid::Uuid::parse_str(&active).unwrap();
    assert!(db
        .store
        .share_items(ended, "agenda")
        .await
        .unwrap()
        .is_empty());
    let note = &db.store.share_items(ended, "note").await.unwrap()[0];
    assert_eq!(
        (note.for_client.is_some(), note.for_therapist.is_some()),
        (true, false)
    );
    assert_eq!(
        db.store.share_items(active, "agenda").await.unwrap().len(),
        1
    );
    let note = &db.store.share_items(active, "note").await.unwrap()[0];
    assert!(note.for_therapist.is_some());
}

#[tokio::test]
async fn links_ended_before_the_upgrade_are_cleared_on_sqlite() {
    links_ended_before_the_upgrade_are_cleared(false).await;
}

#[tokio::test]
async fn links_ended_before_the_upgrade_are_cleared_on_postgres() {
    links_ended_before_the_upgrade_are_cleared(true).await;
}
