//! The daily check-in page: record today's (or another day's) trackers,
//! see each tracker over time, add ready-made or own trackers.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::trackers::{Given, TrackerView};
use between_app::AppError;
use between_domain::timespec;
use between_domain::tracker::{self, fmt, Tracker, TrackerKind};
use jiff::civil::Date;
use serde::Deserialize;
use uuid::Uuid;

use super::appointments::ConfirmPage;
use crate::web::auth::SignedIn;
use crate::web::charts::{day_x, Chart, Line};
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{Checked, PageQuery, SignedForm, SignedFormOrStale};
use crate::web::{Layout, WebState};

/// One tracker's field in the check-in form.
pub struct Field {
    pub key: String,
    pub name: String,
    pub kind: &'static str,
    pub unit: String,
    /// The sensible range, e.g. "0 to 24".
    pub hint: String,
    pub value: String,
    pub error: Option<String>,
}

pub struct TrackerChart {
    pub id: Uuid,
    pub name: String,
    pub kind_label: &'static str,
    pub summary: String,
    pub chart: String,
}

#[derive(Default)]
pub struct Draft {
    pub name: String,
    pub kind: String,
    pub unit: String,
}

#[derive(Template)]
#[template(path = "trackers.html")]
struct TrackersPage {
    layout: Layout,
    date: String,
    today: String,
    is_today: bool,
    fields: Vec<Field>,
    error: Option<String>,
    period: String,
    periods: [(&'static str, &'static str); 4],
    charts: Vec<TrackerChart>,
    presets: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    draft: Draft,
    add_error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Params {
    date: Option<String>,
    period: Option<String>,
    notice: Option<String>,
}

fn chart(v: &TrackerView) -> (String, String) {
    let t = &v.tracker.data;
    let Some(last) = v.readings.last() else {
        return ("No readings in this period.".into(), String::new());
    };
    let labels = (
        v.readings
            .first()
            .map(|r| r.date.strftime("%-d %b %Y").to_string())
            .unwrap_or_default(),
        last.date.strftime("%-d %b %Y").to_string(),
    );
    if t.kind == TrackerKind::YesNo {
        let yes = v.readings.iter().filter(|r| r.value >= 0.5).count();
        let summary = format!(
            "Yes on {yes} of {} recorded days; last: {} on {}.",
            v.readings.len(),
            t.display(last.value),
            last.date
        );
        // Days with "yes" in each week (of recorded days), so a habit shows.
        let mut weeks: Vec<(f64, f64)> = Vec::new();
        for r in &v.readings {
            let week = (day_x(r.date) / 7.0).floor() * 7.0;
            match weeks.last_mut() {
                Some((w, n)) if *w == week => *n += r.value,
                _ => weeks.push((week, r.value)),
            }
        }
        let svg = Chart {
            title: &format!("{}: days with yes in each week, 0 to 7", t.name),
            y_min: 0.0,
            y_max: 7.0,
            lines: vec![Line {
                label: "days a week",
                colour: "#35566f",
                points: weeks,
            }],
            x_labels: labels,
            band: None,
            zones: Vec::new(),
        }
        .svg();
        return (summary, svg);
    }
    let values: Vec<f64> = v.readings.iter().map(|r| r.value).collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let summary = format!(
        "Average {} over {} recorded days; last: {} on {}.",
        t.display((mean * 10.0).round() / 10.0),
        values.len(),
        t.display(last.value),
        last.date
    );
    let (lo, hi) = t.chart_range(&values);
    let svg = Chart {
        title: &format!(
            "{} each day{}",
            t.name,
            t.unit
                .as_ref()
                .map(|u| format!(", in {u}"))
                .unwrap_or_else(|| if t.kind == TrackerKind::Rating {
                    ", 0 to 10".into()
                } else {
                    String::new()
                })
        ),
        y_min: lo,
        y_max: hi,
        lines: vec![Line {
            label: &t.name,
            colour: "#35566f",
            points: v
                .readings
                .iter()
                .map(|r| (day_x(r.date), r.value))
                .collect(),
        }],
        x_labels: labels,
        band: t.low_below.zip(t.high_from),
        zones: Vec::new(),
    }
    .svg();
    (summary, svg)
}

struct Form {
    date: Date,
    /// What was typed, shown again when it could not be saved.
    typed: HashMap<String, String>,
    /// Problems by tracker key.
    errors: HashMap<String, String>,
    error: Option<String>,
    draft: Draft,
    add_error: Option<String>,
}

async fn page(
    state: &WebState,
    s: &SignedIn,
    params: &Params,
    form: Form,
) -> PageResult<TrackersPage> {
    let p = &s.principal;
    let tz = &p.user.time_zone;
    let (period, range) = crate::web::period::chosen(params.period.as_deref(), tz, state.app.now());
    let views = state.app.tracker_views(p, range).await?;
    let on_day = state.app.tracked_on(p, form.date).await?;
    let fields = on_day
        .iter()
        .map(|(t, v)| {
            let d = &t.data;
            let stored = v.map(|v| match d.kind {
                TrackerKind::YesNo => if v >= 0.5 { "yes" } else { "no" }.to_string(),
                _ => fmt(v),
            });
            Field {
                key: d.key.clone(),
                name: d.name.clone(),
                kind: d.kind.as_str(),
                unit: d.unit.clone().unwrap_or_default(),
                hint: match (d.kind, d.min, d.max) {
                    (TrackerKind::Rating, _, _) => "0 to 10".into(),
                    (TrackerKind::Number, Some(lo), Some(hi)) => {
                        format!("{} to {}", fmt(lo), fmt(hi))
                    }
                    _ => String::new(),
                },
                value: form
                    .typed
                    .get(&d.key)
                    .cloned()
                    .or(stored)
                    .unwrap_or_default(),
                error: form.errors.get(&d.key).cloned(),
            }
        })
        .collect();
    let have: Vec<String> = views.iter().map(|v| v.tracker.data.key.clone()).collect();
    let presets = tracker::presets()
        .into_iter()
        .filter(|t| !have.contains(&t.key))
        .map(|t| {
            let label = match &t.unit {
                Some(u) => format!("{} ({u})", t.name),
                None => t.name.clone(),
            };
            (t.key, label)
        })
        .collect();
    let charts = views
        .iter()
        .map(|v| {
            let (summary, chart) = chart(v);
            TrackerChart {
                id: v.tracker.id,
                name: v.tracker.data.name.clone(),
                kind_label: v.tracker.data.kind.label(),
                summary,
                chart,
            }
        })
        .collect();
    let notice = match params.notice.as_deref() {
        Some("saved") => Some("Saved."),
        Some("added") => Some("Tracker added."),
        Some("deleted") => Some("Tracker deleted."),
        _ => None,
    };
    let today = state.app.today(p);
    Ok(TrackersPage {
        layout: Layout::signed_in(state, s, "Daily check-in", "journal").with_notice(notice),
        date: form.date.to_string(),
        today: today.to_string(),
        is_today: form.date == today,
        fields,
        error: form.error,
        period,
        periods: crate::web::period::PERIODS,
        charts,
        presets,
        kinds: TrackerKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        draft: form.draft,
        add_error: form.add_error,
    })
}

fn blank(date: Date) -> Form {
    Form {
        date,
        typed: HashMap::new(),
        errors: HashMap::new(),
        error: None,
        draft: Draft {
            kind: "yes_no".into(),
            ..Draft::default()
        },
        add_error: None,
    }
}

pub async fn show(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(params): PageQuery<Params>,
) -> PageResult {
    let tz = &s.principal.user.time_zone;
    let date = match params.date.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => timespec::parse_date(d, tz, state.app.now())
            .ok()
            .filter(|d| *d <= state.app.today(&s.principal))
            .ok_or(PageError::NotFound)?,
        None => state.app.today(&s.principal),
    };
    render(&page(&state, &s, &params, blank(date)).await?)
}

pub async fn check_in(
    State(state): State<WebState>,
    SignedFormOrStale { s, form: checked }: SignedFormOrStale,
) -> PageResult {
    let (Checked::Fresh(form) | Checked::Stale(form)) = &checked;
    let p = &s.principal;
    let date = timespec::parse_date(form.get("date"), &p.user.time_zone, state.app.now())
        .unwrap_or_else(|_| state.app.today(p));
    let trackers = state.app.trackers(p).await?;
    let typed: HashMap<String, String> = trackers
        .iter()
        .map(|t| {
            let k = &t.data.key;
            (k.clone(), form.get(&format!("v.{k}")).trim().to_string())
        })
        .collect();
    let params = Params::default();
    if let Checked::Stale(_) = checked {
        let f = Form {
            typed,
            error: Some(
                "This form had been open for a long time, so it was not saved. Please save again."
                    .into(),
            ),
            ..blank(date)
        };
        let page = page(&state, &s, &params, f).await?;
        return Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response());
    }
    let given: Vec<(String, Given)> = typed
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                if v.is_empty() {
                    Given::Clear
                } else {
                    Given::Text(v.clone())
                },
            )
        })
        .collect();
    if given.is_empty() {
        return Ok(Redirect::to("/trackers").into_response());
    }
    match state.app.track(p, date, &given).await {
        Ok(_) => Ok(Redirect::to(&format!("/trackers?date={date}&notice=saved")).into_response()),
        Err(AppError::Invalid(e)) => {
            let errors: HashMap<String, String> = e
                .fields()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let general = errors
                .iter()
                .filter(|(k, _)| !typed.contains_key(*k))
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
                .join(" ");
            let f = Form {
                error: Some(if general.is_empty() {
                    "Nothing was saved: please correct the marked fields.".into()
                } else {
                    general
                }),
                errors,
                typed,
                ..blank(date)
            };
            let page = page(&state, &s, &params, f).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn create(
    State(state): State<WebState>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let p = &s.principal;
    let draft = Draft {
        name: form.get("name").into(),
        kind: form.get("kind").into(),
        unit: form.get("unit").into(),
    };
    let tracker = match form.get("preset") {
        "" => TrackerKind::parse(&draft.kind)
            .map(|k| {
                Tracker::new(
                    &draft.name,
                    k,
                    Some(&draft.unit)
                        .filter(|u| !u.is_empty())
                        .map(|u| u.as_str()),
                )
            })
            .map_err(AppError::from),
        preset => tracker::preset(preset).ok_or_else(|| {
            AppError::invalid(
                "preset",
                format!("\"{preset}\" is not a ready-made tracker."),
            )
        }),
    };
    let result = match tracker {
        Ok(t) => state.app.add_tracker(p, t).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/trackers?notice=added").into_response()),
        Err(AppError::Invalid(e)) => {
            let mut f = blank(state.app.today(p));
            f.draft = draft;
            f.add_error = Some(e.to_string());
            let page = page(&state, &s, &Params::default(), f).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn delete_confirm(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let t = state
        .app
        .tracker(&s.principal, super::path_id(&id)?)
        .await?;
    render(&ConfirmPage {
        layout: Layout::signed_in(&state, &s, "Delete tracker", "journal"),
        heading: format!("Delete the tracker {}?", t.data.name),
        message: "Its readings are deleted with it and cannot be brought back. To keep them, export your data first.".into(),
        action: format!("/trackers/{}/delete", t.id),
        button: "Delete",
        cancel: "/trackers".into(),
    })
}

pub async fn delete(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    state
        .app
        .delete_tracker(&s.principal, super::path_id(&id)?)
        .await?;
    Ok(Redirect::to("/trackers?notice=deleted").into_response())
}
