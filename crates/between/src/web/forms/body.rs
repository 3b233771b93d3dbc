//! Reading a page form's body within the route's size limit: url-encoded
//! fields, or a multipart form whose text parts are checked like url-encoded
//! fields and whose file parts are kept as bytes for the code that reads
//! files (imports check those themselves).

use axum::body::Bytes;
use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use between_domain::storable::{check_bytes, check_text, field_label};

use super::data::FormData;
use crate::web::errors::PageError;
use crate::web::WebState;

/// The checked fields of a request's body, or the response refusing it: a
/// 400 page naming a field that holds text no backend may store, 413 for a
/// body over the limit.
pub(super) async fn read(request: Request, state: &WebState) -> Result<FormData, Response> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        let form = Multipart::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        return read_multipart(form).await;
    }
    let body = Bytes::from_request(request, state)
        .await
        .map_err(IntoResponse::into_response)?;
    FormData::parse(&body).map_err(|e| bad_text(e.to_string()))
}

async fn read_multipart(mut multipart: Multipart) -> Result<FormData, Response> {
    let mut form = FormData::default();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or("").to_string();
        check_text(&field_label(&name), &name).map_err(|e| bad_text(e.to_string()))?;
        let is_file = field.file_name().is_some();
        let bytes = field.bytes().await.map_err(unreadable)?;
        if is_file {
            form.push_file(name, bytes);
        } else {
            let value = check_bytes(&name, &bytes)
                .map_err(|e| bad_text(e.to_string()))?
                .to_string();
            form.push(name, value);
        }
    }
    Ok(form)
}

/// A multipart body that could not be read (malformed, or over the limit:
/// the status says which).
fn unreadable(e: MultipartError) -> Response {
    let mut response = PageError::BadRequest(format!(
        "Nothing was done: the form could not be read ({}).",
        e.body_text()
    ))
    .into_response();
    *response.status_mut() = e.status();
    response
}

pub(super) fn bad_text(message: String) -> Response {
    PageError::BadRequest(format!("Nothing was done. {message}")).into_response()
}
