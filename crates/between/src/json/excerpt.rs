//! An excerpt in JSON: what was shared of a private entry, for the person
//! (`/entries/{id}/excerpt`) and for their therapist (the journal scope).

use between_app::excerpts::SharedExcerpt;
use between_domain::excerpt::{Excerpt, ExcerptKind};
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde_json::{json, Value};

use super::rfc3339;

/// An excerpt of entry `entry_id` written at `at`.
pub fn excerpt_json(x: &SharedExcerpt, tz: &TimeZone) -> Value {
    json!({
        "kind": "excerpt",
        "entry_id": x.entry_id,
        "at": rfc3339(x.at, tz),
        "text": x.excerpt.text,
        "excerpt": x.excerpt.kind.as_str(),
    })
}

/// `POST /entries/{id}/excerpt`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcerptInput {
    pub text: String,
    /// "part" (default) or "summary".
    #[serde(default)]
    pub kind: Option<String>,
}

impl ExcerptInput {
    pub fn excerpt(self) -> Result<Excerpt, between_app::AppError> {
        let kind = match self.kind.as_deref() {
            None => ExcerptKind::Part,
            Some(k) => ExcerptKind::parse(k).ok_or_else(|| {
                between_app::AppError::invalid("kind", "Say \"part\" or \"summary\".")
            })?,
        };
        Ok(Excerpt {
            text: self.text,
            kind,
        })
    }
}
