//! A page's query string. Every page request passes [`check_query`] (a
//! layer on the page router), which refuses a parameter holding text no
//! backend may store with a 400 page naming it, whether or not the page
//! reads its query; pages that do read it through [`PageQuery`], which
//! answers a parameter it cannot understand with a 400 page too.

use axum::extract::{FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::body::bad_text;
use super::decode;
use crate::web::errors::PageError;
use crate::web::WebState;

/// Refuses a page request whose query string holds a NUL or invalid UTF-8.
pub async fn check_query(request: Request, next: Next) -> Response {
    let raw = request.uri().query().unwrap_or("");
    if let Err(e) = decode::pairs(raw.as_bytes()) {
        return bad_text(e.to_string());
    }
    next.run(request).await
}

/// The parameters of a page's address (already checked by [`check_query`]).
pub struct PageQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<WebState> for PageQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        match Query::<T>::try_from_uri(&parts.uri) {
            Ok(Query(q)) => Ok(PageQuery(q)),
            Err(e) => Err(PageError::BadRequest(format!(
                "This address has a parameter Between does not understand: {}",
                e.body_text()
            ))
            .into_response()),
        }
    }
}
