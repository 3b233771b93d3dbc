//! Day One's JSON export (the `.json` inside the export zip): text, tags,
//! star and time carry over; each entry keeps its Day One uuid as its
//! source key; photos and other media are not imported and are replaced in
//! the text by a short note.

use std::io::{Read, Seek};

use between_domain::{echo, EntryContent, ValidationErrors};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{problem, unzip, Imported};

/// What stands in the text where Day One had a photo or other media.
pub const MEDIA_NOTE: &str = "(a photo or other media from Day One, not imported)";

/// Each entry is kept as its raw text (no copy) and read on its own, so
/// one bad entry is named without failing the whole file.
#[derive(Deserialize)]
struct File<'a> {
    #[serde(borrow)]
    entries: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    uuid: String,
    creation_date: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    starred: bool,
}

/// Replaces Markdown images that point at Day One media with [`MEDIA_NOTE`].
fn without_media(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("![") {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let media = from
            .find("](dayone-moment:")
            .filter(|close| !from[..*close].contains('\n'))
            .and_then(|close| from[close..].find(')').map(|end| close + end + 1));
        match media {
            Some(end) => {
                out.push_str(MEDIA_NOTE);
                rest = &from[end..];
            }
            None => {
                out.push_str("![");
                rest = &from[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a member of the export zip is a journal's JSON.
fn is_journal(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json") && !name.contains("__MACOSX")
}

/// Reads every journal's `.json` inside a Day One export zip (media files
/// are left out), within [`super::ZIP_LIMITS`].
pub fn parse_zip(zip: impl Read + Seek) -> Result<Vec<Imported>, ValidationErrors> {
    let members = unzip::read(zip, super::ZIP_LIMITS, is_journal)?;
    if members.is_empty() {
        return Err(ValidationErrors::single(
            "file",
            "This zip holds no .json file; is it a Day One export?",
        ));
    }
    let mut out = Vec::new();
    for member in members {
        let name = echo::quote(&member.name);
        let text = String::from_utf8(member.bytes).map_err(|_| {
            ValidationErrors::single("file", format!("{name} in the zip is not UTF-8 text."))
        })?;
        out.extend(parse(&text).map_err(|e| {
            let mut named = ValidationErrors::new();
            for (field, why) in e.fields() {
                named.add(&format!("{name}: {field}"), format!("{name}: {why}"));
            }
            named.add_unnamed(e.more());
            named
        })?);
    }
    Ok(out)
}

pub fn parse(text: &str) -> Result<Vec<Imported>, ValidationErrors> {
    let file: File = serde_json::from_str(text).map_err(|e| {
        ValidationErrors::single(
            "file",
            format!(
                "This is not a Day One JSON export (the .json file inside the export zip): {}.",
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
        let Ok(at) = e.creation_date.trim().parse::<Timestamp>() else {
            problem(
                &mut errors,
                i,
                "creationDate",
                format!(
                    "{} is not a time (e.g. 2017-12-25T03:04:32Z).",
                    echo::quote(&e.creation_date)
                ),
            );
            continue;
        };
        if e.uuid.trim().is_empty() {
            problem(&mut errors, i, "uuid", "The entry has no uuid.");
            continue;
        }
        out.push(Imported {
            source_key: format!("dayone|{}", e.uuid.trim().to_ascii_uppercase()),
            occurred_at: at,
            content: EntryContent {
                text: without_media(e.text.trim()),
                tags: e.tags.iter().map(|t| t.trim().to_string()).collect(),
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
    fn media_become_a_note_and_the_rest_stays() {
        assert_eq!(
            without_media(
                "First line\n\n![](dayone-moment://68D7)\n\nMore ![x](https://e.org/a.png) text"
            ),
            format!("First line\n\n{MEDIA_NOTE}\n\nMore ![x](https://e.org/a.png) text")
        );
    }

    #[test]
    fn entries_keep_their_uuid_time_tags_and_star() {
        let text = r#"{"metadata": {"version": "1.0"}, "entries": [
          {"uuid": "81f0f3ca693f484792f76359e9e2ace8", "creationDate": "2017-12-25T03:04:32Z",
           "timeZone": "Asia/Bangkok", "starred": true, "tags": ["travel"], "text": "Hello",
           "photos": [{"identifier": "68D7"}], "weather": {"temperatureCelsius": 26}}
        ]}"#;
        let e = &parse(text).unwrap()[0];
        assert_eq!(e.source_key, "dayone|81F0F3CA693F484792F76359E9E2ACE8");
        assert_eq!(e.occurred_at.to_string(), "2017-12-25T03:04:32Z");
        assert!(e.content.starred);
        assert_eq!(e.content.tags, vec!["travel"]);
        let bad =
            parse(r#"{"entries": [{"uuid": "A", "creationDate": "yesterday"}]}"#).unwrap_err();
        assert!(bad.get("entries[0].creationDate").is_some());
    }

    #[test]
    fn the_export_zip_itself_is_read_and_media_files_are_left_out() {
        use std::io::Cursor;
        let zip = crate::testing::zips::zip(&[
            (
                "Journal.json",
                br#"{"entries": [{"uuid": "AA", "creationDate": "2020-01-01T10:00:00Z", "text": "In a zip"}]}"#,
            ),
            ("photos/1.jpeg", b"\xff\xd8not json"),
        ]);
        let entries = parse_zip(Cursor::new(zip)).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].content.text, "In a zip");
        assert!(parse_zip(Cursor::new(b"PK\x03\x04broken"))
            .unwrap_err()
            .get("file")
            .unwrap()
            .contains("cannot be read"));
        let photos_only = crate::testing::zips::zip(&[("photos/1.jpeg", b"\xff\xd8")]);
        assert!(parse_zip(Cursor::new(photos_only))
            .unwrap_err()
            .get("file")
            .unwrap()
            .contains("holds no .json file"));
    }

    #[test]
    fn a_bad_entry_is_named_with_its_value_cut_short() {
        let long = "9".repeat(100_000);
        let text = format!(r#"{{"entries": [{{"uuid": "A", "creationDate": "{long}"}}]}}"#);
        let err = parse(&text).unwrap_err();
        let why = err.get("entries[0].creationDate").unwrap();
        assert!(why.starts_with("Entry 1: \"999"), "{why}");
        assert!(why.len() < 200, "{}", why.len());
    }
}
