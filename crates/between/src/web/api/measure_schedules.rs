//! `/api/v1/measure-schedules`: how often each instrument is asked for and
//! whether it is due now; `PUT /{instrument}` sets one.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::measure_schedules::ScheduleView;
use between_domain::measure::{Cadence, Instrument};
use serde::Deserialize;
use serde_json::{json, Value};

use super::body::ApiJson;
use super::path::ApiPath;
use super::{ApiError, ApiPrincipal};
use crate::web::WebState;

/// A schedule as a client sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleInput {
    /// `every`, `before_appointment`, `once` or `off`.
    kind: String,
    /// For `every`: 1–52 (2 if not given).
    #[serde(default)]
    weeks: Option<i64>,
    /// For `before_appointment`: 1–14 (2 if not given).
    #[serde(default)]
    days: Option<i64>,
}

impl ScheduleInput {
    pub(super) fn cadence(&self) -> Result<Cadence, ApiError> {
        let small = |n: Option<i64>| u8::try_from(n.unwrap_or(2)).unwrap_or(u8::MAX);
        match self.kind.as_str() {
            "every" => Ok(Cadence::Every {
                weeks: small(self.weeks),
            }),
            "before_appointment" => Ok(Cadence::BeforeAppointment {
                days: small(self.days),
            }),
            "once" => Ok(Cadence::Once),
            "off" => Ok(Cadence::Off),
            other => Err(ApiError::invalid(between_domain::ValidationErrors::single(
                "kind",
                format!(
                    "\"{other}\" is not a schedule: use every, before_appointment, once or off."
                ),
            ))),
        }
    }
}

fn to_json(s: &ScheduleView) -> Value {
    json!({
        "instrument": s.instrument.as_str(),
        "cadence": s.cadence,
        "own": s.own,
        "requested_by": s.requested_by,
        "due": s.due,
    })
}

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let all: Vec<Value> = state
        .app
        .measure_schedules(&p)
        .await?
        .iter()
        .map(to_json)
        .collect();
    Ok(Json(json!({ "schedules": all })).into_response())
}

pub async fn put(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(instrument): ApiPath<String>,
    ApiJson(input): ApiJson<ScheduleInput>,
) -> Result<Response, ApiError> {
    let instrument = Instrument::parse(&instrument)
        .map_err(|_| ApiError::from(between_app::AppError::NotFound("The instrument".into())))?;
    let set = state
        .app
        .set_measure_schedule(&p, instrument, input.cadence()?)
        .await?;
    Ok(Json(to_json(&set)).into_response())
}
