//! Someone who can write the database but not change the program (a
//! compromised backup pipeline, a careless admin), on SQLite and
//! PostgreSQL: each plain column that could redirect keys is changed by
//! hand, and the app puts it right or refuses, and says so.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::sessions::SignInAs;
use between_app::{App, Config, Principal};
use between_domain::share::Scope;
use between_store::testing::{TestDb, Value};
use support::{signed_in, therapist, PASSWORD};

on_both_backends!(
    a_public_key_swapped_in_the_database_is_put_back_and_the_person_told,
    a_scope_row_the_client_never_switched_on_gets_no_key,
    a_therapist_key_swapped_after_the_link_was_verified_gets_nothing,
    a_therapist_key_swapped_before_the_client_verified_leaves_the_link_unconfirmed,
    a_forged_binding_leaves_the_link_unconfirmed,
    a_link_from_before_bindings_waits_for_the_clients_confirmation,
    a_therapist_seals_to_the_client_key_pinned_at_acceptance,
    a_link_moved_to_another_therapist_in_the_database_gets_nothing,
);

/// ada linked with dr-rivera (accepted), and both principals.
async fn linked(app: &App) -> (Principal, Principal, uuid::Uuid) {
    let (ada, _, _) = signed_in(app, "ada").await;
    let dr = therapist(app, "dr-rivera").await;
    let invite = app.create_share_invite(&ada).await.unwrap();
    let link = app.accept_share_invite(&dr, &invite.code).await.unwrap();
    (ada, dr, link.id)
}

async fn ada_again(app: &App) -> Principal {
    app.sign_in("ada", PASSWORD, "t", SignInAs::WebSession, "again")
        .await
        .unwrap()
        .0
}

async fn sealed_kinds(db: &TestDb, link: uuid::Uuid) -> Vec<String> {
    let mut kinds: Vec<String> = db
        .store
        .share_keys(link)
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.kind)
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

/// The writer's own key pair, whose public half they write into a row.
fn writers_pair() -> (between_app::crypto::Key, [u8; 32]) {
    between_app::crypto::new_identity()
}

async fn swap_public_key(db: &TestDb, user: uuid::Uuid, public: &[u8]) {
    let n = db
        .tamper(
            "UPDATE user_keypairs SET public_key = $1 WHERE user_id = $2",
            &[Value::Blob(public.to_vec()), Value::Text(user.to_string())],
        )
        .await;
    assert_eq!(n, 1);
}

async fn a_scope_row_the_client_never_switched_on_gets_no_key(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, link) = linked(&app).await;
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Goals], &[])
        .await
        .unwrap();
    db.tamper(
        "INSERT INTO share_scopes (share_id, scope, changed_at) VALUES ($1, 'measures', 1)",
        &[Value::Text(link.to_string())],
    )
    .await;
    let ada = ada_again(&app).await;
    app.shares(&ada).await.unwrap();
    assert_eq!(
        sealed_kinds(db, link).await,
        vec!["appointments".to_string(), "goals".into()],
        "nothing of a scope only the plain rows name"
    );
    let link = &app.shares(&ada).await.unwrap()[0];
    assert_eq!(
        link.scopes,
        vec![Scope::Goals],
        "the client sees their consent"
    );
}

async fn a_therapist_key_swapped_after_the_link_was_verified_gets_nothing(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, dr, link) = linked(&app).await;
    app.shares(&ada).await.unwrap(); // verified: the consent pins dr's key
    let (writer, theirs) = writers_pair();
    swap_public_key(db, dr.user.id, &theirs).await;
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Measures], &[])
        .await
        .unwrap();
    let keys = db.store.share_keys(link).await.unwrap();
    assert!(keys.iter().any(|k| k.kind == "measures"));
    for k in keys {
        assert!(
            between_app::crypto::open_sealed(&writer, &k.sealed).is_err(),
            "sealed to the pinned key, never the row's"
        );
    }
    assert!(
        app.client_measures(&dr, "ada").await.is_ok(),
        "dr still reads"
    );
}

async fn a_therapist_key_swapped_before_the_client_verified_leaves_the_link_unconfirmed(
    db: &TestDb,
) {
    let app = App::new(db.store.clone(), Config::testing());
    let (_, dr, link) = linked(&app).await;
    let (_, theirs) = writers_pair();
    swap_public_key(db, dr.user.id, &theirs).await;
    let ada = ada_again(&app).await;
    let shown = &app.shares(&ada).await.unwrap()[0];
    assert!(!shown.confirmed, "the binding does not match that key");
    assert!(sealed_kinds(db, link).await.is_empty(), "nothing is sealed");
    assert!(app
        .set_share_scopes(&ada, "dr-rivera", &[Scope::Measures], &[])
        .await
        .is_err());
}

async fn a_forged_binding_leaves_the_link_unconfirmed(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (_, _, link) = linked(&app).await;
    db.tamper(
        "UPDATE share_bindings SET binding = $1 WHERE share_id = $2",
        &[Value::Blob(vec![7; 32]), Value::Text(link.to_string())],
    )
    .await;
    let ada = ada_again(&app).await;
    assert!(!app.shares(&ada).await.unwrap()[0].confirmed);
    assert!(sealed_kinds(db, link).await.is_empty());
}

async fn a_link_from_before_bindings_waits_for_the_clients_confirmation(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (_, dr, link) = linked(&app).await;
    // As a link accepted by an earlier version: no binding.
    db.tamper(
        "DELETE FROM share_bindings WHERE share_id = $1",
        &[Value::Text(link.to_string())],
    )
    .await;
    let ada = ada_again(&app).await;
    let shown = &app.shares(&ada).await.unwrap()[0];
    assert!(!shown.confirmed);
    let fingerprint = shown.therapist_fingerprint.clone().unwrap();
    assert_eq!(fingerprint.len(), 19, "four groups of four: {fingerprint}");
    assert!(sealed_kinds(db, link).await.is_empty());
    let confirmed = app.confirm_share(&ada, "dr-rivera").await.unwrap();
    assert!(confirmed.confirmed);
    assert_eq!(
        sealed_kinds(db, link).await,
        vec!["appointments".to_string()]
    );
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Measures], &[])
        .await
        .unwrap();
    assert!(app.client_measures(&dr, "ada").await.is_ok());
}

async fn a_therapist_seals_to_the_client_key_pinned_at_acceptance(db: &TestDb) {
    use between_app::agenda_share::Note;
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, dr, link) = linked(&app).await;
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Agenda], &[])
        .await
        .unwrap();
    let (writer, theirs) = writers_pair();
    swap_public_key(db, ada.user.id, &theirs).await;
    app.add_agenda_note(
        &dr,
        "ada",
        Note {
            text: "For ada only".into(),
            point: false,
            on: None,
        },
    )
    .await
    .unwrap();
    let note = &db.store.share_items(link, "note").await.unwrap()[0];
    assert!(between_app::crypto::open_sealed(&writer, note.for_client.as_ref().unwrap()).is_err());
    let ada = ada_again(&app).await; // also puts her public key back
    let notes = app.agenda_notes(&ada, None).await.unwrap();
    assert!(
        notes.iter().any(|n| n.note.text == "For ada only"),
        "{notes:?}"
    );
}

async fn a_public_key_swapped_in_the_database_is_put_back_and_the_person_told(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    let own = db
        .store
        .keypair(ada.user.id)
        .await
        .unwrap()
        .unwrap()
        .public_key;
    assert!(app.recent_security_events(&ada).await.unwrap().is_empty());

    // The writer's own key pair, whose public half they put in ada's row so
    // that whatever is sealed to ada opens for them.
    let (_, theirs) = between_app::crypto::new_identity();
    let changed = db
        .tamper(
            "UPDATE user_keypairs SET public_key = $1 WHERE user_id = $2",
            &[
                Value::Blob(theirs.to_vec()),
                Value::Text(ada.user.id.to_string()),
            ],
        )
        .await;
    assert_eq!(changed, 1);

    // Ada's next unlock notices: her sealed secret derives another key.
    let (ada, _) = app
        .sign_in("ada", PASSWORD, "t", SignInAs::WebSession, "again")
        .await
        .unwrap();
    let row = db.store.keypair(ada.user.id).await.unwrap().unwrap();
    assert_eq!(row.public_key, own, "the right public key is back");
    let told = app.recent_security_events(&ada).await.unwrap();
    assert_eq!(told.len(), 1);
    assert!(told[0]
        .sentence()
        .contains("public key of your account had been changed"));

    // Once put right, later unlocks find nothing to tell.
    app.sign_in("ada", PASSWORD, "t", SignInAs::WebSession, "third")
        .await
        .unwrap();
    assert_eq!(app.recent_security_events(&ada).await.unwrap().len(), 1);
}

async fn a_link_moved_to_another_therapist_in_the_database_gets_nothing(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, link) = linked(&app).await;
    app.set_share_scopes(&ada, "dr-rivera", &[Scope::Measures], &[])
        .await
        .unwrap();
    app.take_measure(
        &ada,
        between_domain::measure::Response {
            instrument: between_domain::measure::Instrument::Phq9,
            answers: vec![1; 9],
            difficulty: None,
        },
        None,
    )
    .await
    .unwrap();
    let mallory = therapist(&app, "dr-mallory").await;
    db.tamper(
        "UPDATE shares SET therapist_id = $1 WHERE id = $2",
        &[
            Value::Text(mallory.user.id.to_string()),
            Value::Text(link.to_string()),
        ],
    )
    .await;
    db.tamper(
        "DELETE FROM share_keys WHERE share_id = $1",
        &[Value::Text(link.to_string())],
    )
    .await;
    // Ada's app finds the link names someone her consent does not.
    let ada = ada_again(&app).await;
    let shown = &app.shares(&ada).await.unwrap()[0];
    assert!(!shown.confirmed);
    assert!(
        sealed_kinds(db, link).await.is_empty(),
        "nothing sealed to dr-mallory"
    );
    // The server lets dr-mallory ask (the plain rows say so); she holds no
    // key, so she reads nothing.
    if let Ok(measures) = app.client_measures(&mallory, "ada").await {
        assert!(measures.is_empty(), "{measures:?}");
    }
}
