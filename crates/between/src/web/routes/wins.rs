//! The wins timeline: every milestone reached, newest first.

use askama::Template;
use axum::extract::State;

use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageResult};
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "wins.html")]
struct WinsPage {
    layout: Layout,
    wins: Vec<(String, String)>,
}

pub async fn page(State(state): State<WebState>, s: SignedIn) -> PageResult {
    let wins = state.app.wins(&s.principal).await?;
    render(&WinsPage {
        layout: Layout::signed_in(&state, &s, "Wins", "home"),
        wins: wins
            .iter()
            .rev()
            .map(|w| (w.date.strftime("%-d %B %Y").to_string(), w.title.clone()))
            .collect(),
    })
}
