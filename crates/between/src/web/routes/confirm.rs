//! Confirm pages for actions that change the record: a GET page that says
//! what will happen and posts the action's own form (cancelling an
//! appointment, deleting a question, insight or review, revoking a private
//! link, ending a link with a therapist). The action routes stay where they
//! are; only what the button leads to changed.

use askama::Template;
use axum::extract::{Path, State};

use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "confirm_change.html")]
pub struct ConfirmChange {
    pub layout: Layout,
    pub heading: String,
    pub message: String,
    /// Where the form posts, with its fields besides the form token.
    pub action: String,
    pub fields: Vec<(&'static str, String)>,
    pub button: &'static str,
    /// Deleting or ending: the button looks dangerous.
    pub danger: bool,
    /// Back without changing anything, and what that link says.
    pub back: String,
    pub keep: &'static str,
}

/// Quoted text, shortened to a line.
fn quoted(text: &str) -> String {
    let line: String = text.chars().take(120).collect();
    if line.chars().count() < text.chars().count() {
        format!("“{}…”", line.trim_end())
    } else {
        format!("“{line}”")
    }
}

/// `GET /appointments/{id}/cancel`: marking an appointment cancelled.
pub async fn cancel_appointment(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let a = state
        .app
        .appointment(&s.principal, super::path_id(&id)?)
        .await?;
    let v = super::appointments::view(&a, &s.principal.user.time_zone, state.app.now());
    let with = if v.with.is_empty() {
        String::new()
    } else {
        format!(" with {}", v.with)
    };
    render(&ConfirmChange {
        layout: Layout::signed_in(&state, &s, "Cancel appointment", "appointments"),
        heading: "Mark this appointment cancelled?".into(),
        message: format!(
            "{}{with}. It stays in your list as cancelled, and you can plan it again later.",
            v.when
        ),
        action: format!("/appointments/{}/status", a.id),
        fields: vec![("status", "cancelled".into()), ("confirm", "yes".into())],
        button: "Mark cancelled",
        danger: false,
        back: format!("/appointments/{}", a.id),
        keep: "Keep it planned",
    })
}

/// `GET /questions/{id}/delete`.
pub async fn delete_question(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let q = state
        .app
        .question(&s.principal, super::path_id(&id)?)
        .await?;
    render(&ConfirmChange {
        layout: Layout::signed_in(&state, &s, "Delete question", "questions"),
        heading: "Delete this question?".into(),
        message: format!(
            "{}. It is deleted for good, with its answer if it has one.",
            quoted(&q.data.text)
        ),
        action: format!("/questions/{}/delete", q.id),
        fields: Vec::new(),
        button: "Delete",
        danger: true,
        back: "/questions".into(),
        keep: "Keep it",
    })
}

/// `GET /insights/{id}/delete`.
pub async fn delete_insight(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let i = state
        .app
        .insight(&s.principal, super::path_id(&id)?)
        .await?;
    render(&ConfirmChange {
        layout: Layout::signed_in(&state, &s, "Delete insight", "insights"),
        heading: "Delete this insight?".into(),
        message: format!("{}. It is deleted for good.", quoted(&i.data.text)),
        action: format!("/insights/{}/delete", i.id),
        fields: Vec::new(),
        button: "Delete",
        danger: true,
        back: "/insights".into(),
        keep: "Keep it",
    })
}

/// `GET /reviews/{id}/delete`.
pub async fn delete_review(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let r = state
        .app
        .saved_review(&s.principal, super::path_id(&id)?)
        .await?;
    let saved = r
        .saved
        .data
        .saved_at
        .to_zoned(s.principal.user.time_zone.clone())
        .strftime("%-d %b %Y")
        .to_string();
    render(&ConfirmChange {
        layout: Layout::signed_in(&state, &s, "Delete review", "home"),
        heading: "Delete this review?".into(),
        message: format!(
            "The review you saved on {saved}, with what you wrote in it. It is deleted for good."
        ),
        action: format!("/reviews/{}/delete", r.saved.id),
        fields: Vec::new(),
        button: "Delete",
        danger: true,
        back: format!("/reviews/{}", r.saved.id),
        keep: "Keep it",
    })
}

/// `GET /sharing/links/{id}/revoke`.
pub async fn revoke_private_link(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let id = super::path_id(&id)?;
    let link = state
        .app
        .private_links(&s.principal)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or(PageError::NotFound)?;
    render(&ConfirmChange {
        layout: Layout::signed_in(&state, &s, "Revoke private link", "settings"),
        heading: "Revoke this private link?".into(),
        message: format!(
            "{}. Whoever has the link can no longer open it. A revoked link cannot be opened again; you can make a new one.",
            link.title
        ),
        action: format!("/sharing/links/{id}/revoke"),
        fields: Vec::new(),
        button: "Revoke",
        danger: true,
        back: "/sharing#private-links".into(),
        keep: "Keep it open",
    })
}

/// `GET /sharing/{id}/end`: ending the link with a therapist.
pub async fn end_share(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let id = super::path_id(&id)?;
    let link = state
        .app
        .shares(&s.principal)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or(PageError::NotFound)?;
    render(&ConfirmChange {
        layout: Layout::signed_in(&state, &s, "End the link", "settings"),
        heading: format!("End the link with {}?", link.with),
        message: if s.principal.user.role == between_app::Role::Therapist {
            format!(
                "You will no longer see anything {} shared, from now on. To link again, {} would send you a new invitation.",
                link.with, link.with
            )
        } else {
            format!(
                "{} will no longer see anything you shared, from now on. To share again, you would send a new invitation.",
                link.with
            )
        },
        action: format!("/sharing/{id}/end"),
        fields: Vec::new(),
        button: "End the link",
        danger: true,
        back: if s.principal.user.role == between_app::Role::Therapist {
            "/clients".into()
        } else {
            "/sharing".into()
        },
        keep: "Keep sharing",
    })
}
