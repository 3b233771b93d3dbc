//! `/api/v1/appointments`: list, create (single or repeating), read,
//! merge-patch (one, or with `?series=true` the rest of its series) and
//! delete appointments.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::AppError;
use between_domain::appointment::Appointment;
use serde::Deserialize;
use serde_json::json;

use super::body::{ApiJson, MergePatch};
use super::input::{merged, path_id};
use super::path::ApiPath;
use super::query::ApiQuery;
use super::{ApiError, ApiPrincipal};
use crate::json::{AppointmentInput, AppointmentJson};
use crate::web::WebState;

type ApiResult = Result<Response, ApiError>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    upcoming: Option<bool>,
    past: Option<bool>,
}

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult {
    let now = state.app.now();
    let all: Vec<AppointmentJson> = state
        .app
        .appointments(&p)
        .await?
        .iter()
        .filter(|a: &&Appointment| {
            (!q.upcoming.unwrap_or(false) || a.ends_at() > now)
                && (!q.past.unwrap_or(false) || a.has_started(now))
        })
        .map(|a| AppointmentJson::new(a, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "appointments": all })).into_response())
}

pub async fn create(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(input): ApiJson<AppointmentInput>,
) -> ApiResult {
    let parsed = input.parse(&p.user.time_zone).map_err(ApiError::invalid)?;
    let a = state.app.add_appointment(&p, parsed.into_new()).await?;
    let location = format!("/api/v1/appointments/{}", a.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(AppointmentJson::new(&a, &p.user.time_zone)),
    )
        .into_response())
}

pub async fn show(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let a = state
        .app
        .appointment(&p, path_id(&id, "appointment")?)
        .await?;
    Ok(Json(AppointmentJson::new(&a, &p.user.time_zone)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchParams {
    series: Option<bool>,
}

pub async fn patch(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<PatchParams>,
    ApiJson(patch): ApiJson<MergePatch>,
) -> ApiResult {
    let id = path_id(&id, "appointment")?;
    if patch.get("repeat").is_some() || patch.get("until").is_some() {
        return Err(AppError::invalid(
            "repeat",
            "A series' repetition cannot be changed; add a new series instead.",
        )
        .into());
    }
    let tz = p.user.time_zone.clone();
    let current = state.app.appointment(&p, id).await?;
    let input: AppointmentInput =
        merged(&AppointmentInput::from_appointment(&current, &tz), &patch)?;
    let parsed = input.parse(&tz).map_err(ApiError::invalid)?;
    let a = state
        .app
        .update_appointment(
            &p,
            id,
            parsed.starts_at,
            parsed.details,
            q.series.unwrap_or(false),
        )
        .await?;
    Ok(Json(AppointmentJson::new(&a, &tz)).into_response())
}

pub async fn delete(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    state
        .app
        .delete_appointment(&p, path_id(&id, "appointment")?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
