//! Sharing only part of a journal entry: an excerpt the person cut from the
//! entry (deleting what stays private) or a summary they wrote, kept as its
//! own record under the shared-journal key while the entry stays under the
//! private one. Editing the entry later does not change it.

use serde::{Deserialize, Serialize};

use crate::entry::MAX_TEXT_CHARS;
use crate::validation::ValidationErrors;

/// Whether the text was cut from the entry or written about it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExcerptKind {
    /// Part of the entry's own words.
    #[default]
    Part,
    /// A summary the person wrote.
    Summary,
}

impl ExcerptKind {
    pub fn parse(s: &str) -> Option<ExcerptKind> {
        match s.trim() {
            "part" => Some(ExcerptKind::Part),
            "summary" => Some(ExcerptKind::Summary),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ExcerptKind::Part => "part",
            ExcerptKind::Summary => "summary",
        }
    }

    /// How a therapist is told what they are reading.
    pub fn label(self) -> &'static str {
        match self {
            ExcerptKind::Part => "an excerpt",
            ExcerptKind::Summary => "a summary",
        }
    }
}

/// What is shared of one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excerpt {
    pub text: String,
    #[serde(default)]
    pub kind: ExcerptKind,
}

impl Excerpt {
    pub fn validated(self) -> Result<Excerpt, ValidationErrors> {
        let text = self.text.trim().to_string();
        if text.is_empty() {
            return Err(ValidationErrors::single(
                "text",
                "Write what to share, or keep the whole entry private.",
            ));
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(ValidationErrors::single(
                "text",
                format!("Keep what you share under {MAX_TEXT_CHARS} characters."),
            ));
        }
        crate::storable::check_text("text", &text)?;
        Ok(Excerpt { text, ..self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_is_trimmed_and_never_empty() {
        let e = Excerpt {
            text: "  The part about work.\n".into(),
            kind: ExcerptKind::Part,
        }
        .validated()
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.text, "The part about work.");
        let empty = Excerpt {
            text: " \n ".into(),
            kind: ExcerptKind::Summary,
        }
        .validated();
        assert!(empty.is_err());
        assert!(Excerpt {
            text: "a\0b".into(),
            kind: ExcerptKind::Part
        }
        .validated()
        .is_err());
    }

    #[test]
    fn kinds_read_back_from_their_names() {
        for k in [ExcerptKind::Part, ExcerptKind::Summary] {
            assert_eq!(ExcerptKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ExcerptKind::parse("whole"), None);
    }
}
