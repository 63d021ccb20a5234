//! Every request, seen once from the outside: its span (the parent of its
//! WorkOS calls and database calls, with the trace id every log line of the
//! request carries) and its metrics. One layer for both, outermost: a layer
//! costs a token call about a microsecond, and a refusal is seen too.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::field::Empty;
use tracing::Instrument;

use super::{metrics, traces};
use crate::error::RequestTrace;

/// The response header that names the request's trace (what an error notice
/// shows as "Request ID"), for a script or a proxy's access log.
pub const REQUEST_ID: &str = "x-request-id";

/// What main.rs adds to `RUST_LOG`'s filter so the request span is always made.
pub const SPAN_DIRECTIVE: &str = "orgdeck::server::observe=info";

pub async fn observe(mut request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let unmatched = metrics::unmatched(request.uri().path());
    let exporting = traces::exporting();
    let (span, trace_id) = match exporting {
        // Named `{method}` (OpenTelemetry's name for a server span whose route
        // is not known yet): its trace id is read now, which builds the span,
        // and a built span keeps its name. The route is `http.route`.
        true => {
            let span = tracing::info_span!(
                "request",
                otel.name = method.as_str(),
                otel.kind = "server",
                http.request.method = %method,
                url.path = %request.uri().path(),
                http.route = Empty,
                http.response.status_code = Empty,
                trace_id = Empty,
            );
            let trace_id = traces::adopt(&span, request.headers());
            span.record("trace_id", trace_id.as_str());
            (span, trace_id)
        }
        // Logged only: the trace id is all a line needs, given as the span is
        // made (the log's formatter writes a span's fields out each time one is
        // set), and as Display: hex needs none of Debug's quoting and escapes.
        false => {
            let trace_id = traces::trace_id(request.headers());
            (tracing::info_span!("request", trace_id = %trace_id), trace_id)
        }
    };
    let header = HeaderValue::from_str(&trace_id).ok();
    request.extensions_mut().insert(RequestTrace(trace_id));
    // Kept past the answer only when exported, for the route and status.
    let (mut response, span) = match exporting {
        true => (next.run(request).instrument(span.clone()).await, Some(span)),
        false => (next.run(request).instrument(span).await, None),
    };
    let route = response.extensions().get::<MatchedPath>().map_or(unmatched, |r| r.as_str());
    let status = response.status().as_u16();
    if let Some(span) = span {
        span.record("http.route", route);
        span.record("http.response.status_code", status);
    }
    metrics::http_request(route, &method, status, started.elapsed());
    if let Some(id) = header {
        response.headers_mut().insert(REQUEST_ID, id);
    }
    response
}
