//! `/api/v1/measures`: record a PHQ-9 or GAD-7 response (scored, with
//! change and the safety flag) and list them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_domain::measure::{Instrument, Response as Answers};
use serde_json::json;

use super::body::ApiJson;
use super::input::instant;
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
    ApiJson(input): ApiJson<MeasureInput>,
) -> Result<Response, ApiError> {
    let instrument = Instrument::parse(&input.instrument).map_err(ApiError::invalid)?;
    let at = instant("at", input.at.as_deref(), &p)?;
    let response = Answers {
        instrument,
        answers: small_answers(instrument, &input.answers).map_err(ApiError::invalid)?,
        // Out of range becomes 255, which the instrument's check refuses.
        difficulty: input.difficulty.map(|d| u8::try_from(d).unwrap_or(u8::MAX)),
    };
    let m = state.app.take_measure(&p, response, at).await?;
    Ok((
        StatusCode::CREATED,
        Json(MeasureJson::new(&m, &p.user.time_zone)),
    )
        .into_response())
}
