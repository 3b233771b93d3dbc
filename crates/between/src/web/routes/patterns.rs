//! The patterns page: findings as plain sentences, and what more data would
//! let it tell.

use askama::Template;
use axum::extract::State;
use serde::Deserialize;

use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageResult};
use crate::web::forms::{PageQuery, SignedForm};
use crate::web::{Layout, WebState};

/// A sentence with *marked* words as (text, emphasised) parts.
pub fn emphasise(sentence: &str) -> Parts {
    sentence
        .split('*')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| (part.to_string(), i % 2 == 1))
        .collect()
}

/// A sentence split into (text, emphasised) parts.
type Parts = Vec<(String, bool)>;

pub struct FindingView {
    pub parts: Parts,
    pub raw: String,
    /// The journal search that finds the entries behind it.
    pub link: Option<String>,
    pub pinned: bool,
}

#[derive(Template)]
#[template(path = "patterns.html")]
struct PatternsPage {
    layout: Layout,
    period: String,
    periods: [(&'static str, &'static str); 4],
    findings: Vec<FindingView>,
    needs: Vec<Parts>,
    pinned: Vec<(Parts, String)>,
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
    let p = state.app.patterns(&s.principal, range).await?;
    let pinned = state.app.pinned_patterns(&s.principal).await?;
    render(&PatternsPage {
        layout: Layout::signed_in(&state, &s, "Patterns", "journal"),
        period,
        periods: crate::web::period::PERIODS,
        findings: p
            .findings
            .iter()
            .take(20)
            .map(|f| {
                let link = f.search.as_ref().map(|q| {
                    format!(
                        "/journal/search?q={}",
                        form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
                    )
                });
                FindingView {
                    parts: emphasise(&f.sentence),
                    raw: f.sentence.clone(),
                    link,
                    pinned: pinned.contains(&f.sentence),
                }
            })
            .collect(),
        needs: p.needs.iter().take(8).map(|n| emphasise(n)).collect(),
        pinned: pinned.iter().map(|s| (emphasise(s), s.clone())).collect(),
    })
}

/// Pins a pattern for the next session's agenda, or unpins it.
pub async fn pin(State(state): State<WebState>, SignedForm { s, form }: SignedForm) -> PageResult {
    state
        .app
        .pin_pattern(&s.principal, form.get("sentence"), form.get("pin") != "0")
        .await?;
    Ok(axum::response::IntoResponse::into_response(
        axum::response::Redirect::to("/patterns"),
    ))
}

#[cfg(test)]
mod tests {
    use super::emphasise;

    #[test]
    fn starred_words_are_emphasised() {
        assert_eq!(
            emphasise("After *work* you felt *sad*."),
            vec![
                ("After ".into(), false),
                ("work".into(), true),
                (" you felt ".into(), false),
                ("sad".into(), true),
                (".".into(), false)
            ]
        );
    }
}
