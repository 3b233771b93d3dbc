//! Body limits, and the 413 that states the limit that refused a body. A
//! limit is set only with [`BodyLimit`] (the default of the pages and of
//! the API, and per route in the route table): it caps the body and stamps
//! a refused response with its number; [`explain`], outermost, turns every
//! 413 into a message naming that number, as a page or in the API's JSON
//! shape. So the message cannot name another limit than the one applied.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use between_domain::echo;
use tower::{Layer, Service};

use super::api::{ApiError, PREFIX};
use super::errors::PageError;

/// The limit that refused a body, carried on the 413 response.
#[derive(Debug, Clone, Copy)]
struct Applied(usize);

/// Caps request bodies at this many bytes (replacing any outer limit).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl<S> Layer<S> for BodyLimit {
    type Service = Limited<<DefaultBodyLimit as Layer<S>>::Service>;

    fn layer(&self, inner: S) -> Self::Service {
        Limited {
            inner: DefaultBodyLimit::max(self.0).layer(inner),
            bytes: self.0,
        }
    }
}

/// A service whose bodies are capped; see [`BodyLimit`].
#[derive(Debug, Clone)]
pub struct Limited<S> {
    inner: S,
    bytes: usize,
}

impl<S> Service<Request> for Limited<S>
where
    S: Service<Request, Response = Response>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let bytes = self.bytes;
        let response = self.inner.call(request);
        Box::pin(async move {
            let mut response = response.await?;
            // The innermost limit is the one that applied.
            if response.status() == StatusCode::PAYLOAD_TOO_LARGE
                && response.extensions().get::<Applied>().is_none()
            {
                response.extensions_mut().insert(Applied(bytes));
            }
            Ok(response)
        })
    }
}

/// Says which limit refused a body, in the shape of the page or the API.
pub async fn explain(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with(PREFIX);
    let response = next.run(request).await;
    match response.extensions().get::<Applied>() {
        Some(Applied(bytes)) if response.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let limit = echo::size(*bytes as u64);
            if api {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    super::api::ErrorCode::TooLarge,
                    format!(
                        "The request body is larger than {limit}, the most this endpoint accepts."
                    ),
                )
                .into_response()
            } else {
                PageError::TooLarge(format!(
                    "What was sent is larger than {limit}, the most this page accepts. Nothing was saved."
                ))
                .into_response()
            }
        }
        _ => response,
    }
}
