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

/// What went wrong, as a client reads it in `error.code`; `openapi.json`
/// lists exactly these (a test compares them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Invalid,
    MalformedJson,
    BadBody,
    TooLarge,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    Gone,
    Throttled,
    /// Busy for now (another import runs); try again later (503).
    Busy,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::Invalid,
        ErrorCode::MalformedJson,
        ErrorCode::BadBody,
        ErrorCode::TooLarge,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Conflict,
        ErrorCode::Gone,
        ErrorCode::Throttled,
        ErrorCode::Busy,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Invalid => "invalid",
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::BadBody => "bad_body",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Gone => "gone",
            ErrorCode::Throttled => "throttled",
            ErrorCode::Busy => "busy",
            ErrorCode::Internal => "internal",
        }
    }
}

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    message: String,
    fields: serde_json::Map<String, serde_json::Value>,
}

/// The most characters of one error message.
const MAX_MESSAGE_CHARS: usize = 500;

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> ApiError {
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
            code: ErrorCode::Invalid,
            message: errors.to_string(),
            fields,
        }
    }

    /// A body that is not JSON, or does not fit the expected shape: 400,
    /// naming the field (its JSON path) where it broke.
    pub fn malformed(path: &str, message: &str) -> ApiError {
        let field = between_domain::storable::field_label(path);
        let message = message.trim_end_matches('.');
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::MalformedJson,
            message: format!("The request body is not valid: {field}: {message}."),
            fields: [(field, json!(message))].into_iter().collect(),
        }
    }

    /// Query parameters that cannot be used: 400, naming each parameter.
    pub fn bad_query(errors: ValidationErrors) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            ..ApiError::invalid(errors)
        }
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
                ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, err.to_string())
            }
            AppError::Unauthorized(_) => ApiError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                err.to_string(),
            ),
            AppError::Forbidden(_) => {
                ApiError::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, err.to_string())
            }
            AppError::Throttled { .. } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::Throttled,
                err.to_string(),
            ),
            AppError::Conflict(_) => {
                ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, err.to_string())
            }
            AppError::Gone(_) => ApiError::new(StatusCode::GONE, ErrorCode::Gone, err.to_string()),
            AppError::Store(_) | AppError::Corrupt(_) => {
                tracing::error!(error = %err, "API request failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    "The server could not complete this request.",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({"code": self.code.as_str(), "message": self.message});
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
