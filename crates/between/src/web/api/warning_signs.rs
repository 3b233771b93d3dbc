//! `/api/v1/warning-signs`: the person's warning signs — step 1 of their
//! safety plan as rules over their own data — with what matches now and
//! when each last matched; add one, read one, delete one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_domain::warning_sign::WarningSign;
use serde_json::json;

use super::body::ApiJson;
use super::input::path_id;
use super::path::ApiPath;
use super::{ApiError, ApiPrincipal};
use crate::json::{warning_sign_json, WarningSignInput};
use crate::web::WebState;

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Response, ApiError> {
    let links = state.app.client_links(&p).await?;
    let all: Vec<_> = state
        .app
        .warning_signs(&p)
        .await?
        .iter()
        .map(|v| warning_sign_json(v, &links))
        .collect();
    Ok(Json(json!({ "warning_signs": all })).into_response())
}

pub async fn show(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, "warning sign")?;
    let links = state.app.client_links(&p).await?;
    let v = state
        .app
        .warning_signs(&p)
        .await?
        .into_iter()
        .find(|v| v.sign.id == id)
        .ok_or_else(|| {
            ApiError::from(between_app::AppError::NotFound(format!(
                "The warning sign {id}"
            )))
        })?;
    Ok(Json(warning_sign_json(&v, &links)).into_response())
}

pub async fn create(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(input): ApiJson<WarningSignInput>,
) -> Result<Response, ApiError> {
    let links = state.app.client_links(&p).await?;
    let tell = state.app.links_named(&p, &input.tell).await?;
    let sign = WarningSign {
        name: input.name.clone(),
        rule: input.rule()?,
        tell,
    };
    let stored = state.app.add_warning_sign(&p, sign).await?;
    let v = state
        .app
        .warning_signs(&p)
        .await?
        .into_iter()
        .find(|v| v.sign.id == stored.id)
        .ok_or_else(|| {
            ApiError::from(between_app::AppError::Corrupt(
                "a warning sign just added is missing".into(),
            ))
        })?;
    Ok((StatusCode::CREATED, Json(warning_sign_json(&v, &links))).into_response())
}

pub async fn delete(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    state
        .app
        .delete_warning_sign(&p, path_id(&id, "warning sign")?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
