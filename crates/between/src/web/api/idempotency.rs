//! `Idempotency-Key` on every API POST, at one layer: the first request
//! with a key (per token and path) claims it, and its successful answer is
//! kept, sealed under a key derived from the token (which the database
//! never holds); a retry with the same key gets that answer back
//! (`Idempotent-Replayed: true`) instead of writing again. A retry while
//! the first still runs is told so (409); a failed first request leaves
//! the key free. Kept 24 hours.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use between_app::crypto;
use between_store::IdempotencyClaim;
use serde::{Deserialize, Serialize};

use super::error::ErrorCode;
use super::ApiError;
use crate::web::WebState;

/// Answers larger than this are not kept (a retry runs again).
const MAX_KEPT: usize = 1024 * 1024;

/// How long an answer is kept, in microseconds.
const KEEP: i64 = 24 * 3600 * 1_000_000;

#[derive(Serialize, Deserialize)]
struct Kept {
    location: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// Checks the header's form: 1 to 200 visible ASCII characters.
pub fn valid(value: &HeaderValue) -> Option<&str> {
    let bytes = value.as_bytes();
    let ok =
        !bytes.is_empty() && bytes.len() <= 200 && bytes.iter().all(|b| (0x21..=0x7e).contains(b));
    ok.then(|| value.to_str().ok()).flatten()
}

fn bad_key() -> Response {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::Invalid,
        "The Idempotency-Key header must be 1 to 200 visible ASCII characters.",
    )
    .into_response()
}

pub async fn replay(State(state): State<WebState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(value) = request.headers().get("idempotency-key") else {
        return next.run(request).await;
    };
    let Some(client_key) = valid(value).map(str::to_string) else {
        return bad_key();
    };
    let Some(token) = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_string())
    else {
        // No token: the request is refused further in; nothing to keep.
        return next.run(request).await;
    };
    let sealing = crypto::derive(token.as_bytes(), "api-idempotency/seal");
    let path = request.uri().path().to_string();
    let row_key: String = crypto::derive(
        crypto::derive(token.as_bytes(), "api-idempotency/key").as_bytes(),
        &format!("{path}|{client_key}"),
    )
    .as_bytes()
    .iter()
    .map(|b| format!("{b:02x}"))
    .collect();
    let store = state.app.store();
    let now = state.app.now_micros();
    let claim = match store.claim_idempotency(&row_key, now, now - KEEP).await {
        Ok(claim) => claim,
        Err(e) => return ApiError::from(between_app::AppError::from(e)).into_response(),
    };
    match claim {
        IdempotencyClaim::Pending => ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            "A request with this Idempotency-Key is still being handled; try again in a moment.",
        )
        .into_response(),
        IdempotencyClaim::Done(status, sealed) => {
            let kept = crypto::open(&sealing, row_key.as_bytes(), &sealed)
                .ok()
                .and_then(|bytes| rmp_serde::from_slice::<Kept>(&bytes).ok());
            match kept {
                Some(kept) => rebuild(status, kept, true),
                None => ApiError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::Conflict,
                    "This Idempotency-Key was used with another token.",
                )
                .into_response(),
            }
        }
        IdempotencyClaim::New => {
            let response = next.run(request).await;
            let status = response.status();
            let release = || async {
                let _ = store.release_idempotency(&row_key, now - KEEP).await;
            };
            if !status.is_success() {
                release().await;
                return response;
            }
            let (parts, body) = response.into_parts();
            let Ok(bytes) = to_bytes(body, MAX_KEPT).await else {
                release().await;
                return ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    "The answer was too large to keep for a retry.",
                )
                .into_response();
            };
            let kept = Kept {
                location: parts
                    .headers
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                content_type: parts
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                body: bytes.to_vec(),
            };
            match rmp_serde::to_vec(&kept) {
                Ok(plain) => {
                    let sealed = crypto::seal(&sealing, row_key.as_bytes(), &plain);
                    if store
                        .finish_idempotency(&row_key, i64::from(status.as_u16()), &sealed)
                        .await
                        .is_err()
                    {
                        release().await;
                    }
                }
                Err(_) => release().await,
            }
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}

fn rebuild(status: i64, kept: Kept, replayed: bool) -> Response {
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = Response::new(Body::from(kept.body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::LOCATION, kept.location),
        (header::CONTENT_TYPE, kept.content_type),
    ] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(name, v);
        }
    }
    if replayed {
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}
