//! Forms posted by a signed-in person: session, body, storable text and the
//! form token in one extractor. [`SignedForm`] refuses a wrong token;
//! [`SignedFormOrStale`] and [`MaybeSignedForm`] hand the form back marked
//! [`Checked::Stale`] (or signed out) so a page can show the person's input
//! again, and the type makes the handler decide what to do with it.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};

use super::body;
use super::csrf::matches;
use super::data::FromForm;
use super::FormData;
use crate::web::auth::{MaybeSignedIn, SignedIn};
use crate::web::errors::PageError;
use crate::web::WebState;

/// What a page answers to a button whose token is wrong or missing.
const STALE: &str = "This button was on a page that was open for a long time or came from elsewhere, so nothing was done. Go back, reload the page and try again.";

/// A form whose token matched (`Fresh`) or did not (`Stale`): a stale form
/// must change nothing, but what was typed can be shown again.
#[derive(Debug)]
pub enum Checked<T> {
    Fresh(T),
    Stale(T),
}

/// A signed-in person's form with the right token. Without a session the
/// request is sent to sign in; with a wrong token it gets a 400 page.
pub struct SignedForm<T = FormData> {
    pub s: SignedIn,
    pub form: T,
}

/// A signed-in person's form, its token checked but not yet judged: the
/// handler shows a stale form again rather than losing it.
pub struct SignedFormOrStale<T = FormData> {
    pub s: SignedIn,
    pub form: Checked<T>,
}

/// A form that may arrive after the session ended (a long journal entry):
/// signed out, the form is kept to be carried through signing in.
pub enum MaybeSignedForm<T = FormData> {
    SignedIn(Box<SignedFormOrStale<T>>),
    SignedOut(T),
}

/// Splits a request into its session (or the response refusing it) and
/// its checked body.
async fn signed<T: FromForm>(
    request: Request,
    state: &WebState,
) -> Result<(SignedIn, Checked<T>), Response> {
    let (mut parts, body) = request.into_parts();
    let s = SignedIn::from_request_parts(&mut parts, state).await?;
    let form = body::read(Request::from_parts(parts, body), state).await?;
    let form = checked(&s, form);
    Ok((s, form))
}

fn checked<T: FromForm>(s: &SignedIn, form: FormData) -> Checked<T> {
    if matches(&s.csrf, form.token()) {
        Checked::Fresh(T::from_fields(form))
    } else {
        Checked::Stale(T::from_fields(form))
    }
}

impl<T: FromForm + Send> FromRequest<WebState> for SignedForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        match signed(request, state).await? {
            (s, Checked::Fresh(form)) => Ok(SignedForm { s, form }),
            (_, Checked::Stale(_)) => Err(PageError::BadRequest(STALE.into()).into_response()),
        }
    }
}

impl<T: FromForm + Send> FromRequest<WebState> for SignedFormOrStale<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let (s, form) = signed(request, state).await?;
        Ok(SignedFormOrStale { s, form })
    }
}

impl<T: FromForm + Send> FromRequest<WebState> for MaybeSignedForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let MaybeSignedIn(s) = MaybeSignedIn::from_request_parts(&mut parts, state).await?;
        let form = body::read(Request::from_parts(parts, body), state).await?;
        Ok(match s {
            Some(s) => {
                let form = checked(&s, form);
                MaybeSignedForm::SignedIn(Box::new(SignedFormOrStale { s, form }))
            }
            None => MaybeSignedForm::SignedOut(T::from_fields(form)),
        })
    }
}
