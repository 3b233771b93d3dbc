//! Someone who can write the database but not change the program (a
//! compromised backup pipeline, a careless admin), on SQLite and
//! PostgreSQL: each plain column that could redirect keys is changed by
//! hand, and the app puts it right or refuses, and says so.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::sessions::SignInAs;
use between_app::{App, Config};
use between_store::testing::{TestDb, Value};
use support::{signed_in, PASSWORD};

on_both_backends!(a_public_key_swapped_in_the_database_is_put_back_and_the_person_told);

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
