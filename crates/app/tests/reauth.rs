//! A stolen session must not become permanent access: minting an API token,
//! taking the whole account as one archive and deleting the account need
//! the password in the same request, checked and throttled like a sign-in;
//! and one step ends every other way into the account. On SQLite and
//! PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::reauth::{Others, WRONG_PASSWORD};
use between_app::sessions::SignInAs;
use between_app::throttle::{Attempt, MAX_PER_CLIENT_AND_NAME};
use between_app::{Access, App, AppError, Principal};
use between_store::testing::TestDb;
use between_store::CredentialKind;
use support::{app_on, confirmed, signed_in, PASSWORD};

on_both_backends!(
    a_token_is_made_only_with_the_right_password,
    a_wrong_password_changes_nothing_and_counts_with_sign_in_throttle,
    a_locked_name_refuses_the_right_password_too,
    a_confirmation_costs_one_key_derivation,
    a_web_session_downloads_the_archive_only_with_the_password,
    the_account_is_deleted_only_with_the_right_password,
    a_confirmation_serves_only_the_sign_in_it_was_made_for,
    revoking_others_ends_every_other_way_in_and_keeps_this_session,
    revoking_others_ends_only_what_was_chosen,
);

fn is_wrong_password(r: &Result<impl std::fmt::Debug, AppError>) -> bool {
    match r {
        Err(AppError::Invalid(e)) => e.to_string().contains(WRONG_PASSWORD),
        _ => false,
    }
}

async fn tokens_of(app: &App, p: &Principal) -> usize {
    app.credentials(p)
        .await
        .unwrap()
        .iter()
        .filter(|c| c.kind == CredentialKind::Token)
        .count()
}

async fn a_token_is_made_only_with_the_right_password(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let wrong = app
        .confirm_password(&p, "not my password", &Attempt::from("1.2.3.4"))
        .await;
    assert!(is_wrong_password(&wrong), "{wrong:?}");
    assert_eq!(tokens_of(&app, &p).await, 0, "nothing was created");

    let proof = app
        .confirm_password(&p, PASSWORD, &Attempt::from("1.2.3.4"))
        .await
        .unwrap();
    let (info, token) = app
        .create_token(&p, proof, "script", Access::Full)
        .await
        .unwrap();
    assert_eq!(info.access, Access::Full);
    assert!(app.authenticate(&token).await.is_ok());
    assert_eq!(tokens_of(&app, &p).await, 1);
}

async fn a_wrong_password_changes_nothing_and_counts_with_sign_in_throttle(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "bo").await;
    let from = Attempt::from("5.6.7.8");
    // Wrong confirmations and wrong sign-ins from one address share the
    // sign-in's budget for that name.
    for _ in 0..MAX_PER_CLIENT_AND_NAME - 1 {
        let r = app.confirm_password(&p, "guess", &from).await;
        assert!(is_wrong_password(&r), "{r:?}");
    }
    let r = app
        .sign_in("bo", "guess", "5.6.7.8", SignInAs::WebSession, "x")
        .await;
    assert!(matches!(r, Err(AppError::Unauthorized(_))), "{r:?}");
    let r = app
        .sign_in("bo", PASSWORD, "5.6.7.8", SignInAs::WebSession, "x")
        .await;
    assert!(
        matches!(r, Err(AppError::Throttled { .. })),
        "the wrong confirmations counted with the sign-in: {r:?}"
    );
    let r = app.confirm_password(&p, PASSWORD, &from).await;
    assert!(matches!(r, Err(AppError::Throttled { .. })), "{r:?}");
    // Another address is not locked out of the account by these.
    assert!(app
        .confirm_password(&p, PASSWORD, &Attempt::from("9.9.9.9"))
        .await
        .is_ok());
}

async fn a_locked_name_refuses_the_right_password_too(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "cy").await;
    for _ in 0..MAX_PER_CLIENT_AND_NAME {
        let r = app
            .sign_in("cy", "guess", "10.0.0.1", SignInAs::WebSession, "x")
            .await;
        assert!(r.is_err());
    }
    let before = app.key_derivations();
    let r = app
        .confirm_password(&p, PASSWORD, &Attempt::from("10.0.0.1"))
        .await;
    assert!(matches!(r, Err(AppError::Throttled { .. })), "{r:?}");
    assert_eq!(
        app.key_derivations(),
        before,
        "refused before any key derivation"
    );
}

async fn a_confirmation_costs_one_key_derivation(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "dee").await;
    for password in [PASSWORD, "wrong password"] {
        let before = app.key_derivations();
        let _ = app
            .confirm_password(&p, password, &Attempt::from("test"))
            .await;
        assert_eq!(app.key_derivations() - before, 1, "{password}");
    }
}

async fn a_web_session_downloads_the_archive_only_with_the_password(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (session, _, _) = signed_in(&app, "eve").await;
    let r = app.export_archive(&session, None).await;
    assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    let archive = app
        .export_archive(&session, Some(confirmed(&app, &session).await))
        .await
        .unwrap();
    assert_eq!(archive.account.name, "eve");
    // A device login (made with the password) and a read-write token (made
    // with it too) export without asking again.
    let (device, _) = app
        .sign_in("eve", PASSWORD, "cli", SignInAs::Device, "laptop")
        .await
        .unwrap();
    assert!(app.export_archive(&device, None).await.is_ok());
    let (_, token) = app
        .create_token(
            &session,
            confirmed(&app, &session).await,
            "backup",
            Access::Full,
        )
        .await
        .unwrap();
    let token = app.authenticate(&token).await.unwrap();
    assert!(app.export_archive(&token, None).await.is_ok());
}

async fn the_account_is_deleted_only_with_the_right_password(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "fay").await;
    let wrong = app
        .confirm_password(&p, "not it", &Attempt::from("test"))
        .await;
    assert!(is_wrong_password(&wrong), "{wrong:?}");
    assert!(app.store().user_by_name("fay").await.unwrap().is_some());
    app.delete_account(&p, confirmed(&app, &p).await, "fay")
        .await
        .unwrap();
    assert!(app.store().user_by_name("fay").await.unwrap().is_none());
}

async fn a_confirmation_serves_only_the_sign_in_it_was_made_for(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (gus, _, _) = signed_in(&app, "gus").await;
    let (other_tab, _) = app
        .sign_in("gus", PASSWORD, "test", SignInAs::WebSession, "other")
        .await
        .unwrap();
    let (hal, _, _) = signed_in(&app, "hal").await;
    let r = app
        .create_token(&other_tab, confirmed(&app, &gus).await, "x", Access::Full)
        .await;
    assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    let r = app
        .delete_account(&hal, confirmed(&app, &gus).await, "hal")
        .await;
    assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    assert!(app.store().user_by_name("hal").await.unwrap().is_some());
    assert_eq!(tokens_of(&app, &gus).await, 0);
}

async fn revoking_others_ends_every_other_way_in_and_keeps_this_session(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (me, mine, _) = signed_in(&app, "ivy").await;
    let (_, other_browser) = app
        .sign_in("ivy", PASSWORD, "t", SignInAs::WebSession, "phone")
        .await
        .unwrap();
    let (_, device) = app
        .sign_in("ivy", PASSWORD, "t", SignInAs::Device, "laptop")
        .await
        .unwrap();
    let (_, token) = app
        .create_token(&me, confirmed(&app, &me).await, "script", Access::Full)
        .await
        .unwrap();
    let (_, write_only) = app
        .create_token(&me, confirmed(&app, &me).await, "phone", Access::WriteOnly)
        .await
        .unwrap();
    let feed = app.calendar_secret(&me, false).await.unwrap();
    assert!(app.calendar_feed(&feed).await.is_ok());
    // Someone else's sessions are not touched.
    let (_, theirs, _) = signed_in(&app, "jo").await;

    let revoked = app
        .revoke_other_credentials(&me, Others::ALL)
        .await
        .unwrap();
    assert_eq!(
        (revoked.sessions, revoked.devices, revoked.tokens),
        (1, 1, 2)
    );
    assert!(revoked.calendar);
    for (what, secret) in [
        ("the other browser", &other_browser),
        ("the device login", &device),
        ("the token", &token),
        ("the write-only token", &write_only),
    ] {
        assert!(
            matches!(
                app.authenticate(secret).await,
                Err(AppError::Unauthorized(_))
            ),
            "{what} still opens the account"
        );
    }
    assert!(app.calendar_feed(&feed).await.is_err(), "the old feed link");
    assert!(app.authenticate(&mine).await.is_ok(), "this session stays");
    assert!(app.authenticate(&theirs).await.is_ok());
    let left: Vec<_> = app
        .credentials(&me)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.kind != CredentialKind::Calendar)
        .collect();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, me.credential_id);
}

async fn revoking_others_ends_only_what_was_chosen(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (me, _, _) = signed_in(&app, "kit").await;
    let (_, other_browser) = app
        .sign_in("kit", PASSWORD, "t", SignInAs::WebSession, "phone")
        .await
        .unwrap();
    let (_, device) = app
        .sign_in("kit", PASSWORD, "t", SignInAs::Device, "laptop")
        .await
        .unwrap();
    let feed = app.calendar_secret(&me, false).await.unwrap();
    let revoked = app
        .revoke_other_credentials(&me, Others::SESSIONS)
        .await
        .unwrap();
    assert_eq!(revoked.total(), 1);
    assert!(app.authenticate(&other_browser).await.is_err());
    assert!(app.authenticate(&device).await.is_ok());
    assert!(app.calendar_feed(&feed).await.is_ok());
    // A write-only token cannot revoke anything.
    let (_, w) = app
        .create_token(&me, confirmed(&app, &me).await, "w", Access::WriteOnly)
        .await
        .unwrap();
    let w = app.authenticate(&w).await.unwrap();
    let r = app.revoke_other_credentials(&w, Others::ALL).await;
    assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    assert!(app.authenticate(&device).await.is_ok());
}
