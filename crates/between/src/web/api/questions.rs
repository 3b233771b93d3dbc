//! `/api/v1/questions`: capture, list (`?status=open|answered`), answer
//! (PATCH with `answer` and `appointment_id`), search, delete.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use between_app::AppError;
use serde::Deserialize;
use serde_json::json;

use super::body::ApiJson;
use super::input::{bad_parameter, path_id};
use super::path::ApiPath;
use super::query::ApiQuery;
use super::{ApiError, ApiPrincipal};
use crate::json::{QuestionInput, QuestionJson};
use crate::web::WebState;

type ApiResult = Result<Response, ApiError>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    status: Option<String>,
    q: Option<String>,
}

pub async fn list(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult {
    let all = match q.q.as_deref() {
        Some(query) => state.app.search_questions(&p, query).await?,
        None => state.app.questions(&p).await?,
    };
    let wanted = match q.status.as_deref() {
        None => None,
        Some("open") => Some(true),
        Some("answered") => Some(false),
        Some(other) => {
            return Err(bad_parameter(
                "status",
                format!(
                    "{} is not a status: use open or answered.",
                    between_domain::echo::quote(other)
                ),
            ))
        }
    };
    let list: Vec<QuestionJson> = all
        .iter()
        .filter(|x| wanted.is_none_or(|open| x.data.is_open() == open))
        .map(|x| QuestionJson::new(x, &p.user.time_zone))
        .collect();
    Ok(Json(json!({ "questions": list })).into_response())
}

pub async fn create(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(input): ApiJson<QuestionInput>,
) -> ApiResult {
    if input.answer.is_some() || input.appointment_id.is_some() {
        return Err(AppError::invalid(
            "answer",
            "Add the question first, then answer it with PATCH.",
        )
        .into());
    }
    let q = state
        .app
        .add_question(&p, input.text.as_deref().unwrap_or(""))
        .await?;
    let location = format!("/api/v1/questions/{}", q.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(QuestionJson::new(&q, &p.user.time_zone)),
    )
        .into_response())
}

pub async fn show(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let q = state.app.question(&p, path_id(&id, "question")?).await?;
    Ok(Json(QuestionJson::new(&q, &p.user.time_zone)).into_response())
}

/// Changes the text, or records the answer (with the appointment).
pub async fn patch(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<QuestionInput>,
) -> ApiResult {
    let id = path_id(&id, "question")?;
    if input.appointment_id.is_some() && input.answer.is_none() {
        return Err(AppError::invalid(
            "appointment_id",
            "An appointment is recorded together with the answer.",
        )
        .into());
    }
    let q = state
        .app
        .update_question(
            &p,
            id,
            input.text.as_deref(),
            input.answer.as_deref(),
            input.appointment_id,
        )
        .await?;
    Ok(Json(QuestionJson::new(&q, &p.user.time_zone)).into_response())
}

pub async fn delete(
    State(state): State<WebState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    state
        .app
        .delete_question(&p, path_id(&id, "question")?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
