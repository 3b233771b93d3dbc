//! `GET /settings/security-log`: every change to how one gets into the
//! account, newest first, with what exactly (opened here, sealed to the
//! person in the database).

use askama::Template;
use axum::extract::State;

use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageResult};
use crate::web::layout::Layout;
use crate::web::WebState;

struct Line {
    when: String,
    what: &'static str,
    details: Vec<String>,
}

#[derive(Template)]
#[template(path = "security_log.html")]
struct SecurityLogPage {
    layout: Layout,
    lines: Vec<Line>,
}

pub async fn show(State(state): State<WebState>, s: SignedIn) -> PageResult {
    let tz = &s.principal.user.time_zone;
    let lines = state
        .app
        .security_log(&s.principal)
        .await?
        .into_iter()
        .map(|l| Line {
            when: l
                .at
                .to_zoned(tz.clone())
                .strftime("%-d %b %Y, %H:%M")
                .to_string(),
            what: l.sentence(),
            details: l.details,
        })
        .collect();
    render(&SecurityLogPage {
        layout: Layout::signed_in(&state, &s, "Security log", "settings"),
        lines,
    })
}
