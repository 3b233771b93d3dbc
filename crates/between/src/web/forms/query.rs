//! A page's query string, read by one extractor: every parameter is checked
//! by the one rule for storable text (a 400 page names the one that is
//! not), then deserialized into the page's parameters.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::body::bad_text;
use super::decode;
use crate::web::errors::PageError;
use crate::web::WebState;

/// The parameters of a page's address.
pub struct PageQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<WebState> for PageQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        decode::pairs(raw.as_bytes()).map_err(|e| bad_text(e.to_string()))?;
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
