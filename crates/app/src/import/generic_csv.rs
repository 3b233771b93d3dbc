//! Any CSV with a header, given which column is which
//! (`--map COLUMN=FIELD`). Fields: `text`, `title`, `date` (YYYY-MM-DD),
//! `time` (HH:MM), `datetime` (RFC 3339, or YYYY-MM-DD HH:MM in the
//! person's zone), `mood` (1–10), `tags` (separated by , ; or |),
//! `starred` (yes/no, true/false, 1/0) and `id` (the source's own id, for
//! importing again). A date or a datetime is required; other columns are
//! ignored.

use std::collections::BTreeMap;

use between_domain::timespec;
use between_domain::{echo, EntryContent, ValidationErrors};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

use super::{problem, Imported};

pub const FIELDS: [&str; 9] = [
    "text", "title", "date", "time", "datetime", "mood", "tags", "starred", "id",
];

/// `map` is column name → field.
pub fn parse(
    bytes: &[u8],
    tz: &TimeZone,
    map: &BTreeMap<String, String>,
) -> Result<Vec<Imported>, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    for field in map.values() {
        if !FIELDS.contains(&field.as_str()) {
            errors.add(
                "map",
                format!(
                    "{} is not a field: use {}.",
                    echo::quote(field),
                    FIELDS.join(", ")
                ),
            );
        }
    }
    if !map.values().any(|f| f == "date" || f == "datetime") {
        errors.add(
            "map",
            "Map a column to date or datetime, e.g. --map Date=date.",
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    super::check_quotes(bytes)?;
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| {
            ValidationErrors::single(
                "file",
                format!("This is not a CSV file with a header: {}.", echo::error(&e)),
            )
        })?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let mut columns: BTreeMap<&str, usize> = BTreeMap::new();
    for (column, field) in map {
        match header.iter().position(|h| h == column) {
            Some(i) => {
                columns.insert(field.as_str(), i);
            }
            None => errors.add(
                "map",
                format!(
                    "The file has no column {}; its columns are: {}.",
                    echo::quote(column),
                    echo::list(header.iter().map(String::as_str))
                ),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let r = match record {
            Ok(r) => r,
            Err(e) => {
                problem(&mut errors, i, "row", echo::error(&e));
                continue;
            }
        };
        let get = |field: &str| {
            columns
                .get(field)
                .and_then(|c| r.get(*c))
                .map(str::trim)
                .unwrap_or("")
        };
        let at = if !get("datetime").is_empty() {
            match timespec::parse_instant(get("datetime"), tz) {
                Ok(t) => t,
                Err(e) => {
                    problem(&mut errors, i, "datetime", e.to_string());
                    continue;
                }
            }
        } else {
            let Ok(date) = get("date").parse::<Date>() else {
                problem(
                    &mut errors,
                    i,
                    "date",
                    format!("{} is not a date (YYYY-MM-DD).", echo::quote(get("date"))),
                );
                continue;
            };
            let time = match get("time") {
                "" => Time::midnight(),
                t => match t.parse::<Time>() {
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
            match date.to_datetime(time).to_zoned(tz.clone()) {
                Ok(z) => z.timestamp(),
                Err(_) => {
                    problem(
                        &mut errors,
                        i,
                        "date",
                        "The date and time are out of range.",
                    );
                    continue;
                }
            }
        };
        let mood = match get("mood") {
            "" => None,
            m => match m.parse::<u8>() {
                Ok(v) => Some(v),
                Err(_) => {
                    problem(
                        &mut errors,
                        i,
                        "mood",
                        format!("{} is not a mood from 1 to 10.", echo::quote(m)),
                    );
                    continue;
                }
            },
        };
        let starred = match get("starred").to_ascii_lowercase().as_str() {
            "" | "no" | "false" | "0" | "n" => false,
            "yes" | "true" | "1" | "y" | "*" => true,
            other => {
                problem(
                    &mut errors,
                    i,
                    "starred",
                    format!("{} is not yes or no.", echo::quote(other)),
                );
                continue;
            }
        };
        let (title, body) = (get("title"), get("text"));
        let text = super::join_title(title, body);
        let tags = get("tags")
            .split([',', ';', '|'])
            .map(|t| t.trim().trim_start_matches('#'))
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        let source_key = match get("id") {
            "" => format!("csv|{at}|{text}"),
            id => format!("csv-id|{id}"),
        };
        out.push(Imported {
            source_key,
            occurred_at: at,
            content: EntryContent {
                text,
                mood,
                tags,
                starred,
                ..Default::default()
            },
        });
    }
    errors.into_result(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn mapped_columns_become_an_entry() {
        let file = "When,How,Words,Labels\n2026-09-01 21:30,4,\"A long, hard day\",work; tired\n";
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let m = map(&[
            ("When", "datetime"),
            ("How", "mood"),
            ("Words", "text"),
            ("Labels", "tags"),
        ]);
        let e = &parse(file.as_bytes(), &tz, &m).unwrap()[0];
        assert_eq!(e.content.text, "A long, hard day");
        assert_eq!(e.content.mood, Some(4));
        assert_eq!(e.content.tags, vec!["work", "tired"]);
        assert_eq!(e.occurred_at.to_string(), "2026-09-01T19:30:00Z");
    }

    #[test]
    fn a_bad_map_or_value_is_named() {
        let tz = TimeZone::UTC;
        let file = "Day,Note\n2026-09-01,ok\nnot a day,bad\n";
        let err = parse(file.as_bytes(), &tz, &map(&[("Note", "text")])).unwrap_err();
        assert!(err.get("map").unwrap().contains("date or datetime"));
        let err = parse(
            file.as_bytes(),
            &tz,
            &map(&[("Day", "date"), ("Nope", "text")]),
        )
        .unwrap_err();
        assert!(err
            .get("map")
            .unwrap()
            .contains("no column \"Nope\"; its columns are: Day, Note"));
        let err = parse(
            file.as_bytes(),
            &tz,
            &map(&[("Day", "date"), ("Note", "body")]),
        )
        .unwrap_err();
        assert!(err.get("map").unwrap().contains("\"body\" is not a field"));
        let err = parse(
            file.as_bytes(),
            &tz,
            &map(&[("Day", "date"), ("Note", "text")]),
        )
        .unwrap_err();
        assert_eq!(
            err.get("entries[1].date"),
            Some("Entry 2: \"not a day\" is not a date (YYYY-MM-DD).")
        );
    }
}
