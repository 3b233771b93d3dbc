//! `/api/v1/agenda`: the agenda of the next (or a chosen) appointment, as
//! JSON, Markdown or PDF; edits to it; and what a refresh would change.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::agenda_saved::{Change, Target};
use serde::Deserialize;
use uuid::Uuid;

use super::input::{given, json_body};
use super::{ApiError, ApiPrincipal};
use crate::agenda_doc::{self, DocFormat};
use crate::json::{agenda_json, changes_json};
use crate::web::WebState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    appointment: Option<String>,
    format: Option<String>,
}

fn target(appointment: Option<&str>) -> Result<Target, ApiError> {
    match appointment {
        None => Ok(Target::Next),
        Some(id) => Uuid::parse_str(id).map(Target::Appointment).map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid",
                format!("\"{id}\" is not an appointment id."),
            )
        }),
    }
}

pub async fn get(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let format = match given(&params.format) {
        None | Some("json") => None,
        Some(f) => Some(DocFormat::parse(f).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid",
                format!("\"{f}\" is not a format: use json, markdown or pdf."),
            )
        })?),
    };
    let agenda = state
        .app
        .agenda(&p, target(given(&params.appointment))?)
        .await?;
    let tz = &p.user.time_zone;
    match format {
        None => Ok(Json(agenda_json(&agenda, tz)).into_response()),
        Some(f) => {
            let doc = agenda_doc::download(&agenda, tz, f).await.map_err(|e| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
            })?;
            Ok(doc.into_response())
        }
    }
}

/// One edit: `{"action": "add", "text": …}`, `{"action": "remove"|"top"|"untop"|
/// "discussed"|"undiscussed", "item": …}`, `{"action": "move", "item": …, "to": N}`,
/// `{"action": "save"}` or `{"action": "refresh"}`; `appointment` picks the agenda.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditInput {
    action: String,
    item: Option<String>,
    text: Option<String>,
    to: Option<usize>,
    appointment: Option<String>,
}

pub async fn edit(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let input: EditInput = json_body(body)?;
    let missing = |what: &str| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("\"{}\" needs \"{what}\".", input.action),
        )
    };
    let item = || input.item.clone().ok_or_else(|| missing("item"));
    let change = match input.action.as_str() {
        "add" => Change::Add(input.text.clone().ok_or_else(|| missing("text"))?),
        "remove" => Change::Remove(item()?),
        "move" => Change::Move {
            which: item()?,
            to: input.to.ok_or_else(|| missing("to"))?,
        },
        "top" | "untop" => Change::Top {
            which: item()?,
            on: input.action == "top",
        },
        "discussed" | "undiscussed" => Change::Discussed {
            which: item()?,
            on: input.action == "discussed",
        },
        "save" => Change::Save,
        "refresh" => Change::Refresh,
        other => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("\"{other}\" is not an action: use add, remove, move, top, untop, discussed, undiscussed, save or refresh."),
            ))
        }
    };
    let target = target(
        input
            .appointment
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
    )?;
    let agenda = state.app.change_agenda(&p, target, change).await?;
    Ok(Json(agenda_json(&agenda, &p.user.time_zone)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangesParams {
    appointment: Option<String>,
}

pub async fn changes(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    Query(params): Query<ChangesParams>,
) -> Result<Response, ApiError> {
    let (agenda, changes) = state
        .app
        .agenda_changes(&p, target(given(&params.appointment))?)
        .await?;
    let mut body = changes_json(&changes);
    body["saved"] = serde_json::Value::Bool(agenda.saved());
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response())
}
