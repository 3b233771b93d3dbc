//! `/api/v1/entries`: create, list (newest first, cursor paging), read,
//! merge-patch, delete, restore and search journal entries.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::journal::{Cursor, ListEntries, MAX_PAGE};
use serde::Deserialize;
use serde_json::json;

use super::body::{ApiJson, MergePatch};
use super::input::{bad_parameter, merged, path_id, query_error, RangeQuery};
use super::path::ApiPath;
use super::query::ApiQuery;
use super::{ApiError, ApiPrincipal, ApiWriter, IdempotencyKey};
use crate::json::{EntryInput, EntryJson, ExcerptInput};
use crate::web::WebState;

type ApiResult = Result<Response, ApiError>;

pub async fn create(
    State(state): State<WebState>,
    ApiWriter(p): ApiWriter,
    IdempotencyKey(once): IdempotencyKey,
    ApiJson(input): ApiJson<EntryInput>,
) -> ApiResult {
    let (content, at) = input
        .into_parts(&p.user.time_zone)
        .map_err(ApiError::invalid)?;
    let entry = state
        .app
        .add_entry_once(&p, content, at, once.as_deref())
        .await?;
    let location = format!("/api/v1/entries/{}", entry.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(EntryJson::new(&entry, &p.user.time_zone)),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    since: Option<String>,
    until: Option<String>,
    limit: Option<u64>,
    cursor: Option<String>,
}

fn page_size(limit: Option<u64>) -> Result<Option<usize>, ApiError> {
    limit
        .map(|n| {
            usize::try_from(n)
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or_else(|| {
                    bad_parameter(
                        "limit",
                        format!("limit must be a whole number from 1 to {MAX_PAGE}, not {n}."),
                    )
                })
        })
        .transpose()
}

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult {
    p.require_read()?;
    let tz = &p.user.time_zone;
    let range = RangeQuery {
        since: q.since,
        until: q.until,
    }
    .range(&p, state.app.now(), None)?;
    let after = q
        .cursor
        .as_deref()
        .map(Cursor::decode)
        .transpose()
        .map_err(query_error)?;
    let page = state
        .app
        .list_entries(
            &p,
            &ListEntries {
                range,
                deleted: false,
                after,
                limit: page_size(q.limit)?,
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
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let entry = state.app.entry(&p, path_id(&id, "entry")?).await?;
    Ok(Json(EntryJson::new(&entry, &p.user.time_zone)).into_response())
}

/// RFC 7396: the patch is merged into the entry's editable fields, and the
/// result must be a valid entry (unknown fields are refused).
pub async fn patch(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(patch): ApiJson<MergePatch>,
) -> ApiResult {
    let id = path_id(&id, "entry")?;
    let tz = p.user.time_zone.clone();
    let current = state.app.entry(&p, id).await?;
    let input: EntryInput = merged(&EntryInput::from_entry(&current, &tz), &patch)?;
    let (content, at) = input.into_parts(&tz).map_err(ApiError::invalid)?;
    let entry = state.app.update_entry(&p, id, content, at).await?;
    Ok(Json(EntryJson::new(&entry, &tz)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteParams {
    /// For an entry with an excerpt: `delete` it too, or `keep` sharing it.
    excerpt: Option<String>,
}

pub async fn delete(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<DeleteParams>,
) -> ApiResult {
    use between_app::excerpts::ExcerptOnDelete;
    let excerpt = match params.excerpt.as_deref() {
        None => None,
        Some("delete") => Some(ExcerptOnDelete::Delete),
        Some("keep") => Some(ExcerptOnDelete::Keep),
        Some(_) => return Err(bad_parameter("excerpt", "say delete or keep")),
    };
    state
        .app
        .delete_entry_choosing(&p, path_id(&id, "entry")?, excerpt)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /entries/{id}/excerpt`: what is shared of this entry, if only part.
pub async fn excerpt(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let id = path_id(&id, "entry")?;
    let stored = state.app.excerpt_of(&p, id).await?.ok_or_else(|| {
        ApiError::from(between_app::AppError::NotFound(format!(
            "An excerpt of the entry {id}"
        )))
    })?;
    Ok(Json(stored_excerpt_json(&stored, id, &p.user.time_zone)).into_response())
}

/// `POST /entries/{id}/excerpt`: share only part of the entry (or a
/// summary), replacing what was shared of it before; the entry itself
/// stays, or becomes, private.
pub async fn share_excerpt(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ExcerptInput>,
) -> ApiResult {
    let id = path_id(&id, "entry")?;
    let stored = state.app.share_excerpt(&p, id, input.excerpt()?).await?;
    Ok((
        StatusCode::CREATED,
        Json(stored_excerpt_json(&stored, id, &p.user.time_zone)),
    )
        .into_response())
}

/// `DELETE /entries/{id}/excerpt`: stop sharing the excerpt.
pub async fn delete_excerpt(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    state.app.delete_excerpt(&p, path_id(&id, "entry")?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn stored_excerpt_json(
    stored: &between_app::records::Stored<between_domain::excerpt::Excerpt>,
    entry_id: uuid::Uuid,
    tz: &jiff::tz::TimeZone,
) -> serde_json::Value {
    crate::json::excerpt_json(
        &between_app::excerpts::SharedExcerpt {
            id: stored.id,
            entry_id,
            at: stored.occurred_at,
            excerpt: stored.data.clone(),
        },
        tz,
    )
}

pub async fn restore(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let entry = state.app.restore_entry(&p, path_id(&id, "entry")?).await?;
    Ok(Json(EntryJson::new(&entry, &p.user.time_zone)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    q: Option<String>,
    limit: Option<u64>,
}

pub async fn search(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<SearchParams>,
) -> ApiResult {
    let limit = page_size(q.limit)?.unwrap_or(between_app::journal::DEFAULT_PAGE);
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
