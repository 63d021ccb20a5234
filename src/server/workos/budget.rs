//! The deployment's share of WorkOS's per-key limit (6,000 requests a minute):
//! every WorkOS call Orgdeck makes, from any instance on the database, is
//! taken from one count per ten-second window (`WORKOS_CALLS_PER_MINUTE`,
//! default 4,800, a sixth of it per window so no minute can exceed it). A
//! transport around the SDK's own does it, so no call can go around it; a
//! call past the budget is answered here with a 429 that WorkOS never sees.
//! Instances take their calls from the database in small batches.

use std::sync::Arc;

use tokio::sync::Mutex;

use async_trait::async_trait;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use workos::transport::{HttpRequest, HttpResponse, HttpTransport, SharedTransport, TransportError};

use crate::server::store::{now_unix, Store};

/// Seconds in one window of the count.
pub const WINDOW: i64 = 10;
/// How many calls an instance takes from the shared count at once: 20, or a
/// fortieth of the window's budget when that is more (a large budget then
/// costs one database write per many calls, and an instance still holds
/// little of it unused).
fn batch(per_window: i64) -> i64 {
    (per_window / 40).clamp(20, 1000)
}
/// The `code` of a budget refusal (the error conversion reads it).
pub const SPENT: &str = "orgdeck_budget_spent";

pub struct Budget {
    store: Store,
    per_window: i64,
    /// (window start, calls taken and not yet made) on this instance. An
    /// async lock held across the refill: a burst of calls on an empty hold
    /// waits for one refill instead of each taking a batch (a hundred calls
    /// at once reserved 2,000 of a window's 800, and most were refused).
    held: Mutex<(i64, i64)>,
}

impl Budget {
    pub fn new(store: Store, per_minute: u32) -> Budget {
        let per_window = (i64::from(per_minute) * WINDOW / 60).max(1);
        Budget { store, per_window, held: Mutex::new((0, 0)) }
    }

    /// One call from this window's budget, or the seconds until the next window.
    pub async fn take(&self) -> Result<(), u64> {
        let now = now_unix();
        let window = now - now.rem_euclid(WINDOW);
        let mut held = self.held.lock().await;
        if held.0 == window && held.1 > 0 {
            held.1 -= 1;
            return Ok(());
        }
        let want = batch(self.per_window).min(self.per_window);
        let granted = match self.store.spend_budget(window, want).await {
            // Calls past the window's budget are not granted (the count may run over: that window is spent anyway).
            Ok(used) => want - (used - self.per_window).clamp(0, want),
            Err(e) => {
                // The database is needed for everything else too; WorkOS's own 429 still guards the key.
                tracing::warn!("the WorkOS budget could not be counted: {e}");
                return Ok(());
            }
        };
        if granted == 0 {
            return Err((window + WINDOW - now).max(1) as u64);
        }
        *held = (window, granted - 1);
        Ok(())
    }
}

/// The SDK's transport, behind the budget.
pub struct BudgetTransport {
    pub inner: SharedTransport,
    pub budget: Arc<Budget>,
}

#[async_trait]
impl HttpTransport for BudgetTransport {
    async fn execute(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        // The signing keys are public (by client id, not the API key) and fetched
        // once: a spent budget must not stop Orgdeck from checking sessions.
        if req.url.contains("/sso/jwks/") {
            return self.inner.execute(req).await;
        }
        match self.budget.take().await {
            Ok(()) => self.inner.execute(req).await,
            Err(retry_after) => {
                crate::server::metrics::budget_refused();
                Ok(spent(retry_after))
            }
        }
    }
}

/// What a call past the budget gets: a 429 in WorkOS's shape. `Retry-After: 0`
/// so that the SDK's own retries (which honour it) are refused at once, not
/// slept on; the real wait is in the body.
fn spent(retry_after: u64) -> HttpResponse {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static("0"));
    let body = serde_json::json!({
        "message": "Orgdeck's share of this API key's WorkOS rate limit is spent for the moment.",
        "code": SPENT,
        "retry_after": retry_after,
    });
    HttpResponse { status: StatusCode::TOO_MANY_REQUESTS, headers, body: Bytes::from(body.to_string()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_takes_twenty_calls_at_a_time_or_a_fortieth_of_a_large_window() {
        assert_eq!(batch(800), 20, "the default 4,800 a minute");
        assert_eq!(batch(1_000), 25, "WorkOS's 6,000 a minute");
        assert_eq!(batch(10), 20, "more than the window has: `take` asks for the window's whole budget then");
        assert_eq!(batch(1_000_000_000 * WINDOW / 60), 1_000);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_on_an_empty_hold_takes_one_batch_not_one_each() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        // 4,800 a minute: 800 a window, taken 20 at a time.
        let budget = Arc::new(Budget::new(store.clone(), 4_800));
        let burst: Vec<_> = (0..100).map(|_| { let b = budget.clone(); tokio::spawn(async move { b.take().await }) }).collect();
        let mut granted = 0;
        for call in burst {
            granted += call.await.unwrap().is_ok() as usize;
        }
        // A window boundary may fall inside the burst: the next window has 800 more.
        assert_eq!(granted, 100, "the window had 800: every call of the burst goes");
    }

    #[tokio::test]
    async fn a_window_gives_its_budget_and_no_more_across_instances() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        // 60 a minute: 10 a window, shared by two instances on one database.
        let (a, b) = (Budget::new(store.clone(), 60), Budget::new(store.clone(), 60));
        let mut granted = 0;
        for i in 0..30 {
            let budget = if i % 2 == 0 { &a } else { &b };
            if budget.take().await.is_ok() {
                granted += 1;
            }
        }
        // A window boundary may fall inside the loop: at most two windows' worth.
        assert!((10..=20).contains(&granted), "{granted}");
        match a.take().await {
            Err(wait) => assert!((1..=WINDOW as u64).contains(&wait)),
            Ok(()) => {}
        }
    }
}
