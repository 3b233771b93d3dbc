//! `/private-links`: agendas and saved reviews sent as links that expire.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::private_links::{LinkKind, DEFAULT_VALID_FOR};
use between_app::AppError;
use serde::Deserialize;
use serde_json::{json, Value};

use super::body::ApiJson;
use super::input::path_id;
use super::path::ApiPath;
use super::{ApiError, ApiPrincipal};
use crate::web::WebState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLink {
    kind: String,
    /// The appointment (agenda; default the next) or the saved review.
    #[serde(default)]
    id: Option<String>,
    /// `48h`, `7d`, `2w`; default 7 days.
    #[serde(default)]
    expires: Option<String>,
    #[serde(default)]
    max_views: Option<u32>,
}

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let tz = &p.user.time_zone;
    let list: Vec<Value> = state
        .app
        .private_links(&p)
        .await?
        .iter()
        .map(|l| crate::private_link_doc::json(l, tz))
        .collect();
    Ok(Json(json!({ "private_links": list })).into_response())
}

pub async fn create(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(input): ApiJson<NewLink>,
) -> Result<Response, ApiError> {
    let kind = LinkKind::parse(&input.kind)
        .ok_or_else(|| AppError::invalid("kind", "Send an agenda or a review."))?;
    let valid_for = match input.expires.as_deref() {
        None => DEFAULT_VALID_FOR,
        Some(given) => between_domain::share::parse_length(given)
            .map_err(|message| AppError::invalid("expires", message))?,
    };
    let id = input.id.as_deref().map(|s| path_id(s, "id")).transpose()?;
    let (link, url) = crate::private_link_doc::create(
        &state.app,
        &p,
        kind,
        id,
        valid_for,
        input.max_views,
        &state.settings.public_url,
    )
    .await?;
    let mut body = crate::private_link_doc::json(&link, &p.user.time_zone);
    body["url"] = json!(url);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub async fn revoke(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    state
        .app
        .revoke_private_link(&p, path_id(&id, "private link")?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
