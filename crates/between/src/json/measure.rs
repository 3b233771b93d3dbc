//! The JSON shape of measure responses.

use between_app::measures::MeasureView;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rfc3339;

#[derive(Debug, Serialize)]
pub struct MeasureJson {
    pub id: Uuid,
    pub instrument: &'static str,
    pub answers: Vec<u8>,
    pub difficulty: Option<u8>,
    pub total: u8,
    /// The WHO-5's score as a percentage (total × 4); only for the WHO-5.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentage: Option<u8>,
    pub severity: &'static str,
    /// PHQ-9 item 9 answered above 0.
    pub safety_alert: bool,
    /// Compared with the previous response of the same instrument.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<&'static str>,
    /// Compared with the first response of the same instrument.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_from_baseline: Option<&'static str>,
    pub caseness: bool,
    pub recovered: bool,
    pub taken_at: String,
}

impl MeasureJson {
    pub fn new(m: &MeasureView, tz: &TimeZone) -> MeasureJson {
        MeasureJson {
            id: m.response.id,
            instrument: m.response.data.instrument.as_str(),
            answers: m.response.data.answers.clone(),
            difficulty: m.response.data.difficulty,
            total: m.scored.total,
            percentage: (m.response.data.instrument.def().unit == "%").then_some(m.scored.points),
            severity: m.scored.severity.as_str(),
            safety_alert: m.scored.safety_alert,
            change: m.change.map(|c| c.as_str()),
            change_from_baseline: m.change_from_baseline.map(|c| c.as_str()),
            caseness: m.case,
            recovered: m.recovered,
            taken_at: rfc3339(m.response.occurred_at, tz),
        }
    }
}

/// A response as sent by a client.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureInput {
    pub instrument: String,
    pub answers: Vec<i64>,
    #[serde(default)]
    pub difficulty: Option<i64>,
    #[serde(default)]
    pub at: Option<String>,
}

/// Answers as the domain takes them, refusing any outside 0–3 by value.
pub fn small_answers(
    instrument: between_domain::measure::Instrument,
    answers: &[i64],
) -> Result<Vec<u8>, between_domain::ValidationErrors> {
    let max = instrument.def().max_answer();
    answers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            u8::try_from(*a).ok().filter(|a| *a <= max).ok_or_else(|| {
                between_domain::ValidationErrors::single(
                    "answers",
                    format!(
                        "Answer {} must be a whole number from 0 to {max}, not {a}.",
                        i + 1
                    ),
                )
            })
        })
        .collect()
}
