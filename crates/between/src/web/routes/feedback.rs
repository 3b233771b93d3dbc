//! Session feedback: the 30-second form on an attended appointment, and the
//! page with the four scores over time.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::feedback::Rated;
use between_app::AppError;
use between_domain::feedback::{ITEMS, LOW_ITEM};
use uuid::Uuid;

use crate::json::FeedbackInput;
use crate::web::auth::SignedIn;
use crate::web::charts::{plural, Chart, Line};
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{Checked, FormData, SignedFormOrStale};
use crate::web::{Layout, WebState};

/// The feedback form's fields: (name, label, value as typed).
pub struct FeedbackForm {
    pub items: Vec<(&'static str, &'static str, String)>,
    pub working: String,
    pub change: String,
    pub saved: bool,
    pub error: Option<String>,
}

impl FeedbackForm {
    pub fn from_rated(r: Option<&Rated>) -> FeedbackForm {
        let scores = r.map(|r| r.feedback.data.scores());
        FeedbackForm {
            items: ITEMS
                .iter()
                .enumerate()
                .map(|(i, (name, label))| {
                    (
                        *name,
                        *label,
                        scores
                            .map(|s| s[i].to_string())
                            .unwrap_or_else(|| "7".into()),
                    )
                })
                .collect(),
            working: r
                .map(|r| r.feedback.data.working.clone())
                .unwrap_or_default(),
            change: r
                .map(|r| r.feedback.data.change.clone())
                .unwrap_or_default(),
            saved: r.is_some(),
            error: None,
        }
    }

    fn from_form(form: &FormData) -> FeedbackForm {
        FeedbackForm {
            items: ITEMS
                .iter()
                .map(|(name, label)| (*name, *label, form.get(name).to_string()))
                .collect(),
            working: form.get("working").into(),
            change: form.get("change").into(),
            saved: false,
            error: None,
        }
    }
}

fn score(form: &FormData, name: &str) -> Option<i64> {
    form.get(name).trim().parse().ok()
}

pub async fn save(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedFormOrStale { s, form: checked }: SignedFormOrStale,
) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    let (Checked::Fresh(form) | Checked::Stale(form)) = &checked;
    let mut typed = FeedbackForm::from_form(form);
    if let Checked::Stale(_) = checked {
        typed.error = Some("This form had been open for a long time, so it was not saved. Check it and save again.".into());
        return super::appointments::show_with_feedback(
            &state,
            &s,
            id,
            typed,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let input = FeedbackInput {
        heard: score(form, "heard"),
        worked_on: score(form, "worked_on"),
        approach: score(form, "approach"),
        overall: score(form, "overall"),
        working: form.get("working").into(),
        change: form.get("change").into(),
    };
    let result = match input.parse() {
        Ok(fb) => state.app.set_feedback(&s.principal, id, fb).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/appointments/{id}?notice=feedback")).into_response()),
        Err(AppError::Invalid(e)) => {
            typed.error = Some(e.to_string());
            super::appointments::show_with_feedback(
                &state,
                &s,
                id,
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}

pub struct Row {
    pub when: String,
    pub appointment_id: Uuid,
    pub scores: [u8; 4],
    pub total: u32,
    pub low: bool,
    pub falling: bool,
    pub working: String,
    pub change: String,
}

/// One question's scores over time.
pub struct SmallChart {
    pub question: &'static str,
    /// The latest, lowest and highest score, in words.
    pub numbers: String,
    pub svg: String,
}

#[derive(Template)]
#[template(path = "feedback.html")]
struct FeedbackPage {
    layout: Layout,
    /// One small chart per question.
    charts: Vec<SmallChart>,
    /// The short column names of the four scores.
    labels: [&'static str; 4],
    rows: Vec<Row>,
}

pub async fn overview(State(state): State<WebState>, s: SignedIn) -> PageResult {
    let tz = &s.principal.user.time_zone;
    let all = state.app.all_feedback(&s.principal).await?;
    let day = |r: &Rated| r.feedback.occurred_at.as_second() as f64 / 86_400.0;
    let date = |r: Option<&Rated>| {
        r.map(|r| {
            r.feedback
                .occurred_at
                .to_zoned(tz.clone())
                .strftime("%-d %b %Y")
                .to_string()
        })
        .unwrap_or_default()
    };
    // Small multiples: one small chart per question, on the same 0–10 scale.
    let charts = if all.is_empty() {
        Vec::new()
    } else {
        ITEMS
            .iter()
            .enumerate()
            .map(|(i, (_, label))| {
                let scores: Vec<u8> = all.iter().map(|r| r.feedback.data.scores()[i]).collect();
                let (lo, hi) = scores
                    .iter()
                    .fold((u8::MAX, 0), |(a, b), x| (a.min(*x), b.max(*x)));
                let last = scores.last().copied().unwrap_or_default();
                let numbers = format!(
                    "Latest {last} of 10; lowest {lo}, highest {hi} over {}.",
                    plural(scores.len(), "session")
                );
                let svg = Chart {
                    title: label,
                    desc: format!(
                        "{label}: {numbers} From {} to {}.",
                        date(all.first()),
                        date(all.last())
                    ),
                    y_min: 0.0,
                    y_max: 10.0,
                    lines: vec![Line {
                        label,
                        colour: "#35566f",
                        points: all
                            .iter()
                            .zip(&scores)
                            .map(|(r, x)| (day(r), f64::from(*x)))
                            .collect(),
                        ..Line::default()
                    }],
                    x_labels: (date(all.first()), date(all.last())),
                    // At or below this a session counts as low.
                    zones: vec![(0.0, f64::from(LOW_ITEM), "#e9a23b", "low")],
                    plot_height: 90.0,
                    ..Chart::default()
                }
                .svg();
                SmallChart {
                    question: label,
                    numbers,
                    svg,
                }
            })
            .collect()
    };
    let rows = all
        .iter()
        .rev()
        .map(|r| Row {
            when: date(Some(r)),
            appointment_id: r.appointment_id,
            scores: r.feedback.data.scores(),
            total: r.feedback.data.total(),
            low: r.low,
            falling: r.falling,
            working: r.feedback.data.working.clone(),
            change: r.feedback.data.change.clone(),
        })
        .collect();
    render(&FeedbackPage {
        layout: Layout::signed_in(&state, &s, "Session feedback", "appointments"),
        charts,
        labels: ["Heard", "Worked on", "Approach", "Overall"],
        rows,
    })
}
