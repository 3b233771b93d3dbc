//! `/api/v1/review` (the review of a period, as JSON, Markdown, HTML or
//! PDF) and `/api/v1/reviews` (saved reviews with reflections, compared
//! with the one before).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_domain::review::Reflections;
use serde::Deserialize;

use super::body::ApiJson;
use super::input::{bad_parameter, path_id, query_error};
use super::path::ApiPath;
use super::query::ApiQuery;
use super::{ApiError, ApiPrincipal, ErrorCode};
use crate::json::{review_json, rfc3339, saved_review_json};
use crate::review_doc::{self, ReviewDoc};
use crate::web::WebState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    since: Option<String>,
    until: Option<String>,
    format: Option<String>,
}

/// The review as JSON, or as a file in `format`.
async fn respond(
    doc: &ReviewDoc<'_>,
    format: Option<&str>,
    json: serde_json::Value,
) -> Result<Response, ApiError> {
    let format = match format {
        None | Some("json") => return Ok(Json(json).into_response()),
        Some(f) => review_doc::FileFormat::parse(f).ok_or_else(|| {
            bad_parameter(
                "format",
                format!(
                    "{} is not a format: use json, markdown, html or pdf.",
                    between_domain::echo::quote(f)
                ),
            )
        })?,
    };
    let file = review_doc::file(doc, format)
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, e))?;
    Ok(file.into_response())
}

pub async fn get(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(params): ApiQuery<Params>,
) -> Result<Response, ApiError> {
    let (since, until) = state
        .app
        .review_period(&p, params.since.as_deref(), params.until.as_deref())
        .await
        .map_err(query_error)?;
    let review = state.app.review(&p, since, until).await?;
    let doc = ReviewDoc {
        review: &review,
        reflections: None,
        saved_at: None,
        comparison: None,
    };
    respond(&doc, params.format.as_deref(), review_json(&review)).await
}

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let tz = &p.user.time_zone;
    let list: Vec<_> = state
        .app
        .saved_reviews(&p)
        .await?
        .iter()
        .map(|s| {
            serde_json::json!({
                "id": s.id,
                "from": s.data.review.from,
                "to": s.data.review.to,
                "saved_at": rfc3339(s.data.saved_at, tz),
            })
        })
        .collect();
    Ok(Json(serde_json::json!({ "reviews": list })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveInput {
    since: Option<String>,
    until: Option<String>,
    #[serde(default)]
    learned: String,
    #[serde(default)]
    changed: String,
    #[serde(default)]
    focus: String,
}

pub async fn save(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(input): ApiJson<SaveInput>,
) -> Result<Response, ApiError> {
    let (since, until) = state
        .app
        .review_period(&p, input.since.as_deref(), input.until.as_deref())
        .await?;
    let saved = state
        .app
        .save_review(
            &p,
            since,
            until,
            Reflections {
                learned: input.learned,
                changed: input.changed,
                focus: input.focus,
            },
        )
        .await?;
    let shown = state.app.saved_review(&p, saved.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(saved_review_json(&shown, &p.user.time_zone)),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowParams {
    format: Option<String>,
}

pub async fn show(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<ShowParams>,
) -> Result<Response, ApiError> {
    let shown = state.app.saved_review(&p, path_id(&id, "review")?).await?;
    let doc = ReviewDoc::of_saved(&shown);
    respond(
        &doc,
        params.format.as_deref(),
        saved_review_json(&shown, &p.user.time_zone),
    )
    .await
}

pub async fn delete(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    state.app.delete_review(&p, path_id(&id, "review")?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
