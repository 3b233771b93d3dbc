//! Where a state-changing page request came from. Browsers say it in
//! `Sec-Fetch-Site` and `Origin`; a form posted from another site — a
//! sibling subdomain included, which SameSite cookies count as the same
//! site — is refused with a 403 page before any extractor reads it
//! (`Sec-Fetch-Site` other than `same-origin` or `none`, or an `Origin`
//! that is neither the public URL's nor the requested host's). This
//! is a wall in front of the form tokens, not instead of them: a client
//! that sends neither header (a script, an old browser) still needs the
//! token.

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::web::errors::PageError;
use crate::web::WebState;

const CROSS_SITE: &str = "This form was sent from another site, so nothing was done. Open Between directly and try again.";

/// Refuses a page request that changes something when the browser says it
/// came from elsewhere.
pub async fn check_origin(State(state): State<WebState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    if !from_this_site(&request, &state.settings.public_url) {
        return PageError::Forbidden(CROSS_SITE.into()).into_response();
    }
    next.run(request).await
}

fn from_this_site(request: &Request, public_url: &str) -> bool {
    let headers = request.headers();
    let fetch_site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or("cross-site"));
    if let Some(site) = fetch_site {
        if site != "same-origin" && site != "none" {
            return false;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    // Pages are served with `Referrer-Policy: no-referrer`, under which
    // browsers send `Origin: null` with their own forms; then
    // `Sec-Fetch-Site` (checked above) and the form token decide.
    if origin == "null" {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    origin == origin_of(public_url)
        || (!host.is_empty()
            && (origin == format!("http://{host}") || origin == format!("https://{host}")))
}

/// `scheme://host[:port]` of a URL, as browsers write `Origin`.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut r = Request::builder()
            .method(Method::POST)
            .uri("/journal")
            .header("host", "between.example.org");
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.body(Body::empty()).unwrap_or_default()
    }

    const PUBLIC: &str = "https://between.example.org/";

    #[test]
    fn the_public_url_has_one_origin() {
        assert_eq!(origin_of("https://a.example/"), "https://a.example");
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(
            origin_of("https://a.example/between/x"),
            "https://a.example"
        );
    }

    #[test]
    fn forms_from_this_site_pass() {
        for headers in [
            vec![],
            vec![("sec-fetch-site", "same-origin")],
            vec![("sec-fetch-site", "none")],
            vec![("origin", "https://between.example.org")],
            vec![
                ("sec-fetch-site", "same-origin"),
                ("origin", "https://between.example.org"),
            ],
            // What Chromium sends with a page's own form under no-referrer.
            vec![("sec-fetch-site", "same-origin"), ("origin", "null")],
        ] {
            assert!(from_this_site(&post(&headers), PUBLIC), "{headers:?}");
        }
    }

    #[test]
    fn forms_from_elsewhere_are_refused_sibling_subdomains_included() {
        for headers in [
            vec![("sec-fetch-site", "cross-site")],
            vec![("sec-fetch-site", "same-site")],
            vec![("origin", "https://evil.example.org")],
            vec![("origin", "https://between.example.org.evil.example")],
            vec![("sec-fetch-site", "same-site"), ("origin", "null")],
            vec![
                ("sec-fetch-site", "same-origin"),
                ("origin", "https://notes.example.org"),
            ],
        ] {
            assert!(!from_this_site(&post(&headers), PUBLIC), "{headers:?}");
        }
    }
}
