//! Daylio's CSV export (`full_date,date,weekday,time,mood,activities,
//! note_title,note`): moods map to Between's 1–10 by [`DEFAULT_MOODS`] plus
//! the person's own names (`--mood-map NAME=N`), activities become tags, the
//! note's title and text become the entry's text. The wall time is read in
//! the importing person's zone.

use std::collections::{BTreeMap, BTreeSet};

use between_domain::{echo, EntryContent, ValidationErrors};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

use super::{problem, Imported};

/// Daylio's five default moods on Between's scale (10 = best).
pub const DEFAULT_MOODS: [(&str, u8); 5] = [
    ("rad", 10),
    ("good", 8),
    ("meh", 5),
    ("bad", 3),
    ("awful", 1),
];

const COLUMNS: [&str; 8] = [
    "full_date",
    "date",
    "weekday",
    "time",
    "mood",
    "activities",
    "note_title",
    "note",
];

/// Reads "20:15", "8:15 PM" or "8:15 pm".
fn parse_time(s: &str) -> Option<Time> {
    let s = s.trim();
    if let Ok(t) = Time::strptime("%H:%M", s) {
        return Some(t);
    }
    Time::strptime("%I:%M %p", s.to_ascii_uppercase()).ok()
}

/// `mood_map` adds or overrides names (lower case) → 1–10.
pub fn parse(
    bytes: &[u8],
    tz: &TimeZone,
    mood_map: &BTreeMap<String, u8>,
) -> Result<Vec<Imported>, ValidationErrors> {
    let mut moods: BTreeMap<String, u8> = DEFAULT_MOODS
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    moods.extend(mood_map.iter().map(|(k, v)| (k.to_lowercase(), *v)));
    super::check_quotes(bytes)?;
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| {
            ValidationErrors::single(
                "file",
                format!("This is not a Daylio CSV export: {}.", echo::error(&e)),
            )
        })?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    if header != COLUMNS {
        return Err(ValidationErrors::single(
            "file",
            format!(
                "This is not a Daylio CSV export: the header should be {}, not {}.",
                COLUMNS.join(","),
                echo::list(header.iter().map(String::as_str))
            ),
        ));
    }
    let mut errors = ValidationErrors::new();
    let mut unmapped: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let r = match record {
            Ok(r) => r,
            Err(e) => {
                problem(&mut errors, i, "row", echo::error(&e));
                continue;
            }
        };
        let get = |c: usize| r.get(c).unwrap_or("").trim();
        let Ok(date) = get(0).parse::<Date>() else {
            problem(
                &mut errors,
                i,
                "full_date",
                format!("{} is not a date (YYYY-MM-DD).", echo::quote(get(0))),
            );
            continue;
        };
        let Some(time) = parse_time(get(3)) else {
            problem(
                &mut errors,
                i,
                "time",
                format!("{} is not a time (20:15 or 8:15 pm).", echo::quote(get(3))),
            );
            continue;
        };
        let mood_name = get(4).to_lowercase();
        let Some(mood) = moods.get(&mood_name).copied() else {
            unmapped.insert(get(4).to_string());
            continue;
        };
        let Ok(at) = date.to_datetime(time).to_zoned(tz.clone()) else {
            problem(
                &mut errors,
                i,
                "full_date",
                "The date and time are out of range.",
            );
            continue;
        };
        let (title, note) = (get(6), get(7));
        let text = super::join_title(title, note);
        let tags: Vec<String> = get(5)
            .split('|')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        out.push(Imported {
            source_key: format!("daylio|{date} {time}|{mood_name}|{text}"),
            occurred_at: at.timestamp(),
            content: EntryContent {
                text,
                mood: Some(mood),
                tags,
                ..Default::default()
            },
        });
    }
    if !unmapped.is_empty() {
        let first = unmapped.iter().next().map_or("", String::as_str);
        errors.add(
            "mood",
            format!(
                "These moods have no number yet: {}. Give each one with --mood-map NAME=N (1 to 10, 10 = best), e.g. --mood-map {}.",
                echo::list(unmapped.iter().map(String::as_str)),
                echo::quote(&format!("{first}=7"))
            ),
        );
    }
    errors.into_result(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "full_date,date,weekday,time,mood,activities,note_title,note\n\
2026-09-02,September 2,Wednesday,8:15 pm,rad,friends | cooking,Dinner,Lovely evening\n\
2026-09-01,September 1,Tuesday,07:30,awful,work,,\n";

    #[test]
    fn moods_activities_notes_and_times_carry_over() {
        let tz = TimeZone::get("Europe/London").unwrap();
        let entries = parse(FILE.as_bytes(), &tz, &BTreeMap::new()).unwrap();
        assert_eq!(entries[0].content.mood, Some(10));
        assert_eq!(entries[0].content.tags, vec!["friends", "cooking"]);
        assert_eq!(entries[0].content.text, "Dinner\n\nLovely evening");
        assert_eq!(entries[0].occurred_at.to_string(), "2026-09-02T19:15:00Z");
        assert_eq!(entries[1].content.mood, Some(1));
        assert!(entries[1].content.text.is_empty());
    }

    #[test]
    fn custom_moods_need_a_number_and_all_are_named() {
        let file = "full_date,date,weekday,time,mood,activities,note_title,note\n\
2026-09-02,x,x,20:15,sleepy,,,\n2026-09-03,x,x,20:15,Great,,,\n2026-09-04,x,x,20:15,sleepy,,,\n";
        let tz = TimeZone::UTC;
        let err = parse(file.as_bytes(), &tz, &BTreeMap::new()).unwrap_err();
        assert!(err
            .get("mood")
            .unwrap()
            .starts_with("These moods have no number yet: Great, sleepy."));
        let map = BTreeMap::from([("sleepy".to_string(), 4), ("great".to_string(), 9)]);
        let ok = parse(file.as_bytes(), &tz, &map).unwrap();
        assert_eq!(
            ok.iter()
                .map(|e| e.content.mood.unwrap())
                .collect::<Vec<_>>(),
            vec![4, 9, 4]
        );
    }

    #[test]
    fn a_wrong_header_or_bad_row_is_named() {
        let tz = TimeZone::UTC;
        let err = parse(b"date,mood\n2026-09-01,rad\n", &tz, &BTreeMap::new()).unwrap_err();
        assert!(err.get("file").unwrap().contains("the header should be"));
        let bad = "full_date,date,weekday,time,mood,activities,note_title,note\n2026-09-31,x,x,20:15,rad,,,\n";
        let err = parse(bad.as_bytes(), &tz, &BTreeMap::new()).unwrap_err();
        assert_eq!(
            err.get("entries[0].full_date"),
            Some("Entry 1: \"2026-09-31\" is not a date (YYYY-MM-DD).")
        );
    }
}
