//! Where to go after signing in (`next=`): only ever a path of this site.
//! Browsers drop tabs and newlines from URLs and read `\` as `/`, so
//! `/\t/evil.example` would become `//evil.example` — another site. A value
//! is kept only when it is printable ASCII without `\`, starts with exactly
//! one `/`, and parses as a path and query; anything else leads home.

use std::str::FromStr;

use axum::http::uri::PathAndQuery;

/// Where a person goes when `next` is missing or not acceptable.
pub const FALLBACK: &str = "/";

/// `next` when it is a path of this site, else [`FALLBACK`].
pub fn safe_next(next: &str) -> String {
    let printable = next
        .bytes()
        .all(|b| (0x21..=0x7e).contains(&b) && b != b'\\');
    let one_slash = next.starts_with('/') && !next.starts_with("//");
    if printable && one_slash && PathAndQuery::from_str(next).is_ok() {
        next.to_string()
    } else {
        FALLBACK.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_this_site_are_kept() {
        for ok in [
            "/journal",
            "/journal/new",
            "/agenda?notice=saved",
            "/a/b%2Fc",
            "/",
        ] {
            assert_eq!(safe_next(ok), ok);
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_or_break_a_header_leads_home() {
        let hostile = [
            "",
            "journal",
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/\\evil.example",
            "\\\\evil.example",
            "/ /evil.example",
            "https://evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            "/\u{0}",
            "/\u{7f}",
            "/caf\u{e9}",
            "/\u{2215}\u{2215}evil.example",
            " /journal",
        ];
        for bad in hostile {
            assert_eq!(safe_next(bad), FALLBACK, "{bad:?}");
        }
    }
}
