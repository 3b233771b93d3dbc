//! Questionnaires a therapist asks for: the therapist's
//! `/clients/{id}/measure-requests`, and the client's `/measure-requests`
//! with `POST /measure-requests/{id}` to accept or decline.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::measure_requests::{Asked, MeasureRequest};
use between_app::AppError;
use serde::Deserialize;
use serde_json::{json, Value};

use super::body::ApiJson;
use super::input::path_id;
use super::measure_schedules::ScheduleInput;
use super::path::ApiPath;
use super::{ApiError, ApiPrincipal};
use crate::web::WebState;

fn to_json(r: &MeasureRequest, tz: &jiff::tz::TimeZone) -> Value {
    json!({
        "id": r.id,
        "therapist": r.therapist,
        "client": r.client,
        "at": crate::json::rfc3339(r.at, tz),
        "asked": r.asked.iter().map(|a| json!({
            "instrument": a.instrument.as_str(),
            "cadence": a.cadence,
        })).collect::<Vec<_>>(),
        "note": r.note,
        "state": r.state.as_str(),
        "reply": r.reply,
        "verified": r.verified,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskedInput {
    instrument: String,
    cadence: ScheduleInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    /// Missing reads as none, refused after the link is checked.
    #[serde(default)]
    asked: Vec<AskedInput>,
    #[serde(default)]
    note: String,
}

/// `GET /clients/{id}/measure-requests`: what this therapist asked for.
pub async fn for_client(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let client = super::shares::linked_client(&state, &p, &id).await?.client;
    let list: Vec<Value> = state
        .app
        .client_measure_requests(&p, &client)
        .await?
        .iter()
        .map(|r| to_json(r, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "requests": list })).into_response())
}

/// `POST /clients/{id}/measure-requests`: ask for a set of questionnaires.
pub async fn create(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<RequestInput>,
) -> Result<Response, ApiError> {
    let client = super::shares::linked_client(&state, &p, &id).await?.client;
    let mut asked = Vec::with_capacity(input.asked.len());
    for a in &input.asked {
        asked.push(Asked {
            instrument: between_domain::measure::Instrument::parse(&a.instrument)
                .map_err(ApiError::invalid)?,
            cadence: a.cadence.cadence()?,
        });
    }
    let r = state
        .app
        .request_measures(&p, &client, asked, &input.note)
        .await?;
    Ok((StatusCode::CREATED, Json(to_json(&r, &p.user.time_zone))).into_response())
}

/// `GET /measure-requests`: what the client's therapists asked for.
pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let list: Vec<Value> = state
        .app
        .measure_requests(&p)
        .await?
        .iter()
        .map(|r| to_json(r, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "requests": list })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// accept or decline
    action: String,
    #[serde(default)]
    note: String,
}

/// `POST /measure-requests/{id}`: accept (the schedules become the
/// client's) or decline.
pub async fn answer(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, "request")?;
    let accept = match input.action.as_str() {
        "accept" => true,
        "decline" => false,
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
    let r = state
        .app
        .answer_measure_request(&p, id, accept, &input.note)
        .await?;
    Ok(Json(to_json(&r, &p.user.time_zone)).into_response())
}
