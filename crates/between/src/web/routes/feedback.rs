//! Session feedback: the 30-second form on an attended appointment, and the
//! page with the four scores over time.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::feedback::Rated;
use between_app::AppError;
use between_domain::feedback::ITEMS;
use uuid::Uuid;

use crate::json::FeedbackInput;
use crate::web::auth::SignedIn;
use crate::web::charts::{Chart, Line};
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

#[derive(Template)]
#[template(path = "feedback.html")]
struct FeedbackPage {
    layout: Layout,
    chart: String,
    rows: Vec<Row>,
}

pub async fn overview(State(state): State<WebState>, s: SignedIn) -> PageResult {
    let tz = &s.principal.user.time_zone;
    let all = state.app.all_feedback(&s.principal).await?;
    let day = |r: &Rated| r.feedback.occurred_at.as_second() as f64 / 86_400.0;
    let colours = ["#35566f", "#c0392b", "#2e8b57", "#b8860b"];
    let lines = ITEMS
        .iter()
        .enumerate()
        .map(|(i, (_, label))| Line {
            label,
            colour: colours[i],
            points: all
                .iter()
                .map(|r| (day(r), f64::from(r.feedback.data.scores()[i])))
                .collect(),
        })
        .collect();
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
    let chart = Chart {
        title: "Session feedback over time, 0 to 10",
        y_min: 0.0,
        y_max: 10.0,
        lines,
        x_labels: (date(all.first()), date(all.last())),
        band: None,
        zones: Vec::new(),
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
        chart: if all.is_empty() {
            String::new()
        } else {
            chart.svg()
        },
        rows,
    })
}
