//! Shared helpers for the app's story tests, run on both backends.

use between_app::accounts::NewUser;
use between_app::sessions::SignInAs;
use between_app::{App, Config, Principal, Role};
use between_store::testing::{services_required, TestDb};

pub const PASSWORD: &str = "correct horse battery";

/// Not every story needs the system clock's app.
#[allow(dead_code)]
pub async fn app_on(store: between_store::Store) -> App {
    App::new(store, Config::testing())
}

/// The password of `p`'s account, confirmed as a guarded operation needs it.
#[allow(dead_code)]
pub async fn confirmed(app: &App, p: &Principal) -> between_app::reauth::PasswordConfirmed {
    app.confirm_password(p, PASSWORD, &between_app::throttle::Attempt::from("test"))
        .await
        .expect("the right password is confirmed")
}

/// Registers the therapist `name` and signs in with a web session.
#[allow(dead_code)]
pub async fn therapist(app: &App, name: &str) -> Principal {
    app.register(NewUser {
        name,
        password: PASSWORD,
        role: Role::Therapist,
        time_zone: "Europe/Berlin",
    })
    .await
    .expect("register a therapist");
    app.sign_in(name, PASSWORD, "test", SignInAs::WebSession, "test browser")
        .await
        .expect("a therapist signs in")
        .0
}

/// Registers `name` and signs in with a web session.
#[allow(dead_code)]
pub async fn signed_in(app: &App, name: &str) -> (Principal, String, String) {
    let registered = app
        .register(NewUser {
            name,
            password: PASSWORD,
            role: Role::Client,
            time_zone: "Europe/Berlin",
        })
        .await
        .expect("register");
    let (principal, secret) = app
        .sign_in(name, PASSWORD, "test", SignInAs::WebSession, "test browser")
        .await
        .expect("sign in");
    (principal, secret, registered.recovery_code)
}

#[macro_export]
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $story() { let db = between_store::testing::TestDb::sqlite().await; super::$story(&db).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $story() { if let Some(db) = between_store::testing::TestDb::postgres().await { super::$story(&db).await; } })*
        }
    };
}

/// The stored bytes of a whole database: SQLite's main file and WAL, or a
/// `pg_dump` of the PostgreSQL database.
#[allow(dead_code)]
pub async fn stored_bytes(db: &TestDb) -> Vec<u8> {
    match db.sqlite_path() {
        Some(path) => {
            let mut bytes = std::fs::read(&path).unwrap();
            let wal = path.with_extension("db-wal");
            bytes.extend(std::fs::read(&wal).unwrap_or_default());
            bytes
        }
        None => match std::process::Command::new("pg_dump")
            .arg("--data-only")
            .arg(&db.url)
            .output()
        {
            Ok(out) if out.status.success() => out.stdout,
            Ok(out) => panic!("pg_dump failed: {}", String::from_utf8_lossy(&out.stderr)),
            Err(err) if !services_required() => {
                eprintln!("SKIPPED: pg_dump not available ({err})");
                Vec::new()
            }
            Err(err) => panic!("pg_dump is required: {err}"),
        },
    }
}

/// A daily mindfulness practice of one's own, starting `start`.
#[allow(dead_code)]
pub fn daily_practice(
    title: &str,
    start: jiff::civil::Date,
) -> between_domain::practice::definition::Practice {
    use between_domain::practice::definition::{Practice, Template};
    use between_domain::practice::schedule::Schedule;
    Practice {
        title: title.into(),
        instructions: String::new(),
        why: String::new(),
        goal_id: None,
        assigned_by: "self".into(),
        template: Template::Mindfulness,
        schedule: Schedule::parse("daily").expect("a daily schedule"),
        start,
        end: None,
        archived: false,
    }
}
