//! A client that calls the emulator as a client generated from the spec would,
//! and checks every answer against the operation it is an instance of.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::Value;

use super::spec::{Operation, SPEC};

/// What a request is meant to provoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A request the spec describes as valid: a declared 2xx (or the 302 of a redirect).
    Valid,
    /// A request the spec describes as invalid (missing or mistyped field,
    /// unknown id, out-of-enum value): a declared 4xx with the spec's error body.
    Invalid,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub operation: String,
    pub kind: Kind,
    pub request: String,
    /// What was wrong, if anything.
    pub failure: Option<String>,
    /// Whether the emulator has the route at all (not its JSON 404/405 for a
    /// path or method it does not serve).
    pub served: bool,
}

pub struct Client {
    pub base: String,
    pub api_key: String,
    http: reqwest::Client,
    pub outcomes: Mutex<Vec<Outcome>>,
}

/// The emulator's answer for a route it does not serve: NestJS's (what WorkOS's
/// API answers) `Cannot GET /path` 404, or the 405 for a method it does not serve.
pub fn is_route_miss(status: u16, body: &Value) -> bool {
    status == 405 || (status == 404 && body["message"].as_str().is_some_and(|m| m.starts_with("Cannot ")))
}

impl Client {
    pub fn new(base: String, api_key: &str) -> Self {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Client { base, api_key: api_key.into(), http, outcomes: Mutex::new(Vec::new()) }
    }

    /// Sends the request, checks the answer against the spec, records the
    /// outcome, and hands back the status and body (JSON, or `Null` when empty).
    pub async fn call(&self, kind: Kind, method: &str, path: &str, query: &[(&str, &str)], body: Option<Value>) -> (u16, Value) {
        self.send(kind, method, path, query, body, &[]).await
    }

    pub async fn send(
        &self,
        kind: Kind,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let op: &Operation = SPEC
            .operation(method, path)
            .unwrap_or_else(|| panic!("{method} {path} is no operation of the spec"));
        let mut req = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .query(query)
            .bearer_auth(&self.api_key);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = &body {
            req = req.json(b);
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = res.status().as_u16();
        let content_type = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let bytes = res.bytes().await.unwrap();
        let json: Value = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        let served = !is_route_miss(status, &json);
        let failure = if !served {
            Some("not served".to_string())
        } else if !bytes.is_empty() && (json.is_null() || !content_type.starts_with("application/json")) {
            Some(format!("status {status} with a body that is not JSON ({content_type}): {}", String::from_utf8_lossy(&bytes)))
        } else {
            let wanted = match kind {
                Kind::Valid => (200..400).contains(&status),
                Kind::Invalid => (400..500).contains(&status),
            };
            if !wanted {
                Some(format!("status {status} for a {kind:?} request: {json}"))
            } else {
                SPEC.check(op, status, &json).err()
            }
        };
        let mut request = format!("{method} {path}");
        if !query.is_empty() {
            let q: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            request.push('?');
            request.push_str(&q.join("&"));
        }
        if let Some(b) = &body {
            request.push(' ');
            request.push_str(&b.to_string());
        }
        self.outcomes.lock().unwrap().push(Outcome { operation: op.name(), kind, request, failure, served });
        (status, json)
    }

    /// A state check on the last call's answer: recorded as that operation's
    /// failure (and only when it is served, so an operation not yet served
    /// does not stop the rest of the scenario).
    #[track_caller]
    pub fn same<T: PartialEq<U> + std::fmt::Debug, U: std::fmt::Debug>(&self, got: T, want: U) {
        if got == want {
            return;
        }
        let at = std::panic::Location::caller();
        let mut outcomes = self.outcomes.lock().unwrap();
        let Some(last) = outcomes.last().cloned() else { return };
        if last.served {
            let failure = Some(format!("after it, got {got:?} where {want:?} was expected ({at})"));
            outcomes.push(Outcome { failure, ..last });
        }
    }

    pub async fn valid(&self, method: &str, path: &str, query: &[(&str, &str)], body: Option<Value>) -> Value {
        self.call(Kind::Valid, method, path, query, body).await.1
    }

    pub async fn invalid(&self, method: &str, path: &str, query: &[(&str, &str)], body: Option<Value>) -> (u16, Value) {
        self.call(Kind::Invalid, method, path, query, body).await
    }

    /// Each operation: (served, a valid request passed, an invalid request passed), and every failure.
    pub fn summary(&self) -> (BTreeMap<String, (bool, bool, bool)>, Vec<Outcome>) {
        let outcomes = self.outcomes.lock().unwrap();
        let mut by_op: BTreeMap<String, (bool, bool, bool)> = BTreeMap::new();
        let mut failures = Vec::new();
        for o in outcomes.iter() {
            let entry = by_op.entry(o.operation.clone()).or_default();
            entry.0 |= o.served;
            match (&o.failure, o.kind) {
                (None, Kind::Valid) => entry.1 = true,
                (None, Kind::Invalid) => entry.2 = true,
                (Some(_), _) if o.served => failures.push(o.clone()),
                _ => {}
            }
        }
        (by_op, failures)
    }
}
