//! `/api/v1/trend?since=`: daily mood, the smoothed trend and its sentence.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::input::RangeQuery;
use super::query::ApiQuery;
use super::{ApiError, ApiPrincipal};
use crate::web::WebState;

pub async fn get(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response, ApiError> {
    let range = q.range(&p, state.app.now(), None)?;
    Ok(Json(state.app.mood_trend(&p, range).await?).into_response())
}
