//! jrnl's JSON export (`jrnl --format json`): title and body become the
//! text (the body after a blank line), tags lose their symbol, `starred`
//! becomes the star, and the wall time is read in the importing person's
//! zone (jrnl keeps no zone).

use between_domain::{echo, EntryContent, ValidationErrors};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{problem, Imported};

/// Each entry is kept as its raw text (no copy) and read on its own, so
/// one bad entry is named without failing the whole file.
#[derive(Deserialize)]
struct File<'a> {
    #[serde(borrow)]
    entries: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    date: String,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    starred: bool,
    #[serde(default)]
    uuid: Option<String>,
}

/// Reads a jrnl JSON export; every problem is reported by entry and field.
pub fn parse(text: &str, tz: &TimeZone) -> Result<Vec<Imported>, ValidationErrors> {
    let file: File = serde_json::from_str(text).map_err(|e| {
        ValidationErrors::single(
            "file",
            format!(
                "This is not a jrnl JSON export (jrnl --format json): {}.",
                echo::error(&e)
            ),
        )
    })?;
    let mut errors = ValidationErrors::new();
    let mut out = Vec::with_capacity(file.entries.len());
    for (i, raw) in file.entries.into_iter().enumerate() {
        let e: Entry = match serde_json::from_str(raw.get()) {
            Ok(e) => e,
            Err(err) => {
                problem(&mut errors, i, "entry", echo::error(&err));
                continue;
            }
        };
        let Ok(date) = e.date.trim().parse::<Date>() else {
            problem(
                &mut errors,
                i,
                "date",
                format!("{} is not a date (YYYY-MM-DD).", echo::quote(&e.date)),
            );
            continue;
        };
        let time = match e.time.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Time::midnight(),
            Some(t) => match t.parse::<Time>() {
                Ok(t) => t,
                Err(_) => {
                    problem(
                        &mut errors,
                        i,
                        "time",
                        format!("{} is not a time (HH:MM).", echo::quote(t)),
                    );
                    continue;
                }
            },
        };
        let Ok(at) = date.to_datetime(time).to_zoned(tz.clone()) else {
            problem(
                &mut errors,
                i,
                "date",
                "The date and time are out of range.",
            );
            continue;
        };
        let title = e.title.trim();
        let body = e.body.trim();
        let text = super::join_title(title, body);
        let tags = e
            .tags
            .iter()
            .map(|t| {
                t.trim_start_matches(|c: char| !c.is_alphanumeric())
                    .to_string()
            })
            .filter(|t| !t.is_empty())
            .collect();
        let source_key = match &e.uuid {
            Some(u) if !u.trim().is_empty() => format!("jrnl-uuid|{}", u.trim()),
            _ => format!("jrnl|{date} {time}|{text}"),
        };
        out.push(Imported {
            source_key,
            occurred_at: at.timestamp(),
            content: EntryContent {
                text,
                tags,
                starred: e.starred,
                ..Default::default()
            },
        });
    }
    errors.into_result(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_body_tags_star_and_local_time_carry_over() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let text = r#"{"tags": {"@work": 1}, "entries": [
            {"title": "Rough morning before the @work review.", "body": "Heart racing.\n\nCould not eat.", "date": "2026-09-01", "time": "08:15", "tags": ["@work"], "starred": true},
            {"title": "Only a title", "body": "", "date": "2026-09-02", "time": "21:00", "tags": [], "starred": false}
        ]}"#;
        let entries = parse(text, &tz).unwrap();
        assert_eq!(
            entries[0].content.text,
            "Rough morning before the @work review.\n\nHeart racing.\n\nCould not eat."
        );
        assert_eq!(entries[0].content.tags, vec!["work"]);
        assert!(entries[0].content.starred);
        assert_eq!(
            entries[0].occurred_at.to_string(),
            "2026-09-01T06:15:00Z",
            "08:15 in Berlin"
        );
        assert_eq!(entries[1].content.text, "Only a title");
        assert_ne!(entries[0].source_key, entries[1].source_key);
    }

    #[test]
    fn every_bad_entry_is_named_with_its_field() {
        let tz = TimeZone::UTC;
        let text = r#"{"entries": [
            {"title": "ok", "date": "2026-09-01", "time": "08:15"},
            {"title": "bad date", "date": "2026-13-01", "time": "08:15"},
            {"title": "bad time", "date": "2026-09-01", "time": "25:99"},
            {"title": 7, "date": "2026-09-01"}
        ]}"#;
        let errors = parse(text, &tz).unwrap_err();
        assert_eq!(
            errors.get("entries[1].date"),
            Some("Entry 2: \"2026-13-01\" is not a date (YYYY-MM-DD).")
        );
        assert!(errors.get("entries[2].time").is_some());
        assert!(errors
            .get("entries[3].entry")
            .unwrap()
            .contains("invalid type"));
        let truncated = parse(r#"{"entries": [{"title": "x""#, &tz).unwrap_err();
        assert!(truncated
            .get("file")
            .unwrap()
            .contains("not a jrnl JSON export"));
    }
}
