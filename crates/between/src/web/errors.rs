//! Error pages: people see what went wrong in plain words; details of system
//! failures go to the log, never to the page. A message is cut to a fixed
//! length, so no input makes a large page.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use between_app::AppError;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

#[derive(Debug)]
pub enum PageError {
    NotFound,
    BadRequest(String),
    /// A body over the limit (413; `body_limit::explain` states the limit).
    TooLarge(String),
    /// Busy for now, e.g. another import running (503).
    Unavailable(String),
    /// Refused as asked, e.g. a form sent from another site (403).
    Forbidden(String),
    Internal(String),
}

/// The most characters of a message on an error page.
const MAX_MESSAGE_CHARS: usize = 2_000;

impl From<AppError> for PageError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::NotFound(_) | AppError::Forbidden(_) => PageError::NotFound,
            AppError::Store(_) | AppError::Corrupt(_) => PageError::Internal(err.to_string()),
            other => PageError::BadRequest(other.to_string()),
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(err: askama::Error) -> Self {
        PageError::Internal(format!("template: {err}"))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing here. It may have been deleted, or the link is wrong."
                    .to_string(),
            ),
            PageError::BadRequest(message) => (
                StatusCode::BAD_REQUEST,
                "That did not work",
                between_domain::echo::cut(message, MAX_MESSAGE_CHARS),
            ),
            PageError::TooLarge(message) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "Too large", message.clone())
            }
            PageError::Unavailable(message) => {
                (StatusCode::SERVICE_UNAVAILABLE, "Busy", message.clone())
            }
            PageError::Forbidden(message) => (StatusCode::FORBIDDEN, "Not done", message.clone()),
            PageError::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Between could not complete this. Nothing you wrote was lost; please try again.".to_string(),
                )
            }
        };
        let page = ErrorPage {
            title,
            message: &message,
        };
        let body = page.render().unwrap_or_else(|_| message.clone());
        let mut response = (status, Html(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("60"),
            );
        }
        response
    }
}

pub type PageResult<T = Response> = Result<T, PageError>;

/// Renders a template into an HTML response.
pub fn render(t: &impl Template) -> PageResult {
    Ok(Html(t.render()?).into_response())
}
