//! Routes for operators and tests: health, reset, the clock, the emulated
//! customer's DNS and identity provider, webhook endpoints, faults and deliveries.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::events::{Fault, Settings as WebhookSettings, Webhooks};
use crate::http::{ApiError, ApiResult, Body};
use crate::emulator::Emulator;

pub async fn health(State(emu): State<Emulator>) -> impl IntoResponse {
    Json(json!({"status": "ok", "client_id": emu.client_id(), "kid": emu.keys().kid()}))
}

/// Restores the seed: every change since start is forgotten, the clock is reset.
pub async fn reset(State(emu): State<Emulator>) -> impl IntoResponse {
    emu.reset();
    Json(json!({"reset": true}))
}

#[derive(Debug, Deserialize)]
pub struct ClockBody {
    offset_seconds: i64,
}

/// Moves the emulator's clock (tokens, codes and invitations expire by it).
pub async fn set_clock(State(emu): State<Emulator>, Body(body): Body<ClockBody>) -> ApiResult {
    emu.clock().set_offset(body.offset_seconds);
    Ok(Json(json!({"offset_seconds": emu.clock().offset(), "now": emu.now_iso()})).into_response())
}

pub async fn get_clock(State(emu): State<Emulator>) -> impl IntoResponse {
    Json(json!({"offset_seconds": emu.clock().offset(), "now": emu.now_iso()}))
}

#[derive(Debug, Deserialize)]
pub struct DnsBody {
    domain: String,
    present: bool,
}

/// `POST /_emulator/dns {domain, present}`: whether the emulator's DNS answers the
/// domain's verification TXT record (it stands in for the customer's DNS provider).
pub async fn set_dns(State(emu): State<Emulator>, Body(body): Body<DnsBody>) -> ApiResult {
    let domain = body.domain.trim().trim_end_matches('.').to_lowercase();
    let mut db = emu.db();
    if body.present {
        db.dns_records.insert(domain.clone());
    } else {
        db.dns_records.remove(&domain);
    }
    Ok(Json(json!({"domain": domain, "present": body.present})).into_response())
}

#[derive(Debug, Deserialize)]
pub struct IdpCertificateQuery {
    subject: Option<String>,
    days: Option<u64>,
}

/// `GET /_emulator/idp/certificate[?subject=&days=]`: a new PEM signing
/// certificate from the emulated identity provider, valid from now for `days`
/// (365 by default), for the `certificate_renewal` flow to be given one.
pub async fn idp_certificate(State(emu): State<Emulator>, Query(q): Query<IdpCertificateQuery>) -> impl IntoResponse {
    let now = emu.clock().unix().max(0) as u64;
    let days = q.days.unwrap_or(365).clamp(1, 3650);
    let subject = q.subject.unwrap_or_else(|| "CN=Emulated IdP".into());
    let pem = emu.keys().certificate_pem(&subject, now.saturating_sub(60), now + days * 86_400);
    ([(header::CONTENT_TYPE, "application/x-pem-file")], pem)
}

#[derive(Debug, Deserialize)]
pub struct EndpointBody {
    url: String,
    secret: Option<String>,
    #[serde(default)]
    events: Vec<String>,
}

/// `POST /_emulator/webhook_endpoints {url, secret?, events?}`: deliver events there
/// (all types when `events` is empty); a secret is generated when none is given.
pub async fn add_webhook_endpoint(State(emu): State<Emulator>, Body(body): Body<EndpointBody>) -> ApiResult {
    let parsed = url::Url::parse(&body.url).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
    if parsed.is_none() {
        return Err(ApiError::invalid("url", "invalid", "url must be an http(s) URL"));
    }
    let given = body.secret.filter(|s| !s.is_empty());
    let secret = given.clone().unwrap_or_else(crate::ids::secret_token);
    let endpoint = emu.webhooks().add_endpoint(&body.url, &secret, body.events);
    let mut shown = Webhooks::shown(&endpoint);
    // A secret the emulator made is told once, here; one the caller gave is never echoed.
    if given.is_none() {
        shown["secret"] = json!(secret);
    }
    Ok((StatusCode::CREATED, Json(shown)).into_response())
}

pub async fn list_webhook_endpoints(State(emu): State<Emulator>) -> impl IntoResponse {
    let shown: Vec<_> = emu.webhooks().endpoints().iter().map(Webhooks::shown).collect();
    Json(json!({"data": shown}))
}

pub async fn remove_webhook_endpoint(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    match emu.webhooks().remove_endpoint(&id) {
        true => Ok(StatusCode::NO_CONTENT.into_response()),
        false => Err(ApiError::not_found("WebhookEndpoint", &id)),
    }
}

/// `GET|POST /_emulator/webhooks/settings {retry_scale, timeout_ms}`.
pub async fn get_webhook_settings(State(emu): State<Emulator>) -> impl IntoResponse {
    Json(json!(emu.webhooks().settings()))
}

pub async fn set_webhook_settings(State(emu): State<Emulator>, Body(body): Body<WebhookSettings>) -> ApiResult {
    if !(body.retry_scale.is_finite() && body.retry_scale >= 0.0) {
        return Err(ApiError::invalid("retry_scale", "invalid", "retry_scale must be a number ≥ 0"));
    }
    emu.webhooks().set_settings(body.clone());
    Ok(Json(json!(body)).into_response())
}

/// `POST /_emulator/webhooks/faults {action: drop|delay|duplicate|reorder, count?, delay_ms?, event?}`;
/// `DELETE` clears them.
pub async fn add_webhook_fault(State(emu): State<Emulator>, Body(fault): Body<Fault>) -> ApiResult {
    emu.webhooks().add_fault(fault.clone());
    Ok((StatusCode::CREATED, Json(json!(fault))).into_response())
}

pub async fn clear_webhook_faults(State(emu): State<Emulator>) -> impl IntoResponse {
    emu.webhooks().clear_faults();
    StatusCode::NO_CONTENT
}

#[derive(Debug, Deserialize)]
pub struct DeliveriesQuery {
    event_id: Option<String>,
}

/// `GET /_emulator/deliveries[?event_id=]`: every delivery, newest first, with its attempts.
pub async fn deliveries(State(emu): State<Emulator>, Query(q): Query<DeliveriesQuery>) -> impl IntoResponse {
    let list: Vec<_> = emu.webhooks().deliveries().into_iter().filter(|d| q.event_id.as_ref().is_none_or(|id| &d.event_id == id)).collect();
    Json(json!({"data": list}))
}

/// `POST /_emulator/faults` (see `faults.rs`): 201 with the fault.
pub async fn add_fault(State(emu): State<Emulator>, Body(fault): Body<crate::faults::Fault>) -> ApiResult {
    if fault.path.is_empty() || !fault.path.starts_with('/') {
        return Err(ApiError::invalid("path", "invalid", "path must start with /"));
    }
    if fault.status.is_some_and(|s| !(100..=599).contains(&s)) {
        return Err(ApiError::invalid("status", "invalid", "status must be an HTTP status"));
    }
    emu.faults().add(fault.clone());
    Ok((StatusCode::CREATED, Json(json!(fault))).into_response())
}

pub async fn list_faults(State(emu): State<Emulator>) -> impl IntoResponse {
    Json(json!({"data": emu.faults().all()}))
}

pub async fn clear_faults(State(emu): State<Emulator>) -> impl IntoResponse {
    emu.faults().clear();
    StatusCode::NO_CONTENT
}

#[derive(Debug, Deserialize)]
pub struct CorsBody {
    #[serde(default)]
    refuse: Vec<String>,
}

/// `POST /_emulator/cors {refuse: [origins]}`: the widgets API refuses these
/// origins (as WorkOS does an origin missing from "allowed web origins").
pub async fn set_cors(State(emu): State<Emulator>, Body(body): Body<CorsBody>) -> ApiResult {
    emu.set_refused_origins(body.refuse.clone());
    Ok(Json(json!({"refuse": body.refuse})).into_response())
}

/// `GET /_emulator/requests`: what each route answered since start (or the last reset).
pub async fn requests(State(emu): State<Emulator>) -> impl IntoResponse {
    let data = emu.traffic().snapshot();
    Json(json!({"total": data.values().sum::<u64>(), "data": data}))
}
