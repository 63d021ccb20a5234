//! Routes for operators and tests: health, reset, and the clock.

use axum::extract::State;
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
