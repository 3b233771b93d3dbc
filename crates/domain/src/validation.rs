//! Field-level validation errors, shared by every kind of record so that the
//! web, the CLI and the API can all say exactly which field is wrong and why.
//! Bounded by construction: at most [`MAX_PROBLEMS`] problems are kept (the
//! rest are counted), each message and field name cut to a fixed length, so
//! no input, however large or broken, makes a large error.

use std::collections::BTreeMap;
use std::fmt;

use crate::echo;

/// The most problems named one by one; further ones are only counted.
pub const MAX_PROBLEMS: usize = 20;

/// The most characters of one problem's message.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// The most characters of a field name.
pub const MAX_FIELD_CHARS: usize = 100;

/// A set of problems with user input, keyed by field name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors {
    fields: BTreeMap<String, String>,
    /// Problems beyond [`MAX_PROBLEMS`], counted but not kept.
    more: usize,
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// One problem with one field.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    /// Records a problem; the first message for a field wins, since it is
    /// usually the most basic one. Beyond [`MAX_PROBLEMS`] fields a problem
    /// is only counted.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        let field = echo::cut(field, MAX_FIELD_CHARS);
        if self.fields.contains_key(&field) {
            return;
        }
        if self.fields.len() >= MAX_PROBLEMS {
            self.more += 1;
            return;
        }
        let message = echo::cut(&message.into(), MAX_MESSAGE_CHARS);
        self.fields.insert(field, message);
    }

    /// Counts `n` problems that are not named (e.g. those another set
    /// counted but did not keep).
    pub fn add_unnamed(&mut self, n: usize) {
        self.more += n;
    }

    /// How many problems were counted beyond the ones named.
    pub fn more(&self) -> usize {
        self.more
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.more == 0
    }

    pub fn fields(&self) -> &BTreeMap<String, String> {
        &self.fields
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn into_result<T>(self, value: T) -> Result<T, ValidationErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = self.fields.values().map(String::as_str).collect();
        f.write_str(&messages.join(" "))?;
        match self.more {
            0 => Ok(()),
            1 => f.write_str(" There is 1 more problem."),
            n => write!(f, " There are {n} more problems."),
        }
    }
}

impl std::error::Error for ValidationErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_million_problems_make_a_short_message_that_counts_them() {
        let mut errors = ValidationErrors::new();
        for i in 0..1_000_000 {
            errors.add(&format!("entries[{i}].date"), format!("Entry {i}: bad."));
        }
        assert_eq!(errors.fields().len(), MAX_PROBLEMS);
        assert_eq!(errors.more(), 1_000_000 - MAX_PROBLEMS);
        let text = errors.to_string();
        assert!(text.ends_with("There are 999980 more problems."), "{text}");
        assert!(text.len() < 1_000, "{}", text.len());
    }

    #[test]
    fn a_huge_message_or_field_name_is_cut() {
        let mut errors = ValidationErrors::new();
        errors.add(&"f".repeat(1_000_000), "x".repeat(1_000_000));
        let (field, message) = errors.fields().iter().next().unwrap();
        assert_eq!(field.chars().count(), MAX_FIELD_CHARS + 1);
        assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS + 1);
    }

    #[test]
    fn counted_problems_alone_are_still_errors() {
        let mut errors = ValidationErrors::new();
        errors.add_unnamed(3);
        assert!(!errors.is_empty());
        assert!(errors.into_result(()).is_err());
    }
}
