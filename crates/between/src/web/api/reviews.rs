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
use between_domain::timespec;
use jiff::Timestamp;
use serde::Deserialize;

use super::input::{given, json_body, path_id};
use super::{ApiError, ApiPrincipal};
use crate::agenda_doc::Download;
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

async fn period(
    state: &WebState,
    p: &between_app::Principal,
    since: Option<&str>,
    until: Option<&str>,
) -> Result<(Timestamp, Option<Timestamp>), ApiError> {
    let tz = &p.user.time_zone;
    let now = state.app.now();
    let since = match since {
        Some(s) => timespec::parse_since(s, tz, now).map_err(|e| bad(e.to_string()))?,
        None => {
            let weeks = state.app.agenda_prefs(p).await?.review_weeks;
            timespec::parse_since(&format!("{weeks}w"), tz, now).map_err(|e| bad(e.to_string()))?
        }
    };
    let until = until
        .map(|u| timespec::parse_until(u, tz, now))
        .transpose()
        .map_err(|e| bad(e.to_string()))?;
    Ok((since, until))
}

/// The review as JSON, or as a file in `format`.
fn respond(
    doc: &ReviewDoc<'_>,
    format: Option<&str>,
    json: serde_json::Value,
) -> Result<Response, ApiError> {
    let name = format!("review-{}", doc.review.to);
    let internal = |e: String| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e);
    let file = match format {
        None | Some("json") => return Ok(Json(json).into_response()),
        Some("pdf") => Download {
            content_type: "application/pdf",
            file_name: format!("{name}.pdf"),
            bytes: review_doc::pdf(doc).map_err(|e| internal(e.to_string()))?,
        },
        Some("md" | "markdown") => Download {
            content_type: "text/markdown; charset=utf-8",
            file_name: format!("{name}.md"),
            bytes: review_doc::markdown(doc).into_bytes(),
        },
        Some("html") => Download {
            content_type: "text/html; charset=utf-8",
            file_name: format!("{name}.html"),
            bytes: review_doc::html(doc)
                .map_err(|e| internal(e.to_string()))?
                .into_bytes(),
        },
        Some(other) => {
            return Err(bad(format!(
                "\"{other}\" is not a format: use json, markdown, html or pdf."
            )))
        }
    };
    Ok(file.into_response())
}

pub async fn get(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let (since, until) = period(&state, &p, given(&params.since), given(&params.until)).await?;
    let review = state.app.review(&p, since, until).await?;
    let doc = ReviewDoc {
        review: &review,
        reflections: None,
        saved_at: None,
        comparison: None,
    };
    respond(&doc, given(&params.format), review_json(&review))
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
    let (since, until) = period(&state, &p, input.since.as_deref(), input.until.as_deref()).await?;
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
    let doc = ReviewDoc {
        review: &shown.saved.data.review,
        reflections: Some(&shown.saved.data.reflections),
        saved_at: Some(shown.saved.data.saved_at),
        comparison: shown.previous.as_ref().map(|prev| {
            (
                review_doc::period(&prev.data.review),
                shown.comparison.as_slice(),
            )
        }),
    };
    respond(
        &doc,
        given(&params.format),
        saved_review_json(&shown, &p.user.time_zone),
    )
}

pub async fn delete(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    state.app.delete_review(&p, path_id(&id, "review")?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
