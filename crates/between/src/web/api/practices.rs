//! `/api/v1/practices`: create, list, today, read (with statistics and
//! `?from=&to=` for a window), merge-patch, delete; `/practices/{id}/logs`
//! to log (also retroactively) and list; `DELETE /practices/{id}/logs/{log}`
//! to undo a mistaken log.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::AppError;
use between_domain::timespec;
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::json;

use super::body::{decode_value, ApiJson, MergePatch};
use super::input::{bad_parameter, instant, path_id};
use super::path::ApiPath;
use super::query::ApiQuery;
use super::{ApiError, ApiPrincipal, ErrorCode};
use crate::json::{merge_patch, stats_json, LogInput, LogJson, PracticeInput, PracticeJson};
use crate::web::WebState;

type ApiResult = Result<Response, ApiError>;

pub async fn list(State(state): State<WebState>, ApiPrincipal(p): ApiPrincipal) -> ApiResult {
    let all: Vec<PracticeJson> = state
        .app
        .practices(&p)
        .await?
        .iter()
        .map(|v| PracticeJson::new(v, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "practices": all })).into_response())
}

pub async fn today_list(State(state): State<WebState>, ApiPrincipal(p): ApiPrincipal) -> ApiResult {
    let due: Vec<PracticeJson> = state
        .app
        .practices_today(&p)
        .await?
        .iter()
        .map(|v| PracticeJson::new(v, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "practices": due })).into_response())
}

pub async fn create(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(input): ApiJson<PracticeInput>,
) -> ApiResult {
    let v = state
        .app
        .add_practice(
            &p,
            input
                .parse(state.app.today(&p))
                .map_err(ApiError::invalid)?,
        )
        .await?;
    let location = format!("/api/v1/practices/{}", v.practice.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(PracticeJson::new(&v, &p.user.time_zone)),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowParams {
    from: Option<String>,
    to: Option<String>,
}

pub async fn show(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<WindowParams>,
) -> ApiResult {
    let v = state.app.practice(&p, path_id(&id, "practice")?).await?;
    let tz = &p.user.time_zone;
    let mut value = serde_json::to_value(PracticeJson::new(&v, tz)).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            e.to_string(),
        )
    })?;
    if q.from.is_some() || q.to.is_some() {
        let day = |field: &str, s: Option<&str>, default: Date| -> Result<Date, ApiError> {
            match s {
                None => Ok(default),
                Some(s) => timespec::parse_day(s).map_err(|e| bad_parameter(field, e.to_string())),
            }
        };
        let today = state.app.today(&p);
        let from = day("from", q.from.as_deref(), v.practice.data.start)?;
        let to = day("to", q.to.as_deref(), today)?;
        value["window"] = json!({"from": from.to_string(), "to": to.to_string(), "stats": stats_json(&v.stats_between(tz, from, to, today))});
    }
    Ok(Json(value).into_response())
}

pub async fn patch(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(patch): ApiJson<MergePatch>,
) -> ApiResult {
    let id = path_id(&id, "practice")?;
    let current = state.app.practice(&p, id).await?;
    let mut doc = serde_json::to_value(PracticeInput::from_practice(&current.practice.data))
        .map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                e.to_string(),
            )
        })?;
    // A new schedule replaces the rule, and the other way round.
    if patch.get("schedule").is_some_and(|s| !s.is_null()) {
        doc["rrule"] = serde_json::Value::Null;
    }
    if patch.get("rrule").is_some_and(|s| !s.is_null()) {
        doc["schedule"] = serde_json::Value::Null;
    }
    merge_patch(&mut doc, &serde_json::Value::Object(patch));
    let input: PracticeInput = decode_value(&doc)?;
    let v = state
        .app
        .update_practice(
            &p,
            id,
            input
                .parse(state.app.today(&p))
                .map_err(ApiError::invalid)?,
        )
        .await?;
    Ok(Json(PracticeJson::new(&v, &p.user.time_zone)).into_response())
}

pub async fn delete(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    state
        .app
        .delete_practice(&p, path_id(&id, "practice")?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn logs(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let v = state.app.practice(&p, path_id(&id, "practice")?).await?;
    let logs: Vec<LogJson> = v
        .logs
        .iter()
        .map(|l| LogJson::new(l, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "logs": logs })).into_response())
}

pub async fn log(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<LogInput>,
) -> ApiResult {
    let id = path_id(&id, "practice")?;
    let practice = state.app.practice(&p, id).await?;
    let log = input
        .log(practice.practice.data.template)
        .map_err(ApiError::invalid)?;
    let at = instant("at", input.at.as_deref(), &p)?;
    let (stored, v) = state.app.log_practice(&p, id, log, at).await?;
    let body = json!({ "log": LogJson::new(&stored, &p.user.time_zone), "practice": PracticeJson::new(&v, &p.user.time_zone) });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub async fn unlog(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath((id, log_id)): ApiPath<(String, String)>,
) -> ApiResult {
    let id = path_id(&id, "practice")?;
    let log_id = path_id(&log_id, "log")?;
    let v = state.app.practice(&p, id).await?;
    if !v.logs.iter().any(|l| l.id == log_id) {
        return Err(AppError::NotFound("The log".into()).into());
    }
    let v = state.app.unlog_practice(&p, log_id).await?;
    Ok(Json(PracticeJson::new(&v, &p.user.time_zone)).into_response())
}
