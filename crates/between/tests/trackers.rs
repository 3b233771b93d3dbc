//! Daily trackers through the web pages and the JSON API.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::Access;
use serde_json::json;
use support::TestApp;

#[tokio::test]
async fn a_daily_check_in_from_the_web_is_saved_shown_and_charted() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let home = t.get("/", &jar).await;
    assert!(home.body.contains("Track sleep, exercise or medication"));
    let csrf = t.csrf(&jar).await;
    for preset in ["sleep", "exercise"] {
        let r = t
            .post_form("/trackers", &jar, &[("csrf", &csrf), ("preset", preset)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let r = t
        .post_form(
            "/trackers",
            &jar,
            &[("csrf", &csrf), ("name", "Energy"), ("kind", "rating")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get("/trackers", &jar).await;
    assert!(page.body.contains("name=\"v.sleep\""));
    assert!(page.body.contains("name=\"v.exercise\" value=\"yes\""));
    assert!(
        page.body.contains("Add Medication taken"),
        "the last preset is still offered"
    );
    assert!(
        !page.body.contains("Add Sleep (hours)"),
        "added presets are not offered again"
    );

    // A bad value: the page says which and why, and nothing is saved.
    let bad = t
        .post_form(
            "/trackers/checkin",
            &jar,
            &[
                ("csrf", &csrf),
                ("date", "today"),
                ("v.sleep", "30"),
                ("v.exercise", "yes"),
                ("v.energy", "6"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("Sleep cannot be above 24 (got 30)."),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"30\""), "what was typed is kept");
    let home = t.get("/", &jar).await;
    assert!(home.body.contains("0 of 3 recorded today"), "{}", home.body);

    let ok = t
        .post_form(
            "/trackers/checkin",
            &jar,
            &[
                ("csrf", &csrf),
                ("v.sleep", "7.5"),
                ("v.exercise", "yes"),
                ("v.energy", ""),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = t.get("/trackers", &jar).await;
    assert!(page.body.contains("value=\"7.5\""));
    assert!(page.body.contains("<svg"), "a chart is drawn");
    assert!(page
        .body
        .contains("Yes on 1 of the last 7 days; 1 of 1 recorded day in this period."));
    assert!(t
        .get("/", &jar)
        .await
        .body
        .contains("2 of 3 recorded today"));

    // Deleting asks first, then removes the tracker.
    let id = t
        .app
        .trackers(&t.app.authenticate(&jar.0["between_session"]).await.unwrap())
        .await
        .unwrap()[2]
        .id;
    let confirm = t.get(&format!("/trackers/{id}/delete"), &jar).await;
    assert!(confirm.body.contains("Delete the tracker Energy?"));
    let gone = t
        .post_form(&format!("/trackers/{id}/delete"), &jar, &[("csrf", &csrf)])
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert!(!t.get("/trackers", &jar).await.body.contains("v.energy"));
}

#[tokio::test]
async fn the_api_defines_trackers_records_check_ins_and_finds_the_pattern() {
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    let tk = Some(token.as_str());
    let sleep = t
        .api(
            "POST",
            "/api/v1/trackers",
            tk,
            Some(r#"{"preset":"sleep"}"#),
        )
        .await;
    assert_eq!(sleep.status, StatusCode::CREATED, "{}", sleep.body);
    let sleep_id = sleep.json()["id"].as_str().unwrap().to_string();
    let coffee = t
        .api(
            "POST",
            "/api/v1/trackers",
            tk,
            Some(r#"{"name":"Coffee","kind":"number","unit":"cups","max":20}"#),
        )
        .await;
    assert_eq!(coffee.status, StatusCode::CREATED, "{}", coffee.body);
    assert_eq!(coffee.json()["key"], "coffee");

    for i in 1..=12 {
        let short = i % 2 == 0;
        let day = format!("{i}d");
        let body =
            json!({"date": day, "values": {"sleep": if short { 5.0 } else { 8.0 }, "coffee": "2"}});
        let r = t
            .api("POST", "/api/v1/checkins", tk, Some(&body.to_string()))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let entry = json!({"mood": if short { 3 } else { 8 }, "occurred_at": format!("{} 20:00", r.json()["date"].as_str().unwrap())});
        t.api("POST", "/api/v1/entries", tk, Some(&entry.to_string()))
            .await;
    }
    let day = t
        .api("GET", "/api/v1/checkins?date=2d", tk, None)
        .await
        .json();
    assert_eq!(day["values"], json!({"sleep": 5.0, "coffee": 2.0}));

    // One bad value refuses the whole check-in, naming the field.
    let bad = t
        .api(
            "POST",
            "/api/v1/checkins",
            tk,
            Some(r#"{"values":{"sleep":7,"coffee":-1,"tea":1}}"#),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let err = bad.json();
    assert!(err["error"]["fields"]["tracker.tea"]
        .as_str()
        .unwrap()
        .contains("no tracker called \"tea\""));
    let today = t.api("GET", "/api/v1/checkins", tk, None).await.json();
    assert_eq!(today["values"]["sleep"], serde_json::Value::Null);

    let readings = t
        .api(
            "GET",
            &format!("/api/v1/trackers/{sleep_id}/readings?since=30d"),
            tk,
            None,
        )
        .await
        .json();
    assert_eq!(readings["readings"].as_array().unwrap().len(), 12);
    assert_eq!(
        readings["readings"][0]["display"], "5 hours",
        "oldest first"
    );
    assert_eq!(readings["readings"][11]["display"], "8 hours");

    let patterns = t
        .api("GET", "/api/v1/patterns?since=30d", tk, None)
        .await
        .json();
    let found = patterns["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "tracker_mood" && f["subject"] == "Sleep")
        .unwrap();
    assert!(found["sentence"]
        .as_str()
        .unwrap()
        .starts_with("On days with *Sleep* under 6 hours (6 days) your mood was 3.0"));

    let renamed = t
        .api(
            "PATCH",
            &format!("/api/v1/trackers/{sleep_id}"),
            tk,
            Some(r#"{"name":"Sleep last night"}"#),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(renamed.json()["key"], "sleep");

    // Another account sees none of it.
    t.signed_in("eve").await;
    let eve = t.token("eve", Access::Full).await;
    let peek = t
        .api(
            "GET",
            &format!("/api/v1/trackers/{sleep_id}"),
            Some(&eve),
            None,
        )
        .await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND);
    let deleted = t
        .api("DELETE", &format!("/api/v1/trackers/{sleep_id}"), tk, None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
}

/// Every `<svg …>` of a page with what is inside it.
fn svgs(body: &str) -> Vec<&str> {
    body.split("<svg")
        .skip(1)
        .map(|s| s.split("</svg>").next().unwrap_or(""))
        .collect()
}

#[tokio::test]
async fn charts_on_a_year_of_demo_data_fit_the_data_have_text_alternatives_and_local_dates() {
    let t = TestApp::new().await;
    let jar = t.signed_in("demo").await;
    let p = t.app.authenticate(&jar.0["between_session"]).await.unwrap();
    between_app::demo::fill(&t.app, &p, 1, 1).await.unwrap();

    for path in ["/trend", "/feedback", "/trackers", "/measures"] {
        let page = t.get(path, &jar).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let charts = svgs(&page.body);
        assert!(!charts.is_empty(), "{path} draws a chart");
        for svg in charts {
            assert!(
                svg.contains("role=\"img\"") && svg.contains("<title>") && svg.contains("<desc>"),
                "{path}: every chart has a title and a description: {svg:.300}"
            );
            assert!(
                !svg.contains("font-size=\"10\"") && !svg.contains("font-size=\"11\""),
                "{path}: no text under 12 units"
            );
        }
        let iso = regex_lite_iso(&page.body);
        assert!(iso.is_none(), "{path}: an ISO date shows: {iso:?}");
    }

    // Session feedback: one small chart per question, no legend to cut off.
    let feedback = t.get("/feedback", &jar).await;
    assert_eq!(svgs(&feedback.body).len(), 4, "one chart per question");
    assert!(feedback
        .body
        .contains("<title>The approach fits me</title>"));

    // Sleep is drawn on its own range, not 0 to 24; yes/no as a strip.
    let trackers = t.get("/trackers", &jar).await;
    let sleep = svgs(&trackers.body)
        .into_iter()
        .find(|s| s.contains("<title>Sleep each day, in hours</title>"))
        .expect("a sleep chart");
    assert!(
        !sleep.contains(">24</text>"),
        "sleep is not drawn on 0 to 24"
    );
    assert!(trackers.body.contains("of the last 7 days"));
    let exercise = svgs(&trackers.body)
        .into_iter()
        .find(|s| s.contains("<title>Exercise: yes or no each day"))
        .expect("a strip for exercise");
    assert!(exercise.contains(" of 7 days</text>"), "{exercise:.500}");
    assert!(!exercise.contains("3.5"), "no half days on a yes/no scale");

    // The trend page says how mood moved with the numbers, in plain words.
    let trend = t.get("/trend?period=3m", &jar).await;
    assert!(
        trend.body.contains("Your average mood was "),
        "{}",
        trend.body
    );
    assert!(trend.body.contains("the smoothed line "));
    assert!(!trend.body.contains("exponentially weighted"));
}

/// The first "2026-11-25"-like date outside an attribute or a link, if any.
fn regex_lite_iso(body: &str) -> Option<String> {
    let text: String = {
        // Drop tags (attributes hold ISO dates for forms and links on purpose).
        let mut out = String::new();
        let mut in_tag = false;
        for c in body.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    out.push(' ');
                }
                _ if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
    };
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(9)).find_map(|i| {
        let w = &bytes[i..i + 10];
        let digits = |r: std::ops::Range<usize>| r.into_iter().all(|k| w[k].is_ascii_digit());
        (digits(0..4) && w[4] == b'-' && digits(5..7) && w[7] == b'-' && digits(8..10))
            .then(|| text[i..i + 10].to_string())
    })
}
