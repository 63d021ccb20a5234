//! `/audit_logs`: an application records what happened in an organization
//! (events), defines its actions' schemas, and exports the log as CSV.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::http::{paginate, ApiError, ApiResult, Body, PageParams};
use crate::ids::new_id;
use crate::model::{AuditLogEntry, AuditLogExport, AuditLogSchema};
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

/// 200 `{success: true}`; an unknown organization is a 404, a malformed event a 422 naming the field.
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
    Ok(Json(json!({"success": true})).into_response())
}

#[derive(Debug, Deserialize)]
pub struct SchemaBody {
    actor: Option<serde_json::Value>,
    targets: Option<Vec<serde_json::Value>>,
    metadata: Option<serde_json::Value>,
}

/// `POST /audit_logs/actions/{action}/schemas` → 201: the action's next schema
/// version (the first defines the action).
pub async fn create_schema(State(emu): State<Emulator>, Path(action): Path<String>, Body(body): Body<SchemaBody>) -> ApiResult {
    let targets = body.targets.ok_or_else(|| ApiError::required("targets"))?;
    let schema_or_absent = |v: &serde_json::Value| v.is_null() || v.is_object();
    if targets.is_empty() || targets.iter().any(|t| !t["type"].is_string() || !schema_or_absent(&t["metadata"])) {
        return Err(ApiError::invalid("targets", "invalid", "targets is a non-empty list of {type, metadata?: a JSON schema object}."));
    }
    if body.actor.as_ref().is_some_and(|a| !a["metadata"].is_object()) {
        return Err(ApiError::invalid("actor", "invalid", "actor is {metadata: a JSON schema object}."));
    }
    if body.metadata.as_ref().is_some_and(|m| !m.is_object()) {
        return Err(ApiError::invalid("metadata", "invalid", "metadata is a JSON schema object."));
    }
    // A target without a metadata schema has none (not `null`).
    let targets = targets
        .into_iter()
        .map(|mut t| {
            if let Some(o) = t.as_object_mut() {
                o.retain(|k, v| k != "metadata" || !v.is_null());
            }
            t
        })
        .collect();
    let mut db = emu.db();
    let version = db.audit_log_schemas.iter().filter(|s| s.action == action).map(|s| s.version).max().unwrap_or(0) + 1;
    let schema = AuditLogSchema { action, version, actor: body.actor, targets, metadata: body.metadata, created_at: emu.now_iso() };
    db.audit_log_schemas.push(schema.clone());
    Ok((StatusCode::CREATED, Json(schema.to_json())).into_response())
}

/// `GET /audit_logs/actions`: each action with its newest schema.
pub async fn list_actions(State(emu): State<Emulator>, Query(page): Query<PageParams>) -> ApiResult {
    let db = emu.db();
    let mut actions: Vec<&str> = Vec::new();
    for s in &db.audit_log_schemas {
        if !actions.contains(&s.action.as_str()) {
            actions.push(&s.action);
        }
    }
    let items: Vec<_> = actions
        .iter()
        .filter_map(|a| {
            let versions: Vec<&AuditLogSchema> = db.audit_log_schemas.iter().filter(|s| s.action == *a).collect();
            let (first, newest) = (versions.first()?, versions.last()?);
            Some(json!({"object": "audit_log_action", "name": a, "schema": newest.to_json(), "created_at": first.created_at, "updated_at": newest.created_at}))
        })
        .collect();
    let page = paginate(items, |a| a["name"].as_str().unwrap_or_default(), &page, "desc")?;
    Ok(Json(page.to_list()).into_response())
}

/// `GET /audit_logs/actions/{action}/schemas`: its versions (404 for an action never defined).
pub async fn list_schemas(State(emu): State<Emulator>, Path(action): Path<String>, Query(page): Query<PageParams>) -> ApiResult {
    let db = emu.db();
    let items: Vec<_> = db.audit_log_schemas.iter().filter(|s| s.action == action).map(|s| s.to_json()).collect();
    if items.is_empty() {
        return Err(ApiError::not_found("Audit log action", &action));
    }
    let page = paginate(items, |s| s["created_at"].as_str().unwrap_or_default(), &page, "desc")?;
    Ok(Json(page.to_list()).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ExportBody {
    organization_id: Option<String>,
    range_start: Option<String>,
    range_end: Option<String>,
    actions: Option<Vec<String>>,
    actors: Option<Vec<String>>,
    actor_names: Option<Vec<String>>,
    actor_ids: Option<Vec<String>>,
    targets: Option<Vec<String>>,
}

/// `POST /audit_logs/exports` → 201: the organization's events in the range
/// (and filters) as CSV, ready at once; `GET …/{id}` gives its `url`.
pub async fn create_export(State(emu): State<Emulator>, body: Result<Body<ExportBody>, ApiError>) -> ApiResult {
    let Body(body) = body.map_err(ApiError::as_bad_request)?;
    let missing = |f: &str| ApiError::bad_request("invalid_request_parameters", format!("{f} is required."));
    let org = body.organization_id.filter(|s| !s.is_empty()).ok_or_else(|| missing("organization_id"))?;
    let start = body.range_start.filter(|s| !s.is_empty()).ok_or_else(|| missing("range_start"))?;
    let end = body.range_end.filter(|s| !s.is_empty()).ok_or_else(|| missing("range_end"))?;
    let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).map_err(|_| ApiError::bad_request("invalid_request_parameters", format!("'{s}' is not an ISO 8601 timestamp.")));
    let (from, to) = (parse(&start)?, parse(&end)?);
    let mut db = emu.db();
    db.organization(&org).ok_or_else(|| ApiError::bad_request("invalid_request_parameters", format!("Organization not found '{org}'.")))?;
    let actors: Vec<String> = [body.actors, body.actor_names, body.actor_ids].into_iter().flatten().flatten().collect();
    let (actions, targets) = (body.actions.unwrap_or_default(), body.targets.unwrap_or_default());
    let field = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut csv = String::from("id,action,occurred_at,actor,targets,location\n");
    for e in db.audit_log_entries.iter().filter(|e| e.organization_id == org) {
        let at = chrono::DateTime::parse_from_rfc3339(&e.occurred_at).ok();
        let in_range = at.is_some_and(|t| t >= from && t < to);
        let wanted = (actions.is_empty() || actions.contains(&e.action))
            && (actors.is_empty() || actors.iter().any(|a| e.actor.contains(a.as_str())))
            && (targets.is_empty() || targets.iter().any(|t| e.targets.iter().any(|x| x.contains(t.as_str()))));
        if in_range && wanted {
            let line = [field(&e.id), field(&e.action), field(&e.occurred_at), field(&e.actor), field(&e.targets.join("; ")), field(&e.location)].join(",");
            csv.push_str(&line);
            csv.push('\n');
        }
    }
    let export = AuditLogExport { id: new_id("audit_log_export", emu.clock().millis()), organization_id: org, csv, created_at: emu.now_iso() };
    db.audit_log_exports.push(export.clone());
    Ok((StatusCode::CREATED, Json(export_json(&emu, &export))).into_response())
}

fn export_json(emu: &Emulator, e: &AuditLogExport) -> serde_json::Value {
    json!({
        "object": "audit_log_export",
        "id": e.id,
        "state": "ready",
        "url": format!("{}/_emulator/audit_log_exports/{}.csv", emu.base_url(), e.id),
        "created_at": e.created_at,
        "updated_at": e.created_at,
    })
}

pub async fn get_export(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let db = emu.db();
    let e = db.audit_log_exports.iter().find(|e| e.id == id).ok_or_else(|| ApiError::not_found("Audit log export", &id))?;
    Ok(Json(export_json(&emu, e)).into_response())
}

/// The export's CSV, where its `url` points (WorkOS's is a signed storage link).
pub async fn export_csv(State(emu): State<Emulator>, Path(file): Path<String>) -> ApiResult {
    let id = file.trim_end_matches(".csv");
    let db = emu.db();
    let e = db.audit_log_exports.iter().find(|e| e.id == id).ok_or_else(|| ApiError::not_found("Audit log export", id))?;
    Ok(([(axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8")], e.csv.clone()).into_response())
}
