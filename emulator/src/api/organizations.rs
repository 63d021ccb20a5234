//! `/organizations`

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;

use crate::http::{csv, paginate, ApiError, ApiResult, Body, PageParams};
use crate::ids::{new_id, secret_token};
use crate::model::{Organization, OrganizationDomain};
use crate::emulator::Emulator;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(flatten)]
    page: PageParams,
    domains: Option<String>,
    search: Option<String>,
}

pub async fn list(State(emu): State<Emulator>, Query(q): Query<ListQuery>) -> ApiResult {
    let domains = csv(q.domains.as_deref());
    let search = q.search.as_deref().map(str::to_lowercase).filter(|s| !s.is_empty());
    let items: Vec<Organization> = emu
        .db()
        .organizations
        .iter()
        .filter(|o| domains.is_empty() || o.domains.iter().any(|d| domains.iter().any(|x| x.eq_ignore_ascii_case(&d.domain))))
        .filter(|o| search.as_ref().is_none_or(|s| o.name.to_lowercase().contains(s)))
        .cloned()
        .collect();
    let page = paginate(items, |o| o.id.as_str(), &q.page, "desc")?;
    Ok(Json(page.to_list()).into_response())
}

pub async fn get(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let db = emu.db();
    let org = db.organization(&id).ok_or_else(|| ApiError::not_found("Organization", &id))?;
    Ok(Json(org).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CreateBody {
    name: Option<String>,
    domain_data: Option<Vec<DomainData>>,
    domains: Option<Vec<String>>,
    metadata: Option<HashMap<String, String>>,
    external_id: Option<String>,
    allow_profiles_outside_organization: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct DomainData {
    domain: String,
    state: Option<String>,
}

pub async fn create(State(emu): State<Emulator>, Body(body): Body<CreateBody>) -> ApiResult {
    let name = body.name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).ok_or_else(|| ApiError::required("name"))?;
    // `domains` is the deprecated form: bare names, created unverified.
    let mut wanted: Vec<(String, String)> = body
        .domain_data
        .unwrap_or_default()
        .into_iter()
        .map(|d| (d.domain.trim().to_lowercase(), d.state.unwrap_or_else(|| "pending".into())))
        .collect();
    wanted.extend(body.domains.unwrap_or_default().into_iter().map(|d| (d.trim().to_lowercase(), "pending".to_string())));
    for (domain, state) in &wanted {
        if !domain.contains('.') || domain.contains(' ') {
            return Err(ApiError::invalid("domain_data", "invalid", format!("'{domain}' is not a valid domain.")));
        }
        if !matches!(state.as_str(), "verified" | "pending") {
            return Err(ApiError::invalid("domain_data", "invalid", format!("Domain state must be 'verified' or 'pending', not '{state}'.")));
        }
    }
    let now = emu.now_iso();
    let millis = emu.clock().millis();
    let mut db = emu.db();
    if let Some(meta) = &body.metadata {
        if meta.len() > 50 {
            return Err(ApiError::bad_request("invalid_metadata", "metadata may hold at most 50 keys."));
        }
    }
    if let Some(ext) = &body.external_id {
        if db.organizations.iter().any(|o| o.external_id.as_deref() == Some(ext)) {
            return Err(ApiError::bad_request("external_id_already_used", format!("An Organization with the external ID {ext} already exists.")));
        }
    }
    for (domain, _) in &wanted {
        if db.domain_in_use(domain) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                serde_json::json!({"message": format!("An Organization with the domain {domain} already exists.")}),
            ));
        }
    }
    let id = new_id("org", millis);
    let domains = wanted
        .into_iter()
        .map(|(domain, state)| OrganizationDomain {
            object: "organization_domain",
            id: new_id("org_domain", millis),
            organization_id: id.clone(),
            verification_token: (state != "verified").then(|| secret_token().to_lowercase()),
            verification_prefix: (state != "verified").then(|| "workos-verification".to_string()),
            domain,
            state,
            verification_strategy: "dns".into(),
            created_at: now.clone(),
            updated_at: now.clone(),
        })
        .collect();
    let org = Organization {
        object: "organization",
        id,
        name,
        allow_profiles_outside_organization: body.allow_profiles_outside_organization.unwrap_or(false),
        domains,
        metadata: body.metadata.unwrap_or_default(),
        external_id: body.external_id,
        stripe_customer_id: None,
        created_at: now.clone(),
        updated_at: now,
    };
    db.organizations.push(org.clone());
    Ok((StatusCode::CREATED, Json(org)).into_response())
}


pub async fn by_external_id(State(emu): State<Emulator>, Path(external_id): Path<String>) -> ApiResult {
    let db = emu.db();
    let org = db
        .organizations
        .iter()
        .find(|o| o.external_id.as_deref() == Some(&external_id))
        .ok_or_else(|| ApiError::not_found("Organization", &external_id))?;
    Ok(Json(org).into_response())
}

#[derive(Debug, Deserialize)]
pub struct UpdateBody {
    name: Option<String>,
    allow_profiles_outside_organization: Option<bool>,
    domain_data: Option<Vec<DomainData>>,
    domains: Option<Vec<String>>,
    stripe_customer_id: Option<String>,
    metadata: Option<HashMap<String, String>>,
    external_id: Option<String>,
}

/// `PUT /organizations/{id}`: the fields given change. `domain_data` (or the
/// deprecated `domains`) replaces the domain list: kept domains keep their
/// state, new ones are added, missing ones removed.
pub async fn update(State(emu): State<Emulator>, Path(id): Path<String>, Body(body): Body<UpdateBody>) -> ApiResult {
    let now = emu.now_iso();
    let millis = emu.clock().millis();
    let mut db = emu.db();
    db.organization(&id).ok_or_else(|| ApiError::not_found("Organization", &id))?;
    if let Some(meta) = &body.metadata {
        if meta.len() > 50 {
            return Err(ApiError::bad_request("invalid_metadata", "metadata may hold at most 50 keys."));
        }
    }
    if let Some(ext) = &body.external_id {
        if db.organizations.iter().any(|o| o.id != id && o.external_id.as_deref() == Some(ext)) {
            return Err(ApiError::bad_request("external_id_already_used", format!("An Organization with the external ID {ext} already exists.")));
        }
    }
    let wanted: Option<Vec<(String, String)>> = match (body.domain_data, body.domains) {
        (Some(d), _) => Some(d.into_iter().map(|d| (d.domain.trim().to_lowercase(), d.state.unwrap_or_else(|| "pending".into()))).collect()),
        (None, Some(d)) => Some(d.into_iter().map(|d| (d.trim().to_lowercase(), "pending".to_string())).collect()),
        (None, None) => None,
    };
    if let Some(wanted) = &wanted {
        for (domain, state) in wanted {
            if !super::organization_domains::valid_domain(domain) {
                return Err(ApiError::invalid("domain_data", "invalid", format!("'{domain}' is not a valid domain.")));
            }
            if !matches!(state.as_str(), "verified" | "pending") {
                return Err(ApiError::invalid("domain_data", "invalid", format!("Domain state must be 'verified' or 'pending', not '{state}'.")));
            }
            if db.organizations.iter().any(|o| o.id != id && o.domains.iter().any(|d| &d.domain == domain)) {
                return Err(ApiError::new(StatusCode::CONFLICT, serde_json::json!({"message": format!("An Organization with the domain {domain} already exists.")})));
            }
        }
    }
    let org = db.organizations.iter_mut().find(|o| o.id == id).ok_or_else(|| ApiError::not_found("Organization", &id))?;
    if let Some(name) = body.name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) {
        org.name = name;
    }
    if let Some(v) = body.allow_profiles_outside_organization {
        org.allow_profiles_outside_organization = v;
    }
    if let Some(v) = body.stripe_customer_id {
        org.stripe_customer_id = Some(v).filter(|s| !s.is_empty());
    }
    if let Some(v) = body.metadata {
        org.metadata = v;
    }
    if body.external_id.is_some() {
        org.external_id = body.external_id;
    }
    if let Some(wanted) = wanted {
        let mut kept = Vec::new();
        for (domain, state) in wanted {
            match org.domains.iter().find(|d| d.domain == domain) {
                Some(d) => kept.push(d.clone()),
                None => kept.push(OrganizationDomain {
                    object: "organization_domain",
                    id: new_id("org_domain", millis),
                    organization_id: id.clone(),
                    verification_token: (state != "verified").then(|| secret_token().to_lowercase()),
                    verification_prefix: (state != "verified").then(|| "workos-verification".to_string()),
                    domain,
                    state,
                    verification_strategy: "dns".into(),
                    created_at: now.clone(),
                    updated_at: now.clone(),
                }),
            }
        }
        org.domains = kept;
    }
    org.updated_at = now;
    let org = org.clone();
    db.record_event(&emu, "organization.updated", Some(&id), serde_json::to_value(&org).unwrap_or_default());
    Ok(Json(org).into_response())
}

/// `DELETE /organizations/{id}`: 202 (WorkOS finishes removing what hangs off
/// it after answering; the emulator removes it at once): its memberships,
/// invitations, domains, connections, directories, keys, roles and groups.
/// Deleting one that is not there is also 202.
pub async fn delete(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    let Some(at) = db.organizations.iter().position(|o| o.id == id) else {
        return Ok(StatusCode::ACCEPTED.into_response());
    };
    let org = db.organizations.remove(at);
    let sessions: Vec<String> = db.sessions.values().filter(|s| s.active && s.organization_id.as_deref() == Some(&id)).map(|s| s.id.clone()).collect();
    for sid in sessions {
        db.revoke_session(&emu, &sid);
    }
    db.memberships.retain(|m| m.organization_id != id);
    db.invitations.retain(|i| i.organization_id != id);
    db.connections.retain(|c| c.organization_id != id);
    let dirs: Vec<String> = db.directories.iter().filter(|d| d.organization_id == id).map(|d| d.id.clone()).collect();
    db.directories.retain(|d| d.organization_id != id);
    db.directory_users.retain(|u| !dirs.contains(&u.directory_id));
    db.directory_groups.retain(|g| !dirs.contains(&g.directory_id));
    db.api_keys.retain(|k| k.owner.organization_id() != id);
    db.roles.retain(|r| r.organization_id.as_deref() != Some(&id));
    db.groups.retain(|g| g.organization_id != id);
    db.audit_log_streams.retain(|s| s.organization_id != id);
    db.record_event(&emu, "organization.deleted", Some(&id), serde_json::to_value(&org).unwrap_or_default());
    Ok(StatusCode::ACCEPTED.into_response())
}

/// `GET /organizations/{id}/audit_log_configuration`: retention, and the log
/// stream when the organization has one.
pub async fn audit_log_configuration(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let db = emu.db();
    db.organization(&id).ok_or_else(|| ApiError::not_found("Organization", &id))?;
    let days = db.audit_log_retention.get(&id).copied().unwrap_or(DEFAULT_RETENTION_DAYS);
    let mut out = serde_json::json!({"organization_id": id, "retention_period_in_days": days, "state": "active"});
    if let Some(s) = db.audit_log_streams.iter().find(|s| s.organization_id == id) {
        out["log_stream"] = serde_json::json!({
            "id": s.id,
            "type": s.stream_type,
            "state": s.state.to_lowercase(),
            "last_synced_at": null,
            "created_at": s.created_at,
        });
    }
    Ok(Json(out).into_response())
}

/// Audit-log events are kept 30 days unless the organization says otherwise.
pub const DEFAULT_RETENTION_DAYS: i64 = 30;
/// The retention periods WorkOS offers.
const RETENTION_CHOICES: &[i64] = &[30, 365];

pub async fn get_retention(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let db = emu.db();
    db.organization(&id).ok_or_else(|| ApiError::not_found("Organization", &id))?;
    let days = db.audit_log_retention.get(&id).copied().unwrap_or(DEFAULT_RETENTION_DAYS);
    Ok(Json(serde_json::json!({"retention_period_in_days": days})).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RetentionBody {
    retention_period_in_days: Option<i64>,
}

pub async fn set_retention(State(emu): State<Emulator>, Path(id): Path<String>, Body(body): Body<RetentionBody>) -> ApiResult {
    let days = body.retention_period_in_days.ok_or_else(|| ApiError::required("retention_period_in_days"))?;
    let mut db = emu.db();
    db.organization(&id).ok_or_else(|| ApiError::not_found("Organization", &id))?;
    if !RETENTION_CHOICES.contains(&days) {
        return Err(ApiError::invalid("retention_period_in_days", "invalid", format!("retention_period_in_days must be one of {RETENTION_CHOICES:?}.")));
    }
    db.audit_log_retention.insert(id, days);
    Ok(Json(serde_json::json!({"retention_period_in_days": days})).into_response())
}

/// `GET /organizations/{id}/feature-flags`: the environment defines no feature
/// flags, so none is enabled for anyone.
pub async fn feature_flags(State(emu): State<Emulator>, Path(id): Path<String>, Query(page): Query<PageParams>) -> ApiResult {
    emu.db().organization(&id).ok_or_else(|| ApiError::not_found("Organization", &id))?;
    let page = paginate(Vec::<serde_json::Value>::new(), |_| "", &page.lenient(), "desc")?;
    Ok(Json(page.to_list()).into_response())
}
