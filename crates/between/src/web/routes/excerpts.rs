//! Sharing part of a journal entry from the browser: a page with the
//! entry's text in a box to delete what stays private from (or to replace
//! with a summary), or sharing all of it; and stopping. Works without
//! JavaScript.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::AppError;
use between_domain::excerpt::{Excerpt, ExcerptKind};
use uuid::Uuid;

use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageResult};
use crate::web::forms::SignedForm;
use crate::web::layout::Layout;
use crate::web::WebState;

#[derive(Template)]
#[template(path = "entry_share.html")]
struct SharePage {
    layout: Layout,
    id: Uuid,
    when: String,
    /// What the box holds: the excerpt shared so far, or the entry's words.
    text: String,
    summary: bool,
    shared_in_full: bool,
    error: Option<String>,
}

/// The entry's words as one text: its text and its prompts' answers.
fn words(e: &between_domain::Entry) -> String {
    let mut out = e.content.text.trim().to_string();
    for p in &e.content.prompts {
        if !p.answer.trim().is_empty() {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&format!("{}\n{}", p.prompt, p.answer.trim()));
        }
    }
    out
}

async fn page(
    state: &WebState,
    s: &SignedIn,
    id: Uuid,
    typed: Option<(String, bool)>,
    error: Option<String>,
) -> Result<SharePage, crate::web::errors::PageError> {
    let p = &s.principal;
    let e = state.app.entry(p, id).await?;
    let (text, summary) = match typed {
        Some(t) => t,
        None => match state.app.excerpt_of(p, id).await? {
            Some(x) => (x.data.text, x.data.kind == ExcerptKind::Summary),
            None => (words(&e), false),
        },
    };
    Ok(SharePage {
        layout: Layout::signed_in(state, s, "Share with my therapist", "journal"),
        id,
        when: e
            .occurred_at
            .to_zoned(p.user.time_zone.clone())
            .strftime("%A %-d %B %Y, %H:%M")
            .to_string(),
        text,
        summary,
        shared_in_full: e.content.shared,
        error,
    })
}

/// `GET /journal/{id}/share`.
pub async fn form(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let id = super::path_id(&id)?;
    render(&page(&state, &s, id, None, None).await?)
}

/// `POST /journal/{id}/share`: `what=part` with `text` (and `kind`), or
/// `what=all`.
pub async fn share(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let id = super::path_id(&id)?;
    let p = &s.principal;
    if form.get("what") == "all" {
        let e = state.app.entry(p, id).await?;
        let mut content = e.content.clone();
        content.shared = true;
        state.app.update_entry(p, id, content, None).await?;
        if state.app.excerpt_of(p, id).await?.is_some() {
            state.app.delete_excerpt(p, id).await?;
        }
        return Ok(Redirect::to(&format!("/journal/{id}?notice=saved")).into_response());
    }
    let summary = form.get("kind") == "summary";
    let excerpt = Excerpt {
        text: form.get("text").to_string(),
        kind: if summary {
            ExcerptKind::Summary
        } else {
            ExcerptKind::Part
        },
    };
    match state.app.share_excerpt(p, id, excerpt).await {
        Ok(_) => Ok(Redirect::to(&format!("/journal/{id}?notice=excerpt")).into_response()),
        Err(AppError::Invalid(e)) => {
            let typed = Some((form.get("text").to_string(), summary));
            let page = page(&state, &s, id, typed, Some(e.to_string())).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// `POST /journal/{id}/excerpt/delete`: stop sharing the excerpt.
pub async fn stop(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    let id = super::path_id(&id)?;
    state.app.delete_excerpt(&s.principal, id).await?;
    Ok(Redirect::to(&format!("/journal/{id}?notice=unshared")).into_response())
}
