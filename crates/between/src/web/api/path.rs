//! The API's only way to read path parameters: [`ApiPath`]. A path that
//! does not decode (bad percent-encoding, not UTF-8) names nothing that
//! exists, so it answers 404 in the API's error shape, like an id of
//! another account.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use super::{ApiError, ErrorCode};

/// The path's parameters, decoded into `T` (a `String`, or a tuple).
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(_) => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "There is nothing at this address.",
            )),
        }
    }
}
