//! Forms shown before sign-in (sign-in, sign-up, recovery): the body checked
//! like every form, and the double-submit token compared with this
//! browser's cookie. These pages always show a stale form again (with the
//! name typed, never the password), so the form comes marked.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};

use super::body;
use super::csrf::AnonCsrf;
use super::data::FromForm;
use super::signed::Checked;
use super::FormData;
use crate::web::WebState;

/// A form posted before sign-in, with this browser's form token (and the
/// cookie to set when the browser had none).
pub struct AnonForm<T = FormData> {
    pub token: AnonCsrf,
    pub form: Checked<T>,
}

impl<T: FromForm + Send> FromRequest<WebState> for AnonForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let token = AnonCsrf::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = body::read(Request::from_parts(parts, body), state).await?;
        let fresh = token.accepts(form.token());
        let form = T::from_fields(form);
        Ok(AnonForm {
            token,
            form: if fresh {
                Checked::Fresh(form)
            } else {
                Checked::Stale(form)
            },
        })
    }
}
