//! Private links on the web: sending an agenda or a saved review as a link
//! that expires, the page the link opens (no account needed), and revoking.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect};
use between_app::private_links::{LinkKind, DEFAULT_VALID_FOR};
use between_app::AppError;
use between_domain::snapshot::Snapshot;

use crate::web::auth::SignedIn;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{AnonCsrf, AnonForm, Checked, FormData, SignedForm};
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "private_link_created.html")]
struct CreatedPage {
    layout: Layout,
    url: String,
    what: &'static str,
    expires: String,
    max_views: Option<u32>,
}

#[derive(Template)]
#[template(path = "private_link.html")]
struct OpenedPage {
    layout: Layout,
    snapshot: Snapshot,
    expires: String,
    views_left: Option<u32>,
}

#[derive(Template)]
#[template(path = "private_link_open.html")]
struct OpenFirstPage {
    layout: Layout,
    csrf: String,
    what: &'static str,
    expires: String,
    views_left: Option<u32>,
}

#[derive(Template)]
#[template(path = "private_link_gone.html")]
struct GonePage {
    layout: Layout,
    message: String,
}

/// `expires` ("7d", "48h"; default 7 days) and `max_views` (blank: no limit).
fn options(form: &FormData) -> Result<(jiff::SignedDuration, Option<u32>), PageError> {
    let valid_for = match form.get("expires").trim() {
        "" => DEFAULT_VALID_FOR,
        given => between_domain::share::parse_length(given).map_err(PageError::BadRequest)?,
    };
    let max_views = match form.get("max_views").trim() {
        "" => None,
        given => Some(given.parse::<u32>().map_err(|_| {
            PageError::BadRequest(format!("\"{given}\" is not a number of views."))
        })?),
    };
    Ok((valid_for, max_views))
}

async fn create(
    state: &WebState,
    s: &SignedIn,
    kind: LinkKind,
    id: Option<uuid::Uuid>,
    form: &FormData,
) -> PageResult {
    let (valid_for, max_views) = options(form)?;
    let (link, url) = crate::private_link_doc::create(
        &state.app,
        &s.principal,
        kind,
        id,
        valid_for,
        max_views,
        &state.settings.public_url,
    )
    .await?;
    let tz = &s.principal.user.time_zone;
    render(&CreatedPage {
        layout: Layout::signed_in(state, s, "Private link", "home"),
        url,
        what: match kind {
            LinkKind::Agenda => "agenda",
            LinkKind::Review => "review",
        },
        expires: link
            .expires_at
            .to_zoned(tz.clone())
            .strftime("%-d %B %Y at %H:%M")
            .to_string(),
        max_views: link.max_views,
    })
}

/// `POST /agenda/link`: the agenda (`appointment`, blank for the next one).
pub async fn create_for_agenda(
    State(state): State<WebState>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let id = match form.get("appointment").trim() {
        "" => None,
        given => Some(super::path_id(given)?),
    };
    create(&state, &s, LinkKind::Agenda, id, &form).await
}

/// `POST /reviews/{id}/link`: a saved review.
pub async fn create_for_review(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let id = super::path_id(&id)?;
    create(&state, &s, LinkKind::Review, Some(id), &form).await
}

/// `GET /s/{secret}`: what the link is and an "Open" button; nothing of
/// its content, and no view counted (link previews and mail scanners only
/// fetch this).
pub async fn first(
    State(state): State<WebState>,
    Path(secret): Path<String>,
    token: AnonCsrf,
) -> PageResult {
    let peek = match state.app.peek_private_link(&secret).await {
        Ok(peek) => peek,
        Err(err) => return closed(&state, err),
    };
    let page = OpenFirstPage {
        layout: Layout::new(&state, "A private link", ""),
        csrf: token.token.clone(),
        what: match peek.kind {
            LinkKind::Agenda => "an agenda for a therapy session",
            LinkKind::Review => "a progress review",
        },
        expires: peek.expires_at.strftime("%-d %B %Y, %H:%M UTC").to_string(),
        views_left: peek.views_left,
    };
    let mut response = with_robots(render(&page)?);
    if let Some(cookie) = token.set_cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// `POST /s/{secret}`: opens the link, counting the view.
pub async fn open(
    State(state): State<WebState>,
    Path(secret): Path<String>,
    AnonForm { form, .. }: AnonForm,
) -> PageResult {
    if let Checked::Stale(_) = form {
        return Err(PageError::BadRequest(
            "This button was on a page that was open for a long time, so the link was not opened. Go back, reload the page and try again.".into(),
        ));
    }
    let layout = |title: &str| Layout::new(&state, title.to_string(), "");
    match state.app.open_private_link(&secret).await {
        Ok(opened) => {
            let page = OpenedPage {
                layout: layout(&opened.snapshot.title),
                expires: opened
                    .expires_at
                    .strftime("%-d %B %Y, %H:%M UTC")
                    .to_string(),
                views_left: opened.views_left,
                snapshot: opened.snapshot,
            };
            Ok(with_robots(render(&page)?))
        }
        Err(err) => closed(&state, err),
    }
}

fn with_robots(page: axum::response::Response) -> axum::response::Response {
    (
        [(
            header::HeaderName::from_static("x-robots-tag"),
            "noindex, nofollow",
        )],
        page,
    )
        .into_response()
}

/// What an unknown (404) or closed (410) link answers.
fn closed(state: &WebState, err: AppError) -> PageResult {
    match err {
        AppError::NotFound(_) => Err(PageError::NotFound),
        AppError::Gone(message) => Ok((
            StatusCode::GONE,
            render(&GonePage {
                layout: Layout::new(state, "Link closed", ""),
                message,
            })?,
        )
            .into_response()),
        err => Err(err.into()),
    }
}

/// `POST /sharing/links/{id}/revoke`.
pub async fn revoke(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    state
        .app
        .revoke_private_link(&s.principal, super::path_id(&id)?)
        .await?;
    Ok(Redirect::to("/sharing#private-links").into_response())
}
