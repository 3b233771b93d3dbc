//! Input quoted back in messages: cut to a fixed length, control characters
//! removed, so no error message grows with what was sent (a file with a
//! million columns, a JSON key of a megabyte). Every place that names a
//! value, a column or a file name in an error goes through [`quote`] or
//! [`list`]; [`cut`] bounds whole messages (see `ValidationErrors`).

/// The most characters of one value quoted in a message.
pub const MAX_QUOTED_CHARS: usize = 60;

/// The most characters of a list of names in one message.
pub const MAX_LIST_CHARS: usize = 200;

/// `text` cut to at most `max_chars` characters (an ellipsis marks the
/// cut), with control characters other than newlines and tabs shown as
/// spaces.
pub fn cut(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 4));
    let mut chars = text.chars();
    for c in chars.by_ref().take(max_chars) {
        out.push(if c.is_control() && c != '\n' && c != '\t' {
            ' '
        } else {
            c
        });
    }
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// A value in double quotes, cut to [`MAX_QUOTED_CHARS`] and on one line.
pub fn quote(value: &str) -> String {
    format!(
        "\"{}\"",
        cut(value, MAX_QUOTED_CHARS).replace(['\n', '\t'], " ")
    )
}

/// Names separated by commas, as many as fit in [`MAX_LIST_CHARS`] (each
/// cut to [`MAX_QUOTED_CHARS`]), then how many more there are.
pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    let mut shown = 0usize;
    let mut more = 0usize;
    for item in items {
        let item = cut(item, MAX_QUOTED_CHARS).replace(['\n', '\t'], " ");
        if more == 0 && out.chars().count() + item.chars().count() <= MAX_LIST_CHARS {
            if shown > 0 {
                out.push_str(", ");
            }
            out.push_str(&item);
            shown += 1;
        } else {
            more += 1;
        }
    }
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out
}

/// An error from a parser (serde, csv, zip…) as text of bounded length:
/// such messages may quote the input (an unknown field's name).
pub fn error(err: &dyn std::fmt::Display) -> String {
    cut(&err.to_string(), MAX_LIST_CHARS)
}

/// A size as messages say it: "16 MiB", "512 KiB", "100 bytes".
pub fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    match bytes {
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b >= MIB => format!("{:.1} MiB", b as f64 / MIB as f64),
        b if b >= KIB => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_said_in_the_largest_whole_unit() {
        assert_eq!(size(16 * 1024 * 1024), "16 MiB");
        assert_eq!(size(1024 * 1024 + 512 * 1024), "1.5 MiB");
        assert_eq!(size(2 * 1024), "2 KiB");
        assert_eq!(size(100), "100 bytes");
    }

    #[test]
    fn short_values_are_quoted_whole() {
        assert_eq!(quote("Date"), "\"Date\"");
        assert_eq!(cut("two\nlines", 100), "two\nlines");
    }

    #[test]
    fn long_values_are_cut_with_an_ellipsis() {
        let q = quote(&"é".repeat(10_000));
        assert_eq!(q.chars().count(), MAX_QUOTED_CHARS + 3);
        assert!(q.ends_with("…\""));
    }

    #[test]
    fn control_characters_do_not_reach_a_message() {
        assert_eq!(quote("a\u{7}b\nc"), "\"a b c\"");
    }

    #[test]
    fn a_long_list_names_the_first_and_counts_the_rest() {
        let names: Vec<String> = (0..1_000_000).map(|i| format!("column {i}")).collect();
        let text = list(names.iter().map(String::as_str));
        assert!(text.starts_with("column 0, column 1, "), "{text}");
        assert!(text.len() < MAX_LIST_CHARS + 40, "{}", text.len());
        assert!(text.ends_with(" more"), "{text}");
        assert_eq!(list(["a", "b"]), "a, b");
    }
}
