//! Questions for the therapist: captured any time, carried to the next
//! session, answered there. Stored only encrypted.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::search::Query;
use crate::validation::ValidationErrors;

pub const MAX_QUESTION_CHARS: usize = 2_000;
pub const MAX_ANSWER_CHARS: usize = 20_000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub text: String,
    #[serde(default)]
    pub answer: Option<String>,
    /// The appointment in which it was asked.
    #[serde(default)]
    pub appointment_id: Option<Uuid>,
    #[serde(default)]
    pub answered_at: Option<jiff::Timestamp>,
}

impl Question {
    pub fn is_open(&self) -> bool {
        self.answer.is_none()
    }

    pub fn validated(self) -> Result<Question, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let text = self.text.trim().to_string();
        if text.is_empty() {
            errors.add("text", "A question needs some text.");
        } else if text.chars().count() > MAX_QUESTION_CHARS {
            errors.add(
                "text",
                format!("A question can be at most {MAX_QUESTION_CHARS} characters long."),
            );
        }
        let answer = self.answer.map(|a| a.trim().to_string());
        match &answer {
            Some(a) if a.is_empty() => errors.add("answer", "An answer needs some text."),
            Some(a) if a.chars().count() > MAX_ANSWER_CHARS => errors.add(
                "answer",
                format!("An answer can be at most {MAX_ANSWER_CHARS} characters long."),
            ),
            _ => {}
        }
        errors.into_result(Question {
            text,
            answer,
            ..self
        })
    }

    pub fn matches(&self, query: &Query) -> bool {
        query.matches_text(&format!(
            "{}\n{}",
            self.text,
            self.answer.as_deref().unwrap_or("")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_needs_text_and_an_answer_cannot_be_blank() {
        assert!(Question {
            text: "  ".into(),
            ..Default::default()
        }
        .validated()
        .is_err());
        let err = Question {
            text: "Why?".into(),
            answer: Some(" ".into()),
            ..Default::default()
        }
        .validated()
        .unwrap_err();
        assert!(err.get("answer").is_some());
        let ok = Question {
            text: " Why do I freeze? ".into(),
            ..Default::default()
        }
        .validated()
        .unwrap();
        assert_eq!(ok.text, "Why do I freeze?");
        assert!(ok.is_open());
    }

    #[test]
    fn search_covers_question_and_answer() {
        let q = Question {
            text: "Why do I freeze in meetings?".into(),
            answer: Some("Fight or flight".into()),
            ..Default::default()
        };
        assert!(q.matches(&Query::parse("freeze flight").unwrap()));
        assert!(!q.matches(&Query::parse("sleep").unwrap()));
    }
}
