//! OpenTelemetry traces, sent over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT`
//! is set (the exporter reads the standard `OTEL_EXPORTER_OTLP_*` variables
//! itself): each request a span (observe.rs), each WorkOS call a child
//! (workos/reach.rs), each database call a child (store.rs). Without an
//! endpoint nothing is exported, and a request still has a trace id: the
//! one its logs carry and its error notices show as "Request ID".

use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::HeaderMap;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::{TraceContextExt, TraceId, TracerProvider as _};
use opentelemetry_otlp::{SpanExporter, WithHttpConfig};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{SdkTracerProvider, Tracer};
use opentelemetry_sdk::Resource;
use tracing::Subscriber;
use tracing_opentelemetry::{OpenTelemetryLayer, OpenTelemetrySpanExt};
use tracing_subscriber::registry::LookupSpan;

/// Whether spans go to an exporter (their ids are then OpenTelemetry's).
static EXPORTING: AtomicBool = AtomicBool::new(false);

/// The exporter's pipeline, to be flushed when the process stops.
pub struct Traces {
    provider: SdkTracerProvider,
    /// What the exporter is given (`OTEL_TRACES_FILTER`, checked at start).
    directives: String,
}

/// What the exporter is given by default: the requests, and beneath them each
/// WorkOS call and database call (debug spans: with no exporter, and logs at
/// the usual `info`, nothing wants them and they cost nothing).
const EXPORTED: &str = "info,orgdeck=debug";

impl Traces {
    /// From the environment: `None` without `OTEL_EXPORTER_OTLP_ENDPOINT` (or
    /// `…_TRACES_ENDPOINT`); an address that is not a URL stops start-up.
    pub fn from_env() -> Result<Option<Traces>, String> {
        let endpoint = ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"]
            .into_iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()).map(|v| (name, v)));
        let Some((name, url)) = endpoint else { return Ok(None) };
        let directives = std::env::var("OTEL_TRACES_FILTER").unwrap_or_else(|_| EXPORTED.into());
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&directives) {
            return Err(format!("OTEL_TRACES_FILTER: '{directives}' is not a filter ({e})\n  fix: directives as RUST_LOG takes them, e.g. {EXPORTED}, or unset it"));
        }
        match url::Url::parse(&url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => return Err(format!("{name}: '{url}' is not an http(s) URL\n  fix: the collector's OTLP/HTTP address, e.g. http://127.0.0.1:4318")),
        }
        let exporter = SpanExporter::builder()
            .with_http()
            .with_http_client(BlockingClient::default())
            .build()
            .map_err(|e| format!("{name}: the OTLP exporter could not start: {e}"))?;
        let service = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "orgdeck".into());
        let resource = Resource::builder().with_service_name(service).with_attribute(opentelemetry::KeyValue::new("service.version", env!("CARGO_PKG_VERSION"))).build();
        let provider = SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource).build();
        EXPORTING.store(true, Ordering::Relaxed);
        Ok(Some(Traces { provider, directives }))
    }

    /// Which spans are exported (`OTEL_TRACES_FILTER`, else [`EXPORTED`]).
    pub fn filter(&self) -> tracing_subscriber::EnvFilter {
        tracing_subscriber::EnvFilter::new(&self.directives)
    }

    /// What turns `tracing`'s spans into OpenTelemetry's.
    pub fn layer<S>(&self) -> OpenTelemetryLayer<S, Tracer>
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        tracing_opentelemetry::layer().with_tracer(self.provider.tracer("orgdeck"))
    }

    /// Sends what is still batched (the process is stopping).
    pub fn flush(self) {
        if let Err(e) = self.provider.shutdown() {
            tracing::warn!("traces: the last batch was not sent: {e}");
        }
    }
}

/// The SDK's exporter thread has no async runtime: reqwest's blocking client
/// (the reqwest the WorkOS SDK already uses, with its TLS) carries the batches.
/// Made on that thread, at the first batch: a blocking client may be neither
/// made nor dropped on the async runtime's threads.
#[derive(Debug, Default)]
struct BlockingClient(std::sync::OnceLock<reqwest::blocking::Client>);

#[async_trait::async_trait]
impl opentelemetry_http::HttpClient for BlockingClient {
    async fn send_bytes(&self, request: axum::http::Request<axum::body::Bytes>) -> Result<axum::http::Response<axum::body::Bytes>, opentelemetry_http::HttpError> {
        let (parts, body) = request.into_parts();
        let client = self.0.get_or_init(reqwest::blocking::Client::new);
        let answer = client.request(parts.method, parts.uri.to_string()).headers(parts.headers).body(body.to_vec()).send()?;
        let mut response = axum::http::Response::builder().status(answer.status());
        if let Some(headers) = response.headers_mut() {
            *headers = answer.headers().clone();
        }
        Ok(response.body(answer.bytes()?)?)
    }
}

/// Leptos's spawner for the tasks a page's data loads in, each kept in the
/// span that spawned it: without it a page's WorkOS calls and their log lines
/// would belong to no request. Set before the router first serves (the first
/// spawner set is the one; leptos_axum's own `init_tokio` then does nothing).
pub fn keep_spans_on_leptos_tasks() {
    struct InSpan;
    impl any_spawner::CustomExecutor for InSpan {
        fn spawn(&self, task: any_spawner::PinnedFuture<()>) {
            tokio::spawn(tracing::Instrument::in_current_span(task));
        }
        fn spawn_local(&self, task: any_spawner::PinnedLocalFuture<()>) {
            tokio::task::spawn_local(tracing::Instrument::in_current_span(task));
        }
        fn poll_local(&self) {}
    }
    let _ = any_spawner::Executor::init_custom_executor(InSpan);
}

struct Headers<'a>(&'a HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// Whether spans are exported (then a request's span carries OpenTelemetry's attributes).
pub fn exporting() -> bool {
    EXPORTING.load(Ordering::Relaxed)
}

/// Makes `span` an exported request's: the child of the proxy's trace when
/// it sent a W3C `traceparent`, else a trace of its own. Its trace id, as hex.
pub fn adopt(span: &tracing::Span, headers: &HeaderMap) -> String {
    let _ = span.set_parent(TraceContextPropagator::new().extract(&Headers(headers)));
    match span.context().span().span_context().trace_id() {
        TraceId::INVALID => trace_id(headers),
        id => id.to_string(),
    }
}

/// The trace id of a request nothing exports: the proxy's (W3C
/// `traceparent`), else a new one. As hex.
pub fn trace_id(headers: &HeaderMap) -> String {
    let proxy = match headers.contains_key(TRACEPARENT) {
        true => TraceContextPropagator::new().extract(&Headers(headers)).span().span_context().trace_id(),
        false => TraceId::INVALID,
    };
    match proxy {
        TraceId::INVALID => TraceId::from_bytes(rand::random::<[u8; 16]>()).to_string(),
        id => id.to_string(),
    }
}

const TRACEPARENT: &str = "traceparent";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxys_trace_is_continued_and_a_request_without_one_gets_its_own() {
        let mut headers = HeaderMap::new();
        headers.insert("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse().unwrap());
        assert_eq!(trace_id(&headers), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(adopt(&tracing::Span::none(), &headers), "4bf92f3577b34da6a3ce929d0e0e4736", "a span nothing exports");
        let (a, b) = (trace_id(&HeaderMap::new()), trace_id(&HeaderMap::new()));
        assert!(a.len() == 32 && a.chars().all(|c| c.is_ascii_hexdigit()) && a != b, "{a} {b}");
        headers.insert("traceparent", "not-a-traceparent".parse().unwrap());
        assert_ne!(trace_id(&headers), "4bf92f3577b34da6a3ce929d0e0e4736");
    }
}
