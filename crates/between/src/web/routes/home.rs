//! The home page: the next appointment and the time left, and what has
//! happened since the last session.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use between_app::journal::ListEntries;
use between_domain::appointment;
use between_domain::timespec::TimeRange;

use super::appointments::{view, AppointmentView};
use crate::web::auth::MaybeSignedIn;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    next: Option<(AppointmentView, String)>,
    last_session: Option<String>,
    entries_since: usize,
    open_questions: usize,
    goals_due: Vec<(uuid::Uuid, String)>,
    measures_due: Vec<(&'static str, &'static str)>,
    new_wins: Vec<String>,
    more_wins: usize,
    /// Trackers recorded today, and how many there are.
    checked_in: usize,
    trackers: usize,
    /// "due" or the day the next progress review is due.
    review: Option<(bool, String)>,
}

pub async fn home(State(state): State<WebState>, MaybeSignedIn(s): MaybeSignedIn) -> PageResult {
    let Some(s) = s else {
        let users = state
            .app
            .store()
            .count_users()
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        return Ok(Redirect::to(if users == 0 { "/setup" } else { "/signin" }).into_response());
    };
    let p = &s.principal;
    let tz = p.user.time_zone.clone();
    let now = state.app.now();
    let all = state.app.appointments(p).await?;
    let window = appointment::since_last_session(&all, now);
    let entries = state
        .app
        .list_entries(
            p,
            &ListEntries {
                range: TimeRange {
                    since: window.last_attended,
                    until: None,
                },
                limit: Some(between_app::journal::MAX_PAGE),
                ..Default::default()
            },
        )
        .await?;
    let new_wins = state.app.celebrate_new_wins(p).await?;
    let tracked = state.app.tracked_on(p, state.app.today(p)).await?;
    let checked_in = tracked.iter().filter(|(_, v)| v.is_some()).count();
    let today = now.to_zoned(tz.clone()).date();
    let review = state
        .app
        .review_due(p)
        .await?
        .map(|day| (day <= today, day.strftime("%-d %B %Y").to_string()));
    render(&HomePage {
        layout: Layout::signed_in(&state, &s, "", "home"),
        name: p.user.name.clone(),
        next: appointment::next_appointment(&all, now)
            .map(|a| (view(a, &tz, now), appointment::time_until(now, a.starts_at))),
        last_session: window
            .last_attended
            .map(|t| t.to_zoned(tz.clone()).strftime("%A %-d %B").to_string()),
        entries_since: entries.entries.len(),
        open_questions: state
            .app
            .questions(p)
            .await?
            .iter()
            .filter(|q| q.data.is_open())
            .count(),
        goals_due: state
            .app
            .goals_due_for_review(p)
            .await?
            .iter()
            .map(|g| (g.goal.id, g.goal.data.title.clone()))
            .collect(),
        measures_due: state
            .app
            .measures_due(p)
            .await?
            .iter()
            .map(|i| (i.as_str(), i.name()))
            .collect(),
        checked_in,
        review,
        trackers: tracked.len(),
        more_wins: new_wins.len().saturating_sub(3),
        new_wins: new_wins
            .iter()
            .rev()
            .take(3)
            .map(|w| format!("{} ({})", w.title, w.date.strftime("%-d %B %Y")))
            .collect(),
    })
}
