//! Stories of accounts and credentials, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::sessions::SignInAs;
use between_app::throttle::Attempt;
use between_app::{Access, App, AppError, Config};
use between_domain::EntryContent;
use between_store::testing::TestDb;
use support::{app_on, confirmed, signed_in, PASSWORD};

on_both_backends!(
    a_session_secret_opens_the_account_until_signed_out,
    a_wrong_password_opens_nothing_and_repeated_failures_are_throttled,
    password_change_rewraps_keys_and_keeps_data,
    the_recovery_code_resets_a_forgotten_password_without_losing_data,
    sessions_end_after_inactivity,
    sessions_end_after_their_lifetime_however_active,
    write_only_tokens_add_entries_but_read_nothing,
    revoked_tokens_open_nothing,
    only_the_first_account_may_register_from_the_web_unless_open,
);

fn note(text: &str) -> EntryContent {
    EntryContent {
        text: text.into(),
        ..Default::default()
    }
}

async fn a_session_secret_opens_the_account_until_signed_out(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, secret, _) = signed_in(&app, "ada").await;
    let again = app.authenticate(&secret).await.unwrap();
    assert_eq!(again.user.id, p.user.id);
    assert_eq!(again.user.time_zone_name(), "Europe/Berlin");
    app.sign_out(&again).await.unwrap();
    assert!(matches!(
        app.authenticate(&secret).await,
        Err(AppError::Unauthorized(_))
    ));
    assert!(matches!(
        app.authenticate("made-up").await,
        Err(AppError::Unauthorized(_))
    ));
}

async fn a_wrong_password_opens_nothing_and_repeated_failures_are_throttled(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    signed_in(&app, "bo").await;
    for _ in 0..5 {
        let err = app
            .sign_in(
                "bo",
                "not the password",
                "1.2.3.4",
                SignInAs::WebSession,
                "",
            )
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Unauthorized(_)), "{err}");
    }
    let err = app
        .sign_in("bo", PASSWORD, "1.2.3.4", SignInAs::WebSession, "")
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Throttled { .. }),
        "even the right password waits: {err}"
    );
    assert!(app
        .sign_in("bo", PASSWORD, "5.6.7.8", SignInAs::WebSession, "")
        .await
        .is_ok());
    let err = app
        .sign_in("nobody", PASSWORD, "9.9.9.9", SignInAs::WebSession, "")
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "That name and password do not match.");
}

async fn password_change_rewraps_keys_and_keeps_data(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "cy").await;
    let entry = app
        .add_entry(&p, note("before the change"), None)
        .await
        .unwrap();
    let (_, other_browser) = app
        .sign_in("cy", PASSWORD, "t", SignInAs::WebSession, "")
        .await
        .unwrap();
    let (_, device) = app
        .sign_in("cy", PASSWORD, "t", SignInAs::Device, "laptop")
        .await
        .unwrap();
    let err = app
        .change_password(&p, "wrong old", "a brand new password", &Attempt::from("t"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("current password"));
    assert!(
        app.authenticate(&other_browser).await.is_ok(),
        "a wrong old password changes nothing"
    );
    let ended = app
        .change_password(&p, PASSWORD, "a brand new password", &Attempt::from("t"))
        .await
        .unwrap();
    assert_eq!(ended, 1, "the other browser's session");
    assert!(
        app.authenticate(&other_browser).await.is_err(),
        "other browsers are signed out"
    );
    assert!(
        app.authenticate(&device).await.is_ok(),
        "device logins stay"
    );
    assert!(app
        .sign_in("cy", PASSWORD, "t", SignInAs::WebSession, "")
        .await
        .is_err());
    let (p2, _) = app
        .sign_in("cy", "a brand new password", "t", SignInAs::WebSession, "")
        .await
        .unwrap();
    assert_eq!(
        app.entry(&p2, entry.id).await.unwrap().content.text,
        "before the change"
    );
}

async fn the_recovery_code_resets_a_forgotten_password_without_losing_data(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, old_session, code) = signed_in(&app, "dee").await;
    let entry = app.add_entry(&p, note("kept safe"), None).await.unwrap();
    assert!(app
        .recover(
            "dee",
            "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE",
            "new password 1",
            "t"
        )
        .await
        .is_err());
    let typed_sloppily = code.to_lowercase().replace('-', " ");
    let next_code = app
        .recover("dee", &typed_sloppily, "new password 1", "t")
        .await
        .unwrap();
    assert_ne!(next_code, code);
    assert!(
        app.recover("dee", &code, "new password 2", "t")
            .await
            .is_err(),
        "a code works once"
    );
    assert!(
        app.authenticate(&old_session).await.is_err(),
        "old sessions end"
    );
    let (p2, _) = app
        .sign_in("dee", "new password 1", "t", SignInAs::WebSession, "")
        .await
        .unwrap();
    assert_eq!(
        app.entry(&p2, entry.id).await.unwrap().content.text,
        "kept safe"
    );
    app.recover("dee", &next_code, "new password 3", "t")
        .await
        .unwrap();
}

async fn sessions_end_after_inactivity(db: &TestDb) {
    let app = App::new(
        db.store.clone(),
        Config {
            session_idle: std::time::Duration::ZERO,
            ..Config::testing()
        },
    );
    let (_, secret, _) = signed_in(&app, "eve").await;
    let err = app.authenticate(&secret).await.unwrap_err();
    assert!(err.to_string().contains("without activity"), "{err}");
}

async fn sessions_end_after_their_lifetime_however_active(db: &TestDb) {
    let clock = between_app::Clock::manual(jiff::Timestamp::now());
    let app = App::new(
        db.store.clone(),
        Config {
            session_idle: std::time::Duration::from_secs(60 * 60),
            session_max_age: std::time::Duration::from_secs(3 * 24 * 60 * 60),
            clock: clock.clone(),
            ..Config::testing()
        },
    );
    let (_, secret, _) = signed_in(&app, "gus").await;
    // Used every half hour for almost three days: still open.
    for _ in 0..(3 * 48 - 1) {
        clock.advance(std::time::Duration::from_secs(30 * 60));
        app.authenticate(&secret).await.unwrap();
    }
    clock.advance(std::time::Duration::from_secs(30 * 60));
    let err = app.authenticate(&secret).await.unwrap_err();
    assert!(
        err.to_string().contains("signed in for a long time"),
        "{err}"
    );
    // And it is gone, not merely refused.
    let err = app.authenticate(&secret).await.unwrap_err();
    assert!(err.to_string().contains("not valid"), "{err}");
}

async fn write_only_tokens_add_entries_but_read_nothing(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "gus").await;
    let (info, token) = app
        .create_token(
            &p,
            confirmed(&app, &p).await,
            "phone shortcut",
            Access::WriteOnly,
        )
        .await
        .unwrap();
    assert_eq!(info.access, Access::WriteOnly);
    let w = app.authenticate(&token).await.unwrap();
    let shared = EntryContent {
        shared: true,
        ..note("from my phone, shared")
    };
    let e1 = app
        .add_entry(&w, note("from my phone"), None)
        .await
        .unwrap();
    let e2 = app.add_entry(&w, shared, None).await.unwrap();
    assert!(matches!(
        app.entry(&w, e1.id).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        app.search_entries(&w, "phone", 10).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        app.confirm_password(&w, PASSWORD, &Attempt::from("test"))
            .await,
        Err(AppError::Forbidden(_))
    ));
    assert_eq!(
        app.entry(&p, e1.id).await.unwrap().content.text,
        "from my phone"
    );
    assert!(app.entry(&p, e2.id).await.unwrap().content.shared);
}

async fn revoked_tokens_open_nothing(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "hal").await;
    let (info, token) = app
        .create_token(&p, confirmed(&app, &p).await, "script", Access::Full)
        .await
        .unwrap();
    let listed = app.credentials(&p).await.unwrap();
    assert!(listed
        .iter()
        .any(|c| c.id == info.id && c.label == "script"));
    app.revoke_credential(&p, info.id).await.unwrap();
    assert!(matches!(
        app.authenticate(&token).await,
        Err(AppError::Unauthorized(_))
    ));
    assert!(matches!(
        app.revoke_credential(&p, info.id).await,
        Err(AppError::NotFound(_))
    ));

    let (other, _, _) = signed_in(&app, "ivy").await;
    let (theirs, _) = app
        .create_token(
            &other,
            confirmed(&app, &other).await,
            "theirs",
            Access::Full,
        )
        .await
        .unwrap();
    assert!(matches!(
        app.revoke_credential(&p, theirs.id).await,
        Err(AppError::NotFound(_))
    ));
}

async fn only_the_first_account_may_register_from_the_web_unless_open(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    assert!(app.web_registration_open().await.unwrap());
    signed_in(&app, "jo").await;
    assert!(!app.web_registration_open().await.unwrap());
    let open = App::new(
        db.store.clone(),
        Config {
            open_registration: true,
            ..Config::testing()
        },
    );
    assert!(open.web_registration_open().await.unwrap());
    let err = app
        .register(between_app::accounts::NewUser {
            name: "JO",
            password: PASSWORD,
            role: between_app::Role::Client,
            time_zone: "UTC",
        })
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");
}

mod invites {
    use super::*;
    use between_app::accounts::NewUser;
    use between_app::Role;
    use jiff::SignedDuration;

    on_both_backends!(an_invitation_creates_one_account_and_survives_a_failed_attempt);

    async fn an_invitation_creates_one_account_and_survives_a_failed_attempt(db: &TestDb) {
        let app = app_on(db.store.clone()).await;
        let invite = app
            .create_invite(Role::Therapist, SignedDuration::from_hours(24 * 7))
            .await
            .unwrap();
        assert_eq!(
            app.check_invite(&invite.code).await.unwrap(),
            Role::Therapist
        );
        let short = NewUser {
            name: "kai",
            password: "short",
            role: Role::Client,
            time_zone: "UTC",
        };
        assert!(matches!(
            app.register_with_invite(&invite.code, short).await,
            Err(AppError::Invalid(_))
        ));
        let good = NewUser {
            name: "kai",
            password: PASSWORD,
            role: Role::Client,
            time_zone: "UTC",
        };
        let made = app
            .register_with_invite(&invite.code, good.clone())
            .await
            .unwrap();
        assert_eq!(
            made.user.role,
            Role::Therapist,
            "the invitation decides the role"
        );
        let again = NewUser {
            name: "lee",
            ..good
        };
        let err = app
            .register_with_invite(&invite.code, again)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("not valid"), "{err}");
        assert!(app.check_invite("made-up").await.is_err());
        assert!(app
            .create_invite(Role::Client, SignedDuration::ZERO)
            .await
            .is_err());
    }
}
