//! The private calendar feed (`/ical/{secret}.ics`) and its settings: the
//! link, rotating it, neutral or detailed titles, a daily journal reminder.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use between_app::AppError;
use serde::Deserialize;

use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{PageQuery, SignedForm};
use crate::web::{Layout, WebState};

fn host(state: &WebState) -> String {
    state
        .settings
        .public_url
        .split("://")
        .nth(1)
        .unwrap_or("between.local")
        .split('/')
        .next()
        .unwrap_or("between.local")
        .to_string()
}

/// The feed itself. An unknown or rotated secret is a plain 404.
pub async fn feed(State(state): State<WebState>, Path(file): Path<String>) -> PageResult {
    let secret = file.strip_suffix(".ics").ok_or(PageError::NotFound)?;
    let data = match state.app.calendar_feed(secret).await {
        Ok(data) => data,
        Err(AppError::NotFound(_)) => return Err(PageError::NotFound),
        Err(err) => return Err(err.into()),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        crate::ics::render(&data, &host(&state), state.app.now()),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    layout: Layout,
    url: Option<String>,
    /// The day the address was replaced without being asked for (a
    /// therapist's access ended), so the person updates their calendar app.
    replaced_on: Option<String>,
    detailed: bool,
    journal_reminder: bool,
}

#[derive(Deserialize)]
pub struct Params {
    notice: Option<String>,
}

pub async fn settings(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<Params>,
) -> PageResult {
    let prefs = state.app.calendar_prefs(&s.principal).await?;
    let feed = state.app.calendar_feed_link(&s.principal).await?;
    let notice = match q.notice.as_deref() {
        Some("rotated") => Some("A new link is made; the old one no longer works."),
        Some("saved") => Some("Saved."),
        _ => None,
    };
    render(&CalendarPage {
        layout: Layout::signed_in(&state, &s, "Calendar", "settings").with_notice(notice),
        url: feed
            .as_ref()
            .map(|f| format!("{}/ical/{}.ics", state.settings.public_url, f.secret)),
        replaced_on: feed.and_then(|f| f.replaced_at).map(|at| {
            at.to_zoned(s.principal.user.time_zone.clone())
                .strftime("%-d %B %Y")
                .to_string()
        }),
        detailed: prefs.detailed,
        journal_reminder: prefs.journal_reminder,
    })
}

/// Makes the link (or a new one, which ends the old).
pub async fn link(State(state): State<WebState>, SignedForm { s, .. }: SignedForm) -> PageResult {
    state.app.calendar_secret(&s.principal, true).await?;
    Ok(Redirect::to("/settings/calendar?notice=rotated").into_response())
}

pub async fn save(State(state): State<WebState>, SignedForm { s, form }: SignedForm) -> PageResult {
    state
        .app
        .set_calendar_prefs(
            &s.principal,
            form.has("detailed"),
            form.has("journal_reminder"),
        )
        .await?;
    Ok(Redirect::to("/settings/calendar?notice=saved").into_response())
}
