//! "See what my therapist sees": for every combination of scopes, the
//! client's preview of a link shows exactly the therapist's page about
//! them (their own forms aside) — the same appointments (not the one that
//! names another therapist), the same shared data, agenda, assigned
//! practice and requests — and opening it is not logged as a read. On
//! both backends; and through the CLI, `share preview` prints what the
//! therapist's `client` prints.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::appointments::NewAppointment;
use between_app::sessions::SignInAs;
use between_app::{Principal, Role};
use between_domain::appointment::Details;
use between_domain::share::Scope;
use support::{Jar, TestApp, PASSWORD};

struct Side {
    jar: Jar,
    p: Principal,
}

async fn side(t: &TestApp, name: &str, role: Role) -> Side {
    let jar = t.signed_in_as(name, role).await;
    let (p, _) = t
        .app
        .sign_in(name, PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    Side { jar, p }
}

/// The part of a page both see: from the heading to the end of the main
/// content, without what only one of them gets, with the page's own
/// address written one way.
fn seen(html: &str, base: &str) -> String {
    let start = html.find("<h1>").expect("a heading");
    let end = html.find("</main>").expect("the end of main");
    let mut out = html[start..end].replace(base, "BASE");
    for marker in ["only-therapist", "only-preview"] {
        let (open, close) = (format!("<!--{marker}-->"), format!("<!--/{marker}-->"));
        while let Some(i) = out.find(&open) {
            let j = out[i..].find(&close).expect("a closed block") + i + close.len();
            out.replace_range(i..j, "");
        }
    }
    out
}

async fn log_size(t: &TestApp, client: &Principal) -> usize {
    t.app.access_log(client).await.unwrap().len()
}

async fn preview_matches_the_therapists_page_for_every_scope_combination(t: TestApp) {
    let ada = side(&t, "ada", Role::Client).await;
    let dr = side(&t, "dr-rivera", Role::Therapist).await;
    let other = side(&t, "dr-okafor", Role::Therapist).await;
    for therapist in [&dr, &other] {
        let invite = t.app.create_share_invite(&ada.p).await.unwrap();
        t.app
            .accept_share_invite(&therapist.p, &invite.code)
            .await
            .unwrap();
    }
    // A year of everything, some entries marked "share", a safety plan and
    // a warning sign; an appointment with each therapist by name.
    between_app::demo::fill(&t.app, &ada.p, 1, 7).await.unwrap();
    let links = t.app.shares(&ada.p).await.unwrap();
    let link = links
        .iter()
        .find(|l| l.with == "dr-rivera")
        .unwrap()
        .clone();
    between_app::demo::fill_care(&t.app, &ada.p, 1, Some(link.id), 7)
        .await
        .unwrap();
    let now = t.app.now();
    for (who, days) in [(&dr, 2), (&other, 3)] {
        t.app
            .add_appointment(
                &ada.p,
                NewAppointment {
                    starts_at: now + jiff::SignedDuration::from_hours(24 * days),
                    details: Details {
                        therapist: Some(who.p.user.id),
                        ..Details::default()
                    },
                    repeat: None,
                    until: None,
                },
            )
            .await
            .unwrap();
    }
    let all_scopes = Scope::ALL;
    t.app
        .set_share_scopes(&ada.p, "dr-rivera", &all_scopes, &[])
        .await
        .unwrap();
    // What the therapist wrote: a request and practice to answer.
    t.app
        .request_measures(
            &dr.p,
            "ada",
            vec![between_app::measure_requests::Asked {
                instrument: between_domain::measure::Instrument::Who5,
                cadence: between_domain::measure::Cadence::parse("every:2w").unwrap(),
            }],
            "Every other week, please.",
        )
        .await
        .unwrap();
    // The client's agenda, published to the link.
    assert_eq!(t.get("/agenda", &ada.jar).await.status, StatusCode::OK);
    t.app.settle().await;

    let therapist_page = format!("/clients/{}", ada.p.user.id);
    let preview_page = format!("/sharing/{}/preview", link.id);
    let mut compared = 0;
    for mask in 0u32..(1 << all_scopes.len()) {
        let on: Vec<Scope> = all_scopes
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, s)| *s)
            .collect();
        // As the client does it, on the Sharing page (whose request holds
        // the keys as they are now: a request before may have replaced
        // some of them).
        let csrf = t.csrf(&ada.jar).await;
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(on.iter().map(|s| ("scope", s.as_str())));
        let saved = t
            .post_form(&format!("/sharing/{}", link.id), &ada.jar, &form)
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        t.app.settle().await;
        let theirs = t.get(&therapist_page, &dr.jar).await;
        assert_eq!(theirs.status, StatusCode::OK, "{on:?}: {}", theirs.body);
        let before = log_size(&t, &ada.p).await;
        let mine = t.get(&preview_page, &ada.jar).await;
        assert_eq!(mine.status, StatusCode::OK, "{on:?}: {}", mine.body);
        assert_eq!(
            log_size(&t, &ada.p).await,
            before,
            "{on:?}: the preview is not a read by the therapist"
        );
        let (theirs, mine) = (
            seen(&theirs.body, &therapist_page),
            seen(&mine.body, &preview_page),
        );
        assert_eq!(theirs, mine, "{on:?}: the preview differs");
        // And it is the page, not an empty frame.
        for (scope, heading) in [
            (Scope::Agenda, "Agenda for the next session"),
            (Scope::Measures, "Scores over time"),
            (Scope::Goals, "id=\"goals-h\""),
            (Scope::Practice, "id=\"practice-h\""),
            (Scope::Journal, "journal entries you mark"),
        ] {
            assert_eq!(
                mine.contains(heading),
                on.contains(&scope),
                "{on:?}: {heading}"
            );
        }
        assert!(mine.contains("Appointments"));
        compared += 1;
    }
    assert_eq!(compared, 128);
    // The app-level filter holds in the preview too: the appointment that
    // names the other therapist is in neither.
    let (ada_now, _) = t
        .app
        .sign_in("ada", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let preview = t
        .app
        .preview_client_page(&ada_now, "dr-rivera")
        .await
        .unwrap();
    let names = |list: &[between_domain::appointment::Appointment]| {
        list.iter()
            .filter_map(|a| a.details.therapist)
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&preview.appointments), vec![dr.p.user.id]);
    let page = t.app.client_page(&dr.p, "ada").await.unwrap();
    assert_eq!(names(&page.appointments), vec![dr.p.user.id]);
    assert!(
        !t.get(&preview_page, &other.jar).await.status.is_success(),
        "a therapist cannot open a client's preview"
    );
}

#[tokio::test]
async fn the_preview_matches_the_therapists_page_for_every_scope_combination() {
    preview_matches_the_therapists_page_for_every_scope_combination(TestApp::new().await).await;
}

#[tokio::test]
async fn on_postgresql_the_preview_matches_the_therapists_page_for_every_scope_combination() {
    if let Some(db) = between_store::testing::TestDb::postgres().await {
        preview_matches_the_therapists_page_for_every_scope_combination(TestApp::on(db).await)
            .await;
    }
}
