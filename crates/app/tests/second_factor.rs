//! Two-step sign-in with codes from an authenticator app, on SQLite and
//! PostgreSQL: turned on only with a right code and the password; then
//! every password path (a browser's sign-in, a device login, the fresh
//! proof before a token, an archive or a deletion) asks for a code; a code
//! works once; a browser's code step is kept in the database, finishes on
//! any instance, once, in time and within a few wrong codes, all counted
//! with password attempts; turning it off needs a current code; the
//! recovery code skips it and may turn it off; the secret is not in the
//! clear at rest.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use between_app::accounts::{NewUser, Recovery};
use between_app::pending_signin::{PendingSignIn, MAX_WRONG_CODES, PENDING_MINUTES};
use between_app::sessions::{SignIn, SignInAs, SignInStep, SignedInWith};
use between_app::throttle::{Attempt, MAX_PER_CLIENT_AND_NAME};
use between_app::{App, AppError, Clock, Config, Principal, Role};
use between_domain::totp::Totp;
use between_store::testing::TestDb;
use support::{stored_bytes, PASSWORD};

on_both_backends!(
    codes_turn_on_only_with_a_right_code_and_the_password,
    every_password_path_then_asks_for_a_code,
    a_code_is_taken_once,
    a_browsers_code_step_finishes_on_any_instance_once_and_in_time,
    wrong_codes_end_the_step_and_count_with_password_attempts,
    turning_codes_off_needs_a_current_code,
    the_recovery_code_skips_the_code_and_may_turn_codes_off,
);

const START: &str = "2026-06-01T08:00:00Z";

fn app_with(db: &TestDb, clock: &Clock) -> App {
    App::new(
        db.store.clone(),
        Config {
            clock: clock.clone(),
            ..Config::testing()
        },
    )
}

fn step(name: &str) -> SignIn<'_> {
    SignIn {
        name,
        password: PASSWORD,
        attempt: Attempt::from("198.51.100.7"),
        as_: SignInAs::WebSession,
        label: "test",
    }
}

fn code_now(totp: &Totp, app: &App) -> String {
    totp.code_at(u64::try_from(app.now().as_second()).unwrap())
}

fn is_code_error<T>(r: &Result<T, AppError>) -> bool {
    matches!(r, Err(AppError::Invalid(e)) if e.get("code").is_some())
}

async fn account(app: &App, name: &str) -> Principal {
    app.register(NewUser {
        name,
        password: PASSWORD,
        role: Role::Client,
        time_zone: "Europe/Berlin",
    })
    .await
    .unwrap();
    app.sign_in(
        name,
        PASSWORD,
        "test",
        SignInAs::WebSession,
        "first browser",
    )
    .await
    .unwrap()
    .0
}

/// Turns codes on for `p` and returns the app's generator.
async fn codes_on(app: &App, p: &Principal) -> Totp {
    let enrolment = app.totp_enrolment(p).unwrap();
    let totp = Totp::from_base32(&enrolment.secret).unwrap();
    let confirmed = app
        .confirm_password(p, PASSWORD, &Attempt::from("test"))
        .await
        .unwrap();
    app.enable_totp(p, confirmed, &enrolment.secret, &code_now(&totp, app))
        .await
        .unwrap();
    totp
}

async fn pending(app: &App, name: &str) -> PendingSignIn {
    match app.sign_in_step(step(name), None).await.unwrap() {
        SignInStep::Code(pending) => pending,
        SignInStep::Done(_) => panic!("signed in without a code"),
    }
}

async fn finish(app: &App, pending: &PendingSignIn, code: &str) -> Result<SignedInWith, AppError> {
    app.finish_sign_in_with_code(&pending.secret, code, &Attempt::from("198.51.100.7"))
        .await
}

async fn codes_turn_on_only_with_a_right_code_and_the_password(db: &TestDb) {
    let clock = Clock::manual(START.parse().unwrap());
    let app = app_with(db, &clock);
    let ada = account(&app, "ada").await;
    let enrolment = app.totp_enrolment(&ada).unwrap();
    assert!(enrolment
        .uri
        .starts_with("otpauth://totp/Between:ada?secret="));
    let totp = Totp::from_base32(&enrolment.secret).unwrap();

    // A wrong password or a wrong code turns nothing on.
    assert!(app
        .confirm_password(&ada, "not my password", &Attempt::from("test"))
        .await
        .is_err());
    let confirmed = app
        .confirm_password(&ada, PASSWORD, &Attempt::from("test"))
        .await
        .unwrap();
    let wrong = app
        .enable_totp(&ada, confirmed, &enrolment.secret, "000000")
        .await;
    assert!(is_code_error(&wrong), "{wrong:?}");
    assert!(app.second_factors(&ada).await.unwrap().is_empty());
    assert!(matches!(
        app.sign_in_step(step("ada"), None).await.unwrap(),
        SignInStep::Done(_)
    ));

    let confirmed = app
        .confirm_password(&ada, PASSWORD, &Attempt::from("test"))
        .await
        .unwrap();
    app.enable_totp(&ada, confirmed, &enrolment.secret, &code_now(&totp, &app))
        .await
        .unwrap();
    let factors = app.second_factors(&ada).await.unwrap();
    assert_eq!(factors.len(), 1);
    assert_eq!(factors[0].label(), "Codes from an authenticator app");
    assert!(factors[0].last_used_at.is_some());
    let log = app.security_log(&ada).await.unwrap();
    assert_eq!(log[0].kind, "second factor on");
    assert_eq!(log[0].details, ["codes from an authenticator app"]);

    // At rest the secret is neither in bytes nor as typed.
    let bytes = stored_bytes(db).await;
    let secret = totp.secret_bytes().to_vec();
    assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_slice()));
    let typed = enrolment.secret.as_bytes();
    assert!(!bytes.windows(typed.len()).any(|w| w == typed));
}

async fn every_password_path_then_asks_for_a_code(db: &TestDb) {
    let clock = Clock::manual(START.parse().unwrap());
    let app = app_with(db, &clock);
    let ada = account(&app, "ada").await;
    let totp = codes_on(&app, &ada).await;
    clock.advance(Duration::from_secs(30));

    // A browser gets a code step, not a session.
    let waiting = pending(&app, "ada").await;
    assert_eq!(waiting.max_age, PENDING_MINUTES * 60);
    // A password alone signs in nowhere.
    let alone = app.sign_in_with(step("ada")).await;
    assert!(is_code_error(&alone), "{alone:?}");
    let device = app
        .sign_in_step(
            SignIn {
                as_: SignInAs::Device,
                ..step("ada")
            },
            None,
        )
        .await;
    assert!(is_code_error(&device), "{device:?}");
    // The fresh proof before a token, an archive or a deletion, too.
    let proof = app
        .confirm_password(&ada, PASSWORD, &Attempt::from("test"))
        .await;
    assert!(is_code_error(&proof), "{proof:?}");
    let malformed = app
        .confirm(&ada, PASSWORD, Some("12345"), &Attempt::from("test"))
        .await;
    assert!(is_code_error(&malformed));

    // With the code, each works.
    let device = app
        .sign_in_step(
            SignIn {
                as_: SignInAs::Device,
                ..step("ada")
            },
            Some(&code_now(&totp, &app)),
        )
        .await
        .unwrap();
    assert!(matches!(device, SignInStep::Done(_)));
    clock.advance(Duration::from_secs(30));
    let confirmed = app
        .confirm(
            &ada,
            PASSWORD,
            Some(&code_now(&totp, &app)),
            &Attempt::from("test"),
        )
        .await
        .unwrap();
    app.create_token(&ada, confirmed, "script", between_app::Access::Full)
        .await
        .unwrap();
    clock.advance(Duration::from_secs(30));
    let done = finish(&app, &waiting, &code_now(&totp, &app))
        .await
        .unwrap();
    assert_eq!(done.principal.user.name, "ada");
    assert!(app.authenticate(&done.secret).await.is_ok());
}

async fn a_code_is_taken_once(db: &TestDb) {
    let clock = Clock::manual(START.parse().unwrap());
    let app = app_with(db, &clock);
    let ada = account(&app, "ada").await;
    let totp = codes_on(&app, &ada).await;
    // The code that turned codes on is used up already.
    let used = code_now(&totp, &app);
    let again = app
        .confirm(&ada, PASSWORD, Some(&used), &Attempt::from("test"))
        .await;
    assert!(
        matches!(&again, Err(AppError::Invalid(e)) if e.to_string().contains("used already")),
        "{again:?}"
    );
    clock.advance(Duration::from_secs(30));
    let next = code_now(&totp, &app);
    let _proof = app
        .confirm(&ada, PASSWORD, Some(&next), &Attempt::from("test"))
        .await
        .unwrap();
    // Seen once, refused everywhere: at a browser's code step too, and the
    // older code as well.
    let waiting = pending(&app, "ada").await;
    for code in [&next, &used] {
        let replayed = finish(&app, &waiting, code).await;
        assert!(is_code_error(&replayed), "{replayed:?}");
    }
    clock.advance(Duration::from_secs(30));
    finish(&app, &waiting, &code_now(&totp, &app))
        .await
        .unwrap();
}

async fn a_browsers_code_step_finishes_on_any_instance_once_and_in_time(db: &TestDb) {
    let clock = Clock::manual(START.parse().unwrap());
    let one = app_with(db, &clock);
    let other = app_with(db, &clock);
    let ada = account(&one, "ada").await;
    let totp = codes_on(&one, &ada).await;
    clock.advance(Duration::from_secs(30));

    let waiting = pending(&one, "ada").await;
    let done = finish(&other, &waiting, &code_now(&totp, &other))
        .await
        .unwrap();
    assert!(one.authenticate(&done.secret).await.is_ok());
    // Used once.
    clock.advance(Duration::from_secs(30));
    let twice = finish(&one, &waiting, &code_now(&totp, &one)).await;
    assert!(matches!(twice, Err(AppError::Unauthorized(_))), "{twice:?}");
    // A secret nobody was given finds nothing.
    let made_up = PendingSignIn {
        secret: "x".repeat(43),
        ..waiting.clone()
    };
    let nothing = finish(&one, &made_up, &code_now(&totp, &one)).await;
    assert!(matches!(nothing, Err(AppError::Unauthorized(_))));

    // In time only; and the expired row is cleaned away.
    let late = pending(&one, "ada").await;
    clock.advance(Duration::from_secs(
        u64::try_from(PENDING_MINUTES * 60).unwrap() + 1,
    ));
    let expired = finish(&other, &late, &code_now(&totp, &other)).await;
    assert!(
        matches!(expired, Err(AppError::Unauthorized(_))),
        "{expired:?}"
    );
    assert!(one.purge_pending_signins().await.unwrap() >= 1);
}

async fn wrong_codes_end_the_step_and_count_with_password_attempts(db: &TestDb) {
    let clock = Clock::manual(START.parse().unwrap());
    let app = app_with(db, &clock);
    let ada = account(&app, "ada").await;
    let totp = codes_on(&app, &ada).await;
    clock.advance(Duration::from_secs(30));
    let right = code_now(&totp, &app);
    let wrong = if right == "123456" {
        "654321"
    } else {
        "123456"
    };

    let waiting = pending(&app, "ada").await;
    for n in 1..=MAX_WRONG_CODES {
        let r = finish(&app, &waiting, wrong).await;
        if n < MAX_WRONG_CODES {
            assert!(is_code_error(&r), "wrong code {n}: {r:?}");
        } else {
            assert!(matches!(r, Err(AppError::Unauthorized(_))), "{r:?}");
        }
    }
    // The step is gone even for the right code.
    let gone = finish(&app, &waiting, &right).await;
    assert!(matches!(gone, Err(AppError::Unauthorized(_))));
    // Wrong codes are wrong guesses: this address is now locked for the
    // name, whose password is right.
    const { assert!(MAX_WRONG_CODES >= MAX_PER_CLIENT_AND_NAME) };
    let locked = app.sign_in_step(step("ada"), None).await;
    assert!(
        matches!(locked, Err(AppError::Throttled { .. })),
        "{locked:?}"
    );
}

async fn turning_codes_off_needs_a_current_code(db: &TestDb) {
    let clock = Clock::manual(START.parse().unwrap());
    let app = app_with(db, &clock);
    let ada = account(&app, "ada").await;
    let totp = codes_on(&app, &ada).await;
    let id = app.second_factors(&ada).await.unwrap()[0].id;
    clock.advance(Duration::from_secs(30));
    assert!(is_code_error(
        &app.confirm(&ada, PASSWORD, None, &Attempt::from("test"))
            .await
    ));
    let confirmed = app
        .confirm(
            &ada,
            PASSWORD,
            Some(&code_now(&totp, &app)),
            &Attempt::from("test"),
        )
        .await
        .unwrap();
    app.disable_second_factor(&ada, confirmed, id)
        .await
        .unwrap();
    assert!(app.second_factors(&ada).await.unwrap().is_empty());
    assert!(matches!(
        app.sign_in_step(step("ada"), None).await.unwrap(),
        SignInStep::Done(_)
    ));
    assert_eq!(
        app.security_log(&ada).await.unwrap()[0].kind,
        "second factor off"
    );
}

async fn the_recovery_code_skips_the_code_and_may_turn_codes_off(db: &TestDb) {
    let clock = Clock::manual(START.parse().unwrap());
    let app = app_with(db, &clock);
    let registered = app
        .register(NewUser {
            name: "ada",
            password: PASSWORD,
            role: Role::Client,
            time_zone: "Europe/Berlin",
        })
        .await
        .unwrap();
    let (ada, old_session) = app
        .sign_in("ada", PASSWORD, "test", SignInAs::WebSession, "old")
        .await
        .unwrap();
    codes_on(&app, &ada).await;
    let waiting = pending(&app, "ada").await;

    let recovered = app
        .recover_and_sign_in(
            Recovery {
                name: "ada",
                code: &registered.recovery_code,
                new_password: "a new long passphrase",
                drop_second_factors: false,
            },
            &Attempt::from("test"),
        )
        .await
        .unwrap();
    // Signed in without a code; every other browser and code step ended.
    assert!(app.authenticate(&recovered.signed_in.secret).await.is_ok());
    assert!(app.authenticate(&old_session).await.is_err());
    assert!(matches!(
        finish(&app, &waiting, "123456").await,
        Err(AppError::Unauthorized(_))
    ));
    // Codes stay on unless asked.
    let p = recovered.signed_in.principal;
    assert_eq!(app.second_factors(&p).await.unwrap().len(), 1);

    let again = app
        .recover_and_sign_in(
            Recovery {
                name: "ada",
                code: &recovered.recovery_code,
                new_password: "another long passphrase",
                drop_second_factors: true,
            },
            &Attempt::from("test"),
        )
        .await
        .unwrap();
    let p = again.signed_in.principal;
    assert!(app.second_factors(&p).await.unwrap().is_empty());
    let kinds: Vec<String> = app
        .security_log(&p)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.kind)
        .collect();
    assert!(
        kinds.contains(&"second factor off".to_string()),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"recovery code used".to_string()));
}
