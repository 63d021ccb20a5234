//! `POST /audit_logs/events`: an application records what happened in an organization.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::http::{ApiError, ApiResult, Body};
use crate::ids::new_id;
use crate::model::AuditLogEntry;
use crate::emulator::Emulator;

#[derive(Debug, Deserialize)]
pub struct Named {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Context {
    location: String,
}

#[derive(Debug, Deserialize)]
pub struct Event {
    action: String,
    occurred_at: String,
    actor: Named,
    targets: Vec<Named>,
    context: Context,
}

#[derive(Debug, Deserialize)]
pub struct CreateBody {
    organization_id: Option<String>,
    event: Option<Event>,
}

fn describe(n: &Named) -> String {
    match &n.name {
        Some(name) => format!("{name} ({} {})", n.kind, n.id),
        None => format!("{} {}", n.kind, n.id),
    }
}

/// 201 `{success: true}`; an unknown organization is a 404, a malformed event a 422 naming the field.
pub async fn create(State(emu): State<Emulator>, Body(body): Body<CreateBody>) -> ApiResult {
    let org = body.organization_id.filter(|s| !s.is_empty()).ok_or_else(|| ApiError::required("organization_id"))?;
    let event = body.event.ok_or_else(|| ApiError::required("event"))?;
    if event.action.trim().is_empty() {
        return Err(ApiError::required("event.action"));
    }
    if chrono::DateTime::parse_from_rfc3339(&event.occurred_at).is_err() {
        return Err(ApiError::invalid("event.occurred_at", "invalid", "occurred_at must be an ISO 8601 timestamp."));
    }
    let mut db = emu.db();
    db.organization(&org).ok_or_else(|| ApiError::not_found("Organization", &org))?;
    db.audit_log_entries.push(AuditLogEntry {
        id: new_id("audit_log_event", emu.clock().millis()),
        organization_id: org,
        action: event.action,
        occurred_at: event.occurred_at,
        actor: describe(&event.actor),
        targets: event.targets.iter().map(describe).collect(),
        location: event.context.location,
    });
    Ok((StatusCode::CREATED, Json(json!({"success": true}))).into_response())
}
