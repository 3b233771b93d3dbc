//! The API's only ways to read a request body: [`ApiJson`] (a JSON object
//! decoded strictly into a type) and [`ApiBody`] (raw bytes, for imports).
//! Both read within the route's size limit and answer every failure in the
//! API's error shape, naming the field where it can.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::json_value::{self, BodyError};
use super::strict::{self, Source};
use super::{ApiError, ErrorCode};
use crate::web::WebState;

/// A JSON object body decoded into `T`: text checked by the storable rule,
/// objects required where `T` has structs, `28.0` read as an integer,
/// unknown fields refused (the input types deny them).
pub struct ApiJson<T>(pub T);

/// A JSON Merge Patch (RFC 7396): an object whose keys replace, and whose
/// `null`s remove, the fields of what it changes.
pub type MergePatch = serde_json::Map<String, Value>;

/// The raw body, within the route's limit (an archive or a file to import).
pub struct ApiBody(pub Bytes);

async fn bytes(req: Request, state: &WebState) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::TooLarge,
                format!(
                    "The request body is larger than this endpoint accepts ({} KiB; {} MiB for /import).",
                    super::BODY_LIMIT / 1024,
                    super::IMPORT_LIMIT / (1024 * 1024)
                ),
            )
        } else {
            ApiError::new(rejection.status(), ErrorCode::BadBody, rejection.body_text())
        }
    })
}

/// Decodes a JSON body into `T` by the rules of [`ApiJson`].
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value = json_value::parse(body).map_err(|e| match e {
        BodyError::Unstorable(errors) => ApiError::invalid(errors),
        BodyError::Malformed { path, message } => ApiError::malformed(&path, &message),
    })?;
    if !value.is_object() {
        return Err(ApiError::malformed(
            "body",
            "the body must be a JSON object ({…}), not an array or a single value",
        ));
    }
    decode_value(&value)
}

/// Reads an already checked JSON value (e.g. a merge patch applied to what
/// it changes) into `T`, strictly.
pub fn decode_value<T: DeserializeOwned>(value: &Value) -> Result<T, ApiError> {
    strict::from_value(value, Source::Json)
        .map_err(|e| ApiError::malformed(&json_value::field_name(&e.path), &e.message))
}

impl<T: DeserializeOwned> FromRequest<WebState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let body = bytes(req, state).await?;
        decode(&body).map(ApiJson)
    }
}

impl FromRequest<WebState> for ApiBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        bytes(req, state).await.map(ApiBody)
    }
}
