//! `/api/v1/export` (the account's complete archive) and `/api/v1/import`
//! (an archive back in; `?dry_run=true` only checks).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::archive::Archive;
use serde::Deserialize;

use super::input::json_body;
use super::{ApiError, ApiPrincipal};
use crate::web::WebState;

/// Largest archive accepted (ten years of daily entries are a few MB).
pub const IMPORT_LIMIT: usize = 256 * 1024 * 1024;

pub async fn export(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let archive = state.app.export_archive(&p).await?;
    let name = format!(
        "attachment; filename=\"between-{}-{}.json\"",
        p.user.name,
        archive.exported_at.strftime("%Y-%m-%d")
    );
    Ok((
        [
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Json(archive),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct ImportParams {
    #[serde(default)]
    dry_run: bool,
}

pub async fn import(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Query(q): Query<ImportParams>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let archive: Archive = json_body(body)?;
    let report = state.app.import_archive(&p, &archive, q.dry_run).await?;
    Ok(Json(report).into_response())
}
