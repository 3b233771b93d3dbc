//! A fresh app per test, driven through the real router (no network), with
//! a tiny cookie jar, form posting and JSON API helpers.
#![allow(dead_code, clippy::unwrap_used)]

pub mod process;
pub mod receiver;
pub mod smtp_sink;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use between::web::{self, WebSettings};
use between_app::accounts::NewUser;
use between_app::sessions::SignInAs;
use between_app::{Access, App, Config, Role};
use between_store::testing::TestDb;
use http_body_util::BodyExt;
use std::collections::HashMap;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub db: TestDb,
    pub app: App,
    pub router: Router,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }

    /// The value a Set-Cookie header gives `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }

    /// The value attribute of the first input named `name`.
    pub fn hidden_input_value(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        match self.body.find(&marker) {
            Some(start) => self.body[start + marker.len()..]
                .split('"')
                .next()
                .unwrap()
                .to_string(),
            None => String::new(),
        }
    }

    /// The value of the first hidden input named `name`.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no {name} field in {}", self.body))
            + marker.len();
        self.body[start..].split('"').next().unwrap().to_string()
    }
}

/// Cookies a browser would hold.
#[derive(Default, Clone)]
pub struct Jar(pub HashMap<String, String>);

impl Jar {
    pub fn header(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn absorb(&mut self, reply: &Reply) {
        for v in reply.headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            if let Some((k, val)) = pair.split_once('=') {
                if attrs.contains("Max-Age=0") || val.is_empty() {
                    self.0.remove(k);
                } else {
                    self.0.insert(k.to_string(), val.to_string());
                }
            }
        }
    }
}

/// The tests' configuration: cheap key derivation, and a server key as
/// `between serve` makes one, so reminders can be turned on.
pub fn test_config() -> Config {
    Config {
        server_key: Some(std::sync::Arc::new(
            between_app::reminders::ServerKey::generate(),
        )),
        ..Config::testing()
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with(test_config(), WebSettings::default()).await
    }

    /// A default app on the given store (e.g. PostgreSQL).
    pub async fn on(db: TestDb) -> TestApp {
        Self::on_with(db, test_config()).await
    }

    /// An app with `config` on the given store.
    pub async fn on_with(db: TestDb, config: Config) -> TestApp {
        let app = App::new(db.store.clone(), config);
        let router = web::router(app.clone(), WebSettings::default());
        TestApp { db, app, router }
    }

    pub async fn with(config: Config, settings: WebSettings) -> TestApp {
        let db = TestDb::sqlite().await;
        let app = App::new(db.store.clone(), config);
        let router = web::router(app.clone(), settings);
        TestApp { db, app, router }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, jar: &Jar) -> Reply {
        let request = Request::get(path)
            .header(header::COOKIE, jar.header())
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    pub async fn post_form(&self, path: &str, jar: &Jar, fields: &[(&str, &str)]) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = Request::post(path)
            .header(header::COOKIE, jar.header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(
            request
                .body(
                    body.map(|b| Body::from(b.to_string()))
                        .unwrap_or_else(Body::empty),
                )
                .unwrap(),
        )
        .await
    }

    /// Creates an account and returns a jar signed in to it.
    pub async fn signed_in(&self, name: &str) -> Jar {
        self.signed_in_as(name, Role::Client).await
    }

    /// Registers `name` with `role` and signs in with a web session.
    pub async fn signed_in_as(&self, name: &str, role: Role) -> Jar {
        self.app
            .register(NewUser {
                name,
                password: PASSWORD,
                role,
                time_zone: "Europe/Berlin",
            })
            .await
            .unwrap();
        let (_, secret) = self
            .app
            .sign_in(name, PASSWORD, "test", SignInAs::WebSession, "test")
            .await
            .unwrap();
        let mut jar = Jar::default();
        jar.0.insert("between_session".into(), secret);
        jar
    }

    /// A new web session of an existing account.
    pub async fn sign_in_jar(&self, name: &str) -> Jar {
        let (_, secret) = self
            .app
            .sign_in(name, PASSWORD, "test", SignInAs::WebSession, "test")
            .await
            .unwrap();
        let mut jar = Jar::default();
        jar.0.insert("between_session".into(), secret);
        jar
    }

    /// A personal access token for an existing account.
    pub async fn token(&self, name: &str, access: Access) -> String {
        let (p, _) = self
            .app
            .sign_in(name, PASSWORD, "test", SignInAs::Device, "test")
            .await
            .unwrap();
        let confirmed = self
            .app
            .confirm_password(&p, PASSWORD, &between_app::throttle::Attempt::from("test"))
            .await
            .unwrap();
        self.app
            .create_token(&p, confirmed, "test", access)
            .await
            .unwrap()
            .1
    }

    /// The form token of a signed-in jar, read from a page.
    pub async fn csrf(&self, jar: &Jar) -> String {
        self.get("/journal/new", jar).await.hidden("csrf")
    }
}
