//! Helpers on decoded input: applying a merge patch to what it changes,
//! ids from the path, and the query parameters several endpoints share.

use axum::http::StatusCode;
use between_app::Principal;
use between_domain::timespec::{self, TimeRange};
use between_domain::ValidationErrors;
use jiff::Timestamp;
use serde::Deserialize;

use super::body::{decode_value, MergePatch};
use super::{ApiError, ErrorCode};

/// Applies a JSON Merge Patch (RFC 7396) to `current`'s input shape and reads
/// the result back strictly, refusing unknown fields.
pub fn merged<T: serde::Serialize + serde::de::DeserializeOwned>(
    current: &T,
    patch: &MergePatch,
) -> Result<T, ApiError> {
    let mut doc = serde_json::to_value(current).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            e.to_string(),
        )
    })?;
    crate::json::merge_patch(&mut doc, &serde_json::Value::Object(patch.clone()));
    decode_value(&doc)
}

/// An id from the path; a malformed one is simply not found, like another
/// person's id.
pub fn path_id(id: &str, what: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(id)
        .map_err(|_| ApiError::from(between_app::AppError::NotFound(format!("The {what}"))))
}

/// `?since=&until=`: a range of local days or times, or relative spans.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    pub since: Option<String>,
    pub until: Option<String>,
}

impl RangeQuery {
    /// The range, with `default_since` when `since` is not given; a bad end
    /// is a 400 naming that end.
    pub fn range(
        &self,
        p: &Principal,
        now: Timestamp,
        default_since: Option<&str>,
    ) -> Result<TimeRange, ApiError> {
        let tz = &p.user.time_zone;
        let mut errors = ValidationErrors::new();
        let since = self.since.as_deref().or(default_since).and_then(|s| {
            timespec::parse_since(s, tz, now)
                .map_err(|e| errors.add("since", e.to_string()))
                .ok()
        });
        let until = self.until.as_deref().and_then(|u| {
            timespec::parse_until(u, tz, now)
                .map_err(|e| errors.add("until", e.to_string()))
                .ok()
        });
        errors
            .into_result(TimeRange { since, until })
            .map_err(ApiError::bad_query)
    }
}

/// A query parameter's value that the endpoint cannot use: 400 naming it.
pub fn bad_parameter(name: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_query(ValidationErrors::single(name, message))
}

/// An app error about query parameters: invalid ones are a 400 naming them.
pub fn query_error(e: between_app::AppError) -> ApiError {
    match e {
        between_app::AppError::Invalid(errors) => ApiError::bad_query(errors),
        other => other.into(),
    }
}

/// A body's optional time (e.g. `at`) in the person's zone; empty means
/// not given.
pub fn instant(
    field: &str,
    value: Option<&str>,
    p: &Principal,
) -> Result<Option<Timestamp>, ApiError> {
    value
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            timespec::parse_instant(s, &p.user.time_zone)
                .map_err(|e| between_app::AppError::invalid(field, e.to_string()).into())
        })
        .transpose()
}
