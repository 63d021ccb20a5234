//! `/organization_domains`: adding, verifying (by a DNS TXT record the
//! emulator's DNS answers, see `POST /_emulator/dns`) and removing domains.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::http::{ApiError, ApiResult, Body};
use crate::ids::{new_id, secret_token};
use crate::model::OrganizationDomain;
use crate::emulator::Emulator;
use crate::state::Db;

pub const VERIFICATION_PREFIX: &str = "workos-verification";

fn find<'a>(db: &'a mut Db, id: &str) -> Option<&'a mut OrganizationDomain> {
    db.organizations.iter_mut().flat_map(|o| o.domains.iter_mut()).find(|d| d.id == id)
}

pub fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

/// Adds a pending domain to the organization (409 if any organization has it).
pub fn add(emu: &Emulator, db: &mut Db, organization_id: &str, domain: &str) -> Result<OrganizationDomain, ApiError> {
    let domain = domain.trim().trim_end_matches('.').to_lowercase();
    if !valid_domain(&domain) {
        return Err(ApiError::invalid("domain", "invalid", format!("'{domain}' is not a valid domain.")));
    }
    if db.domain_in_use(&domain) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            json!({"message": format!("The domain {domain} is already in use by an organization."), "code": "domain_already_exists"}),
        ));
    }
    let now = emu.now_iso();
    let org = db.organizations.iter_mut().find(|o| o.id == organization_id).ok_or_else(|| ApiError::not_found("Organization", organization_id))?;
    let d = OrganizationDomain {
        object: "organization_domain",
        id: new_id("org_domain", emu.clock().millis()),
        organization_id: organization_id.to_string(),
        domain,
        state: "pending".into(),
        verification_strategy: "dns".into(),
        verification_token: Some(secret_token().to_lowercase()),
        verification_prefix: Some(VERIFICATION_PREFIX.into()),
        created_at: now.clone(),
        updated_at: now,
    };
    org.domains.push(d.clone());
    db.record_event(emu, "organization_domain.created", Some(organization_id), serde_json::to_value(&d).unwrap_or_default());
    Ok(d)
}

/// Looks the TXT record up: `verified` when the emulator's DNS has it, else `failed`.
pub fn verify(emu: &Emulator, db: &mut Db, id: &str) -> Result<OrganizationDomain, ApiError> {
    let domain = find(db, id).map(|d| d.domain.clone()).ok_or_else(|| ApiError::not_found("Organization Domain", id))?;
    let present = db.dns_records.contains(&domain);
    let now = emu.now_iso();
    let Some(d) = find(db, id) else { return Err(ApiError::not_found("Organization Domain", id)) };
    if matches!(d.state.as_str(), "verified" | "legacy_verified") {
        return Err(ApiError::bad_request("domain_already_verified", format!("The domain {domain} is already verified.")));
    }
    d.state = if present { "verified".into() } else { "failed".into() };
    if present {
        d.verification_token = None;
        d.verification_prefix = None;
    }
    d.updated_at = now;
    let d = d.clone();
    let (event, data) = if present {
        ("organization_domain.verified", serde_json::to_value(&d).unwrap_or_default())
    } else {
        // The spec's reasons are the period running out or another organization
        // verifying it; a check without the record ends the emulator's period at once.
        ("organization_domain.verification_failed", json!({"reason": "domain_verification_period_expired", "organization_domain": d}))
    };
    db.record_event(emu, event, Some(&d.organization_id), data);
    Ok(d)
}

/// Removes the domain, with an `organization_domain.deleted` event.
pub fn remove(emu: &Emulator, db: &mut Db, id: &str) -> Result<OrganizationDomain, ApiError> {
    let org = db
        .organizations
        .iter_mut()
        .find(|o| o.domains.iter().any(|d| d.id == id))
        .ok_or_else(|| ApiError::not_found("Organization Domain", id))?;
    let at = org.domains.iter().position(|d| d.id == id).unwrap_or_default();
    let gone = org.domains.remove(at);
    org.updated_at = emu.now_iso();
    db.record_event(emu, "organization_domain.deleted", Some(&gone.organization_id), serde_json::to_value(&gone).unwrap_or_default());
    Ok(gone)
}

#[derive(Debug, Deserialize)]
pub struct CreateBody {
    domain: Option<String>,
    organization_id: Option<String>,
}

/// `POST /organization_domains` → 201.
pub async fn create(State(emu): State<Emulator>, Body(body): Body<CreateBody>) -> ApiResult {
    let domain = body.domain.filter(|s| !s.is_empty()).ok_or_else(|| ApiError::required("domain"))?;
    let org = body.organization_id.filter(|s| !s.is_empty()).ok_or_else(|| ApiError::required("organization_id"))?;
    let mut db = emu.db();
    let d = add(&emu, &mut db, &org, &domain)?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

pub async fn get(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    let d = find(&mut db, &id).ok_or_else(|| ApiError::not_found("Organization Domain", &id))?;
    Ok(Json(d.clone()).into_response())
}

pub async fn verify_route(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    Ok((StatusCode::CREATED, Json(verify(&emu, &mut db, &id)?)).into_response())
}

pub async fn delete(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    remove(&emu, &mut db, &id)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
