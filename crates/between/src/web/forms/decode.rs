//! Decoding url-encoded text (a form body or a query string) to the bytes
//! that were sent, each name and value checked by the one rule for storable
//! text. `form_urlencoded::parse` would replace invalid UTF-8 with U+FFFD
//! and let it pass unnoticed; here it is refused, naming the field.

use between_domain::storable::{check_bytes, field_label};
use between_domain::ValidationErrors;

/// The fields of `input`, in order, or the first one no backend may store.
pub(super) fn pairs(input: &[u8]) -> Result<Vec<(String, String)>, ValidationErrors> {
    input
        .split(|b| *b == b'&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = match piece.iter().position(|b| *b == b'=') {
                Some(at) => (&piece[..at], &piece[at + 1..]),
                None => (piece, &piece[piece.len()..]),
            };
            let (name, value) = (unescape(name), unescape(value));
            let label = field_label(&String::from_utf8_lossy(&name));
            let name = check_bytes(&label, &name)?.to_string();
            let value = check_bytes(&name, &value)?.to_string();
            Ok((name, value))
        })
        .collect()
}

/// `+` as a space and `%XX` as the byte it names; anything else as it is
/// (a `%` without two hex digits stays a `%`, as browsers do).
fn unescape(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                input.get(i + 1).and_then(hex),
                input.get(i + 2).and_then(hex),
            ) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn hex(b: &u8) -> Option<u8> {
    (*b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> Vec<(String, String)> {
        pairs(input.as_bytes()).unwrap()
    }

    #[test]
    fn fields_decode_as_browsers_send_them() {
        assert_eq!(
            ok("a=1&b=x+y&a=2&c=%C3%A9&&flag&pct=100%&e="),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("a".into(), "2".into()),
                ("c".into(), "é".into()),
                ("flag".into(), "".into()),
                ("pct".into(), "100%".into()),
                ("e".into(), "".into()),
            ]
        );
        assert_eq!(ok("k=%2B%26%3d"), vec![("k".into(), "+&=".into())]);
    }

    #[test]
    fn a_nul_in_a_value_is_refused_naming_the_field() {
        let err = pairs(b"csrf=t&name=ada%00").unwrap_err();
        assert!(err.get("name").unwrap().contains("NUL"), "{err}");
    }

    #[test]
    fn invalid_utf8_is_refused_not_replaced() {
        let err = pairs(b"text=caf%E9").unwrap_err();
        assert!(
            err.get("text").unwrap().contains("not valid UTF-8"),
            "{err}"
        );
        let raw = pairs(b"text=caf\xe9").unwrap_err();
        assert!(raw.get("text").is_some(), "{raw}");
    }

    #[test]
    fn a_bad_field_name_is_refused_too() {
        let err = pairs(b"te%00xt=fine").unwrap_err();
        assert!(err.to_string().contains("NUL"), "{err}");
        let err = pairs(b"%FF=fine").unwrap_err();
        assert!(err.to_string().contains("not valid UTF-8"), "{err}");
    }
}
