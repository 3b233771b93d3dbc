//! Result sets packed into one text value. SQLite's driver hands every
//! result row from its worker thread to the caller separately, which costs
//! more than reading the row; listing hundreds of rows is several times
//! faster when they arrive as one value: fields joined by `|`, rows by `,`,
//! binary as hex. Only ids, numbers and hex go in, so neither separator can
//! occur inside a field.

/// Upper-case hex (SQLite's `hex()`) to bytes.
pub(crate) fn from_hex(s: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// Times joined by `,` (an aggregate of `occurred_at`), in their order.
pub(crate) fn times(joined: Option<String>) -> Result<Vec<i64>, crate::StoreError> {
    joined
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| crate::StoreError::Corrupt(format!("bad time {s:?}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_decodes_both_cases_and_refuses_anything_else() {
        assert_eq!(from_hex("00ff7Fa0"), Some(vec![0, 255, 127, 160]));
        assert_eq!(from_hex(""), Some(vec![]));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
    }
}
