//! WorkOS events in: `POST /webhooks/workos` (verified with the SDK, stored once
//! per event id, answered after the commit), and the Events API catch-up that
//! stores what webhooks missed. `live.rs` streams them to the pages.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use workos::WebhookVerifier;

use super::metrics;
use super::state::AppState;
use super::store::{now_iso, StoredEvent};
use super::workos::events::{self, EventsPage};
use crate::error::AppError;

/// WorkOS's tolerance for a signature's age.
pub const TOLERANCE: Duration = Duration::from_secs(180);
/// How often the catch-up reads the Events API when nothing else asks it to.
pub const CATCH_UP_EVERY: Duration = Duration::from_secs(60);
const CURSOR: &str = "events_api";

/// The event types the catch-up asks for (the Events API wants them named):
/// every WorkOS event about organizations, their members, sign-in and setup.
pub const EVENT_TYPES: &[&str] = &[
    "api_key.created",
    "api_key.revoked",
    "api_key.updated",
    "authentication.email_verification_succeeded",
    "authentication.magic_auth_failed",
    "authentication.magic_auth_succeeded",
    "authentication.mfa_succeeded",
    "authentication.oauth_failed",
    "authentication.oauth_succeeded",
    "authentication.passkey_failed",
    "authentication.passkey_succeeded",
    "authentication.password_failed",
    "authentication.password_succeeded",
    "authentication.sso_failed",
    "authentication.sso_succeeded",
    "connection.activated",
    "connection.deactivated",
    "connection.deleted",
    "connection.saml_certificate_renewed",
    "dsync.activated",
    "dsync.deleted",
    "dsync.group.created",
    "dsync.group.deleted",
    "dsync.group.updated",
    "dsync.group.user_added",
    "dsync.group.user_removed",
    "dsync.user.created",
    "dsync.user.deleted",
    "dsync.user.updated",
    "email_verification.created",
    "invitation.accepted",
    "invitation.created",
    "invitation.resent",
    "invitation.revoked",
    "magic_auth.created",
    "organization.created",
    "organization.deleted",
    "organization.updated",
    "organization_domain.created",
    "organization_domain.deleted",
    "organization_domain.updated",
    "organization_domain.verification_failed",
    "organization_domain.verified",
    "organization_membership.created",
    "organization_membership.deleted",
    "organization_membership.updated",
    "organization_role.created",
    "organization_role.deleted",
    "organization_role.updated",
    "password_reset.created",
    "password_reset.succeeded",
    "role.created",
    "role.deleted",
    "role.updated",
    "session.created",
    "session.revoked",
    "user.created",
    "user.deleted",
    "user.updated",
];

/// The organization and user an event is about, from its payload.
fn owners(event: &str, data: &Value) -> (Option<String>, Option<String>) {
    let text = |v: &Value| v.as_str().map(str::to_string);
    let org = if event.starts_with("organization.") {
        text(&data["id"])
    } else {
        text(&data["organization_id"]).or_else(|| text(&data["owner"]["organization_id"])).or_else(|| {
            (data["owner"]["type"] == "organization").then(|| text(&data["owner"]["id"])).flatten()
        })
    };
    let user = if event.starts_with("user.") { text(&data["id"]) } else { text(&data["user_id"]) };
    (org, user)
}

/// An event as stored, from WorkOS's envelope.
pub fn stored(envelope: &Value, source: &str) -> Option<StoredEvent> {
    let id = envelope["id"].as_str()?.to_string();
    let event = envelope["event"].as_str()?.to_string();
    let (organization_id, user_id) = owners(&event, &envelope["data"]);
    Some(StoredEvent {
        id,
        event,
        organization_id,
        user_id,
        created_at: envelope["created_at"].as_str().unwrap_or_default().to_string(),
        received_at: now_iso(),
        source: source.to_string(),
        payload: envelope.to_string(),
    })
}

/// Stores it once; tells the feed only when it was new.
async fn store_once(state: &AppState, event: StoredEvent) -> Result<bool, sqlx::Error> {
    let new = state.store.insert_event(&event).await?;
    if new {
        // How far behind WorkOS this instance's events are.
        if let (Ok(created), Ok(received)) = (chrono::DateTime::parse_from_rfc3339(&event.created_at), chrono::DateTime::parse_from_rfc3339(&event.received_at)) {
            let source = if event.source == "webhook" { "webhook" } else { "events_api" };
            metrics::ingestion_lag(source, (received - created).num_milliseconds() as f64 / 1000.0);
        }
        state.feed.publish(event).await;
    }
    Ok(new)
}

/// `POST /webhooks/workos`: 200 once the event is in the database (a replay
/// too: it is there), 400 for a bad signature with one log line and nothing
/// stored, 503 when no secret is configured (WorkOS then retries).
pub async fn ingest(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = state.settings.webhook_secret.as_deref() else {
        return refuse(
            "WORKOS_WEBHOOK_SECRET is not set",
            StatusCode::SERVICE_UNAVAILABLE,
            "Webhooks are off: set WORKOS_WEBHOOK_SECRET to the endpoint's secret from the WorkOS Dashboard.",
        );
    };
    let signature = headers.get("workos-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Ok(body) = std::str::from_utf8(&body) else {
        return refuse("the body is not UTF-8", StatusCode::BAD_REQUEST, "The body is not UTF-8 JSON.");
    };
    let verified = WebhookVerifier::new(secret).with_tolerance(TOLERANCE).verify_payload(signature, body);
    if let Err(e) = verified {
        return refuse(&e.to_string(), StatusCode::BAD_REQUEST, "The WorkOS-Signature header does not match this body and secret.");
    }
    let envelope: Value = serde_json::from_str(body).unwrap_or_default();
    let Some(event) = stored(&envelope, "webhook") else {
        return refuse("signed, but not a WorkOS event", StatusCode::BAD_REQUEST, "A signed body, but not a WorkOS event (id, event).");
    };
    match store_once(&state, event).await {
        Ok(new) => {
            metrics::webhook(if new { "stored" } else { "duplicate" });
            StatusCode::OK.into_response()
        }
        Err(e) => {
            // WorkOS retries a 5xx: nothing is lost.
            tracing::error!("could not store a webhook: {e}");
            metrics::webhook("failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// A delivery refused: one log line saying `why`, counted, and `answer` for WorkOS.
fn refuse(why: &str, status: StatusCode, answer: &'static str) -> Response {
    tracing::warn!("refused a webhook: {why}");
    metrics::webhook("refused");
    (status, answer).into_response()
}

/// Reads the Events API from the stored cursor to the end and stores what is
/// not there yet: how many were new.
pub async fn catch_up(state: &AppState) -> Result<usize, AppError> {
    let mut cursor = state.store.cursor(CURSOR).await?;
    let mut range_start = None;
    let mut new = 0;
    loop {
        let (found, after) = match events::page(&state.workos, EVENT_TYPES, cursor.clone(), range_start.clone()).await? {
            EventsPage::Events { events, after } => (events, after),
            // A cursor WorkOS no longer knows: go on from the newest event stored instead.
            EventsPage::CursorRefused(why) => {
                tracing::warn!("the Events API refused the stored cursor ({why}); going on from the newest stored event");
                cursor = None;
                range_start = state.store.newest_event_at().await?;
                continue;
            }
        };
        for envelope in &found {
            if let Some(event) = stored(envelope, "events_api") {
                if store_once(state, event).await? {
                    new += 1;
                }
            }
        }
        let Some(last) = found.last().and_then(|e| e["id"].as_str()) else { break };
        state.store.set_cursor(CURSOR, last).await?;
        cursor = Some(last.to_string());
        if after.is_none() {
            break;
        }
    }
    Ok(new)
}

/// Catches up now, then every `every`, for as long as the server runs.
pub fn spawn_catch_up(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let ran = catch_up(&state).await;
            metrics::catch_up(ran.as_ref().ok().copied());
            match ran {
                Ok(0) => {}
                Ok(n) => tracing::info!("stored {n} WorkOS events the webhooks had not brought"),
                Err(e) => tracing::warn!("event catch-up failed (it tries again in {every:?}): {e}: {}", e.detail()),
            }
            // Sealed sessions kept for a concurrent refresh go when it is over, refreshes or not;
            // so do past budget windows and the buckets of people who stopped asking.
            if let Err(e) = state.store.forget_old_refreshes().await {
                tracing::warn!("could not clear finished session refreshes: {e}");
            }
            let hour_ago = super::store::now_unix() - 3600;
            if let Err(e) = state.store.forget_old_budget(hour_ago).await {
                tracing::warn!("could not clear past WorkOS budget windows: {e}");
            }
            state.limits.forget_idle();
            let kept_since = chrono::Utc::now() - chrono::Duration::days(i64::from(state.settings.retention_days));
            match state.store.forget_older_than(&super::store::iso(kept_since)).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("dropped {n} events, flows and lab actions older than {} days", state.settings.retention_days),
                Err(e) => tracing::warn!("could not drop old records: {e}"),
            }
            state.sign_ins.forget_idle();
            tokio::time::sleep(every).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_event_belongs_to_the_organization_its_payload_names() {
        let (org, user) = owners("invitation.created", &json!({"organization_id": "org_1", "email": "a@b.test"}));
        assert_eq!((org.as_deref(), user), (Some("org_1"), None));
        let (org, _) = owners("organization.updated", &json!({"id": "org_2"}));
        assert_eq!(org.as_deref(), Some("org_2"));
        let (org, _) = owners("api_key.created", &json!({"owner": {"type": "organization", "id": "org_3"}}));
        assert_eq!(org.as_deref(), Some("org_3"));
        let (org, user) = owners("user.updated", &json!({"id": "user_1"}));
        assert_eq!((org, user.as_deref()), (None, Some("user_1")));
    }
}
