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
            return Err(ApiError::invalid("metadata", "invalid", "metadata may hold at most 50 keys."));
        }
    }
    if let Some(ext) = &body.external_id {
        if db.organizations.iter().any(|o| o.external_id.as_deref() == Some(ext)) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                serde_json::json!({"message": format!("An Organization with the external ID {ext} already exists."), "code": "external_id_conflict"}),
            ));
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

