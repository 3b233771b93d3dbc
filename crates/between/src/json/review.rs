//! The JSON shapes of progress reviews, shared by `between review --json`
//! and `/api/v1/review(s)`.

use between_app::reviews::ReviewWithPrevious;
use between_domain::review::Review;
use jiff::tz::TimeZone;
use serde_json::{json, Value};

use super::rfc3339;

/// A review of a period: its figures, section by section.
pub fn review_json(r: &Review) -> Value {
    serde_json::to_value(r).unwrap_or(Value::Null)
}

/// A saved review: `{id, saved_at, review, reflections, previous_id, comparison}`.
pub fn saved_review_json(shown: &ReviewWithPrevious, tz: &TimeZone) -> Value {
    let s = &shown.saved;
    json!({
        "id": s.id,
        "saved_at": rfc3339(s.data.saved_at, tz),
        "review": review_json(&s.data.review),
        "reflections": s.data.reflections,
        "previous_id": shown.previous.as_ref().map(|p| p.id),
        "comparison": shown.comparison,
    })
}
