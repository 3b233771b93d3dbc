//! The JSON shape of an agenda, shared by `between prep --json` and
//! `/api/v1/agenda`.

use between_app::agenda_saved::Agenda;
use between_domain::agenda_plan::Changes;
use jiff::tz::TimeZone;
use serde_json::{json, Value};

use super::rfc3339;

pub fn agenda_json(agenda: &Agenda, tz: &TimeZone) -> Value {
    let fit = agenda.fits();
    let items: Vec<Value> = agenda
        .plan
        .points
        .iter()
        .zip(&fit)
        .enumerate()
        .map(|(n, (x, f))| {
            json!({
                "position": n + 1,
                "id": x.item.key,
                "section": x.item.section.as_str(),
                "text": x.item.text,
                "top": x.top,
                "fits": f,
                "discussed": x.discussed,
                "carried_over": x.carried,
                "minutes": x.item.minutes,
                "evidence": x.item.evidence,
            })
        })
        .collect();
    json!({
        "appointment_id": agenda.appointment.map(|(id, _)| id),
        "appointment_at": agenda.appointment.map(|(_, at)| rfc3339(at, tz)),
        "since": agenda.since.map(|s| rfc3339(s, tz)),
        "saved": agenda.saved(),
        "saved_at": agenda.saved_at.map(|s| rfc3339(s, tz)),
        "session_minutes": agenda.minutes,
        "items": items,
    })
}

/// What a refresh would change: `added`, `reworded` ({id, before, now})
/// and `gone`.
pub fn changes_json(c: &Changes) -> Value {
    let item = |x: &between_domain::agenda::Item| json!({"id": x.key, "section": x.section.as_str(), "text": x.text});
    json!({
        "added": c.added.iter().map(item).collect::<Vec<_>>(),
        "reworded": c.reworded.iter().map(|(a, b)| json!({"id": b.key, "before": a.text, "now": b.text})).collect::<Vec<_>>(),
        "gone": c.gone.iter().map(item).collect::<Vec<_>>(),
    })
}
