//! Accepting a client's invitation to link, from the link they sent.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use serde::Deserialize;

use crate::web::auth::SignedIn;
use crate::web::csrf;
use crate::web::errors::{render, PageResult};
use crate::web::forms::FormData;
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "share_accept.html")]
struct AcceptPage {
    layout: Layout,
    code: String,
    linked: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Params {
    code: Option<String>,
}

pub async fn accept_form(
    State(state): State<WebState>,
    s: SignedIn,
    Query(params): Query<Params>,
) -> PageResult {
    render(&AcceptPage {
        layout: Layout::signed_in(&state, &s, "Link with a client", "home"),
        code: params.code.unwrap_or_default(),
        linked: None,
        error: None,
    })
}

pub async fn accept(State(state): State<WebState>, s: SignedIn, body: Bytes) -> PageResult {
    let form = FormData::parse(&body);
    csrf::require(&s, &form)?;
    let code = form.get("code").trim().to_string();
    let (linked, error) = match state.app.accept_share_invite(&s.principal, &code).await {
        Ok(link) => (Some(link.client), None),
        Err(e) if e.is_input_error() => (None, Some(e.to_string())),
        Err(e) => return Err(e.into()),
    };
    let page = AcceptPage {
        layout: Layout::signed_in(&state, &s, "Link with a client", "home"),
        code,
        linked,
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}
