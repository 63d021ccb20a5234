//! Routes for operators and tests: health, reset, the clock, the emulated
//! customer's DNS and identity provider.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::http::{ApiResult, Body};
use crate::state::Emulator;

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
