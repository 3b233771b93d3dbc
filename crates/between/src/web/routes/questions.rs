//! The questions page: capture a question, see open ones oldest first,
//! record answers (and the appointment they were asked in), search.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::AppError;
use serde::Deserialize;
use uuid::Uuid;

use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageResult};
use crate::web::forms::{Checked, PageQuery, SignedForm, SignedFormOrStale};
use crate::web::paging::{self, Cursor, Links};
use crate::web::{Layout, WebState};

pub struct QuestionView {
    pub id: Uuid,
    pub text: String,
    pub asked: String,
    pub answer: Option<String>,
    pub answered_in: Option<String>,
}

/// An appointment to choose in a form.
pub struct Choice {
    pub id: Uuid,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "questions.html")]
struct QuestionsPage {
    layout: Layout,
    open: Vec<QuestionView>,
    answered: Vec<QuestionView>,
    /// Paging of the answered questions.
    paging: Links,
    appointments: Vec<Choice>,
    query: String,
    draft: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Params {
    q: Option<String>,
    notice: Option<String>,
    before: Option<Cursor>,
}

/// Past appointments (newest first) to pick from, the last attended chosen.
pub async fn appointment_choices(
    state: &WebState,
    s: &SignedIn,
    selected: Option<Uuid>,
) -> Result<Vec<Choice>, AppError> {
    let tz = &s.principal.user.time_zone;
    let now = state.app.now();
    let all = state.app.appointments(&s.principal).await?;
    let last_attended = all
        .iter()
        .filter(|a| {
            a.details.status == between_domain::appointment::Status::Attended && a.starts_at <= now
        })
        .max_by_key(|a| a.starts_at)
        .map(|a| a.id);
    let pick = selected.or(last_attended);
    Ok(all
        .iter()
        .rev()
        .filter(|a| a.starts_at <= now)
        .take(30)
        .map(|a| Choice {
            id: a.id,
            label: format!(
                "{}{}",
                a.starts_at.to_zoned(tz.clone()).strftime("%a %-d %b %Y"),
                if a.details.with.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", a.details.with)
                }
            ),
            selected: Some(a.id) == pick,
        })
        .collect())
}

async fn page(
    state: &WebState,
    s: &SignedIn,
    query: &str,
    before: Option<Cursor>,
    draft: &str,
    error: Option<String>,
    notice: Option<&'static str>,
) -> PageResult<QuestionsPage> {
    let tz = &s.principal.user.time_zone;
    let all = if query.trim().is_empty() {
        state.app.questions(&s.principal).await?
    } else {
        state.app.search_questions(&s.principal, query).await?
    };
    let appointments = appointment_choices(state, s, None).await?;
    let label = |id: Option<Uuid>| {
        id.and_then(|id| {
            appointments
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.label.clone())
        })
    };
    let view =
        |q: &between_app::records::Stored<between_domain::question::Question>| QuestionView {
            id: q.id,
            text: q.data.text.clone(),
            asked: q
                .created_at
                .to_zoned(tz.clone())
                .strftime("%-d %b %Y")
                .to_string(),
            answer: q.data.answer.clone(),
            answered_in: label(q.data.appointment_id),
        };
    let answered = paging::page(
        all.iter().filter(|q| !q.data.is_open()),
        |q| Cursor::of(q.occurred_at, q.id),
        before,
        paging::SIZE,
    );
    Ok(QuestionsPage {
        layout: Layout::signed_in(state, s, "Questions", "questions").with_notice(notice),
        open: all.iter().filter(|q| q.data.is_open()).map(view).collect(),
        answered: answered.items.iter().copied().map(view).collect(),
        paging: Links::new(
            "answered questions",
            "/questions",
            &[("q", query)],
            "#answered",
            before,
            &answered,
        ),
        appointments,
        query: query.to_string(),
        draft: draft.to_string(),
        error,
    })
}

fn notice(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "added" => Some("Added. It will be on your list for the next session."),
        "answered" => Some("Answer recorded."),
        "deleted" => Some("Deleted."),
        _ => None,
    }
}

pub async fn list(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<Params>,
) -> PageResult {
    let p = page(
        &state,
        &s,
        q.q.as_deref().unwrap_or(""),
        q.before,
        "",
        None,
        notice(q.notice.as_deref()),
    )
    .await?;
    render(&p)
}

pub async fn create(
    State(state): State<WebState>,
    SignedFormOrStale { s, form: checked }: SignedFormOrStale,
) -> PageResult {
    let (Checked::Fresh(form) | Checked::Stale(form)) = &checked;
    let text = form.get("text");
    if let Checked::Stale(_) = checked {
        let p = page(&state, &s, "", None, text, Some("This form had been open for a long time, so it was not saved. Your question is below.".into()), None).await?;
        return Ok((StatusCode::BAD_REQUEST, render(&p)?).into_response());
    }
    match state.app.add_question(&s.principal, text).await {
        Ok(_) => Ok(Redirect::to("/questions?notice=added").into_response()),
        Err(AppError::Invalid(e)) => {
            let p = page(&state, &s, "", None, text, Some(e.to_string()), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn answer(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let appointment = match form.get("appointment") {
        "" => None,
        a => Some(super::path_id(a)?),
    };
    match state
        .app
        .answer_question(
            &s.principal,
            super::path_id(&id)?,
            form.get("answer"),
            appointment,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/questions?notice=answered").into_response()),
        Err(AppError::Invalid(e)) => {
            let p = page(&state, &s, "", None, "", Some(e.to_string()), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn delete(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    state
        .app
        .delete_question(&s.principal, super::path_id(&id)?)
        .await?;
    Ok(Redirect::to("/questions?notice=deleted").into_response())
}
