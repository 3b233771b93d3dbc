//! Reading request input: bodies within the size limit, and query
//! parameters where empty means absent.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;

use super::ApiError;

/// The body, or a clear error. A body over the limit answers 413, whose
/// message `body_limit::explain` states with the limit that applied.
pub fn body_or_error(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "The request body is too large.",
            )
        } else {
            ApiError::new(rejection.status(), "bad_body", rejection.body_text())
        }
    })
}

/// An empty query parameter (`?since=`) means the parameter is absent.
pub fn given(p: &Option<String>) -> Option<&str> {
    p.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A JSON body decoded into `T`, or a clear error.
pub fn json_body<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let body = body_or_error(body)?;
    serde_json::from_slice(&body).map_err(|e| ApiError::bad_json(&e))
}

/// A JSON Merge Patch body (an object), or a clear error.
pub fn patch_body(body: Result<Bytes, BytesRejection>) -> Result<serde_json::Value, ApiError> {
    let patch: serde_json::Value = json_body(body)?;
    if !patch.is_object() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "A merge patch must be a JSON object.",
        ));
    }
    Ok(patch)
}

/// Applies a JSON Merge Patch (RFC 7396) to `current`'s input shape and reads
/// the result back, refusing unknown fields.
pub fn merged<T: serde::Serialize + serde::de::DeserializeOwned>(
    current: &T,
    patch: &serde_json::Value,
) -> Result<T, ApiError> {
    let mut doc = serde_json::to_value(current)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    crate::json::merge_patch(&mut doc, patch);
    serde_json::from_value(doc).map_err(|e| ApiError::bad_json(&e))
}

/// An id from the path; a malformed one is simply not found, like another
/// person's id.
pub fn path_id(id: &str, what: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(id)
        .map_err(|_| ApiError::from(between_app::AppError::NotFound(format!("The {what}"))))
}
