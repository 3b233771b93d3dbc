//! PHQ-9 and GAD-7 responses as a FHIR R4 Bundle of QuestionnaireResponse
//! resources, so a person can bring their scores to a clinic's system.
//! Items and answers carry their LOINC codes; the total is an item of its
//! own. The unscored PHQ-9 difficulty question goes as text.

use between_app::measures::MeasureView;
use between_domain::measure::instrument::{ANSWERS, DIFFICULTY_ANSWERS, DIFFICULTY_QUESTION};
use between_domain::measure::Instrument;
use jiff::Timestamp;
use serde_json::{json, Value};

/// LOINC answer codes of 0 Not at all … 3 Nearly every day.
const ANSWER_CODES: [&str; 4] = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"];

/// The LOINC panel of the questionnaire and the code of its total score.
fn codes(i: Instrument) -> (&'static str, &'static str, &'static str) {
    match i {
        Instrument::Phq9 => (
            "44249-1",
            "44261-6",
            "Patient Health Questionnaire 9 item (PHQ-9) total score",
        ),
        Instrument::Gad7 => (
            "69737-5",
            "70274-6",
            "Generalized anxiety disorder 7 item (GAD-7) total score",
        ),
    }
}

fn response(m: &MeasureView) -> Value {
    let r = &m.response.data;
    let (panel, total_code, total_text) = codes(r.instrument);
    let mut items: Vec<Value> = r
        .answers
        .iter()
        .enumerate()
        .map(|(n, a)| {
            let a = usize::from(*a).min(3);
            json!({
                "linkId": r.instrument.loinc()[n],
                "code": [{"system": "http://loinc.org", "code": r.instrument.loinc()[n]}],
                "text": r.instrument.items()[n],
                "answer": [{"valueCoding": {
                    "system": "http://loinc.org",
                    "code": ANSWER_CODES[a],
                    "display": ANSWERS[a],
                }}],
            })
        })
        .collect();
    if let Some(d) = r.difficulty {
        items.push(json!({
            "linkId": "difficulty",
            "text": DIFFICULTY_QUESTION,
            "answer": [{"valueString": DIFFICULTY_ANSWERS[usize::from(d).min(3)]}],
        }));
    }
    items.push(json!({
        "linkId": total_code,
        "code": [{"system": "http://loinc.org", "code": total_code}],
        "text": total_text,
        "answer": [{"valueInteger": m.scored.total}],
    }));
    json!({
        "resourceType": "QuestionnaireResponse",
        "id": m.response.id.to_string(),
        "questionnaire": format!("http://loinc.org/q/{panel}"),
        "status": "completed",
        "authored": m.response.occurred_at.to_string(),
        "item": items,
    })
}

/// A `collection` Bundle of every response, oldest first.
pub fn bundle(measures: &[MeasureView], now: Timestamp) -> Value {
    let entries: Vec<Value> = measures
        .iter()
        .map(|m| {
            json!({
                "fullUrl": format!("urn:uuid:{}", m.response.id),
                "resource": response(m),
            })
        })
        .collect();
    json!({
        "resourceType": "Bundle",
        "id": uuid::Uuid::now_v7().to_string(),
        "type": "collection",
        "timestamp": now.to_string(),
        "entry": entries,
    })
}
