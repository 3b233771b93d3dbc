//! Full-text matching over decrypted entries. Entries are encrypted at rest,
//! so search happens in memory on the signed-in person's own data.

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
    fn a_blank_query_is_no_query() {
        assert!(Query::parse("  ").is_none());
    }
}
