//! Static assets compiled into the binary: stylesheet, the little script
//! (quick exit, push, the offline queue), the service worker, the icon and
//! the web app manifest.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::json;

use crate::web::WebState;

const CACHE: &str = "public, max-age=3600";

pub async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        include_str!("../../../static/style.css"),
    )
}

pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        include_str!("../../../static/app.js"),
    )
}

/// The service worker with its cache named for this build (the version
/// and a hash of the assets it keeps), so a new build's worker replaces
/// the kept pages and assets.
static SERVICE_WORKER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    use std::hash::{Hash, Hasher};
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    (
        include_str!("../../../static/style.css"),
        include_str!("../../../static/app.js"),
        include_str!("../../../templates/base.html"),
        include_str!("../../../templates/entry_form.html"),
        include_str!("../../../templates/offline.html"),
        include_str!("../../../templates/offline_checkin.html"),
    )
        .hash(&mut hash);
    let version = format!("{}-{:016x}", env!("CARGO_PKG_VERSION"), hash.finish());
    include_str!("../../../static/sw.js").replace("__VERSION__", &version)
});

/// The service worker, at the root so its scope is the whole site; never
/// cached long, so a new version takes over at the next visit.
pub async fn service_worker() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SERVICE_WORKER.as_str(),
    )
}

pub async fn icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, CACHE),
        ],
        include_str!("../../../static/icon.svg"),
    )
}

/// Lets people add the app to their phone's home screen, under the
/// deployment's (possibly neutral) title.
pub async fn manifest(State(state): State<WebState>) -> impl IntoResponse {
    let manifest = json!({
        "name": state.settings.title,
        "short_name": state.settings.title,
        "start_url": "/journal",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f6f2",
        "theme_color": "#35566f",
        "icons": [{"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    });
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, CACHE),
        ],
        manifest.to_string(),
    )
}

/// The quick exit for pages rendered without the deployment's settings
/// (error pages): sends the browser on to the neutral site.
pub async fn exit(State(state): State<WebState>) -> axum::response::Redirect {
    axum::response::Redirect::to(&state.settings.exit_url)
}

pub async fn healthz() -> &'static str {
    "ok"
}
