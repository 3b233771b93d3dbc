//! The JSON shape of journal entries, and the input shape the API accepts.

use between_domain::timespec;
use between_domain::{Entry, EntryContent, Feeling, PromptAnswer, ValidationErrors};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::rfc3339;
use uuid::Uuid;

#[derive(Debug, Serialize)]
pub struct EntryJson {
    pub id: Uuid,
    pub occurred_at: String,
    pub text: String,
    pub mood: Option<u8>,
    pub feelings: Vec<Feeling>,
    pub triggers: Vec<String>,
    pub tags: Vec<String>,
    pub prompts: Vec<PromptAnswer>,
    pub starred: bool,
    pub shared: bool,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
}

impl EntryJson {
    pub fn new(e: &Entry, tz: &TimeZone) -> EntryJson {
        let c = &e.content;
        EntryJson {
            id: e.id,
            occurred_at: rfc3339(e.occurred_at, tz),
            text: c.text.clone(),
            mood: c.mood,
            feelings: c.feelings.clone(),
            triggers: c.triggers.clone(),
            tags: c.tags.clone(),
            prompts: c.prompts.clone(),
            starred: c.starred,
            shared: c.shared,
            created_at: rfc3339(e.created_at, tz),
            updated_at: rfc3339(e.updated_at, tz),
            deleted_at: e.deleted_at.map(|t| rfc3339(t, tz)),
        }
    }
}

/// A feeling as sent by a client; intensity is range-checked with a clear
/// message rather than rejected by the JSON decoder.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeelingInput {
    pub name: String,
    pub intensity: i64,
}

/// An entry as sent by a client (API body, PATCH result).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    #[serde(default)]
    pub occurred_at: Option<String>,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub mood: Option<i64>,
    #[serde(default)]
    pub feelings: Vec<FeelingInput>,
    #[serde(default)]
    pub triggers: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub prompts: Vec<PromptAnswer>,
    #[serde(default)]
    pub starred: bool,
    #[serde(default)]
    pub shared: bool,
}

/// Narrows a number to 0..=255 for the domain's range checks to judge.
fn small(n: i64) -> u8 {
    n.clamp(0, 255) as u8
}

impl EntryInput {
    pub fn from_entry(e: &Entry, tz: &TimeZone) -> EntryInput {
        let c = &e.content;
        EntryInput {
            occurred_at: Some(rfc3339(e.occurred_at, tz)),
            text: c.text.clone(),
            mood: c.mood.map(i64::from),
            feelings: c
                .feelings
                .iter()
                .map(|f| FeelingInput {
                    name: f.name.clone(),
                    intensity: i64::from(f.intensity),
                })
                .collect(),
            triggers: c.triggers.clone(),
            tags: c.tags.clone(),
            prompts: c.prompts.clone(),
            starred: c.starred,
            shared: c.shared,
        }
    }

    /// Splits into content and time, checking ranges the domain cannot see
    /// (numbers beyond a byte) and the time format.
    pub fn into_parts(
        self,
        tz: &TimeZone,
    ) -> Result<(EntryContent, Option<Timestamp>), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if let Some(m) = self.mood.filter(|m| !(1..=10).contains(m)) {
            errors.add(
                "mood",
                format!("Mood must be between 1 and 10 (10 = best), not {m}."),
            );
        }
        for f in &self.feelings {
            if !(0..=10).contains(&f.intensity) {
                errors.add(
                    "feelings",
                    format!(
                        "The intensity of \"{}\" must be between 0 and 10, not {}.",
                        f.name.trim(),
                        f.intensity
                    ),
                );
            }
        }
        let occurred_at = match self
            .occurred_at
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => match timespec::parse_instant(s, tz) {
                Ok(t) => Some(t),
                Err(e) => {
                    errors.add("occurred_at", e.to_string());
                    None
                }
            },
            None => None,
        };
        let content = EntryContent {
            text: self.text,
            mood: self.mood.map(small),
            feelings: self
                .feelings
                .into_iter()
                .map(|f| Feeling {
                    name: f.name,
                    intensity: small(f.intensity),
                })
                .collect(),
            triggers: self.triggers,
            tags: self.tags,
            prompts: self.prompts,
            starred: self.starred,
            shared: self.shared,
        };
        errors.into_result((content, occurred_at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_numbers_get_a_clear_message() {
        let input = EntryInput {
            text: "x".into(),
            mood: Some(300),
            feelings: vec![FeelingInput {
                name: "sad".into(),
                intensity: -1,
            }],
            ..Default::default()
        };
        let err = input.into_parts(&TimeZone::UTC).unwrap_err();
        assert!(err.get("mood").unwrap().contains("300"));
        assert!(err.get("feelings").unwrap().contains("-1"));
    }
}
