//! Roles: the environment's (`/authorization/roles`) and an organization's own
//! (`/authorization/organizations/{id}/roles`), with their permissions. The
//! same roles the Members widget offers and widget tokens' permissions come from.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::emulator::Emulator;
use crate::http::{ApiError, ApiResult, Body};
use crate::ids::new_id;
use crate::model::Role;
use crate::state::Db;

/// Organization roles' slugs start so, keeping them apart from the environment's.
const ORG_ROLE_PREFIX: &str = "org-";

fn valid_slug(slug: &str) -> bool {
    !slug.is_empty() && slug.len() <= 48 && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == ':')
}

fn role_at(db: &Db, org: Option<&str>, slug: &str) -> Result<usize, ApiError> {
    db.roles
        .iter()
        .position(|r| r.slug == slug && r.organization_id.as_deref() == org)
        .ok_or_else(|| ApiError::not_found("Role", slug))
}

fn organization(db: &Db, id: &str) -> Result<(), ApiError> {
    db.organization(id).map(|_| ()).ok_or_else(|| ApiError::not_found("Organization", id))
}

fn event(emu: &Emulator, db: &mut Db, what: &str, role: &Role) {
    let prefix = if role.organization_id.is_some() { "organization_role" } else { "role" };
    db.record_event(emu, &format!("{prefix}.{what}"), role.organization_id.as_deref(), role.to_event_json());
}

#[derive(Debug, Deserialize)]
pub struct CreateBody {
    slug: Option<String>,
    name: Option<String>,
    description: Option<String>,
}

fn create_role(emu: &Emulator, db: &mut Db, org: Option<&str>, body: CreateBody) -> Result<Role, ApiError> {
    let name = body.name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).ok_or_else(|| ApiError::required("name"))?;
    let slug = match (body.slug.filter(|s| !s.is_empty()), org) {
        (Some(s), _) => s,
        (None, Some(_)) => format!("{ORG_ROLE_PREFIX}{}", name.to_lowercase().split_whitespace().collect::<Vec<_>>().join("-")),
        (None, None) => return Err(ApiError::required("slug")),
    };
    if !valid_slug(&slug) {
        return Err(ApiError::bad_request("bad_request", format!("'{slug}' is not a valid role slug (lowercase letters, digits, - _ :).")));
    }
    if org.is_some() && !slug.starts_with(ORG_ROLE_PREFIX) {
        return Err(ApiError::bad_request("bad_request", format!("An organization role's slug starts with '{ORG_ROLE_PREFIX}'.")));
    }
    if db.roles.iter().any(|r| r.slug == slug && (r.organization_id.is_none() || r.organization_id.as_deref() == org)) {
        let code = if org.is_some() { "organization_role_slug_conflict" } else { "role_slug_conflict" };
        return Err(ApiError::new(StatusCode::CONFLICT, json!({"code": code, "message": format!("A role with the slug '{slug}' already exists.")})));
    }
    let now = emu.now_iso();
    let role = Role {
        id: new_id("role", emu.clock().millis()),
        slug,
        name,
        description: body.description,
        permissions: Vec::new(),
        default: false,
        organization_id: org.map(str::to_string),
        created_at: now.clone(),
        updated_at: now,
    };
    db.roles.push(role.clone());
    event(emu, db, "created", &role);
    Ok(role)
}

pub async fn list_roles(State(emu): State<Emulator>) -> ApiResult {
    let db = emu.db();
    let data: Vec<_> = db.roles.iter().filter(|r| r.organization_id.is_none()).map(|r| r.to_json()).collect();
    Ok(Json(json!({"object": "list", "data": data})).into_response())
}

pub async fn create_environment_role(State(emu): State<Emulator>, Body(body): Body<CreateBody>) -> ApiResult {
    let mut db = emu.db();
    let role = create_role(&emu, &mut db, None, body)?;
    Ok((StatusCode::CREATED, Json(role.to_json())).into_response())
}

/// The organization's roles: the environment's, then its own.
pub async fn list_organization_roles(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let db = emu.db();
    organization(&db, &id)?;
    let data: Vec<_> = db
        .roles
        .iter()
        .filter(|r| r.organization_id.as_deref().is_none_or(|o| o == id))
        .map(|r| r.to_json())
        .collect();
    Ok(Json(json!({"object": "list", "data": data})).into_response())
}

pub async fn create_organization_role(State(emu): State<Emulator>, Path(id): Path<String>, Body(body): Body<CreateBody>) -> ApiResult {
    let mut db = emu.db();
    organization(&db, &id)?;
    let role = create_role(&emu, &mut db, Some(&id), body)?;
    Ok((StatusCode::CREATED, Json(role.to_json())).into_response())
}

pub async fn get_role(State(emu): State<Emulator>, Path(slug): Path<String>) -> ApiResult {
    let db = emu.db();
    let at = role_at(&db, None, &slug)?;
    Ok(Json(db.roles[at].to_json()).into_response())
}

/// An organization's role by slug: its own, or an environment role it has.
pub async fn get_organization_role(State(emu): State<Emulator>, Path((id, slug)): Path<(String, String)>) -> ApiResult {
    let db = emu.db();
    organization(&db, &id)?;
    let at = role_at(&db, Some(&id), &slug).or_else(|_| role_at(&db, None, &slug))?;
    Ok(Json(db.roles[at].to_json()).into_response())
}

#[derive(Debug, Deserialize)]
pub struct UpdateBody {
    name: Option<String>,
    description: Option<Option<String>>,
}

fn update_role(emu: &Emulator, db: &mut Db, at: usize, body: UpdateBody) -> Result<Role, ApiError> {
    let now = emu.now_iso();
    let role = &mut db.roles[at];
    if let Some(name) = body.name {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(ApiError::invalid("name", "invalid", "name may not be empty."));
        }
        role.name = name;
    }
    if let Some(d) = body.description {
        role.description = d;
    }
    role.updated_at = now;
    let role = role.clone();
    event(emu, db, "updated", &role);
    Ok(role)
}

pub async fn update_environment_role(State(emu): State<Emulator>, Path(slug): Path<String>, Body(body): Body<UpdateBody>) -> ApiResult {
    let mut db = emu.db();
    let at = role_at(&db, None, &slug)?;
    Ok(Json(update_role(&emu, &mut db, at, body)?.to_json()).into_response())
}

pub async fn update_organization_role(State(emu): State<Emulator>, Path((id, slug)): Path<(String, String)>, Body(body): Body<UpdateBody>) -> ApiResult {
    let mut db = emu.db();
    organization(&db, &id)?;
    let at = role_at(&db, Some(&id), &slug)?;
    Ok(Json(update_role(&emu, &mut db, at, body)?.to_json()).into_response())
}

/// `DELETE` an organization role: refused (409) while a membership holds it.
pub async fn delete_organization_role(State(emu): State<Emulator>, Path((id, slug)): Path<(String, String)>) -> ApiResult {
    let mut db = emu.db();
    organization(&db, &id)?;
    let at = role_at(&db, Some(&id), &slug)?;
    if db.memberships.iter().any(|m| m.organization_id == id && m.role_slugs.contains(&slug)) {
        return Err(ApiError::new(StatusCode::CONFLICT, json!({"code": "role_has_assignments", "message": format!("Role '{slug}' is assigned to members; give them another role first.")})));
    }
    let role = db.roles.remove(at);
    event(&emu, &mut db, "deleted", &role);
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize)]
pub struct PermissionsBody {
    permissions: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct PermissionBody {
    slug: Option<String>,
}

fn set_permissions(emu: &Emulator, db: &mut Db, at: usize, permissions: Vec<String>) -> Role {
    let mut seen = Vec::new();
    for p in permissions {
        if !seen.contains(&p) {
            seen.push(p);
        }
    }
    db.roles[at].permissions = seen;
    db.roles[at].updated_at = emu.now_iso();
    let role = db.roles[at].clone();
    event(emu, db, "updated", &role);
    role
}

fn org_role(db: &Db, id: &str, slug: &str) -> Result<usize, ApiError> {
    organization(db, id)?;
    role_at(db, Some(id), slug)
}

async fn replace(emu: Emulator, org: Option<String>, slug: String, body: PermissionsBody) -> ApiResult {
    let mut db = emu.db();
    let at = match &org {
        Some(id) => org_role(&db, id, &slug)?,
        None => role_at(&db, None, &slug)?,
    };
    let permissions = body.permissions.ok_or_else(|| ApiError::required("permissions"))?;
    Ok(Json(set_permissions(&emu, &mut db, at, permissions).to_json()).into_response())
}

async fn add(emu: Emulator, org: Option<String>, slug: String, body: PermissionBody) -> ApiResult {
    let mut db = emu.db();
    let at = match &org {
        Some(id) => org_role(&db, id, &slug)?,
        None => role_at(&db, None, &slug)?,
    };
    let permission = body.slug.filter(|s| !s.is_empty()).ok_or_else(|| ApiError::required("slug"))?;
    let mut permissions = db.roles[at].permissions.clone();
    permissions.push(permission);
    Ok(Json(set_permissions(&emu, &mut db, at, permissions).to_json()).into_response())
}

pub async fn set_role_permissions(State(emu): State<Emulator>, Path(slug): Path<String>, Body(body): Body<PermissionsBody>) -> ApiResult {
    replace(emu, None, slug, body).await
}

pub async fn add_role_permission(State(emu): State<Emulator>, Path(slug): Path<String>, Body(body): Body<PermissionBody>) -> ApiResult {
    add(emu, None, slug, body).await
}

pub async fn set_organization_role_permissions(
    State(emu): State<Emulator>,
    Path((id, slug)): Path<(String, String)>,
    Body(body): Body<PermissionsBody>,
) -> ApiResult {
    replace(emu, Some(id), slug, body).await
}

pub async fn add_organization_role_permission(
    State(emu): State<Emulator>,
    Path((id, slug)): Path<(String, String)>,
    Body(body): Body<PermissionBody>,
) -> ApiResult {
    add(emu, Some(id), slug, body).await
}

pub async fn remove_organization_role_permission(
    State(emu): State<Emulator>,
    Path((id, slug, permission)): Path<(String, String, String)>,
) -> ApiResult {
    let mut db = emu.db();
    let at = org_role(&db, &id, &slug)?;
    let permissions = db.roles[at].permissions.iter().filter(|p| **p != permission).cloned().collect();
    Ok(Json(set_permissions(&emu, &mut db, at, permissions).to_json()).into_response())
}
