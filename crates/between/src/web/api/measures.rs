//! `/api/v1/measures`: record a PHQ-9 or GAD-7 response (scored, with
//! change and the safety flag) and list them.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::AppError;
use between_domain::measure::{Instrument, Response as Answers};
use between_domain::timespec;
use serde_json::json;

use super::input::{given, json_body};
use super::{ApiError, ApiPrincipal};
use crate::json::{small_answers, MeasureInput, MeasureJson};
use crate::web::WebState;

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let all: Vec<MeasureJson> = state
        .app
        .measures(&p)
        .await?
        .iter()
        .map(|m| MeasureJson::new(m, &p.user.time_zone))
        .collect();
    let due: Vec<&str> = state
        .app
        .measures_due(&p)
        .await?
        .iter()
        .map(|i| i.as_str())
        .collect();
    Ok(Json(json!({ "measures": all, "due": due })).into_response())
}

pub async fn create(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let input: MeasureInput = json_body(body)?;
    let instrument = Instrument::parse(&input.instrument).map_err(ApiError::invalid)?;
    if input.difficulty.is_some_and(|d| !(0..=3).contains(&d)) {
        return Err(
            AppError::invalid("difficulty", "The difficulty answer must be 0, 1, 2 or 3.").into(),
        );
    }
    let at = given(&input.at)
        .map(|a| {
            timespec::parse_instant(a, &p.user.time_zone)
                .map_err(|e| AppError::invalid("at", e.to_string()))
        })
        .transpose()?;
    let response = Answers {
        instrument,
        answers: small_answers(&input.answers).map_err(ApiError::invalid)?,
        difficulty: input.difficulty.map(|d| d as u8),
    };
    let m = state.app.take_measure(&p, response, at).await?;
    Ok((
        StatusCode::CREATED,
        Json(MeasureJson::new(&m, &p.user.time_zone)),
    )
        .into_response())
}
