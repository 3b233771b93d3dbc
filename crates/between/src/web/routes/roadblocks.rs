//! "Is therapy stuck?": what the roadblock rules see, how to raise each,
//! and what to do when therapy feels stuck.

use askama::Template;
use axum::extract::State;
use between_domain::roadblocks::{Roadblock, GUIDANCE};

use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageResult};
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "roadblocks.html")]
struct RoadblocksPage {
    layout: Layout,
    found: Vec<Roadblock>,
    guidance: [&'static str; 3],
}

pub async fn page(State(state): State<WebState>, s: SignedIn) -> PageResult {
    let found = state.app.roadblocks(&s.principal).await?;
    render(&RoadblocksPage {
        layout: Layout::signed_in(&state, &s, "Is therapy stuck?", "home"),
        found,
        guidance: GUIDANCE,
    })
}
