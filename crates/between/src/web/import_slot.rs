//! An import slot for an upload, taken before its body is read: axum runs
//! the extractors that read request parts before the one that reads the
//! body, so an upload that finds every slot taken answers 503 (try again in
//! a minute) without its body ever being held in memory.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use between_app::import::ImportSlot;

use super::api::ApiError;
use super::errors::PageError;
use super::WebState;

/// A free import slot, held until the handler returns.
pub struct Slot(pub ImportSlot);

/// Every import slot is taken.
#[derive(Debug)]
pub struct Busy;

const BUSY: &str =
    "Another import is running on this server. Nothing was imported; try again in a minute.";

impl FromRequestParts<WebState> for Slot {
    type Rejection = Busy;

    async fn from_request_parts(_: &mut Parts, state: &WebState) -> Result<Self, Busy> {
        state.app.try_import_slot().map(Slot).ok_or(Busy)
    }
}

/// On its own, a busy slot answers as a page; the API maps it to its own
/// error shape (`ApiError::from`).
impl axum::response::IntoResponse for Busy {
    fn into_response(self) -> axum::response::Response {
        PageError::from(self).into_response()
    }
}

impl From<Busy> for ApiError {
    fn from(_: Busy) -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            crate::web::api::ErrorCode::Busy,
            BUSY,
        )
    }
}

impl From<Busy> for PageError {
    fn from(_: Busy) -> Self {
        PageError::Unavailable(BUSY.into())
    }
}
