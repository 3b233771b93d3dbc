//! Linking with a therapist on the web: the invitation link a client sends
//! opens a page where the therapist accepts it.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use between_app::sessions::SignInAs;
use between_app::Role;
use support::{TestApp, PASSWORD};

/// ada (a client) and dr-rivera (a therapist), each signed in on the web
/// and in the app, linked with nothing shared yet.
struct Linked {
    ada_jar: support::Jar,
    ada: between_app::Principal,
    dr_jar: support::Jar,
    link: between_app::sharing::Link,
}

async fn linked(t: &TestApp) -> Linked {
    let ada_jar = t.signed_in("ada").await;
    let (ada, _) = t
        .app
        .sign_in("ada", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let dr_jar = t.signed_in_as("dr-rivera", Role::Therapist).await;
    let (dr, _) = t
        .app
        .sign_in("dr-rivera", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let invite = t.app.create_share_invite(&ada).await.unwrap();
    let link = t.app.accept_share_invite(&dr, &invite.code).await.unwrap();
    Linked {
        ada_jar,
        ada,
        dr_jar,
        link,
    }
}

#[tokio::test]
async fn a_therapist_accepts_a_clients_invitation_from_its_link() {
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let (ada, _) = t
        .app
        .sign_in("ada", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let invite = t.app.create_share_invite(&ada).await.unwrap();
    let dr = t.signed_in_as("dr-rivera", Role::Therapist).await;

    let page = t
        .get(&format!("/share/accept?code={}", invite.code), &dr)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("value=\"{}\"", invite.code)));
    let csrf = page.hidden("csrf");
    let r = t
        .post_form("/share/accept", &dr, &[("csrf", &csrf), ("code", "wrong")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("This invitation code is not valid."));
    let r = t
        .post_form(
            "/share/accept",
            &dr,
            &[("csrf", &csrf), ("code", &invite.code)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("You are linked with ada."));
    assert_eq!(t.app.shares(&ada).await.unwrap()[0].with, "dr-rivera");

    // Signed out, the link leads to sign-in.
    let anon = support::Jar::default();
    let r = t
        .get(&format!("/share/accept?code={}", invite.code), &anon)
        .await;
    assert!(r.status.is_redirection(), "{}", r.status);
}

#[tokio::test]
async fn the_api_links_shares_by_scope_and_logs_every_read() {
    use between_app::Access;
    use serde_json::json;
    let t = TestApp::new().await;
    t.signed_in("ada").await;
    let ada = t.token("ada", Access::Full).await;
    t.signed_in_as("dr-rivera", Role::Therapist).await;
    let dr = t.token("dr-rivera", Access::Full).await;
    t.signed_in_as("dr-other", Role::Therapist).await;
    let other = t.token("dr-other", Access::Full).await;
    let r = t
        .api(
            "POST",
            "/api/v1/measures",
            Some(&ada),
            Some(&json!({"instrument": "gad7", "answers": [1, 1, 1, 1, 1, 1, 1]}).to_string()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let invite = t
        .api("POST", "/api/v1/shares/invites", Some(&ada), None)
        .await;
    assert_eq!(invite.status, StatusCode::CREATED, "{}", invite.body);
    let code = invite.json()["code"].as_str().unwrap().to_string();
    let r = t
        .api(
            "POST",
            "/api/v1/shares/accept",
            Some(&dr),
            Some(&json!({ "code": code }).to_string()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let link = r.json();
    let (link_id, client_id) = (
        link["id"].as_str().unwrap().to_string(),
        link["client_id"].as_str().unwrap().to_string(),
    );
    let data = format!("/api/v1/clients/{client_id}/measures");
    assert_eq!(
        t.api("GET", &data, Some(&dr), None).await.status,
        StatusCode::NOT_FOUND,
        "off by default"
    );
    let bad = t
        .api(
            "PATCH",
            &format!("/api/v1/shares/{link_id}"),
            Some(&ada),
            Some(r#"{"on":["everything"]}"#),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/shares/{link_id}"),
            Some(&ada),
            Some(r#"{"on":["measures"]}"#),
        )
        .await;
    assert_eq!(r.json()["scopes"], json!(["measures"]));
    let r = t.api("GET", &data, Some(&dr), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["items"][0]["total"], 7);
    for (who, path) in [
        (&other, data.clone()),
        (&dr, format!("/api/v1/clients/{client_id}/journal")),
        (&dr, format!("/api/v1/clients/{client_id}/nonsense")),
        (&ada, data.clone()),
    ] {
        let r = t.api("GET", &path, Some(who), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
    }
    let log = t
        .api("GET", "/api/v1/access-log", Some(&ada), None)
        .await
        .json();
    assert!(log["access_log"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["who"] == "dr-rivera" && a["what"] == "measures"));
    let clients = t
        .api("GET", "/api/v1/clients", Some(&dr), None)
        .await
        .json();
    assert_eq!(clients["clients"][0]["client"], "ada");

    let r = t
        .api(
            "DELETE",
            &format!("/api/v1/shares/{link_id}"),
            Some(&dr),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.api("GET", &data, Some(&dr), None).await.status,
        StatusCode::NOT_FOUND,
        "refused on the very next request"
    );
}

#[tokio::test]
async fn on_the_web_a_client_invites_chooses_scopes_sees_who_saw_what_and_ends_it() {
    use between_app::Access;
    use serde_json::json;
    let t = TestApp::new().await;
    let ada = t.signed_in("ada").await;
    let token = t.token("ada", Access::Full).await;
    for body in [json!({"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 0]})] {
        t.api(
            "POST",
            "/api/v1/measures",
            Some(&token),
            Some(&body.to_string()),
        )
        .await;
    }
    t.api(
        "POST",
        "/api/v1/entries",
        Some(&token),
        Some(r#"{"text":"A private worry","mood":4}"#),
    )
    .await;
    let page = t.get("/sharing", &ada).await;
    assert!(page
        .body
        .contains("Nothing is shared until you switch it on"));
    let csrf = page.hidden("csrf");
    let r = t
        .post_form("/sharing/invite", &ada, &[("csrf", &csrf)])
        .await;
    let url = r
        .body
        .split("<code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_string();
    let code = url.split("code=").nth(1).unwrap().to_string();

    let dr = t.signed_in_as("dr-rivera", Role::Therapist).await;
    let dr_csrf = t.get("/share/accept", &dr).await.hidden("csrf");
    t.post_form("/share/accept", &dr, &[("csrf", &dr_csrf), ("code", &code)])
        .await;

    let page = t.get("/sharing", &ada).await;
    assert!(page.body.contains("<h2>dr-rivera</h2>"), "{}", page.body);
    let link_id = page
        .body
        .split("<h2>dr-rivera</h2>")
        .nth(1)
        .unwrap()
        .split("action=\"/sharing/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = t
        .post_form(
            &format!("/sharing/{link_id}"),
            &ada,
            &[("csrf", &csrf), ("scope", "measures")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(t
        .get("/sharing", &ada)
        .await
        .body
        .contains("value=\"measures\" checked"));

    let clients = t.get("/clients", &dr).await;
    assert!(clients.body.contains("<h1>Clients</h1>"));
    assert!(
        clients.body.contains("PHQ-9 8 (mild)")
            && clients
                .body
                .contains("<td data-label=\"Practice, last 4 weeks\">Not shared</td>")
            && clients.body.contains("Nothing flagged"),
        "measures shown, practice not shared, no flags: {}",
        clients.body
    );
    // The client's link in the page, not the header's "/clients/sessions".
    let client_path = clients
        .body
        .split("<main")
        .nth(1)
        .unwrap()
        .split("href=\"/clients/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .map(|id| format!("/clients/{id}"))
        .unwrap();
    let view = t.get(&client_path, &dr).await;
    assert_eq!(view.status, StatusCode::OK);
    assert!(view.body.contains("questionnaire scores"), "{}", view.body);
    assert!(view.body.contains("PHQ-9 8"), "{}", view.body);
    assert!(!view.body.contains("A private worry"));

    let log = t.get("/sharing/access-log", &ada).await;
    assert!(
        log.body
            .contains("<td data-label=\"Who\">dr-rivera</td><td data-label=\"What\">an overview, appointments, questionnaire scores"),
        "{}",
        log.body
    );
    let csv = t.get("/sharing/access-log.csv", &ada).await;
    assert_eq!(
        csv.headers[axum::http::header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    assert!(
        csv.body.starts_with("when,who,what,item,details\n"),
        "{}",
        csv.body
    );
    assert!(
        csv.body
            .contains(",dr-rivera,measures,,PHQ-9: 1 response\n"),
        "{}",
        csv.body
    );

    t.post_form(&format!("/sharing/{link_id}/end"), &ada, &[("csrf", &csrf)])
        .await;
    assert_eq!(
        t.get(&client_path, &dr).await.status,
        StatusCode::NOT_FOUND,
        "the therapist's next page load is refused"
    );
}

#[tokio::test]
async fn a_therapist_reads_the_shared_agenda_and_adds_a_point_the_client_sees() {
    use between_app::Access;
    use between_domain::share::Scope;
    use serde_json::json;
    let t = TestApp::new().await;
    let ada_jar = t.signed_in("ada").await;
    let ada_token = t.token("ada", Access::Full).await;
    let q = t
        .api(
            "POST",
            "/api/v1/questions",
            Some(&ada_token),
            Some(r#"{"text": "Why do Sundays feel heavy?"}"#),
        )
        .await;
    assert_eq!(q.status, StatusCode::CREATED, "{}", q.body);
    let e = t
        .api(
            "POST",
            "/api/v1/entries",
            Some(&ada_token),
            Some(r#"{"text": "Nobody may read this night", "mood": 1}"#),
        )
        .await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.body);
    let (ada, _) = t
        .app
        .sign_in("ada", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let dr_jar = t.signed_in_as("dr-rivera", Role::Therapist).await;
    let dr_token = t.token("dr-rivera", Access::Full).await;
    let invite = t.app.create_share_invite(&ada).await.unwrap();
    let (dr, _) = t
        .app
        .sign_in("dr-rivera", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let link = t.app.accept_share_invite(&dr, &invite.code).await.unwrap();
    t.app
        .set_share_scopes(&ada, "dr-rivera", &[Scope::Agenda], &[])
        .await
        .unwrap();

    let page = t
        .get(&format!("/clients/{}", link.client_id), &dr_jar)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Why do Sundays feel heavy?"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Nobody may read this"));
    let csrf = page.hidden("csrf");
    let r = t
        .post_form(
            &format!("/clients/{}/agenda", link.client_id),
            &dr_jar,
            &[("csrf", &csrf), ("text", ""), ("kind", "comment")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Write the comment or point first."));
    let r = t
        .post_form(
            &format!("/clients/{}/agenda", link.client_id),
            &dr_jar,
            &[
                ("csrf", &csrf),
                ("text", "Let us look at your sleep"),
                ("kind", "point"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let agenda = t.get("/agenda", &ada_jar).await;
    assert!(
        agenda.body.contains("From your therapist"),
        "{}",
        agenda.body
    );
    assert!(agenda.body.contains("Let us look at your sleep"));

    let api = t
        .api(
            "GET",
            &format!("/api/v1/clients/{}/agenda", link.client_id),
            Some(&dr_token),
            None,
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let body = api.json();
    assert!(body["agenda"]["title"]
        .as_str()
        .unwrap()
        .starts_with("Agenda for"));
    let items = body["items"].as_array().unwrap();
    assert!(items
        .iter()
        .any(|i| i["kind"] == "point" && i["text"] == "Why do Sundays feel heavy?"));
    assert!(items
        .iter()
        .any(|i| i["kind"] == "therapist_point" && i["text"] == "Let us look at your sleep"));
    let r = t
        .api(
            "POST",
            &format!("/api/v1/clients/{}/agenda/notes", link.client_id),
            Some(&dr_token),
            Some(&json!({"text": "Well done", "on": items[0]["key"]}).to_string()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["kind"], "comment");
}

#[tokio::test]
async fn a_private_link_opens_for_anyone_holding_it_until_it_is_used_up_or_revoked() {
    let t = TestApp::new().await;
    let ada = t.signed_in("ada").await;
    let csrf = t.csrf(&ada).await;
    let r = t
        .post_form(
            "/agenda/link",
            &ada,
            &[("csrf", &csrf), ("expires", "3d"), ("max_views", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let start = r.body.find("/s/").expect("the link is shown");
    let path: String = r.body[start..]
        .chars()
        .take_while(|c| !matches!(c, '<' | '"' | ' '))
        .collect();

    // Its address first shows what it is and an "Open" button: a link
    // preview or a mail scanner fetching it neither uses up the one view
    // nor receives the agenda.
    let mut anon = support::Jar::default();
    let first = t.get(&path, &anon).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(
        first.body.contains("an agenda for a therapy session"),
        "{}",
        first.body
    );
    assert!(first.body.contains("1 more time"), "{}", first.body);
    assert!(!first.body.contains("Agenda for my next session"));
    assert_eq!(first.headers["x-robots-tag"], "noindex, nofollow");
    anon.absorb(&first);
    let token = first.hidden("csrf");
    for _ in 0..3 {
        assert_eq!(
            t.get(&path, &anon).await.status,
            StatusCode::OK,
            "fetching uses no view"
        );
    }
    let refused = t
        .post_form(&path, &anon, &[("csrf", "not the token")])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let page = t.post_form(&path, &anon, &[("csrf", &token)]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Agenda for my next session"));
    assert_eq!(page.headers["x-robots-tag"], "noindex, nofollow");
    let again = t.post_form(&path, &anon, &[("csrf", &token)]).await;
    assert_eq!(again.status, StatusCode::GONE, "one view only");
    assert!(again.body.contains("This link is closed"));
    assert_eq!(t.get(&path, &anon).await.status, StatusCode::GONE);
    assert_eq!(
        t.get("/s/a-guess-at-some-link-secret-0000", &anon)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Listed on the sharing page, revoked from there.
    let r = t
        .post_form(
            "/agenda/link",
            &ada,
            &[("csrf", &csrf), ("expires", "soon")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("is not a length of time"));
    let r = t.post_form("/agenda/link", &ada, &[("csrf", &csrf)]).await;
    let start = r.body.find("/s/").unwrap();
    let second: String = r.body[start..]
        .chars()
        .take_while(|c| !matches!(c, '<' | '"' | ' '))
        .collect();
    let sharing = t.get("/sharing", &ada).await;
    assert!(sharing.body.contains("used up"), "{}", sharing.body);
    let start = sharing.body.find("/sharing/links/").unwrap();
    let revoke: String = sharing.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let r = t.post_form(&revoke, &ada, &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(t.get(&second, &anon).await.status, StatusCode::GONE);
    let log = t.get("/sharing/access-log", &ada).await;
    assert!(log.body.contains("agenda (private link)"), "{}", log.body);
    // A closed link keeps nothing to open: the used-up and the revoked
    // link's sealed snapshots are erased.
    let owner = t.db.store.user_by_name("ada").await.unwrap().unwrap();
    let links = t.db.store.private_links(owner.id).await.unwrap();
    assert_eq!(links.len(), 2);
    assert!(
        links.iter().all(|l| l.sealed.is_empty()),
        "snapshots erased"
    );
}

#[tokio::test]
async fn a_therapist_assigns_practice_on_the_web_and_the_client_adjusts_it() {
    let t = TestApp::new().await;
    let Linked {
        ada_jar,
        dr_jar,
        link,
        ..
    } = linked(&t).await;
    let page = format!("/clients/{}", link.client_id);
    let csrf = t.get(&page, &dr_jar).await.hidden("csrf");
    let assign = format!("/clients/{}/assign", link.client_id);
    let r = t
        .post_form(
            &assign,
            &dr_jar,
            &[("csrf", &csrf), ("title", "Walk"), ("kind", "days")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"Walk\""), "what was typed stays");
    let r = t
        .post_form(
            &assign,
            &dr_jar,
            &[
                ("csrf", &csrf),
                ("title", "Walk"),
                ("instructions", "Twenty minutes outside"),
                ("kind", "daily"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let list = t.get("/practices", &ada_jar).await;
    assert!(
        list.body.contains("Assigned by your therapist"),
        "{}",
        list.body
    );
    assert!(list.body.contains("Twenty minutes outside"));
    let start = list.body.find("/practices/assigned/").unwrap();
    let action: String = list.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let csrf = list.hidden("csrf");
    let r = t
        .post_form(
            &action,
            &ada_jar,
            &[("csrf", &csrf), ("action", "accept"), ("schedule", "often")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .post_form(
            &action,
            &ada_jar,
            &[
                ("csrf", &csrf),
                ("action", "accept"),
                ("schedule", "per-week:3"),
                ("note", "Three times is realistic"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shown = t.get(r.location(), &ada_jar).await;
    assert!(shown.body.contains("Walk"), "{}", shown.body);
    let list = t.get("/practices", &ada_jar).await;
    assert!(
        !list.body.contains("Assigned by your therapist"),
        "answered once"
    );
    let seen = t.get(&page, &dr_jar).await;
    assert!(seen.body.contains("accepted"), "{}", seen.body);
    assert!(seen.body.contains("Three times is realistic"));
}

#[tokio::test]
async fn on_the_web_an_appointment_names_the_linked_therapist() {
    let t = TestApp::new().await;
    let Linked { ada_jar, link, .. } = linked(&t).await;
    let form = t.get("/appointments/new", &ada_jar).await;
    assert!(form.body.contains("With my therapist"), "{}", form.body);
    let option = format!("<option value=\"{}\"", link.therapist_id);
    assert!(form.body.contains(&option));
    let csrf = form.hidden("csrf");
    let r = t
        .post_form(
            "/appointments",
            &ada_jar,
            &[
                ("csrf", &csrf),
                ("starts_at", "2030-01-07T10:00"),
                ("duration", "50"),
                ("therapist", "not-an-id"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .post_form(
            "/appointments",
            &ada_jar,
            &[
                ("csrf", &csrf),
                ("starts_at", "2030-01-07T10:00"),
                ("duration", "50"),
                ("therapist", &link.therapist_id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shown = t.get(r.location(), &ada_jar).await;
    assert!(shown.body.contains("dr-rivera"), "{}", shown.body);
}

#[tokio::test]
async fn a_therapist_ends_the_link_from_the_clients_page() {
    let t = TestApp::new().await;
    let Linked {
        ada, dr_jar, link, ..
    } = linked(&t).await;
    let page = t
        .get(&format!("/clients/{}", link.client_id), &dr_jar)
        .await;
    let end = format!("/sharing/{}/end", link.id);
    assert!(page.body.contains(&end), "{}", page.body);
    let r = t
        .post_form(&end, &dr_jar, &[("csrf", &page.hidden("csrf"))])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(t.app.shares(&ada).await.unwrap().is_empty());
    let again = t
        .get(&format!("/clients/{}", link.client_id), &dr_jar)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_link_made_before_bindings_is_confirmed_by_comparing_fingerprints() {
    use between_store::testing::Value;
    let t = TestApp::new().await;
    let ada = t.signed_in("ada").await;
    let dr = t.signed_in_as("dr-rivera", Role::Therapist).await;
    let client = t.app.authenticate(&ada.0["between_session"]).await.unwrap();
    let therapist = t.app.authenticate(&dr.0["between_session"]).await.unwrap();
    let invite = t.app.create_share_invite(&client).await.unwrap();
    let link = t
        .app
        .accept_share_invite(&therapist, &invite.code)
        .await
        .unwrap();
    for table in ["share_bindings", "share_consents"] {
        t.db.tamper(
            &format!("DELETE FROM {table} WHERE share_id = $1"),
            &[Value::Text(link.id.to_string())],
        )
        .await;
    }
    let theirs = t.get("/sharing", &dr).await.body;
    let fingerprint = theirs
        .split("Your key's fingerprint, for a client who asks to confirm a link: <code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_string();
    let page = t.get("/sharing", &ada).await.body;
    assert!(
        page.contains("Confirm dr-rivera&#x27;s key before anything is shared")
            || page.contains("Confirm dr-rivera's key before anything is shared"),
        "{page}"
    );
    assert!(
        page.contains(&fingerprint),
        "the same fingerprint on both sides"
    );
    assert!(
        !page.contains("Save what I share"),
        "no scopes before confirming"
    );
    let csrf = t.csrf(&ada).await;
    let done = t
        .post_form(
            &format!("/sharing/{}/confirm", link.id),
            &ada,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = t.get("/sharing", &ada).await.body;
    assert!(page.contains("Save what I share"));
    assert!(!page.contains("before anything is shared"));
}
