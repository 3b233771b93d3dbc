//! FHIR R4 QuestionnaireResponses of the instruments Between knows, read
//! into measure responses: a Bundle of them (Between's own export, or a
//! clinic's), or one on its own. The instrument comes from the
//! `questionnaire` reference (Between's canonical URL, or one naming the
//! LOINC panel); each question is found by Between's link id or by its
//! LOINC code at the end of a link id (`/44250-9`, as LOINC forms write
//! them), in nested groups too; each answer by its Coding (LOINC answer
//! codes, Between's own codes), its integer value or its words. Anything
//! that does not fit is named (which response, which question, what was
//! found) and nothing is imported.

use between_domain::echo;
use between_domain::measure::definition::Definition;
use between_domain::measure::{Instrument, Response};
use between_domain::ValidationErrors;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::Value;

use crate::fhir::questionnaire::{
    answer_system, canonical, follow_up_system, item_link, total_link, FOLLOW_UP_LINK, LOINC,
};

/// One response read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedMeasure {
    /// Identifies the response whichever file it comes in: the instrument
    /// and the time it was taken.
    pub source_key: String,
    pub occurred_at: Timestamp,
    pub response: Response,
}

/// A LOINC form's code for GAD-7 item 2's answer 2 ("More days than not"),
/// accepted as "More than half the days" (`shared/reference/measures.md`).
const MORE_DAYS_THAN_NOT: &str = "LA18938-3";

pub fn parse(text: &str, tz: &TimeZone) -> Result<Vec<ImportedMeasure>, ValidationErrors> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        ValidationErrors::single(
            "file",
            format!("This is not FHIR JSON: {}.", echo::error(&e)),
        )
    })?;
    let responses: Vec<&Value> = match root["resourceType"].as_str() {
        Some("QuestionnaireResponse") => vec![&root],
        Some("Bundle") => root["entry"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| &e["resource"])
            .filter(|r| r["resourceType"] == "QuestionnaireResponse")
            .collect(),
        Some(other) => {
            return Err(ValidationErrors::single(
                "file",
                format!(
                    "This FHIR file holds a {}: Between imports a Bundle of QuestionnaireResponses, or one QuestionnaireResponse.",
                    echo::quote(other)
                ),
            ))
        }
        None => {
            return Err(ValidationErrors::single(
                "file",
                "This JSON has no resourceType: it is not a FHIR resource.",
            ))
        }
    };
    if responses.is_empty() {
        return Err(ValidationErrors::single(
            "file",
            "This Bundle holds no QuestionnaireResponse.",
        ));
    }
    let mut errors = ValidationErrors::new();
    let mut out = Vec::with_capacity(responses.len());
    for (i, r) in responses.into_iter().enumerate() {
        match read(r, tz) {
            Ok(m) => out.push(m),
            Err(why) => {
                let id = r["id"]
                    .as_str()
                    .map(|id| format!(" ({})", echo::quote(id)))
                    .unwrap_or_default();
                errors.add(
                    &format!("responses[{i}]"),
                    format!("Response {}{id}: {why}", i + 1),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Which instrument a `questionnaire` reference names.
fn instrument(reference: &str) -> Option<Instrument> {
    let url = reference.split('|').next().unwrap_or_default().trim();
    Instrument::ALL.into_iter().find(|i| {
        let def = i.def();
        url == canonical(def)
            || (!def.loinc_panel.is_empty()
                && url
                    .rsplit(['/', ':'])
                    .next()
                    .is_some_and(|last| last == def.loinc_panel))
    })
}

/// `authored` as an instant; a date alone is taken at noon where the person
/// lives.
fn authored(r: &Value, tz: &TimeZone) -> Result<Timestamp, String> {
    let text = r["authored"]
        .as_str()
        .ok_or("it has no authored time, so Between cannot tell when it was taken.")?;
    if let Ok(at) = text.parse::<Timestamp>() {
        return Ok(at);
    }
    text.parse::<Date>()
        .ok()
        .and_then(|d| d.at(12, 0, 0, 0).to_zoned(tz.clone()).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            format!(
                "its authored time {} is not a FHIR dateTime with a time zone.",
                echo::quote(text)
            )
        })
}

/// Every item that holds answers, however deeply grouped.
fn answered<'a>(items: &'a Value, out: &mut Vec<&'a Value>) {
    for item in items.as_array().into_iter().flatten() {
        if item.get("answer").is_some() {
            out.push(item);
        }
        answered(&item["item"], out);
        for answer in item["answer"].as_array().into_iter().flatten() {
            answered(&answer["item"], out);
        }
    }
}

fn link_of(item: &Value) -> &str {
    item["linkId"].as_str().unwrap_or_default()
}

/// The item answering question `n`: by Between's link id, or by the LOINC
/// code a LOINC form ends its link id with.
fn find<'a>(items: &[&'a Value], def: &Definition, n: usize) -> Option<&'a Value> {
    let link = item_link(def, n);
    let loinc = def.items.get(n).map(|i| i.loinc).unwrap_or_default();
    items.iter().copied().find(|i| {
        let id = link_of(i);
        id == link || (!loinc.is_empty() && id.rsplit('/').next() == Some(loinc))
    })
}

/// The one answer of an item.
fn value(item: &Value) -> Result<&Value, String> {
    match item["answer"].as_array().map(Vec::as_slice) {
        Some([one]) => Ok(one),
        Some([]) | None => Err("has no answer".into()),
        Some(_) => Err("has more than one answer".into()),
    }
}

/// The value (0…) an answer scores.
fn score(def: &Definition, n: usize, answer: &Value) -> Result<u8, String> {
    if let Some(coding) = answer.get("valueCoding") {
        let (system, code) = (
            coding["system"].as_str().unwrap_or_default(),
            coding["code"].as_str().unwrap_or_default(),
        );
        let found = def.choices.iter().find(|c| {
            (system == LOINC && !c.loinc.is_empty() && code == c.loinc)
                || (system == answer_system(def) && code == c.value.to_string())
        });
        if let Some(c) = found {
            return Ok(c.value);
        }
        if def.id == "gad7" && n == 1 && system == LOINC && code == MORE_DAYS_THAN_NOT {
            return Ok(2);
        }
        return Err(format!(
            "answer {} of system {} is not one of its answers",
            echo::quote(code),
            echo::quote(system)
        ));
    }
    if let Some(v) = answer.get("valueInteger") {
        return v
            .as_u64()
            .and_then(|v| u8::try_from(v).ok())
            .filter(|v| *v <= def.max_answer())
            .ok_or_else(|| format!("answer {v} is not from 0 to {}", def.max_answer()));
    }
    if let Some(words) = answer.get("valueString").and_then(Value::as_str) {
        return def
            .choices
            .iter()
            .find(|c| c.label.eq_ignore_ascii_case(words.trim()))
            .map(|c| c.value)
            .ok_or_else(|| format!("answer {} is not one of its answers", echo::quote(words)));
    }
    Err("has an answer that is not a Coding, an integer or words".into())
}

/// The follow-up's answer (0…), if the response has one.
fn follow_up(def: &Definition, items: &[&Value]) -> Result<Option<u8>, String> {
    let (Some(f), Some(item)) = (
        def.follow_up,
        items.iter().find(|i| link_of(i) == FOLLOW_UP_LINK),
    ) else {
        return Ok(None);
    };
    let answer = value(item).map_err(|why| format!("the difficulty question {why}."))?;
    let by_code = answer.get("valueCoding").and_then(|c| {
        (c["system"].as_str() == Some(&follow_up_system(def)))
            .then(|| c["code"].as_str()?.parse::<usize>().ok())
            .flatten()
    });
    let by_words = answer
        .get("valueString")
        .and_then(Value::as_str)
        .and_then(|w| {
            f.answers
                .iter()
                .position(|a| a.eq_ignore_ascii_case(w.trim()))
        });
    by_code
        .or(by_words)
        .filter(|n| *n < f.answers.len())
        .and_then(|n| u8::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| "the difficulty question's answer is not one of its answers.".into())
}

fn read(r: &Value, tz: &TimeZone) -> Result<ImportedMeasure, String> {
    let reference = r["questionnaire"].as_str().unwrap_or_default();
    let instrument = instrument(reference).ok_or_else(|| {
        let known: Vec<&str> = Instrument::ALL.iter().map(|i| i.name()).collect();
        format!(
            "its questionnaire {} is not one Between knows ({}).",
            echo::quote(reference),
            known.join(", ")
        )
    })?;
    let def = instrument.def();
    match r["status"].as_str() {
        Some("completed" | "amended") => {}
        other => {
            return Err(format!(
                "its status is {}, not completed: only completed responses are imported.",
                echo::quote(other.unwrap_or("missing"))
            ))
        }
    }
    let at = authored(r, tz)?;
    let mut items = Vec::new();
    answered(&r["item"], &mut items);
    let mut answers = Vec::with_capacity(def.items.len());
    for (n, question) in def.items.iter().enumerate() {
        let item = find(&items, def, n).ok_or_else(|| {
            format!(
                "the {} question {} ({}) is not answered.",
                def.name,
                n + 1,
                echo::quote(question.text)
            )
        })?;
        let answer = value(item)
            .and_then(|a| score(def, n, a))
            .map_err(|why| format!("the {} question {} {why}.", def.name, n + 1))?;
        answers.push(answer);
    }
    let difficulty = follow_up(def, &items)?;
    let response = Response {
        instrument,
        answers,
        difficulty,
    }
    .validated()
    .map_err(|e| e.to_string())?;
    if let Some(total) = items.iter().find(|i| link_of(i) == total_link(def)) {
        let points = def.points(response.answers.iter().sum());
        let given = value(total).ok().and_then(|a| a["valueInteger"].as_u64());
        if given != Some(u64::from(points)) {
            return Err(format!(
                "its total score says {}, but its answers add up to {points}.",
                given.map_or_else(|| "nothing".to_string(), |g| g.to_string())
            ));
        }
    }
    Ok(ImportedMeasure {
        source_key: format!("fhir|{}|{}", def.id, at.as_microsecond()),
        occurred_at: at,
        response,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phq9_loinc_form(answers: &[&str]) -> String {
        let codes = [
            "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3",
            "44260-8",
        ];
        let items: Vec<Value> = codes
            .iter()
            .zip(answers)
            .map(|(c, a)| serde_json::json!({"linkId": format!("/{c}"), "answer": [{"valueCoding": {"system": LOINC, "code": a}}]}))
            .collect();
        serde_json::json!({
            "resourceType": "QuestionnaireResponse",
            "questionnaire": "http://loinc.org/q/44249-1",
            "status": "completed",
            "authored": "2026-03-02",
            "item": [{"linkId": "/44249-1", "item": items}],
        })
        .to_string()
    }

    #[test]
    fn a_loinc_form_in_groups_is_read_by_its_codes() {
        let text = phq9_loinc_form(&[
            "LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9", "LA6568-5", "LA6568-5", "LA6568-5",
            "LA6568-5", "LA6568-5",
        ]);
        let read = parse(&text, &TimeZone::UTC).unwrap_or_default();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].response.answers, [0, 1, 2, 3, 0, 0, 0, 0, 0]);
        assert_eq!(read[0].occurred_at.to_string(), "2026-03-02T12:00:00Z");
    }

    #[test]
    fn what_does_not_fit_is_named() {
        let text = phq9_loinc_form(&[
            "LA6568-5", "LA6569-3", "LA9999-9", "LA6571-9", "LA6568-5", "LA6568-5", "LA6568-5",
            "LA6568-5",
        ]);
        let why = parse(&text, &TimeZone::UTC)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            why.contains("Response 1") && why.contains("question 3") && why.contains("LA9999-9"),
            "{why}"
        );
        let unknown = r#"{"resourceType":"QuestionnaireResponse","questionnaire":"http://example.org/q/k10","status":"completed","authored":"2026-03-02"}"#;
        let why = parse(unknown, &TimeZone::UTC)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(why.contains("k10") && why.contains("PHQ-9"), "{why}");
        let patient = r#"{"resourceType":"Patient"}"#;
        let why = parse(patient, &TimeZone::UTC)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(why.contains("Patient"), "{why}");
    }

    #[test]
    fn a_gad7_more_days_than_not_is_more_than_half_the_days() {
        let codes = [
            "69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7",
        ];
        let items: Vec<Value> = codes
            .iter()
            .enumerate()
            .map(|(n, c)| {
                let answer = if n == 1 {
                    MORE_DAYS_THAN_NOT
                } else {
                    "LA6569-3"
                };
                serde_json::json!({
                    "linkId": c,
                    "answer": [{"valueCoding": {"system": LOINC, "code": answer}}],
                })
            })
            .collect();
        let r = serde_json::json!({
            "resourceType": "QuestionnaireResponse",
            "questionnaire": "Questionnaire/69737-5",
            "status": "completed",
            "authored": "2026-03-02T09:00:00+01:00",
            "item": items,
        });
        let read = parse(&r.to_string(), &TimeZone::UTC).unwrap_or_default();
        assert_eq!(
            read.first().map(|m| m.response.answers.clone()),
            Some(vec![1, 2, 1, 1, 1, 1, 1])
        );
    }
}
