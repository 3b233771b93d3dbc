//! `/api/v1/insights`: record, list (`?q=` searches), read, replace
//! fields, delete.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::insights::LinkTo;
use between_domain::insight::{Insight, InsightKind};
use serde::Deserialize;
use serde_json::json;

use super::body::{ApiJson, MergePatch};
use super::input::{merged, path_id};
use super::path::ApiPath;
use super::query::ApiQuery;
use super::{ApiError, ApiPrincipal};
use crate::json::{InsightInput, InsightJson};
use crate::web::WebState;

type ApiResult = Result<Response, ApiError>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    q: Option<String>,
}

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult {
    let all = match q.q.as_deref() {
        Some(query) => state.app.search_insights(&p, query).await?,
        None => state.app.insights(&p).await?,
    };
    let list: Vec<InsightJson> = all
        .iter()
        .map(|i| InsightJson::new(i, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "insights": list })).into_response())
}

pub async fn create(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(input): ApiJson<InsightInput>,
) -> ApiResult {
    let kind = InsightKind::parse(input.kind.as_deref().unwrap_or("insight"))
        .map_err(ApiError::invalid)?;
    let link = input
        .appointment_id
        .map_or(LinkTo::None, LinkTo::Appointment);
    let i = state
        .app
        .add_insight(&p, &input.text, kind, link, input.tags)
        .await?;
    let location = format!("/api/v1/insights/{}", i.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(InsightJson::new(&i, &p.user.time_zone)),
    )
        .into_response())
}

pub async fn show(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let i = state.app.insight(&p, path_id(&id, "insight")?).await?;
    Ok(Json(InsightJson::new(&i, &p.user.time_zone)).into_response())
}

pub async fn patch(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(patch): ApiJson<MergePatch>,
) -> ApiResult {
    let id = path_id(&id, "insight")?;
    let current = state.app.insight(&p, id).await?;
    let base = InsightInput {
        text: current.data.text.clone(),
        kind: Some(current.data.kind.as_str().into()),
        appointment_id: current.data.appointment_id,
        tags: current.data.tags.clone(),
    };
    let input: InsightInput = merged(&base, &patch)?;
    let kind = InsightKind::parse(input.kind.as_deref().unwrap_or("insight"))
        .map_err(ApiError::invalid)?;
    let insight = Insight {
        text: input.text,
        kind,
        appointment_id: input.appointment_id,
        tags: input.tags,
    };
    let i = state.app.edit_insight(&p, id, insight).await?;
    Ok(Json(InsightJson::new(&i, &p.user.time_zone)).into_response())
}

pub async fn delete(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    state
        .app
        .delete_insight(&p, path_id(&id, "insight")?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
