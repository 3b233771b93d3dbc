//! Writing without a network. The service worker keeps only the pages here
//! — the "you are offline" page and two blank forms (a journal entry, a
//! quick check-in), which hold nothing of anyone's — beside the stylesheet,
//! script and icon. What a person writes offline (there, or on a form that
//! was open when the network went) is sealed in the browser to their
//! account's public key and queued; `POST /sync` takes the queue back, one
//! signed-in request per item, opens each item and stores it through the
//! same code as the form it came from, once however often it is sent.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::offline::{OfflineClaim, OfflineItem, SealedItem};
use between_app::{AppError, Principal};
use serde::Serialize;

use super::entry_form::{local_input, EntryForm};
use super::journal::EntryFormPage;
use super::{practices, trackers};
use crate::web::errors::{render, PageResult};
use crate::web::forms::{FormData, FromForm, SignedForm};
use crate::web::{Layout, WebState};

/// The most items one request may carry (the page sends one at a time).
const MAX_ITEMS: usize = 20;

/// The pages the service worker keeps: they change only with a new
/// version, and hold nothing personal.
const SHELL_CACHE: &str = "no-cache";

fn shell(page: PageResult) -> PageResult {
    let mut response = page?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static(SHELL_CACHE),
    );
    Ok(response)
}

#[derive(Template)]
#[template(path = "offline.html")]
pub struct OfflinePage {
    pub layout: Layout,
}

#[derive(Template)]
#[template(path = "offline_checkin.html")]
pub struct CheckInPage {
    pub layout: Layout,
}

/// What other pages fall back to without a network.
pub async fn page(State(state): State<WebState>) -> PageResult {
    shell(render(&OfflinePage {
        layout: Layout::new(&state, "You are offline", "offline"),
    }))
}

/// A blank journal entry form, kept for writing offline.
pub async fn write(State(state): State<WebState>) -> PageResult {
    let mut page = EntryFormPage::new(
        Layout::new(&state, "New entry", "new"),
        "/journal".into(),
        &EntryForm::default(),
    );
    page.offline = "shell";
    shell(render(&page))
}

/// A blank quick check-in (mood and a line), kept for writing offline.
pub async fn check_in(State(state): State<WebState>) -> PageResult {
    shell(render(&CheckInPage {
        layout: Layout::new(&state, "Check in", "new"),
    }))
}

/// What became of one item.
#[derive(Debug, Serialize)]
pub struct Outcome {
    pub id: String,
    /// `stored`, `already-stored` (a retry), `pending` (try again later) or
    /// `refused` (it will never be stored: `message` says why).
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Synced {
    pub results: Vec<Outcome>,
}

impl Outcome {
    fn of(id: String, status: &'static str) -> Outcome {
        Outcome {
            id,
            status,
            message: None,
        }
    }
}

fn refused(id: String, message: impl Into<String>) -> Outcome {
    Outcome {
        message: Some(message.into()),
        ..Outcome::of(id, "refused")
    }
}

/// Takes queued items (`item` fields, each the JSON of a sealed item).
pub async fn sync(State(state): State<WebState>, SignedForm { s, form }: SignedForm) -> Response {
    let items = form.all("item");
    if items.len() > MAX_ITEMS {
        let message = format!("Send at most {MAX_ITEMS} items at a time.");
        return (
            axum::http::StatusCode::BAD_REQUEST,
            Json(Synced {
                results: vec![refused(String::new(), message)],
            }),
        )
            .into_response();
    }
    let mut results = Vec::with_capacity(items.len());
    for raw in items {
        results.push(match serde_json::from_str::<SealedItem>(raw) {
            Ok(item) => one(&state, &s.principal, item).await,
            Err(e) => refused(String::new(), format!("The item is not understood: {e}.")),
        });
    }
    Json(Synced { results }).into_response()
}

async fn one(state: &WebState, p: &Principal, item: SealedItem) -> Outcome {
    let id = item.id.clone();
    let opened = match state.app.open_offline_item(p, &item) {
        Ok(opened) => opened,
        Err(e) => return refused(id, e.to_string()),
    };
    match state.app.claim_offline_item(p, &id).await {
        Ok(OfflineClaim::New) => {}
        Ok(OfflineClaim::Stored) => return Outcome::of(id, "already-stored"),
        Ok(OfflineClaim::Pending) | Err(_) => return Outcome::of(id, "pending"),
    }
    let stored = store(state, p, opened).await;
    // Stored but the claim not marked: a retry finds it pending until the
    // claim lapses, so it is never stored twice meanwhile.
    let _ = state.app.finish_offline_item(p, &id, stored.is_ok()).await;
    match stored {
        Ok(()) => Outcome::of(id, "stored"),
        Err(AppError::Invalid(e)) => refused(id, e.to_string()),
        Err(AppError::NotFound(what)) => refused(
            id,
            format!("It was for something that is no longer there ({what})."),
        ),
        Err(_) => Outcome::of(id, "pending"),
    }
}

/// Stores an opened item through the code of the form it was written on.
async fn store(state: &WebState, p: &Principal, item: OfflineItem) -> Result<(), AppError> {
    // Written in the future by a clock that runs ahead: it was written now.
    let written_at = item.written_at.min(state.app.now());
    let fields = FormData::from_sealed(item.fields).map_err(AppError::Invalid)?;
    let segments: Vec<&str> = item.path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["journal"] => {
            let tz = &p.user.time_zone;
            let mut form = EntryForm::from_fields(fields);
            if form.occurred_at.trim().is_empty() {
                form.occurred_at = local_input(written_at, tz);
            }
            let (content, at) = form.parse(tz).map_err(AppError::Invalid)?;
            state.app.add_entry(p, content, at).await.map(|_| ())
        }
        ["practices", id, "logs"] => {
            let id =
                uuid::Uuid::parse_str(id).map_err(|_| AppError::NotFound("the practice".into()))?;
            practices::log_from_form(state, p, id, &fields, Some(written_at)).await
        }
        ["trackers", "checkin"] => {
            trackers::check_in_from_form(state, p, &fields, written_at).await
        }
        _ => Err(AppError::invalid(
            "item",
            format!("\"{}\" cannot be written offline.", item.path),
        )),
    }
}
