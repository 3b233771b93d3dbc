//! Long lists on pages are paged (the newest 20, then "Older" with a
//! cursor, and "Newest" back), search marks the words it found without
//! letting what was written become markup, a practice log shows what was
//! recorded and only the latest can be removed, a goal check-in starts from
//! the last recorded level, and a goal that came down towards a lower
//! target is never "stuck".

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::Access;
use serde_json::{json, Value};
use support::{Jar, TestApp};

/// A signed-in person with an API token.
async fn person(t: &TestApp) -> (Jar, String) {
    let jar = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    (jar, token)
}

async fn post(t: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = t
        .api("POST", path, Some(token), Some(&body.to_string()))
        .await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.body);
    r.json()
}

/// The address of the "Older" link, if the page has one.
fn older(body: &str) -> Option<String> {
    let end = body.find("\" rel=\"next\">Older")?;
    let start = body[..end].rfind("href=\"")? + "href=\"".len();
    Some(body[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

/// Which of the markers `tag-01` … `tag-NN` a page shows, in the order shown.
fn shown(body: &str, tag: &str, n: usize) -> Vec<usize> {
    let mut found: Vec<(usize, usize)> = (1..=n)
        .filter_map(|i| {
            [format!("{tag}-{i:02}<"), format!("{tag}-{i:02} ")]
                .iter()
                .filter_map(|m| body.find(m.as_str()))
                .min()
                .map(|at| (at, i))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, i)| i).collect()
}

/// Walks a paged list from `first`: each page's markers, newest first.
async fn walk(t: &TestApp, jar: &Jar, first: &str, tag: &str, n: usize) -> Vec<Vec<usize>> {
    let mut pages = Vec::new();
    let mut next = Some(first.to_string());
    while let Some(path) = next {
        let page = t.get(&path, jar).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        if !pages.is_empty() {
            assert!(
                page.body.contains(">Newest "),
                "{path} links back to the newest"
            );
        }
        pages.push(shown(&page.body, tag, n));
        next = older(&page.body);
        assert!(pages.len() < 10, "paging ends");
    }
    pages
}

fn newest_first(from: usize, to: usize) -> Vec<usize> {
    (from..=to).rev().collect()
}

#[tokio::test]
async fn practice_logs_are_paged_show_what_was_recorded_and_only_the_latest_can_be_removed() {
    let t = TestApp::new().await;
    let (jar, token) = person(&t).await;
    let practice = post(
        &t,
        &token,
        "/api/v1/practices",
        json!({"title": "Body scan", "template": "mindfulness", "schedule": "daily", "start": "2025-01-01"}),
    )
    .await;
    let id = practice["id"].as_str().unwrap().to_string();
    let mut last = String::new();
    for i in 1..=45 {
        let log = post(
            &t,
            &token,
            &format!("/api/v1/practices/{id}/logs"),
            json!({"at": format!("2025-02-{:02} 08:{:02}", 1 + i / 2, i), "minutes": 10,
                   "note": format!("note-{i:02}"), "fields": {"how_it_felt": 7}}),
        )
        .await;
        last = log["log"]["id"].as_str().unwrap().to_string();
    }
    let path = format!("/practices/{id}");
    let pages = walk(&t, &jar, &path, "note", 45).await;
    assert_eq!(
        pages,
        vec![
            newest_first(26, 45),
            newest_first(6, 25),
            newest_first(1, 5)
        ],
        "20 a page, newest first, none twice, none missed"
    );
    let first = t.get(&path, &jar).await.body;
    std::fs::write("/tmp/lists-practice.html", &first).unwrap();
    assert!(first.contains("How it felt 7/10"), "how it felt is shown");
    assert!(first.contains("10 min"));
    assert_eq!(first.matches("Remove this log").count(), 1);
    assert!(
        first.contains(&format!("/logs/{last}/delete")),
        "on the latest log"
    );
    let second = t.get(&older(&first).unwrap(), &jar).await.body;
    assert!(!second.contains("Remove this log"));
}

#[tokio::test]
async fn a_cursor_the_page_cannot_read_is_a_clear_400_on_every_paged_list() {
    let t = TestApp::new().await;
    let (jar, token) = person(&t).await;
    let practice = post(
        &t,
        &token,
        "/api/v1/practices",
        json!({"title": "Walk", "schedule": "daily"}),
    )
    .await;
    let id = practice["id"].as_str().unwrap();
    for path in [
        format!("/practices/{id}?before=yesterday"),
        "/measures?before=1.2".to_string(),
        "/journal/search?q=walk&before=%3Cscript%3E".to_string(),
        "/questions?before=".to_string(),
        "/insights?before=12.notanid".to_string(),
    ] {
        let r = t.get(&path, &jar).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            r.body.contains("is not a place in this list"),
            "{path}: {}",
            r.body
        );
        assert!(!r.body.contains("<script>"), "{path}");
    }
}

#[tokio::test]
async fn search_results_are_paged_and_mark_the_words_found_escaping_the_rest() {
    let t = TestApp::new().await;
    let (jar, token) = person(&t).await;
    for i in 1..=25 {
        post(
            &t,
            &token,
            "/api/v1/entries",
            json!({"text": format!("entry-{i:02} A long Walk by the river"),
                   "occurred_at": format!("2025-03-{i:02} 18:00")}),
        )
        .await;
    }
    post(
        &t,
        &token,
        "/api/v1/entries",
        json!({"text": "<script>alert('x')</script> then a walk & talk", "occurred_at": "2025-04-01 09:00"}),
    )
    .await;
    let first = t.get("/journal/search?q=walk", &jar).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("26 entries found"));
    assert!(
        first.body.contains("long <mark>Walk</mark> by"),
        "case kept, marked"
    );
    assert!(first.body.contains(
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; then a <mark>walk</mark> &amp; talk"
    ));
    assert!(!first.body.contains("<script>alert"));
    let pages = walk(&t, &jar, "/journal/search?q=walk", "entry", 25).await;
    assert_eq!(pages, vec![newest_first(7, 25), newest_first(1, 6)]);
    assert!(older(&first.body)
        .unwrap()
        .starts_with("/journal/search?q=walk&before="));
}

#[tokio::test]
async fn measures_questions_and_insights_are_paged() {
    let t = TestApp::new().await;
    let (jar, token) = person(&t).await;
    for i in 1..=23 {
        post(
            &t,
            &token,
            "/api/v1/measures",
            json!({"instrument": "gad7", "answers": [1, 1, 1, 1, 1, 1, 1],
                   "at": format!("2025-01-{i:02} 09:00")}),
        )
        .await;
    }
    let first = t.get("/measures", &jar).await.body;
    assert_eq!(first.matches("<td data-label=\"Date\">").count(), 20);
    assert!(first.contains("<table class=\"rows\">"));
    let second = t.get(&older(&first).unwrap(), &jar).await.body;
    assert_eq!(second.matches("<td data-label=\"Date\">").count(), 3);
    assert!(second.contains("<td data-label=\"Date\">1 Jan 2025</td>"));
    assert!(!second.contains("<td data-label=\"Date\">23 Jan 2025</td>"));
    assert!(older(&second).is_none());

    for i in 1..=22 {
        let q = post(
            &t,
            &token,
            "/api/v1/questions",
            json!({"text": format!("question-{i:02} about sleep")}),
        )
        .await;
        let r = t
            .api(
                "PATCH",
                &format!("/api/v1/questions/{}", q["id"].as_str().unwrap()),
                Some(&token),
                Some(&json!({"answer": "Talked it through"}).to_string()),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        post(
            &t,
            &token,
            "/api/v1/insights",
            json!({"text": format!("insight-{i:02} about sleep")}),
        )
        .await;
    }
    assert_eq!(
        walk(&t, &jar, "/questions", "question", 22).await,
        vec![newest_first(3, 22), newest_first(1, 2)]
    );
    assert_eq!(
        walk(&t, &jar, "/insights?q=sleep", "insight", 22).await,
        vec![newest_first(3, 22), newest_first(1, 2)],
        "a search's pages keep the search"
    );
}

#[tokio::test]
async fn a_goal_check_in_starts_from_the_last_recorded_level() {
    let t = TestApp::new().await;
    let (jar, token) = person(&t).await;
    let csrf = t.csrf(&jar).await;
    let goal = post(
        &t,
        &token,
        "/api/v1/goals",
        json!({"title": "Speak up", "gas_levels": ["a", "b", "c", "d", "e"]}),
    )
    .await;
    let path = format!("/goals/{}", goal["id"].as_str().unwrap());
    let fresh = t.get(&path, &jar).await.body;
    assert!(fresh.contains("name=\"level\" value=\"+0\" required>"));
    assert!(
        !fresh.contains(" checked>"),
        "nothing chosen before a first check-in"
    );
    let r = t
        .post_form(
            &format!("{path}/checkins"),
            &jar,
            &[("csrf", &csrf), ("level", "+1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = t.get(&path, &jar).await.body;
    assert!(after.contains("name=\"level\" value=\"+1\" required checked>"));
    assert_eq!(after.matches(" checked>").count(), 1, "+0 is not chosen");
    let none = t
        .post_form(&format!("{path}/checkins"), &jar, &[("csrf", &csrf)])
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_goal_that_came_down_towards_a_lower_target_is_not_stuck() {
    let t = TestApp::new().await;
    let (jar, token) = person(&t).await;
    let goal = |title: &str| {
        json!({"title": title, "baseline": 7, "target": 0, "unit": "panic attacks a week",
               "lower_is_better": true})
    };
    let came_down = post(&t, &token, "/api/v1/goals", goal("Fewer panic attacks")).await;
    let flat = post(&t, &token, "/api/v1/goals", goal("Fewer nightmares")).await;
    for (goal, values) in [(&came_down, [7, 4, 2, 2, 2]), (&flat, [7, 6, 7, 7, 8])] {
        for (week, value) in values.iter().enumerate() {
            post(
                &t,
                &token,
                &format!("/api/v1/goals/{}/checkins", goal["id"].as_str().unwrap()),
                json!({"value": value, "at": format!("2025-0{}-01 09:00", week + 1)}),
            )
            .await;
        }
    }
    let page = t.get("/roadblocks", &jar).await.body;
    assert!(
        !page.contains("Fewer panic attacks"),
        "from 7 to 2 is not stuck"
    );
    assert!(
        page.contains("Fewer nightmares") && page.contains("has not moved"),
        "{page}"
    );
}
