//! Full-text matching over decrypted entries. Entries are encrypted at rest,
//! so search happens in memory on the signed-in person's own data.

use std::ops::Range;

use crate::entry::EntryContent;

/// A parsed search: every term must appear (case-insensitively) somewhere in
/// the text, answers, feelings, triggers or tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    terms: Vec<String>,
}

impl Query {
    /// `None` when the query has no terms.
    pub fn parse(raw: &str) -> Option<Query> {
        let terms: Vec<String> = raw.split_whitespace().map(str::to_lowercase).collect();
        (!terms.is_empty()).then_some(Query { terms })
    }

    pub fn matches(&self, content: &EntryContent) -> bool {
        let haystack = haystack(content);
        self.terms
            .iter()
            .all(|term| haystack.contains(term.as_str()))
    }

    /// Where any term occurs in `text`, ignoring case: byte ranges of
    /// `text` on character boundaries, in order, overlapping ones merged.
    pub fn spans(&self, text: &str) -> Vec<Range<usize>> {
        // The lower-cased text, and for each of its bytes the character of
        // `text` it came from (lower-casing can change lengths).
        let mut lower = String::with_capacity(text.len());
        let mut origin: Vec<Range<usize>> = Vec::with_capacity(text.len());
        for (at, c) in text.char_indices() {
            for l in c.to_lowercase() {
                let before = lower.len();
                lower.push(l);
                origin.extend((before..lower.len()).map(|_| at..at + c.len_utf8()));
            }
        }
        let mut found: Vec<Range<usize>> = Vec::new();
        for term in &self.terms {
            for (at, m) in lower.match_indices(term.as_str()) {
                if let (Some(first), Some(last)) =
                    (origin.get(at), origin.get(at + m.len().saturating_sub(1)))
                {
                    found.push(first.start..last.end);
                }
            }
        }
        found.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
        for r in found {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }

    /// Whether every term occurs in `text`, ignoring case.
    pub fn matches_text(&self, text: &str) -> bool {
        let haystack = text.to_lowercase();
        self.terms
            .iter()
            .all(|term| haystack.contains(term.as_str()))
    }
}

fn haystack(content: &EntryContent) -> String {
    let mut hay = String::with_capacity(content.text.len() + 64);
    hay.push_str(&content.text.to_lowercase());
    for p in &content.prompts {
        hay.push('\n');
        hay.push_str(&p.answer.to_lowercase());
    }
    for label in content
        .feelings
        .iter()
        .map(|f| &f.name)
        .chain(&content.triggers)
        .chain(&content.tags)
    {
        hay.push('\n');
        hay.push_str(&label.to_lowercase());
    }
    hay
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Feeling;

    #[test]
    fn every_term_must_match_somewhere() {
        let content = EntryContent {
            text: "Difficult Meeting with my manager".into(),
            feelings: vec![Feeling {
                name: "anxious".into(),
                intensity: 6,
            }],
            tags: vec!["work".into()],
            ..Default::default()
        };
        assert!(Query::parse("meeting ANXIOUS").unwrap().matches(&content));
        assert!(Query::parse("work manager").unwrap().matches(&content));
        assert!(!Query::parse("meeting holiday").unwrap().matches(&content));
    }

    #[test]
    fn spans_find_every_term_ignoring_case_and_merge_overlaps() {
        let q = Query::parse("walk ALK park").unwrap();
        let text = "Walked in the Park, then a walk";
        let found: Vec<&str> = q.spans(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, vec!["Walk", "Park", "walk"]);
    }

    #[test]
    fn spans_stay_on_character_boundaries_when_case_changes_length() {
        // "İ" lower-cases to two characters; the span must still cover it.
        let q = Query::parse("i̇stanbul").unwrap();
        let text = "Trip to İstanbul!";
        let spans = q.spans(text);
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].clone()], "İstanbul");
        assert!(Query::parse("zzz").unwrap().spans(text).is_empty());
    }

    #[test]
    fn a_blank_query_is_no_query() {
        assert!(Query::parse("  ").is_none());
    }
}
