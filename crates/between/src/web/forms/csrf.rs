//! Cross-site request forgery tokens. Signed-in forms carry a token derived
//! from the session secret (nothing to store); sign-in and sign-up forms use
//! a token in a cookie, submitted back in the form (double submit), which
//! must be one this server handed out (`App::new_form_token`), so a cookie
//! set by a sibling subdomain is not accepted. SameSite=Strict cookies are
//! a second wall. Comparing tokens is private to the form extractors.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderValue;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use between_app::crypto;

use crate::web::auth::{cookie, csrf_cookie};
use crate::web::errors::PageError;
use crate::web::WebState;

pub const ANON_COOKIE: &str = "between_csrf";
/// The form field that carries the token.
pub(super) const FIELD: &str = "csrf";

/// The form token of a session.
pub fn for_session(session_secret: &str) -> String {
    URL_SAFE_NO_PAD.encode(crypto::derive(session_secret.as_bytes(), "csrf").as_bytes())
}

/// Compares in time independent of where the strings differ.
pub(super) fn matches(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token for forms shown before sign-in; sets the cookie when new.
pub struct AnonCsrf {
    pub token: String,
    pub set_cookie: Option<HeaderValue>,
}

impl AnonCsrf {
    /// A new token and the cookie that carries it.
    pub async fn fresh(state: &WebState) -> Result<AnonCsrf, PageError> {
        let token = state.app.new_form_token().await?;
        let set_cookie = Some(csrf_cookie(&token, state.settings.secure_cookies));
        Ok(AnonCsrf { token, set_cookie })
    }

    /// Whether a form came back with the token of this browser's cookie
    /// (a cookie made just now means the form could not have).
    pub(super) fn accepts(&self, given: &str) -> bool {
        self.set_cookie.is_none() && matches(&self.token, given)
    }
}

impl FromRequestParts<WebState> for AnonCsrf {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        match cookie(&parts.headers, ANON_COOKIE) {
            Some(token) if state.app.is_own_form_token(token).await? => Ok(AnonCsrf {
                token: token.to_string(),
                set_cookie: None,
            }),
            _ => AnonCsrf::fresh(state).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_only_exactly() {
        let t = for_session("secret-1");
        assert!(matches(&t, &t.clone()));
        assert!(!matches(&t, &for_session("secret-2")));
        assert!(!matches(&t, ""));
        assert!(!matches("", ""));
    }

    #[test]
    fn a_cookie_made_just_now_accepts_no_form() {
        let new = AnonCsrf {
            token: crypto::new_secret(),
            set_cookie: Some(csrf_cookie("x", false)),
        };
        assert!(!new.accepts(&new.token));
        let kept = AnonCsrf {
            token: new.token.clone(),
            set_cookie: None,
        };
        assert!(kept.accepts(&new.token));
        assert!(!kept.accepts("another"));
    }
}
