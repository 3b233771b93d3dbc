//! `/api/v1/review` (the review of a period, as JSON, Markdown, HTML or
//! PDF) and `/api/v1/reviews` (saved reviews with reflections, compared
//! with the one before).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_domain::review::Reflections;
use serde::Deserialize;

use super::input::{given, json_body, path_id};
use super::{ApiError, ApiPrincipal};
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

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid", message)
}

/// A period that does not parse is a bad query (400), as for other ranges.
fn query_error(e: between_app::AppError) -> ApiError {
    match e {
        between_app::AppError::Invalid(v) => bad(v.to_string()),
        other => other.into(),
    }
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
            bad(format!(
                "\"{f}\" is not a format: use json, markdown, html or pdf."
            ))
        })?,
    };
    let file = review_doc::file(doc, format)
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e))?;
    Ok(file.into_response())
}

pub async fn get(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let (since, until) = state
        .app
        .review_period(&p, given(&params.since), given(&params.until))
        .await
        .map_err(query_error)?;
    let review = state.app.review(&p, since, until).await?;
    let doc = ReviewDoc {
        review: &review,
        reflections: None,
        saved_at: None,
        comparison: None,
    };
    respond(&doc, given(&params.format), review_json(&review)).await
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
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let input: SaveInput = json_body(body)?;
    let (since, until) = state
        .app
        .review_period(&p, input.since.as_deref(), input.until.as_deref())
        .await
        .map_err(query_error)?;
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
    Path(id): Path<String>,
    Query(params): Query<ShowParams>,
) -> Result<Response, ApiError> {
    let shown = state.app.saved_review(&p, path_id(&id, "review")?).await?;
    let doc = ReviewDoc::of_saved(&shown);
    respond(
        &doc,
        given(&params.format),
        saved_review_json(&shown, &p.user.time_zone),
    )
    .await
}

pub async fn delete(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    state.app.delete_review(&p, path_id(&id, "review")?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
