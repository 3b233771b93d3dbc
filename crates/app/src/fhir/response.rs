//! One measure response as a FHIR R4 `QuestionnaireResponse` referencing
//! its instrument's `Questionnaire` (`questionnaire.rs`): the same link ids,
//! each answer the same Coding as the Questionnaire's option, the total
//! (in points: the WHO-5's percentage) as an integer.

use serde_json::{json, Value};

use super::questionnaire::{
    answer_coding, canonical, follow_up_coding, item_link, total_link, FOLLOW_UP_LINK,
};
use crate::measures::MeasureView;

pub fn response(m: &MeasureView) -> Value {
    let r = &m.response.data;
    let def = r.instrument.def();
    let mut items: Vec<Value> = r
        .answers
        .iter()
        .enumerate()
        .filter_map(|(n, a)| {
            let item = def.items.get(n)?;
            let choice = def.choices.iter().find(|c| c.value == *a)?;
            Some(json!({
                "linkId": item_link(def, n),
                "text": item.text,
                "answer": [{"valueCoding": answer_coding(def, choice)}],
            }))
        })
        .collect();
    if let (Some(d), Some(f)) = (r.difficulty, def.follow_up) {
        if let Some(answer) = f.answers.get(usize::from(d)) {
            items.push(json!({
                "linkId": FOLLOW_UP_LINK,
                "text": f.question,
                "answer": [{"valueCoding": follow_up_coding(def, usize::from(d), answer)}],
            }));
        }
    }
    items.push(json!({
        "linkId": total_link(def),
        "text": format!("{} total score", def.name),
        "answer": [{"valueInteger": m.scored.points}],
    }));
    json!({
        "resourceType": "QuestionnaireResponse",
        "id": m.response.id.to_string(),
        "questionnaire": canonical(def),
        "status": "completed",
        "authored": m.response.occurred_at.to_string(),
        "item": items,
    })
}
