//! `/api/v1/trackers` (definitions and their readings) and
//! `/api/v1/checkins` (one day's readings of every tracker).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use between_app::{AppError, Principal};
use between_domain::timespec;
use between_domain::tracker::Tracker;
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::json;

use super::body::{ApiJson, MergePatch};
use super::input::{bad_parameter, merged, path_id, RangeQuery};
use super::path::ApiPath;
use super::query::ApiQuery;
use super::{ApiError, ApiPrincipal};
use crate::json::{CheckInBody, ReadingJson, TrackerInput, TrackerJson};
use crate::web::WebState;

type ApiResult = Result<Response, ApiError>;

pub async fn list(State(state): State<WebState>, ApiPrincipal(p): ApiPrincipal) -> ApiResult {
    let list: Vec<TrackerJson> = state
        .app
        .trackers(&p)
        .await?
        .iter()
        .map(|t| TrackerJson::new(t, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "trackers": list })).into_response())
}

pub async fn create(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(input): ApiJson<TrackerInput>,
) -> ApiResult {
    let t = state.app.add_tracker(&p, input.into_tracker()?).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/trackers/{}", t.id))],
        Json(TrackerJson::new(&t, &p.user.time_zone)),
    )
        .into_response())
}

pub async fn show(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let t = state.app.tracker(&p, path_id(&id, "tracker")?).await?;
    Ok(Json(TrackerJson::new(&t, &p.user.time_zone)).into_response())
}

pub async fn patch(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(patch): ApiJson<MergePatch>,
) -> ApiResult {
    let id = path_id(&id, "tracker")?;
    let current = state.app.tracker(&p, id).await?;
    let input: TrackerInput = merged(&TrackerInput::from_tracker(&current.data), &patch)?;
    let tracker: Tracker = input.into_tracker()?;
    let t = state.app.edit_tracker(&p, id, tracker).await?;
    Ok(Json(TrackerJson::new(&t, &p.user.time_zone)).into_response())
}

pub async fn delete(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    state
        .app
        .delete_tracker(&p, path_id(&id, "tracker")?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn readings(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> ApiResult {
    let t = state.app.tracker(&p, path_id(&id, "tracker")?).await?;
    let range = q.range(&p, state.app.now(), None)?;
    let list: Vec<ReadingJson> = state
        .app
        .readings(&p, t.id, range)
        .await?
        .iter()
        .map(|r| ReadingJson::new(&t.data, r))
        .collect();
    Ok(
        Json(json!({ "tracker": TrackerJson::new(&t, &p.user.time_zone), "readings": list }))
            .into_response(),
    )
}

/// The day of a check-in: today when not given.
fn day(state: &WebState, p: &Principal, raw: Option<&str>) -> Result<Date, String> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(state.app.today(p)),
        Some(s) => {
            timespec::parse_date(s, &p.user.time_zone, state.app.now()).map_err(|e| e.to_string())
        }
    }
}

async fn day_json(state: &WebState, p: &Principal, date: Date) -> ApiResult {
    let values: serde_json::Map<String, serde_json::Value> = state
        .app
        .tracked_on(p, date)
        .await?
        .into_iter()
        .map(|(t, v)| {
            (
                t.data.key.clone(),
                v.map_or(serde_json::Value::Null, Into::into),
            )
        })
        .collect();
    Ok(Json(json!({ "date": date.to_string(), "values": values })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayParams {
    date: Option<String>,
}

pub async fn check_in_show(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<DayParams>,
) -> ApiResult {
    let date = day(&state, &p, q.date.as_deref()).map_err(|m| bad_parameter("date", m))?;
    day_json(&state, &p, date).await
}

pub async fn check_in(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(input): ApiJson<CheckInBody>,
) -> ApiResult {
    let date = day(&state, &p, input.date.as_deref()).map_err(|m| AppError::invalid("date", m))?;
    state.app.track(&p, date, &input.given()?).await?;
    day_json(&state, &p, date).await
}
