//! Assigned practice: a therapist's `/clients/{id}/assignments`, and the
//! client's `/assignments` with their answers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::assignments::Answer;
use between_app::AppError;
use between_domain::practice::schedule::Schedule;
use serde::Deserialize;
use serde_json::{json, Value};

use super::body::ApiJson;
use super::input::path_id;
use super::path::ApiPath;
use super::{ApiError, ApiPrincipal};
use crate::json::{assignment_json, PracticeInput, PracticeJson};
use crate::web::WebState;

/// `GET /clients/{id}/assignments`: what this therapist assigned, answered or not.
pub async fn for_client(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let client = super::shares::linked_client(&state, &p, &id).await?.client;
    let list: Vec<Value> = state
        .app
        .client_assignments(&p, &client)
        .await?
        .iter()
        .map(|a| assignment_json(a, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "assignments": list })).into_response())
}

/// `POST /clients/{id}/assignments`: a practice, in the shape of `POST /practices`.
pub async fn assign(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<PracticeInput>,
) -> Result<Response, ApiError> {
    let client = super::shares::linked_client(&state, &p, &id).await?.client;
    if input.goal_id.is_some() {
        return Err(AppError::invalid("goal_id", "You do not see your client's goals.").into());
    }
    let today = state.app.now().to_zoned(p.user.time_zone.clone()).date();
    let practice = input.parse(today).map_err(AppError::from)?;
    let a = state.app.assign_practice(&p, &client, practice).await?;
    Ok((
        StatusCode::CREATED,
        Json(assignment_json(&a, &p.user.time_zone)),
    )
        .into_response())
}

/// `GET /assignments`: practice the client's therapists assigned.
pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let list: Vec<Value> = state
        .app
        .assignments(&p)
        .await?
        .iter()
        .map(|a| assignment_json(a, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "assignments": list })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// accept or decline
    action: String,
    #[serde(default)]
    schedule: Option<String>,
    #[serde(default)]
    note: String,
}

/// `POST /assignments/{id}`: accept (optionally with another schedule) or decline.
pub async fn answer(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, "assignment")?;
    let answer = match input.action.as_str() {
        "accept" => Answer::Accept {
            schedule: input
                .schedule
                .as_deref()
                .map(Schedule::parse)
                .transpose()
                .map_err(AppError::from)?,
            note: input.note,
        },
        "decline" if input.schedule.is_some() => {
            return Err(AppError::invalid(
                "schedule",
                "A declined practice takes no schedule; send only the note.",
            )
            .into())
        }
        "decline" => Answer::Decline { note: input.note },
        other => {
            return Err(AppError::invalid(
                "action",
                format!(
                    "{} is not an answer: use accept or decline.",
                    between_domain::echo::quote(other)
                ),
            )
            .into())
        }
    };
    let (a, view) = state.app.answer_assignment(&p, id, answer).await?;
    let tz = &p.user.time_zone;
    Ok(Json(json!({
        "assignment": assignment_json(&a, tz),
        "practice": view.map(|v| json!(PracticeJson::new(&v, tz))),
    }))
    .into_response())
}
