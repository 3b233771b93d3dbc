//! `/api/v1/reminders` and `/api/v1/reminder-channels`: the person's
//! reminders (list with their status and the next to come, add, change by
//! merge patch, delete) and the channels they go through.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::reminders::Channel;
use serde_json::json;

use super::body::{ApiJson, MergePatch};
use super::input::path_id;
use super::path::ApiPath;
use super::{ApiError, ApiPrincipal};
use crate::json::{rfc3339, ChannelInput, ChannelJson, ReminderInput, ReminderJson};
use crate::web::WebState;

type ApiResult = Result<Response, ApiError>;

pub async fn list(State(state): State<WebState>, ApiPrincipal(p): ApiPrincipal) -> ApiResult {
    let tz = &p.user.time_zone;
    let status = state.app.reminder_status(&p).await?;
    let reminders = state.app.reminders(&p).await?;
    let next = state.app.upcoming_reminders(&p, 5).await?;
    Ok(Json(json!({
        "status": status.as_str(),
        "reminders": reminders.iter().map(|r| ReminderJson::new(r, tz)).collect::<Vec<_>>(),
        "next": next.iter().map(|s| json!({
            "reminder_id": s.reminder,
            "kind": s.kind.as_str(),
            "at": rfc3339(s.at, tz),
        })).collect::<Vec<_>>(),
    }))
    .into_response())
}

pub async fn create(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(input): ApiJson<ReminderInput>,
) -> ApiResult {
    let r = state.app.add_reminder(&p, input.into_reminder()?).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/reminders/{}", r.id))],
        Json(ReminderJson::new(&r, &p.user.time_zone)),
    )
        .into_response())
}

pub async fn show(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let r = state.app.reminder(&p, path_id(&id, "reminder")?).await?;
    Ok(Json(ReminderJson::new(&r, &p.user.time_zone)).into_response())
}

/// Changes times, days or `enabled` (a JSON Merge Patch of the input).
pub async fn patch(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(patch): ApiJson<MergePatch>,
) -> ApiResult {
    let id = path_id(&id, "reminder")?;
    let current = state.app.reminder(&p, id).await?;
    let input: ReminderInput =
        super::input::merged(&ReminderInput::from_reminder(&current.data), &patch)?;
    let r = state
        .app
        .update_reminder(&p, id, input.into_reminder()?)
        .await?;
    Ok(Json(ReminderJson::new(&r, &p.user.time_zone)).into_response())
}

pub async fn delete(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    state
        .app
        .delete_reminder(&p, path_id(&id, "reminder")?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn channels(State(state): State<WebState>, ApiPrincipal(p): ApiPrincipal) -> ApiResult {
    let list = state.app.reminder_channels(&p).await?;
    Ok(Json(json!({
        "channels": list.iter().map(|c| ChannelJson::new(c, &p.user.time_zone)).collect::<Vec<_>>(),
    }))
    .into_response())
}

pub async fn add_channel(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(input): ApiJson<ChannelInput>,
) -> ApiResult {
    let detailed = input.detailed;
    let target = input.into_target()?;
    if matches!(target, between_app::reminders::Target::Email { .. })
        && !state.settings.email_reminders
    {
        return Err(between_app::AppError::Conflict(
            "Email reminders are not set up on this server (it has no SMTP server).".into(),
        )
        .into());
    }
    let stored = state
        .app
        .add_reminder_channel(&p, Channel { target, detailed })
        .await?;
    let view = state
        .app
        .reminder_channels(&p)
        .await?
        .into_iter()
        .find(|c| c.id() == stored.id)
        .ok_or_else(|| between_app::AppError::NotFound("The channel".into()))?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/api/v1/reminder-channels/{}", stored.id),
        )],
        Json(ChannelJson::new(&view, &p.user.time_zone)),
    )
        .into_response())
}

pub async fn delete_channel(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    state
        .app
        .delete_reminder_channel(&p, path_id(&id, "channel")?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
