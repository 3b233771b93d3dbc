//! Result sets packed into one value. SQLite's driver hands every result
//! row from its worker thread to the caller separately, which costs more
//! than reading the row; listing hundreds of rows is several times faster
//! when they arrive as one blob. Each row is its text fields (ids and
//! numbers, never containing `|`) each followed by `|`, then the payload's
//! length and `|`, then the payload's bytes as they are (no hex: half the
//! bytes and no decoding).

use crate::StoreError;

/// The SQL expression that packs one row: `fields` (text expressions)
/// then `payload` (a blob column), for `group_concat(…, '')`.
pub(crate) fn row_sql(fields: &[&str], payload: &str) -> String {
    let mut out = String::new();
    for f in fields {
        out.push_str(f);
        out.push_str(" || '|' || ");
    }
    out.push_str(&format!("length({payload}) || '|' || {payload}"));
    out
}

/// The rows of a packed value, each as its `N` text fields and its
/// payload, in order.
pub(crate) fn rows<'a, const N: usize>(
    packed: &'a [u8],
) -> impl Iterator<Item = Result<([&'a str; N], &'a [u8]), StoreError>> + 'a {
    let mut rest = packed;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let row = next_row::<N>(&mut rest);
        if row.is_err() {
            rest = &[];
        }
        Some(row)
    })
}

fn next_row<'a, const N: usize>(
    rest: &mut &'a [u8],
) -> Result<([&'a str; N], &'a [u8]), StoreError> {
    let corrupt = || StoreError::Corrupt("a packed row is malformed".into());
    let field = |rest: &mut &'a [u8]| -> Result<&'a str, StoreError> {
        let end = rest.iter().position(|b| *b == b'|').ok_or_else(corrupt)?;
        let text = std::str::from_utf8(&rest[..end]).map_err(|_| corrupt())?;
        *rest = &rest[end + 1..];
        Ok(text)
    };
    let mut fields = [""; N];
    for f in fields.iter_mut() {
        *f = field(rest)?;
    }
    let len: usize = field(rest)?.parse().map_err(|_| corrupt())?;
    if rest.len() < len {
        return Err(corrupt());
    }
    let (payload, after) = rest.split_at(len);
    *rest = after;
    Ok((fields, payload))
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
    fn rows_unpack_fields_and_raw_payloads_and_refuse_anything_short() {
        let mut packed = b"a|1|3|".to_vec();
        packed.extend_from_slice(b"|,\0");
        packed.extend_from_slice(b"b||0|");
        let got: Vec<_> = rows::<2>(&packed).collect::<Result<_, _>>().unwrap();
        assert_eq!(got, vec![(["a", "1"], &b"|,\0"[..]), (["b", ""], &b""[..])]);
        assert_eq!(rows::<2>(b"").count(), 0);
        for bad in [&b"a|1|9|abc"[..], b"a|1|x|", b"a|1"] {
            let all: Vec<_> = rows::<2>(bad).collect();
            assert!(all.len() == 1 && all[0].is_err(), "{bad:?}");
        }
    }
}
