//! `/api/v1/appointments/{id}/feedback` (one per attended session, PUT
//! replaces) and `/api/v1/feedback` (all, with low/falling flags).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::AppError;
use serde_json::json;

use super::body::ApiJson;
use super::input::path_id;
use super::path::ApiPath;
use super::{ApiError, ApiPrincipal};
use crate::json::{FeedbackInput, FeedbackJson};
use crate::web::WebState;

type ApiResult = Result<Response, ApiError>;

pub async fn show(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let id = path_id(&id, "appointment")?;
    state.app.appointment(&p, id).await?;
    let rated = state
        .app
        .feedback_for(&p, id)
        .await?
        .ok_or_else(|| AppError::NotFound("Feedback on this appointment".into()))?;
    Ok(Json(FeedbackJson::new(&rated, &p.user.time_zone)).into_response())
}

pub async fn put(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<FeedbackInput>,
) -> ApiResult {
    let id = path_id(&id, "appointment")?;
    let fb = input.parse().map_err(ApiError::invalid)?;
    let rated = state.app.set_feedback(&p, id, fb).await?;
    Ok(Json(FeedbackJson::new(&rated, &p.user.time_zone)).into_response())
}

pub async fn list(State(state): State<WebState>, ApiPrincipal(p): ApiPrincipal) -> ApiResult {
    let all: Vec<FeedbackJson> = state
        .app
        .all_feedback(&p)
        .await?
        .iter()
        .map(|r| FeedbackJson::new(r, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "feedback": all })).into_response())
}
