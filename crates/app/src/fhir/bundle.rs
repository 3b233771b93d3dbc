//! The export: a FHIR R4 `collection` Bundle of the Questionnaire of each
//! instrument the person has answered, then every response, oldest first.

use between_domain::measure::Instrument;
use jiff::Timestamp;
use serde_json::{json, Value};

use super::{questionnaire, response};
use crate::measures::MeasureView;

pub fn bundle(measures: &[MeasureView], now: Timestamp) -> Value {
    let used = Instrument::ALL
        .into_iter()
        .filter(|i| measures.iter().any(|m| m.response.data.instrument == *i));
    let questionnaires = used.map(|i| json!({"resource": questionnaire(i.def())}));
    let responses = measures.iter().map(|m| {
        json!({
            "fullUrl": format!("urn:uuid:{}", m.response.id),
            "resource": response(m),
        })
    });
    let entries: Vec<Value> = questionnaires.chain(responses).collect();
    let mut bundle = json!({
        "resourceType": "Bundle",
        "id": uuid::Uuid::now_v7().to_string(),
        "type": "collection",
        "timestamp": now.to_string(),
    });
    // FHIR's JSON has no empty arrays: no responses, no `entry`.
    if !entries.is_empty() {
        bundle["entry"] = Value::Array(entries);
    }
    bundle
}
