//! The fields of a form as a person sent them, including repeated fields
//! (which serde's form decoding cannot read) and uploaded files. Only the
//! extractors of this module make one from a request, after the checks.

use axum::body::Bytes;
use between_domain::storable::{check_bytes, field_label};
use between_domain::ValidationErrors;

use super::csrf::FIELD;
use super::decode;

/// The decoded fields of a form, in order, every one storable text, and the
/// files of a multipart form. The form token is not among them: the
/// extractor has checked it.
#[derive(Debug, Clone, Default)]
pub struct FormData {
    pairs: Vec<(String, String)>,
    files: Vec<(String, Bytes)>,
    token: String,
}

/// A form type read from checked fields; parsing is infallible so that a
/// form that fails validation can be shown again exactly as sent.
pub trait FromForm: Sized {
    fn from_fields(fields: FormData) -> Self;
}

impl FromForm for FormData {
    fn from_fields(fields: FormData) -> Self {
        fields
    }
}

impl FormData {
    /// A url-encoded body, or the first field no backend may store.
    pub(super) fn parse(body: &[u8]) -> Result<FormData, ValidationErrors> {
        let mut form = FormData::default();
        for (name, value) in decode::pairs(body)? {
            form.push(name, value);
        }
        Ok(form)
    }

    /// The fields of a form a browser sealed while offline and the server
    /// has opened (`between_app::offline`), each checked by the one rule
    /// for storable text like a posted form's; a form token among them is
    /// dropped (the request that brought them was checked).
    pub fn from_sealed(pairs: Vec<(String, String)>) -> Result<FormData, ValidationErrors> {
        let mut form = FormData::default();
        for (name, value) in pairs {
            let label = field_label(&name);
            let name = check_bytes(&label, name.as_bytes())?.to_string();
            let value = check_bytes(&name, value.as_bytes())?.to_string();
            if name != FIELD {
                form.pairs.push((name, value));
            }
        }
        Ok(form)
    }

    /// Adds a checked text field; the form token is kept apart.
    pub(super) fn push(&mut self, name: String, value: String) {
        if name == FIELD {
            if self.token.is_empty() {
                self.token = value;
            }
        } else {
            self.pairs.push((name, value));
        }
    }

    pub(super) fn push_file(&mut self, name: String, bytes: Bytes) {
        self.files.push((name, bytes));
    }

    /// The form token as sent ("" when missing), for the extractor.
    pub(super) fn token(&self) -> &str {
        &self.token
    }

    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == name)
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The fields whose names start with `prefix`, with it removed (a draft
    /// carried inside another form).
    pub fn under(&self, prefix: &str) -> FormData {
        FormData {
            pairs: self
                .pairs
                .iter()
                .filter_map(|(k, v)| k.strip_prefix(prefix).map(|k| (k.to_string(), v.clone())))
                .collect(),
            ..FormData::default()
        }
    }

    /// The bytes of the first uploaded file named `name`.
    pub fn file(&self, name: &str) -> Option<&Bytes> {
        self.files.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// A form for unit tests of typed forms, from a url-encoded body.
    #[cfg(test)]
    pub fn for_test(body: &str) -> FormData {
        FormData::parse(body.as_bytes()).unwrap_or_default()
    }
}

/// Splits "work meeting, call with mum" into labels.
pub fn split_list(s: &str) -> Vec<String> {
    s.split([',', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_are_all_kept_in_order() {
        let f = FormData::parse(b"a=1&b=x+y&a=2&c=%C3%A9").unwrap();
        assert_eq!(f.all("a"), vec!["1", "2"]);
        assert_eq!(f.get("b"), "x y");
        assert_eq!(f.get("c"), "é");
        assert_eq!(f.get("missing"), "");
    }

    #[test]
    fn the_form_token_is_kept_apart_from_the_fields() {
        let f = FormData::parse(b"csrf=abc&text=hi&csrf=later").unwrap();
        assert_eq!(f.token(), "abc");
        assert!(!f.has("csrf"));
        assert_eq!(f.pairs().len(), 1);
    }

    #[test]
    fn fields_under_a_prefix_are_read_as_a_form_of_their_own() {
        let f = FormData::parse(b"name=ada&draft%3Atext=hi&draft%3Amood=4").unwrap();
        let draft = f.under("draft:");
        assert_eq!(draft.get("text"), "hi");
        assert_eq!(draft.get("mood"), "4");
        assert!(!draft.has("name"));
    }

    #[test]
    fn lists_split_on_commas_and_lines() {
        assert_eq!(
            split_list(" work meeting, call with mum,,\nsleep "),
            vec!["work meeting", "call with mum", "sleep"]
        );
    }
}
