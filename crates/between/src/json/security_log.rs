//! A line of the security log in JSON, for `between security-log --json`
//! and `GET /api/v1/security-log`.

use between_app::security_log::SecurityLogLine;
use jiff::tz::TimeZone;
use serde_json::{json, Value};

use super::rfc3339;

pub fn security_log_json(l: &SecurityLogLine, tz: &TimeZone) -> Value {
    json!({
        "id": l.id,
        "kind": l.kind,
        "at": rfc3339(l.at, tz),
        "sentence": l.sentence(),
        "details": l.details,
    })
}
