//! `/api/v1/agenda`: the agenda of the next (or a chosen) appointment, as
//! JSON, Markdown or PDF; edits to it; and what a refresh would change.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::agenda_saved::{Change, Target};
use between_app::AppError;
use serde::Deserialize;
use uuid::Uuid;

use super::body::ApiJson;
use super::input::bad_parameter;
use super::query::ApiQuery;
use super::{ApiError, ApiPrincipal, ErrorCode};
use crate::agenda_doc::{self, DocFormat};
use crate::json::{agenda_json, changes_json};
use crate::web::WebState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    appointment: Option<String>,
    format: Option<String>,
}

/// The agenda of the next appointment, or of the one with this id.
fn target(appointment: Option<&str>) -> Result<Target, String> {
    match appointment {
        None => Ok(Target::Next),
        Some(id) => Uuid::parse_str(id).map(Target::Appointment).map_err(|_| {
            format!(
                "\"{}\" is not an appointment id.",
                id.chars().take(60).collect::<String>()
            )
        }),
    }
}

pub async fn get(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(params): ApiQuery<Params>,
) -> Result<Response, ApiError> {
    let format = match params.format.as_deref() {
        None | Some("json") => None,
        Some(f) => Some(DocFormat::parse(f).ok_or_else(|| {
            bad_parameter(
                "format",
                format!(
                    "{} is not a format: use json, markdown or pdf.",
                    between_domain::echo::quote(f)
                ),
            )
        })?),
    };
    let target =
        target(params.appointment.as_deref()).map_err(|m| bad_parameter("appointment", m))?;
    let agenda = state.app.agenda(&p, target).await?;
    let tz = &p.user.time_zone;
    match format {
        None => Ok(Json(agenda_json(&agenda, tz)).into_response()),
        Some(f) => {
            let doc = agenda_doc::download(&agenda, tz, f).await.map_err(|e| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    e.to_string(),
                )
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
    ApiJson(input): ApiJson<EditInput>,
) -> Result<Response, ApiError> {
    let change = change(&input)?;
    let appointment = input
        .appointment
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let target = target(appointment).map_err(|m| AppError::invalid("appointment", m))?;
    let agenda = state.app.change_agenda(&p, target, change).await?;
    Ok(Json(agenda_json(&agenda, &p.user.time_zone)).into_response())
}

/// The change an edit asks for; each action takes exactly its own fields,
/// so nothing sent is silently ignored.
fn change(input: &EditInput) -> Result<Change, ApiError> {
    let action = input.action.as_str();
    let (needs, change): (&[&str], Option<Change>) = match action {
        "add" => (&["text"], input.text.clone().map(Change::Add)),
        "remove" => (&["item"], input.item.clone().map(Change::Remove)),
        "move" => (
            &["item", "to"],
            input
                .item
                .clone()
                .zip(input.to)
                .map(|(which, to)| Change::Move { which, to }),
        ),
        "top" | "untop" => (
            &["item"],
            input.item.clone().map(|which| Change::Top {
                which,
                on: action == "top",
            }),
        ),
        "discussed" | "undiscussed" => (
            &["item"],
            input.item.clone().map(|which| Change::Discussed {
                which,
                on: action == "discussed",
            }),
        ),
        "save" => (&[], Some(Change::Save)),
        "refresh" => (&[], Some(Change::Refresh)),
        other => {
            return Err(AppError::invalid(
                "action",
                format!("\"{}\" is not an action: use add, remove, move, top, untop, discussed, undiscussed, save or refresh.", other.chars().take(60).collect::<String>()),
            )
            .into())
        }
    };
    let given = [
        ("item", input.item.is_some()),
        ("text", input.text.is_some()),
        ("to", input.to.is_some()),
    ];
    for (field, present) in given {
        if present && !needs.contains(&field) {
            return Err(AppError::invalid(
                field,
                format!("\"{action}\" does not take \"{field}\"."),
            )
            .into());
        }
        if !present && needs.contains(&field) {
            return Err(
                AppError::invalid(field, format!("\"{action}\" needs \"{field}\".")).into(),
            );
        }
    }
    change.ok_or_else(|| AppError::invalid("action", "An edit is missing its fields.").into())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangesParams {
    appointment: Option<String>,
}

pub async fn changes(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(params): ApiQuery<ChangesParams>,
) -> Result<Response, ApiError> {
    let target =
        target(params.appointment.as_deref()).map_err(|m| bad_parameter("appointment", m))?;
    let (agenda, changes) = state.app.agenda_changes(&p, target).await?;
    let mut body = changes_json(&changes);
    body["saved"] = serde_json::Value::Bool(agenda.saved());
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response())
}
