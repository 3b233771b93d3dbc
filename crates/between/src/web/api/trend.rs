//! `/api/v1/trend?since=`: daily mood, the smoothed trend and its sentence.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::AppError;
use between_domain::timespec;
use serde::Deserialize;

use super::input::given;
use super::{ApiError, ApiPrincipal};
use crate::web::WebState;

#[derive(Deserialize)]
pub struct Params {
    since: Option<String>,
    until: Option<String>,
}

pub async fn get(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Query(q): Query<Params>,
) -> Result<Response, ApiError> {
    let range = timespec::parse_range(
        given(&q.since),
        given(&q.until),
        &p.user.time_zone,
        state.app.now(),
    )
    .map_err(|e| AppError::invalid("since", e.to_string()))?;
    Ok(Json(state.app.mood_trend(&p, range).await?).into_response())
}
