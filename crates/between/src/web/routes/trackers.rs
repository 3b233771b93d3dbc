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
use crate::web::charts::{day_label, day_x, nice_ticks, plural, yes_no_strip, Chart, Line};
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{Checked, FormData, PageQuery, SignedForm, SignedFormOrStale};
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

/// A tracker's summary sentence and chart over the period that starts on
/// `from` (none: all time) and ends `today`.
fn chart(v: &TrackerView, from: Option<Date>, today: Date) -> (String, String) {
    let t = &v.tracker.data;
    let Some(last) = v.readings.last() else {
        return ("No readings in this period.".into(), String::new());
    };
    let labels = (
        v.readings
            .first()
            .map(|r| day_label(r.date))
            .unwrap_or_default(),
        day_label(last.date),
    );
    if t.kind == TrackerKind::YesNo {
        return yes_no(v, from, today);
    }
    let recorded = plural(v.readings.len(), "recorded day");
    let values: Vec<f64> = v.readings.iter().map(|r| r.value).collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let summary = format!(
        "Average {} over {recorded}; last: {} on {}.",
        t.display((mean * 10.0).round() / 10.0),
        t.display(last.value),
        last.date.strftime("%a %-d %b")
    );
    let (lo, hi) = t.chart_range(&values);
    // Round the scale out to the ticks around it, inside the bounds.
    let ticks = nice_ticks(lo, hi, 4);
    let y_min = ticks
        .first()
        .copied()
        .unwrap_or(lo)
        .max(t.min.unwrap_or(f64::NEG_INFINITY));
    let y_max = ticks
        .last()
        .copied()
        .unwrap_or(hi)
        .min(t.max.unwrap_or(f64::INFINITY));
    let (low, high) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(*x), b.max(*x)));
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
        desc: format!(
            "{} from {} to {}: average {}, lowest {}, highest {}, last {}.{}",
            recorded,
            labels.0,
            labels.1,
            t.display((mean * 10.0).round() / 10.0),
            t.display(low),
            t.display(high),
            t.display(last.value),
            match t.low_below.zip(t.high_from) {
                Some((a, b)) => format!(
                    " The shaded band from {} to {} is the usual range.",
                    fmt(a),
                    fmt(b)
                ),
                None => String::new(),
            }
        ),
        y_min,
        y_max,
        lines: vec![Line {
            label: &t.name,
            colour: "#35566f",
            points: v
                .readings
                .iter()
                .map(|r| (day_x(r.date), r.value))
                .collect(),
            ..Line::default()
        }],
        x_labels: labels,
        band: t.low_below.zip(t.high_from),
        ..Chart::default()
    }
    .svg();
    (summary, svg)
}

/// How many weeks a yes/no strip shows at most.
const STRIP_WEEKS: i64 = 8;

/// A yes/no tracker: "yes on N of the last 7 days" and a calendar strip of
/// the last weeks of the period (whole weeks, Monday first).
fn yes_no(v: &TrackerView, from: Option<Date>, today: Date) -> (String, String) {
    let t = &v.tracker.data;
    let answer = |d: Date| {
        v.readings
            .iter()
            .find(|r| r.date == d)
            .map(|r| r.value >= 0.5)
    };
    let days_ago = |n: i64| today.checked_sub(jiff::Span::new().days(n)).ok();
    let last_week = (0..7)
        .filter_map(days_ago)
        .filter(|d| answer(*d) == Some(true))
        .count();
    let yes = v.readings.iter().filter(|r| r.value >= 0.5).count();
    let summary = format!(
        "Yes on {last_week} of the last 7 days; {yes} of {} in this period.",
        plural(v.readings.len(), "recorded day")
    );
    let this_monday = between_domain::practice::schedule::week_start(today);
    let mut first = this_monday
        .checked_sub(jiff::Span::new().weeks(STRIP_WEEKS - 1))
        .unwrap_or(this_monday);
    if let Some(from) = from {
        // The first whole week of the period.
        let monday = between_domain::practice::schedule::week_start(from);
        let whole = if monday < from {
            monday
                .checked_add(jiff::Span::new().weeks(1))
                .unwrap_or(monday)
        } else {
            monday
        };
        first = first.max(whole.min(this_monday));
    }
    let mut weeks = Vec::new();
    let mut monday = first;
    while monday <= this_monday {
        let mut days = [None; 7];
        let mut known = 0;
        for (i, slot) in days.iter_mut().enumerate() {
            let Ok(d) = monday.checked_add(jiff::Span::new().days(i as i64)) else {
                break;
            };
            if d > today {
                break;
            }
            *slot = answer(d);
            known += 1;
        }
        weeks.push((monday, days, known));
        let Ok(next) = monday.checked_add(jiff::Span::new().weeks(1)) else {
            break;
        };
        monday = next;
    }
    let svg = yes_no_strip(
        &format!("{}: yes or no each day, one row per week", t.name),
        &weeks,
    );
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
    let today = state.app.today(p);
    let from = range.since.map(|t| t.to_zoned(tz.clone()).date());
    let charts = views
        .iter()
        .map(|v| {
            let (summary, chart) = chart(v, from, today);
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

/// What was typed for each of the person's trackers (`v.KEY` fields).
fn typed_values(
    trackers: &[between_app::records::Stored<Tracker>],
    form: &FormData,
) -> HashMap<String, String> {
    trackers
        .iter()
        .map(|t| {
            let k = &t.data.key;
            (k.clone(), form.get(&format!("v.{k}")).trim().to_string())
        })
        .collect()
}

/// The readings of a check-in: an empty field clears that day's reading.
fn given(typed: &HashMap<String, String>) -> Vec<(String, Given)> {
    typed
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
        .collect()
}

/// A check-in written offline: its fields as the check-in form sent them;
/// the day is the form's, or the one it was written on.
pub(super) async fn check_in_from_form(
    state: &WebState,
    p: &between_app::Principal,
    form: &FormData,
    written_at: jiff::Timestamp,
) -> Result<(), AppError> {
    let tz = &p.user.time_zone;
    let date = match form.get("date").trim() {
        "" => written_at.to_zoned(tz.clone()).date(),
        d => timespec::parse_date(d, tz, state.app.now())
            .map_err(|e| AppError::invalid("date", e.to_string()))?,
    };
    let typed = typed_values(&state.app.trackers(p).await?, form);
    let given = given(&typed);
    if given.is_empty() {
        return Ok(());
    }
    state.app.track(p, date, &given).await.map(|_| ())
}

pub async fn check_in(
    State(state): State<WebState>,
    SignedFormOrStale { s, form: checked }: SignedFormOrStale,
) -> PageResult {
    let (Checked::Fresh(form) | Checked::Stale(form)) = &checked;
    let p = &s.principal;
    let date = timespec::parse_date(form.get("date"), &p.user.time_zone, state.app.now())
        .unwrap_or_else(|_| state.app.today(p));
    let typed = typed_values(&state.app.trackers(p).await?, form);
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
    let given = given(&typed);
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
