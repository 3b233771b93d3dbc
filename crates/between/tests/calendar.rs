//! The calendar feed: valid iCalendar that round-trips through a parser,
//! neutral titles by default, only titles and times, and a secret that can
//! be rotated (the old link then 404s).

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use icalendar::parser::{read_calendar, unfold};
use support::{Jar, TestApp};

fn local(offset_hours: i64) -> String {
    let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(offset_hours))
        .to_zoned(tz)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

struct Event {
    props: Vec<(String, String)>,
    alarms: usize,
}

impl Event {
    fn get(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn events(ics: &str) -> Vec<Event> {
    let unfolded = unfold(ics);
    let cal = read_calendar(&unfolded).unwrap();
    let mut out = Vec::new();
    let top: Vec<_> = cal
        .components
        .iter()
        .flat_map(|c| std::iter::once(c).chain(c.components.iter()))
        .collect();
    for e in top.into_iter().filter(|e| e.name == "VEVENT") {
        out.push(Event {
            props: e
                .properties
                .iter()
                .map(|p| (p.name.to_string(), p.val.to_string()))
                .collect(),
            alarms: e.components.iter().filter(|a| a.name == "VALARM").count(),
        });
    }
    out
}

#[tokio::test]
async fn the_feed_is_valid_neutral_private_and_rotatable() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let csrf = t.csrf(&jar).await;
    t.post_form(
        "/appointments",
        &jar,
        &[
            ("csrf", &csrf),
            ("starts_at", &local(48)),
            ("with", "Dr. Rivera"),
            ("where", "Room 4"),
        ],
    )
    .await;
    let practice = t
        .post_form(
            "/practices",
            &jar,
            &[
                ("csrf", &csrf),
                ("title", "Breathing"),
                ("kind", "days"),
                ("day", "mon"),
                ("day", "wed"),
                ("day", "fri"),
                ("template", "mindfulness"),
            ],
        )
        .await;
    let ppath = practice.location().split('?').next().unwrap().to_string();
    t.post_form(
        &format!("{ppath}/logs"),
        &jar,
        &[("csrf", &csrf), ("note", "a secret note about zucchini")],
    )
    .await;

    let made = t
        .post_form("/settings/calendar/link", &jar, &[("csrf", &csrf)])
        .await;
    assert!(made.location().ends_with("notice=rotated"));
    let page = t.get("/settings/calendar", &jar).await;
    let url = page
        .body
        .split("<code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_string();
    let path = url.split("8080").nth(1).unwrap().to_string();
    let feed = t.get(&path, &Jar::default()).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    assert!(
        !feed.body.contains("zucchini"),
        "logs are never in the feed"
    );
    assert!(
        !feed.body.contains("Rivera") && !feed.body.contains("Breathing"),
        "titles are neutral by default"
    );
    let parsed = events(&feed.body);
    assert_eq!(parsed.len(), 2);
    let appointment = parsed
        .iter()
        .find(|e| e.get("SUMMARY") == Some("Appointment"))
        .unwrap();
    let practice = parsed
        .iter()
        .find(|e| e.get("SUMMARY") == Some("Practice"))
        .unwrap();
    for e in [appointment, practice] {
        assert!(e.get("UID").is_some() && e.get("DTSTAMP").is_some() && e.get("DTSTART").is_some());
        assert_eq!(e.alarms, 1, "a reminder");
    }
    assert!(
        appointment.get("DTSTART").unwrap().ends_with('Z'),
        "UTC times need no VTIMEZONE"
    );
    assert_eq!(practice.get("RRULE"), Some("FREQ=WEEKLY;BYDAY=MO,WE,FR"));

    t.post_form(
        "/settings/calendar",
        &jar,
        &[
            ("csrf", &csrf),
            ("detailed", "1"),
            ("journal_reminder", "1"),
        ],
    )
    .await;
    let detailed = t.get(&path, &Jar::default()).await;
    let parsed = events(&detailed.body);
    assert!(parsed
        .iter()
        .any(|e| e.get("SUMMARY") == Some("Therapy with Dr. Rivera")
            && e.get("LOCATION") == Some("Room 4")));
    assert!(parsed.iter().any(|e| e.get("SUMMARY") == Some("Breathing")));
    assert!(
        parsed.iter().any(|e| e.get("RRULE") == Some("FREQ=DAILY")),
        "the journal reminder"
    );

    // The secret opens nothing but the calendar: to the API it is no
    // credential at all.
    let secret = path
        .trim_start_matches("/ical/")
        .trim_end_matches(".ics")
        .to_string();
    assert_eq!(
        t.api("GET", "/api/v1/entries", Some(&secret), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.api(
            "POST",
            "/api/v1/entries",
            Some(&secret),
            Some(r#"{"text": "x"}"#)
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );

    t.post_form("/settings/calendar/link", &jar, &[("csrf", &csrf)])
        .await;
    assert_eq!(
        t.get(&path, &Jar::default()).await.status,
        StatusCode::NOT_FOUND,
        "the old link is dead"
    );
    assert_eq!(
        t.get("/ical/made-up.ics", &Jar::default()).await.status,
        StatusCode::NOT_FOUND
    );
    let devices = t.get("/settings/devices", &jar).await;
    assert!(
        devices.body.contains("calendar feed"),
        "listed and revocable with the other credentials"
    );
}

#[tokio::test]
async fn after_a_therapist_leaves_the_new_address_is_explained_on_the_calendar_page_and_home() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let csrf = t.csrf(&jar).await;
    t.post_form("/settings/calendar/link", &jar, &[("csrf", &csrf)])
        .await;
    let before = t.get("/settings/calendar", &jar).await.body;
    assert!(!before.contains("address changed"));
    assert!(!t.get("/", &jar).await.body.contains("address changed"));

    let dr = t
        .signed_in_as("dr-rivera", between_app::Role::Therapist)
        .await;
    let ada = t.app.authenticate(&jar.0["between_session"]).await.unwrap();
    let invite = t.app.create_share_invite(&ada).await.unwrap();
    let dr = t.app.authenticate(&dr.0["between_session"]).await.unwrap();
    t.app.accept_share_invite(&dr, &invite.code).await.unwrap();
    // The client's sharing page seals the appointments key to the therapist.
    t.get("/sharing", &jar).await;
    t.app.end_share(&ada, "dr-rivera").await.unwrap();

    // The next request of the client's own session carries out the change.
    let page = t.get("/settings/calendar", &jar).await.body;
    assert!(page.contains("Your calendar address changed on"), "{page}");
    assert!(page.contains("no longer can"));
    let old_url = before
        .split("<code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap();
    assert!(!page.contains(old_url), "the page shows the new address");
    let old_path = old_url.split("8080").nth(1).unwrap();
    assert_eq!(
        t.get(old_path, &Jar::default()).await.status,
        StatusCode::NOT_FOUND
    );
    let home = t.get("/", &jar).await.body;
    assert!(home.contains("Your calendar address changed on"));
    assert!(home.contains(r#"href="/settings/calendar""#));
}
