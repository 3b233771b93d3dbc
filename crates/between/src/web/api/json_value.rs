//! A request body parsed to a JSON value under the one rule for text that
//! can be stored (`between_domain::storable`): no NUL character (raw or
//! written `\u0000`) and nothing that is not Unicode (bytes that are not
//! UTF-8, or a lone surrogate such as `\ud800`), in any key or string.
//! Every refusal names the JSON path where the text is.

use between_domain::storable::{check_bytes, check_text, field_label};
use between_domain::ValidationErrors;
use serde_json::Value;

/// At most this many fields are named in one error.
const MAX_NAMED: usize = 20;

/// Why a body is not a JSON value that can be stored.
#[derive(Debug)]
pub enum BodyError {
    /// Text no backend may store, by field.
    Unstorable(ValidationErrors),
    /// Not JSON: where the parser stopped and why.
    Malformed { path: String, message: String },
}

/// Parses `bytes`, refusing text that cannot be stored.
pub fn parse(bytes: &[u8]) -> Result<Value, BodyError> {
    // The first byte that breaks the rule (bad UTF-8, or a raw NUL) is
    // located by parsing the body up to it: the parser stops inside the
    // string that holds it, and its path names the field.
    let bad_at = match std::str::from_utf8(bytes) {
        Err(e) => Some(e.valid_up_to()),
        Ok(text) => text.find('\0'),
    };
    if let Some(at) = bad_at {
        return Err(match path_of(&bytes[..at]) {
            Some(path) => BodyError::Unstorable(
                check_bytes(&field_name(&path), bytes)
                    .err()
                    .unwrap_or_else(|| ValidationErrors::single("body", "Unreadable text.")),
            ),
            None => malformed_before(&bytes[..at]),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: Value = match serde_path_to_error::deserialize(&mut de) {
        Ok(value) => value,
        Err(e) => {
            let path = field_name(&e.path().to_string());
            let err = e.into_inner();
            let text = err.to_string();
            if text.contains("surrogate") || text.contains("end of hex escape") {
                let label = field_label(&path);
                return Err(BodyError::Unstorable(ValidationErrors::single(
                    &label,
                    format!("\"{label}\" is not valid Unicode text (a lone surrogate escape such as \\ud800), which Between cannot store."),
                )));
            }
            return Err(BodyError::Malformed {
                path,
                message: text,
            });
        }
    };
    de.end().map_err(|e| BodyError::Malformed {
        path: "body".into(),
        message: e.to_string(),
    })?;
    let mut errors = ValidationErrors::new();
    let mut named = 0;
    walk(&value, &mut String::new(), &mut errors, &mut named);
    errors.into_result(value).map_err(BodyError::Unstorable)
}

/// The path a JSON prefix ends inside, when the prefix is JSON so far (it
/// only ran out of input).
fn path_of(prefix: &[u8]) -> Option<String> {
    let mut de = serde_json::Deserializer::from_slice(prefix);
    match serde_path_to_error::deserialize::<_, Value>(&mut de) {
        Err(e) if e.inner().is_eof() => Some(e.path().to_string()),
        // A body that is complete before the bad byte: the byte trails it.
        Ok(_) => Some(".".into()),
        Err(_) => None,
    }
}

fn malformed_before(prefix: &[u8]) -> BodyError {
    let mut de = serde_json::Deserializer::from_slice(prefix);
    match serde_path_to_error::deserialize::<_, Value>(&mut de) {
        Err(e) => BodyError::Malformed {
            path: field_name(&e.path().to_string()),
            message: e.into_inner().to_string(),
        },
        Ok(_) => BodyError::Malformed {
            path: "body".into(),
            message: "unreadable".into(),
        },
    }
}

/// A path as a field name; the whole body is `body`.
pub fn field_name(path: &str) -> String {
    if path == "." || path.is_empty() {
        "body".into()
    } else {
        path.to_string()
    }
}

/// Records a problem with `text` at `at`, naming at most [`MAX_NAMED`].
fn check(at: &str, text: &str, errors: &mut ValidationErrors, named: &mut usize) {
    if *named >= MAX_NAMED {
        return;
    }
    if let Err(e) = check_text(&field_name(at), text) {
        *named += 1;
        for (field, message) in e.fields() {
            errors.add(field, message.clone());
        }
    }
}

fn walk(value: &Value, path: &mut String, errors: &mut ValidationErrors, named: &mut usize) {
    match value {
        Value::String(s) => check(path, s, errors, named),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, errors, named);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                check(path, key, errors, named);
                walk(item, path, errors, named);
                path.truncate(len);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unstorable(body: &[u8]) -> ValidationErrors {
        match parse(body) {
            Err(BodyError::Unstorable(e)) => e,
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(body)),
        }
    }

    #[test]
    fn an_escaped_nul_is_refused_naming_its_path() {
        let e = unstorable(br#"{"text": "a\u0000b"}"#);
        assert!(e.get("text").unwrap().contains("NUL"), "{e}");
        let e = unstorable(br#"{"feelings": [{"name": "sad\u0000", "intensity": 1}]}"#);
        assert!(e.get("feelings[0].name").is_some(), "{e}");
    }

    #[test]
    fn a_nul_in_a_key_is_refused_too() {
        let e = unstorable(br#"{"values": {"sl\u0000eep": 7}}"#);
        assert!(e.to_string().contains("NUL"), "{e}");
    }

    #[test]
    fn a_raw_nul_or_bad_utf8_is_refused_naming_the_field_it_is_in() {
        let e = unstorable(b"{\"text\": \"ok\", \"why\": \"a\xffb\"}");
        assert!(e.get("why").unwrap().contains("UTF-8"), "{e}");
        let e = unstorable(b"{\"tags\": [\"x\", \"a\0b\"]}");
        assert!(e.get("tags[1]").unwrap().contains("NUL"), "{e}");
    }

    #[test]
    fn a_lone_surrogate_is_refused_naming_the_field() {
        for body in [
            br#"{"text": "\ud800"}"#.as_slice(),
            br#"{"text": "\udc00"}"#,
            br#"{"text": "\ud800\u0041"}"#,
        ] {
            let e = unstorable(body);
            assert!(e.get("text").unwrap().contains("Unicode"), "{e}");
        }
        assert!(
            parse(br#"{"text": "\ud83d\ude42"}"#).is_ok(),
            "a pair is fine"
        );
    }

    #[test]
    fn malformed_json_names_where_it_broke() {
        match parse(br#"{"text": "x", "mood": }"#) {
            Err(BodyError::Malformed { path, .. }) => assert_eq!(path, "mood"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse(b"{} {}"), Err(BodyError::Malformed { .. })));
    }

    #[test]
    fn many_bad_strings_name_a_bounded_number_of_fields() {
        let body = serde_json::json!({ "tags": vec!["\0"; 5000] }).to_string();
        let e = unstorable(body.as_bytes());
        assert_eq!(e.fields().len(), MAX_NAMED);
    }
}
