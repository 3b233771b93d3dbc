//! The agenda page: the next appointment's agenda, edited with plain forms
//! (↑ ↓ beside each point; mark top, move to a position and remove in a
//! small menu; tick discussed once the appointment has started; add an own
//! point), a refresh that shows what changed first, and downloads as
//! Markdown or PDF. Prints on one page.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::agenda_saved::{Agenda, Change, Target};
use between_app::AppError;
use between_domain::agenda_plan::Changes;
use serde::Deserialize;
use uuid::Uuid;

use crate::agenda_doc::{self, DocFormat};
use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{PageQuery, SignedForm};
use crate::web::{Layout, WebState};

pub struct PointView {
    pub n: usize,
    pub key: String,
    pub text: String,
    pub top: bool,
    pub discussed: bool,
    pub carried: bool,
    pub fits: bool,
    pub evidence: Option<String>,
    /// Whether ↑ or ↓ can move it: not past the first or last point, nor
    /// out of its run (safety, top priorities, the rest).
    pub can_up: bool,
    pub can_down: bool,
}

pub struct Group {
    pub heading: &'static str,
    pub first: usize,
    pub points: Vec<PointView>,
}

#[derive(Template)]
#[template(path = "agenda.html")]
struct AgendaPage {
    layout: Layout,
    title: String,
    subtitle: String,
    saved: Option<String>,
    /// `appointment=…` for links and forms ("" for the next one).
    which: String,
    groups: Vec<Group>,
    count: usize,
    /// The appointment has started (by the app's clock): only then can
    /// points be ticked discussed.
    started: bool,
    draft_text: String,
    error: Option<String>,
    /// What linked therapists added: (who, "comment" | "point", text).
    from_therapists: Vec<(String, &'static str, String)>,
    /// Just after a removal: the removed point's text, offered back.
    undo: Option<String>,
}

#[derive(Template)]
#[template(path = "agenda_changes.html")]
struct ChangesPage {
    layout: Layout,
    title: String,
    which: String,
    saved: bool,
    added: Vec<String>,
    reworded: Vec<(String, String)>,
    gone: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct Params {
    appointment: Option<String>,
    notice: Option<String>,
    format: Option<String>,
}

/// `?appointment=ID`, `last` (the session just had) or nothing (the next).
fn target(which: Option<&str>) -> Result<Target, PageError> {
    match which.map(str::trim).filter(|s| !s.is_empty()) {
        None | Some("next") => Ok(Target::Next),
        Some("last") => Ok(Target::Last),
        Some(id) => Uuid::parse_str(id)
            .map(Target::Appointment)
            .map_err(|_| PageError::NotFound),
    }
}

/// Where a point's evidence is shown.
fn evidence_href(key: &str) -> Option<String> {
    let (kind, id) = key.split_once(':').unwrap_or((key, ""));
    Some(match kind {
        "moment" => format!("/journal/{id}"),
        "practice" => format!("/practices/{id}"),
        "goal" => format!("/goals/{id}"),
        "question" => "/questions".into(),
        "measure" | "safety" => "/measures".into(),
        "feedback" => "/feedback".into(),
        "roadblock" => "/roadblocks".into(),
        "triggers" | "pattern" => "/patterns".into(),
        "since_last" => "/journal".into(),
        _ => return None,
    })
}

fn which_of(agenda: &Agenda, requested: Target) -> String {
    match (requested, agenda.appointment) {
        (Target::Next, _) => String::new(),
        (_, Some((id, _))) => id.to_string(),
        (_, None) => String::new(),
    }
}

fn page(
    state: &WebState,
    s: &SignedIn,
    agenda: &Agenda,
    requested: Target,
    notice: Option<&'static str>,
    draft_text: String,
    error: Option<String>,
) -> AgendaPage {
    let tz = &s.principal.user.time_zone;
    let points = &agenda.plan.points;
    let place = |n: usize| points.get(n.wrapping_sub(1)).map(|x| x.place());
    let groups = agenda_doc::groups(agenda)
        .into_iter()
        .map(|(heading, points)| Group {
            heading,
            first: points.first().map_or(1, |(n, _, _)| *n),
            points: points
                .into_iter()
                .map(|(n, x, fits)| PointView {
                    n,
                    key: x.item.key.clone(),
                    text: x.item.text.clone(),
                    top: x.top,
                    discussed: x.discussed,
                    carried: x.carried,
                    fits,
                    evidence: evidence_href(&x.item.key),
                    can_up: n > 1 && place(n - 1) == Some(x.place()),
                    can_down: place(n + 1) == Some(x.place()),
                })
                .collect(),
        })
        .collect();
    AgendaPage {
        layout: Layout::signed_in(state, s, "Agenda", "home").with_notice(notice),
        title: agenda.title(tz),
        subtitle: agenda.subtitle(tz),
        saved: agenda.saved_at.map(|t| {
            t.to_zoned(tz.clone())
                .strftime("%-d %B at %H:%M")
                .to_string()
        }),
        which: which_of(agenda, requested),
        groups,
        count: agenda.plan.points.len(),
        started: agenda
            .appointment
            .is_some_and(|(_, at)| at <= state.app.now()),
        draft_text,
        error,
        from_therapists: Vec::new(),
        undo: None,
    }
}

pub async fn show(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(params): PageQuery<Params>,
) -> PageResult {
    let requested = target(params.appointment.as_deref())?;
    let agenda = state.app.agenda(&s.principal, requested).await?;
    let notice = match params.notice.as_deref() {
        Some("saved") => Some("Agenda saved."),
        Some("refreshed") => Some("The agenda now includes your latest data."),
        Some("removed") => Some("Point removed."),
        _ => None,
    };
    let mut page = page(&state, &s, &agenda, requested, notice, String::new(), None);
    if params.notice.as_deref() == Some("removed") {
        page.undo = agenda
            .plan
            .last_removed
            .as_ref()
            .map(|r| r.point.item.text.clone());
    }
    page.from_therapists = agenda
        .from_therapists
        .iter()
        .map(|n| {
            let kind = if n.note.point { "point" } else { "comment" };
            let who = if n.verified {
                n.from.clone()
            } else {
                format!("{}{}", n.from, crate::client_doc::NOT_VERIFIED)
            };
            (who, kind, n.note.text.clone())
        })
        .collect();
    render(&page)
}

pub async fn download(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(params): PageQuery<Params>,
) -> PageResult {
    let requested = target(params.appointment.as_deref())?;
    let format = DocFormat::parse(params.format.as_deref().unwrap_or("pdf"))
        .ok_or_else(|| PageError::BadRequest("Download as md or pdf.".into()))?;
    let agenda = state.app.agenda(&s.principal, requested).await?;
    let doc = agenda_doc::download(&agenda, &s.principal.user.time_zone, format)
        .await
        .map_err(|e| PageError::Internal(e.to_string()))?;
    Ok(doc.into_response())
}

pub async fn changes(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(params): PageQuery<Params>,
) -> PageResult {
    let requested = target(params.appointment.as_deref())?;
    let (agenda, c): (Agenda, Changes) = state.app.agenda_changes(&s.principal, requested).await?;
    render(&ChangesPage {
        layout: Layout::signed_in(&state, &s, "What changed", "home"),
        title: agenda.title(&s.principal.user.time_zone),
        which: which_of(&agenda, requested),
        saved: agenda.saved(),
        added: c.added.into_iter().map(|x| x.text).collect(),
        reworded: c
            .reworded
            .into_iter()
            .map(|(a, b)| (a.text, b.text))
            .collect(),
        gone: c.gone.into_iter().map(|x| x.text).collect(),
    })
}

/// One edit from the page's forms: `action` is add, remove, up, down, move
/// (with `to`), top, untop, discussed, undiscussed, save or refresh.
pub async fn edit(State(state): State<WebState>, SignedForm { s, form }: SignedForm) -> PageResult {
    let which = form.get("appointment");
    let requested = target(Some(which))?;
    let item = form.get("item").to_string();
    let position = || -> Result<usize, PageError> {
        form.get("position").parse().map_err(|_| {
            PageError::BadRequest("The form lost its position; reload the page.".into())
        })
    };
    let change = match form.get("action") {
        "add" => Change::Add(form.get("text").to_string()),
        "remove" => Change::Remove(item),
        "undo-remove" => Change::UndoRemove,
        "up" => Change::Move {
            which: item,
            to: position()?.saturating_sub(1).max(1),
        },
        "down" => Change::Move {
            which: item,
            to: position()? + 1,
        },
        "move" => Change::Move {
            which: item,
            to: form.get("to").trim().parse().unwrap_or(0),
        },
        "top" | "untop" => Change::Top {
            which: item,
            on: form.get("action") == "top",
        },
        "discussed" | "undiscussed" => Change::Discussed {
            which: item,
            on: form.get("action") == "discussed",
        },
        "save" => Change::Save,
        "refresh" => Change::Refresh,
        other => {
            return Err(PageError::BadRequest(format!(
                "\"{other}\" is not an edit."
            )))
        }
    };
    let back = |notice: &str, anchor: &str| {
        let mut url = format!("/agenda?notice={notice}");
        if !which.is_empty() {
            url.push_str(&format!("&appointment={which}"));
        }
        url.push_str(anchor);
        Redirect::to(&url).into_response()
    };
    match state
        .app
        .change_agenda(&s.principal, requested, change.clone())
        .await
    {
        Ok(agenda) => {
            let anchor = match &change {
                Change::Move { which, .. }
                | Change::Top { which, .. }
                | Change::Discussed { which, .. } => agenda
                    .plan
                    .points
                    .iter()
                    .position(|x| &x.item.key == which)
                    .map(|i| format!("#point-{}", i + 1))
                    .unwrap_or_default(),
                Change::Add(_) => format!("#point-{}", agenda.plan.points.len()),
                _ => String::new(),
            };
            let notice = match change {
                Change::Refresh => "refreshed",
                Change::Remove(_) => "removed",
                _ => "saved",
            };
            Ok(back(notice, &anchor))
        }
        // A move past either end is no change, not an error.
        Err(AppError::Invalid(_)) if matches!(form.get("action"), "up" | "down") => {
            Ok(back("saved", ""))
        }
        Err(AppError::Invalid(e)) => {
            let agenda = state.app.agenda(&s.principal, requested).await?;
            let text = if matches!(change, Change::Add(_)) {
                form.get("text").to_string()
            } else {
                String::new()
            };
            let page = page(
                &state,
                &s,
                &agenda,
                requested,
                None,
                text,
                Some(e.to_string()),
            );
            let html = page
                .render()
                .map_err(|e| PageError::Internal(e.to_string()))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, axum::response::Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
