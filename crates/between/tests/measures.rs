//! Measures, the safety message, the crisis page and the safety plan
//! through the web pages.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use support::{Jar, TestApp};

fn answers(values: &[u8]) -> Vec<(String, String)> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("q{}", i + 1), v.to_string()))
        .collect()
}

#[tokio::test]
async fn a_phq9_is_scored_and_item_nine_shows_the_safety_message() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let csrf = t.csrf(&jar).await;
    let form = t.get("/measures/take/phq9", &jar).await;
    assert!(form
        .body
        .contains("Thoughts that you would be better off dead or of hurting yourself in some way"));
    assert!(
        form.body.contains("No permission required to reproduce"),
        "the copyright line"
    );
    let mut fields = answers(&[1, 1, 1, 1, 1, 1, 1]);
    fields.push(("csrf".into(), csrf.clone()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let partial = t.post_form("/measures/take/phq9", &jar, &borrowed).await;
    assert_eq!(partial.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(partial.body.contains("still open: 8, 9"));
    assert!(
        partial.body.contains(r#"name="q1" value="1" checked"#),
        "answers given stay selected"
    );

    let mut fields = answers(&[2, 2, 1, 1, 1, 1, 1, 1, 1]);
    fields.push(("csrf".into(), csrf.clone()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let result = t.post_form("/measures/take/phq9", &jar, &borrowed).await;
    assert_eq!(result.status, StatusCode::OK, "{}", result.body);
    assert!(result.body.contains("11 of 27 (moderate)"));
    assert!(
        result.body.contains("role=\"alert\"")
            && result.body.contains("116 123")
            && result.body.contains("988")
    );
    assert!(
        result.body.contains("not an emergency service") && result.body.contains("nobody watches")
    );
    assert!(result.body.contains("href=\"/safety-plan\""));

    let mut fields = answers(&[0, 0, 0, 0, 0, 0, 0]);
    fields.push(("csrf".into(), csrf.clone()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let gad = t.post_form("/measures/take/gad7", &jar, &borrowed).await;
    assert!(gad.body.contains("0 of 21 (minimal)") && !gad.body.contains("role=\"alert\""));
    let list = t.get("/measures", &jar).await;
    assert!(
        list.body.contains("<svg") && list.body.contains("moderately severe"),
        "a chart with severity bands"
    );
}

#[tokio::test]
async fn every_page_links_to_crisis_contacts_and_the_safety_plan_is_kept() {
    let t = TestApp::new().await;
    assert!(t
        .get("/signin", &Jar::default())
        .await
        .body
        .contains("href=\"/crisis\""));
    let crisis = t.get("/crisis", &Jar::default()).await;
    assert_eq!(crisis.status, StatusCode::OK);
    assert!(crisis.body.contains("116 123") && crisis.body.contains("not an emergency service"));
    let jar = t.signed_in("bo").await;
    let csrf = t.csrf(&jar).await;
    let stale = t
        .post_form(
            "/safety-plan",
            &jar,
            &[("csrf", "old"), ("reasons_for_living", "My dog Biscuit")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST);
    assert!(stale.body.contains("My dog Biscuit"));
    let saved = t
        .post_form(
            "/safety-plan",
            &jar,
            &[
                ("csrf", &csrf),
                ("reasons_for_living", "My dog Biscuit"),
                ("people_to_ask", "My sister"),
            ],
        )
        .await;
    assert_eq!(saved.location(), "/safety-plan?saved=1");
    let page = t.get("/safety-plan", &jar).await;
    assert!(
        page.body.contains("My dog Biscuit")
            && page.body.contains("Warning signs")
            && page.body.contains("My reasons for living")
    );
}

#[tokio::test]
async fn the_api_scores_measures_and_refuses_partial_ones() {
    let t = TestApp::new().await;
    t.signed_in("cy").await;
    let token = t.token("cy", between_app::Access::Full).await;
    let tk = Some(token.as_str());
    let r = t
        .api(
            "POST",
            "/api/v1/measures",
            tk,
            Some(r#"{"instrument": "gad7", "answers": [2, 2, 2, 2, 1, 1, 1]}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (r.json()["total"].clone(), r.json()["severity"].clone()),
        (serde_json::json!(11), serde_json::json!("moderate"))
    );
    for body in [
        r#"{"instrument": "gad7", "answers": [1, 1]}"#,
        r#"{"instrument": "gad7", "answers": [4, 0, 0, 0, 0, 0, 0]}"#,
        r#"{"instrument": "x", "answers": []}"#,
    ] {
        let r = t.api("POST", "/api/v1/measures", tk, Some(body)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    let list = t.api("GET", "/api/v1/measures", tk, None).await.json();
    assert_eq!(list["measures"].as_array().unwrap().len(), 1);
    assert_eq!(list["due"], serde_json::json!(["phq9"]));
}

#[tokio::test]
async fn every_instrument_has_its_form_and_the_who5_and_pcl5_score_their_own_way() {
    let t = TestApp::new().await;
    let jar = t.signed_in("wen").await;
    let csrf = t.csrf(&jar).await;
    let list = t.get("/measures", &jar).await;
    for i in between_domain::measure::Instrument::ALL {
        assert!(
            list.body
                .contains(&format!("/measures/take/{}", i.as_str())),
            "{} is offered",
            i.name()
        );
        let form = t.get(&format!("/measures/take/{}", i.as_str()), &jar).await;
        assert_eq!(form.status, StatusCode::OK);
        let def = i.def();
        assert!(
            form.body.contains(&def.copyright[..20]),
            "the copyright line"
        );
        let radios = form.body.matches("type=\"radio\" name=\"q").count();
        assert_eq!(radios, def.items.len() * def.choices.len(), "{}", i.name());
        assert_eq!(
            form.body.contains("name=\"difficulty\""),
            def.follow_up.is_some(),
            "only the PHQ-9 asks about difficulty"
        );
    }
    let weekly = t.get("/measures/take/pcl5-weekly", &jar).await;
    assert!(weekly
        .body
        .contains("In the past week, how much were you bothered by:"));
    assert!(weekly.body.contains("a screen, not a diagnosis"));

    let post = |path: &'static str, values: Vec<u8>| {
        let mut fields = answers(&values);
        fields.push(("csrf".into(), csrf.clone()));
        let t = &t;
        let jar = &jar;
        async move {
            let borrowed: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            t.post_form(path, jar, &borrowed).await
        }
    };
    // WHO-5: raw 12 is 48 %, below the cut-off of 50 %.
    let who5 = post("/measures/take/who5", vec![3, 2, 2, 3, 2]).await;
    assert!(
        who5.body.contains("WHO-5: 48% (poor wellbeing)"),
        "{}",
        who5.body
    );
    assert!(who5.body.contains("higher score means better wellbeing"));
    // A 6 is not a WHO-5 answer.
    let bad = post("/measures/take/who5", vec![6, 2, 2, 3, 2]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("from 0 to 5"), "{}", bad.body);
    // Going up by 12 points is improvement.
    let up = post("/measures/take/who5", vec![3, 3, 3, 2, 4]).await;
    assert!(
        up.body.contains("WHO-5: 60% (good wellbeing)"),
        "{}",
        up.body
    );
    assert!(up
        .body
        .contains("Since last time: <strong>reliable improvement"));
    let pcl = post("/measures/take/pcl5", vec![2; 20]).await;
    assert!(
        pcl.body
            .contains("PCL-5: 40 of 80 (above the cut-off for probable PTSD)"),
        "{}",
        pcl.body
    );
    let list = t.get("/measures", &jar).await;
    assert!(list.body.contains("WHO-5 over time, with its bands"));
    assert!(list.body.contains("Higher is better."));
}

#[tokio::test]
async fn the_api_takes_a_who5_with_its_percentage_and_a_weekly_pcl5() {
    let t = TestApp::new().await;
    t.signed_in("cy").await;
    let token = t.token("cy", between_app::Access::Full).await;
    let tk = Some(token.as_str());
    let r = t
        .api(
            "POST",
            "/api/v1/measures",
            tk,
            Some(r#"{"instrument": "who5", "answers": [5, 4, 4, 3, 4]}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let j = r.json();
    assert_eq!(
        (
            &j["instrument"],
            &j["total"],
            &j["percentage"],
            &j["severity"],
            &j["caseness"]
        ),
        (
            &serde_json::json!("who5"),
            &serde_json::json!(20),
            &serde_json::json!(80),
            &serde_json::json!("good_wellbeing"),
            &serde_json::json!(false)
        )
    );
    let r = t
        .api(
            "POST",
            "/api/v1/measures",
            tk,
            Some(r#"{"instrument": "pcl5-weekly", "answers": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["total"], 20);
    assert!(
        r.json().get("percentage").is_none(),
        "only the WHO-5 has one"
    );
    let r = t
        .api(
            "POST",
            "/api/v1/measures",
            tk,
            Some(r#"{"instrument": "gad7", "answers": [0,0,0,0,0,0,0], "difficulty": 1}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("no difficulty question"), "{}", r.body);
}

#[tokio::test]
async fn how_often_each_instrument_is_asked_for_is_set_on_the_measures_page() {
    let t = TestApp::new().await;
    let jar = t.signed_in("kim").await;
    let csrf = t.csrf(&jar).await;
    let page = t.get("/measures", &jar).await;
    assert!(page.body.contains("PHQ-9: every 2 weeks"));
    assert!(page.body.contains("PCL-5 (past week): off"));
    let set = t
        .post_form(
            "/measures/schedule/pcl5-weekly",
            &jar,
            &[("csrf", &csrf), ("cadence", "every"), ("weeks", "1")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let page = t.get("/measures?notice=scheduled", &jar).await;
    assert!(page.body.contains("PCL-5 (past week): every week"));
    assert!(page.body.contains("Saved: how often is changed."));
    assert!(
        page.body
            .contains("href=\"/measures/take/pcl5-weekly\">PCL-5 (past week)</a>"),
        "due now"
    );
    for (fields, says) in [
        (vec![("cadence", "every"), ("weeks", "0")], "1 to 52 weeks"),
        (vec![("cadence", "before"), ("days", "40")], "1 to 14 days"),
        (vec![("cadence", "sometimes")], "not a choice"),
    ] {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields);
        let r = t.post_form("/measures/schedule/who5", &jar, &all).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains(says), "{says}: {}", r.body);
    }
    let unknown = t
        .post_form(
            "/measures/schedule/bdi",
            &jar,
            &[("csrf", &csrf), ("cadence", "off")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_api_lists_and_sets_how_often_each_instrument_is_asked_for() {
    let t = TestApp::new().await;
    t.signed_in("lu").await;
    let token = t.token("lu", between_app::Access::Full).await;
    let tk = Some(token.as_str());
    let all = t
        .api("GET", "/api/v1/measure-schedules", tk, None)
        .await
        .json();
    assert_eq!(all["schedules"].as_array().unwrap().len(), 5);
    assert_eq!(
        all["schedules"][0],
        serde_json::json!({"instrument": "phq9", "cadence": {"kind": "every", "weeks": 2}, "own": false, "requested_by": null, "due": true})
    );
    let set = t
        .api(
            "PUT",
            "/api/v1/measure-schedules/pcl5-weekly",
            tk,
            Some(r#"{"kind": "every", "weeks": 1}"#),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(
        set.json()["cadence"],
        serde_json::json!({"kind": "every", "weeks": 1})
    );
    assert_eq!(set.json()["own"], true);
    let due = t.api("GET", "/api/v1/measures", tk, None).await.json();
    assert_eq!(
        due["due"],
        serde_json::json!(["phq9", "gad7", "pcl5-weekly"])
    );
    for (path, body, status) in [
        (
            "/api/v1/measure-schedules/who5",
            r#"{"kind": "every", "weeks": 0}"#,
            422,
        ),
        (
            "/api/v1/measure-schedules/who5",
            r#"{"kind": "sometimes"}"#,
            422,
        ),
        (
            "/api/v1/measure-schedules/who5",
            r#"{"kind": "off", "extra": 1}"#,
            400,
        ),
        ("/api/v1/measure-schedules/bdi", r#"{"kind": "off"}"#, 404),
    ] {
        let r = t.api("PUT", path, tk, Some(body)).await;
        assert_eq!(r.status.as_u16(), status, "{body}: {}", r.body);
    }
}
