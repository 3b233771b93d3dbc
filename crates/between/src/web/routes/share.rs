//! Accepting a client's invitation to link, from the link they sent.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use between_app::Role;
use serde::Deserialize;

use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageResult};
use crate::web::forms::{PageQuery, SignedForm};
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "share_accept.html")]
struct AcceptPage {
    layout: Layout,
    code: String,
    linked: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Params {
    code: Option<String>,
}

pub async fn accept_form(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(params): PageQuery<Params>,
) -> PageResult {
    render(&AcceptPage {
        layout: Layout::signed_in(&state, &s, "Link with a client", "home"),
        code: params.code.unwrap_or_default(),
        linked: None,
        error: None,
    })
}

pub async fn accept(
    State(state): State<WebState>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let code = form.get("code").trim().to_string();
    let (linked, error) = match state.app.accept_share_invite(&s.principal, &code).await {
        Ok(link) => (Some(link.client), None),
        Err(e) if e.is_input_error() => (None, Some(e.to_string())),
        Err(e) => return Err(e.into()),
    };
    let page = AcceptPage {
        layout: Layout::signed_in(&state, &s, "Link with a client", "home"),
        code,
        linked,
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// One link on the sharing page.
pub struct LinkView {
    pub id: uuid::Uuid,
    pub with: String,
    pub since: String,
    /// (scope name, what it shares, on).
    pub choices: Vec<(&'static str, &'static str, bool)>,
}

#[derive(Template)]
#[template(path = "sharing.html")]
struct SharingPage {
    layout: Layout,
    therapist: bool,
    summaries: Vec<crate::client_doc::SummaryText>,
    links: Vec<LinkView>,
    invite_url: Option<String>,
    error: Option<String>,
    private_links: Vec<PrivateLinkView>,
}

/// A private link as the sharing page lists it.
struct PrivateLinkView {
    id: uuid::Uuid,
    title: String,
    created: String,
    expires: String,
    views: String,
    state: &'static str,
    open: bool,
}

async fn sharing_page(
    state: &WebState,
    s: &SignedIn,
    invite_url: Option<String>,
    error: Option<String>,
) -> Result<SharingPage, crate::web::errors::PageError> {
    use between_domain::share::Scope;
    let p = &s.principal;
    let tz = &p.user.time_zone;
    let therapist = p.user.role == Role::Therapist;
    let (links, summaries) = if therapist {
        let summaries = state
            .app
            .client_summaries(p)
            .await?
            .iter()
            .map(|c| crate::client_doc::SummaryText::of(c, tz))
            .collect();
        (Vec::new(), summaries)
    } else {
        (state.app.shares(p).await?, Vec::new())
    };
    Ok(SharingPage {
        layout: Layout::signed_in(
            state,
            s,
            if therapist { "My clients" } else { "Sharing" },
            "settings",
        ),
        therapist,
        summaries,
        links: links
            .into_iter()
            .map(|l| LinkView {
                id: l.id,
                since: l
                    .since
                    .to_zoned(tz.clone())
                    .strftime("%-d %B %Y")
                    .to_string(),
                choices: Scope::ALL
                    .into_iter()
                    .map(|x| (x.as_str(), x.describe(), l.scopes.contains(&x)))
                    .collect(),
                with: l.with,
            })
            .collect(),
        invite_url,
        error,
        private_links: if therapist {
            Vec::new()
        } else {
            let day = |t: jiff::Timestamp| {
                t.to_zoned(tz.clone())
                    .strftime("%-d %b %Y, %H:%M")
                    .to_string()
            };
            state
                .app
                .private_links(p)
                .await?
                .into_iter()
                .map(|l| PrivateLinkView {
                    id: l.id,
                    title: l.title,
                    created: day(l.created_at),
                    expires: day(l.expires_at),
                    views: match l.max_views {
                        Some(m) => format!("{} of {m}", l.views),
                        None => l.views.to_string(),
                    },
                    state: l.state.as_str(),
                    open: l.state == between_app::private_links::LinkState::Open,
                })
                .collect()
        },
    })
}

pub async fn sharing(State(state): State<WebState>, s: SignedIn) -> PageResult {
    render(&sharing_page(&state, &s, None, None).await?)
}

pub async fn invite(State(state): State<WebState>, SignedForm { s, .. }: SignedForm) -> PageResult {
    let invite = state.app.create_share_invite(&s.principal).await?;
    let url = format!(
        "{}/share/accept?code={}",
        state.settings.public_url.trim_end_matches('/'),
        invite.code
    );
    render(&sharing_page(&state, &s, Some(url), None).await?)
}

/// One of the person's active links, by the id in the path.
async fn own_link(
    state: &WebState,
    s: &SignedIn,
    id: &str,
) -> Result<between_app::sharing::Link, crate::web::errors::PageError> {
    let id = super::path_id(id)?;
    state
        .app
        .shares(&s.principal)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or(crate::web::errors::PageError::NotFound)
}

/// Saves the checked scopes of one link: checked ones on, the rest off.
pub async fn set_scopes(
    State(state): State<WebState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    use between_domain::share::Scope;
    let link = own_link(&state, &s, &id).await?;
    let checked: Vec<Scope> = form
        .all("scope")
        .iter()
        .filter_map(|x| Scope::parse(x))
        .collect();
    let on: Vec<Scope> = checked
        .iter()
        .copied()
        .filter(|x| !link.scopes.contains(x))
        .collect();
    let off: Vec<Scope> = link
        .scopes
        .iter()
        .copied()
        .filter(|x| !checked.contains(x))
        .collect();
    state
        .app
        .set_share_scopes(&s.principal, &link.with, &on, &off)
        .await?;
    Ok(axum::response::Redirect::to("/sharing").into_response())
}

pub async fn end(
    State(state): State<WebState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    let link = own_link(&state, &s, &id).await?;
    state.app.end_share(&s.principal, &link.with).await?;
    Ok(axum::response::Redirect::to("/sharing").into_response())
}

#[derive(Template)]
#[template(path = "access_log.html")]
struct AccessLogPage {
    layout: Layout,
    rows: Vec<(String, String, String)>,
}

pub async fn access_log(State(state): State<WebState>, s: SignedIn) -> PageResult {
    let tz = &s.principal.user.time_zone;
    let rows = state
        .app
        .access_log(&s.principal)
        .await?
        .into_iter()
        .map(|a| {
            let at = jiff::Timestamp::from_microsecond(a.at)
                .map(|t| {
                    t.to_zoned(tz.clone())
                        .strftime("%-d %b %Y, %H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            (at, a.reader_name, a.what)
        })
        .collect();
    render(&AccessLogPage {
        layout: Layout::signed_in(&state, &s, "Who saw what", "settings"),
        rows,
    })
}

/// A shared agenda as the therapist's page shows it.
struct AgendaView {
    title: String,
    subtitle: String,
    as_of: String,
    sections: Vec<(String, Vec<between_domain::snapshot::SnapshotLine>)>,
    /// ("Your comment" | "Your point", text, the point it answers).
    notes: Vec<(&'static str, String, String)>,
    /// Points a comment can answer: (key, text).
    points: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "client.html")]
struct ClientPage {
    layout: Layout,
    id: String,
    /// The link itself, for ending it.
    link_id: String,
    name: String,
    shares_agenda: bool,
    agenda: Option<AgendaView>,
    /// Why there is no agenda to show, when shared.
    agenda_note: String,
    appointments: Vec<String>,
    sections: Vec<(&'static str, Vec<String>)>,
    error: Option<String>,
    /// Practice this therapist assigned: (title, schedule, state, reply).
    assigned: Vec<(String, String, &'static str, String)>,
    /// The assign form as typed, kept when it had a problem.
    assign_form: (String, String, String),
}

/// The link of this therapist with the client whose user id is in the path.
async fn client_link(
    state: &WebState,
    s: &SignedIn,
    id: &str,
) -> Result<between_app::sharing::Link, crate::web::errors::PageError> {
    let id = super::path_id(id)?;
    state
        .app
        .clients(&s.principal)
        .await?
        .into_iter()
        .find(|l| l.client_id == id)
        .ok_or(crate::web::errors::PageError::NotFound)
}

/// A therapist's view of one linked client: appointments, the shared
/// agenda with what the therapist added, and each other shared scope.
pub async fn client(
    State(state): State<WebState>,
    s: SignedIn,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> PageResult {
    let link = client_link(&state, &s, &id).await?;
    client_page(&state, &s, link, None).await
}

async fn client_page(
    state: &WebState,
    s: &SignedIn,
    link: between_app::sharing::Link,
    error: Option<String>,
) -> PageResult {
    client_page_with(state, s, link, error, Default::default()).await
}

async fn client_page_with(
    state: &WebState,
    s: &SignedIn,
    link: between_app::sharing::Link,
    error: Option<String>,
    assign_form: (String, String, String),
) -> PageResult {
    use between_domain::share::Scope;
    let p = &s.principal;
    let tz = &p.user.time_zone;
    let mut sections = Vec::new();
    for scope in link.scopes.iter().copied().filter(|x| *x != Scope::Agenda) {
        let data = state.app.client_data(p, &link.client, scope).await?;
        let (lines, _) = crate::client_doc::lines_and_json(&data, tz);
        sections.push((scope.describe(), lines));
    }
    let shares_agenda = link.scopes.contains(&Scope::Agenda);
    let (mut agenda, mut agenda_note) = (None, String::new());
    if shares_agenda {
        let a = state.app.client_agenda(p, &link.client).await?;
        match a.snapshot {
            Some(snapshot) => {
                let notes = a
                    .notes
                    .iter()
                    .map(|n| {
                        let on = n
                            .note
                            .on
                            .as_ref()
                            .and_then(|key| {
                                snapshot
                                    .sections
                                    .iter()
                                    .flat_map(|x| &x.lines)
                                    .find(|l| l.key.as_deref() == Some(key.as_str()))
                            })
                            .map(|l| l.text.clone())
                            .unwrap_or_default();
                        let label = if n.note.point {
                            "Your point"
                        } else {
                            "Your comment"
                        };
                        (label, n.note.text.clone(), on)
                    })
                    .collect();
                let points = snapshot
                    .sections
                    .iter()
                    .flat_map(|x| &x.lines)
                    .filter_map(|l| {
                        let short: String = l.text.chars().take(60).collect();
                        l.key.clone().map(|k| (k, short))
                    })
                    .collect();
                agenda = Some(AgendaView {
                    title: snapshot.title,
                    subtitle: snapshot.subtitle,
                    as_of: a
                        .made_at
                        .map(|t| {
                            t.to_zoned(tz.clone())
                                .strftime("%-d %B %Y, %H:%M")
                                .to_string()
                        })
                        .unwrap_or_default(),
                    sections: snapshot
                        .sections
                        .into_iter()
                        .map(|x| (x.heading, x.lines))
                        .collect(),
                    notes,
                    points,
                });
            }
            None => {
                agenda_note = format!(
                    "No agenda to show yet: it appears when {} next opens their agenda for a session with you.",
                    link.client
                );
            }
        }
    }
    let appointments = state
        .app
        .client_appointments(p, &link.client)
        .await?
        .iter()
        .map(|a| {
            format!(
                "{} ({})",
                a.starts_at
                    .to_zoned(tz.clone())
                    .strftime("%a %-d %b %Y, %H:%M"),
                a.details.status.as_str()
            )
        })
        .collect();
    let assigned = state
        .app
        .client_assignments(p, &link.client)
        .await?
        .into_iter()
        .map(|a| {
            let reply = crate::client_doc::assignment_reply(&a)
                .trim_start_matches([' ', ':'])
                .to_string();
            (
                a.practice.title,
                a.practice.schedule.describe(),
                a.state.as_str(),
                reply,
            )
        })
        .collect();
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = render(&ClientPage {
        layout: Layout::signed_in(state, s, link.client.clone(), "home"),
        id: link.client_id.to_string(),
        link_id: link.id.to_string(),
        name: link.client,
        shares_agenda,
        agenda,
        agenda_note,
        appointments,
        sections,
        error,
        assigned,
        assign_form,
    })?;
    Ok((status, page).into_response())
}

/// `POST /clients/{id}/assign`: a therapist assigns practice (title,
/// instructions, schedule spec).
pub async fn assign(
    State(state): State<WebState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let link = client_link(&state, &s, &id).await?;
    let typed = (
        form.get("title").to_string(),
        form.get("instructions").to_string(),
        form.get("schedule").to_string(),
    );
    let today = state
        .app
        .now()
        .to_zoned(s.principal.user.time_zone.clone())
        .date();
    let input = crate::json::PracticeInput {
        title: typed.0.clone(),
        instructions: typed.1.clone(),
        schedule: Some(typed.2.clone()).filter(|x| !x.trim().is_empty()),
        ..Default::default()
    };
    let result = match input.parse(today) {
        Ok(practice) => {
            state
                .app
                .assign_practice(&s.principal, &link.client, practice)
                .await
        }
        Err(e) => Err(between_app::AppError::Invalid(e)),
    };
    match result {
        Ok(_) => Ok(
            axum::response::Redirect::to(&format!("/clients/{}#assigned", link.client_id))
                .into_response(),
        ),
        Err(between_app::AppError::Invalid(errors)) => {
            client_page_with(&state, &s, link, Some(errors.to_string()), typed).await
        }
        Err(err) => Err(err.into()),
    }
}

/// A therapist adds a comment or a point of their own to the shared agenda.
pub async fn add_agenda_note(
    State(state): State<WebState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let link = client_link(&state, &s, &id).await?;
    let on = Some(form.get("on").trim().to_string()).filter(|x| !x.is_empty());
    let note = between_app::agenda_share::Note {
        text: form.get("text").to_string(),
        point: form.get("kind") == "point",
        on,
    };
    match state
        .app
        .add_agenda_note(&s.principal, &link.client, note)
        .await
    {
        Ok(_) => Ok(
            axum::response::Redirect::to(&format!("/clients/{}#agenda", link.client_id))
                .into_response(),
        ),
        Err(between_app::AppError::Invalid(errors)) => {
            client_page(&state, &s, link, Some(errors.to_string())).await
        }
        Err(err) => Err(err.into()),
    }
}

/// The access log as a CSV file (when, who, what, item), for keeping.
pub async fn access_log_csv(State(state): State<WebState>, s: SignedIn) -> PageResult {
    let tz = &s.principal.user.time_zone;
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |out: &mut csv::Writer<Vec<u8>>, row: [&str; 4]| {
        out.write_record(row)
            .map_err(|e| crate::web::errors::PageError::Internal(e.to_string()))
    };
    write(&mut out, ["when", "who", "what", "item"])?;
    for a in state.app.access_log(&s.principal).await? {
        let at = jiff::Timestamp::from_microsecond(a.at)
            .map(|t| crate::json::rfc3339(t, tz))
            .unwrap_or_default();
        let item = a.item_id.map(|i| i.to_string()).unwrap_or_default();
        write(&mut out, [&at, &a.reader_name, &a.what, &item])?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| crate::web::errors::PageError::Internal(e.to_string()))?;
    Ok(crate::agenda_doc::Download {
        content_type: "text/csv; charset=utf-8",
        file_name: "who-saw-what.csv".into(),
        bytes,
    }
    .into_response())
}
