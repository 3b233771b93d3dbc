//! `/api/v1/agenda`: the drafted agenda for the next appointment.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::{ApiError, ApiPrincipal};
use crate::json::agenda_json;
use crate::web::WebState;

pub async fn get(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let draft = state.app.draft_agenda(&p).await?;
    Ok(Json(agenda_json(&draft, &p.user.time_zone)).into_response())
}
