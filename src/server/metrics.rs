//! Prometheus metrics at `GET /metrics`: what an operator watches without
//! reading the log. Recorded through the `metrics` facade (a counter or a
//! histogram is one line where the thing happens), rendered by
//! `metrics-exporter-prometheus` (its recorder only: no listener of its own;
//! the scrape is a route of Orgdeck's, `scrape.rs`). Nothing here knows the
//! app's state, so anything may record.
//!
//! Every name and label set is bounded: routes are the router's templates,
//! WorkOS operations the API's paths with ids folded to `{id}`.

use std::cell::RefCell;
// Keyed by a few bounded labels and looked up several times a request:
// foldhash, not the standard SipHash (~3% of a token call's instructions).
use foldhash::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram, Counter, Histogram, Unit};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Seconds: a fast page, a WorkOS call, a slow one, a timeout.
const BUCKETS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// How often histogram samples are folded into their buckets: each second,
/// so that a busy server (40,000 requests a second) holds a second's samples,
/// not the exporter's default five (RSS 40.8 MiB after a bench run with five).
const UPKEEP_EVERY: Duration = Duration::from_secs(1);

/// The process's recorder (the `metrics` facade has one per process); every
/// instance in a process (tests run several) reads the same.
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(BUCKETS)
                .expect("the buckets are not empty")
                .build_recorder();
            let handle = recorder.handle();
            if let Err(e) = metrics::set_global_recorder(recorder) {
                tracing::warn!("metrics are not recorded: another recorder is installed ({e})");
            }
            // Histograms keep every sample until upkeep folds them into their
            // buckets: without it a server nobody scrapes grows without end (a
            // bench run's million requests took RSS from 38 to 65 MiB).
            let upkeep = handle.clone();
            let spawned = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(move || loop {
                std::thread::sleep(UPKEEP_EVERY);
                upkeep.run_upkeep();
            });
            if let Err(e) = spawned {
                tracing::warn!("the metrics' upkeep thread did not start ({e}): histograms grow until a scrape folds them");
            }
            describe();
            gauge!("orgdeck_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
            handle
        })
        .clone()
}

fn describe() {
    describe_counter!("orgdeck_http_requests_total", "HTTP requests answered, by route template (\"other\": answered before routing, or no route), method and status.");
    describe_histogram!("orgdeck_http_request_duration_seconds", Unit::Seconds, "Time to answer (the head; a stream's body goes on), by route template and method.");
    describe_counter!("orgdeck_workos_calls_total", "Calls to WorkOS that went out, by operation and status (\"error\": no answer).");
    describe_histogram!("orgdeck_workos_call_duration_seconds", Unit::Seconds, "Time WorkOS took to answer, by operation.");
    describe_counter!("orgdeck_workos_budget_refused_total", "WorkOS calls refused by the deployment's budget (WORKOS_CALLS_PER_MINUTE): never sent.");
    describe_gauge!("orgdeck_workos_budget_per_minute", "The deployment's WorkOS calls a minute, all instances together.");
    describe_counter!("orgdeck_limit_refused_total", "Requests refused by a per-person or per-address limit, by limit.");
    describe_counter!(CACHE_LOOKUPS, "In-memory cache look-ups, by cache and result (hit or miss).");
    describe_counter!("orgdeck_webhook_deliveries_total", "WorkOS webhook deliveries, by outcome: stored, duplicate, refused, failed.");
    describe_histogram!("orgdeck_event_ingestion_lag_seconds", Unit::Seconds, "From an event's creation at WorkOS to its storage here, by source (webhook, events_api).");
    describe_counter!("orgdeck_catch_up_runs_total", "Events API catch-up runs, by outcome (ok, failed).");
    describe_counter!("orgdeck_catch_up_events_total", "Events the catch-up stored that the webhooks had not brought.");
    describe_gauge!("orgdeck_live_streams_open", "Live event streams open now.");
    describe_gauge!("orgdeck_build_info", "Always 1; the version is the label.");
}

/// One WorkOS call that went out: its operation, status (or `error`) and time.
pub fn workos_call(operation: String, status: Option<u16>, took: Duration) {
    thread_local! {
        static HANDLES: RefCell<HashMap<String, Timed<Option<u16>>>> = RefCell::default();
    }
    HANDLES.with_borrow_mut(|handles| {
        let timed = match handles.get_mut(&operation) {
            Some(timed) => timed,
            None => handles
                .entry(operation.clone())
                .or_insert_with(|| Timed::new(histogram!("orgdeck_workos_call_duration_seconds", "operation" => operation.clone()))),
        };
        timed.record(status, took, || {
            let status = status.map_or_else(|| "error".to_string(), |s| s.to_string());
            counter!("orgdeck_workos_calls_total", "operation" => operation, "status" => status)
        });
    });
}

pub fn budget_refused() {
    counter!("orgdeck_workos_budget_refused_total").increment(1);
}

pub fn budget_per_minute(per_minute: u32) {
    gauge!("orgdeck_workos_budget_per_minute").set(f64::from(per_minute));
}

/// A request refused by `limit` (`user_calls`, `sign_ins`, `live_streams`).
pub fn limit_refused(limit: &'static str) {
    counter!("orgdeck_limit_refused_total", "limit" => limit).increment(1);
}

/// A cache's look-up series, `[hits, misses]`, kept by its `HitCounts`.
pub fn cache_lookups(cache: &'static str) -> [Counter; 2] {
    [counter!(CACHE_LOOKUPS, "cache" => cache, "result" => "hit"), counter!(CACHE_LOOKUPS, "cache" => cache, "result" => "miss")]
}

const CACHE_LOOKUPS: &str = "orgdeck_cache_lookups_total";

/// A webhook delivery's outcome: `stored`, `duplicate`, `refused`, `failed`.
pub fn webhook(outcome: &'static str) {
    counter!("orgdeck_webhook_deliveries_total", "outcome" => outcome).increment(1);
}

/// How long after its creation at WorkOS an event was stored here.
pub fn ingestion_lag(source: &'static str, seconds: f64) {
    histogram!("orgdeck_event_ingestion_lag_seconds", "source" => source).record(seconds.max(0.0));
}

/// A catch-up run: how many events it stored, or none when it failed.
pub fn catch_up(stored: Option<usize>) {
    counter!("orgdeck_catch_up_runs_total", "outcome" => if stored.is_some() { "ok" } else { "failed" }).increment(1);
    counter!("orgdeck_catch_up_events_total").increment(stored.unwrap_or(0) as u64);
}

pub fn live_streams_open(open: usize) {
    gauge!("orgdeck_live_streams_open").set(open as f64);
}

/// `METHOD /path` with the ids WorkOS puts in paths folded to `{id}`
/// (`org_01H…`, `user_01…`, a client id): one series per operation.
pub fn operation(method: &str, url: &str) -> String {
    let path = url.split("://").nth(1).map_or(url, |rest| rest.find('/').map_or("/", |i| &rest[i..]));
    let path = path.split(['?', '#']).next().unwrap_or_default();
    // `prefix_` then a ULID-like tail: upper-case letters and digits (a path's own words are lower-case).
    let is_id = |s: &str| {
        s.rsplit_once('_').is_some_and(|(_, tail)| {
            tail.len() >= 10 && tail.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) && tail.chars().any(|c| c.is_ascii_digit())
        })
    };
    // Written into one string: every WorkOS call names its operation.
    let mut named = String::with_capacity(method.len() + 1 + path.len());
    named.push_str(method);
    named.push(' ');
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            named.push('/');
        }
        named.push_str(if is_id(segment) { "{id}" } else { segment });
    }
    named
}

/// Keeps the route template the router matched on the response, for the
/// request's metrics and span outside the router (observe.rs; a route layer:
/// only a matched route has one).
pub async fn carry_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(route);
    }
    response
}

/// What a request that matched no route is counted as: files as `static
/// files`, the rest as `other` (unknown paths, and requests a guard answered
/// before routing: a sign-in redirect, a refused Origin). Paths themselves
/// are not a bounded set.
pub fn unmatched(path: &str) -> &'static str {
    match path {
        p if p.starts_with("/pkg/") || p.starts_with("/widget-host/") || p == "/favicon.ico" => "static files",
        _ => "other",
    }
}

/// One request answered: counted and timed by route template.
pub fn http_request(route: &str, method: &Method, status: u16, took: Duration) {
    thread_local! {
        static HANDLES: RefCell<HashMap<Box<str>, HashMap<&'static str, Timed<u16>>>> = RefCell::default();
    }
    let method = method_label(method);
    HANDLES.with_borrow_mut(|handles| {
        let by_method = match handles.get_mut(route) {
            Some(m) => m,
            None => handles.entry(route.into()).or_default(),
        };
        by_method
            .entry(method)
            .or_insert_with(|| Timed::new(histogram!("orgdeck_http_request_duration_seconds", "route" => route.to_string(), "method" => method)))
            .record(status, took, || counter!("orgdeck_http_requests_total", "route" => route.to_string(), "method" => method, "status" => status.to_string()));
    });
}

/// A duration histogram and its counters by status, kept per thread by the
/// series' other labels (route and method, a WorkOS operation): the
/// `counter!` and `histogram!` macros build their labels' strings and look the
/// series up in the registry each time, ~2 µs of a token call.
struct Timed<S> {
    duration: Histogram,
    counts: HashMap<S, Counter>,
}

impl<S: std::hash::Hash + Eq> Timed<S> {
    fn new(duration: Histogram) -> Self {
        Timed { duration, counts: HashMap::default() }
    }

    /// One answer with `status` after `took`; `counter` makes its status's series the first time.
    fn record(&mut self, status: S, took: Duration, counter: impl FnOnce() -> Counter) {
        self.duration.record(took.as_secs_f64());
        self.counts.entry(status).or_insert_with(counter).increment(1);
    }
}

/// A request's method as a label: the standard ones by name, any other as
/// `other` (a client may send any token as a method: the series stay bounded).
fn method_label(method: &Method) -> &'static str {
    const STANDARD: [Method; 9] =
        [Method::GET, Method::HEAD, Method::POST, Method::PUT, Method::DELETE, Method::PATCH, Method::OPTIONS, Method::CONNECT, Method::TRACE];
    STANDARD.iter().find(|m| *m == method).map_or("other", |m| m.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_a_bounded_set() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        for made_up in ["FOO", "BREW", "get"] {
            assert_eq!(method_label(&Method::from_bytes(made_up.as_bytes()).unwrap()), "other", "{made_up}");
        }
    }

    #[test]
    fn operations_fold_ids_and_keep_names() {
        assert_eq!(operation("GET", "http://127.0.0.1:4100/organizations/org_01HXYZABCDEFGHJKMNPQRSTVWX?limit=1"), "GET /organizations/{id}");
        assert_eq!(operation("POST", "https://api.workos.com/widgets/token"), "POST /widgets/token");
        assert_eq!(operation("GET", "https://api.workos.com/sso/jwks/client_01HXYZABCDEFGH"), "GET /sso/jwks/{id}");
        assert_eq!(operation("GET", "https://api.workos.com/user_management/organization_memberships"), "GET /user_management/organization_memberships");
    }
}
