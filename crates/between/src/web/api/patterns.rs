//! `/api/v1/patterns?since=`: findings and what more data is needed.

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
    let range = q.range(&p, state.app.now(), Some("90d"))?;
    Ok(Json(state.app.patterns(&p, range).await?).into_response())
}
