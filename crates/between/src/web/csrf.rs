//! Cross-site request forgery protection for every form. Signed-in forms
//! carry a token derived from the session secret (nothing to store);
//! sign-in and sign-up forms use a random token in a cookie, submitted back
//! in the form (double submit). SameSite=Strict cookies are a second wall.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderValue;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use between_app::crypto;

use super::auth::{cookie, csrf_cookie, SignedIn};
use super::errors::PageError;
use super::forms::FormData;
use super::WebState;

pub const ANON_COOKIE: &str = "between_csrf";
pub const FIELD: &str = "csrf";

/// The form token of a session.
pub fn for_session(session_secret: &str) -> String {
    URL_SAFE_NO_PAD.encode(crypto::derive(session_secret.as_bytes(), "csrf").as_bytes())
}

/// Compares in time independent of where the strings differ.
pub fn matches(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Refuses a signed-in form whose token does not belong to its session.
pub fn require(s: &SignedIn, form: &FormData) -> Result<(), PageError> {
    if matches(&s.csrf, form.get(FIELD)) {
        Ok(())
    } else {
        Err(PageError::BadRequest(
            "This button was on a page that was open for a long time or came from elsewhere, so nothing was done. Go back, reload the page and try again."
                .into(),
        ))
    }
}

/// The token for forms shown before sign-in; sets the cookie when new.
pub struct AnonCsrf {
    pub token: String,
    pub set_cookie: Option<HeaderValue>,
}

impl FromRequestParts<WebState> for AnonCsrf {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        match cookie(&parts.headers, ANON_COOKIE).filter(|t| t.len() >= 20 && t.len() <= 100) {
            Some(token) => Ok(AnonCsrf {
                token: token.to_string(),
                set_cookie: None,
            }),
            None => {
                let token = crypto::new_secret();
                let set_cookie = Some(csrf_cookie(&token, state.settings.secure_cookies));
                Ok(AnonCsrf { token, set_cookie })
            }
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
}
