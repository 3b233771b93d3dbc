//! What exactly a reader opened, for the client's access log: "PCL-5 (past
//! week): 12 responses", "an excerpt of the entry of 3 Dec". Such words say
//! something about the person, so they are sealed to the client's public
//! key — for a therapist's read, the key as the therapist's own record
//! pinned it, never the plain row as it stands now — and only the client's
//! identity opens them; the plain `access_log` columns stay generic (kind
//! of data, time, who).

use std::collections::BTreeMap;

use between_store::AccessRow;
use jiff::tz::TimeZone;

use crate::crypto;
use crate::principal::Principal;
use crate::sharing::{ClientData, ClientSummary};

/// One line of the access log with its details opened.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub row: AccessRow,
    /// What exactly was opened, in words; empty when the row has none (or
    /// it does not open).
    pub details: Vec<String>,
}

impl std::ops::Deref for LogLine {
    type Target = AccessRow;

    fn deref(&self) -> &AccessRow {
        &self.row
    }
}

/// `lines` sealed to `public`; `None` when there is nothing to say (or the
/// key is not one, which is logged).
pub(crate) fn seal(public: &[u8], lines: &[String]) -> Option<Vec<u8>> {
    if lines.is_empty() {
        return None;
    }
    let bytes = serde_json::to_vec(lines).ok()?;
    match crypto::seal_to(public, &bytes) {
        Ok(sealed) => Some(sealed),
        Err(_) => {
            tracing::warn!("access-log details not sealed: the client's public key is not one");
            None
        }
    }
}

/// The details of `row` as the client `p` opens them.
pub(crate) fn open(p: &Principal, row: &AccessRow) -> Vec<String> {
    let (Some(sealed), Some(identity)) = (row.details.as_deref(), p.keys.identity()) else {
        return Vec::new();
    };
    crypto::open_sealed(identity, sealed)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// What one scope's data opened, in words.
pub(crate) fn of_data(data: &ClientData, tz: &TimeZone) -> Vec<String> {
    let day = |t: jiff::Timestamp| t.to_zoned(tz.clone()).strftime("%-d %b %Y").to_string();
    match data {
        ClientData::Measures(list) => {
            let mut by: BTreeMap<&str, usize> = BTreeMap::new();
            for m in list {
                *by.entry(m.response.data.instrument.name()).or_default() += 1;
            }
            by.into_iter()
                .map(|(name, n)| format!("{name}: {}", count(n, "response", "responses")))
                .collect()
        }
        ClientData::Goals(list) => list
            .iter()
            .map(|g| format!("goal \"{}\"", g.goal.data.title))
            .collect(),
        ClientData::Practice(list) => list
            .iter()
            .map(|v| format!("practice \"{}\"", v.practice.data.title))
            .collect(),
        ClientData::Insights(list) => vec![count(list.len(), "insight", "insights")],
        ClientData::Feedback(list) => vec![count(list.len(), "session rating", "session ratings")],
        ClientData::Journal(entries, excerpts) => {
            let mut out = vec![count(
                entries.len(),
                "entry marked share",
                "entries marked share",
            )];
            out.extend(
                excerpts
                    .iter()
                    .map(|x| format!("{} of the entry of {}", x.excerpt.kind.label(), day(x.at))),
            );
            out
        }
        ClientData::Agenda(a) => of_agenda(a, tz),
    }
}

/// What a shared agenda opened, in words.
pub(crate) fn of_agenda(a: &crate::agenda_share::SharedAgenda, tz: &TimeZone) -> Vec<String> {
    vec![match a.appointment {
        Some((_, at)) => format!(
            "the agenda for {}",
            at.to_zoned(tz.clone()).strftime("%a %-d %b %Y, %H:%M")
        ),
        None => "the agenda for the next session".into(),
    }]
}

/// What a list of appointments opened, in words.
pub(crate) fn of_appointments(list: &[between_domain::appointment::Appointment]) -> Vec<String> {
    vec![count(list.len(), "appointment", "appointments")]
}

/// What a dashboard row showed, in words.
pub(crate) fn of_summary(s: &ClientSummary) -> Vec<String> {
    let mut out: Vec<String> = s
        .measures
        .iter()
        .flatten()
        .map(|(i, total, severity, _)| format!("{} {total}{} ({severity})", i.name(), i.def().unit))
        .collect();
    out.extend(
        s.warning_signs
            .iter()
            .map(|f| format!("warning sign \"{}\"", f.name)),
    );
    out
}
