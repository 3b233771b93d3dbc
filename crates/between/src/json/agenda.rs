//! The JSON shape of a drafted agenda, shared by `between prep --json` and
//! `/api/v1/agenda`.

use between_app::agenda::Draft;
use between_domain::agenda::fits;
use jiff::tz::TimeZone;
use serde_json::{json, Value};

use super::rfc3339;

/// Minutes a session has for the agenda.
pub const SESSION_MINUTES: u32 = 50;

pub fn agenda_json(draft: &Draft, tz: &TimeZone) -> Value {
    let fit = fits(&draft.items, &[], SESSION_MINUTES);
    let items: Vec<Value> = draft
        .items
        .iter()
        .zip(&fit)
        .map(|(i, f)| {
            json!({
                "id": i.key,
                "section": i.section.as_str(),
                "text": i.text,
                "top": false,
                "fits": f,
                "discussed": false,
                "evidence": i.evidence,
            })
        })
        .collect();
    json!({
        "appointment_id": draft.next_appointment.map(|(id, _)| id),
        "appointment_at": draft.next_appointment.map(|(_, at)| rfc3339(at, tz)),
        "since": draft.since.map(|s| rfc3339(s, tz)),
        "saved": false,
        "items": items,
    })
}
