//! Reading url-encoded form bodies, including repeated fields, which serde's
//! form decoding cannot do.

/// The decoded fields of a form, in order.
#[derive(Debug, Clone, Default)]
pub struct FormData {
    pairs: Vec<(String, String)>,
}

impl FormData {
    pub fn parse(body: &[u8]) -> FormData {
        FormData {
            pairs: form_urlencoded::parse(body).into_owned().collect(),
        }
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
        let f = FormData::parse(b"a=1&b=x+y&a=2&c=%C3%A9");
        assert_eq!(f.all("a"), vec!["1", "2"]);
        assert_eq!(f.get("b"), "x y");
        assert_eq!(f.get("c"), "é");
        assert_eq!(f.get("missing"), "");
    }

    #[test]
    fn lists_split_on_commas_and_lines() {
        assert_eq!(
            split_list(" work meeting, call with mum,,\nsleep "),
            vec!["work meeting", "call with mum", "sleep"]
        );
    }
}
