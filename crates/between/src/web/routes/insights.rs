//! The insights page: "What do you want to remember?" right after a
//! session, and everything recorded so far by appointment and by tag.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::insights::LinkTo;
use between_app::AppError;
use between_domain::insight::InsightKind;
use serde::Deserialize;
use uuid::Uuid;

use super::questions::{appointment_choices, Choice};
use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{split_list, Checked, PageQuery, SignedForm, SignedFormOrStale};
use crate::web::paging::{self, Cursor, Links};
use crate::web::{Layout, WebState};

pub struct InsightView {
    pub id: Uuid,
    pub text: String,
    pub kind: &'static str,
    pub tags: Vec<String>,
}

pub struct Group {
    pub label: String,
    pub insights: Vec<InsightView>,
}

#[derive(Default)]
pub struct Draft {
    pub text: String,
    pub kind: String,
    pub tags: String,
}

#[derive(Template)]
#[template(path = "insights.html")]
struct InsightsPage {
    layout: Layout,
    groups: Vec<Group>,
    paging: Links,
    tags: Vec<String>,
    appointments: Vec<Choice>,
    kinds: Vec<&'static str>,
    draft: Draft,
    query: String,
    tag: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Params {
    q: Option<String>,
    tag: Option<String>,
    appointment: Option<String>,
    notice: Option<String>,
    before: Option<Cursor>,
}

async fn page(
    state: &WebState,
    s: &SignedIn,
    params: &Params,
    draft: Draft,
    error: Option<String>,
) -> PageResult<InsightsPage> {
    let query = params.q.clone().unwrap_or_default();
    let tag = params.tag.clone().unwrap_or_default();
    let all = state.app.insights(&s.principal).await?;
    let mut tags: Vec<String> = all.iter().flat_map(|i| i.data.tags.clone()).collect();
    tags.sort();
    tags.dedup();
    let shown: Vec<_> = if query.trim().is_empty() {
        all
    } else {
        state.app.search_insights(&s.principal, &query).await?
    };
    let selected = params
        .appointment
        .as_deref()
        .and_then(|a| Uuid::parse_str(a).ok());
    let appointments = appointment_choices(state, s, selected).await?;
    let shown = paging::page(
        shown
            .iter()
            .filter(|i| tag.is_empty() || i.data.tags.contains(&tag)),
        |i| Cursor::of(i.occurred_at, i.id),
        params.before,
        paging::SIZE,
    );
    let mut groups: Vec<Group> = Vec::new();
    for i in &shown.items {
        let label = match i.data.appointment_id {
            Some(a) => appointments
                .iter()
                .find(|c| c.id == a)
                .map(|c| format!("Session of {}", c.label))
                .unwrap_or_else(|| "An earlier session".into()),
            None => "Not linked to a session".into(),
        };
        let view = InsightView {
            id: i.id,
            text: i.data.text.clone(),
            kind: i.data.kind.as_str(),
            tags: i.data.tags.clone(),
        };
        match groups.iter_mut().find(|g| g.label == label) {
            Some(g) => g.insights.push(view),
            None => groups.push(Group {
                label,
                insights: vec![view],
            }),
        }
    }
    let notice = match params.notice.as_deref() {
        Some("added") => Some("Saved."),
        Some("deleted") => Some("Deleted."),
        _ => None,
    };
    Ok(InsightsPage {
        layout: Layout::signed_in(state, s, "Insights", "insights").with_notice(notice),
        groups,
        paging: Links::new(
            "insights",
            "/insights",
            &[("q", &query), ("tag", &tag)],
            "#recorded",
            params.before,
            &shown,
        ),
        tags,
        appointments,
        kinds: InsightKind::ALL.iter().map(|k| k.as_str()).collect(),
        draft,
        query,
        tag,
        error,
    })
}

pub async fn list(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(params): PageQuery<Params>,
) -> PageResult {
    let draft = Draft {
        kind: "takeaway".into(),
        ..Draft::default()
    };
    render(&page(&state, &s, &params, draft, None).await?)
}

pub async fn create(
    State(state): State<WebState>,
    SignedFormOrStale { s, form: checked }: SignedFormOrStale,
) -> PageResult {
    let (Checked::Fresh(form) | Checked::Stale(form)) = &checked;
    let draft = Draft {
        text: form.get("text").into(),
        kind: form.get("kind").into(),
        tags: form.get("tags").into(),
    };
    let params = Params {
        q: None,
        tag: None,
        appointment: Some(form.get("appointment").into()),
        notice: None,
        before: None,
    };
    if let Checked::Stale(_) = checked {
        let p = page(
            &state,
            &s,
            &params,
            draft,
            Some(
                "This form had been open for a long time, so it was not saved. Your text is below."
                    .into(),
            ),
        )
        .await?;
        return Ok((StatusCode::BAD_REQUEST, render(&p)?).into_response());
    }
    let kind = match InsightKind::parse(&draft.kind) {
        Ok(k) => k,
        Err(e) => {
            let p = page(&state, &s, &params, draft, Some(e.to_string())).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
        }
    };
    let link = match form.get("appointment") {
        "" => LinkTo::None,
        a => LinkTo::Appointment(Uuid::parse_str(a).map_err(|_| PageError::NotFound)?),
    };
    match state
        .app
        .add_insight(
            &s.principal,
            &draft.text,
            kind,
            link,
            split_list(&draft.tags),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/insights?notice=added").into_response()),
        Err(AppError::Invalid(e)) => {
            let p = page(&state, &s, &params, draft, Some(e.to_string())).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn delete(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    state.app.delete_insight(&s.principal, id).await?;
    Ok(Redirect::to("/insights?notice=deleted").into_response())
}
