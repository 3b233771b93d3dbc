//! Passkeys that open the account, on SQLite and PostgreSQL, with a
//! software authenticator (webauthn-authenticator-rs) answering the
//! ceremonies as a browser would and the PRF output the browser would post
//! beside them: adding one needs the password; a passkey with its PRF
//! output signs in and opens the journal, a wrong output opens nothing; a
//! ceremony works once, in time, and finishes on another instance; without
//! PRF a passkey becomes the second step of password sign-in (at a
//! browser's code step and before lasting access; not for the CLI);
//! removing one (with a fresh proof) removes the key it held; with an
//! IP address as the public address passkeys are unavailable.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use base64::Engine;
use between_app::passkeys::Ceremony;
use between_app::second_factor::SecondProof;
use between_app::sessions::{SignInAs, SignInStep};
use between_app::throttle::Attempt;
use between_app::{App, AppError, Clock, Config, Principal};
use between_domain::EntryContent;
use between_store::testing::TestDb;
use support::{signed_in, stored_bytes, PASSWORD};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, Url};

on_both_backends!(
    a_passkey_with_its_prf_output_signs_in_and_opens_the_journal,
    a_wrong_prf_output_opens_nothing,
    a_ceremony_works_once_in_time_and_on_any_instance,
    a_passkey_without_prf_becomes_the_second_step_of_password_sign_in,
    removing_a_passkey_removes_the_key_it_held,
);

const ORIGIN: &str = "http://localhost:8080";
const PRF: [u8; 32] = [42; 32];

type Authenticator = WebauthnAuthenticator<SoftPasskey>;

fn app_with(db: &TestDb, clock: &Clock) -> App {
    App::new(
        db.store.clone(),
        Config {
            clock: clock.clone(),
            public_url: Some(ORIGIN.into()),
            ..Config::testing()
        },
    )
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn origin() -> Url {
    Url::parse(ORIGIN).unwrap()
}

fn register(auth: &mut Authenticator, begun: &Ceremony) -> String {
    let options: CreationChallengeResponse = serde_json::from_value(begun.options.clone()).unwrap();
    serde_json::to_string(&auth.do_registration(origin(), options).unwrap()).unwrap()
}

fn assert_with(auth: &mut Authenticator, begun: &Ceremony) -> String {
    let options: RequestChallengeResponse = serde_json::from_value(begun.options.clone()).unwrap();
    serde_json::to_string(&auth.do_authentication(origin(), options).unwrap()).unwrap()
}

/// Adds a passkey to `p` whose authenticator gives `prf`.
async fn add(
    app: &App,
    p: &Principal,
    auth: &mut Authenticator,
    prf: &[u8],
) -> Result<(), AppError> {
    let confirmed = app
        .confirm_password(p, PASSWORD, &Attempt::from("test"))
        .await
        .unwrap();
    let begun = app
        .begin_passkey_registration(p, confirmed, "  my   phone ")
        .await?;
    let unlock = app
        .finish_passkey_registration(p, begun.id, &register(auth, &begun))
        .await?;
    app.finish_passkey_unlock(p, unlock.id, &assert_with(auth, &unlock), &b64(prf))
        .await
        .map(|_| ())
}

async fn sign_in(
    app: &App,
    auth: &mut Authenticator,
    prf: &[u8],
) -> Result<between_app::sessions::SignedInWith, AppError> {
    let begun = app.begin_passkey_sign_in("ada").await?;
    app.finish_passkey_sign_in(
        begun.id,
        &assert_with(auth, &begun),
        &b64(prf),
        &Attempt::from("198.51.100.9"),
    )
    .await
}

async fn a_passkey_with_its_prf_output_signs_in_and_opens_the_journal(db: &TestDb) {
    let clock = Clock::manual("2026-06-01T08:00:00Z".parse().unwrap());
    let app = app_with(db, &clock);
    let (ada, _, _) = signed_in(&app, "ada").await;
    app.add_entry(
        &ada,
        EntryContent {
            text: "the lighthouse keeper".into(),
            ..EntryContent::default()
        },
        None,
    )
    .await
    .unwrap();
    let mut auth = WebauthnAuthenticator::new(SoftPasskey::new(true));
    add(&app, &ada, &mut auth, &PRF).await.unwrap();
    let listed = app.passkeys(&ada).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].label, "my phone");
    assert!(listed[0].unlocks);

    clock.advance(Duration::from_secs(60));
    let done = sign_in(&app, &mut auth, &PRF).await.unwrap();
    let page = app
        .list_entries(&done.principal, &Default::default())
        .await
        .unwrap();
    assert_eq!(page.entries[0].content.text, "the lighthouse keeper");
    assert!(app.authenticate(&done.secret).await.is_ok());
    let used = app.passkeys(&done.principal).await.unwrap();
    assert!(used[0].last_used_at.is_some());
    let log = app.security_log(&done.principal).await.unwrap();
    assert!(log
        .iter()
        .any(|l| l.kind == "passkey added" && l.details == ["\"my phone\""]));
    // At rest: neither the PRF output nor the text.
    let bytes = stored_bytes(db).await;
    assert!(!bytes.windows(PRF.len()).any(|w| w == PRF));
    assert!(!bytes.windows(10).any(|w| w == b"lighthouse"));
}

async fn a_wrong_prf_output_opens_nothing(db: &TestDb) {
    let clock = Clock::manual("2026-06-01T08:00:00Z".parse().unwrap());
    let app = app_with(db, &clock);
    let (ada, _, _) = signed_in(&app, "ada").await;
    let mut auth = WebauthnAuthenticator::new(SoftPasskey::new(true));
    add(&app, &ada, &mut auth, &PRF).await.unwrap();
    for wrong in [[7u8; 32].as_slice(), b"".as_slice(), [42u8; 16].as_slice()] {
        let refused = sign_in(&app, &mut auth, wrong).await;
        assert!(
            matches!(refused, Err(AppError::Unauthorized(_))),
            "{refused:?}"
        );
    }
    assert!(sign_in(&app, &mut auth, &PRF).await.is_ok());
}

async fn a_ceremony_works_once_in_time_and_on_any_instance(db: &TestDb) {
    let clock = Clock::manual("2026-06-01T08:00:00Z".parse().unwrap());
    let one = app_with(db, &clock);
    let other = app_with(db, &clock);
    let (ada, _, _) = signed_in(&one, "ada").await;
    let mut auth = WebauthnAuthenticator::new(SoftPasskey::new(true));
    add(&one, &ada, &mut auth, &PRF).await.unwrap();

    // Begun on one instance, finished on the other; not a second time.
    let begun = one.begin_passkey_sign_in("ada").await.unwrap();
    let answer = assert_with(&mut auth, &begun);
    other
        .finish_passkey_sign_in(begun.id, &answer, &b64(&PRF), &Attempt::from("x"))
        .await
        .unwrap();
    let again = one
        .finish_passkey_sign_in(begun.id, &answer, &b64(&PRF), &Attempt::from("x"))
        .await;
    assert!(matches!(again, Err(AppError::Unauthorized(_))), "{again:?}");

    // In time only.
    let late = one.begin_passkey_sign_in("ada").await.unwrap();
    let answer = assert_with(&mut auth, &late);
    clock.advance(Duration::from_secs(5 * 60 + 1));
    let expired = other
        .finish_passkey_sign_in(late.id, &answer, &b64(&PRF), &Attempt::from("x"))
        .await;
    assert!(
        matches!(expired, Err(AppError::Unauthorized(_))),
        "{expired:?}"
    );
    assert_eq!(one.purge_ceremonies().await.unwrap(), 0, "taken already");
    one.begin_passkey_sign_in("ada").await.unwrap();
    clock.advance(Duration::from_secs(5 * 60 + 1));
    assert_eq!(one.purge_ceremonies().await.unwrap(), 1);
}

async fn a_passkey_without_prf_becomes_the_second_step_of_password_sign_in(db: &TestDb) {
    let clock = Clock::manual("2026-06-01T08:00:00Z".parse().unwrap());
    let app = app_with(db, &clock);
    let (ada, _, _) = signed_in(&app, "ada").await;
    let mut auth = WebauthnAuthenticator::new(SoftPasskey::new(true));
    add(&app, &ada, &mut auth, b"").await.unwrap();
    let listed = app.passkeys(&ada).await.unwrap();
    assert!(listed[0].second_step && !listed[0].unlocks, "{listed:?}");
    // It opens nothing by itself.
    assert!(matches!(
        app.begin_passkey_sign_in("ada").await,
        Err(AppError::Invalid(_))
    ));
    let log = app.security_log(&ada).await.unwrap();
    assert!(log[0]
        .details
        .iter()
        .any(|d| d.contains("second step only")));

    // A password alone no longer signs in; a device login cannot use it.
    let step = |as_| between_app::sessions::SignIn {
        name: "ada",
        password: PASSWORD,
        attempt: Attempt::from("198.51.100.9"),
        as_,
        label: "t",
    };
    let device = app.sign_in_step(step(SignInAs::Device), None).await;
    assert!(
        matches!(&device, Err(AppError::Invalid(e)) if e.to_string().contains("passkey")),
        "{device:?}"
    );
    let waiting = match app
        .sign_in_step(step(SignInAs::WebSession), None)
        .await
        .unwrap()
    {
        SignInStep::Code(w) => w,
        SignInStep::Done(_) => panic!("signed in with a password alone"),
    };
    assert!(waiting.steps.passkey_step && !waiting.steps.codes);
    // A code does not stand in for it.
    assert!(app
        .finish_sign_in_with_code(&waiting.secret, "123456", &Attempt::from("x"))
        .await
        .is_err());
    let check = app
        .begin_pending_passkey_check(&waiting.secret)
        .await
        .unwrap();
    let answer = assert_with(&mut auth, &check);
    let done = app
        .finish_pending_sign_in(
            &waiting.secret,
            SecondProof::Passkey {
                ceremony: check.id,
                assertion: &answer,
            },
            &Attempt::from("x"),
        )
        .await
        .unwrap();
    // The same assertion is not taken twice.
    let waiting = match app
        .sign_in_step(step(SignInAs::WebSession), None)
        .await
        .unwrap()
    {
        SignInStep::Code(w) => w,
        SignInStep::Done(_) => panic!("signed in with a password alone"),
    };
    let replayed = app
        .finish_pending_sign_in(
            &waiting.secret,
            SecondProof::Passkey {
                ceremony: check.id,
                assertion: &answer,
            },
            &Attempt::from("x"),
        )
        .await;
    assert!(replayed.is_err());

    // The fresh proof before lasting access asks for it too.
    let p = done.principal;
    let alone = app
        .confirm_password(&p, PASSWORD, &Attempt::from("test"))
        .await;
    assert!(
        matches!(&alone, Err(AppError::Invalid(e)) if e.to_string().contains("passkey")),
        "{alone:?}"
    );
    let check = app.begin_passkey_check(&p).await.unwrap();
    let confirmed = app
        .confirm_with(
            &p,
            PASSWORD,
            SecondProof::Passkey {
                ceremony: check.id,
                assertion: &assert_with(&mut auth, &check),
            },
            &Attempt::from("test"),
        )
        .await
        .unwrap();
    // Removing it (with it) makes the password enough again.
    let id = app.passkeys(&p).await.unwrap()[0].id;
    app.remove_passkey(&p, confirmed, id).await.unwrap();
    assert!(matches!(
        app.sign_in_step(step(SignInAs::WebSession), None)
            .await
            .unwrap(),
        SignInStep::Done(_)
    ));
}

async fn removing_a_passkey_removes_the_key_it_held(db: &TestDb) {
    let clock = Clock::manual("2026-06-01T08:00:00Z".parse().unwrap());
    let app = app_with(db, &clock);
    let (ada, _, _) = signed_in(&app, "ada").await;
    let mut auth = WebauthnAuthenticator::new(SoftPasskey::new(true));
    add(&app, &ada, &mut auth, &PRF).await.unwrap();
    let id = app.passkeys(&ada).await.unwrap()[0].id;
    let wrapped_before = db.store.passkeys(ada.user.id).await.unwrap()[0]
        .wrapped
        .clone()
        .unwrap();
    let confirmed = app
        .confirm_password(&ada, PASSWORD, &Attempt::from("test"))
        .await
        .unwrap();
    app.remove_passkey(&ada, confirmed, id).await.unwrap();
    assert!(db.store.passkeys(ada.user.id).await.unwrap().is_empty());
    let bytes = stored_bytes(db).await;
    assert!(!bytes
        .windows(wrapped_before.len())
        .any(|w| w == wrapped_before.as_slice()));
    assert!(matches!(
        app.begin_passkey_sign_in("ada").await,
        Err(AppError::Invalid(_))
    ));
    let kinds: Vec<String> = app
        .security_log(&ada)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.kind)
        .collect();
    assert!(kinds.contains(&"passkey removed".to_string()));
}

#[tokio::test]
async fn with_an_ip_address_as_the_public_address_passkeys_are_unavailable() {
    let db = TestDb::sqlite().await;
    let app = App::new(
        db.store.clone(),
        Config {
            public_url: Some("http://127.0.0.1:8080".into()),
            ..Config::testing()
        },
    );
    let (ada, _, _) = signed_in(&app, "ada").await;
    let why = app.passkeys_available().unwrap_err();
    assert!(why.contains("IP address"), "{why}");
    let confirmed = app
        .confirm_password(&ada, PASSWORD, &Attempt::from("test"))
        .await
        .unwrap();
    assert!(matches!(
        app.begin_passkey_registration(&ada, confirmed, "x").await,
        Err(AppError::Forbidden(_))
    ));
    let _ = app
        .sign_in("ada", PASSWORD, "test", SignInAs::WebSession, "t")
        .await
        .unwrap();
}
