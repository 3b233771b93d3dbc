//! Practice pages: "Today" with one-click done, the list with adherence,
//! the form, and each practice with its 12-week calendar, weekly adherence
//! chart, log form (the template's fields) and logs.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::practices::PracticeView;
use between_app::AppError;
use between_domain::practice::definition::{Log, Template as Exercise};
use between_domain::{timespec, ValidationErrors};
use jiff::civil::Date;
use jiff::Span;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::json::{LogInput, PracticeInput};
use crate::web::auth::SignedIn;
use crate::web::charts::{heatmap, Chart, Line};
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{Checked, FormData, PageQuery, SignedForm, SignedFormOrStale};
use crate::web::paging::{self, Cursor, Links};
use crate::web::schedule_picker::SchedulePicker;
use crate::web::{Layout, WebState};

pub struct Row {
    pub id: Uuid,
    pub title: String,
    pub schedule: String,
    pub adherence: String,
    pub streak: u32,
    pub longest: u32,
    pub due_today: bool,
    pub done_today: bool,
    pub overdue: bool,
    pub archived: bool,
}

fn row(v: &PracticeView) -> Row {
    let s = &v.stats;
    Row {
        id: v.practice.id,
        title: v.practice.data.title.clone(),
        schedule: v.practice.data.schedule.describe(),
        adherence: s
            .adherence
            .map(|a| format!("{:.0}%", a * 100.0))
            .unwrap_or_else(|| "–".into()),
        streak: s.current_streak,
        longest: s.longest_streak,
        due_today: s.due_today,
        done_today: s.done_today,
        overdue: s.overdue,
        archived: v.practice.data.archived,
    }
}

fn today(state: &WebState, s: &SignedIn) -> Date {
    state.app.today(&s.principal)
}

#[derive(Template)]
#[template(path = "practices.html")]
struct ListPage {
    layout: Layout,
    today: Vec<Row>,
    all: Vec<Row>,
    /// Assigned by a therapist, waiting for an answer: (id, title, schedule,
    /// instructions, therapist).
    assigned: Vec<(uuid::Uuid, String, String, String, String)>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NoticeParams {
    notice: Option<String>,
}

fn notice(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "saved" => Some("Saved."),
        "done" => Some("Well done. Logged."),
        "unlogged" => Some("The log is removed."),
        "archived" => Some("Archived; its history stays."),
        "declined" => Some("Declined; your therapist sees your note."),
        _ => None,
    }
}

pub async fn list(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<NoticeParams>,
) -> PageResult {
    render(&list_page(&state, &s, notice(q.notice.as_deref()), None).await?)
}

async fn list_page(
    state: &WebState,
    s: &SignedIn,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<ListPage, PageError> {
    let all = state.app.practices(&s.principal).await?;
    let assigned = state
        .app
        .assignments(&s.principal)
        .await?
        .into_iter()
        .filter(|a| a.state == between_app::assignments::AssignmentState::Pending)
        .map(|a| {
            (
                a.id,
                a.practice.title,
                a.practice.schedule.describe(),
                a.practice.instructions,
                if a.verified {
                    a.therapist
                } else {
                    format!("{}{}", a.therapist, crate::client_doc::NOT_VERIFIED)
                },
            )
        })
        .collect();
    Ok(ListPage {
        layout: Layout::signed_in(state, s, "Practice", "practices").with_notice(notice),
        today: all
            .iter()
            .filter(|v| {
                !v.practice.data.archived
                    && (v.stats.due_today || v.stats.done_today || v.stats.overdue)
            })
            .map(row)
            .collect(),
        all: all.iter().map(row).collect(),
        assigned,
        error,
    })
}

/// `POST /practices/assigned/{id}`: the client answers an assignment
/// (`action` accept or decline; `schedule` to adjust; `note`).
pub async fn answer_assignment(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    use between_app::assignments::Answer;
    let id = super::path_id(&id)?;
    let note = form.get("note").to_string();
    let answer = match form.get("action") {
        "accept" => {
            let schedule = match form.get("schedule").trim() {
                "" => None,
                spec => match between_domain::practice::schedule::Schedule::parse(spec) {
                    Ok(x) => Some(x),
                    Err(e) => {
                        let page = list_page(&state, &s, None, Some(e.to_string())).await?;
                        return Ok(
                            (StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response()
                        );
                    }
                },
            };
            Answer::Accept { schedule, note }
        }
        "decline" => Answer::Decline { note },
        _ => return Err(PageError::BadRequest("Accept or decline it.".into())),
    };
    match state.app.answer_assignment(&s.principal, id, answer).await {
        Ok((_, Some(view))) => {
            Ok(Redirect::to(&format!("/practices/{}", view.practice.id)).into_response())
        }
        Ok((_, None)) => Ok(Redirect::to("/practices?notice=declined").into_response()),
        Err(between_app::AppError::Invalid(e)) => {
            let page = list_page(&state, &s, None, Some(e.to_string())).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// The practice form as typed.
#[derive(Default)]
pub struct Form {
    pub title: String,
    pub instructions: String,
    pub why: String,
    pub template: String,
    /// When it is due: the picker the therapist's assign form shares.
    pub schedule: SchedulePicker,
    pub start: String,
    pub end: String,
    pub goal: String,
    pub assigned_by: String,
}

#[derive(Template)]
#[template(path = "practice_form.html")]
struct FormPage {
    layout: Layout,
    form: Form,
    templates: Vec<(&'static str, &'static str)>,
    goals: Vec<(String, String)>,
    errors: ValidationErrors,
}

/// Active goals to link a practice to.
async fn goal_choices(state: &WebState, s: &SignedIn) -> Result<Vec<(String, String)>, AppError> {
    Ok(state
        .app
        .goals(&s.principal)
        .await?
        .into_iter()
        .filter(|g| g.goal.data.status == between_domain::goal::GoalStatus::Active)
        .map(|g| (g.goal.id.to_string(), g.goal.data.title))
        .collect())
}

fn templates() -> Vec<(&'static str, &'static str)> {
    Exercise::ALL
        .iter()
        .map(|t| (t.as_str(), t.label()))
        .collect()
}

pub async fn new_form(State(state): State<WebState>, s: SignedIn) -> PageResult {
    let form = Form {
        template: "free".into(),
        schedule: SchedulePicker::default(),
        start: today(&state, &s).to_string(),
        ..Form::default()
    };
    let goals = goal_choices(&state, &s).await?;
    render(&FormPage {
        layout: Layout::signed_in(&state, &s, "New practice", "practices"),
        form,
        templates: templates(),
        goals,
        errors: ValidationErrors::new(),
    })
}

pub async fn create(
    State(state): State<WebState>,
    SignedFormOrStale { s, form: checked }: SignedFormOrStale,
) -> PageResult {
    let (Checked::Fresh(data) | Checked::Stale(data)) = &checked;
    let form = Form {
        title: data.get("title").into(),
        instructions: data.get("instructions").into(),
        why: data.get("why").into(),
        template: data.get("template").into(),
        schedule: SchedulePicker::from_form(data),
        start: data.get("start").into(),
        end: data.get("end").into(),
        goal: data.get("goal").into(),
        assigned_by: data.get("assigned_by").into(),
    };
    let mut errors = ValidationErrors::new();
    if let Checked::Stale(_) = checked {
        errors.add("form", "This form had been open for a long time, so it was not saved. Check it and save again.");
    }
    let spec = form.schedule.spec().unwrap_or_else(|problem| {
        errors.add("schedule", problem);
        String::new()
    });
    let input = PracticeInput {
        title: form.title.clone(),
        instructions: form.instructions.clone(),
        why: form.why.clone(),
        template: Some(form.template.clone()),
        schedule: Some(spec),
        start: Some(form.start.clone()),
        end: Some(form.end.clone()),
        goal_id: uuid::Uuid::parse_str(&form.goal).ok(),
        assigned_by: Some(form.assigned_by.clone()),
        ..PracticeInput::default()
    };
    let result = if errors.is_empty() {
        match input.parse(today(&state, &s)) {
            Ok(practice) => state.app.add_practice(&s.principal, practice).await,
            Err(e) => Err(AppError::Invalid(e)),
        }
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(v) => {
            Ok(Redirect::to(&format!("/practices/{}?notice=saved", v.practice.id)).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let goals = goal_choices(&state, &s).await?;
            let page = FormPage {
                layout: Layout::signed_in(&state, &s, "New practice", "practices"),
                form,
                templates: templates(),
                goals,
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

pub struct LogRow {
    pub id: Uuid,
    pub when: String,
    /// Minutes, difficulty and the template's 0–10 fields ("How it felt 7/10").
    pub facts: String,
    /// The template's text fields: (label, text).
    pub texts: Vec<(String, String)>,
    pub note: String,
    /// The most recently recorded log: the only one offered for undo.
    pub latest: bool,
}

#[derive(Template)]
#[template(path = "practice.html")]
struct ShowPage {
    layout: Layout,
    r: Row,
    instructions: String,
    why: String,
    assigned_by: String,
    template: &'static str,
    fields: Vec<(&'static str, &'static str, bool)>,
    heatmap: String,
    weekly: String,
    logs: Vec<LogRow>,
    /// All logs, over every page.
    log_count: usize,
    paging: Links,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct ShowParams {
    notice: Option<String>,
    before: Option<Cursor>,
}

async fn show_page(
    state: &WebState,
    s: &SignedIn,
    id: Uuid,
    error: Option<String>,
    notice_code: Option<&str>,
    before: Option<Cursor>,
) -> PageResult<ShowPage> {
    let v = state.app.practice(&s.principal, id).await?;
    let tz = &s.principal.user.time_zone;
    let today = today(state, s);
    // Twelve whole weeks ending with this one.
    let this_monday = between_domain::practice::schedule::week_start(today);
    let from = this_monday
        .checked_sub(Span::new().weeks(11))
        .unwrap_or(this_monday);
    let sunday = this_monday
        .checked_add(Span::new().days(6))
        .unwrap_or(today);
    let days = v.calendar(tz, from, sunday, today);
    let mut points = Vec::new();
    for w in 0..12i64 {
        let monday = from.checked_add(Span::new().weeks(w)).unwrap_or(from);
        let end = monday.checked_add(Span::new().days(6)).unwrap_or(monday);
        if let Some(a) = v.stats_between(tz, monday, end.min(today), today).adherence {
            points.push((w as f64, a * 100.0));
        }
    }
    let weekly = if points.is_empty() {
        String::new()
    } else {
        Chart {
            title: "Adherence per week, in percent, over twelve weeks",
            y_min: 0.0,
            y_max: 100.0,
            lines: vec![Line {
                label: "adherence %",
                colour: "#2e8b57",
                points,
                ..Line::default()
            }],
            x_labels: (
                from.strftime("%-d %b").to_string(),
                today.strftime("%-d %b").to_string(),
            ),
            band: None,
            ..Chart::default()
        }
        .svg()
    };
    let p = &v.practice.data;
    let latest = v
        .logs
        .iter()
        .max_by_key(|l| (l.created_at, l.id))
        .map(|l| l.id);
    let logs = paging::page(
        v.logs.iter(),
        |l| Cursor::of(l.occurred_at, l.id),
        before,
        paging::SIZE,
    );
    Ok(ShowPage {
        layout: Layout::signed_in(state, s, p.title.clone(), "practices")
            .with_notice(notice(notice_code)),
        r: row(&v),
        instructions: p.instructions.clone(),
        why: p.why.clone(),
        assigned_by: p.assigned_by.clone(),
        template: p.template.label(),
        fields: p
            .template
            .fields()
            .iter()
            .map(|f| (f.key, f.label, f.scale))
            .collect(),
        heatmap: heatmap(&days),
        weekly,
        logs: logs
            .items
            .iter()
            .map(|l| LogRow {
                id: l.id,
                when: l
                    .occurred_at
                    .to_zoned(tz.clone())
                    .strftime("%a %-d %b %Y, %H:%M")
                    .to_string(),
                facts: facts(p.template, &l.data),
                texts: texts(p.template, &l.data),
                note: l.data.note.clone(),
                latest: Some(l.id) == latest,
            })
            .collect(),
        log_count: v.logs.len(),
        paging: Links::new(
            "logs",
            &format!("/practices/{id}"),
            &[],
            "#logs",
            before,
            &logs,
        ),
        error,
    })
}

/// The label of a template field without its "(0–10)".
fn label(template: Exercise, key: &str) -> String {
    template
        .fields()
        .iter()
        .find(|f| f.key == key)
        .map(|f| f.label.trim_end_matches(" (0–10)").to_string())
        .unwrap_or_else(|| {
            let k = key.replace('_', " ");
            let mut c = k.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        })
}

/// Minutes, difficulty and every 0–10 field of a log, in a line.
fn facts(template: Exercise, l: &Log) -> String {
    let mut parts = Vec::new();
    if let Some(m) = l.minutes {
        parts.push(format!("{m} min"));
    }
    if let Some(d) = l.difficulty {
        parts.push(format!("how hard {d}/10"));
    }
    match l.intensity_drop() {
        Some(drop) => {
            parts.push(format!(
                "intensity {} → {} ({drop:+} drop)",
                l.scales["intensity_before"], l.scales["intensity_after"]
            ));
            for (k, v) in l
                .scales
                .iter()
                .filter(|(k, _)| !k.starts_with("intensity_"))
            {
                parts.push(format!("{} {v}/10", label(template, k)));
            }
        }
        None => {
            for (k, v) in &l.scales {
                parts.push(format!("{} {v}/10", label(template, k)));
            }
        }
    }
    parts.join(" · ")
}

/// The template's text fields of a log, labelled.
fn texts(template: Exercise, l: &Log) -> Vec<(String, String)> {
    l.texts
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (label(template, k), v.clone()))
        .collect()
}

pub async fn show(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<ShowParams>,
) -> PageResult {
    let id = super::path_id(&id)?;
    render(&show_page(&state, &s, id, None, q.notice.as_deref(), q.before).await?)
}

/// Logs practice `id` from its form's fields: what the log form stores,
/// and what an item written offline for it becomes (`at` defaults to
/// `written_at` then, the time it was marked done).
pub(super) async fn log_from_form(
    state: &WebState,
    p: &between_app::Principal,
    id: Uuid,
    form: &FormData,
    written_at: Option<jiff::Timestamp>,
) -> Result<(), AppError> {
    let practice = state.app.practice(p, id).await?;
    let number = |name: &str, errors: &mut ValidationErrors| match form.get(name).trim() {
        "" => None,
        v => v
            .parse::<i64>()
            .map_err(|_| errors.add(name, format!("\"{v}\" is not a whole number.")))
            .ok(),
    };
    let mut errors = ValidationErrors::new();
    let minutes = number("minutes", &mut errors);
    let difficulty = number("difficulty", &mut errors);
    let fields = practice
        .practice
        .data
        .template
        .fields()
        .iter()
        .map(|f| (f.key.to_string(), json!(form.get(f.key))))
        .collect();
    let input = LogInput {
        at: None,
        minutes,
        difficulty,
        note: form.get("note").into(),
        fields,
    };
    let at = match form.get("at").trim() {
        "" => written_at,
        a => timespec::parse_instant(a, &p.user.time_zone)
            .map_err(|e| errors.add("at", e.to_string()))
            .ok(),
    };
    match (
        errors.is_empty(),
        input.log(practice.practice.data.template),
    ) {
        (true, Ok(log)) => state.app.log_practice(p, id, log, at).await.map(|_| ()),
        (true, Err(e)) => Err(AppError::Invalid(e)),
        (false, _) => Err(AppError::Invalid(errors)),
    }
}

/// Logs a practice: one click from "Today", or the full form.
pub async fn log(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let id = super::path_id(&id)?;
    let result = log_from_form(&state, &s.principal, id, &form, None).await;
    let back = match form.get("from") {
        "list" => "/practices?notice=done".to_string(),
        "home" => "/?notice=practice-done".to_string(),
        _ => format!("/practices/{id}?notice=done"),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&back).into_response()),
        Err(AppError::Invalid(e)) => {
            let page = show_page(&state, &s, id, Some(e.to_string()), None, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn unlog(
    State(state): State<WebState>,
    Path((id, log_id)): Path<(String, String)>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    let (id, log_id) = (super::path_id(&id)?, super::path_id(&log_id)?);
    let v = state.app.practice(&s.principal, id).await?;
    if !v.logs.iter().any(|l| l.id == log_id) {
        return Err(PageError::NotFound);
    }
    state.app.unlog_practice(&s.principal, log_id).await?;
    Ok(Redirect::to(&format!("/practices/{id}?notice=unlogged")).into_response())
}

pub async fn archive(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let id = super::path_id(&id)?;
    state
        .app
        .archive_practice(&s.principal, id, form.get("archived") != "0")
        .await?;
    Ok(Redirect::to(&format!("/practices/{id}?notice=archived")).into_response())
}
