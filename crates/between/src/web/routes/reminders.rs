//! Settings → Reminders: turn reminders on or off, add and change them,
//! quiet hours and days, and the channels they go through. What the
//! server can read once they are on is said on the page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::reminders::{Channel, ReminderStatus, Target};
use between_app::{AppError, Principal};
use between_domain::reminder::rule::{describe_weekdays, parse_time, parse_times, parse_weekdays};
use between_domain::reminder::{Kind, Reminder};
use jiff::civil::Weekday;
use serde::Deserialize;
use uuid::Uuid;

use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{FormData, PageQuery, SignedForm};
use crate::web::{Layout, WebState};

const DAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Monday, "mon", "Mon"),
    (Weekday::Tuesday, "tue", "Tue"),
    (Weekday::Wednesday, "wed", "Wed"),
    (Weekday::Thursday, "thu", "Thu"),
    (Weekday::Friday, "fri", "Fri"),
    (Weekday::Saturday, "sat", "Sat"),
    (Weekday::Sunday, "sun", "Sun"),
];

struct ReminderRow {
    id: Uuid,
    label: String,
    when: String,
    times: String,
    days: Vec<(&'static str, &'static str, bool)>,
    checkin: bool,
    enabled: bool,
    next: String,
}

struct ChannelRow {
    id: Uuid,
    kind: &'static str,
    target: String,
    detailed: bool,
    state: String,
}

struct DayBox {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "reminders.html")]
struct RemindersPage {
    layout: Layout,
    status: &'static str,
    on: bool,
    can_turn_on: bool,
    reminders: Vec<ReminderRow>,
    channels: Vec<ChannelRow>,
    practices: Vec<(Uuid, String)>,
    quiet_from: String,
    quiet_until: String,
    quiet_days: Vec<DayBox>,
    new_days: Vec<DayBox>,
    /// The VAPID key to subscribe with, when this server sends push.
    push_key: Option<String>,
    /// Whether this server sends email.
    email: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Params {
    notice: Option<String>,
}

fn notice(q: &Params) -> Option<&'static str> {
    Some(match q.notice.as_deref()? {
        "added" => "Reminder added.",
        "saved" => "Saved.",
        "deleted" => "Deleted.",
        "on" => "Reminders are on.",
        "off" => {
            "Reminders are off. Your reminders and channels are kept for when you turn them on."
        }
        "channel" => "Channel added. An email address gets a confirmation email first; reminders go there once its link is followed.",
        _ => return None,
    })
}

fn status_sentence(status: ReminderStatus) -> &'static str {
    match status {
        ReminderStatus::On => "Reminders are on.",
        ReminderStatus::Off => "Reminders are off.",
        ReminderStatus::Paused => "Reminders are paused: this server's key changed, so it cannot read your plan. Turn them on again to go on.",
        ReminderStatus::Unavailable => "This server is not set up for reminders yet (it has no server key). Its operator can turn them on; what you set here is kept.",
    }
}

async fn page(
    state: &WebState,
    s: &SignedIn,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<RemindersPage, PageError> {
    let app = &state.app;
    let p = &s.principal;
    let tz = &p.user.time_zone;
    let status = app.reminder_status(p).await?;
    let upcoming = app.upcoming_reminders(p, 200).await?;
    let practices: Vec<(Uuid, String)> = app
        .practices(p)
        .await?
        .into_iter()
        .filter(|v| !v.practice.data.archived)
        .map(|v| (v.practice.id, v.practice.data.title.clone()))
        .collect();
    let reminders = app
        .reminders(p)
        .await?
        .into_iter()
        .map(|r| {
            let times: Vec<String> = r
                .data
                .times
                .iter()
                .map(|t| t.strftime("%H:%M").to_string())
                .collect();
            let when = match r.data.kind {
                Kind::Checkin => format!(
                    "{}, at {}",
                    capitalised(&describe_weekdays(&r.data.weekdays)),
                    times.join(", ")
                ),
                Kind::Practice { practice } => {
                    let title = practices
                        .iter()
                        .find(|(id, _)| *id == practice)
                        .map(|(_, t)| t.as_str())
                        .unwrap_or("a practice no longer there");
                    format!(
                        "{title}: on days it is due and not yet done, at {}",
                        times.join(", ")
                    )
                }
                Kind::Session => format!("The day before a session, at {}", times.join(", ")),
                Kind::Measures => format!("When questionnaires are due, at {}", times.join(", ")),
                Kind::Review => format!("When a review is due, at {}", times.join(", ")),
            };
            let next = upcoming
                .iter()
                .find(|slot| slot.reminder == r.id)
                .map(|slot| {
                    format!(
                        "Next: {}",
                        slot.at.to_zoned(tz.clone()).strftime("%a %-d %b, %H:%M")
                    )
                })
                .unwrap_or_else(|| "Nothing in the next week.".into());
            ReminderRow {
                id: r.id,
                label: r.data.kind.label().to_string(),
                when,
                times: times.join(", "),
                days: DAYS
                    .iter()
                    .map(|(d, v, l)| (*v, *l, r.data.weekdays.contains(d)))
                    .collect(),
                checkin: matches!(r.data.kind, Kind::Checkin),
                enabled: r.data.enabled,
                next,
            }
        })
        .collect();
    let channels = app
        .reminder_channels(p)
        .await?
        .into_iter()
        .map(|c| ChannelRow {
            id: c.id(),
            kind: match c.channel.data.target {
                Target::Push { .. } => "Browser",
                Target::Email { .. } => "Email",
                Target::Webhook { .. } => "Webhook",
            },
            target: c.channel.data.target.describe(),
            detailed: c.channel.data.detailed,
            state: match (&c.stopped, c.confirmed, c.last_delivered_at, &c.last_error) {
                (Some(why), _, _, _) => format!("Stopped: {why}"),
                (None, false, _, _) => {
                    "Waiting for you to follow the link in the email we sent".into()
                }
                (None, true, _, Some(e)) => format!("Last attempt failed: {e}"),
                (None, true, Some(t), None) => format!(
                    "Last delivered {}",
                    t.to_zoned(tz.clone()).strftime("%a %-d %b, %H:%M")
                ),
                (None, true, None, None) => "Nothing delivered yet".into(),
            },
        })
        .collect();
    let settings = app.reminder_settings(p).await?;
    let (quiet_from, quiet_until) = settings
        .quiet
        .hours
        .map(|(a, b)| {
            (
                a.strftime("%H:%M").to_string(),
                b.strftime("%H:%M").to_string(),
            )
        })
        .unwrap_or_default();
    Ok(RemindersPage {
        layout: Layout::signed_in(state, s, "Reminders", "settings").with_notice(notice),
        status: status_sentence(status),
        on: status == ReminderStatus::On,
        can_turn_on: matches!(status, ReminderStatus::Off | ReminderStatus::Paused),
        reminders,
        channels,
        practices,
        quiet_from,
        quiet_until,
        quiet_days: DAYS
            .iter()
            .map(|(d, v, l)| DayBox {
                value: v,
                label: l,
                checked: settings.quiet.days.contains(d),
            })
            .collect(),
        new_days: DAYS
            .iter()
            .map(|(_, v, l)| DayBox {
                value: v,
                label: l,
                checked: false,
            })
            .collect(),
        push_key: state.settings.push_public_key.clone(),
        email: state.settings.email_reminders,
        error,
    })
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub async fn show(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<Params>,
) -> PageResult {
    render(&page(&state, &s, notice(&q), None).await?)
}

/// What a write's outcome looks like: back to the page with a notice, or
/// the page again with the problem named (422; 409 for a clash).
async fn outcome(
    state: &WebState,
    s: &SignedIn,
    result: Result<(), AppError>,
    done: &str,
) -> PageResult {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/settings/reminders?notice={done}")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let status = if matches!(e, AppError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok((
                status,
                render(&page(state, s, None, Some(e.to_string())).await?)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn reminder_from(form: &FormData, kind: Kind) -> Result<Reminder, AppError> {
    Ok(Reminder {
        kind,
        times: parse_times(form.get("times"))?,
        weekdays: parse_weekdays(&form.all("days").join(","))?,
        enabled: true,
    })
}

fn kind_from(form: &FormData) -> Result<Kind, AppError> {
    let practice = match form.get("practice") {
        "" => None,
        id => Some(
            Uuid::parse_str(id)
                .map_err(|_| AppError::invalid("practice", "Choose one of your practices."))?,
        ),
    };
    let kind = form.get("kind");
    if kind.is_empty() {
        return Err(AppError::invalid(
            "kind",
            "Choose what the reminder is for.",
        ));
    }
    Ok(Kind::parse(kind, practice.filter(|_| kind == "practice"))?)
}

pub async fn add(State(state): State<WebState>, SignedForm { s, form }: SignedForm) -> PageResult {
    let result = async {
        let reminder = reminder_from(&form, kind_from(&form)?)?;
        state
            .app
            .add_reminder(&s.principal, reminder)
            .await
            .map(|_| ())
    }
    .await;
    outcome(&state, &s, result, "added").await
}

pub async fn update(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    let current = state.app.reminder(&s.principal, id).await?;
    let result = async {
        let mut r = current.data;
        match form.get("enabled") {
            "on" => r.enabled = true,
            "off" => r.enabled = false,
            _ => {
                r.times = parse_times(form.get("times"))?;
                if matches!(r.kind, Kind::Checkin) {
                    r.weekdays = parse_weekdays(&form.all("days").join(","))?;
                }
            }
        }
        state
            .app
            .update_reminder(&s.principal, id, r)
            .await
            .map(|_| ())
    }
    .await;
    outcome(&state, &s, result, "saved").await
}

pub async fn delete(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    state.app.delete_reminder(&s.principal, id).await?;
    Ok(Redirect::to("/settings/reminders?notice=deleted").into_response())
}

/// `state=on` or `state=off`.
pub async fn switch(
    State(state): State<WebState>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let p: &Principal = &s.principal;
    let (result, done) = match form.get("state") {
        "on" => (state.app.turn_reminders_on(p).await, "on"),
        "off" => (state.app.turn_reminders_off(p).await, "off"),
        _ => (Err(AppError::invalid("state", "Choose on or off.")), ""),
    };
    outcome(&state, &s, result, done).await
}

pub async fn quiet(
    State(state): State<WebState>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let result = async {
        if !form.has("from") && !form.has("until") && !form.has("set") {
            return Err(AppError::invalid(
                "from",
                "Give quiet hours, or leave both times empty for none.",
            ));
        }
        let mut settings = state.app.reminder_settings(&s.principal).await?;
        settings.quiet.hours = match (form.get("from").trim(), form.get("until").trim()) {
            ("", "") => None,
            (from, until) => Some((parse_time(from)?, parse_time(until)?)),
        };
        settings.quiet.days = parse_weekdays(&form.all("days").join(","))?;
        state
            .app
            .save_reminder_settings(&s.principal, &settings)
            .await
    }
    .await;
    outcome(&state, &s, result, "saved").await
}

pub async fn add_channel(
    State(state): State<WebState>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let result = async {
        let target = match form.get("type") {
            "webhook" => Target::Webhook {
                url: form.get("url").to_string(),
            },
            "push" => Target::Push {
                endpoint: form.get("endpoint").to_string(),
                p256dh: form.get("p256dh").to_string(),
                auth: form.get("auth").to_string(),
            },
            "email" if state.settings.email_reminders => Target::Email {
                address: form.get("address").to_string(),
            },
            "email" => {
                return Err(AppError::Conflict(
                    "Email reminders are not set up on this server (it has no SMTP server).".into(),
                ))
            }
            _ => return Err(AppError::invalid("type", "Choose a kind of channel.")),
        };
        state
            .app
            .add_reminder_channel(
                &s.principal,
                Channel {
                    target,
                    detailed: form.has("detailed"),
                },
            )
            .await
            .map(|_| ())
    }
    .await;
    outcome(&state, &s, result, "channel").await
}

/// `detailed=1` or without it: neutral.
pub async fn update_channel(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    state
        .app
        .set_channel_detailed(&s.principal, id, form.get("detailed") == "1")
        .await?;
    Ok(Redirect::to("/settings/reminders?notice=saved").into_response())
}

pub async fn delete_channel(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    state.app.delete_reminder_channel(&s.principal, id).await?;
    Ok(Redirect::to("/settings/reminders?notice=deleted").into_response())
}
