//! What every call the SDK makes shows (a transport around the SDK's own):
//! whether WorkOS answers, which `/ready` asks before it spends a call of its
//! own, the call's operation, status and time for `/metrics`, and its span.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use tracing::field::Empty;
use tracing::Instrument;
use workos::transport::{HttpRequest, HttpResponse, HttpTransport, SharedTransport, TransportError};

/// When WorkOS last answered, and when a call last failed (ms since the epoch; 0: never).
#[derive(Default)]
pub struct Reach {
    answered: AtomicI64,
    failed: AtomicI64,
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

impl Reach {
    /// An answer (any status but a server error) or a failure (a 5xx, no answer).
    pub fn record(&self, answered: bool) {
        let at = if answered { &self.answered } else { &self.failed };
        at.fetch_max(now_ms(), Ordering::Relaxed);
    }

    /// WorkOS answered within `within` and no call has failed since.
    pub fn reached_within(&self, within: Duration) -> bool {
        let answered = self.answered.load(Ordering::Relaxed);
        answered > 0 && answered >= self.failed.load(Ordering::Relaxed) && now_ms() - answered <= within.as_millis() as i64
    }
}

/// The SDK's transport, its outcomes recorded in a [`Reach`].
pub struct ReachTransport {
    pub inner: SharedTransport,
    pub reach: Arc<Reach>,
}

#[async_trait]
impl HttpTransport for ReachTransport {
    async fn execute(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let operation = crate::server::metrics::operation(req.method.as_str(), &req.url);
        // A child of the request's span: which call, what WorkOS said, and
        // WorkOS's own request id (what its support asks for).
        // Debug: made only when traces are exported (`Traces::filter`).
        let span = tracing::debug_span!(
            "workos",
            otel.name = %operation,
            otel.kind = "client",
            http.request.method = %req.method,
            http.response.status_code = Empty,
            workos.request_id = Empty,
            otel.status_code = Empty,
        );
        let started = std::time::Instant::now();
        let result = self.inner.execute(req).instrument(span.clone()).await;
        match &result {
            Ok(r) => {
                span.record("http.response.status_code", r.status.as_u16());
                if let Some(id) = r.headers.get("x-request-id").and_then(|v| v.to_str().ok()) {
                    span.record("workos.request_id", id);
                }
                if r.status.is_server_error() {
                    span.record("otel.status_code", "ERROR");
                }
            }
            Err(_) => {
                span.record("otel.status_code", "ERROR");
            }
        }
        // A 429 is WorkOS answering (its limit is the budget's business, not readiness).
        self.reach.record(matches!(&result, Ok(r) if !r.status.is_server_error()));
        crate::server::metrics::workos_call(operation, result.as_ref().ok().map(|r| r.status.as_u16()), started.elapsed());
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_after_the_last_answer_means_not_reached() {
        let reach = Reach::default();
        assert!(!reach.reached_within(Duration::from_secs(60)), "never asked: not known to answer");
        reach.record(true);
        assert!(reach.reached_within(Duration::from_secs(60)));
        std::thread::sleep(Duration::from_millis(3));
        reach.record(false);
        assert!(!reach.reached_within(Duration::from_secs(60)), "it failed since");
        std::thread::sleep(Duration::from_millis(3));
        reach.record(true);
        assert!(reach.reached_within(Duration::from_secs(60)), "answered again");
        std::thread::sleep(Duration::from_millis(5));
        assert!(!reach.reached_within(Duration::from_millis(1)), "too long ago");
    }
}
