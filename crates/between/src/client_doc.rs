//! What a linked client shares, as lines for people and as JSON, one
//! scope at a time: shared by `between client NAME` and the therapist's
//! client page.

use between_app::agenda_share::SharedAgenda;
use between_app::sharing::ClientData;
use jiff::tz::TimeZone;
use serde_json::{json, Value};

use crate::json::rfc3339;

/// One line and one JSON object per shared item.
pub fn lines_and_json(data: &ClientData, tz: &TimeZone) -> (Vec<String>, Vec<Value>) {
    let day = |t: jiff::Timestamp| t.to_zoned(tz.clone()).strftime("%-d %b %Y").to_string();
    let tz = tz.clone();
    match data {
        ClientData::Measures(list) => list
            .iter()
            .map(|m| {
                (
                    format!(
                        "{}  {} {} ({})",
                        day(m.response.occurred_at),
                        m.response.data.instrument.name(),
                        m.scored.total,
                        m.scored.severity.label()
                    ),
                    json!({
                        "instrument": m.response.data.instrument.as_str(),
                        "taken_at": rfc3339(m.response.occurred_at, &tz),
                        "total": m.scored.total,
                        "severity": m.scored.severity.label(),
                        "change": m.change.map(|c| c.as_str()),
                    }),
                )
            })
            .unzip(),
        ClientData::Goals(list) => list
            .iter()
            .map(|g| {
                (
                    format!("{} ({} check-ins)", g.goal.data.title, g.check_ins.len()),
                    json!({"title": g.goal.data.title, "check_ins": g.check_ins.len(), "progress": g.progress}),
                )
            })
            .unzip(),
        ClientData::Practice(list) => list
            .iter()
            .map(|v| {
                let share = v
                    .stats
                    .adherence
                    .map(|a| format!("{:.0}%", a * 100.0))
                    .unwrap_or_else(|| "—".into());
                (
                    format!("{}: done {} of {} ({share})", v.practice.data.title, v.stats.done, v.stats.scheduled),
                    json!({"title": v.practice.data.title, "done": v.stats.done, "scheduled": v.stats.scheduled, "adherence": v.stats.adherence}),
                )
            })
            .unzip(),
        ClientData::Insights(list) => list
            .iter()
            .map(|i| (format!("{}  {}", day(i.occurred_at), i.data.text), json!({"text": i.data.text, "at": rfc3339(i.occurred_at, &tz)})))
            .unzip(),
        ClientData::Feedback(list) => list
            .iter()
            .map(|r| {
                (
                    format!("{}  total {}{}", day(r.feedback.occurred_at), r.feedback.data.total(), if r.low { " (low)" } else { "" }),
                    json!({"at": rfc3339(r.feedback.occurred_at, &tz), "total": r.feedback.data.total(), "low": r.low, "falling": r.falling}),
                )
            })
            .unzip(),
        ClientData::Journal(list, excerpts) => {
            // Newest first, entries and excerpts together.
            let mut all: Vec<(jiff::Timestamp, String, Value)> = list
                .iter()
                .map(|e| (e.occurred_at, format!("{}  {}", day(e.occurred_at), e.content.text.lines().next().unwrap_or("")), json!({"at": rfc3339(e.occurred_at, &tz), "text": e.content.text})))
                .collect();
            all.extend(excerpts.iter().map(|x| {
                (
                    x.at,
                    format!(
                        "{}  ({} of an entry) {}",
                        day(x.at),
                        x.excerpt.kind.label(),
                        x.excerpt.text.lines().next().unwrap_or("")
                    ),
                    json!({"at": rfc3339(x.at, &tz), "text": x.excerpt.text, "excerpt": x.excerpt.kind.as_str()}),
                )
            }));
            all.sort_by_key(|(at, _, _)| std::cmp::Reverse(*at));
            all.into_iter().map(|(_, line, v)| (line, v)).unzip()
        }
        ClientData::Agenda(a) => agenda_lines_and_json(a, &tz),
    }
}

/// Said after an item from before items between client and therapist
/// were authenticated (anyone who knew the reader's public key could have
/// written it).
pub const NOT_VERIFIED: &str = " (not verified)";

/// Said of an agenda snapshot from before, until the client's app
/// publishes the next one.
pub const NOT_VERIFIED_SNAPSHOT: &str =
    "Not verified: this copy was made before agendas were sealed so that you can tell your client's app wrote it; the next one will be.";

/// A shared agenda: its points under their headings, then what the
/// therapist added. JSON items are `{"kind": "point", ...}` or
/// `{"kind": "comment" | "therapist_point", ...}`.
pub fn agenda_lines_and_json(a: &SharedAgenda, tz: &TimeZone) -> (Vec<String>, Vec<Value>) {
    let mut lines = Vec::new();
    let mut items = Vec::new();
    let Some(snapshot) = &a.snapshot else {
        lines.push(format!(
            "No agenda to show yet: it appears when {} next opens their agenda for a session with you.",
            a.client
        ));
        return (lines, items);
    };
    lines.push(snapshot.title.clone());
    lines.push(snapshot.subtitle.clone());
    if let Some(at) = a.made_at {
        lines.push(format!(
            "As of {}.",
            at.to_zoned(tz.clone()).strftime("%-d %B %Y, %H:%M")
        ));
    }
    if !a.verified {
        lines.push(NOT_VERIFIED_SNAPSHOT.into());
    }
    for section in &snapshot.sections {
        for l in &section.lines {
            lines.push(format!(
                "{}: {}{}",
                section.heading,
                if l.top { "★ " } else { "" },
                l.text
            ));
            items.push(json!({
                "kind": "point",
                "section": section.heading,
                "text": l.text,
                "top": l.top,
                "key": l.key,
            }));
        }
    }
    if snapshot.sections.is_empty() {
        lines.push("Nothing on it from what is shared with you.".into());
    }
    for n in &a.notes {
        let kind = if n.note.point {
            "therapist_point"
        } else {
            "comment"
        };
        lines.push(format!(
            "{}{}: {}",
            if n.note.point {
                "Your point"
            } else {
                "Your comment"
            },
            if n.verified { "" } else { NOT_VERIFIED },
            n.note.text
        ));
        items.push(json!({
            "kind": kind,
            "id": n.id,
            "text": n.note.text,
            "on": n.note.on,
            "at": rfc3339(n.at, tz),
            "verified": n.verified,
        }));
    }
    (lines, items)
}

/// A linked client at a glance, in words ("—" for what is not shared):
/// one shape for the therapist's dashboard, `between clients` and the API.
#[derive(Debug, Clone)]
pub struct SummaryText {
    pub client_id: uuid::Uuid,
    pub name: String,
    pub next: String,
    pub measures: String,
    pub adherence: String,
    pub flags: Vec<String>,
    /// "as of Tue 1 Dec, 09:30" when the figures are more than a day old
    /// (the client's app made them when it was last used); empty otherwise.
    pub as_of: String,
}

impl SummaryText {
    pub fn of(
        c: &between_app::sharing::ClientSummary,
        tz: &TimeZone,
        now: jiff::Timestamp,
    ) -> SummaryText {
        let dash = |t: Option<String>| t.unwrap_or_else(|| "—".to_string());
        let name = &c.link.client;
        let mut flags = Vec::new();
        if c.safety_flag == Some(true) {
            flags.push(format!(
                "{name} answered the PHQ-9 safety item (thoughts of being better off dead or of self-harm) above \"not at all\"."
            ));
        }
        for f in &c.warning_signs {
            let seen = if f.last_seen > f.noticed {
                format!(
                    "{} to {}",
                    f.noticed.strftime("%-d %b"),
                    f.last_seen.strftime("%-d %b")
                )
            } else {
                f.noticed.strftime("%-d %b").to_string()
            };
            flags.push(format!(
                "{name}'s warning sign \"{}\" matched ({seen}): {}. {name} chose to let you know.",
                f.name, f.evidence
            ));
        }
        // Low or falling feedback is a roadblock sentence of its own.
        if c.feedback_flag == Some(true) && !c.roadblocks.iter().any(|r| r.contains("session")) {
            flags.push(format!(
                "{name}'s latest session feedback was low or falling."
            ));
        }
        flags.extend(c.roadblocks.iter().cloned());
        SummaryText {
            client_id: c.link.client_id,
            name: c.link.client.clone(),
            next: dash(c.next_appointment.map(|t| {
                t.to_zoned(tz.clone())
                    .strftime("%a %-d %b, %H:%M")
                    .to_string()
            })),
            measures: dash(c.measures.as_ref().map(|list| {
                list.iter()
                    .map(|(i, total, severity, change)| {
                        format!(
                            "{} {total} ({severity}{})",
                            i.name(),
                            change
                                .as_ref()
                                .map(|c| format!(", {c}"))
                                .unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })),
            adherence: dash(c.adherence.map(|a| {
                a.map(|x| format!("{:.0}%", x * 100.0))
                    .unwrap_or_else(|| "nothing planned".into())
            })),
            flags,
            as_of: c
                .as_of
                .filter(|made| now.duration_since(*made) > jiff::SignedDuration::from_hours(24))
                .map(|made| {
                    format!(
                        "as of {}",
                        made.to_zoned(tz.clone()).strftime("%a %-d %b, %H:%M")
                    )
                })
                .unwrap_or_default(),
        }
    }
}

/// A client summary in JSON: `null` for what is not shared.
pub fn summary_json(c: &between_app::sharing::ClientSummary, tz: &TimeZone) -> Value {
    json!({
        "client_id": c.link.client_id,
        "name": c.link.client,
        "next_appointment": c.next_appointment.map(|t| rfc3339(t, tz)),
        "measures": c.measures.as_ref().map(|list| list
            .iter()
            .map(|(i, total, severity, change)| json!({
                "instrument": i.as_str(),
                "total": total,
                "severity": severity,
                "change": change,
            }))
            .collect::<Vec<_>>()),
        "safety_flag": c.safety_flag,
        "adherence": c.adherence,
        "feedback_flag": c.feedback_flag,
        "roadblocks": c.roadblocks,
        "warning_signs": c.warning_signs.iter().map(|f| json!({
            "name": f.name,
            "noticed": f.noticed.to_string(),
            "last_seen": f.last_seen.to_string(),
            "evidence": f.evidence,
        })).collect::<Vec<_>>(),
        "as_of": c.as_of.map(|t| rfc3339(t, tz)),
    })
}

/// A client's answer to an assigned practice, to follow its state:
/// ` as SCHEDULE: "note"` (empty while unanswered).
pub fn assignment_reply(a: &between_app::assignments::Assignment) -> String {
    let Some(r) = &a.reply else {
        return String::new();
    };
    let mut out = r
        .adjusted_schedule
        .as_ref()
        .map(|x| format!(" as {x}"))
        .unwrap_or_default();
    if !r.note.is_empty() {
        out.push_str(&format!(": \"{}\"", r.note));
    }
    out
}

/// A client's page (the therapist's, or the client's preview of it) as
/// text and as JSON: who shares what, appointments, assigned practice and
/// each shared scope — one shape for `between client`, `between share
/// preview` and the API.
pub fn page_text_and_json(page: between_app::client_page::ClientPage) -> (String, Value) {
    use between_app::sharing::ClientData;
    use between_domain::share::Scope;
    let tz = page.therapist.time_zone.clone();
    let link = page.link;
    let names: Vec<&str> = link.scopes.iter().map(|s| s.as_str()).collect();
    let mut parts = serde_json::Map::new();
    let mut text = format!(
        "{} shares: {}\n",
        link.client,
        if names.is_empty() {
            "nothing yet".to_string()
        } else {
            names.join(", ")
        }
    );
    text.push_str("\nappointments\n");
    if page.appointments.is_empty() {
        text.push_str("  (none yet)\n");
    }
    let mut appointments = Vec::new();
    for a in &page.appointments {
        text.push_str(&format!(
            "  {} ({})\n",
            a.starts_at
                .to_zoned(tz.clone())
                .strftime("%a %-d %b %Y, %H:%M"),
            a.details.status.as_str()
        ));
        appointments.push(json!({
            "id": a.id,
            "starts_at": rfc3339(a.starts_at, &tz),
            "status": a.details.status.as_str(),
        }));
    }
    parts.insert("appointments".into(), Value::Array(appointments));
    if !page.assignments.is_empty() {
        text.push_str("\npractice you assigned\n");
        for a in &page.assignments {
            text.push_str(&format!(
                "  {} ({}): {}{}\n",
                a.practice.title,
                a.practice.schedule.describe(),
                a.state.as_str(),
                assignment_reply(a)
            ));
        }
    }
    parts.insert(
        "assignments".into(),
        Value::Array(
            page.assignments
                .iter()
                .map(|a| crate::json::assignment_json(a, &tz))
                .collect(),
        ),
    );
    let mut scopes: Vec<(Scope, ClientData)> = page.data;
    if let Some(agenda) = page.agenda {
        scopes.push((Scope::Agenda, ClientData::Agenda(agenda)));
        scopes.sort_by_key(|(scope, _)| *scope);
    }
    for (scope, data) in &scopes {
        let (lines, items) = lines_and_json(data, &tz);
        text.push_str(&format!("\n{}\n", scope.as_str()));
        if lines.is_empty() {
            text.push_str("  (nothing yet)\n");
        }
        for l in lines {
            text.push_str(&format!("  {l}\n"));
        }
        parts.insert(scope.as_str().to_string(), Value::Array(items));
    }
    let value = json!({
        "name": link.client,
        "scopes": names,
        "shared": parts,
    });
    (text, value)
}
