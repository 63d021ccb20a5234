//! How many requests each route has answered since start (or the last reset):
//! what an app's caching saves is counted here, not guessed.
//! `GET /_emulator/requests` → `{"total": N, "data": {"GET /organizations/{id}": n, …}}`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::state::Emulator;

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

/// The emulator's own control routes are not WorkOS traffic and are not counted.
pub async fn count(State(emu): State<Emulator>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string());
    let route = route.unwrap_or_else(|| "(no route)".into());
    if !route.starts_with("/_emulator/") && route != "/health" {
        emu.traffic().record(request.method().as_str(), &route);
    }
    next.run(request).await
}

pub async fn requests(State(emu): State<Emulator>) -> impl IntoResponse {
    let data = emu.traffic().snapshot();
    Json(json!({"total": data.values().sum::<u64>(), "data": data}))
}
