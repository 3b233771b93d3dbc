//! Small wins: celebrated once on the home page, kept in a timeline.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::Access;
use serde_json::json;
use support::TestApp;

#[tokio::test]
async fn a_win_is_celebrated_once_and_kept_in_the_timeline() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    assert!(
        !t.get("/", &jar).await.body.contains("Well done"),
        "no data, no wins"
    );
    let token = t.token("ada", Access::Full).await;
    for day in 1..=7 {
        let body = json!({"text": "x", "occurred_at": format!("2026-02-{day:02} 20:00")});
        t.api(
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(&body.to_string()),
        )
        .await;
    }
    let home = t.get("/", &jar).await;
    assert!(
        home.body.contains("Well done") && home.body.contains("A week of journaling, every day"),
        "{}",
        home.body
    );
    assert!(
        !t.get("/", &jar).await.body.contains("Well done"),
        "celebrated once"
    );
    let timeline = t.get("/wins", &jar).await;
    assert!(
        timeline.body.contains("Your first journal entry")
            && timeline.body.contains("7 journal entries")
    );
    let api = t
        .api("GET", "/api/v1/wins", Some(&token), None)
        .await
        .json();
    let keys: Vec<&str> = api["wins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec!["entries-1", "entries-7", "journal-streak-7"]);
    assert_eq!(api["wins"][0]["date"], "2026-02-01");
}
