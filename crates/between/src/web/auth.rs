//! Who is asking: the session cookie for pages (redirecting to sign-in when
//! missing or expired), and the known-device cookie a browser keeps after
//! signing in (it exempts that browser from throttles others trigger).

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Redirect, Response};
use between_app::{AppError, Principal};
use between_store::CredentialKind;

use super::errors::PageError;
use super::forms::{for_session, ANON_COOKIE};
use super::WebState;

pub const SESSION_COOKIE: &str = "between_session";
/// A long-lived random value naming this browser to the accounts it signed
/// in to (see `between_app::throttle`).
pub const DEVICE_COOKIE: &str = "between_device";
const DEVICE_MAX_AGE: i64 = 400 * 24 * 60 * 60;
/// The one-time secret of a sign-in waiting for its code (see
/// `between_app::pending_signin`); only this browser holds it.
pub const PENDING_COOKIE: &str = "between_pending";

/// Who is making a sign-in attempt (or a fresh proof): the client's
/// throttle key and this browser's known-device cookie.
pub fn attempt<'a>(client: &'a str, headers: &'a HeaderMap) -> between_app::throttle::Attempt<'a> {
    between_app::throttle::Attempt {
        client,
        device: cookie(headers, DEVICE_COOKIE),
    }
}

/// The value of cookie `name`, if the request has it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn cookie_header(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A cookie that lives until the browser closes; the server ends it sooner
/// after inactivity.
pub fn session_cookie(secret: &str, secure: bool) -> HeaderValue {
    cookie_header(SESSION_COOKIE, secret, secure, None)
}

pub fn clear_session_cookie(secure: bool) -> HeaderValue {
    cookie_header(SESSION_COOKIE, "", secure, Some(0))
}

pub fn device_cookie(secret: &str, secure: bool) -> HeaderValue {
    cookie_header(DEVICE_COOKIE, secret, secure, Some(DEVICE_MAX_AGE))
}

pub fn pending_cookie(secret: &str, max_age: i64, secure: bool) -> HeaderValue {
    cookie_header(PENDING_COOKIE, secret, secure, Some(max_age))
}

pub fn clear_pending_cookie(secure: bool) -> HeaderValue {
    cookie_header(PENDING_COOKIE, "", secure, Some(0))
}

pub fn csrf_cookie(token: &str, secure: bool) -> HeaderValue {
    cookie_header(ANON_COOKIE, token, secure, None)
}

/// A signed-in person on a page request, with the form token for their session.
pub struct SignedIn {
    pub principal: Principal,
    pub csrf: String,
}

async fn signed_in(parts: &Parts, state: &WebState) -> Result<Option<SignedIn>, PageError> {
    let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    match state.app.authenticate(secret).await {
        Ok(principal) if principal.credential_kind == CredentialKind::Session => {
            // A page that only reads opens each kind of record once, however
            // many of its parts ask (`between_app` `memo.rs`).
            let principal = if parts.method == Method::GET || parts.method == Method::HEAD {
                principal.remembering()
            } else {
                principal
            };
            Ok(Some(SignedIn {
                principal,
                csrf: for_session(secret),
            }))
        }
        Ok(_) | Err(AppError::Unauthorized(_)) => Ok(None),
        Err(err) => Err(err.into()),
    }
}

impl FromRequestParts<WebState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        match signed_in(parts, state).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => {
                let path = parts
                    .extensions
                    .get::<OriginalUri>()
                    .map(|u| u.0.path().to_string())
                    .unwrap_or_else(|| parts.uri.path().to_string());
                let target = if parts.method == axum::http::Method::GET
                    && path.starts_with('/')
                    && !path.starts_with("//")
                {
                    format!(
                        "/signin?next={}",
                        form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>()
                    )
                } else {
                    "/signin".to_string()
                };
                let mut response = Redirect::to(&target).into_response();
                if cookie(&parts.headers, SESSION_COOKIE).is_some() {
                    response.headers_mut().insert(
                        header::SET_COOKIE,
                        clear_session_cookie(state.settings.secure_cookies),
                    );
                }
                Err(response)
            }
            Err(err) => Err(err.into_response()),
        }
    }
}

/// A page request that may or may not be signed in.
pub struct MaybeSignedIn(pub Option<SignedIn>);

impl FromRequestParts<WebState> for MaybeSignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        signed_in(parts, state)
            .await
            .map(MaybeSignedIn)
            .map_err(IntoResponse::into_response)
    }
}
