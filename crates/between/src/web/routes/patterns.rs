//! The patterns page: findings as plain sentences grouped by kind
//! (triggers, trackers, when, what helps, feelings together), the strongest
//! few of each first and the rest behind "show all", each with one link to
//! its evidence; and what more data would let it tell.

use askama::Template;
use axum::extract::State;
use between_domain::patterns::{self, Finding};
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
    /// The one place that shows what is behind it, and what that link says.
    pub evidence: (String, &'static str),
    pub pinned: bool,
}

/// One kind of finding: the strongest few shown, the rest behind "show all".
pub struct GroupView {
    pub id: &'static str,
    pub heading: &'static str,
    pub shown: Vec<FindingView>,
    pub more: Vec<FindingView>,
}

/// Findings shown per group before "show all".
const SHOWN: usize = 3;
/// Most findings a group lists at all.
const MOST: usize = 12;

#[derive(Template)]
#[template(path = "patterns.html")]
struct PatternsPage {
    layout: Layout,
    period: String,
    periods: [(&'static str, &'static str); 4],
    groups: Vec<GroupView>,
    needs: Vec<Parts>,
    pinned: Vec<(Parts, String)>,
}

#[derive(Deserialize)]
pub struct Params {
    period: Option<String>,
}

/// Where a finding's evidence is: the journal entries its words find, or
/// the page its numbers come from.
fn evidence(f: &Finding) -> (String, &'static str) {
    if let Some(q) = &f.search {
        let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
        return (format!("/journal/search?q={q}"), "see the entries");
    }
    match f.kind {
        "tracker_mood" => ("/trackers".into(), "see the tracker"),
        "what_helps" => ("/practices".into(), "see your practice"),
        _ => ("/trend".into(), "see your mood over time"),
    }
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
    let view = |f: &Finding| FindingView {
        parts: emphasise(&f.sentence),
        raw: f.sentence.clone(),
        evidence: evidence(f),
        pinned: pinned.contains(&f.sentence),
    };
    let groups = patterns::grouped(&p.findings)
        .into_iter()
        .map(|(id, heading, findings)| {
            let mut all = findings.into_iter().take(MOST).map(view);
            GroupView {
                id,
                heading,
                shown: all.by_ref().take(SHOWN).collect(),
                more: all.collect(),
            }
        })
        .collect();
    render(&PatternsPage {
        layout: Layout::signed_in(&state, &s, "Patterns", "journal"),
        period,
        periods: crate::web::period::PERIODS,
        groups,
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
