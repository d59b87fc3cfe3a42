//! Prometheus metrics at `/metrics`: requests and their durations per route (the route's
//! pattern, never the concrete path, so no case id lands in a metric), method and status.

use std::sync::Arc;

use ave_store::{Store, WriterMetrics};
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Labels of one request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

/// Labels of a duration.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: String,
}

fn buckets() -> Histogram {
    // 0.5 ms … about 4 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 14))
}

/// The server's metrics.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram, fn() -> Histogram>,
    kept: Option<KeptRows>,
}

/// The store's kept case rows (PostgreSQL), read when the metrics are asked for.
#[derive(Debug, Clone)]
struct KeptRows {
    store: Store,
    listening: Gauge,
    rows: Gauge,
}

impl Metrics {
    /// The metrics of a server over `store` and its group-commit `writer`
    /// (`ave_schrijver_opdrachten_per_transactie`, `ave_schrijver_transactie_seconds`: how
    /// many commands each transaction took and how long it took to its durable commit), with
    /// its kept case rows when it keeps them (`ave_casusrijen_luisteren`: 1 while rows are
    /// served from memory, 0 while every read goes to the database;
    /// `ave_casusrijen_bewaard`: how many are kept).
    pub fn of(store: &Store, writer: &WriterMetrics) -> Metrics {
        let mut registry = Registry::with_prefix("ave");
        let requests = Family::<RequestLabels, Counter>::default();
        let durations =
            Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(buckets);
        registry.register(
            "http_requests",
            "HTTP requests by route, method and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request durations by route and method",
            durations.clone(),
        );
        registry.register(
            "schrijver_opdrachten_per_transactie",
            "Commands stored by each transaction of the group-commit writer",
            writer.appends().clone(),
        );
        registry.register_with_unit(
            "schrijver_transactie",
            "Duration of each transaction of the group-commit writer, to its durable commit",
            prometheus_client::registry::Unit::Seconds,
            writer.seconds().clone(),
        );
        let kept = store.kept_rows_status().map(|_| {
            let kept = KeptRows {
                store: store.clone(),
                listening: Gauge::default(),
                rows: Gauge::default(),
            };
            registry.register(
                "casusrijen_luisteren",
                "Whether case rows are served from memory (1) or each read from the database (0)",
                kept.listening.clone(),
            );
            registry.register(
                "casusrijen_bewaard",
                "Case rows kept in memory",
                kept.rows.clone(),
            );
            kept
        });
        Metrics {
            registry: Arc::new(registry),
            requests,
            durations,
            kept,
        }
    }

    /// The metrics in the text exposition format.
    pub fn render(&self) -> String {
        if let Some(kept) = &self.kept
            && let (Some((on, _, _)), Some(rows)) =
                (kept.store.kept_rows_status(), kept.store.kept_rows())
        {
            kept.listening.set(i64::from(on));
            kept.rows.set(i64::try_from(rows).unwrap_or(i64::MAX));
        }
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// Counts and times every request. (The edge: it reads the monotonic clock.)
#[allow(clippy::disallowed_methods)]
pub async fn track(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "onbekend".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    // The route pattern, never the path: no case or person ids in the log. Every request at
    // `debug` (turn on with `AVE_LOG=info,ave_server::request=debug`); a server error at
    // `warn`, so it shows at the default level. Counts and durations per route are always in
    // the metrics, and who read or changed what goes to the audit log, not here.
    let status = response.status().as_u16();
    if status >= 500 {
        tracing::warn!(target: "ave_server::request", method = %method, route = %route, status, ms = seconds * 1000.0, "verzoek mislukt");
    } else {
        tracing::debug!(target: "ave_server::request", method = %method, route = %route, status, ms = seconds * 1000.0, "verzoek");
    }
    metrics
        .durations
        .get_or_create(&RouteLabels {
            route: route.clone(),
            method: method.clone(),
        })
        .observe(seconds);
    metrics
        .requests
        .get_or_create(&RequestLabels {
            route,
            method,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// `GET /metrics`.
pub async fn endpoint(State(metrics): State<Metrics>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.render(),
    )
}
