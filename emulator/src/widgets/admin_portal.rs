//! `/_widgets/admin-portal/*`: what the AdminPortalSsoConnection,
//! AdminPortalDomainVerification and AdminPortalAuditLogStreaming widgets call.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::caller::WidgetCaller;
use crate::api::{organization_domains, portal};
use crate::http::{ApiError, ApiResult};
use crate::model::{Certificate, Connection, OrganizationDomain};
use crate::emulator::Emulator;
use crate::state::Db;

const SSO: &str = "widgets:sso:manage";
const DOMAINS: &str = "widgets:domain-verification:manage";
const STREAMS: &str = "widgets:audit-log-streaming:manage";

/// The widget API names connection types in its own casing (`OktaSaml`, `GenericOidc`).
pub fn widget_connection_type(public: &str) -> String {
    if let Some(base) = public.strip_suffix("SAML") {
        format!("{}Saml", base.replace("ADFS", "Adfs").replace("VMware", "VmWare"))
    } else if let Some(base) = public.strip_suffix("OIDC") {
        format!("{base}Oidc")
    } else {
        public.to_string()
    }
}

fn capitalized(state: &str) -> String {
    match state {
        "draft" | "requires_type" => "Inactive".into(),
        s => {
            let mut c = s.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        }
    }
}

fn certificate_json(c: &Certificate) -> Value {
    json!({"id": c.id, "value": c.value, "notBefore": c.not_before, "notAfter": c.not_after, "lastExpiryEventSentAt": null})
}

fn connection_json(c: &Connection, now_iso: &str) -> Value {
    let mut out = json!({
        "id": c.id,
        "type": widget_connection_type(&c.connection_type),
        "name": c.name,
        "state": capitalized(&c.state),
        "createdAt": c.created_at,
        "providerTag": if c.is_saml() { "Saml" } else { "OpenIdConnect" },
        "lastSession": c.last_session_at.as_ref().map(|at| json!({"id": crate::ids::stable_id("conn_session", at, 0), "createdAt": at, "state": "Successful"})),
    });
    if c.is_saml() {
        // The latest-expiring live certificate; an expired one only when none is live.
        let live = c.certificates.iter().filter(|x| x.not_after.as_str() > now_iso).max_by(|a, b| a.not_after.cmp(&b.not_after));
        let expired = c.certificates.iter().filter(|x| x.not_after.as_str() <= now_iso).max_by(|a, b| a.not_after.cmp(&b.not_after));
        out["x509Certificates"] = json!(c.certificates.iter().map(certificate_json).collect::<Vec<_>>());
        out["latestExpiringCertificate"] = live.map(certificate_json).unwrap_or(Value::Null);
        out["latestExpiredCertificate"] = if live.is_none() { expired.map(certificate_json).unwrap_or(Value::Null) } else { Value::Null };
    } else {
        out["x509Certificates"] = Value::Null;
        out["latestExpiringCertificate"] = Value::Null;
        out["latestExpiredCertificate"] = Value::Null;
    }
    out
}

/// A bare array: the widget shows the first.
pub async fn sso_connections(State(emu): State<Emulator>, caller: WidgetCaller) -> ApiResult {
    caller.require(SSO)?;
    let org = caller.organization()?.to_string();
    let now = emu.now_iso();
    let db = emu.db();
    let list: Vec<Value> = db.connections.iter().filter(|c| c.organization_id == org).map(|c| connection_json(c, &now)).collect();
    Ok(Json(Value::Array(list)).into_response())
}

pub fn domain_json(d: &OrganizationDomain) -> Value {
    let state = match d.state.as_str() {
        "verified" => "Verified",
        "failed" => "Failed",
        "legacy_verified" => "LegacyVerified",
        _ => "Pending",
    };
    json!({
        "id": d.id,
        "domain": d.domain,
        "state": state,
        "nameServer": "Other",
        "verificationPrefix": d.verification_prefix,
        "verificationToken": d.verification_token,
        "subdomain": null,
        "createdAt": d.created_at,
    })
}

pub async fn organization_domains(State(emu): State<Emulator>, caller: WidgetCaller) -> ApiResult {
    caller.require(DOMAINS)?;
    let org = caller.organization()?.to_string();
    let db = emu.db();
    let data: Vec<Value> = db.organization(&org).map(|o| o.domains.iter().map(domain_json).collect()).unwrap_or_default();
    Ok(Json(json!({"data": data})).into_response())
}

/// The caller's organization's domain, or a 404 (another organization's is not found either).
fn own_domain(db: &Db, org: &str, id: &str) -> Result<(), ApiError> {
    let found = db.organization(org).is_some_and(|o| o.domains.iter().any(|d| d.id == id));
    if found {
        Ok(())
    } else {
        Err(ApiError::widget(StatusCode::NOT_FOUND, "Domain not found."))
    }
}

pub async fn delete_domain(State(emu): State<Emulator>, caller: WidgetCaller, Path(id): Path<String>) -> ApiResult {
    caller.require(DOMAINS)?;
    let org = caller.organization()?.to_string();
    let mut db = emu.db();
    own_domain(&db, &org, &id)?;
    let gone = organization_domains::remove(&emu, &mut db, &id).map_err(ApiError::for_widgets)?;
    Ok(Json(domain_json(&gone)).into_response())
}

pub async fn reverify_domain(State(emu): State<Emulator>, caller: WidgetCaller, Path(id): Path<String>) -> ApiResult {
    caller.require(DOMAINS)?;
    let org = caller.organization()?.to_string();
    let mut db = emu.db();
    own_domain(&db, &org, &id)?;
    let d = organization_domains::verify(&emu, &mut db, &id).map_err(ApiError::for_widgets)?;
    Ok(Json(domain_json(&d)).into_response())
}

/// The stream, or `{}` when the organization has none.
pub async fn audit_log_stream(State(emu): State<Emulator>, caller: WidgetCaller) -> ApiResult {
    caller.require(STREAMS)?;
    let org = caller.organization()?.to_string();
    let db = emu.db();
    let body = match db.audit_log_streams.iter().find(|s| s.organization_id == org) {
        None => json!({}),
        Some(s) => json!({
            "id": s.id,
            "state": s.state,
            "type": s.stream_type,
            "errorMessage": s.error_message,
            "lastSyncedEventId": null,
            "auditLogTrailId": crate::ids::stable_id("audit_log_trail", &org, 0),
        }),
    };
    Ok(Json(body).into_response())
}

#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    intent: Option<String>,
}

/// `POST …/generate-link?intent=` → 201 `{link}`; the link carries `apiToken`,
/// which the widget moves into a form POST.
pub async fn generate_link(State(emu): State<Emulator>, caller: WidgetCaller, Query(q): Query<LinkQuery>) -> ApiResult {
    let intent = q.intent.unwrap_or_default();
    let permission = match intent.as_str() {
        "sso" => SSO,
        "domain_verification" => DOMAINS,
        "log_streams" => STREAMS,
        "dsync" => "widgets:dsync:manage",
        other => return Err(ApiError::widget(StatusCode::BAD_REQUEST, format!("'{other}' is not an Admin Portal intent the widgets open."))),
    };
    caller.require(permission)?;
    let org = caller.organization()?.to_string();
    let mut db = emu.db();
    let link = portal::issue(&emu, &mut db, &org, &intent, None, None, "apiToken");
    Ok((StatusCode::CREATED, Json(json!({"link": link}))).into_response())
}
