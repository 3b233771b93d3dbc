//! The mood trend page: every day's mood and the smoothed trend over a
//! month, three months, a year or everything, with a sentence about it.

use askama::Template;
use axum::extract::State;
use serde::Deserialize;

use crate::web::auth::SignedIn;

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
    let days: Vec<_> = t.days.iter().map(|d| (d.date, d.mean, d.trend)).collect();
    let chart = crate::web::charts::mood(&days, &t.movement.sentence);
    render(&TrendPage {
        layout: Layout::signed_in(&state, &s, "Mood trend", "journal"),
        period,
        periods: crate::web::period::PERIODS,
        chart,
        sentence: t.sentence,
    })
}
