//! Appointment pages: the list (upcoming and past), one appointment with
//! its status buttons (cancelling is confirmed first, see `confirm.rs`),
//! the form (new, edit, repeat), and delete.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::AppError;
use between_domain::appointment::{self, Appointment, Status};
use between_domain::ValidationErrors;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Deserialize;
use uuid::Uuid;

use super::entry_form::local_input;
use super::feedback::FeedbackForm;
use crate::json::AppointmentInput;
use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{Checked, PageQuery, SignedForm, SignedFormOrStale};
use crate::web::{Layout, WebState};

pub struct AppointmentView {
    pub id: Uuid,
    pub when: String,
    pub with: String,
    pub place: String,
    pub duration: u32,
    pub status: &'static str,
    pub in_series: bool,
    pub started: bool,
}

pub fn view(a: &Appointment, tz: &TimeZone, now: Timestamp) -> AppointmentView {
    AppointmentView {
        id: a.id,
        when: a
            .starts_at
            .to_zoned(tz.clone())
            .strftime("%a %-d %b %Y, %H:%M")
            .to_string(),
        with: a.details.with.clone(),
        place: a.details.place.clone(),
        duration: a.details.duration_minutes,
        status: a.details.status.as_str(),
        in_series: a.series_id.is_some(),
        started: a.has_started(now),
    }
}

fn notice(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "saved" => Some("Saved."),
        "deleted" => Some("Deleted."),
        "attended" => Some("Marked attended. What do you want to remember from it?"),
        "missed" => Some("Marked missed."),
        "cancelled" => Some("Marked cancelled."),
        "planned" => Some("Planned again."),
        "feedback" => Some("Thank you. Your feedback is saved."),
        _ => None,
    }
}

#[derive(Deserialize)]
pub struct NoticeParams {
    notice: Option<String>,
    all: Option<String>,
}

#[derive(Template)]
#[template(path = "appointments.html")]
struct ListPage {
    layout: Layout,
    next: Option<(AppointmentView, String)>,
    upcoming: Vec<AppointmentView>,
    past: Vec<AppointmentView>,
    more_upcoming: usize,
}

pub async fn list(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<NoticeParams>,
) -> PageResult {
    let tz = s.principal.user.time_zone.clone();
    let now = state.app.now();
    let all = state.app.appointments(&s.principal).await?;
    let show_all = q.all.is_some();
    let upcoming_all: Vec<&Appointment> = all.iter().filter(|a| a.ends_at() > now).collect();
    let shown = if show_all {
        upcoming_all.len()
    } else {
        8.min(upcoming_all.len())
    };
    let next = appointment::next_appointment(&all, now)
        .map(|a| (view(a, &tz, now), appointment::time_until(now, a.starts_at)));
    render(&ListPage {
        layout: Layout::signed_in(&state, &s, "Appointments", "appointments")
            .with_notice(notice(q.notice.as_deref())),
        next,
        upcoming: upcoming_all
            .iter()
            .take(shown)
            .map(|a| view(a, &tz, now))
            .collect(),
        more_upcoming: upcoming_all.len() - shown,
        past: all
            .iter()
            .rev()
            .filter(|a| a.ends_at() <= now)
            .take(if show_all { usize::MAX } else { 20 })
            .map(|a| view(a, &tz, now))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "appointment.html")]
struct ShowPage {
    layout: Layout,
    a: AppointmentView,
    feedback: Option<FeedbackForm>,
}

pub async fn show(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<NoticeParams>,
) -> PageResult {
    let id = super::path_id(&id)?;
    let a = state.app.appointment(&s.principal, id).await?;
    let feedback = match a.details.status {
        Status::Attended => Some(FeedbackForm::from_rated(
            state.app.feedback_for(&s.principal, id).await?.as_ref(),
        )),
        _ => None,
    };
    let v = view(&a, &s.principal.user.time_zone, state.app.now());
    let layout = Layout::signed_in(&state, &s, v.when.clone(), "appointments")
        .with_notice(notice(q.notice.as_deref()));
    render(&ShowPage {
        layout,
        a: v,
        feedback,
    })
}

/// The appointment page with a feedback form as typed (after an error).
pub async fn show_with_feedback(
    state: &WebState,
    s: &SignedIn,
    id: Uuid,
    form: FeedbackForm,
    status: StatusCode,
) -> PageResult {
    let a = state.app.appointment(&s.principal, id).await?;
    let v = view(&a, &s.principal.user.time_zone, state.app.now());
    let page = ShowPage {
        layout: Layout::signed_in(state, s, v.when.clone(), "appointments"),
        a: v,
        feedback: Some(form),
    };
    Ok((status, render(&page)?).into_response())
}

/// The form as typed.
#[derive(Default)]
pub struct FormView {
    pub starts_at: String,
    pub duration: String,
    pub with: String,
    pub place: String,
    pub repeat: String,
    pub until: String,
    pub series: bool,
    /// The linked therapist's account id, or "".
    pub therapist: String,
}

#[derive(Template)]
#[template(path = "appointment_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    editing: bool,
    in_series: bool,
    form: FormView,
    errors: ValidationErrors,
    form_error: Option<String>,
    /// Linked therapists: (account id, name).
    therapists: Vec<(String, String)>,
}

/// The person's linked therapists, for the "with" choice.
async fn therapists(state: &WebState, s: &SignedIn) -> Result<Vec<(String, String)>, PageError> {
    if s.principal.user.role != between_app::Role::Client {
        return Ok(Vec::new());
    }
    Ok(state
        .app
        .shares(&s.principal)
        .await?
        .into_iter()
        .map(|l| (l.therapist_id.to_string(), l.therapist))
        .collect())
}

pub async fn new_form(State(state): State<WebState>, s: SignedIn) -> PageResult {
    let form = FormView {
        duration: "50".into(),
        ..FormView::default()
    };
    render(&FormPage {
        layout: Layout::signed_in(&state, &s, "New appointment", "appointments"),
        action: "/appointments".into(),
        editing: false,
        in_series: false,
        form,
        errors: ValidationErrors::new(),
        form_error: None,
        therapists: therapists(&state, &s).await?,
    })
}

pub async fn edit_form(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let a = state
        .app
        .appointment(&s.principal, super::path_id(&id)?)
        .await?;
    let tz = &s.principal.user.time_zone;
    let form = FormView {
        starts_at: local_input(a.starts_at, tz),
        duration: a.details.duration_minutes.to_string(),
        with: a.details.with.clone(),
        place: a.details.place.clone(),
        therapist: a
            .details
            .therapist
            .map(|t| t.to_string())
            .unwrap_or_default(),
        ..FormView::default()
    };
    render(&FormPage {
        layout: Layout::signed_in(&state, &s, "Edit appointment", "appointments"),
        action: format!("/appointments/{}", a.id),
        editing: true,
        in_series: a.series_id.is_some(),
        form,
        errors: ValidationErrors::new(),
        form_error: None,
        therapists: therapists(&state, &s).await?,
    })
}

async fn save(
    state: WebState,
    SignedFormOrStale { s, form: checked }: SignedFormOrStale,
    id: Option<Uuid>,
) -> PageResult {
    let (Checked::Fresh(data) | Checked::Stale(data)) = &checked;
    let form = FormView {
        starts_at: data.get("starts_at").into(),
        duration: data.get("duration").into(),
        with: data.get("with").into(),
        place: data.get("where").into(),
        repeat: data.get("repeat").into(),
        until: data.get("until").into(),
        series: data.has("series"),
        therapist: data.get("therapist").trim().into(),
    };
    let linked = therapists(&state, &s).await?;
    let current = match id {
        Some(id) => Some(state.app.appointment(&s.principal, id).await?),
        None => None,
    };
    let action = id
        .map(|id| format!("/appointments/{id}"))
        .unwrap_or_else(|| "/appointments".into());
    let in_series = current.as_ref().is_some_and(|a| a.series_id.is_some());
    let again = |form: FormView,
                 errors: ValidationErrors,
                 form_error: Option<String>,
                 status: StatusCode|
     -> PageResult {
        let page = FormPage {
            layout: Layout::signed_in(
                &state,
                &s,
                if id.is_some() {
                    "Edit appointment"
                } else {
                    "New appointment"
                },
                "appointments",
            ),
            action: action.clone(),
            editing: id.is_some(),
            in_series,
            form,
            errors,
            form_error,
            therapists: linked.clone(),
        };
        Ok((status, render(&page)?).into_response())
    };
    if let Checked::Stale(_) = checked {
        let message = "This form had been open for a long time, so it was not saved. Check it and save again.";
        return again(
            form,
            ValidationErrors::new(),
            Some(message.into()),
            StatusCode::BAD_REQUEST,
        );
    }
    let duration = match form.duration.trim() {
        "" => None,
        d => match d.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let e = ValidationErrors::single(
                    "duration",
                    format!("The duration must be a number of minutes, not \"{d}\"."),
                );
                return again(form, e, None, StatusCode::UNPROCESSABLE_ENTITY);
            }
        },
    };
    let input = AppointmentInput {
        starts_at: Some(form.starts_at.clone()),
        duration_minutes: duration,
        with: Some(form.with.clone()),
        place: Some(form.place.clone()),
        status: current
            .as_ref()
            .map(|a| a.details.status.as_str().to_string()),
        repeat: Some(form.repeat.clone()),
        until: Some(form.until.clone()),
        therapist_id: match form.therapist.as_str() {
            "" => None,
            t => match Uuid::parse_str(t) {
                Ok(id) => Some(id),
                Err(_) => {
                    let e = ValidationErrors::single("therapist", "Choose one of your therapists.");
                    return again(form, e, None, StatusCode::UNPROCESSABLE_ENTITY);
                }
            },
        },
    };
    let parsed = match input.parse(&s.principal.user.time_zone) {
        Ok(p) => p,
        Err(e) => return again(form, e, None, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let saved = match id {
        None => {
            state
                .app
                .add_appointment(&s.principal, parsed.into_new())
                .await
        }
        Some(id) => {
            state
                .app
                .update_appointment(
                    &s.principal,
                    id,
                    parsed.starts_at,
                    parsed.details,
                    form.series,
                )
                .await
        }
    };
    match saved {
        Ok(a) => Ok(Redirect::to(&format!("/appointments/{}?notice=saved", a.id)).into_response()),
        Err(AppError::Invalid(e)) => again(form, e, None, StatusCode::UNPROCESSABLE_ENTITY),
        Err(err) => Err(err.into()),
    }
}

pub async fn create(State(state): State<WebState>, posted: SignedFormOrStale) -> PageResult {
    save(state, posted, None).await
}

pub async fn update(
    State(state): State<WebState>,
    Path(id): Path<String>,
    posted: SignedFormOrStale,
) -> PageResult {
    let id = super::path_id(&id)?;
    save(state, posted, Some(id)).await
}

pub async fn set_status(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let status = Status::parse(form.get("status"))
        .ok_or_else(|| PageError::BadRequest("Unknown status.".into()))?;
    let id = super::path_id(&id)?;
    // Cancelling is confirmed first: without `confirm=yes` nothing changes
    // and the person is shown what it would do.
    if status == Status::Cancelled && form.get("confirm") != "yes" {
        return Ok(Redirect::to(&format!("/appointments/{id}/cancel")).into_response());
    }
    let a = state
        .app
        .set_appointment_status(&s.principal, id, status)
        .await?;
    Ok(Redirect::to(&format!(
        "/appointments/{}?notice={}",
        a.id,
        status.as_str()
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub layout: Layout,
    pub heading: String,
    pub message: String,
    pub action: String,
    pub button: &'static str,
    pub cancel: String,
}

pub async fn delete_confirm(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let a = state
        .app
        .appointment(&s.principal, super::path_id(&id)?)
        .await?;
    let v = view(&a, &s.principal.user.time_zone, state.app.now());
    render(&ConfirmPage {
        layout: Layout::signed_in(&state, &s, "Delete appointment", "appointments"),
        heading: "Delete this appointment?".into(),
        message: format!(
            "{}{}. Deleting is for mistakes; to record that it did not happen, mark it cancelled or missed instead.",
            v.when,
            if v.with.is_empty() { String::new() } else { format!(" with {}", v.with) }
        ),
        action: format!("/appointments/{}/delete", a.id),
        button: "Delete",
        cancel: format!("/appointments/{}", a.id),
    })
}

pub async fn delete(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    state
        .app
        .delete_appointment(&s.principal, super::path_id(&id)?)
        .await?;
    Ok(Redirect::to("/appointments?notice=deleted").into_response())
}
