//! Webhook delivery, as WorkOS does it: every event of the log is POSTed as JSON
//! to each endpoint that wants it, signed `WorkOS-Signature: t=<ms>, v1=<hex>`,
//! retried with exponential back-off on a non-2xx answer or a timeout, each
//! delivery on its own (so order is not guaranteed). A delivery log and fault
//! controls (drop, delay, duplicate, reorder) let tests break it on purpose.
//!
//! Endpoints, settings and faults outlive `/_emulator/reset`: the app that
//! registered an endpoint at start-up still gets the events after a reset.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::sync::Notify;

use crate::clock::iso;
use crate::ids::new_id;
use crate::model::Event;

/// `hex(HMAC-SHA256(secret, "<t>.<body>"))`, WorkOS's `v1`.
pub fn signature(secret: &str, timestamp_ms: i64, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("{timestamp_ms}.{body}").as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// The header for `body` signed now (wall clock: the receiver checks it
/// against its own clock, not the emulator's).
pub fn signature_header(secret: &str, body: &str) -> String {
    let t = chrono::Utc::now().timestamp_millis();
    format!("t={t}, v1={}", signature(secret, t, body))
}

/// WorkOS retries for up to 3 days: 30 s, doubling, at most 6 h apart.
const FIRST_RETRY: Duration = Duration::from_secs(30);
const LONGEST_WAIT: Duration = Duration::from_secs(6 * 3600);
const GIVE_UP_AFTER: Duration = Duration::from_secs(3 * 86_400);

/// The wait before retry `n` (1-based), unscaled.
pub fn backoff(n: u32) -> Duration {
    FIRST_RETRY.saturating_mul(2u32.saturating_pow(n.saturating_sub(1).min(20))).min(LONGEST_WAIT)
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Endpoint {
    pub id: String,
    pub url: String,
    /// Never written out: the control API shows its last four characters.
    #[serde(skip_serializing)]
    pub secret: String,
    /// Event types it wants; empty for all.
    #[serde(default)]
    pub events: Vec<String>,
}

impl Endpoint {
    fn wants(&self, event: &str) -> bool {
        self.events.is_empty() || self.events.iter().any(|e| e == event)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Settings {
    /// Multiplies every back-off wait: 1.0 is WorkOS's schedule, 0.001 makes 30 s into 30 ms.
    pub retry_scale: f64,
    /// How long an endpoint may take to answer before the attempt counts as failed.
    pub timeout_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { retry_scale: 1.0, timeout_ms: 10_000 }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// The delivery never happens (WorkOS never does this; the Events API still has the event).
    Drop,
    /// The first attempt waits `delay_ms`.
    Delay,
    /// The event is delivered twice (same id, signed separately).
    Duplicate,
    /// The delivery waits until the next one has been attempted.
    Reorder,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Fault {
    pub action: FaultKind,
    /// How many deliveries it applies to.
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub delay_ms: u64,
    /// Only deliveries of this event type.
    #[serde(default)]
    pub event: Option<String>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Attempt {
    pub at: String,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub latency_ms: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Delivery {
    pub id: String,
    pub event_id: String,
    pub event: String,
    pub endpoint_id: String,
    pub url: String,
    /// `pending`, `retrying`, `delivered`, `failed` (gave up) or `dropped`.
    pub status: String,
    pub faults: Vec<FaultKind>,
    pub attempts: Vec<Attempt>,
    pub next_attempt_at: Option<String>,
}

#[derive(Default)]
struct State {
    endpoints: Vec<Endpoint>,
    settings: Settings,
    faults: Vec<Fault>,
    deliveries: Vec<Delivery>,
}

/// The webhook side of the emulator, shared by every handler.
#[derive(Clone)]
pub struct Webhooks {
    state: Arc<Mutex<State>>,
    http: reqwest::Client,
    /// Wakes deliveries held back by a `reorder` fault.
    attempted: Arc<Notify>,
}

impl Default for Webhooks {
    fn default() -> Self {
        Webhooks { state: Arc::default(), http: reqwest::Client::new(), attempted: Arc::new(Notify::new()) }
    }
}

impl Webhooks {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The endpoint as the control API shows it: the secret's last four characters only.
    pub fn shown(endpoint: &Endpoint) -> serde_json::Value {
        let tail: String = endpoint.secret.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        let mut shown = serde_json::json!(endpoint);
        shown["secret_last4"] = serde_json::Value::String(tail);
        shown
    }

    pub fn add_endpoint(&self, url: &str, secret: &str, events: Vec<String>) -> Endpoint {
        let endpoint = Endpoint { id: new_id("we", chrono::Utc::now().timestamp_millis()), url: url.into(), secret: secret.into(), events };
        self.state().endpoints.push(endpoint.clone());
        endpoint
    }

    pub fn remove_endpoint(&self, id: &str) -> bool {
        let mut s = self.state();
        let before = s.endpoints.len();
        s.endpoints.retain(|e| e.id != id);
        s.endpoints.len() != before
    }

    pub fn endpoints(&self) -> Vec<Endpoint> {
        self.state().endpoints.clone()
    }

    pub fn settings(&self) -> Settings {
        self.state().settings.clone()
    }

    pub fn set_settings(&self, settings: Settings) {
        self.state().settings = settings;
    }

    pub fn add_fault(&self, fault: Fault) {
        self.state().faults.push(fault);
    }

    pub fn clear_faults(&self) {
        self.state().faults.clear();
    }

    /// Newest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        let mut list = self.state().deliveries.clone();
        list.reverse();
        list
    }

    pub fn clear_deliveries(&self) {
        self.state().deliveries.clear();
    }

    /// The faults that apply to the next delivery of `event`, used up as they apply.
    fn take_faults(s: &mut State, event: &str) -> Vec<Fault> {
        let mut out = Vec::new();
        for f in s.faults.iter_mut() {
            if f.count > 0 && f.event.as_deref().is_none_or(|e| e == event) {
                f.count -= 1;
                out.push(f.clone());
            }
        }
        s.faults.retain(|f| f.count > 0);
        out
    }

    /// Starts delivering `event` to every endpoint that wants it (outside a
    /// Tokio runtime there is nothing to deliver with, and nothing happens).
    pub fn publish(&self, event: &Event) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let body = event.to_json().to_string();
        let mut s = self.state();
        let targets: Vec<Endpoint> = s.endpoints.iter().filter(|e| e.wants(&event.event)).cloned().collect();
        for endpoint in targets {
            let faults = Self::take_faults(&mut s, &event.event);
            let copies = if faults.iter().any(|f| f.action == FaultKind::Duplicate) { 2 } else { 1 };
            for _ in 0..copies {
                let index = s.deliveries.len();
                s.deliveries.push(Delivery {
                    id: new_id("delivery", chrono::Utc::now().timestamp_millis()),
                    event_id: event.id.clone(),
                    event: event.event.clone(),
                    endpoint_id: endpoint.id.clone(),
                    url: endpoint.url.clone(),
                    status: "pending".into(),
                    faults: faults.iter().map(|f| f.action).collect(),
                    attempts: Vec::new(),
                    next_attempt_at: None,
                });
                if faults.iter().any(|f| f.action == FaultKind::Drop) {
                    s.deliveries[index].status = "dropped".into();
                    continue;
                }
                let delay = faults.iter().filter(|f| f.action == FaultKind::Delay).map(|f| f.delay_ms).max().unwrap_or(0);
                let reorder = faults.iter().any(|f| f.action == FaultKind::Reorder);
                let job = Job { hooks: self.clone(), index, endpoint: endpoint.clone(), body: body.clone(), delay, reorder };
                runtime.spawn(job.run());
            }
        }
    }

    fn update(&self, index: usize, change: impl FnOnce(&mut Delivery)) {
        if let Some(d) = self.state().deliveries.get_mut(index) {
            change(d);
        }
    }
}

struct Job {
    hooks: Webhooks,
    index: usize,
    endpoint: Endpoint,
    body: String,
    delay: u64,
    reorder: bool,
}

impl Job {
    async fn run(self) {
        if self.reorder {
            // Held until another delivery is attempted (or a while passes).
            let _ = tokio::time::timeout(Duration::from_secs(5), self.hooks.attempted.notified()).await;
        }
        if self.delay > 0 {
            tokio::time::sleep(Duration::from_millis(self.delay)).await;
        }
        let started = Instant::now();
        let mut retry = 0u32;
        loop {
            let settings = self.hooks.settings();
            let header = signature_header(&self.endpoint.secret, &self.body);
            let sent = Instant::now();
            let result = self
                .hooks
                .http
                .post(&self.endpoint.url)
                .header("content-type", "application/json")
                .header("workos-signature", header)
                .body(self.body.clone())
                .timeout(Duration::from_millis(settings.timeout_ms))
                .send()
                .await;
            let latency_ms = sent.elapsed().as_millis() as u64;
            let (status, error) = match result {
                Ok(r) => (Some(r.status().as_u16()), None),
                Err(e) if e.is_timeout() => (None, Some(format!("no answer within {} ms", settings.timeout_ms))),
                Err(e) => (None, Some(e.to_string())),
            };
            let delivered = status.is_some_and(|s| (200..300).contains(&s));
            retry += 1;
            let wait = backoff(retry).mul_f64(settings.retry_scale.max(0.0));
            let give_up = !delivered && started.elapsed() + wait > GIVE_UP_AFTER.mul_f64(settings.retry_scale.max(0.0));
            self.hooks.update(self.index, |d| {
                d.attempts.push(Attempt { at: iso(chrono::Utc::now()), status, error: error.clone(), latency_ms });
                d.status = if delivered {
                    "delivered"
                } else if give_up {
                    "failed"
                } else {
                    "retrying"
                }
                .into();
                d.next_attempt_at = (!delivered && !give_up)
                    .then(|| iso(chrono::Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default()));
            });
            self.hooks.attempted.notify_waiters();
            if delivered || give_up {
                return;
            }
            tracing::debug!(url = %self.endpoint.url, ?status, "webhook delivery failed; retrying in {wait:?}");
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_the_sdk_test_vector() {
        assert_eq!(signature("secret", 1_700_000_000_000, "body"), "32850522003ebbce01a416e5d5df8ec8354a96e921cac7d0ebbaeef5732bdaea");
    }

    #[test]
    fn backs_off_from_thirty_seconds_to_six_hours() {
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(5), Duration::from_secs(480));
        assert_eq!(backoff(12), LONGEST_WAIT);
        assert_eq!(backoff(40), LONGEST_WAIT);
    }

    #[test]
    fn a_fault_is_used_up() {
        let mut s = State::default();
        s.faults.push(Fault { action: FaultKind::Drop, count: 2, delay_ms: 0, event: Some("dsync.activated".into()) });
        assert!(Webhooks::take_faults(&mut s, "connection.activated").is_empty());
        assert_eq!(Webhooks::take_faults(&mut s, "dsync.activated").len(), 1);
        assert_eq!(Webhooks::take_faults(&mut s, "dsync.activated").len(), 1);
        assert!(Webhooks::take_faults(&mut s, "dsync.activated").is_empty());
    }
}
