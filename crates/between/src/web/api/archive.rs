//! `/api/v1/export` (the account's complete archive) and `/api/v1/import`
//! (an archive back in; `?dry_run=true` only checks). An import takes the
//! app's import slot before its body is read (503 while another runs).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::import::{FileImport, Input, Options, Source, MAX_FILE_BYTES};
use between_domain::{echo, ValidationErrors};

use super::input::body_or_error;
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

/// `?from=between|jrnl|dayone|daylio|csv` (default between), `dry_run=true`,
/// and for CSV and Daylio repeated `map=COLUMN=FIELD` / `mood_map=NAME=N`.
pub async fn import(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    slot: Result<Slot, Busy>,
    Query(params): Query<Vec<(String, String)>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Slot(slot) = slot?;
    let body = body_or_error(body)?;
    let mut source = Source::Between;
    let mut dry_run = false;
    let mut options = Options::default();
    let mut errors = ValidationErrors::new();
    for (key, value) in &params {
        match key.as_str() {
            "from" => match Source::parse(value) {
                Some(s) => source = s,
                None => errors.add(
                    "from",
                    format!(
                        "{} is not a source: use between, jrnl, dayone, daylio or csv.",
                        echo::quote(value)
                    ),
                ),
            },
            "dry_run" => dry_run = matches!(value.as_str(), "true" | "1" | "yes"),
            "map" | "mood_map" => {
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
            other => errors.add(
                other,
                format!("{} is not a parameter of /import.", echo::quote(other)),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let file = FileImport {
        source,
        input: Input::Bytes(Vec::from(body)),
        options,
        dry_run,
        progress: None,
    };
    let report = state.app.import_file(&slot, &p, file).await?;
    Ok(Json(report).into_response())
}
