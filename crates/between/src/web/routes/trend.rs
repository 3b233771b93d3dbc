//! The mood trend page: every day's mood and the smoothed trend over a
//! month, three months, a year or everything, with a sentence about it.

use askama::Template;
use axum::extract::{Query, State};
use between_domain::timespec;
use jiff::Timestamp;
use serde::Deserialize;

use crate::web::auth::SignedIn;
use crate::web::charts::{Chart, Line};
use crate::web::errors::{render, PageResult};
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "trend.html")]
struct TrendPage {
    layout: Layout,
    period: String,
    periods: [(&'static str, &'static str); 4],
    chart: String,
    sentence: String,
}

#[derive(Deserialize)]
pub struct Params {
    period: Option<String>,
}

pub async fn page(
    State(state): State<WebState>,
    s: SignedIn,
    Query(q): Query<Params>,
) -> PageResult {
    let period = match q.period.as_deref() {
        Some(p @ ("1m" | "3m" | "1y" | "all")) => p.to_string(),
        _ => "3m".to_string(),
    };
    let tz = &s.principal.user.time_zone;
    let since = (period != "all")
        .then(|| timespec::parse_since(&period, tz, Timestamp::now()))
        .transpose()
        .unwrap_or(None);
    let t = state
        .app
        .mood_trend(&s.principal, timespec::TimeRange { since, until: None })
        .await?;
    let day = |d: jiff::civil::Date| {
        d.since(jiff::civil::date(2000, 1, 1))
            .map(|s| s.get_days())
            .unwrap_or(0) as f64
    };
    let chart = if t.days.is_empty() {
        String::new()
    } else {
        Chart {
            title: "Mood each day (points) and the smoothed trend (line), 1 to 10",
            y_min: 1.0,
            y_max: 10.0,
            lines: vec![
                Line {
                    label: "daily mood",
                    colour: "#9aa8b3",
                    points: t.days.iter().map(|d| (day(d.date), d.mean)).collect(),
                },
                Line {
                    label: "trend",
                    colour: "#35566f",
                    points: t.days.iter().map(|d| (day(d.date), d.trend)).collect(),
                },
            ],
            x_labels: (
                t.days
                    .first()
                    .map(|d| d.date.strftime("%-d %b %Y").to_string())
                    .unwrap_or_default(),
                t.days
                    .last()
                    .map(|d| d.date.strftime("%-d %b %Y").to_string())
                    .unwrap_or_default(),
            ),
            band: None,
            zones: Vec::new(),
        }
        .svg()
    };
    render(&TrendPage {
        layout: Layout::signed_in(&state, &s, "Mood trend", "journal"),
        period,
        periods: [
            ("1m", "Month"),
            ("3m", "3 months"),
            ("1y", "Year"),
            ("all", "All"),
        ],
        chart,
        sentence: t.sentence,
    })
}
