//! Properties that must hold for any input, checked with proptest.

#![allow(clippy::unwrap_used)]

use between_domain::search::Query;
use between_domain::timespec::{parse_since, parse_until};
use between_domain::{EntryContent, Feeling};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use proptest::prelude::*;

fn feeling() -> impl Strategy<Value = Feeling> {
    ("[a-zA-Z ]{0,12}", 0u8..=12).prop_map(|(name, intensity)| Feeling { name, intensity })
}

fn content() -> impl Strategy<Value = EntryContent> {
    (
        "(?s).{0,200}",
        proptest::option::of(0u8..=12),
        proptest::collection::vec(feeling(), 0..6),
        proptest::collection::vec("[#@]?[a-z ]{0,10}", 0..5),
        proptest::collection::vec("[a-z ]{0,10}", 0..5),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(text, mood, feelings, tags, triggers, starred, shared)| EntryContent {
                text,
                mood,
                feelings,
                triggers,
                tags,
                prompts: Vec::new(),
                starred,
                shared,
            },
        )
}

proptest! {
    /// Valid content is already canonical: validating it again changes nothing.
    #[test]
    fn validation_is_idempotent(c in content()) {
        if let Ok(valid) = c.validated() {
            prop_assert_eq!(valid.clone().validated().unwrap(), valid);
        }
    }

    /// Whatever is accepted is within the documented ranges.
    #[test]
    fn accepted_content_is_in_range(c in content()) {
        if let Ok(valid) = c.validated() {
            prop_assert!(valid.mood.is_none_or(|m| (1..=10).contains(&m)));
            prop_assert!(valid.feelings.iter().all(|f| f.intensity <= 10 && !f.name.is_empty()));
            prop_assert!(valid.tags.iter().all(|t| !t.starts_with('#') && !t.trim().is_empty()));
        }
    }

    /// An excerpt is never longer than asked (plus the ellipsis).
    #[test]
    fn excerpts_are_bounded(text in "(?s).{0,300}", max in 5usize..100) {
        let c = EntryContent { text, ..Default::default() };
        prop_assert!(c.excerpt(max).chars().count() <= max + 1);
    }

    /// Every word of an entry's text finds that entry.
    #[test]
    fn every_word_of_the_text_finds_the_entry(text in "[a-zA-Z]{1,8}( [a-zA-Z]{1,8}){0,8}") {
        let c = EntryContent { text: text.clone(), ..Default::default() };
        for word in text.split_whitespace() {
            prop_assert!(Query::parse(word).unwrap().matches(&c));
        }
    }

    /// A day's range is never empty and the day's start lies inside it, in any zone.
    #[test]
    fn a_date_range_covers_its_whole_day(day in 0i64..20000, zone in prop::sample::select(vec!["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"])) {
        let tz = TimeZone::get(zone).unwrap();
        let date = jiff::civil::date(1990, 1, 1).checked_add(jiff::Span::new().days(day)).unwrap();
        let s = date.to_string();
        let since = parse_since(&s, &tz, Timestamp::now()).unwrap();
        let until = parse_until(&s, &tz, Timestamp::now()).unwrap();
        let hours = (until.as_second() - since.as_second()) / 3600;
        prop_assert!((23..=25).contains(&hours), "{} in {} lasts {} hours", s, zone, hours);
    }
}
