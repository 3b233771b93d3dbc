//! JSON shapes shared by the API and the CLI's `--json` output, and the
//! input shapes the API accepts. Times are RFC 3339 with the person's own
//! offset.

mod agenda;
mod appointment;
mod entry;
mod excerpt;
mod goal;
mod measure;
mod practice;
mod reminder;
mod review;
mod security_log;
mod session;
mod tracker;
mod warning_sign;

pub use agenda::{agenda_json, changes_json};
pub use appointment::{AppointmentInput, AppointmentJson};
pub use entry::{EntryInput, EntryJson, FeelingInput};
pub use excerpt::{excerpt_json, ExcerptInput};
pub use goal::{CheckInInput, CheckInJson, GoalInput, GoalJson};
pub use measure::{small_answers, MeasureInput, MeasureJson};
pub use practice::{assignment_json, stats_json, LogInput, LogJson, PracticeInput, PracticeJson};
pub use reminder::{ChannelInput, ChannelJson, ReminderInput, ReminderJson};
pub use review::{review_json, saved_review_json};
pub use security_log::security_log_json;
pub use session::{
    FeedbackInput, FeedbackJson, InsightInput, InsightJson, QuestionInput, QuestionJson,
};
pub use tracker::{CheckInBody, ReadingJson, TrackerInput, TrackerJson};
pub use warning_sign::{told, warning_sign_json, WarningSignInput};

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// RFC 3339 with the offset of `tz` at that instant.
pub fn rfc3339(t: Timestamp, tz: &TimeZone) -> String {
    let offset = tz.to_offset(t);
    t.display_with_offset(offset).to_string()
}

/// RFC 7396 JSON Merge Patch: objects merge recursively, `null` removes,
/// anything else replaces.
pub fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    use serde_json::Value;
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(target_map) = target {
        for (key, value) in patch_map {
            if value.is_null() {
                target_map.remove(key);
            } else {
                merge_patch(target_map.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut doc, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}}));
        let mut doc = json!({"tags": ["a", "b"]});
        merge_patch(&mut doc, &json!({"tags": ["c"]}));
        assert_eq!(doc, json!({"tags": ["c"]}), "arrays are replaced whole");
    }

    #[test]
    fn times_carry_the_persons_offset() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let t: Timestamp = "2026-07-01T12:00:00Z".parse().unwrap();
        assert_eq!(rfc3339(t, &tz), "2026-07-01T08:00:00-04:00");
    }
}
