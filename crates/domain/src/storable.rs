//! The one rule for text that crosses into Between from outside (forms, API
//! bodies and queries, imported files): it must be valid UTF-8 without NUL
//! characters, because PostgreSQL cannot store NUL in text and no person
//! types one. Every boundary calls [`check_text`] or [`check_bytes`] and
//! answers with a 4xx that names the field.

use crate::ValidationErrors;

/// The longest field name quoted in an error, so hostile names cannot make
/// error messages large.
const MAX_FIELD_CHARS: usize = 60;

/// A field name as it may appear in an error message: cut to a bounded
/// length, control characters removed.
pub fn field_label(field: &str) -> String {
    let mut out: String = field
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FIELD_CHARS)
        .collect();
    if field.chars().count() > MAX_FIELD_CHARS {
        out.push('…');
    }
    out
}

/// Refuses text holding a NUL character.
pub fn check_text(field: &str, text: &str) -> Result<(), ValidationErrors> {
    if text.contains('\0') {
        let label = field_label(field);
        return Err(ValidationErrors::single(
            &label,
            format!("\"{label}\" contains a NUL character (\\0), which Between cannot store."),
        ));
    }
    Ok(())
}

/// Refuses bytes that are not UTF-8 text without NUL characters.
pub fn check_bytes<'a>(field: &str, bytes: &'a [u8]) -> Result<&'a str, ValidationErrors> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let label = field_label(field);
        ValidationErrors::single(
            &label,
            format!(
                "\"{label}\" is not valid UTF-8 text (bad byte at position {}).",
                e.valid_up_to()
            ),
        )
    })?;
    check_text(field, text)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_in_any_script_passes() {
        for ok in ["", "Hello", "日本語 🙂", "line\nbreak\ttab"] {
            assert!(check_text("text", ok).is_ok(), "{ok:?}");
            assert_eq!(check_bytes("text", ok.as_bytes()).unwrap(), ok);
        }
    }

    #[test]
    fn nul_is_refused_naming_the_field() {
        let err = check_text("name", "ada\0").unwrap_err();
        assert!(err.get("name").unwrap().contains("NUL"), "{err}");
    }

    #[test]
    fn invalid_utf8_is_refused_naming_the_field_and_position() {
        let err = check_bytes("text", b"ok\xff").unwrap_err();
        assert!(err.get("text").unwrap().contains("position 2"), "{err}");
    }

    #[test]
    fn hostile_field_names_are_bounded_in_errors() {
        let field = format!("\u{7}{}", "x".repeat(10_000));
        let err = check_text(&field, "\0").unwrap_err();
        assert!(err.to_string().len() < 300, "{}", err.to_string().len());
    }
}
