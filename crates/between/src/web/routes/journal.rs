//! Journal pages: the list by day, one entry, the entry form (new and
//! edit), delete with confirmation, "Recently deleted", and search.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use between_app::journal::{Cursor, ListEntries};
use between_app::AppError;
use between_domain::{feelings, Entry, ValidationErrors};
use jiff::tz::TimeZone;
use serde::Deserialize;
use uuid::Uuid;

use super::account::signin_with_draft;
use super::entry_form::{EntryForm, EntryFormView};
use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{Checked, MaybeSignedForm, PageQuery, SignedForm};
use crate::web::highlight::{marked, snippet, Words};
use crate::web::paging::{self, Cursor as PageCursor, Links};
use crate::web::{Layout, WebState};

const PAGE_SIZE: usize = 30;

pub struct FeelingChip {
    pub name: String,
    pub intensity: u8,
    pub quadrant: &'static str,
}

pub struct EntryRowView {
    pub id: Uuid,
    pub time: String,
    pub mood: Option<u8>,
    pub excerpt: String,
    pub starred: bool,
    pub feelings: Vec<FeelingChip>,
    pub tags: Vec<String>,
}

pub struct DayView {
    pub label: String,
    pub entries: Vec<EntryRowView>,
}

fn chips(e: &Entry) -> Vec<FeelingChip> {
    let mut f: Vec<&between_domain::Feeling> = e.content.feelings.iter().collect();
    f.sort_by_key(|f| std::cmp::Reverse(f.intensity));
    f.into_iter()
        .map(|f| FeelingChip {
            name: f.name.clone(),
            intensity: f.intensity,
            quadrant: feelings::lookup(&f.name)
                .map(|n| n.quadrant.slug())
                .unwrap_or("other"),
        })
        .collect()
}

/// Groups entries (newest first) under their local day.
fn by_day(entries: &[Entry], tz: &TimeZone) -> Vec<DayView> {
    by_day_with(entries, tz, |e| {
        let excerpt = e.content.excerpt(120);
        if excerpt.is_empty() {
            "(no text)".into()
        } else {
            excerpt
        }
    })
}

/// [`by_day`] with each entry's excerpt made by `excerpt`.
fn by_day_with(
    entries: &[Entry],
    tz: &TimeZone,
    excerpt: impl Fn(&Entry) -> String,
) -> Vec<DayView> {
    let mut days: Vec<DayView> = Vec::new();
    let mut current = None;
    for e in entries {
        let local = e.occurred_at.to_zoned(tz.clone());
        if current != Some(local.date()) {
            current = Some(local.date());
            days.push(DayView {
                label: local.strftime("%A %-d %B %Y").to_string(),
                entries: Vec::new(),
            });
        }
        let row = EntryRowView {
            id: e.id,
            time: local.strftime("%H:%M").to_string(),
            mood: e.content.mood,
            excerpt: excerpt(e),
            starred: e.content.starred,
            feelings: chips(e),
            tags: e.content.tags.clone(),
        };
        if let Some(day) = days.last_mut() {
            day.entries.push(row);
        }
    }
    days
}

fn notice(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "saved" => Some("Saved."),
        "deleted" => Some("Moved to Recently deleted. You can restore it for 30 days."),
        "restored" => Some("Restored."),
        "excerpt" => Some("Shared. The rest of the entry stays private."),
        "unshared" => Some("No longer shared."),
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "journal.html")]
struct JournalPage {
    layout: Layout,
    heading: &'static str,
    empty_message: &'static str,
    days: Vec<DayView>,
    next_link: Option<String>,
    deleted: bool,
}

#[derive(Deserialize)]
pub struct ListParams {
    before: Option<PageCursor>,
    notice: Option<String>,
}

/// The journal or "Recently deleted", a page at a time.
async fn entries_page(state: &WebState, s: &SignedIn, q: ListParams, deleted: bool) -> PageResult {
    let after = q.before.map(|c| Cursor {
        occurred_at: c.at,
        id: c.id,
    });
    let page = state
        .app
        .list_entries(
            &s.principal,
            &ListEntries {
                deleted,
                after,
                limit: Some(PAGE_SIZE),
                ..Default::default()
            },
        )
        .await?;
    let (heading, empty_message, path) = if deleted {
        (
            "Recently deleted",
            "Nothing here. Deleted entries stay here for 30 days.",
            "/journal/deleted",
        )
    } else {
        (
            "Journal",
            "No entries yet. Write the first one: a line is enough.",
            "/journal",
        )
    };
    render(&JournalPage {
        layout: Layout::signed_in(state, s, heading, "journal")
            .with_notice(notice(q.notice.as_deref())),
        heading,
        empty_message,
        days: by_day(&page.entries, &s.principal.user.time_zone),
        next_link: page.next.map(|c| format!("{path}?before={}", c.encode())),
        deleted,
    })
}

pub async fn list(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<ListParams>,
) -> PageResult {
    entries_page(&state, &s, q, false).await
}

pub async fn deleted(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<ListParams>,
) -> PageResult {
    entries_page(&state, &s, q, true).await
}

#[derive(Template)]
#[template(path = "entry_form.html")]
pub struct EntryFormPage {
    pub layout: Layout,
    pub heading: String,
    pub action: String,
    pub cancel: String,
    pub form: EntryFormView,
    pub errors: ValidationErrors,
    pub form_error: Option<String>,
    /// How the page's script treats the form without a network: `queue`
    /// (seal it for later when offline), `shell` (the kept blank form:
    /// always sealed for later) or "" (an edit: online only).
    pub offline: &'static str,
}

impl EntryFormPage {
    pub fn new(layout: Layout, action: String, form: &EntryForm) -> EntryFormPage {
        let editing = action != "/journal";
        EntryFormPage {
            layout,
            heading: if editing {
                "Edit entry".into()
            } else {
                "New entry".into()
            },
            cancel: if editing {
                action.clone()
            } else {
                "/journal".into()
            },
            action,
            form: form.view(),
            errors: ValidationErrors::new(),
            form_error: None,
            offline: if editing { "" } else { "queue" },
        }
    }
}

pub async fn new_form(State(state): State<WebState>, s: SignedIn) -> PageResult {
    let form = EntryForm::blank(state.app.now(), &s.principal.user.time_zone);
    render(&EntryFormPage::new(
        Layout::signed_in(&state, &s, "New entry", "new"),
        "/journal".into(),
        &form,
    ))
}

/// Saves a posted entry form (new when `id` is `None`), or shows it again
/// with what went wrong.
async fn save(state: WebState, posted: MaybeSignedForm<EntryForm>, id: Option<Uuid>) -> PageResult {
    let action = id
        .map(|id| format!("/journal/{id}"))
        .unwrap_or_else(|| "/journal".into());
    let (s, checked) = match posted {
        MaybeSignedForm::SignedIn(posted) => (posted.s, posted.form),
        MaybeSignedForm::SignedOut(form) => {
            return signin_with_draft(&state, &form, &action).await;
        }
    };
    let (Checked::Fresh(form) | Checked::Stale(form)) = &checked;
    let again =
        |errors: ValidationErrors, form_error: Option<String>, status: StatusCode| -> PageResult {
            let title = if id.is_some() {
                "Edit entry"
            } else {
                "New entry"
            };
            let mut page = EntryFormPage::new(
                Layout::signed_in(&state, &s, title, "new"),
                action.clone(),
                form,
            );
            page.errors = errors;
            page.form_error = form_error;
            Ok((status, render(&page)?).into_response())
        };
    if let Checked::Stale(_) = checked {
        return again(
            ValidationErrors::new(),
            Some("This form was open for a long time or came from elsewhere, so it was not saved. Your text is below: check it and save again.".into()),
            StatusCode::BAD_REQUEST,
        );
    }
    let tz = s.principal.user.time_zone.clone();
    let (content, occurred_at) = match form.parse(&tz) {
        Ok(parts) => parts,
        Err(errors) => return again(errors, None, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let saved = match id {
        None => {
            state
                .app
                .add_entry(&s.principal, content, occurred_at)
                .await
        }
        Some(id) => {
            state
                .app
                .update_entry(&s.principal, id, content, occurred_at)
                .await
        }
    };
    match saved {
        Ok(entry) => {
            Ok(Redirect::to(&format!("/journal/{}?notice=saved", entry.id)).into_response())
        }
        Err(AppError::Invalid(errors)) => again(errors, None, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Conflict(message)) => {
            again(ValidationErrors::new(), Some(message), StatusCode::CONFLICT)
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn create(
    State(state): State<WebState>,
    posted: MaybeSignedForm<EntryForm>,
) -> PageResult {
    save(state, posted, None).await
}

pub async fn update(
    State(state): State<WebState>,
    Path(id): Path<String>,
    posted: MaybeSignedForm<EntryForm>,
) -> PageResult {
    save(state, posted, Some(super::path_id(&id)?)).await
}

pub async fn edit_form(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let entry = state.app.entry(&s.principal, super::path_id(&id)?).await?;
    if entry.deleted_at.is_some() {
        return Ok(Redirect::to(&format!("/journal/{}", entry.id)).into_response());
    }
    let form = EntryForm::from_entry(&entry, &s.principal.user.time_zone);
    render(&EntryFormPage::new(
        Layout::signed_in(&state, &s, "Edit entry", "journal"),
        format!("/journal/{}", entry.id),
        &form,
    ))
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    layout: Layout,
    id: Uuid,
    when: String,
    mood: Option<u8>,
    starred: bool,
    shared: bool,
    /// What is shared of it when only part is: (kind in words, text).
    excerpt: Option<(&'static str, String)>,
    deleted: Option<String>,
    feelings: Vec<FeelingChip>,
    text: String,
    prompts: Vec<(String, String)>,
    triggers: Vec<String>,
    tags: Vec<String>,
}

#[derive(Deserialize)]
pub struct NoticeParam {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<NoticeParam>,
) -> PageResult {
    let e = state.app.entry(&s.principal, super::path_id(&id)?).await?;
    let excerpt = state
        .app
        .excerpt_of(&s.principal, e.id)
        .await?
        .map(|x| (x.data.kind.label(), x.data.text));
    let tz = &s.principal.user.time_zone;
    let when = e
        .occurred_at
        .to_zoned(tz.clone())
        .strftime("%A %-d %B %Y, %H:%M")
        .to_string();
    render(&EntryPage {
        layout: Layout::signed_in(&state, &s, when.clone(), "journal")
            .with_notice(notice(q.notice.as_deref())),
        id: e.id,
        when,
        mood: e.content.mood,
        starred: e.content.starred,
        shared: e.content.shared,
        excerpt,
        deleted: e
            .deleted_at
            .map(|d| d.to_zoned(tz.clone()).strftime("%-d %B %Y").to_string()),
        feelings: chips(&e),
        text: e.content.text.clone(),
        prompts: e
            .content
            .prompts
            .iter()
            .map(|p| (p.prompt.clone(), p.answer.clone()))
            .collect(),
        triggers: e.content.triggers.clone(),
        tags: e.content.tags.clone(),
    })
}

#[derive(Template)]
#[template(path = "entry_delete.html")]
struct DeletePage {
    layout: Layout,
    id: Uuid,
    when: String,
    excerpt: String,
    /// Part of it is shared as an excerpt: ask what happens to that.
    has_excerpt: bool,
}

pub async fn delete_confirm(
    State(state): State<WebState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let e = state.app.entry(&s.principal, super::path_id(&id)?).await?;
    if e.deleted_at.is_some() {
        return Ok(Redirect::to(&format!("/journal/{}", e.id)).into_response());
    }
    render(&DeletePage {
        layout: Layout::signed_in(&state, &s, "Delete entry", "journal"),
        id: e.id,
        when: e
            .occurred_at
            .to_zoned(s.principal.user.time_zone.clone())
            .strftime("%-d %B %Y, %H:%M")
            .to_string(),
        excerpt: e.content.excerpt(80),
        has_excerpt: state.app.excerpt_of(&s.principal, e.id).await?.is_some(),
    })
}

pub async fn delete(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    use between_app::excerpts::ExcerptOnDelete;
    let choice = match form.get("excerpt") {
        "keep" => Some(ExcerptOnDelete::Keep),
        "delete" => Some(ExcerptOnDelete::Delete),
        _ => None,
    };
    state
        .app
        .delete_entry_choosing(&s.principal, super::path_id(&id)?, choice)
        .await?;
    Ok(Redirect::to("/journal?notice=deleted").into_response())
}

pub async fn restore(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    let e = state
        .app
        .restore_entry(&s.principal, super::path_id(&id)?)
        .await?;
    Ok(Redirect::to(&format!("/journal/{}?notice=restored", e.id)).into_response())
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    query: String,
    searched: bool,
    /// Matching entries over every page.
    count: usize,
    /// This page's matching entries by day; excerpts are HTML with the
    /// matched words marked.
    days: Vec<DayView>,
    paging: Links,
    error: Option<String>,
    /// Matching questions: (text, answer), as marked HTML. First page only.
    questions: Vec<(String, Option<String>)>,
    /// Matching insights: (kind, text as marked HTML). First page only.
    insights: Vec<(&'static str, String)>,
}

#[derive(Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    before: Option<PageCursor>,
}

pub async fn search(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<SearchParams>,
) -> PageResult {
    let query = q.q.unwrap_or_default();
    let mut page = SearchPage {
        layout: Layout::signed_in(&state, &s, "Search", "search"),
        query: query.clone(),
        searched: false,
        count: 0,
        days: Vec::new(),
        paging: Links::default(),
        error: None,
        questions: Vec::new(),
        insights: Vec::new(),
    };
    let Some(words) = Words::parse(&query) else {
        return render(&page);
    };
    let found = state
        .app
        .search_entries(&s.principal, &query, usize::MAX)
        .await?;
    page.searched = true;
    page.count = found.len();
    let shown = paging::page(
        found,
        |e| PageCursor::of(e.occurred_at, e.id),
        q.before,
        paging::SIZE,
    );
    page.days = by_day_with(
        &shown.items,
        &s.principal.user.time_zone,
        |e| match snippet(&e.content, Some(&words), 160) {
            text if text.is_empty() => "(no text)".into(),
            text => marked(&text, Some(&words)),
        },
    );
    page.paging = Links::new(
        "results",
        "/journal/search",
        &[("q", &query)],
        "",
        q.before,
        &shown,
    );
    if q.before.is_none() {
        page.questions = state
            .app
            .search_questions(&s.principal, &query)
            .await?
            .into_iter()
            .map(|q| {
                (
                    marked(&q.data.text, Some(&words)),
                    q.data.answer.map(|a| marked(&a, Some(&words))),
                )
            })
            .collect();
        page.insights = state
            .app
            .search_insights(&s.principal, &query)
            .await?
            .into_iter()
            .map(|i| (i.data.kind.as_str(), marked(&i.data.text, Some(&words))))
            .collect();
    }
    render(&page)
}

/// Exposed for the sign-in page, which re-shows a draft after signing in.
pub fn render_draft(
    state: &WebState,
    s: &SignedIn,
    form: &EntryForm,
    action: &str,
) -> Result<Response, PageError> {
    let mut page = EntryFormPage::new(
        Layout::signed_in(state, s, "Your entry", "new"),
        action.to_string(),
        form,
    );
    page.form_error = Some(
        "You are signed in again. Your entry is below, not saved yet: check it and save.".into(),
    );
    render(&page)
}
