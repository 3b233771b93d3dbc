//! Prometheus metrics in the text format, on a listener of the operator's
//! choosing (`--metrics-listen`), never on the public one: requests and
//! their latency per route pattern (`/journal/{id}`, never a path with an
//! id in it), the database pool, the unlock queue, background jobs and
//! imports. Nothing names a person, an account or what anyone wrote.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use between_app::App;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Request counts and latencies, per route pattern and method.
#[derive(Debug, Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<(String, String), RouteStats>>,
}

#[derive(Debug, Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    /// Requests at or under each bucket's bound (not yet cumulative).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn record(&self, method: &str, route: &str, status: u16, took: Duration) {
        // Labels come from a closed set, so no request can grow the table:
        // route patterns and status codes are few; methods outside HTTP's
        // own count as one.
        let method = match method {
            "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
            _ => "OTHER",
        };
        let seconds = took.as_secs_f64();
        let mut routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        let stats = match routes.get_mut(&(route.to_string(), method.to_string())) {
            Some(stats) => stats,
            None => routes
                .entry((route.to_string(), method.to_string()))
                .or_default(),
        };
        *stats.by_status.entry(status).or_default() += 1;
        if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            stats.buckets[i] += 1;
        }
        stats.count += 1;
        stats.sum_seconds += seconds;
    }

    /// Every metric in the Prometheus text format (version 0.0.4).
    pub fn render(&self, app: &App) -> String {
        let mut out = String::with_capacity(8 * 1024);
        {
            let routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
            header(
                &mut out,
                "between_http_requests_total",
                "counter",
                "Requests answered, by route pattern, method and status.",
            );
            for ((route, method), stats) in routes.iter() {
                for (status, n) in &stats.by_status {
                    let _ = writeln!(
                        out,
                        "between_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                        escape(route),
                        escape(method)
                    );
                }
            }
            header(
                &mut out,
                "between_http_request_duration_seconds",
                "histogram",
                "Time from a request's arrival to its response, by route pattern and method.",
            );
            for ((route, method), stats) in routes.iter() {
                let labels = format!("route=\"{}\",method=\"{}\"", escape(route), escape(method));
                let mut cumulative = 0;
                for (bound, n) in BUCKETS.iter().zip(stats.buckets) {
                    cumulative += n;
                    let _ = writeln!(
                        out,
                        "between_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                    );
                }
                let _ = writeln!(
                    out,
                    "between_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    stats.count
                );
                let _ = writeln!(
                    out,
                    "between_http_request_duration_seconds_sum{{{labels}}} {}",
                    stats.sum_seconds
                );
                let _ = writeln!(
                    out,
                    "between_http_request_duration_seconds_count{{{labels}}} {}",
                    stats.count
                );
            }
        }
        let m = app.metrics();
        let mut gauge = |name: &str, kind: &str, help: &str, value: u64| {
            header(&mut out, name, kind, help);
            let _ = writeln!(out, "{name} {value}");
        };
        let wide = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        gauge(
            "between_db_pool_connections_open",
            "gauge",
            "Database connections open.",
            m.pool.open.into(),
        );
        gauge(
            "between_db_pool_connections_idle",
            "gauge",
            "Open database connections waiting for work.",
            m.pool.idle.into(),
        );
        gauge(
            "between_db_pool_connections_max",
            "gauge",
            "Most database connections this instance opens (--db-max-connections).",
            m.pool.max.into(),
        );
        gauge(
            "between_key_derivations_total",
            "counter",
            "Password and recovery-code key derivations run.",
            m.key_derivations,
        );
        gauge(
            "between_unlock_waiting",
            "gauge",
            "Sign-ins and other unlocks waiting for a turn (the key-derivation queue).",
            wide(m.unlock_waiting),
        );
        gauge(
            "between_unlock_running",
            "gauge",
            "Unlocks running now.",
            wide(m.unlock_running),
        );
        gauge(
            "between_unlock_permits",
            "gauge",
            "Unlocks that may run at once.",
            wide(m.unlock_permits),
        );
        gauge(
            "between_background_jobs_pending",
            "gauge",
            "Background jobs (publishing agendas to therapists) waiting or running.",
            wide(m.background_pending),
        );
        gauge(
            "between_imports_total",
            "counter",
            "Imports finished.",
            m.imports,
        );
        gauge(
            "between_imported_items_total",
            "counter",
            "Entries and records that imports added.",
            m.imported_items,
        );
        if let Some(rss) = resident_bytes() {
            gauge(
                "process_resident_memory_bytes",
                "gauge",
                "Resident memory of this process.",
                rss,
            );
        }
        out
    }
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A label value with `\`, `"` and newlines escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// This process's resident memory, from /proc (Linux only).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// The metrics listener's router: `GET /metrics`, nothing else.
pub fn router(app: App, metrics: std::sync::Arc<Metrics>) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let (app, metrics) = (app.clone(), metrics.clone());
            async move { exposition(metrics.render(&app)) }
        }),
    )
}

fn exposition(body: String) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusual_methods_share_one_label_so_requests_cannot_grow_the_table() {
        let metrics = Metrics::default();
        for i in 0..1000 {
            metrics.record(
                &format!("X{i}"),
                "(unmatched)",
                405,
                Duration::from_millis(1),
            );
        }
        metrics.record("GET", "/healthz", 200, Duration::from_millis(1));
        let routes = metrics.routes.lock().unwrap_or_else(|p| p.into_inner());
        assert_eq!(routes.len(), 2);
        assert_eq!(
            routes[&("(unmatched)".to_string(), "OTHER".to_string())].count,
            1000
        );
    }
}
