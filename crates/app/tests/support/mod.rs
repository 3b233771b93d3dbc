//! Shared helpers for the app's story tests, run on both backends.

use between_app::accounts::NewUser;
use between_app::sessions::SignInAs;
use between_app::{App, Config, Principal, Role};

pub const PASSWORD: &str = "correct horse battery";

pub async fn app_on(store: between_store::Store) -> App {
    App::new(store, Config::default())
}

/// Registers `name` and signs in with a web session.
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
