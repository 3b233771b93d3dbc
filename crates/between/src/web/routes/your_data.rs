//! Your data: download everything as one archive, and delete the account
//! for good (after being offered the download, with the name typed again).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect};
use between_app::AppError;

use super::account::with_cookie;
use crate::web::auth::{clear_session_cookie, SignedIn};
use crate::web::csrf;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::FormData;
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "delete_account.html")]
struct DeletePage {
    layout: Layout,
    name: String,
    error: Option<String>,
}

/// The archive as a download (never cached).
pub async fn export(State(state): State<WebState>, s: SignedIn) -> PageResult {
    let archive = state.app.export_archive(&s.principal).await?;
    let body =
        serde_json::to_vec_pretty(&archive).map_err(|e| PageError::Internal(e.to_string()))?;
    let name = format!(
        "attachment; filename=\"between-{}-{}.json\"",
        s.principal.user.name,
        archive.exported_at.strftime("%Y-%m-%d")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

pub async fn delete_form(State(state): State<WebState>, s: SignedIn) -> PageResult {
    render(&DeletePage {
        layout: Layout::signed_in(&state, &s, "Delete my account", "settings"),
        name: s.principal.user.name.clone(),
        error: None,
    })
}

pub async fn delete(State(state): State<WebState>, s: SignedIn, body: Bytes) -> PageResult {
    let form = FormData::parse(&body);
    csrf::require(&s, &form)?;
    match state
        .app
        .delete_account(&s.principal, form.get("confirm"))
        .await
    {
        Ok(()) => Ok(with_cookie(
            Redirect::to("/signin?notice=deleted").into_response(),
            Some(clear_session_cookie(state.settings.secure_cookies)),
        )),
        Err(AppError::Invalid(e)) => {
            let page = DeletePage {
                layout: Layout::signed_in(&state, &s, "Delete my account", "settings"),
                name: s.principal.user.name.clone(),
                error: Some(e.to_string()),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}
