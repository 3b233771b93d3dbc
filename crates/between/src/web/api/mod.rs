//! The JSON API under `/api/v1`: bearer-token authentication, one error
//! shape (`{"error":{"code","message","fields"}}`), and the OpenAPI
//! document that describes it.

mod agenda;
mod appointments;
mod archive;
mod assignments;
mod body;
mod entries;
mod error;
mod feedback;
mod goals;
pub(crate) mod idempotency;
mod input;
mod insights;
mod json_value;
mod measure_requests;
mod measure_schedules;
mod measures;
mod path;
mod patterns;
mod practices;
mod private_links;
mod query;

mod questions;
mod reminders;
mod reviews;
mod roadblocks;
mod shares;
mod strict;
mod trackers;
mod trend;
mod warning_signs;
mod wins;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use between_app::{AppError, Principal};
use between_store::CredentialKind;

pub use archive::IMPORT_LIMIT;
pub use error::{ApiError, ErrorCode};

use super::route_table::{delete, get, patch, post, put, Route};
use super::WebState;

/// Largest accepted JSON body.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub const OPENAPI: &str = include_str!("../../../openapi.json");

/// Where the API lives.
pub const PREFIX: &str = "/api/v1";

/// Every API endpoint, relative to [`PREFIX`].
pub fn table() -> Vec<Route> {
    vec![
        get("/openapi.json", openapi),
        get("/entries", entries::list),
        post("/entries", entries::create),
        get("/entries/search", entries::search),
        get("/entries/{id}", entries::show),
        patch("/entries/{id}", entries::patch),
        delete("/entries/{id}", entries::delete),
        post("/entries/{id}/restore", entries::restore),
        get("/entries/{id}/excerpt", entries::excerpt),
        post("/entries/{id}/excerpt", entries::share_excerpt),
        delete("/entries/{id}/excerpt", entries::delete_excerpt),
        get("/appointments", appointments::list),
        post("/appointments", appointments::create),
        get("/appointments/{id}/feedback", feedback::show),
        put("/appointments/{id}/feedback", feedback::put),
        post("/appointments/{id}/feedback", feedback::put),
        get("/feedback", feedback::list),
        get("/goals", goals::list),
        post("/goals", goals::create),
        get("/goals/{id}", goals::show),
        patch("/goals/{id}", goals::patch),
        delete("/goals/{id}", goals::delete),
        get("/goals/{id}/checkins", goals::check_ins),
        post("/goals/{id}/checkins", goals::check_in),
        get("/measures", measures::list),
        post("/measures", measures::create),
        get("/measure-schedules", measure_schedules::list),
        put("/measure-schedules/{instrument}", measure_schedules::put),
        get("/trend", trend::get),
        get("/patterns", patterns::get),
        get("/wins", wins::list),
        get("/roadblocks", roadblocks::list),
        get("/agenda", agenda::get),
        post("/agenda", agenda::edit),
        get("/agenda/changes", agenda::changes),
        get("/shares", shares::list),
        post("/shares/invites", shares::invite),
        post("/shares/accept", shares::accept),
        patch("/shares/{id}", shares::patch),
        delete("/shares/{id}", shares::end),
        get("/shares/{id}/preview", shares::preview),
        get("/clients", shares::clients),
        get("/clients/{id}", shares::client),
        get("/clients/{id}/{kind}", shares::client_data),
        post("/clients/{id}/agenda/notes", shares::add_agenda_note),
        get("/clients/{id}/assignments", assignments::for_client),
        post("/clients/{id}/assignments", assignments::assign),
        get("/assignments", assignments::list),
        post("/assignments/{id}", assignments::answer),
        get(
            "/clients/{id}/measure-requests",
            measure_requests::for_client,
        ),
        post("/clients/{id}/measure-requests", measure_requests::create),
        get("/measure-requests", measure_requests::list),
        get("/warning-signs", warning_signs::list),
        post("/warning-signs", warning_signs::create),
        get("/warning-signs/{id}", warning_signs::show),
        delete("/warning-signs/{id}", warning_signs::delete),
        post("/measure-requests/{id}", measure_requests::answer),
        get("/access-log", shares::access_log),
        get("/security-log", shares::security_log),
        get("/private-links", private_links::list),
        post("/private-links", private_links::create),
        delete("/private-links/{id}", private_links::revoke),
        get("/review", reviews::get),
        get("/reviews", reviews::list),
        post("/reviews", reviews::save),
        get("/reviews/{id}", reviews::show),
        delete("/reviews/{id}", reviews::delete),
        get("/trackers", trackers::list),
        post("/trackers", trackers::create),
        get("/trackers/{id}", trackers::show),
        patch("/trackers/{id}", trackers::patch),
        delete("/trackers/{id}", trackers::delete),
        get("/trackers/{id}/readings", trackers::readings),
        get("/checkins", trackers::check_in_show),
        post("/checkins", trackers::check_in),
        get("/practices", practices::list),
        post("/practices", practices::create),
        get("/practices/today", practices::today_list),
        get("/practices/{id}", practices::show),
        patch("/practices/{id}", practices::patch),
        delete("/practices/{id}", practices::delete),
        get("/practices/{id}/logs", practices::logs),
        post("/practices/{id}/logs", practices::log),
        delete("/practices/{id}/logs/{log_id}", practices::unlog),
        get("/questions", questions::list),
        post("/questions", questions::create),
        get("/questions/{id}", questions::show),
        patch("/questions/{id}", questions::patch),
        delete("/questions/{id}", questions::delete),
        get("/reminders", reminders::list),
        post("/reminders", reminders::create),
        get("/reminders/{id}", reminders::show),
        patch("/reminders/{id}", reminders::patch),
        delete("/reminders/{id}", reminders::delete),
        get("/reminder-channels", reminders::channels),
        post("/reminder-channels", reminders::add_channel),
        delete("/reminder-channels/{id}", reminders::delete_channel),
        get("/insights", insights::list),
        post("/insights", insights::create),
        get("/insights/{id}", insights::show),
        patch("/insights/{id}", insights::patch),
        delete("/insights/{id}", insights::delete),
        get("/appointments/{id}", appointments::show),
        patch("/appointments/{id}", appointments::patch),
        delete("/appointments/{id}", appointments::delete),
        get("/export", archive::export),
        post("/import", archive::import).body_limit(archive::IMPORT_LIMIT),
    ]
}

/// Unknown API paths answer in the API's error shape, not with a page.
pub async fn not_found() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "There is no such API endpoint.",
    )
}

/// A method a known path does not answer, in the API's error shape.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "This API endpoint does not answer that method.",
    )
}

/// Every API request's query string, also on endpoints that take no
/// parameters, is held to the storable-text rule before any handler runs.
pub async fn storable_query(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if let Some(q) = request.uri().query() {
        if let Err(errors) = query::parameters(q) {
            return ApiError::bad_query(errors).into_response();
        }
    }
    next.run(request).await
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

/// The account behind `Authorization: Bearer TOKEN`, with a credential
/// that may read: a write-only token is refused here (403) before any
/// input is read; only [`ApiWriter`] accepts it.
pub struct ApiPrincipal(pub Principal);

/// The account behind a token that may add journal entries: read-write or
/// write-only (the one endpoint that takes it: `POST /entries`).
pub struct ApiWriter(pub Principal);

/// The optional `Idempotency-Key` header of `POST /entries`: a write-only
/// token that sends the same key twice adds one entry (a phone shortcut
/// retrying on a bad connection). 1 to 200 visible ASCII characters.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        let bytes = value.as_bytes();
        if bytes.is_empty() || bytes.len() > 200 || !bytes.iter().all(|b| (0x21..=0x7e).contains(b))
        {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                error::ErrorCode::Invalid,
                "The Idempotency-Key header must be 1 to 200 visible ASCII characters.",
            ));
        }
        Ok(IdempotencyKey(Some(
            String::from_utf8_lossy(bytes).into_owned(),
        )))
    }
}

/// A calendar feed's secret opens only `/ical/{secret}.ics`: the API
/// treats it as no credential at all (401).
async fn bearer(parts: &Parts, state: &WebState) -> Result<Principal, ApiError> {
    let header = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            AppError::Unauthorized(
                "Send a token in the Authorization header: `Authorization: Bearer TOKEN`.".into(),
            )
        })?;
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            AppError::Unauthorized("The Authorization header must be `Bearer TOKEN`.".into())
        })?;
    let p = state.app.authenticate(token).await?;
    if p.credential_kind == CredentialKind::Calendar {
        return Err(AppError::Unauthorized(
            "A calendar feed's link opens only the calendar, not the API.".into(),
        )
        .into());
    }
    Ok(p)
}

impl FromRequestParts<WebState> for ApiPrincipal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let p = bearer(parts, state).await?;
        p.require_read()?;
        Ok(ApiPrincipal(p))
    }
}

impl FromRequestParts<WebState> for ApiWriter {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let p = bearer(parts, state).await?;
        p.require_write()?;
        Ok(ApiWriter(p))
    }
}
