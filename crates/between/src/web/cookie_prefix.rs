//! Cookie names with the `__Host-` prefix when the site is served over
//! https. A browser keeps such a cookie only if it came Secure, with
//! Path=/ and no Domain, from a secure origin, so a sibling subdomain or a
//! plain-http page cannot set or overwrite it (and a same-named cookie
//! without the prefix is not ours). Done at one boundary: handlers read and
//! set the plain names, this layer renames on the way in and out.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use super::WebState;

/// The prefix browsers enforce.
pub const PREFIX: &str = "__Host-";
/// Every cookie of ours starts so.
const OURS: &str = "between_";

/// The request's cookies as handlers should see them: ours only when they
/// carry the prefix (renamed to the plain name), anyone else's untouched.
fn incoming(values: &[&str]) -> String {
    values
        .iter()
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            match pair.strip_prefix(PREFIX) {
                Some(plain) if plain.starts_with(OURS) => Some(plain),
                _ if name.starts_with(OURS) => None,
                _ => Some(pair),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub async fn host_prefix(
    State(state): State<WebState>,
    mut request: Request,
    next: Next,
) -> Response {
    if !state.settings.secure_cookies {
        return next.run(request).await;
    }
    let headers = request.headers_mut();
    let values: Vec<String> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    headers.remove(header::COOKIE);
    let kept = incoming(&values.iter().map(String::as_str).collect::<Vec<_>>());
    if let Ok(value) = HeaderValue::from_str(&kept) {
        if !kept.is_empty() {
            headers.insert(header::COOKIE, value);
        }
    }
    let mut response = next.run(request).await;
    let set: Vec<HeaderValue> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| match v.to_str() {
            Ok(s) if s.starts_with(OURS) => {
                HeaderValue::from_str(&format!("{PREFIX}{s}")).unwrap_or_else(|_| v.clone())
            }
            _ => v.clone(),
        })
        .collect();
    let headers = response.headers_mut();
    headers.remove(header::SET_COOKIE);
    for v in set {
        headers.append(header::SET_COOKIE, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::incoming;

    #[test]
    fn only_prefixed_cookies_of_ours_reach_handlers() {
        assert_eq!(
            incoming(&[
                "__Host-between_session=s1; between_session=tossed",
                "theme=dark"
            ]),
            "between_session=s1; theme=dark"
        );
        assert_eq!(incoming(&["between_csrf=tossed"]), "");
        assert_eq!(incoming(&["__Host-other=x"]), "__Host-other=x");
    }
}
