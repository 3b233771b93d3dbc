//! Progress reviews on the web: the review of a period (default the review
//! interval) with the reflection prompts and a Save button, saved reviews
//! compared with the one before, downloads as PDF, Markdown and HTML, and
//! the review interval.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use between_domain::review::{Reflections, MAX_REFLECTION, PROMPTS};
use jiff::Timestamp;
use serde::Deserialize;
use uuid::Uuid;

use crate::review_doc::{self, Body, ReviewDoc};
use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{PageQuery, SignedForm};
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    layout: Layout,
    body: Body,
    since: String,
    until: String,
    /// Query string of this period for links.
    query: String,
    prompts: Vec<(&'static str, &'static str, String)>,
    max: usize,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct ReviewsPage {
    layout: Layout,
    saved: Vec<(Uuid, String)>,
    due: Option<String>,
    weeks: u32,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "saved_review.html")]
struct SavedPage {
    layout: Layout,
    id: Uuid,
    body: Body,
}

#[derive(Deserialize, Default)]
pub struct Params {
    since: Option<String>,
    until: Option<String>,
    format: Option<String>,
}

/// The period asked for: `since` defaults to the review interval ago.
async fn period(
    state: &WebState,
    s: &SignedIn,
    since: Option<&str>,
    until: Option<&str>,
) -> Result<(String, String, Timestamp, Option<Timestamp>), PageError> {
    let p = &s.principal;
    let since = match since.map(str::trim).filter(|x| !x.is_empty()) {
        Some(x) => x.to_string(),
        None => format!("{}w", state.app.agenda_prefs(p).await?.review_weeks),
    };
    let until = until.map(str::trim).unwrap_or("").to_string();
    let (since_at, until_at) = state
        .app
        .review_period(p, Some(&since), Some(&until))
        .await?;
    Ok((since, until, since_at, until_at))
}

fn query(since: &str, until: &str) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("since", since);
    if !until.is_empty() {
        q.append_pair("until", until);
    }
    q.finish()
}

async fn review_page(
    state: &WebState,
    s: &SignedIn,
    since: Option<&str>,
    until: Option<&str>,
    answers: [String; 3],
    error: Option<String>,
) -> Result<ReviewPage, PageError> {
    let (since, until, since_at, until_at) = period(state, s, since, until).await?;
    let review = state.app.review(&s.principal, since_at, until_at).await?;
    let body = Body::of(&ReviewDoc {
        review: &review,
        reflections: None,
        saved_at: None,
        comparison: None,
    });
    let names = ["learned", "changed", "focus"];
    let [a, b, c] = answers;
    Ok(ReviewPage {
        layout: Layout::signed_in(state, s, "Progress review", "home"),
        body,
        query: query(&since, &until),
        since,
        until,
        prompts: vec![
            (names[0], PROMPTS[0], a),
            (names[1], PROMPTS[1], b),
            (names[2], PROMPTS[2], c),
        ],
        max: MAX_REFLECTION,
        error,
    })
}

pub async fn show(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(params): PageQuery<Params>,
) -> PageResult {
    let page = review_page(
        &state,
        &s,
        params.since.as_deref(),
        params.until.as_deref(),
        Default::default(),
        None,
    )
    .await?;
    render(&page)
}

pub async fn save(State(state): State<WebState>, SignedForm { s, form }: SignedForm) -> PageResult {
    let (_, _, since_at, until_at) =
        period(&state, &s, Some(form.get("since")), Some(form.get("until"))).await?;
    let reflections = Reflections {
        learned: form.get("learned").to_string(),
        changed: form.get("changed").to_string(),
        focus: form.get("focus").to_string(),
    };
    match state
        .app
        .save_review(&s.principal, since_at, until_at, reflections.clone())
        .await
    {
        Ok(saved) => Ok(Redirect::to(&format!("/reviews/{}", saved.id)).into_response()),
        Err(between_app::AppError::Invalid(e)) => {
            let page = review_page(
                &state,
                &s,
                Some(form.get("since")),
                Some(form.get("until")),
                [reflections.learned, reflections.changed, reflections.focus],
                Some(e.to_string()),
            )
            .await?;
            let html = page.render()?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn list_page(
    state: &WebState,
    s: &SignedIn,
    error: Option<String>,
) -> Result<ReviewsPage, PageError> {
    let p = &s.principal;
    let saved = state
        .app
        .saved_reviews(p)
        .await?
        .iter()
        .rev()
        .map(|r| (r.id, review_doc::period(&r.data.review)))
        .collect();
    let today = state.app.now().to_zoned(p.user.time_zone.clone()).date();
    let due = state.app.review_due(p).await?.map(|d| {
        if d <= today {
            "A review is due now.".to_string()
        } else {
            format!("The next review is due on {}.", d.strftime("%-d %B %Y"))
        }
    });
    Ok(ReviewsPage {
        layout: Layout::signed_in(state, s, "Progress reviews", "home"),
        saved,
        due,
        weeks: state.app.agenda_prefs(p).await?.review_weeks,
        error,
    })
}

pub async fn list(State(state): State<WebState>, s: SignedIn) -> PageResult {
    render(&list_page(&state, &s, None).await?)
}

/// Sets how many weeks between reviews.
pub async fn interval(
    State(state): State<WebState>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let p = &s.principal;
    let mut prefs = state.app.agenda_prefs(p).await?;
    let weeks = form.get("weeks").trim().parse::<u32>();
    let result = match weeks {
        Ok(w) => {
            prefs.review_weeks = w;
            state
                .app
                .set_agenda_prefs(p, prefs)
                .await
                .map_err(|e| e.to_string())
        }
        Err(_) => Err("Give the number of weeks between reviews, 1 to 52.".to_string()),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/reviews").into_response()),
        Err(message) => {
            let html = list_page(&state, &s, Some(message)).await?.render()?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}

pub async fn saved(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let id = super::path_id(&id)?;
    let shown = state.app.saved_review(&s.principal, id).await?;
    let body = Body::of(&ReviewDoc::of_saved(&shown));
    render(&SavedPage {
        layout: Layout::signed_in(&state, &s, "Progress review", "home"),
        id,
        body,
    })
}

pub async fn delete(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    state
        .app
        .delete_review(&s.principal, super::path_id(&id)?)
        .await?;
    Ok(Redirect::to("/reviews").into_response())
}

/// A file of a review: `format=pdf|md|html`.
async fn download(doc: &ReviewDoc<'_>, format: &str) -> PageResult {
    let format = review_doc::FileFormat::parse(format).ok_or_else(|| {
        PageError::BadRequest(format!(
            "\"{format}\" is not a format: download as pdf, md or html."
        ))
    })?;
    let file = review_doc::file(doc, format)
        .await
        .map_err(PageError::Internal)?;
    Ok(file.into_response())
}

pub async fn download_period(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(params): PageQuery<Params>,
) -> PageResult {
    let (_, _, since_at, until_at) =
        period(&state, &s, params.since.as_deref(), params.until.as_deref()).await?;
    let review = state.app.review(&s.principal, since_at, until_at).await?;
    download(
        &ReviewDoc {
            review: &review,
            reflections: None,
            saved_at: None,
            comparison: None,
        },
        params.format.as_deref().unwrap_or("pdf"),
    )
    .await
}

pub async fn download_saved(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
    PageQuery(params): PageQuery<Params>,
) -> PageResult {
    let shown = state
        .app
        .saved_review(&s.principal, super::path_id(&id)?)
        .await?;
    download(
        &ReviewDoc::of_saved(&shown),
        params.format.as_deref().unwrap_or("pdf"),
    )
    .await
}
