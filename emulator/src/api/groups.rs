//! `/organizations/{id}/groups`: groups of an organization's members (by
//! membership), with `group.*` events.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::emulator::Emulator;
use crate::http::{paginate, ApiError, ApiResult, Body, PageParams};
use crate::ids::new_id;
use crate::model::Group;
use crate::state::Db;

fn group_at(db: &Db, org: &str, id: &str) -> Result<usize, ApiError> {
    db.organization(org).ok_or_else(|| ApiError::not_found("Organization", org))?;
    db.groups.iter().position(|g| g.id == id && g.organization_id == org).ok_or_else(|| ApiError::not_found("Group", id))
}

#[derive(Debug, Deserialize)]
pub struct GroupBody {
    name: Option<String>,
    description: Option<Option<String>>,
}

pub async fn create(State(emu): State<Emulator>, Path(org): Path<String>, Body(body): Body<GroupBody>) -> ApiResult {
    let name = body.name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).ok_or_else(|| ApiError::required("name"))?;
    let now = emu.now_iso();
    let mut db = emu.db();
    db.organization(&org).ok_or_else(|| ApiError::not_found("Organization", &org))?;
    let group = Group {
        id: new_id("group", emu.clock().millis()),
        organization_id: org.clone(),
        name,
        description: body.description.flatten(),
        members: Vec::new(),
        created_at: now.clone(),
        updated_at: now,
    };
    db.groups.push(group.clone());
    db.record_event(&emu, "group.created", Some(&org), group.to_json());
    Ok((StatusCode::CREATED, Json(group.to_json())).into_response())
}

pub async fn list(State(emu): State<Emulator>, Path(org): Path<String>, Query(page): Query<PageParams>) -> ApiResult {
    let db = emu.db();
    db.organization(&org).ok_or_else(|| ApiError::not_found("Organization", &org))?;
    let items: Vec<_> = db.groups.iter().filter(|g| g.organization_id == org).map(|g| g.to_json()).collect();
    // The spec declares no 422 here: paging values that do not parse are ignored.
    let page = paginate(items, |g| g["id"].as_str().unwrap_or_default(), &page.lenient(), "desc")?;
    Ok(Json(page.to_list()).into_response())
}

pub async fn get(State(emu): State<Emulator>, Path((org, id)): Path<(String, String)>) -> ApiResult {
    let db = emu.db();
    let at = group_at(&db, &org, &id)?;
    Ok(Json(db.groups[at].to_json()).into_response())
}

pub async fn update(State(emu): State<Emulator>, Path((org, id)): Path<(String, String)>, Body(body): Body<GroupBody>) -> ApiResult {
    let now = emu.now_iso();
    let mut db = emu.db();
    let at = group_at(&db, &org, &id)?;
    if let Some(name) = body.name {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(ApiError::invalid("name", "invalid", "name may not be empty."));
        }
        db.groups[at].name = name;
    }
    if let Some(d) = body.description {
        db.groups[at].description = d;
    }
    db.groups[at].updated_at = now;
    let group = db.groups[at].clone();
    db.record_event(&emu, "group.updated", Some(&org), group.to_json());
    Ok(Json(group.to_json()).into_response())
}

pub async fn delete(State(emu): State<Emulator>, Path((org, id)): Path<(String, String)>) -> ApiResult {
    let mut db = emu.db();
    let at = group_at(&db, &org, &id)?;
    let group = db.groups.remove(at);
    db.record_event(&emu, "group.deleted", Some(&org), group.to_json());
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize)]
pub struct MemberBody {
    organization_membership_id: Option<String>,
}

/// Adds a membership of the same organization to the group: the group (200).
pub async fn add_member(State(emu): State<Emulator>, Path((org, id)): Path<(String, String)>, Body(body): Body<MemberBody>) -> ApiResult {
    let om = body.organization_membership_id.filter(|s| !s.is_empty()).ok_or_else(|| ApiError::required("organization_membership_id"))?;
    let mut db = emu.db();
    let at = group_at(&db, &org, &id)?;
    if !db.memberships.iter().any(|m| m.id == om && m.organization_id == org) {
        return Err(ApiError::not_found("Organization membership", &om));
    }
    if !db.groups[at].members.contains(&om) {
        db.groups[at].members.push(om.clone());
        db.groups[at].updated_at = emu.now_iso();
        let data = json!({"group": db.groups[at].to_json(), "organization_membership_id": om});
        db.record_event(&emu, "group.member_added", Some(&org), data);
    }
    Ok(Json(db.groups[at].to_json()).into_response())
}

pub async fn list_members(State(emu): State<Emulator>, Path((org, id)): Path<(String, String)>, Query(page): Query<PageParams>) -> ApiResult {
    let db = emu.db();
    let at = group_at(&db, &org, &id)?;
    let items: Vec<_> = db.groups[at]
        .members
        .iter()
        .filter_map(|om| db.memberships.iter().find(|m| &m.id == om))
        .filter_map(|m| db.user(&m.user_id).map(|u| m.to_json(u, db.organization(&m.organization_id).map(|o| o.name.as_str()))))
        .collect();
    let page = paginate(items, |m| m["id"].as_str().unwrap_or_default(), &page.lenient(), "asc")?;
    Ok(Json(page.to_list()).into_response())
}

pub async fn remove_member(State(emu): State<Emulator>, Path((org, id, om)): Path<(String, String, String)>) -> ApiResult {
    let mut db = emu.db();
    let at = group_at(&db, &org, &id)?;
    let Some(p) = db.groups[at].members.iter().position(|m| *m == om) else {
        return Err(ApiError::not_found("Group member", &om));
    };
    db.groups[at].members.remove(p);
    db.groups[at].updated_at = emu.now_iso();
    let data = json!({"group": db.groups[at].to_json(), "organization_membership_id": om});
    db.record_event(&emu, "group.member_removed", Some(&org), data);
    Ok(StatusCode::NO_CONTENT.into_response())
}
