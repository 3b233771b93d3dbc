//! Sharing in the JSON API: a client's links and scopes (`/shares`), a
//! therapist's clients and what each shares (`/clients`), and who read what
//! (`/access-log`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::sharing::{ClientData, Link};
use between_domain::share::Scope;
use serde::Deserialize;
use serde_json::{json, Value};

use super::body::ApiJson;
use super::input::path_id;
use super::path::ApiPath;
use super::{ApiError, ApiPrincipal, ErrorCode};
use crate::json::{
    rfc3339, EntryJson, FeedbackJson, GoalJson, InsightJson, MeasureJson, PracticeJson,
};
use crate::web::WebState;

fn link_json(l: &Link, tz: &jiff::tz::TimeZone) -> Value {
    json!({
        "id": l.id,
        "client": l.client,
        "client_id": l.client_id,
        "therapist": l.therapist,
        "therapist_id": l.therapist_id,
        "since": rfc3339(l.since, tz),
        "scopes": l.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "confirmed": l.confirmed,
    })
}

/// `{"<key>": [link, …]}`.
fn links_json(key: &str, links: &[Link], tz: &jiff::tz::TimeZone) -> Response {
    let list: Vec<Value> = links.iter().map(|l| link_json(l, tz)).collect();
    Json(json!({ key: list })).into_response()
}

fn scopes(names: &[String]) -> Result<Vec<Scope>, ApiError> {
    names
        .iter()
        .map(|n| {
            Scope::parse(n).ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::Invalid,
                    format!("{} is not a scope: use agenda, measures, goals, practice, insights, feedback or journal.", between_domain::echo::quote(n)),
                )
            })
        })
        .collect()
}

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let links = state.app.shares(&p).await?;
    Ok(links_json("shares", &links, &p.user.time_zone))
}

pub async fn invite(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let invite = state.app.create_share_invite(&p).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "code": invite.code,
            "expires_at": rfc3339(invite.expires_at, &p.user.time_zone),
        })),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptInput {
    code: String,
}

pub async fn accept(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(input): ApiJson<AcceptInput>,
) -> Result<Response, ApiError> {
    let link = state.app.accept_share_invite(&p, &input.code).await?;
    Ok((
        StatusCode::CREATED,
        Json(link_json(&link, &p.user.time_zone)),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeInput {
    #[serde(default)]
    on: Vec<String>,
    #[serde(default)]
    off: Vec<String>,
}

/// The link with id, among the person's active links.
async fn find(state: &WebState, p: &between_app::Principal, id: &str) -> Result<Link, ApiError> {
    let id = path_id(id, "link")?;
    state
        .app
        .shares(p)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or_else(|| ApiError::from(between_app::AppError::NotFound("The link".into())))
}

pub async fn patch(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ScopeInput>,
) -> Result<Response, ApiError> {
    let link = find(&state, &p, &id).await?;
    let link = state
        .app
        .set_share_scopes(&p, &link.with, &scopes(&input.on)?, &scopes(&input.off)?)
        .await?;
    Ok(Json(link_json(&link, &p.user.time_zone)).into_response())
}

pub async fn end(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let link = find(&state, &p, &id).await?;
    state.app.end_share(&p, &link.with).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /shares/{id}/preview`: what that link's therapist sees about this
/// client, in the shape of their `GET /clients/{id}`; not logged as a read.
pub async fn preview(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let link = find(&state, &p, &id).await?;
    if link.client_id != p.user.id {
        return Err(between_app::AppError::NotFound("The link".into()).into());
    }
    let page = state.app.preview_client_page(&p, &link.therapist).await?;
    Ok(Json(crate::client_doc::page_text_and_json(page).1).into_response())
}

/// `GET /clients/{id}`: everything the client shares with this therapist
/// (each read logged for the client).
pub async fn client(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let link = linked_client(&state, &p, &id).await?;
    let page = state.app.client_page(&p, &link.client).await?;
    Ok(Json(crate::client_doc::page_text_and_json(page).1).into_response())
}

pub async fn clients(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let tz = &p.user.time_zone;
    let list: Vec<Value> = state
        .app
        .client_summaries(&p)
        .await?
        .iter()
        .map(|c| {
            let mut item = link_json(&c.link, tz);
            item["summary"] = crate::client_doc::summary_json(c, tz);
            item
        })
        .collect();
    Ok(Json(json!({ "clients": list })).into_response())
}

/// This therapist's link with the client whose account id is `id`; 404
/// for anyone else.
pub(super) async fn linked_client(
    state: &WebState,
    p: &between_app::Principal,
    id: &str,
) -> Result<Link, ApiError> {
    let id = path_id(id, "client")?;
    state
        .app
        .clients(p)
        .await?
        .into_iter()
        .find(|l| l.client_id == id)
        .ok_or_else(|| ApiError::from(between_app::AppError::NotFound("That client".into())))
}

/// `GET /clients/{id}/{kind}`: what the client shares under one scope.
pub async fn client_data(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath((id, kind)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let tz = &p.user.time_zone;
    let link = linked_client(&state, &p, &id).await?;
    let scope = Scope::parse(&kind).ok_or_else(|| {
        ApiError::from(between_app::AppError::NotFound("That client's data".into()))
    })?;
    let items: Vec<Value> = match state.app.client_data(&p, &link.client, scope).await? {
        ClientData::Measures(list) => list
            .iter()
            .map(|m| json!(MeasureJson::new(m, tz)))
            .collect(),
        ClientData::Goals(list) => list.iter().map(|g| json!(GoalJson::new(g, tz))).collect(),
        ClientData::Practice(list) => list
            .iter()
            .map(|v| json!(PracticeJson::new(v, tz)))
            .collect(),
        ClientData::Insights(list) => list
            .iter()
            .map(|i| json!(InsightJson::new(i, tz)))
            .collect(),
        ClientData::Feedback(list) => list
            .iter()
            .map(|r| json!(FeedbackJson::new(r, tz)))
            .collect(),
        ClientData::Journal(list, excerpts) => list
            .iter()
            .map(|e| json!(EntryJson::new(e, tz)))
            .chain(excerpts.iter().map(|x| crate::json::excerpt_json(x, tz)))
            .collect(),
        ClientData::Agenda(a) => {
            let (_, items) = crate::client_doc::agenda_lines_and_json(&a, tz);
            let agenda = json!({
                "title": a.snapshot.as_ref().map(|s| &s.title),
                "subtitle": a.snapshot.as_ref().map(|s| &s.subtitle),
                "appointment_at": a.appointment.map(|(_, at)| rfc3339(at, tz)),
                "made_at": a.made_at.map(|at| rfc3339(at, tz)),
            });
            return Ok(Json(json!({
                "client": link.client,
                "scope": scope.as_str(),
                "agenda": agenda,
                "items": items,
            }))
            .into_response());
        }
    };
    Ok(
        Json(json!({ "client": link.client, "scope": scope.as_str(), "items": items }))
            .into_response(),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    text: String,
    #[serde(default)]
    point: bool,
    #[serde(default)]
    on: Option<String>,
}

/// `POST /clients/{id}/agenda/notes`: a therapist's comment or point on the
/// client's shared agenda.
pub async fn add_agenda_note(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<NoteInput>,
) -> Result<Response, ApiError> {
    let link = linked_client(&state, &p, &id).await?;
    let note = between_app::agenda_share::Note {
        text: input.text,
        point: input.point,
        on: input.on.filter(|x| !x.trim().is_empty()),
    };
    let n = state.app.add_agenda_note(&p, &link.client, note).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": n.id,
            "kind": if n.note.point { "therapist_point" } else { "comment" },
            "text": n.note.text,
            "on": n.note.on,
            "at": rfc3339(n.at, &p.user.time_zone),
        })),
    )
        .into_response())
}

pub async fn access_log(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let tz = &p.user.time_zone;
    let list: Vec<Value> = state
        .app
        .access_log(&p)
        .await?
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "who": a.reader_name,
                "what": a.what,
                "item_id": a.item_id,
                "at": jiff::Timestamp::from_microsecond(a.at).ok().map(|t| rfc3339(t, tz)),
                "details": a.details,
            })
        })
        .collect();
    Ok(Json(json!({ "access_log": list })).into_response())
}

/// `GET /security-log`: every change to how this account signs in,
/// newest first, with what exactly (sealed to the person, opened here).
pub async fn security_log(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let tz = &p.user.time_zone;
    let list: Vec<Value> = state
        .app
        .security_log(&p)
        .await?
        .iter()
        .map(|l| crate::json::security_log_json(l, tz))
        .collect();
    Ok(Json(json!({ "security_log": list })).into_response())
}
