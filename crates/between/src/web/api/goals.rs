//! `/api/v1/goals`: create, list (`?due=true` for those due for review),
//! read (with `progress`), merge-patch (wording, status, cadence), delete;
//! `/api/v1/goals/{id}/checkins`: list and record check-ins.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::body::{ApiJson, MergePatch};
use super::input::{instant, merged, path_id};
use super::path::ApiPath;
use super::query::ApiQuery;
use super::{ApiError, ApiPrincipal};
use crate::json::{CheckInInput, CheckInJson, GoalInput, GoalJson};
use crate::web::WebState;

type ApiResult = Result<Response, ApiError>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    due: Option<bool>,
}

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<ListParams>,
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
    ApiJson(input): ApiJson<GoalInput>,
) -> ApiResult {
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
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let v = state.app.goal(&p, path_id(&id, "goal")?).await?;
    Ok(Json(GoalJson::new(&v, &p.user.time_zone)).into_response())
}

pub async fn patch(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(patch): ApiJson<MergePatch>,
) -> ApiResult {
    let id = path_id(&id, "goal")?;
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
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    state.app.delete_goal(&p, path_id(&id, "goal")?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn check_ins(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
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
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<CheckInInput>,
) -> ApiResult {
    let id = path_id(&id, "goal")?;
    let at = instant("at", input.at.as_deref(), &p)?;
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
