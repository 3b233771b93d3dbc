//! The mood trend page: every day's mood and the smoothed trend over a
//! month, three months, a year or everything, with a sentence about it.

use askama::Template;
use axum::extract::State;
use serde::Deserialize;

use crate::web::auth::SignedIn;
use crate::web::charts::{Chart, Line};
use crate::web::errors::{render, PageResult};
use crate::web::forms::PageQuery;
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
    PageQuery(q): PageQuery<Params>,
) -> PageResult {
    let tz = &s.principal.user.time_zone;
    let (period, range) = crate::web::period::chosen(q.period.as_deref(), tz, state.app.now());
    let t = state.app.mood_trend(&s.principal, range).await?;
    let day = crate::web::charts::day_x;
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
        periods: crate::web::period::PERIODS,
        chart,
        sentence: t.sentence,
    })
}
