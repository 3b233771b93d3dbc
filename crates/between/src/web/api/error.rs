//! The API's one error shape, with the HTTP status that fits each failure.
//! Another user's ids are 404, never 403, so ids reveal nothing. Messages
//! are cut to a fixed length (validation errors are bounded by their own
//! type), so no input makes a large error.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::AppError;
use between_domain::ValidationErrors;
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    fields: serde_json::Map<String, serde_json::Value>,
}

/// The most characters of one error message.
const MAX_MESSAGE_CHARS: usize = 500;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: between_domain::echo::cut(&message.into(), MAX_MESSAGE_CHARS),
            fields: Default::default(),
        }
    }

    pub fn invalid(errors: ValidationErrors) -> ApiError {
        let fields = errors
            .fields()
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid",
            message: errors.to_string(),
            fields,
        }
    }

    pub fn bad_json(err: &serde_json::Error) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("The request body is not valid: {err}."),
        )
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        ApiError::invalid(errors)
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Invalid(errors) => ApiError::invalid(errors),
            AppError::NotFound(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", err.to_string())
            }
            AppError::Unauthorized(_) => {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", err.to_string())
            }
            AppError::Forbidden(_) => {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", err.to_string())
            }
            AppError::Throttled { .. } => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "throttled", err.to_string())
            }
            AppError::Conflict(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", err.to_string())
            }
            AppError::Gone(_) => ApiError::new(StatusCode::GONE, "gone", err.to_string()),
            AppError::Store(_) | AppError::Corrupt(_) => {
                tracing::error!(error = %err, "API request failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "The server could not complete this request.",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({"code": self.code, "message": self.message});
        if !self.fields.is_empty() {
            error["fields"] = serde_json::Value::Object(self.fields);
        }
        let mut response = (self.status, Json(json!({ "error": error }))).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("60"),
            );
        }
        response
    }
}
