//! The JSON API under `/api/v1`: bearer-token authentication, one error
//! shape (`{"error":{"code","message","fields"}}`), and the OpenAPI
//! document that describes it.

mod agenda;
mod appointments;
mod archive;
mod entries;
mod error;
mod feedback;
mod goals;
mod input;
mod insights;
mod measures;
mod patterns;
mod practices;
mod questions;
mod reviews;
mod roadblocks;
mod shares;
mod trackers;
mod trend;
mod wins;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use between_app::{AppError, Principal};

pub use archive::IMPORT_LIMIT;
pub use error::ApiError;

use super::WebState;

/// Largest accepted JSON body.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub const OPENAPI: &str = include_str!("../../../openapi.json");

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/entries", get(entries::list).post(entries::create))
        .route("/entries/search", get(entries::search))
        .route(
            "/entries/{id}",
            get(entries::show)
                .patch(entries::patch)
                .delete(entries::delete),
        )
        .route("/entries/{id}/restore", post(entries::restore))
        .route(
            "/appointments",
            get(appointments::list).post(appointments::create),
        )
        .route(
            "/appointments/{id}/feedback",
            get(feedback::show).put(feedback::put).post(feedback::put),
        )
        .route("/feedback", get(feedback::list))
        .route("/goals", get(goals::list).post(goals::create))
        .route(
            "/goals/{id}",
            get(goals::show).patch(goals::patch).delete(goals::delete),
        )
        .route(
            "/goals/{id}/checkins",
            get(goals::check_ins).post(goals::check_in),
        )
        .route("/measures", get(measures::list).post(measures::create))
        .route("/trend", get(trend::get))
        .route("/patterns", get(patterns::get))
        .route("/wins", get(wins::list))
        .route("/roadblocks", get(roadblocks::list))
        .route("/agenda", get(agenda::get).post(agenda::edit))
        .route("/agenda/changes", get(agenda::changes))
        .route("/shares", get(shares::list))
        .route("/shares/invites", post(shares::invite))
        .route("/shares/accept", post(shares::accept))
        .route(
            "/shares/{id}",
            axum::routing::patch(shares::patch).delete(shares::end),
        )
        .route("/clients", get(shares::clients))
        .route("/clients/{id}/{kind}", get(shares::client_data))
        .route("/access-log", get(shares::access_log))
        .route("/review", get(reviews::get))
        .route("/reviews", get(reviews::list).post(reviews::save))
        .route("/reviews/{id}", get(reviews::show).delete(reviews::delete))
        .route("/trackers", get(trackers::list).post(trackers::create))
        .route(
            "/trackers/{id}",
            get(trackers::show)
                .patch(trackers::patch)
                .delete(trackers::delete),
        )
        .route("/trackers/{id}/readings", get(trackers::readings))
        .route(
            "/checkins",
            get(trackers::check_in_show).post(trackers::check_in),
        )
        .route("/practices", get(practices::list).post(practices::create))
        .route("/practices/today", get(practices::today_list))
        .route(
            "/practices/{id}",
            get(practices::show)
                .patch(practices::patch)
                .delete(practices::delete),
        )
        .route(
            "/practices/{id}/logs",
            get(practices::logs).post(practices::log),
        )
        .route(
            "/practices/{id}/logs/{log_id}",
            axum::routing::delete(practices::unlog),
        )
        .route("/questions", get(questions::list).post(questions::create))
        .route(
            "/questions/{id}",
            get(questions::show)
                .patch(questions::patch)
                .delete(questions::delete),
        )
        .route("/insights", get(insights::list).post(insights::create))
        .route(
            "/insights/{id}",
            get(insights::show)
                .patch(insights::patch)
                .delete(insights::delete),
        )
        .route(
            "/appointments/{id}",
            get(appointments::show)
                .patch(appointments::patch)
                .delete(appointments::delete),
        )
        .route("/export", get(archive::export))
        .route(
            "/import",
            post(archive::import)
                .layer(axum::extract::DefaultBodyLimit::max(archive::IMPORT_LIMIT)),
        )
        .fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "not_found",
                "There is no such API endpoint.",
            )
        })
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

/// The account behind `Authorization: Bearer TOKEN`.
pub struct ApiPrincipal(pub Principal);

impl FromRequestParts<WebState> for ApiPrincipal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                AppError::Unauthorized(
                    "Send a token in the Authorization header: `Authorization: Bearer TOKEN`."
                        .into(),
                )
            })?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                AppError::Unauthorized("The Authorization header must be `Bearer TOKEN`.".into())
            })?;
        Ok(ApiPrincipal(state.app.authenticate(token).await?))
    }
}
