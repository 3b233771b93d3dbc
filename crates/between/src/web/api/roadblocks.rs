//! `/api/v1/roadblocks`: signs that therapy may be stuck, with evidence and
//! a conversation starter each.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::{ApiError, ApiPrincipal};
use crate::web::WebState;

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    Ok(Json(json!({ "roadblocks": state.app.roadblocks(&p).await? })).into_response())
}
