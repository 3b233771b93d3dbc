//! `/api/v1/export` (the account's complete archive) and `/api/v1/import`
//! (an archive back in; `?dry_run=true` only checks). An import takes the
//! app's import slot before its body is read (503 while another runs).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::import::{FileImport, Input, Options, Source, MAX_FILE_BYTES};
use between_domain::{echo, ValidationErrors};
use serde::Deserialize;

use super::body::ApiBody;
use super::query::ApiQuery;
use super::{ApiError, ApiPrincipal};
use crate::web::import_slot::{Busy, Slot};
use crate::web::WebState;

/// Largest upload accepted: the most the app imports from one file (ten
/// years of daily entries are a few MB; the whole upload is held in memory,
/// and imports run one at a time, so memory stays bounded).
pub const IMPORT_LIMIT: usize = MAX_FILE_BYTES as usize;

pub async fn export(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let archive = state.app.export_archive(&p, None).await?;
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

/// `?from=between|jrnl|dayone|daylio|csv` (default between), `dry_run=true`,
/// and for CSV and Daylio repeated `map=COLUMN=FIELD` / `mood_map=NAME=N`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    from: Option<String>,
    dry_run: Option<bool>,
    #[serde(default)]
    map: Vec<String>,
    #[serde(default)]
    mood_map: Vec<String>,
}

pub async fn import(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    slot: Result<Slot, Busy>,
    ApiQuery(params): ApiQuery<ImportParams>,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let Slot(slot) = slot?;
    let mut errors = ValidationErrors::new();
    let source = match params.from.as_deref() {
        None => Source::Between,
        Some(value) => Source::parse(value).unwrap_or_else(|| {
            errors.add(
                "from",
                format!(
                    "{} is not a source: use {}.",
                    echo::quote(value),
                    Source::ALL.map(Source::as_str).join(", ")
                ),
            );
            Source::Between
        }),
    };
    let mut options = Options::default();
    for (key, value) in params
        .map
        .iter()
        .map(|v| ("map", v))
        .chain(params.mood_map.iter().map(|v| ("mood_map", v)))
    {
        let Some((a, b)) = value.split_once('=') else {
            errors.add(key, format!("{} is not NAME=VALUE.", echo::quote(value)));
            continue;
        };
        if key == "map" {
            options.add_map(a, b);
        } else if let Err(why) = options.add_mood(a, b) {
            errors.add(key, why);
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::bad_query(errors));
    }
    let file = FileImport {
        source,
        input: Input::Bytes(body.to_vec()),
        options,
        dry_run: params.dry_run.unwrap_or(false),
        progress: None,
    };
    let report = state.app.import_file(&slot, &p, file).await?;
    Ok(Json(report).into_response())
}
