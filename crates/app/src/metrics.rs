//! 运行指标 (issue 23): what `/metrics` shows, in the Prometheus (OpenMetrics) text format — the
//! requests by route and their latency, the database pool, the registrations written per group
//! commit, the supervision runs and what they opened, the outbox (queued, sent, failed), backups,
//! how far the search index lags the cases, and the background jobs' turns this server took. One registry a process: the services count where
//! the thing happens (`metrics()`), the gauges read from the store are refreshed at each scrape
//! (`render`). Routes are the router's patterns (`/api/v1/cases/{id}`), never a path with its ids
//! or query (which may hold query codes or personal data).

use std::sync::LazyLock;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use huiyin_store::Store;

use crate::error::AppResult;

/// A request's route and method.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

/// A request's route, method and status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ResponseLabels {
    pub method: String,
    pub route: String,
    pub status: String,
}

/// How something ended: `ok` or `failed`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Outcome {
    pub outcome: String,
}

/// A background job's tick: whether this server took the turn (`taken`) or found it held or not
/// due (`skipped`).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobTurn {
    pub job: String,
    pub turn: String,
}

type Latency = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The process's metrics.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<ResponseLabels, Counter>,
    pub latency: Latency,
    pub pool_connections: Gauge,
    pub pool_idle: Gauge,
    pub registration_batch: Histogram,
    pub supervision_runs: Counter,
    pub supervision_items: Counter,
    pub outbox_queued: Gauge,
    pub outbox_sent: Counter,
    pub outbox_failures: Counter,
    pub outbox_dead: Gauge,
    pub backups: Family<Outcome, Counter>,
    pub backup_last_success: Gauge,
    pub search_unindexed: Gauge,
    pub job_turns: Family<JobTurn, Counter>,
}

impl Metrics {
    fn new() -> Metrics {
        let mut registry = Registry::with_prefix("huiyin");
        let m = Metrics {
            registry: Registry::default(),
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram as fn() -> Histogram),
            pool_connections: Gauge::default(),
            pool_idle: Gauge::default(),
            registration_batch: Histogram::new(exponential_buckets(1.0, 2.0, 7)),
            supervision_runs: Counter::default(),
            supervision_items: Counter::default(),
            outbox_queued: Gauge::default(),
            outbox_sent: Counter::default(),
            outbox_failures: Counter::default(),
            outbox_dead: Gauge::default(),
            backups: Family::default(),
            backup_last_success: Gauge::default(),
            search_unindexed: Gauge::default(),
            job_turns: Family::default(),
        };
        registry.register("http_requests", "HTTP requests answered, by route, method and status", m.requests.clone());
        registry.register("http_request_duration_seconds", "Time to answer, by route and method", m.latency.clone());
        registry.register("db_pool_connections", "Database connections open", m.pool_connections.clone());
        registry.register("db_pool_idle", "Database connections open and idle", m.pool_idle.clone());
        registry.register(
            "registration_batch_size",
            "Registrations written in one transaction (group commit)",
            m.registration_batch.clone(),
        );
        registry.register("supervision_runs", "Supervision runs completed", m.supervision_runs.clone());
        registry.register(
            "supervision_items",
            "Supervision items, reminders and escalations opened by the runs",
            m.supervision_items.clone(),
        );
        registry.register("outbox_queued", "Messages waiting in the outbox", m.outbox_queued.clone());
        registry.register("outbox_sent", "Messages delivered from the outbox", m.outbox_sent.clone());
        registry.register("outbox_failures", "Delivery attempts that failed", m.outbox_failures.clone());
        registry.register(
            "outbox_dead",
            "Messages given up after their last attempt (dead letters)",
            m.outbox_dead.clone(),
        );
        registry.register("backups", "Scheduled backups, by outcome", m.backups.clone());
        registry.register(
            "backup_last_success_timestamp_seconds",
            "When the last scheduled backup succeeded (Unix time; 0: none since start)",
            m.backup_last_success.clone(),
        );
        registry.register(
            "search_unindexed_cases",
            "Cases the search index does not hold yet",
            m.search_unindexed.clone(),
        );
        registry.register(
            "job_turns",
            "Background jobs' ticks on this server: the turn taken, or skipped (another server's, or not due)",
            m.job_turns.clone(),
        );
        Metrics { registry, ..m }
    }

    /// Counts a request answered.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        // The methods HTTP names; any other a caller makes up is `other`, so that nobody grows the
        // series by inventing methods.
        let method = match method {
            "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
            _ => "other",
        };
        let (method, route) = (method.to_owned(), route.to_owned());
        self.latency.get_or_create(&RouteLabels { method: method.clone(), route: route.clone() }).observe(seconds);
        self.requests.get_or_create(&ResponseLabels { method, route, status: status.to_string() }).inc();
    }
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// The process's metrics, to count into.
pub fn metrics() -> &'static Metrics {
    &METRICS
}

/// The metrics as text, the gauges the store knows refreshed first.
pub async fn render(store: &dyn Store) -> AppResult<String> {
    let m = metrics();
    let (open, idle) = store.pool_stats();
    m.pool_connections.set(i64::from(open));
    m.pool_idle.set(i64::from(idle));
    m.outbox_queued.set(store.outbox_waiting().await?);
    m.outbox_dead.set(store.outbox_dead().await?);
    // The last scheduled backup made by any server, from the audit log (a gauge of the process
    // alone would say 0 after every restart).
    if let Some(made) = crate::transfer::last_scheduled_backup(store, "backup.made").await? {
        m.backup_last_success.set(made.at.timestamp());
    }
    let (indexed, cases) = store.search_coverage().await?;
    m.search_unindexed.set((cases - indexed).max(0));
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &m.registry)
        .map_err(|e| huiyin_store::StoreError::Corrupt(format!("metrics: {e}")))?;
    Ok(text)
}
