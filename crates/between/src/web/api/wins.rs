//! `/api/v1/wins`: milestones reached, oldest first.

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
    Ok(Json(json!({ "wins": state.app.wins(&p).await? })).into_response())
}
