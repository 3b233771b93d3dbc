//! One instrument's definition as a FHIR R4 `Questionnaire`, and the names
//! its responses share with it: the canonical URL, each item's link id
//! (the LOINC code where there is one) and each answer's coding.

use between_domain::measure::definition::{Choice, Definition};
use serde_json::{json, Value};

pub const LOINC: &str = "http://loinc.org";

/// The R4 extension giving a coded answer its score.
pub const ORDINAL_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

/// The SDC extension computing an item from the others.
pub const CALCULATED: &str =
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression";

/// The version of every Questionnaire Between writes; it changes only if
/// an instrument's items or answers do.
pub const VERSION: &str = "1";

/// The Questionnaire's canonical URL, which responses reference.
pub fn canonical(def: &Definition) -> String {
    format!("urn:between:questionnaire:{}", def.id)
}

/// The link id of item `n` (0-based): its LOINC code, or `phq9-1`-style.
pub fn item_link(def: &Definition, n: usize) -> String {
    match def.items.get(n).map(|i| i.loinc) {
        Some(code) if !code.is_empty() => code.to_string(),
        _ => format!("{}-{}", def.id, n + 1),
    }
}

/// The link id of the total score.
pub fn total_link(def: &Definition) -> String {
    if def.loinc_total.is_empty() {
        format!("{}-total", def.id)
    } else {
        def.loinc_total.to_string()
    }
}

/// The link id of the unscored follow-up question (the PHQ-9's difficulty).
pub const FOLLOW_UP_LINK: &str = "difficulty";

/// The code system of answers that have no LOINC code.
pub fn answer_system(def: &Definition) -> String {
    format!("urn:between:answers:{}", def.id)
}

/// The code system of the follow-up's answers.
pub fn follow_up_system(def: &Definition) -> String {
    format!("urn:between:answers:{}-difficulty", def.id)
}

/// An answer as a Coding: LOINC where coded, else the instrument's own
/// system with the value as the code.
pub fn answer_coding(def: &Definition, choice: &Choice) -> Value {
    if choice.loinc.is_empty() {
        json!({"system": answer_system(def), "code": choice.value.to_string(), "display": choice.label})
    } else {
        json!({"system": LOINC, "code": choice.loinc, "display": choice.label})
    }
}

/// The follow-up's answer `n` as a Coding.
pub fn follow_up_coding(def: &Definition, n: usize, label: &str) -> Value {
    json!({"system": follow_up_system(def), "code": n.to_string(), "display": label})
}

fn loinc(code: &str) -> Value {
    json!([{"system": LOINC, "code": code}])
}

/// A name usable as an identifier (R4's que-0): "PHQ9", "PCL5PastWeek".
fn computable_name(def: &Definition) -> String {
    def.name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The FHIRPath that adds up the answers' ordinal values (SDC's
/// `ordinal()`), times the instrument's scale.
fn total_expression(def: &Definition) -> String {
    let links: Vec<String> = (0..def.items.len())
        .map(|n| format!("'{}'", item_link(def, n)))
        .collect();
    let sum = format!(
        "%resource.item.where(linkId in ({})).answer.value.ordinal().sum()",
        links.join(" | ")
    );
    if def.scale == 1 {
        sum
    } else {
        format!("({sum}) * {}", def.scale)
    }
}

fn scoring_words(def: &Definition) -> String {
    let bands: Vec<String> = def
        .bands
        .iter()
        .map(|b| format!("{}{} {}", b.min, def.unit, b.label))
        .collect();
    let scale = if def.scale == 1 {
        String::new()
    } else {
        format!(" times {}", def.scale)
    };
    format!(
        "The sum of the answers{scale}, 0 to {}{}; bands from: {}. Reliable change: {}{}. Cut-off: {}.",
        def.max_points(),
        def.unit,
        bands.join("; "),
        def.reliable_change,
        def.unit,
        def.cutoff_words()
    )
}

/// The definition as a Questionnaire: the stem as a display item, each
/// question with its answers (and their ordinal values), the follow-up
/// if any, and the total, calculated and read-only.
pub fn questionnaire(def: &Definition) -> Value {
    let options: Vec<Value> = def
        .choices
        .iter()
        .map(|c| {
            let mut coding = answer_coding(def, c);
            coding["extension"] = json!([{"url": ORDINAL_VALUE, "valueDecimal": c.value}]);
            json!({"valueCoding": coding})
        })
        .collect();
    let stem = if def.lead.is_empty() {
        def.stem.to_string()
    } else {
        format!("{} {}", def.stem, def.lead)
    };
    let mut items =
        vec![json!({"linkId": format!("{}-stem", def.id), "type": "display", "text": stem})];
    for (n, item) in def.items.iter().enumerate() {
        let mut q = json!({
            "linkId": item_link(def, n),
            "prefix": format!("{}.", n + 1),
            "text": item.text,
            "type": "choice",
            "required": true,
            "answerOption": options,
        });
        if !item.loinc.is_empty() {
            q["code"] = loinc(item.loinc);
        }
        items.push(q);
    }
    if let Some(f) = def.follow_up {
        let answers: Vec<Value> = f
            .answers
            .iter()
            .enumerate()
            .map(|(n, a)| json!({"valueCoding": follow_up_coding(def, n, a)}))
            .collect();
        items.push(json!({
            "linkId": FOLLOW_UP_LINK,
            "text": f.question,
            "type": "choice",
            "required": false,
            "answerOption": answers,
        }));
    }
    let mut total = json!({
        "extension": [{
            "url": CALCULATED,
            "valueExpression": {
                "description": scoring_words(def),
                "language": "text/fhirpath",
                "expression": total_expression(def),
            },
        }],
        "linkId": total_link(def),
        "text": format!("{} total score", def.name),
        "type": "integer",
        "readOnly": true,
    });
    if !def.loinc_total.is_empty() {
        total["code"] = loinc(def.loinc_total);
    }
    items.push(total);
    let mut q = json!({
        "resourceType": "Questionnaire",
        "id": def.id,
        "url": canonical(def),
        "version": VERSION,
        "name": computable_name(def),
        "title": def.name,
        "status": "active",
        "subjectType": ["Patient"],
        "description": format!("{}: {}, over {}. {}", def.name, def.about, def.time_frame, def.screen_note).trim_end().to_string(),
        "copyright": def.copyright,
        "item": items,
    });
    if !def.loinc_panel.is_empty() {
        q["code"] = loinc(def.loinc_panel);
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use between_domain::measure::Instrument;

    #[test]
    fn names_are_identifiers_and_links_are_unique() {
        let names: Vec<String> = Instrument::ALL
            .iter()
            .map(|i| computable_name(i.def()))
            .collect();
        assert_eq!(names, ["PHQ9", "GAD7", "WHO5", "PCL5", "PCL5PastWeek"]);
        for i in Instrument::ALL {
            let q = questionnaire(i.def());
            let mut links: Vec<&str> = q["item"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i["linkId"].as_str())
                .collect();
            let count = links.len();
            links.sort_unstable();
            links.dedup();
            assert_eq!(links.len(), count, "{}", i.as_str());
        }
    }

    #[test]
    fn the_who5_total_is_its_percentage() {
        let q = questionnaire(Instrument::Who5.def());
        let total = q["item"]
            .as_array()
            .and_then(|i| i.last())
            .cloned()
            .unwrap_or_default();
        let expression = total["extension"][0]["valueExpression"]["expression"]
            .as_str()
            .unwrap_or_default();
        assert!(expression.ends_with("* 4"), "{expression}");
        assert_eq!(total["linkId"], "who5-total");
    }
}
