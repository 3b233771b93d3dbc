//! `/api/v1/entries`: create, list (newest first, cursor paging), read,
//! merge-patch, delete, restore and search journal entries.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::journal::{Cursor, ListEntries, MAX_PAGE};
use between_app::AppError;
use between_domain::timespec;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::json;

use super::input::{body_or_error, given, merged, path_id};
use super::{ApiError, ApiPrincipal};
use crate::json::{EntryInput, EntryJson};
use crate::web::WebState;

type ApiResult = Result<Response, ApiError>;

pub async fn create(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let body = body_or_error(body)?;
    let input: EntryInput = serde_json::from_slice(&body).map_err(|e| ApiError::bad_json(&e))?;
    let (content, at) = input
        .into_parts(&p.user.time_zone)
        .map_err(ApiError::invalid)?;
    let entry = state.app.add_entry(&p, content, at).await?;
    let location = format!("/api/v1/entries/{}", entry.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(EntryJson::new(&entry, &p.user.time_zone)),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct ListParams {
    since: Option<String>,
    until: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

fn parse_limit(limit: Option<&str>) -> Result<Option<usize>, ApiError> {
    limit
        .map(|l| {
            l.trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or_else(|| {
                    AppError::invalid(
                        "limit",
                        format!("limit must be a whole number from 1 to {MAX_PAGE}, not \"{l}\"."),
                    )
                })
        })
        .transpose()
        .map_err(ApiError::from)
}

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Query(q): Query<ListParams>,
) -> ApiResult {
    p.require_read()?;
    let tz = &p.user.time_zone;
    let now = state.app.now();
    let bound = |field: &str,
                 value: Option<&str>,
                 parse: fn(
        &str,
        &jiff::tz::TimeZone,
        Timestamp,
    ) -> Result<Timestamp, timespec::TimeError>| {
        value
            .map(|v| parse(v, tz, now).map_err(|e| AppError::invalid(field, e.to_string())))
            .transpose()
    };
    let range = timespec::TimeRange {
        since: bound("since", given(&q.since), timespec::parse_since)?,
        until: bound("until", given(&q.until), timespec::parse_until)?,
    };
    let after = given(&q.cursor).map(Cursor::decode).transpose()?;
    let page = state
        .app
        .list_entries(
            &p,
            &ListEntries {
                range,
                deleted: false,
                after,
                limit: parse_limit(given(&q.limit))?,
            },
        )
        .await?;
    let entries: Vec<EntryJson> = page.entries.iter().map(|e| EntryJson::new(e, tz)).collect();
    Ok(
        Json(json!({ "entries": entries, "next_cursor": page.next.map(|c| c.encode()) }))
            .into_response(),
    )
}

pub async fn show(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> ApiResult {
    let entry = state.app.entry(&p, path_id(&id, "entry")?).await?;
    Ok(Json(EntryJson::new(&entry, &p.user.time_zone)).into_response())
}

/// RFC 7396: the patch is merged into the entry's editable fields, and the
/// result must be a valid entry (unknown fields are refused).
pub async fn patch(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let body = body_or_error(body)?;
    let id = path_id(&id, "entry")?;
    let patch: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_json(&e))?;
    if !patch.is_object() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "A merge patch must be a JSON object.",
        ));
    }
    let tz = p.user.time_zone.clone();
    let current = state.app.entry(&p, id).await?;
    let input: EntryInput = merged(&EntryInput::from_entry(&current, &tz), &patch)?;
    let (content, at) = input.into_parts(&tz).map_err(ApiError::invalid)?;
    let entry = state.app.update_entry(&p, id, content, at).await?;
    Ok(Json(EntryJson::new(&entry, &tz)).into_response())
}

pub async fn delete(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> ApiResult {
    state.app.delete_entry(&p, path_id(&id, "entry")?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn restore(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> ApiResult {
    let entry = state.app.restore_entry(&p, path_id(&id, "entry")?).await?;
    Ok(Json(EntryJson::new(&entry, &p.user.time_zone)).into_response())
}

#[derive(Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    limit: Option<String>,
}

pub async fn search(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Query(q): Query<SearchParams>,
) -> ApiResult {
    let limit = parse_limit(given(&q.limit))?.unwrap_or(between_app::journal::DEFAULT_PAGE);
    let found = state
        .app
        .search_entries(&p, q.q.as_deref().unwrap_or(""), limit)
        .await?;
    let entries: Vec<EntryJson> = found
        .iter()
        .map(|e| EntryJson::new(e, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "entries": entries })).into_response())
}
