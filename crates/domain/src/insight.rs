//! Insights recorded after a session: takeaways, insights and strategies,
//! linked to the appointment and taggable. Stored only encrypted.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::search::Query;
use crate::validation::ValidationErrors;

pub const MAX_INSIGHT_CHARS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsightKind {
    Takeaway,
    Insight,
    Strategy,
    Other,
}

impl InsightKind {
    pub const ALL: [InsightKind; 4] = [
        InsightKind::Takeaway,
        InsightKind::Insight,
        InsightKind::Strategy,
        InsightKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InsightKind::Takeaway => "takeaway",
            InsightKind::Insight => "insight",
            InsightKind::Strategy => "strategy",
            InsightKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Result<InsightKind, ValidationErrors> {
        InsightKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                ValidationErrors::single(
                    "kind",
                    format!(
                        "\"{}\" is not a kind: use takeaway, insight, strategy or other.",
                        s.trim()
                    ),
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Insight {
    pub text: String,
    pub kind: InsightKind,
    #[serde(default)]
    pub appointment_id: Option<Uuid>,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Insight {
    pub fn validated(self) -> Result<Insight, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let text = self.text.trim().to_string();
        if text.is_empty() {
            errors.add("text", "An insight needs some text.");
        } else if text.chars().count() > MAX_INSIGHT_CHARS {
            errors.add(
                "text",
                format!("An insight can be at most {MAX_INSIGHT_CHARS} characters long."),
            );
        }
        if self.tags.len() > crate::entry::MAX_LIST_ITEMS {
            errors.add(
                "tags",
                format!(
                    "An insight can have at most {} tags.",
                    crate::entry::MAX_LIST_ITEMS
                ),
            );
        }
        let mut tags: Vec<String> = Vec::new();
        for tag in self.tags {
            let tag = tag
                .trim()
                .trim_start_matches('#')
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if tag.chars().count() > 60 {
                errors.add("tags", "A tag can be at most 60 characters long.");
            } else if !tag.is_empty() && !tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
                tags.push(tag);
            }
        }
        errors.into_result(Insight { text, tags, ..self })
    }

    pub fn matches(&self, query: &Query) -> bool {
        query.matches_text(&format!(
            "{}\n{}\n{}",
            self.text,
            self.kind.as_str(),
            self.tags.join("\n")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_by_name() {
        assert_eq!(
            InsightKind::parse(" strategy").unwrap(),
            InsightKind::Strategy
        );
        assert!(InsightKind::parse("lesson")
            .unwrap_err()
            .to_string()
            .contains("lesson"));
    }

    #[test]
    fn an_insight_needs_text_and_its_tags_are_cleaned() {
        let base = Insight {
            text: " Notice, name, breathe ".into(),
            kind: InsightKind::Strategy,
            appointment_id: None,
            tags: vec!["#anxiety".into(), "Anxiety".into(), " ".into()],
        };
        let ok = base.clone().validated().unwrap();
        assert_eq!(
            (ok.text.as_str(), ok.tags.clone()),
            ("Notice, name, breathe", vec!["anxiety".to_string()])
        );
        assert!(Insight {
            text: " ".into(),
            ..base
        }
        .validated()
        .is_err());
        assert!(ok.matches(&Query::parse("BREATHE anxiety").unwrap()));
    }
}
