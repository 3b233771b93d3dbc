//! Goal pages: the list with progress, the form (GAS levels or a number),
//! and each goal with its chart, check-in form, history and status.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::goals::GoalView;
use between_app::AppError;
use between_domain::goal::{Area, GoalStatus, Measure, GAS_LEVELS};
use between_domain::{timespec, ValidationErrors};
use jiff::tz::TimeZone;
use serde::Deserialize;
use uuid::Uuid;

use crate::json::{CheckInInput, GoalInput};
use crate::web::auth::SignedIn;
use crate::web::charts::{Chart, Line};
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{Checked, FormData, PageQuery, SignedForm, SignedFormOrStale};
use crate::web::{Layout, WebState};

pub struct GoalRow {
    pub id: Uuid,
    pub title: String,
    pub status: &'static str,
    pub progress: String,
    /// 0–100 for a progress bar (numeric goals), or none.
    pub percent: Option<u32>,
    pub due: bool,
}

pub(super) fn progress_text(v: &GoalView) -> (String, Option<u32>) {
    match (&v.goal.data.measure, v.progress) {
        (_, None) => ("no check-in yet".into(), None),
        (Measure::Gas { levels }, Some(level)) => {
            let i = (level.round() as i64 + 2).clamp(0, 4) as usize;
            (
                format!("level {:+}: {}", level.round() as i64, levels[i]),
                None,
            )
        }
        (Measure::Numeric { .. }, Some(p)) => (
            format!("{:.0}% of the way", p * 100.0),
            Some((p * 100.0).clamp(0.0, 100.0) as u32),
        ),
    }
}

fn row(v: &GoalView) -> GoalRow {
    let (progress, percent) = progress_text(v);
    GoalRow {
        id: v.goal.id,
        title: v.goal.data.title.clone(),
        status: v.goal.data.status.as_str(),
        progress,
        percent,
        due: v.due_for_review,
    }
}

#[derive(Template)]
#[template(path = "goals.html")]
struct ListPage {
    layout: Layout,
    active: Vec<GoalRow>,
    others: Vec<GoalRow>,
}

#[derive(Deserialize)]
pub struct NoticeParams {
    notice: Option<String>,
}

fn notice(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "saved" => Some("Saved."),
        "checked-in" => Some("Check-in recorded."),
        "status" => Some("Status changed; the history is kept."),
        _ => None,
    }
}

pub async fn list(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<NoticeParams>,
) -> PageResult {
    let all = state.app.goals(&s.principal).await?;
    render(&ListPage {
        layout: Layout::signed_in(&state, &s, "Goals", "goals")
            .with_notice(notice(q.notice.as_deref())),
        active: all
            .iter()
            .filter(|g| g.goal.data.status == GoalStatus::Active)
            .map(row)
            .collect(),
        others: all
            .iter()
            .filter(|g| g.goal.data.status != GoalStatus::Active)
            .map(row)
            .collect(),
    })
}

/// The goal form as typed.
#[derive(Default)]
pub struct GoalForm {
    pub title: String,
    pub why: String,
    pub area: String,
    pub measure: String,
    pub levels: Vec<(String, String, String)>,
    pub baseline: String,
    pub target: String,
    pub unit: String,
    pub lower_is_better: bool,
    pub review_weeks: String,
}

impl GoalForm {
    fn blank() -> GoalForm {
        GoalForm {
            measure: "gas".into(),
            review_weeks: "4".into(),
            levels: level_fields(&FormData::default()),
            ..GoalForm::default()
        }
    }
}

fn level_fields(form: &FormData) -> Vec<(String, String, String)> {
    GAS_LEVELS
        .iter()
        .map(|(level, meaning)| {
            (
                format!("level{level}"),
                format!("{level:+} ({meaning})"),
                form.get(&format!("level{level}")).to_string(),
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "goal_form.html")]
struct FormPage {
    layout: Layout,
    form: GoalForm,
    areas: Vec<&'static str>,
    errors: ValidationErrors,
}

pub async fn new_form(State(state): State<WebState>, s: SignedIn) -> PageResult {
    render(&FormPage {
        layout: Layout::signed_in(&state, &s, "New goal", "goals"),
        form: GoalForm::blank(),
        areas: Area::ALL.iter().map(|a| a.as_str()).collect(),
        errors: ValidationErrors::new(),
    })
}

fn number(form: &FormData, name: &str, errors: &mut ValidationErrors) -> Option<f64> {
    match form.get(name).trim() {
        "" => None,
        v => v
            .replace(',', ".")
            .parse::<f64>()
            .map_err(|_| errors.add(name, format!("\"{v}\" is not a number.")))
            .ok(),
    }
}

pub async fn create(
    State(state): State<WebState>,
    SignedFormOrStale { s, form: checked }: SignedFormOrStale,
) -> PageResult {
    let (Checked::Fresh(data) | Checked::Stale(data)) = &checked;
    let form = GoalForm {
        title: data.get("title").into(),
        why: data.get("why").into(),
        area: data.get("area").into(),
        measure: data.get("measure").into(),
        levels: level_fields(data),
        baseline: data.get("baseline").into(),
        target: data.get("target").into(),
        unit: data.get("unit").into(),
        lower_is_better: data.has("lower_is_better"),
        review_weeks: data.get("review_weeks").into(),
    };
    let mut errors = ValidationErrors::new();
    if let Checked::Stale(_) = checked {
        errors.add("form", "This form had been open for a long time, so it was not saved. Check it and save again.");
    }
    let weeks: Option<i64> = match form.review_weeks.trim() {
        "" => Some(4),
        w => w
            .parse()
            .map_err(|_| {
                errors.add(
                    "review_every",
                    format!("Review every how many weeks? \"{w}\" is not a number."),
                )
            })
            .ok(),
    };
    let gas = form.measure == "gas";
    let input = GoalInput {
        title: form.title.clone(),
        why: form.why.clone(),
        area: Some(form.area.clone()),
        gas_levels: gas.then(|| form.levels.iter().map(|(_, _, v)| v.clone()).collect()),
        baseline: if gas {
            None
        } else {
            number(data, "baseline", &mut errors)
        },
        target: if gas {
            None
        } else {
            number(data, "target", &mut errors)
        },
        unit: if gas { None } else { Some(form.unit.clone()) },
        lower_is_better: form.lower_is_better,
        review_every_days: weeks.map(|w| w * 7),
        status: None,
    };
    let result = if errors.is_empty() {
        match input.parse() {
            Ok(goal) => state.app.add_goal(&s.principal, goal).await,
            Err(e) => Err(AppError::Invalid(e)),
        }
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(v) => Ok(Redirect::to(&format!("/goals/{}?notice=saved", v.goal.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = FormPage {
                layout: Layout::signed_in(&state, &s, "New goal", "goals"),
                form,
                areas: Area::ALL.iter().map(|a| a.as_str()).collect(),
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

pub struct CheckInRow {
    pub when: String,
    pub what: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "goal.html")]
struct ShowPage {
    layout: Layout,
    id: Uuid,
    title: String,
    why: String,
    area: Option<&'static str>,
    status: &'static str,
    statuses: Vec<&'static str>,
    progress: String,
    next_review: String,
    due: bool,
    gas: bool,
    levels: Vec<(String, String)>,
    /// The check-in form's choices: (level, text, chosen). The last
    /// recorded level is chosen, or none before the first check-in, so
    /// recording without a look never records a change that did not happen.
    choices: Vec<(String, String, bool)>,
    numeric: Option<String>,
    /// Numeric goals: the last recorded value and when, for the form.
    last_value: Option<String>,
    chart: String,
    check_ins: Vec<CheckInRow>,
    error: Option<String>,
}

pub(super) fn chart(v: &GoalView, tz: &TimeZone) -> String {
    if v.check_ins.is_empty() {
        return String::new();
    }
    let day = |t: jiff::Timestamp| t.as_second() as f64 / 86_400.0;
    let date = |t: jiff::Timestamp| t.to_zoned(tz.clone()).strftime("%-d %b %Y").to_string();
    let first = v
        .check_ins
        .first()
        .map(|c| date(c.occurred_at))
        .unwrap_or_default();
    let last = v
        .check_ins
        .last()
        .map(|c| date(c.occurred_at))
        .unwrap_or_default();
    match &v.goal.data.measure {
        Measure::Gas { .. } => Chart {
            title: "Level reached at each check-in, -2 to +2; the band is the expected level",
            y_min: -2.0,
            y_max: 2.0,
            lines: vec![Line {
                label: "level",
                colour: "#35566f",
                points: v
                    .check_ins
                    .iter()
                    .filter_map(|c| c.data.level.map(|l| (day(c.occurred_at), f64::from(l))))
                    .collect(),
                ..Line::default()
            }],
            x_labels: (first, last),
            band: Some((-0.5, 0.5)),
            ..Chart::default()
        }
        .svg(),
        Measure::Numeric {
            baseline,
            target,
            unit,
            lower_is_better,
        } => {
            let values: Vec<f64> = v.check_ins.iter().filter_map(|c| c.data.value).collect();
            let lo = values.iter().copied().fold(baseline.min(*target), f64::min);
            let hi = values.iter().copied().fold(baseline.max(*target), f64::max);
            let pad = ((hi - lo) * 0.1).max(0.5);
            let (y_min, y_max) = ((lo - pad).floor(), (hi + pad).ceil());
            let band = if *lower_is_better {
                (y_min, *target)
            } else {
                (*target, y_max)
            };
            Chart {
                title: "Values at each check-in; the band is the target zone",
                y_min,
                y_max,
                lines: vec![Line {
                    label: unit,
                    colour: "#35566f",
                    points: v
                        .check_ins
                        .iter()
                        .filter_map(|c| c.data.value.map(|x| (day(c.occurred_at), x)))
                        .collect(),
                    ..Line::default()
                }],
                x_labels: (first, last),
                band: Some(band),
                ..Chart::default()
            }
            .svg()
        }
    }
}

async fn show_page(
    state: &WebState,
    s: &SignedIn,
    id: Uuid,
    error: Option<String>,
    notice_code: Option<&str>,
) -> PageResult<ShowPage> {
    let v = state.app.goal(&s.principal, id).await?;
    let tz = &s.principal.user.time_zone;
    let g = &v.goal.data;
    let (progress, _) = progress_text(&v);
    let latest = v.check_ins.iter().max_by_key(|c| (c.occurred_at, c.id));
    let last_level = latest.and_then(|c| c.data.level).map(|l| format!("{l:+}"));
    let last_value = latest.and_then(|c| {
        c.data.value.map(|x| {
            format!(
                "{x} on {}",
                c.occurred_at.to_zoned(tz.clone()).strftime("%-d %b %Y")
            )
        })
    });
    let (gas, levels, numeric): (bool, Vec<(String, String)>, Option<String>) = match &g.measure {
        Measure::Gas { levels } => (
            true,
            GAS_LEVELS
                .iter()
                .zip(levels)
                .map(|((l, _), text)| (format!("{l:+}"), text.clone()))
                .collect(),
            None,
        ),
        Measure::Numeric {
            baseline,
            target,
            unit,
            lower_is_better,
        } => (
            false,
            Vec::new(),
            Some(format!(
                "From {baseline} to {target} {unit} ({} is better)",
                if *lower_is_better { "lower" } else { "higher" }
            )),
        ),
    };
    Ok(ShowPage {
        layout: Layout::signed_in(state, s, g.title.clone(), "goals")
            .with_notice(notice(notice_code)),
        id,
        title: g.title.clone(),
        why: g.why.clone(),
        area: g.area.map(Area::as_str),
        status: g.status.as_str(),
        statuses: GoalStatus::ALL.iter().map(|st| st.as_str()).collect(),
        progress,
        next_review: v
            .next_review
            .to_zoned(tz.clone())
            .strftime("%-d %B %Y")
            .to_string(),
        due: v.due_for_review,
        gas,
        choices: levels
            .iter()
            .map(|(l, text)| (l.clone(), text.clone(), Some(l) == last_level.as_ref()))
            .collect(),
        levels,
        numeric,
        last_value,
        chart: chart(&v, tz),
        check_ins: v
            .check_ins
            .iter()
            .rev()
            .map(|c| CheckInRow {
                when: c
                    .occurred_at
                    .to_zoned(tz.clone())
                    .strftime("%-d %b %Y")
                    .to_string(),
                what: c
                    .data
                    .level
                    .map(|l| format!("level {l:+}"))
                    .or(c.data.value.map(|x| format!("{x}")))
                    .unwrap_or_default(),
                note: c.data.note.clone(),
            })
            .collect(),
        error,
    })
}

pub async fn show(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<NoticeParams>,
) -> PageResult {
    render(&show_page(&state, &s, super::path_id(&id)?, None, q.notice.as_deref()).await?)
}

pub async fn check_in(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let id = super::path_id(&id)?;
    let mut errors = ValidationErrors::new();
    let level = match form.get("level").trim() {
        "" => None,
        l => l
            .trim_start_matches('+')
            .parse::<i64>()
            .map_err(|_| errors.add("level", format!("\"{l}\" is not a level.")))
            .ok(),
    };
    let value = number(&form, "value", &mut errors);
    let at = match form.get("at").trim() {
        "" => None,
        a => timespec::parse_instant(a, &s.principal.user.time_zone)
            .map_err(|e| errors.add("at", e.to_string()))
            .ok(),
    };
    let input = CheckInInput {
        level,
        value,
        at: None,
        note: form.get("note").into(),
    };
    let result = match (errors.is_empty(), input.check_in()) {
        (true, Ok(c)) => state.app.check_in(&s.principal, id, c, at).await,
        (true, Err(e)) => Err(AppError::Invalid(e)),
        (false, _) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/goals/{id}?notice=checked-in")).into_response()),
        Err(AppError::Invalid(e)) => {
            let page = show_page(&state, &s, id, Some(e.to_string()), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn set_status(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let id = super::path_id(&id)?;
    let status =
        GoalStatus::parse(form.get("status")).map_err(|e| PageError::BadRequest(e.to_string()))?;
    state.app.set_goal_status(&s.principal, id, status).await?;
    Ok(Redirect::to(&format!("/goals/{id}?notice=status")).into_response())
}
