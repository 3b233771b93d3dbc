//! The therapist's pages: the dashboard at `/clients` ordered by what needs
//! attention with flags in the third person, the sessions of the week, the
//! client page's summary, the therapist's point reaching the client's
//! agenda PDF, assigning practice with the client's own schedule picker,
//! and "who saw what" grouped into visits and paged.

#![allow(clippy::unwrap_used)]

#[path = "support/poppler.rs"]
mod poppler;
mod support;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use between::web::WebSettings;
use between_app::sessions::SignInAs;
use between_app::{Access, Config, Principal, Role};
use between_domain::share::Scope;
use http_body_util::BodyExt;
use serde_json::json;
use support::{Jar, TestApp, PASSWORD};
use tower::ServiceExt;

/// A client account: its web session, its API token and its principal.
struct Client {
    jar: Jar,
    token: String,
    p: Principal,
}

async fn client(t: &TestApp, name: &str) -> Client {
    let jar = t.signed_in(name).await;
    let token = t.token(name, Access::Full).await;
    let (p, _) = t
        .app
        .sign_in(name, PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    Client { jar, token, p }
}

/// dr-rivera, a therapist: web session and principal.
async fn therapist(t: &TestApp) -> (Jar, Principal) {
    let jar = t.signed_in_as("dr-rivera", Role::Therapist).await;
    let (p, _) = t
        .app
        .sign_in("dr-rivera", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    (jar, p)
}

/// Links `c` with dr-rivera, sharing `scopes`; returns the client's user id.
async fn link(t: &TestApp, c: &Client, dr: &Principal, scopes: &[Scope]) -> String {
    let invite = t.app.create_share_invite(&c.p).await.unwrap();
    let link = t.app.accept_share_invite(dr, &invite.code).await.unwrap();
    t.app
        .set_share_scopes(&c.p, "dr-rivera", scopes, &[])
        .await
        .unwrap();
    link.client_id.to_string()
}

async fn phq9(t: &TestApp, c: &Client, answers: [u8; 9]) {
    let r = t
        .api(
            "POST",
            "/api/v1/measures",
            Some(&c.token),
            Some(&json!({"instrument": "phq9", "answers": answers}).to_string()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

/// A page's text with the entities askama writes turned back into characters.
fn text(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// A goal that has not moved over three check-ins in seven weeks.
async fn flat_goal(t: &TestApp, c: &Client, title: &str) {
    use between_domain::goal::{CheckIn, Goal, GoalStatus, Measure};
    let goal = t
        .app
        .add_goal(
            &c.p,
            Goal {
                title: title.into(),
                why: String::new(),
                area: None,
                measure: Measure::Numeric {
                    baseline: 0.0,
                    target: 7.0,
                    unit: "nights a week".into(),
                    lower_is_better: false,
                },
                review_every_days: 28,
                status: GoalStatus::Active,
            },
        )
        .await
        .unwrap();
    for weeks in [8, 4, 1] {
        let at = t.app.now() - jiff::SignedDuration::from_hours(24 * 7 * weeks);
        t.app
            .check_in(
                &c.p,
                goal.goal.id,
                CheckIn {
                    level: None,
                    // At its baseline: a goal better than where it started
                    // has moved, and is not stuck.
                    value: Some(0.0),
                    note: String::new(),
                },
                Some(at),
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_dashboard_puts_what_needs_attention_first_and_speaks_of_clients_in_the_third_person() {
    use between_app::appointments::NewAppointment;
    use between_domain::appointment::Details;
    let t = TestApp::new().await;
    let (dr_jar, dr) = therapist(&t).await;
    let both = [Scope::Measures, Scope::Goals];
    // ada: nothing flagged, a session tomorrow.
    let ada = client(&t, "ada").await;
    t.app
        .add_appointment(
            &ada.p,
            NewAppointment {
                starts_at: t.app.now() + jiff::SignedDuration::from_hours(24),
                details: Details::default(),
                repeat: None,
                until: None,
            },
        )
        .await
        .unwrap();
    let ada_id = link(&t, &ada, &dr, &both).await;
    // bo: the PHQ-9 safety item answered, twice (a sparkline).
    let bo = client(&t, "bo").await;
    phq9(&t, &bo, [1, 1, 1, 1, 1, 1, 1, 1, 0]).await;
    phq9(&t, &bo, [2, 2, 1, 1, 1, 1, 1, 1, 1]).await;
    let bo_id = link(&t, &bo, &dr, &both).await;
    // cy: a goal that has not moved.
    let cy = client(&t, "cy").await;
    flat_goal(&t, &cy, "Sleep by eleven").await;
    let cy_id = link(&t, &cy, &dr, &both).await;
    // dan: nothing flagged, nothing planned.
    let dan = client(&t, "dan").await;
    let dan_id = link(&t, &dan, &dr, &[]).await;

    let page = t.get("/clients", &dr_jar).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let at = |id: &str| {
        page.body
            .find(&format!("href=\"/clients/{id}\""))
            .unwrap_or_else(|| panic!("{id} missing: {}", page.body))
    };
    let order = [at(&bo_id), at(&cy_id), at(&ada_id), at(&dan_id)];
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "safety first, then the roadblock, then the soonest appointment, then the rest: {order:?}"
    );
    let body = text(&page.body);
    assert!(body.contains("bo answered the PHQ-9 safety item"), "{body}");
    assert!(
        body.contains("cy's goal \"Sleep by eleven\" has not moved"),
        "{body}"
    );
    assert!(!body.contains("Your goal") && !body.contains("your goal"));
    assert!(
        page.body.contains("class=\"sparkline\""),
        "two PHQ-9s draw a line"
    );
    assert!(page.body.contains("<table class=\"rows"));
    assert!(page.body.contains("data-label=\"Needs attention\""));
    assert!(body.contains("Not shared"), "dan shares no measures");

    // A client has no dashboard and no sessions page.
    for path in ["/clients", "/clients/sessions"] {
        assert_eq!(
            t.get(path, &ada.jar).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // The therapist's Sharing page points to the dashboard.
    let sharing = t.get("/sharing", &dr_jar).await;
    assert!(
        sharing.body.contains("href=\"/clients\""),
        "{}",
        sharing.body
    );
}

#[tokio::test]
async fn the_sessions_page_lists_todays_and_this_weeks_sessions_across_clients() {
    use between_app::appointments::NewAppointment;
    use between_domain::appointment::Details;
    let t = TestApp::new().await;
    let (dr_jar, dr) = therapist(&t).await;
    let ada = client(&t, "ada").await;
    let in_an_hour = t.app.now() + jiff::SignedDuration::from_mins(60);
    let in_three_weeks = t.app.now() + jiff::SignedDuration::from_hours(24 * 21);
    for starts_at in [in_an_hour, in_three_weeks] {
        t.app
            .add_appointment(
                &ada.p,
                NewAppointment {
                    starts_at,
                    details: Details::default(),
                    repeat: None,
                    until: None,
                },
            )
            .await
            .unwrap();
    }
    let ada_id = link(&t, &ada, &dr, &[]).await;
    let page = t.get("/clients/sessions", &dr_jar).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let zoned = in_an_hour.to_zoned(tz.clone());
    let same_day = zoned.date() == t.app.now().to_zoned(tz).date();
    let time = zoned.strftime("%H:%M").to_string();
    assert!(page.body.contains(&time), "{time}: {}", page.body);
    assert_eq!(
        page.body
            .matches(&format!("href=\"/clients/{ada_id}\""))
            .count(),
        1,
        "three weeks ahead is beyond next week: {}",
        page.body
    );
    if same_day {
        assert!(!page.body.contains("No sessions today."), "{}", page.body);
    }
}

#[tokio::test]
async fn the_client_page_opens_with_a_summary_and_keeps_old_appointments_behind_a_link() {
    use between_app::appointments::NewAppointment;
    use between_domain::appointment::Details;
    let t = TestApp::new().await;
    let (dr_jar, dr) = therapist(&t).await;
    let ada = client(&t, "ada").await;
    phq9(&t, &ada, [1, 1, 1, 1, 1, 1, 1, 1, 0]).await;
    for weeks in 1..=6 {
        t.app
            .add_appointment(
                &ada.p,
                NewAppointment {
                    starts_at: t.app.now() - jiff::SignedDuration::from_hours(24 * 7 * weeks),
                    details: Details::default(),
                    repeat: None,
                    until: None,
                },
            )
            .await
            .unwrap();
    }
    flat_goal(&t, &ada, "Sleep by eleven").await;
    let id = link(
        &t,
        &ada,
        &dr,
        &[Scope::Measures, Scope::Goals, Scope::Agenda],
    )
    .await;
    let page = t.get(&format!("/clients/{id}"), &dr_jar).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = text(&page.body);
    let pos = |needle: &str| {
        body.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing: {body}"))
    };
    let order = [
        pos("Needs attention"),
        pos("Agenda for the next session"),
        pos("Scores over time"),
        pos("Goals</h2>"),
        pos("Appointments</h2>"),
        pos("Everything shared</h2>"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(body.contains("ada's goal \"Sleep by eleven\" has not moved"));
    assert!(body.contains("PHQ-9: 8 of 27: mild"), "{body}");
    assert!(body.contains("with its bands"), "the chart with its bands");
    assert!(
        body.contains("All 6 past appointments"),
        "three shown, the rest behind a link: {body}"
    );
    assert_eq!(body.matches("status-planned").count(), 3, "{body}");
    let all = t
        .get(&format!("/clients/{id}?appointments=all"), &dr_jar)
        .await;
    assert_eq!(all.body.matches("status-planned").count(), 6);
    assert!(!all.body.contains("past appointments</a>"));
    let today = t.app.now().to_zoned(ada.p.user.time_zone.clone()).date();
    assert!(
        !body.contains(&today.to_string()),
        "dates read as people write them, never ISO: {body}"
    );
}

#[tokio::test]
async fn each_instrument_shows_its_course_in_its_own_direction_and_flags_not_improving() {
    use between_app::appointments::NewAppointment;
    use between_domain::appointment::{Details, Status};
    let t = TestApp::new().await;
    let (dr_jar, dr) = therapist(&t).await;
    let ada = client(&t, "ada").await;
    let weeks_ago = |w: i64| t.app.now() - jiff::SignedDuration::from_hours(24 * 7 * w);
    for w in 1..=9 {
        let a = t
            .app
            .add_appointment(
                &ada.p,
                NewAppointment {
                    starts_at: weeks_ago(w),
                    details: Details::default(),
                    repeat: None,
                    until: None,
                },
            )
            .await
            .unwrap();
        t.app
            .set_appointment_status(&ada.p, a.id, Status::Attended)
            .await
            .unwrap();
    }
    let take = |instrument: &'static str, answers: Vec<u8>, w: i64| {
        let body =
            json!({"instrument": instrument, "answers": answers, "at": weeks_ago(w).to_string()});
        let (t, token) = (&t, ada.token.clone());
        async move {
            let r = t
                .api(
                    "POST",
                    "/api/v1/measures",
                    Some(&token),
                    Some(&body.to_string()),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
    };
    // PCL-5 past week: 40 points, then within a few points, over 9 sessions.
    for (w, extra) in [(10, 0u8), (6, 2), (2, 1)] {
        let mut answers = vec![2u8; 20];
        answers[0] += extra;
        take("pcl5-weekly", answers, w).await;
    }
    // WHO-5: 32 % up to 60 %: higher is better.
    take("who5", vec![2, 2, 1, 2, 1], 8).await;
    take("who5", vec![3, 3, 3, 3, 3], 1).await;
    let id = link(&t, &ada, &dr, &[Scope::Measures]).await;
    let body = text(&t.get(&format!("/clients/{id}"), &dr_jar).await.body);
    let article = |name: &str| {
        let from = body
            .find(&format!("<h3>{name}"))
            .unwrap_or_else(|| panic!("{name}: {body}"));
        let to = body[from..].find("</article>").unwrap() + from;
        body[from..to].to_string()
    };
    let pcl = article("PCL-5 (past week)");
    assert!(
        pcl.contains("Not improving: no reliable improvement on the first score after 9 sessions"),
        "{pcl}"
    );
    assert!(pcl.contains("40 → 41 since the first"), "{pcl}");
    assert!(pcl.contains("no reliable change"), "{pcl}");
    let who5 = article("WHO-5");
    assert!(who5.contains("32% → 60% since the first"), "{who5}");
    assert!(
        who5.contains("reliable improvement"),
        "rising is better on the WHO-5: {who5}"
    );
    assert!(
        who5.contains("Started in the clinical range (below 50%); now out of it."),
        "{who5}"
    );
    assert!(!who5.contains("Not improving"), "{who5}");
}

#[tokio::test]
async fn a_therapist_asks_for_questionnaires_and_the_client_accepts_them_onto_their_schedule() {
    let t = TestApp::new().await;
    let (dr_jar, dr) = therapist(&t).await;
    let ada = client(&t, "ada").await;
    let id = link(&t, &ada, &dr, &[Scope::Measures]).await;
    let csrf = t.csrf(&dr_jar).await;
    let page = t.get(&format!("/clients/{id}"), &dr_jar).await;
    assert!(
        page.body.contains("Ask ada for questionnaires"),
        "{}",
        page.body
    );
    let asked = t
        .post_form(
            &format!("/clients/{id}/measures"),
            &dr_jar,
            &[
                ("csrf", &csrf),
                ("ask_pcl5-weekly", "every:1w"),
                ("ask_phq9", "before"),
                ("note", "Let's track the nightmares."),
            ],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let page = text(&t.get(&format!("/clients/{id}"), &dr_jar).await.body);
    assert!(
        page.contains("PHQ-9 before each appointment (from 2 days before), PCL-5 (past week) every week: <strong>pending</strong>"),
        "{page}"
    );

    let home = text(&t.get("/", &ada.jar).await.body);
    assert!(
        home.contains("dr-rivera asks you to take: PHQ-9 before each appointment"),
        "{home}"
    );
    let measures = text(&t.get("/measures", &ada.jar).await.body);
    assert!(
        measures.contains("Let's track the nightmares."),
        "{measures}"
    );
    let request = measures
        .split("action=\"/measures/requests/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let ada_csrf = t.csrf(&ada.jar).await;
    let accepted = t
        .post_form(
            &format!("/measures/requests/{request}"),
            &ada.jar,
            &[("csrf", &ada_csrf), ("action", "accept"), ("note", "OK")],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let measures = text(&t.get("/measures", &ada.jar).await.body);
    assert!(
        measures.contains("PCL-5 (past week): every week (asked for by dr-rivera)"),
        "{measures}"
    );
    assert!(
        !measures.contains("Asked for by your therapist"),
        "answered once"
    );
    let schedules = t
        .api("GET", "/api/v1/measure-schedules", Some(&ada.token), None)
        .await
        .json();
    let phq = schedules["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["instrument"] == "phq9")
        .unwrap()
        .clone();
    assert_eq!(
        phq["cadence"],
        json!({"kind": "before_appointment", "days": 2})
    );
    assert_eq!(phq["requested_by"], "dr-rivera");
    let page = text(&t.get(&format!("/clients/{id}"), &dr_jar).await.body);
    assert!(
        page.contains("<strong>accepted</strong>") && page.contains("ada: OK"),
        "{page}"
    );
    let again = t
        .post_form(
            &format!("/measures/requests/{request}"),
            &ada.jar,
            &[("csrf", &ada_csrf), ("action", "decline")],
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(
        again.body.contains("You accepted this already."),
        "answered once"
    );

    // Without the measures scope there is nothing to ask for.
    t.app
        .set_share_scopes(&ada.p, "dr-rivera", &[], &[Scope::Measures])
        .await
        .unwrap();
    let page = t.get(&format!("/clients/{id}"), &dr_jar).await;
    assert!(!page.body.contains("Ask ada for questionnaires"));
    let refused = t
        .post_form(
            &format!("/clients/{id}/measures"),
            &dr_jar,
            &[("csrf", &csrf), ("ask_who5", "once")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_therapists_point_is_in_the_clients_agenda_pdf_as_on_the_page() {
    let t = TestApp::new().await;
    let (dr_jar, dr) = therapist(&t).await;
    let ada = client(&t, "ada").await;
    let q = t
        .api(
            "POST",
            "/api/v1/questions",
            Some(&ada.token),
            Some(r#"{"text": "Why do Sundays feel heavy?"}"#),
        )
        .await;
    assert_eq!(q.status, StatusCode::CREATED, "{}", q.body);
    let id = link(&t, &ada, &dr, &[Scope::Agenda]).await;
    let page = t.get(&format!("/clients/{id}"), &dr_jar).await;
    let r = t
        .post_form(
            &format!("/clients/{id}/agenda"),
            &dr_jar,
            &[
                ("csrf", &page.hidden("csrf")),
                ("text", "Let us look at your sleep"),
                ("kind", "point"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let agenda = t.get("/agenda", &ada.jar).await;
    assert!(agenda.body.contains("Let us look at your sleep"));
    let md = t.get("/agenda/download?format=md", &ada.jar).await;
    assert!(
        md.body
            .contains("## From your therapist\n\n- dr-rivera (a point): Let us look at your sleep"),
        "{}",
        md.body
    );
    let request = Request::get("/agenda/download?format=pdf")
        .header(header::COOKIE, ada.jar.header())
        .body(Body::empty())
        .unwrap();
    let response = t.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agenda.pdf");
    std::fs::write(&path, &bytes).unwrap();
    if let Some((pages, pdf_text)) = poppler::read_back(&path) {
        assert_eq!(pages, 1);
        assert!(pdf_text.contains("From your therapist"), "{pdf_text}");
        assert!(
            pdf_text.contains("dr-rivera (a point): Let us look at your sleep"),
            "{pdf_text}"
        );
        assert!(
            pdf_text.contains("Why do Sundays feel heavy?"),
            "{pdf_text}"
        );
    }
}

#[tokio::test]
async fn assigning_practice_uses_the_clients_own_schedule_picker_and_makes_the_same_schedule() {
    let t = TestApp::new().await;
    let (dr_jar, dr) = therapist(&t).await;
    let ada = client(&t, "ada").await;
    let id = link(&t, &ada, &dr, &[]).await;
    let page = t.get(&format!("/clients/{id}"), &dr_jar).await;
    let picker = |body: &str| {
        [
            "name=\"kind\" value=\"days\"",
            "name=\"day\" value=\"thu\"",
            "name=\"per_week\"",
            "name=\"every\"",
            "name=\"once\"",
        ]
        .iter()
        .all(|field| body.contains(field))
    };
    assert!(picker(&page.body), "{}", page.body);
    assert!(!page.body.contains("per-week:3"), "no schedule to type");
    assert!(picker(&t.get("/practices/new", &ada.jar).await.body));

    let assign = format!("/clients/{id}/assign");
    let csrf = page.hidden("csrf");
    let r = t
        .post_form(
            &assign,
            &dr_jar,
            &[("csrf", &csrf), ("title", "Walk"), ("kind", "days")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Tick the days it is due."), "{}", r.body);
    assert!(r.body.contains("value=\"Walk\""), "what was typed stays");
    let days = [("kind", "days"), ("day", "mon"), ("day", "thu")];
    let mut fields = vec![("csrf", csrf.as_str()), ("title", "Walk")];
    fields.extend(days);
    let r = t.post_form(&assign, &dr_jar, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let today = t
        .app
        .now()
        .to_zoned(ada.p.user.time_zone.clone())
        .date()
        .to_string();
    let csrf = t.get("/practices/new", &ada.jar).await.hidden("csrf");
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("title", "Walk on my own"),
        ("template", "free"),
        ("start", today.as_str()),
    ];
    fields.extend(days);
    let r = t.post_form("/practices", &ada.jar, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let assigned = t.app.client_assignments(&dr, "ada").await.unwrap();
    let own = t.app.practices(&ada.p).await.unwrap();
    let own = own
        .iter()
        .find(|v| v.practice.data.title == "Walk on my own")
        .unwrap();
    assert_eq!(assigned[0].practice.schedule, own.practice.data.schedule);
    assert_eq!(assigned[0].practice.schedule.describe(), "Mon, Thu");
}

#[tokio::test]
async fn who_saw_what_shows_one_row_per_visit_with_the_kinds_seen_twenty_a_page() {
    let start: jiff::Timestamp = "2026-11-02T09:00:00Z".parse().unwrap();
    let t = TestApp::with(
        Config {
            clock: between_app::Clock::manual(start),
            ..Config::testing()
        },
        WebSettings::default(),
    )
    .await;
    let (dr_jar, dr) = therapist(&t).await;
    let ada = client(&t, "ada").await;
    phq9(&t, &ada, [1, 1, 1, 1, 1, 1, 1, 1, 0]).await;
    let id = link(&t, &ada, &dr, &[Scope::Measures, Scope::Goals]).await;
    // One look at the client's page reads several kinds.
    assert_eq!(
        t.get(&format!("/clients/{id}"), &dr_jar).await.status,
        StatusCode::OK
    );
    let log = t.get("/sharing/access-log", &ada.jar).await;
    let visits = log
        .body
        .matches("<td data-label=\"Who\">dr-rivera</td>")
        .count();
    assert_eq!(visits, 1, "{}", log.body);
    assert!(
        log.body
            .contains("an overview, appointments, questionnaire scores, goals and check-ins"),
        "the kinds seen, in the order read: {}",
        log.body
    );
    assert!(log.body.contains("<table class=\"rows\">"));
    assert!(
        log.body.contains("<td data-label=\"Who\">You</td><td data-label=\"What\">switched on: questionnaire scores, goals and check-ins</td>"),
        "the client's own changes in words: {}",
        log.body
    );
    assert!(!log.body.contains("?before="), "one page only");

    // 21 more visits, an hour apart, through the API.
    let token = t.token("dr-rivera", Access::Full).await;
    for _ in 0..21 {
        t.app.clock().advance(std::time::Duration::from_secs(3600));
        let r = t
            .api(
                "GET",
                &format!("/api/v1/clients/{id}/goals"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let jar = t.sign_in_jar("ada").await;
    let first = t.get("/sharing/access-log", &jar).await;
    let rows = |body: &str| body.matches("<td data-label=\"When\">").count();
    assert_eq!(rows(&first.body), 20, "{}", first.body);
    let older = first
        .body
        .split("href=\"/sharing/access-log?before=")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let second = t
        .get(&format!("/sharing/access-log?before={older}"), &jar)
        .await;
    assert_eq!(second.status, StatusCode::OK);
    // 22 visits of dr-rivera and ada switching two scopes on: 23 in all.
    assert_eq!(rows(&second.body), 3, "{}", second.body);
    assert!(second.body.contains("href=\"/sharing/access-log\">Newest"));
    assert!(!second.body.contains("?before="), "the last page");
    let rows_of = |body: &str| -> Vec<String> {
        body.split("<tr><td data-label=\"When\">")
            .skip(1)
            .map(|c| c.split("</tr>").next().unwrap().to_string())
            .collect()
    };
    let mut seen = rows_of(&first.body);
    seen.extend(rows_of(&second.body));
    let count = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!((count, seen.len()), (23, 23), "no visit on two pages");

    for cursor in ["yesterday", "0190a4c1-0000-7000-8000-000000000000"] {
        let bad = t
            .get(&format!("/sharing/access-log?before={cursor}"), &jar)
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{cursor}");
    }

    // The CSV keeps every single entry.
    let csv = t.get("/sharing/access-log.csv", &jar).await;
    let entries = t.app.access_log(&ada.p).await.unwrap().len();
    assert_eq!(csv.body.lines().count(), entries + 1, "{}", csv.body);
}
