//! Sign-in, recovery and the current-password check under attack, on
//! SQLite and PostgreSQL: throttles that concurrency cannot beat, keyed by
//! address, name and known device; one key derivation per check whether the
//! name exists or not; no password hash, parameters kept per credential
//! and upgraded at the next sign-in, also for stores written before.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use between_app::accounts::NewUser;
use between_app::kdf::KdfParams;
use between_app::sessions::{SignIn, SignInAs};
use between_app::throttle::{Attempt, MAX_PER_CLIENT, MAX_PER_CLIENT_AND_NAME, MAX_PER_NAME};
use between_app::{crypto, App, AppError, Clock, Config, Role};
use between_store::testing::{TestDb, Value};
use between_store::CredentialKind;
use support::{app_on, signed_in, PASSWORD};

on_both_backends!(
    concurrent_wrong_passwords_cannot_beat_the_limit,
    a_successful_sign_in_gives_its_slot_back,
    the_window_ends_by_the_apps_clock,
    many_addresses_guessing_one_name_are_stopped_but_not_its_known_browser,
    made_up_names_from_one_address_do_not_lock_out_known_browsers_behind_it,
    the_current_password_check_is_throttled_like_sign_in,
    recovery_is_throttled_like_sign_in,
    every_check_costs_one_key_derivation_whether_the_name_exists_or_not,
    credentials_record_their_parameters_and_are_remade_when_they_change,
);

#[tokio::test]
async fn legacy_sqlite_accounts_sign_in_and_are_upgraded() {
    legacy_accounts_sign_in_and_are_upgraded(false).await;
}

#[tokio::test]
async fn legacy_postgres_accounts_sign_in_and_are_upgraded() {
    legacy_accounts_sign_in_and_are_upgraded(true).await;
}

async fn register(app: &App, name: &str) {
    app.register(NewUser {
        name,
        password: PASSWORD,
        role: Role::Client,
        time_zone: "Europe/Berlin",
    })
    .await
    .unwrap();
}

async fn try_sign_in(
    app: &App,
    name: &str,
    password: &str,
    attempt: Attempt<'_>,
) -> Result<Option<String>, AppError> {
    app.sign_in_with(SignIn {
        name,
        password,
        attempt,
        as_: SignInAs::WebSession,
        label: "test",
    })
    .await
    .map(|done| done.device)
}

fn is_throttled<T>(r: &Result<T, AppError>) -> bool {
    matches!(r, Err(AppError::Throttled { .. }))
}

fn is_wrong<T>(r: &Result<T, AppError>) -> bool {
    matches!(r, Err(AppError::Unauthorized(_)))
}

async fn concurrent_wrong_passwords_cannot_beat_the_limit(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    register(&app, "ada").await;
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..30 {
        let app = app.clone();
        attempts.spawn(async move {
            try_sign_in(
                &app,
                "ada",
                &format!("guess {i}"),
                Attempt::from("198.51.100.1"),
            )
            .await
        });
    }
    let results: Vec<_> = attempts.join_all().await;
    let wrong = results.iter().filter(|r| is_wrong(r)).count();
    let throttled = results.iter().filter(|r| is_throttled(r)).count();
    assert_eq!(
        (wrong as i64, throttled as i64),
        (MAX_PER_CLIENT_AND_NAME, 30 - MAX_PER_CLIENT_AND_NAME),
        "only as many guesses as the limit were checked"
    );
    assert!(
        is_throttled(&try_sign_in(&app, "ada", PASSWORD, Attempt::from("198.51.100.1")).await),
        "the right password is refused too while locked"
    );
    assert!(
        try_sign_in(&app, "ada", PASSWORD, Attempt::from("198.51.100.2"))
            .await
            .is_ok(),
        "another address is not locked"
    );
}

async fn a_successful_sign_in_gives_its_slot_back(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    register(&app, "bo").await;
    let here = Attempt::from("192.0.2.5");
    for _ in 0..MAX_PER_CLIENT_AND_NAME - 1 {
        assert!(is_wrong(&try_sign_in(&app, "bo", "nope nope", here).await));
    }
    for _ in 0..3 {
        try_sign_in(&app, "bo", PASSWORD, here).await.unwrap();
    }
    assert!(
        is_wrong(&try_sign_in(&app, "bo", "nope nope", here).await),
        "successes count nothing"
    );
    assert!(is_throttled(
        &try_sign_in(&app, "bo", "nope nope", here).await
    ));
}

async fn the_window_ends_by_the_apps_clock(db: &TestDb) {
    let clock = Clock::manual("2026-06-01T08:00:00Z".parse().unwrap());
    let app = App::new(
        db.store.clone(),
        Config {
            clock: clock.clone(),
            ..Config::testing()
        },
    );
    register(&app, "cy").await;
    let here = Attempt::from("192.0.2.6");
    for _ in 0..MAX_PER_CLIENT_AND_NAME {
        assert!(is_wrong(&try_sign_in(&app, "cy", "nope nope", here).await));
    }
    let locked = try_sign_in(&app, "cy", PASSWORD, here).await;
    assert!(
        matches!(locked, Err(AppError::Throttled { minutes: 15 })),
        "{locked:?}"
    );
    clock.advance(Duration::from_secs(14 * 60));
    assert!(matches!(
        try_sign_in(&app, "cy", PASSWORD, here).await,
        Err(AppError::Throttled { minutes: 1 })
    ));
    clock.advance(Duration::from_secs(60));
    try_sign_in(&app, "cy", PASSWORD, here).await.unwrap();
    assert_eq!(
        app.purge_throttles().await.unwrap(),
        0,
        "the new window is running"
    );
    clock.advance(Duration::from_secs(16 * 60));
    assert_eq!(
        app.purge_throttles().await.unwrap(),
        3,
        "address, name, both"
    );
}

async fn many_addresses_guessing_one_name_are_stopped_but_not_its_known_browser(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    register(&app, "dee").await;
    let device = try_sign_in(&app, "dee", PASSWORD, Attempt::from("203.0.113.1"))
        .await
        .unwrap()
        .expect("a browser without a device cookie gets one");
    for i in 0..MAX_PER_NAME {
        let client = format!("10.9.{}.{}", i / 200, i % 200);
        assert!(is_wrong(
            &try_sign_in(&app, "dee", "guess", Attempt::from(&client)).await
        ));
    }
    assert!(
        is_throttled(&try_sign_in(&app, "dee", PASSWORD, Attempt::from("203.0.113.99")).await),
        "the name is locked from any new address"
    );
    let known = Attempt {
        client: "203.0.113.99",
        device: Some(&device),
    };
    assert_eq!(
        try_sign_in(&app, "dee", PASSWORD, known).await.unwrap(),
        None,
        "the person's own browser signs in (and keeps its cookie)"
    );
    // The device cookie does not open another account's exemption.
    register(&app, "eve").await;
    let stranger = Attempt {
        client: "10.9.0.1",
        device: Some(&device),
    };
    for _ in 0..MAX_PER_CLIENT_AND_NAME {
        assert!(is_wrong(&try_sign_in(&app, "eve", "guess", stranger).await));
    }
    assert!(is_throttled(
        &try_sign_in(&app, "eve", "guess", stranger).await
    ));
}

async fn made_up_names_from_one_address_do_not_lock_out_known_browsers_behind_it(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    register(&app, "fay").await;
    register(&app, "gus").await;
    let proxy = "198.51.100.80";
    let device = try_sign_in(&app, "fay", PASSWORD, Attempt::from(proxy))
        .await
        .unwrap()
        .unwrap();
    for i in 0..MAX_PER_CLIENT {
        assert!(is_wrong(
            &try_sign_in(&app, &format!("nobody{i}"), "guess", Attempt::from(proxy)).await
        ));
    }
    assert!(
        is_throttled(&try_sign_in(&app, "gus", PASSWORD, Attempt::from(proxy)).await),
        "a new browser behind the flooded address waits"
    );
    try_sign_in(
        &app,
        "fay",
        PASSWORD,
        Attempt {
            client: proxy,
            device: Some(&device),
        },
    )
    .await
    .unwrap();
}

async fn the_current_password_check_is_throttled_like_sign_in(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "hal").await;
    let here = Attempt::from("192.0.2.7");
    for _ in 0..MAX_PER_CLIENT_AND_NAME {
        let r = app
            .change_password(&p, "not it", "a new password", &here)
            .await;
        assert!(matches!(r, Err(AppError::Invalid(_))), "{r:?}");
    }
    let r = app
        .change_password(&p, PASSWORD, "a new password", &here)
        .await;
    assert!(is_throttled(&r), "{r:?}");
    app.sign_in("hal", PASSWORD, "elsewhere", SignInAs::Device, "")
        .await
        .expect("the password did not change");
}

async fn recovery_is_throttled_like_sign_in(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (_, _, code) = signed_in(&app, "ida").await;
    let here = Attempt::from("192.0.2.8");
    for _ in 0..MAX_PER_CLIENT_AND_NAME {
        let r = app
            .recover_with(
                "ida",
                "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE",
                "a new password",
                &here,
            )
            .await;
        assert!(is_wrong(&r), "{r:?}");
    }
    assert!(is_throttled(
        &app.recover_with("ida", &code, "a new password", &here)
            .await
    ));
    assert!(
        is_throttled(&try_sign_in(&app, "ida", PASSWORD, here).await),
        "guesses at a recovery code and at a password count together"
    );
}

async fn every_check_costs_one_key_derivation_whether_the_name_exists_or_not(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    register(&app, "jo").await;
    let cost = |before: u64| app.key_derivations() - before;
    let cases: [(&str, &str); 2] = [("jo", "known"), ("no-such-name", "unknown")];
    for (name, what) in cases {
        let before = app.key_derivations();
        assert!(is_wrong(
            &try_sign_in(&app, name, "wrong password", Attempt::from(what)).await
        ));
        assert_eq!(cost(before), 1, "a sign-in at a {what} name");
        let before = app.key_derivations();
        let r = app
            .recover_with(
                name,
                "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE",
                "new password",
                &Attempt::from(what),
            )
            .await;
        assert!(is_wrong(&r), "{r:?}");
        assert_eq!(cost(before), 1, "a recovery at a {what} name");
    }
    let before = app.key_derivations();
    try_sign_in(&app, "jo", PASSWORD, Attempt::from("ok"))
        .await
        .unwrap();
    assert_eq!(
        cost(before),
        1,
        "a right password: one derivation, no separate hash"
    );
    // A name that cannot be one costs the same too.
    let before = app.key_derivations();
    assert!(is_wrong(
        &try_sign_in(&app, "not a\0name", "x", Attempt::from("odd")).await
    ));
    assert_eq!(cost(before), 1);
}

async fn credentials_record_their_parameters_and_are_remade_when_they_change(db: &TestDb) {
    let cheap = app_on(db.store.clone()).await;
    let (p, _, code) = signed_in(&cheap, "kit").await;
    let kdf_of = |kind| {
        let store = db.store.clone();
        async move {
            store
                .credentials_of_user(p.user.id, Some(kind))
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.kdf)
                .collect::<Vec<_>>()
        }
    };
    let testing = Some(KdfParams::TESTING.to_string());
    assert_eq!(
        kdf_of(CredentialKind::Password).await,
        vec![testing.clone()]
    );
    assert_eq!(kdf_of(CredentialKind::Recovery).await, vec![testing]);
    // The operator raises the cost: the next sign-in re-makes the password
    // credential (two derivations, once), later ones cost one.
    let production = App::new(db.store.clone(), Config::default());
    assert_eq!(Config::default().kdf, KdfParams::PRODUCTION);
    production
        .sign_in("kit", PASSWORD, "t", SignInAs::Device, "")
        .await
        .unwrap();
    assert_eq!(production.key_derivations(), 2);
    assert_eq!(
        kdf_of(CredentialKind::Password).await,
        vec![Some("argon2id;m=65536;t=3;p=1".to_string())]
    );
    production
        .sign_in("kit", PASSWORD, "t", SignInAs::Device, "")
        .await
        .unwrap();
    assert_eq!(production.key_derivations(), 3);
    // The recovery code still opens with the parameters it was made with.
    cheap
        .recover("kit", &code, "another password", "t")
        .await
        .unwrap();
}

/// A store written before parameters were recorded and while a separate
/// password hash existed (schema 9): the account signs in with its password
/// and its recovery code, and its password credential is re-made.
async fn legacy_accounts_sign_in_and_are_upgraded(postgres: bool) {
    let user = uuid::Uuid::now_v7();
    let (password_id, recovery_id) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let root = crypto::Key::random();
    let code = crypto::new_recovery_code();
    let credential = |id: uuid::Uuid, kind: &str, secret: &[u8]| {
        let salt = crypto::random_bytes::<16>().to_vec();
        let wrap = KdfParams::LEGACY.derive(secret, &salt).unwrap();
        let aad = format!("credential|{user}|{id}");
        (
            "INSERT INTO credentials (id, user_id, kind, label, scope, lookup, salt, wrapped, created_at) VALUES ($1, $2, $3, $4, 'full', NULL, $5, $6, 1)",
            vec![
                Value::Text(id.to_string()),
                Value::Text(user.to_string()),
                Value::Text(kind.into()),
                Value::Text(kind.into()),
                Value::Blob(salt),
                Value::Blob(crypto::seal(&wrap, aad.as_bytes(), root.as_bytes())),
            ],
        )
    };
    let rows = vec![
        (
            "INSERT INTO users (id, name, role, time_zone, password_hash, created_at) VALUES ($1, 'lee', 'client', 'Europe/Berlin', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', 1)",
            vec![Value::Text(user.to_string())],
        ),
        credential(password_id, "password", PASSWORD.as_bytes()),
        credential(
            recovery_id,
            "recovery",
            crypto::normalise_recovery_code(&code).as_bytes(),
        ),
    ];
    let Some(db) = TestDb::upgraded_from(postgres, 9, &rows).await else {
        return;
    };
    assert_eq!(
        db.store.due_rotations(user).await.unwrap(),
        vec![
            "upgrade:calendar_secret".to_string(),
            "upgrade:key_generations".to_string()
        ],
        "migrations mark the steps that need the account's keys"
    );
    let app = app_on(db.store.clone()).await;
    let (p, _) = app
        .sign_in("lee", PASSWORD, "t", SignInAs::WebSession, "")
        .await
        .expect("a legacy password still signs in");
    assert!(
        db.store.due_rotations(user).await.unwrap().is_empty(),
        "carried out at the first unlock"
    );
    let kdf: Vec<_> = db
        .store
        .credentials_of_user(user, Some(CredentialKind::Password))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.kdf)
        .collect();
    assert_eq!(
        kdf,
        vec![Some(KdfParams::TESTING.to_string())],
        "re-made with today's parameters"
    );
    let entry = app
        .add_entry(
            &p,
            between_domain::EntryContent {
                text: "after the upgrade".into(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    app.sign_in("lee", PASSWORD, "t", SignInAs::Device, "")
        .await
        .expect("the upgraded credential opens");
    app.recover("lee", &code, "a brand new password", "t")
        .await
        .expect("the legacy recovery code works");
    let (p2, _) = app
        .sign_in("lee", "a brand new password", "t", SignInAs::WebSession, "")
        .await
        .unwrap();
    assert_eq!(
        app.entry(&p2, entry.id).await.unwrap().content.text,
        "after the upgrade"
    );
}
