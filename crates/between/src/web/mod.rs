//! The web front end: server-rendered HTML pages and the JSON API on one
//! axum router, with security headers, body limits and request logs that
//! never contain what people wrote.

mod api;
mod auth;
mod body_limit;
pub mod charts;
pub mod client_addr;
mod cookie_prefix;
mod errors;
mod forms;
mod highlight;
mod import_slot;
mod layout;
pub mod metrics;
mod middleware;
pub mod next_path;
mod paging;
mod period;
pub mod phone_links;
pub mod route_table;
mod routes;
pub(crate) mod schedule_picker;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use between_app::App;

pub use api::ErrorCode;
pub use layout::Layout;

/// Settings of the web front end.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Shown in titles; may be neutral so the tab does not give away what it is.
    pub title: String,
    /// Where the quick-exit button leads.
    pub exit_url: String,
    /// Mark cookies `Secure` and name them `__Host-…` (when served over
    /// HTTPS).
    pub secure_cookies: bool,
    /// The address people reach the server at, without a trailing slash.
    pub public_url: String,
    /// Crisis contacts shown on the "In crisis?" page and with safety
    /// messages, one line each.
    pub crisis_contacts: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (sign-in
    /// throttles count that address, not the proxy's).
    pub trusted_proxies: Vec<client_addr::Cidr>,
    /// The VAPID public key browsers subscribe to Web Push with, when this
    /// server sends push reminders.
    pub push_public_key: Option<String>,
    /// Whether this server sends email reminders (an SMTP server is set).
    pub email_reminders: bool,
}

/// Sensible defaults for crisis contacts; deployments set their own.
pub fn default_crisis_contacts() -> Vec<String> {
    vec![
        "Your local emergency number (112 in the EU, 999 in the UK, 911 in the US)".into(),
        "United States: call or text 988 (Suicide & Crisis Lifeline)".into(),
        "United Kingdom and Ireland: call 116 123 (Samaritans), free, day and night".into(),
        "Elsewhere: findahelpline.com lists free, confidential helplines by country".into(),
    ]
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            title: "Between".into(),
            exit_url: "https://www.bbc.co.uk/weather".into(),
            secure_cookies: false,
            public_url: "http://127.0.0.1:8080".into(),
            crisis_contacts: default_crisis_contacts(),
            trusted_proxies: Vec::new(),
            push_public_key: None,
            email_reminders: false,
        }
    }
}

/// What every handler gets.
#[derive(Clone)]
pub struct WebState {
    pub app: App,
    pub settings: Arc<WebSettings>,
    pub metrics: Arc<metrics::Metrics>,
}

/// The whole router: pages, static files and the API.
pub fn router(app: App, settings: WebSettings) -> Router {
    router_counting(app, settings, Arc::default())
}

/// [`router`], counting requests into `metrics`.
pub fn router_counting(app: App, settings: WebSettings, metrics: Arc<metrics::Metrics>) -> Router {
    let state = WebState {
        app,
        settings: Arc::new(settings),
        metrics,
    };
    let api = route_table::build(api::table())
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::middleware::from_fn(api::storable_query))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            api::idempotency::replay,
        ))
        .layer(body_limit::BodyLimit(api::BODY_LIMIT));
    route_table::build(routes::table())
        .layer(axum::middleware::from_fn(forms::check_query))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            forms::check_origin,
        ))
        .layer(body_limit::BodyLimit(routes::FORM_LIMIT))
        .nest(api::PREFIX, api)
        .layer(axum::middleware::from_fn(body_limit::explain))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::log_requests,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            cookie_prefix::host_prefix,
        ))
        .with_state(state)
}

/// How long running requests may take to finish once a stop is asked for.
pub const DRAIN_TIME: Duration = Duration::from_secs(20);

/// Serves until `shutdown` completes, then finishes running requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    settings: WebSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    serve_with(listener, None, app, settings, shutdown).await
}

/// Serves the app on `listener` (and metrics on `metrics_listener`) until
/// `shutdown` completes; then stops accepting connections, lets running
/// requests finish for up to [`DRAIN_TIME`], finishes background work and
/// closes the store's connections.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    metrics_listener: Option<tokio::net::TcpListener>,
    app: App,
    settings: WebSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let housekeeping = tokio::spawn(housekeeping(app.clone()));
    let counts = Arc::new(metrics::Metrics::default());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let when_stopped = move || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }
    };
    let stopping = async move {
        shutdown.await;
        tracing::info!("stopping: no new connections; running requests may finish");
        let _ = stop.send(true);
    };
    let metrics_task = metrics_listener.map(|listener| {
        let router = metrics::router(app.clone(), counts.clone());
        let stopped = when_stopped();
        tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(stopped)
                .await
        })
    });
    let deadline = {
        let stopped = when_stopped();
        async move {
            stopped.await;
            tokio::time::sleep(DRAIN_TIME).await;
        }
    };
    let router = router_counting(app.clone(), settings, counts);
    let serving = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stopping);
    tokio::select! {
        served = serving => served?,
        () = deadline => tracing::warn!("requests still running after {} s; stopping anyway", DRAIN_TIME.as_secs()),
    }
    housekeeping.abort();
    if let Some(task) = metrics_task {
        task.abort();
    }
    app.settle().await;
    app.store().close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Removes expired sessions, the snapshots of closed private links, ended
/// throttle windows, unfinished code steps of sign-ins and entries deleted
/// more than 30 days ago.
async fn housekeeping(app: App) {
    let mut tick = tokio::time::interval(Duration::from_secs(60 * 60));
    loop {
        tick.tick().await;
        let now = app.now_micros();
        if let Err(err) = app.store().delete_expired_credentials(now).await {
            tracing::warn!(error = %err, "could not remove expired sessions");
        }
        if let Err(err) = app.store().erase_closed_private_links(now).await {
            tracing::warn!(error = %err, "could not erase closed private links");
        }
        if let Err(err) = app.purge_throttles().await {
            tracing::warn!(error = %err, "could not remove ended sign-in throttles");
        }
        if let Err(err) = app.purge_pending_signins().await {
            tracing::warn!(error = %err, "could not remove unfinished code steps");
        }
        if let Err(err) = app.purge_ceremonies().await {
            tracing::warn!(error = %err, "could not remove unfinished passkey requests");
        }
        if let Err(err) = app.purge_expired_deletions().await {
            tracing::warn!(error = %err, "could not purge old deleted entries");
        }
    }
}
