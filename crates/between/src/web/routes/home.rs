//! Home, the hub for the time between sessions: the next appointment and
//! the time left, today's practice (done in one click) and check-in, the
//! agenda taking shape, what is due, the latest small win, how mood moved,
//! and a way to everything else. A therapist's home is their clients.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use between_app::agenda_saved::Target;
use between_app::Role;
use between_domain::appointment;
use between_domain::timespec::TimeRange;
use serde::Deserialize;

use super::appointments::{view, AppointmentView};
use crate::web::auth::MaybeSignedIn;
use crate::web::charts;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::PageQuery;
use crate::web::{Layout, WebState};

/// How many of the agenda's points home shows.
const AGENDA_POINTS: usize = 3;
/// The days the mood line on home covers.
const MOOD_DAYS: i64 = 30;

/// A practice due (or done) today.
struct TodayPractice {
    id: uuid::Uuid,
    title: String,
    done: bool,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    today: String,
    next: Option<(AppointmentView, String)>,
    /// The agenda's first points, and how many there are in all.
    agenda_points: Vec<String>,
    agenda_total: usize,
    practices: Vec<TodayPractice>,
    /// The last attended session's day; `None` before the first one.
    last_session: Option<String>,
    entries_since: usize,
    open_questions: usize,
    goals_due: Vec<(uuid::Uuid, String)>,
    measures_due: Vec<(&'static str, &'static str)>,
    /// "dr-rivera asks you to take: PCL-5 (past week) every week", unanswered.
    measures_asked: Vec<String>,
    /// Warning signs that match now: (name, what matched).
    warning_signs: Vec<(String, String)>,
    /// The safety plan's next steps, when a sign matches: (heading, text).
    plan_steps: Vec<(&'static str, String)>,
    new_wins: Vec<String>,
    more_wins: usize,
    latest_win: Option<String>,
    /// Trackers recorded today, and how many there are.
    checked_in: usize,
    trackers: usize,
    /// "due" or the day the next progress review is due.
    review: Option<(bool, String)>,
    /// How mood moved over the last weeks, in a sentence and as a small
    /// line; `None` without moods.
    mood: Option<(String, String)>,
    /// The day the calendar feed's address was replaced without being asked
    /// for, for two weeks after it was.
    calendar_changed: Option<String>,
    /// What was found changed in the database and put right: (day, what).
    security: Vec<(String, &'static str)>,
}

/// How long home mentions that the calendar's address changed.
const CALENDAR_CHANGE_DAYS: i64 = 14;

#[derive(Deserialize)]
pub struct HomeParams {
    notice: Option<String>,
}

fn notice(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "practice-done" => Some("Logged. Well done."),
        _ => None,
    }
}

pub async fn home(
    State(state): State<WebState>,
    MaybeSignedIn(s): MaybeSignedIn,
    PageQuery(q): PageQuery<HomeParams>,
) -> PageResult {
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
    if p.user.role == Role::Therapist {
        return Ok(Redirect::to("/clients").into_response());
    }
    let tz = p.user.time_zone.clone();
    let now = state.app.now();
    let today = state.app.today(p);
    let all = state.app.appointments(p).await?;
    let window = appointment::since_last_session(&all, now);
    let entries_since = match window.last_attended {
        None => 0,
        Some(since) => state.app.count_entries_since(p, since).await?,
    };
    let wins = state.app.celebrate_new_wins(p).await?;
    let tracked = state.app.tracked_on(p, today).await?;
    let checked_in = tracked.iter().filter(|(_, v)| v.is_some()).count();
    let review = state
        .app
        .review_due(p)
        .await?
        .map(|day| (day <= today, day.strftime("%-d %B %Y").to_string()));
    let agenda = state.app.agenda(p, Target::Next).await?;
    let practices = state
        .app
        .practices_today_brief(p)
        .await?
        .into_iter()
        .map(|(practice, stats)| TodayPractice {
            id: practice.id,
            title: practice.data.title,
            done: stats.done_today,
            overdue: stats.overdue,
        })
        .collect();
    let mood_since = now
        .checked_sub(jiff::SignedDuration::from_hours(24 * MOOD_DAYS))
        .ok();
    let trend = state
        .app
        .mood_trend(
            p,
            TimeRange {
                since: mood_since,
                until: None,
            },
        )
        .await?;
    let calendar_changed = state
        .app
        .calendar_feed_link(p)
        .await?
        .and_then(|f| f.replaced_at)
        .filter(|at| now.duration_since(*at).as_hours() < 24 * CALENDAR_CHANGE_DAYS)
        .map(|at| at.to_zoned(tz.clone()).strftime("%-d %B").to_string());
    let security = state
        .app
        .recent_security_events(p)
        .await?
        .iter()
        .map(|e| {
            (
                e.at.to_zoned(tz.clone()).strftime("%-d %B").to_string(),
                e.sentence(),
            )
        })
        .collect();
    let win_line =
        |w: &between_domain::wins::Win| format!("{} ({})", w.title, w.date.strftime("%-d %B %Y"));
    let fired = state.app.warning_signs_fired(p).await?;
    let plan_steps = if fired.is_empty() {
        Vec::new()
    } else {
        let plan = state.app.safety_plan(p).await?;
        between_app::measures::SAFETY_PLAN_SECTIONS
            .iter()
            .skip(1)
            .take(4)
            .map(|(field, heading, _)| (*heading, plan.get(field).trim().to_string()))
            .filter(|(_, text)| !text.is_empty())
            .collect()
    };
    render(&HomePage {
        calendar_changed,
        security,
        layout: Layout::signed_in(&state, &s, "", "home").with_notice(notice(q.notice.as_deref())),
        name: p.user.name.clone(),
        today: today.strftime("%A %-d %B").to_string(),
        next: appointment::next_appointment(&all, now)
            .map(|a| (view(a, &tz, now), appointment::time_until(now, a.starts_at))),
        agenda_total: agenda.plan.points.len(),
        agenda_points: agenda
            .plan
            .points
            .iter()
            .filter(|pt| !pt.discussed)
            .take(AGENDA_POINTS)
            .map(|pt| pt.item.text.clone())
            .collect(),
        practices,
        last_session: window
            .last_attended
            .map(|t| t.to_zoned(tz.clone()).strftime("%A %-d %B").to_string()),
        entries_since,
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
        warning_signs: fired
            .iter()
            .map(|v| {
                (
                    v.sign.data.name.clone(),
                    v.fired
                        .as_ref()
                        .map(|f| f.evidence.clone())
                        .unwrap_or_default(),
                )
            })
            .collect(),
        plan_steps,
        measures_asked: state
            .app
            .measure_requests(p)
            .await?
            .iter()
            .filter(|r| r.state == between_app::assignments::AssignmentState::Pending)
            .map(|r| format!("{} asks you to take: {}", r.therapist, r.words()))
            .collect(),
        checked_in,
        review,
        trackers: tracked.len(),
        more_wins: wins.new.len().saturating_sub(3),
        new_wins: wins.new.iter().rev().take(3).map(win_line).collect(),
        latest_win: wins.latest.as_ref().map(win_line),
        mood: (!trend.days.is_empty()).then(|| {
            (
                trend.movement.sentence.clone(),
                charts::mood_sparkline(&trend),
            )
        }),
    })
}
