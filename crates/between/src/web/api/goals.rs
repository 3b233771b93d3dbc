//! `/api/v1/goals`: create, list (`?due=true` for those due for review),
//! read (with `progress`), merge-patch (wording, status, cadence), delete;
//! `/api/v1/goals/{id}/checkins`: list and record check-ins.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::AppError;
use between_domain::timespec;
use serde::Deserialize;
use serde_json::json;

use super::input::{given, json_body, merged, patch_body, path_id};
use super::{ApiError, ApiPrincipal};
use crate::json::{CheckInInput, CheckInJson, GoalInput, GoalJson};
use crate::web::WebState;

type ApiResult = Result<Response, ApiError>;

#[derive(Deserialize)]
pub struct ListParams {
    due: Option<bool>,
}

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Query(q): Query<ListParams>,
) -> ApiResult {
    let goals = if q.due.unwrap_or(false) {
        state.app.goals_due_for_review(&p).await?
    } else {
        state.app.goals(&p).await?
    };
    let list: Vec<GoalJson> = goals
        .iter()
        .map(|g| GoalJson::new(g, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "goals": list })).into_response())
}

pub async fn create(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let input: GoalInput = json_body(body)?;
    let v = state
        .app
        .add_goal(&p, input.parse().map_err(ApiError::invalid)?)
        .await?;
    let location = format!("/api/v1/goals/{}", v.goal.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(GoalJson::new(&v, &p.user.time_zone)),
    )
        .into_response())
}

pub async fn show(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> ApiResult {
    let v = state.app.goal(&p, path_id(&id, "goal")?).await?;
    Ok(Json(GoalJson::new(&v, &p.user.time_zone)).into_response())
}

pub async fn patch(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let id = path_id(&id, "goal")?;
    let patch = patch_body(body)?;
    let current = state.app.goal(&p, id).await?;
    let input: GoalInput = merged(&GoalInput::from_goal(&current.goal.data), &patch)?;
    let v = state
        .app
        .update_goal(&p, id, input.parse().map_err(ApiError::invalid)?)
        .await?;
    Ok(Json(GoalJson::new(&v, &p.user.time_zone)).into_response())
}

pub async fn delete(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> ApiResult {
    state.app.delete_goal(&p, path_id(&id, "goal")?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn check_ins(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> ApiResult {
    let v = state.app.goal(&p, path_id(&id, "goal")?).await?;
    let list: Vec<CheckInJson> = v
        .check_ins
        .iter()
        .map(|c| CheckInJson::new(c, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "check_ins": list })).into_response())
}

pub async fn check_in(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let id = path_id(&id, "goal")?;
    let input: CheckInInput = json_body(body)?;
    let at = given(&input.at)
        .map(|a| {
            timespec::parse_instant(a, &p.user.time_zone)
                .map_err(|e| AppError::invalid("at", e.to_string()))
        })
        .transpose()?;
    let v = state
        .app
        .check_in(&p, id, input.check_in().map_err(ApiError::invalid)?, at)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(GoalJson::new(&v, &p.user.time_zone)),
    )
        .into_response())
}
