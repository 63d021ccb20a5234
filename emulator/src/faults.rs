//! Fault injection: make a route answer a chosen status and body, late, a
//! number of times, with `Retry-After`, or never (a hung connection), so an
//! app can be shown every error WorkOS can give it.
//!
//! `POST /_emulator/faults {path, method?, status?, body?, delay_ms?, count?,
//! retry_after?, hang?}`; `GET` lists them; `DELETE` clears them. A fault
//! matches a request whose path starts with `path` (and whose method is
//! `method`, when given); the first match that has uses left applies.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Fault {
    pub path: String,
    #[serde(default)]
    pub method: Option<String>,
    /// The status to answer; none: the route answers as usual (after `delay_ms`).
    #[serde(default)]
    pub status: Option<u16>,
    /// The body to answer with; by default WorkOS's shape for the status.
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default)]
    pub delay_ms: u64,
    /// How many requests it applies to; none: until cleared.
    #[serde(default)]
    pub count: Option<u32>,
    /// Seconds, sent as `Retry-After` (429s and 503s).
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Never answer (the client's timeout is what ends it).
    #[serde(default)]
    pub hang: bool,
}

#[derive(Clone, Default)]
pub struct Faults(Arc<Mutex<Vec<Fault>>>);

impl Faults {
    fn list(&self) -> MutexGuard<'_, Vec<Fault>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn add(&self, fault: Fault) {
        self.list().push(fault);
    }

    pub fn clear(&self) {
        self.list().clear();
    }

    pub fn all(&self) -> Vec<Fault> {
        self.list().clone()
    }

    /// The fault for this request, used up by one.
    pub fn take(&self, method: &str, path: &str) -> Option<Fault> {
        let mut list = self.list();
        let at = list.iter().position(|f| {
            path.starts_with(&f.path)
                && f.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
                && f.count.is_none_or(|c| c > 0)
        })?;
        let fault = list[at].clone();
        if let Some(c) = list[at].count.as_mut() {
            *c -= 1;
            if *c == 0 {
                list.remove(at);
            }
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(path: &str, count: Option<u32>) -> Fault {
        Fault { path: path.into(), method: None, status: Some(500), body: None, delay_ms: 0, count, retry_after: None, hang: false }
    }

    #[test]
    fn a_counted_fault_is_used_up_and_an_open_one_stays() {
        let faults = Faults::default();
        faults.add(fault("/organizations", Some(2)));
        faults.add(fault("/user_management", None));
        assert!(faults.take("GET", "/organizations/org_1").is_some());
        assert!(faults.take("GET", "/organizations").is_some());
        assert!(faults.take("GET", "/organizations").is_none());
        for _ in 0..5 {
            assert!(faults.take("POST", "/user_management/authenticate").is_some());
        }
        assert!(faults.take("GET", "/events").is_none());
    }
}
