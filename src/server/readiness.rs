//! `GET /ready`: whether this instance can serve users now, for a load
//! balancer (`/health` says only that the process answers). Ready means: not
//! shutting down, the database answers with every migration applied, and
//! WorkOS answered within the last minute (or answers a call now).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use workos::resources::organizations::ListOrganizationsParams;

use super::state::AppState;

/// How long a check may take: a probe that hangs is an answer too.
const CHECK_FOR: Duration = Duration::from_secs(2);
/// A call of Orgdeck's own that WorkOS answered this recently is proof enough.
const REACHED_WITHIN: Duration = Duration::from_secs(60);

/// What `/ready` answers: `"ok"` or why not, per check.
#[derive(Debug, Serialize)]
pub struct Readiness {
    pub ready: bool,
    pub shutting_down: bool,
    pub database: String,
    pub workos: String,
}

pub async fn ready(State(state): State<AppState>) -> Response {
    let readiness = check(&state).await;
    let status = if readiness.ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(readiness)).into_response()
}

pub async fn check(state: &AppState) -> Readiness {
    let shutting_down = state.shutdown.begun();
    // A load balancer stops sending users at the first 503: nothing else to ask.
    if shutting_down {
        return Readiness { ready: false, shutting_down, database: "not checked".into(), workos: "not checked".into() };
    }
    let (database, workos) = tokio::join!(database(state), workos(state));
    Readiness { ready: database == "ok" && workos == "ok", shutting_down, database, workos }
}

async fn database(state: &AppState) -> String {
    match tokio::time::timeout(CHECK_FOR, state.store.migrations_applied()).await {
        Ok(Ok((applied, known))) if applied >= known => "ok".into(),
        Ok(Ok((applied, known))) => format!("{applied} of {known} migrations applied (an older instance's database?)"),
        Ok(Err(e)) => {
            tracing::warn!("not ready: the database did not answer: {e}");
            "unreachable".into()
        }
        Err(_) => format!("no answer in {} s", CHECK_FOR.as_secs()),
    }
}

async fn workos(state: &AppState) -> String {
    if state.reach.reached_within(REACHED_WITHIN) {
        return "ok".into();
    }
    // One small read with the API key; its outcome lands in the reach too.
    let organizations = state.workos.organizations();
    let probe = organizations.list_organizations(ListOrganizationsParams { limit: Some(1), ..Default::default() });
    match tokio::time::timeout(CHECK_FOR, probe).await {
        Ok(Ok(_)) => "ok".into(),
        Ok(Err(e)) => {
            let e = crate::error::AppError::from(e);
            tracing::warn!("not ready: WorkOS did not answer: {e}");
            format!("unreachable: {e}")
        }
        Err(_) => format!("no answer in {} s", CHECK_FOR.as_secs()),
    }
}
