//! The app layer's error type: every failure is either the caller's input
//! (shown to people as is), an authorisation failure, or a system failure.

use between_domain::timespec::TimeError;
use between_domain::ValidationErrors;
use between_store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    /// Input that breaks a rule; says which field and why.
    #[error("{0}")]
    Invalid(#[from] ValidationErrors),
    /// Unknown id, or one that belongs to someone else (indistinguishable on purpose).
    #[error("{0} was not found.")]
    NotFound(String),
    /// Missing, wrong, expired or revoked credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but this credential may not do this (e.g. a write-only token reading).
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed sign-in attempts.
    #[error("Too many failed attempts. Try again in {minutes} minutes.")]
    Throttled { minutes: u64 },
    /// Something that existed and is closed now (an expired private link).
    #[error("{0}")]
    Gone(String),
    /// The input clashes with what is stored (e.g. a taken name).
    #[error("{0}")]
    Conflict(String),
    #[error("storage failed: {0}")]
    Store(StoreError),
    /// Stored data that cannot be decrypted or decoded.
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
}

impl AppError {
    /// True when the problem lies in what the caller sent, not in the system.
    pub fn is_input_error(&self) -> bool {
        !matches!(self, AppError::Store(_) | AppError::Corrupt(_))
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid(ValidationErrors::single(field, message))
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(message) => AppError::Conflict(message),
            other => AppError::Store(other),
        }
    }
}

impl From<TimeError> for AppError {
    fn from(err: TimeError) -> Self {
        AppError::invalid("time", err.to_string())
    }
}
