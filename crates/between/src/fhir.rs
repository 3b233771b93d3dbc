//! Measure responses as a FHIR R4 Bundle of QuestionnaireResponse
//! resources, so a person can bring their scores to a clinic's system.
//! Items and answers carry their LOINC codes where the instrument has them
//! (PHQ-9, GAD-7); the total is an item of its own. The unscored PHQ-9
//! difficulty question goes as text.

use between_app::measures::MeasureView;
use jiff::Timestamp;
use serde_json::{json, Value};

fn response(m: &MeasureView) -> Value {
    let r = &m.response.data;
    let def = r.instrument.def();
    let loinc = |code: &str| json!([{"system": "http://loinc.org", "code": code}]);
    let mut items: Vec<Value> = r
        .answers
        .iter()
        .enumerate()
        .filter_map(|(n, a)| {
            let item = def.items.get(n)?;
            let choice = def.choices.iter().find(|c| c.value == *a)?;
            let link = if item.loinc.is_empty() {
                format!("{}-{}", def.id, n + 1)
            } else {
                item.loinc.to_string()
            };
            let coding = if choice.loinc.is_empty() {
                json!({"code": choice.value.to_string(), "display": choice.label})
            } else {
                json!({"system": "http://loinc.org", "code": choice.loinc, "display": choice.label})
            };
            let mut out = json!({
                "linkId": link,
                "text": item.text,
                "answer": [{"valueCoding": coding}],
            });
            if !item.loinc.is_empty() {
                out["code"] = loinc(item.loinc);
            }
            Some(out)
        })
        .collect();
    if let (Some(d), Some(f)) = (r.difficulty, def.follow_up) {
        if let Some(answer) = f.answers.get(usize::from(d)) {
            items.push(json!({
                "linkId": "difficulty",
                "text": f.question,
                "answer": [{"valueString": answer}],
            }));
        }
    }
    let total_link = if def.loinc_total.is_empty() {
        format!("{}-total", def.id)
    } else {
        def.loinc_total.to_string()
    };
    let mut total = json!({
        "linkId": total_link,
        "text": format!("{} total score", def.name),
        "answer": [{"valueInteger": m.scored.total}],
    });
    if !def.loinc_total.is_empty() {
        total["code"] = loinc(def.loinc_total);
    }
    items.push(total);
    let questionnaire = if def.loinc_panel.is_empty() {
        format!("urn:between:questionnaire:{}", def.id)
    } else {
        format!("http://loinc.org/q/{}", def.loinc_panel)
    };
    json!({
        "resourceType": "QuestionnaireResponse",
        "id": m.response.id.to_string(),
        "questionnaire": questionnaire,
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
