//! How many requests each route has answered since start (or the last reset):
//! what an app's caching saves is counted here, not guessed.
//! `GET /_emulator/requests` → `{"total": N, "data": {"GET /organizations/{id}": n, …}}`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};


#[derive(Clone, Default)]
pub struct Traffic(Arc<Mutex<BTreeMap<String, u64>>>);

impl Traffic {
    fn counts(&self) -> MutexGuard<'_, BTreeMap<String, u64>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counted by route template, so the map stays as small as the API.
    pub fn record(&self, method: &str, route: &str) {
        *self.counts().entry(format!("{method} {route}")).or_default() += 1;
    }

    pub fn clear(&self) {
        self.counts().clear();
    }

    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.counts().clone()
    }
}

