//! Measures as FHIR R4: every instrument's Questionnaire and every response
//! Between exports is valid R4, element by element (`support/fhir_r4.rs`);
//! each response fits the Questionnaire it references; an export reads
//! back into another account with the same scores, and twice adds
//! nothing; a file that does not fit is refused with what is wrong, and
//! changes nothing.

#![allow(clippy::unwrap_used)]

#[path = "support/fhir_r4.rs"]
mod fhir_r4;
mod support;

use axum::http::StatusCode;
use between_app::Access;
use between_domain::measure::Instrument;
use fhir_r4::{fits, R4};
use serde_json::{json, Value};
use support::TestApp;

/// Answers for `instrument`, the item number times `k`, within range.
fn answers(instrument: Instrument, k: usize) -> Vec<u8> {
    let def = instrument.def();
    (0..def.items.len())
        .map(|n| ((n * k) % (usize::from(def.max_answer()) + 1)) as u8)
        .collect()
}

async fn take_every_instrument(t: &TestApp, token: &str) {
    for (k, instrument) in Instrument::ALL.into_iter().enumerate() {
        for day in [3, 17] {
            let body = json!({
                "instrument": instrument.as_str(),
                "answers": answers(instrument, k + day),
                "difficulty": (instrument == Instrument::Phq9).then_some(2),
                "at": format!("2026-0{}-{day:02}T09:30:00+01:00", k + 1),
            });
            let reply = t
                .api(
                    "POST",
                    "/api/v1/measures",
                    Some(token),
                    Some(&body.to_string()),
                )
                .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        }
    }
}

fn resources<'a>(bundle: &'a Value, ty: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == ty)
        .collect()
}

#[test]
fn every_instrument_is_a_valid_r4_questionnaire() {
    let r4 = R4::load();
    for instrument in Instrument::ALL {
        let def = instrument.def();
        let q = between_app::fhir::questionnaire(def);
        assert_eq!(r4.check(&q), Vec::<String>::new(), "{}", def.id);
        let questions: Vec<&Value> = q["item"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["type"] == "choice" && i["required"] == true)
            .collect();
        assert_eq!(questions.len(), def.items.len(), "{}", def.id);
        for (item, question) in def.items.iter().zip(&questions) {
            assert_eq!(question["text"], item.text, "the words as published");
            assert_eq!(
                question["answerOption"].as_array().unwrap().len(),
                def.choices.len()
            );
            if !item.loinc.is_empty() {
                assert_eq!(question["code"][0]["code"], item.loinc);
                assert_eq!(question["linkId"], item.loinc);
            }
        }
        if !def.loinc_panel.is_empty() {
            assert_eq!(q["code"][0]["system"], "http://loinc.org");
            assert_eq!(q["code"][0]["code"], def.loinc_panel);
        }
        assert_eq!(q["copyright"], def.copyright);
    }
}

#[test]
fn the_checker_refuses_what_r4_forbids() {
    let r4 = R4::load();
    let good = json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "urn:between:questionnaire:phq9",
        "status": "completed",
        "authored": "2026-03-02T09:00:00Z",
        "item": [{"linkId": "44250-9", "answer": [{"valueInteger": 1}]}],
    });
    assert_eq!(r4.check(&good), Vec::<String>::new());
    type Change = fn(&mut Value);
    let cases: [(&str, Change, &str); 9] = [
        (
            "a QuestionnaireResponse item has no code in R4",
            |r| r["item"][0]["code"] = json!([{"code": "x"}]),
            "QuestionnaireResponse.item[0].code: not an element",
        ),
        (
            "status is a required binding",
            |r| r["status"] = json!("finished"),
            "not in its required value set",
        ),
        (
            "status is required",
            |r| {
                r.as_object_mut().unwrap().remove("status");
            },
            "status: required, missing",
        ),
        (
            "one value[x] per answer",
            |r| r["item"][0]["answer"][0]["valueString"] = json!("one"),
            "more than one value[x]",
        ),
        (
            "no empty arrays",
            |r| r["item"] = json!([]),
            "an empty array",
        ),
        (
            "linkId is required",
            |r| {
                r["item"][0].as_object_mut().unwrap().remove("linkId");
            },
            "linkId: required, missing",
        ),
        (
            "authored is a dateTime with a zone",
            |r| r["authored"] = json!("2026-03-02T09:00:00"),
            "not a valid dateTime",
        ),
        (
            "integers are JSON numbers",
            |r| r["item"][0]["answer"][0]["valueInteger"] = json!("1"),
            "not a valid integer",
        ),
        (
            "qrs-1",
            |r| r["item"][0]["item"] = json!([{"linkId": "b"}]),
            "qrs-1",
        ),
    ];
    for (why, change, expected) in cases {
        let mut bad = good.clone();
        change(&mut bad);
        let problems = r4.check(&bad);
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{why}: {problems:?}"
        );
    }
    let mut q = between_app::fhir::questionnaire(Instrument::Gad7.def());
    q["name"] = json!("gad-7");
    q["item"][1]["linkId"] = q["item"][2]["linkId"].clone();
    q["item"][0]["code"] = json!([{"system": "http://loinc.org", "code": "x"}]);
    let problems = r4.check(&q).join("\n");
    for invariant in ["que-0", "que-2", "que-3"] {
        assert!(problems.contains(invariant), "{invariant}: {problems}");
    }
}

#[tokio::test]
async fn an_export_is_valid_r4_and_every_response_fits_its_questionnaire() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    take_every_instrument(&t, &token).await;
    let export = t.get("/settings/export?format=fhir", &jar).await;
    assert_eq!(export.status, StatusCode::OK);
    let bundle = export.json();
    let r4 = R4::load();
    assert_eq!(r4.check(&bundle), Vec::<String>::new());
    let questionnaires = resources(&bundle, "Questionnaire");
    let responses = resources(&bundle, "QuestionnaireResponse");
    assert_eq!(questionnaires.len(), Instrument::ALL.len());
    assert_eq!(responses.len(), 2 * Instrument::ALL.len());
    for r in &responses {
        let q = questionnaires
            .iter()
            .find(|q| q["url"] == r["questionnaire"])
            .unwrap_or_else(|| panic!("{} is in the bundle", r["questionnaire"]));
        assert_eq!(fits(r, q), Vec::<String>::new(), "{}", q["id"]);
    }
    let who5 = responses
        .iter()
        .find(|r| r["questionnaire"] == "urn:between:questionnaire:who5")
        .unwrap();
    let total = who5["item"].as_array().unwrap().last().unwrap();
    let raw: u64 = answers(Instrument::Who5, 2 + 3)
        .iter()
        .map(|a| u64::from(*a))
        .sum();
    assert_eq!(
        total["answer"][0]["valueInteger"],
        raw * 4,
        "the WHO-5's total is its percentage"
    );

    // No measures: a valid Bundle without entries.
    let empty = t.signed_in("bea").await;
    let bundle = t.get("/settings/export?format=fhir", &empty).await.json();
    assert_eq!(r4.check(&bundle), Vec::<String>::new());
    assert!(bundle.get("entry").is_none());
}

/// (instrument, points, taken at) of every measure, in order.
async fn scores(t: &TestApp, token: &str) -> Vec<(String, u64, String)> {
    let list = t
        .api("GET", "/api/v1/measures", Some(token), None)
        .await
        .json();
    list["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let at: jiff::Timestamp = m["taken_at"].as_str().unwrap().parse().unwrap();
            (
                m["instrument"].as_str().unwrap().to_string(),
                m["total"].as_u64().unwrap(),
                at.to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_export_reads_back_with_the_same_scores_and_twice_adds_nothing() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let ada = t.token("ada", Access::Full).await;
    take_every_instrument(&t, &ada).await;
    let export = t.get("/settings/export?format=fhir", &jar).await.body;

    t.signed_in("bea").await;
    let bea = t.token("bea", Access::Full).await;
    let dry = t
        .api(
            "POST",
            "/api/v1/import?from=fhir&dry_run=true",
            Some(&bea),
            Some(&export),
        )
        .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    assert_eq!(dry.json()["added"], 10);
    assert!(
        scores(&t, &bea).await.is_empty(),
        "a dry run writes nothing"
    );
    let done = t
        .api(
            "POST",
            "/api/v1/import?from=fhir",
            Some(&bea),
            Some(&export),
        )
        .await
        .json();
    assert_eq!(done["added_by_kind"], json!({"measure": 10}));
    assert_eq!(scores(&t, &bea).await, scores(&t, &ada).await);
    let again = t
        .api(
            "POST",
            "/api/v1/import?from=fhir",
            Some(&bea),
            Some(&export),
        )
        .await
        .json();
    assert_eq!(
        (again["added"].clone(), again["skipped"].clone()),
        (json!(0), json!(10))
    );
    let own = t
        .api(
            "POST",
            "/api/v1/import?from=fhir",
            Some(&ada),
            Some(&export),
        )
        .await
        .json();
    assert_eq!(own["added"], 0, "one's own export is already there");
}

#[tokio::test]
async fn a_file_that_does_not_fit_is_refused_with_what_is_wrong_and_changes_nothing() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let ada = t.token("ada", Access::Full).await;
    take_every_instrument(&t, &ada).await;
    let bundle = t.get("/settings/export?format=fhir", &jar).await.json();
    t.signed_in("bea").await;
    let bea = t.token("bea", Access::Full).await;

    let mut wrong_total = bundle.clone();
    let entries = wrong_total["entry"].as_array_mut().unwrap();
    let phq = entries
        .iter_mut()
        .find(|e| e["resource"]["questionnaire"] == "urn:between:questionnaire:phq9")
        .unwrap();
    let items = phq["resource"]["item"].as_array_mut().unwrap();
    items.last_mut().unwrap()["answer"][0]["valueInteger"] = json!(26);
    let mut unanswered = bundle.clone();
    let last = unanswered["entry"].as_array().unwrap().len() - 1;
    unanswered["entry"][last]["resource"]["item"]
        .as_array_mut()
        .unwrap()
        .remove(3);
    let mut in_progress = bundle.clone();
    in_progress["entry"][last]["resource"]["status"] = json!("in-progress");
    let cases = [
        (wrong_total, "its answers add up to"),
        (unanswered, "question 4"),
        (in_progress, "in-progress"),
        (json!({"resourceType": "Patient"}), "Patient"),
        (
            json!({"resourceType": "Bundle", "type": "collection"}),
            "no QuestionnaireResponse",
        ),
    ];
    for (file, expected) in cases {
        let reply = t
            .api(
                "POST",
                "/api/v1/import?from=fhir",
                Some(&bea),
                Some(&file.to_string()),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        assert!(reply.body.contains(expected), "{expected}: {}", reply.body);
    }
    assert!(scores(&t, &bea).await.is_empty());
}
