//! `/directories`, `/directory_users`, `/directory_groups`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::http::{paginate, ApiError, ApiResult, PageParams};
use crate::model::{Directory, DirectoryUser};
use crate::emulator::Emulator;
use crate::state::Db;

/// The public shape, with the user and group counts in `metadata`.
pub fn directory_json(db: &Db, d: &Directory) -> Value {
    let (active, inactive, groups) = db.directory_counts(&d.id);
    json!({
        "object": "directory",
        "id": d.id,
        "organization_id": d.organization_id,
        "external_key": d.external_key,
        "type": d.directory_type,
        "state": d.state,
        "name": d.name,
        "domain": d.domain,
        "metadata": {"users": {"active": active, "inactive": inactive}, "groups": groups},
        "created_at": d.created_at,
        "updated_at": d.updated_at,
    })
}

pub fn user_json(db: &Db, u: &DirectoryUser) -> Value {
    let groups: Vec<Value> = db.directory_groups.iter().filter(|g| u.group_ids.contains(&g.id)).map(|g| g.to_json()).collect();
    json!({
        "object": "directory_user",
        "id": u.id,
        "directory_id": u.directory_id,
        "organization_id": u.organization_id,
        "idp_id": u.idp_id,
        "email": u.email,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "emails": [{"primary": true, "type": "work", "value": u.email}],
        "state": u.state,
        "raw_attributes": {},
        "custom_attributes": {},
        "groups": groups,
        "created_at": u.created_at,
        "updated_at": u.updated_at,
    })
}

#[derive(Debug, Deserialize)]
pub struct DirectoriesQuery {
    #[serde(flatten)]
    page: PageParams,
    organization_id: Option<String>,
    search: Option<String>,
}

pub async fn list(State(emu): State<Emulator>, Query(q): Query<DirectoriesQuery>) -> ApiResult {
    let org = q.organization_id.filter(|s| !s.is_empty());
    let search = q.search.filter(|s| !s.is_empty()).map(|s| s.to_lowercase());
    let db = emu.db();
    let items: Vec<Value> = db
        .directories
        .iter()
        .filter(|d| org.as_ref().is_none_or(|o| &d.organization_id == o))
        .filter(|d| search.as_ref().is_none_or(|s| d.name.to_lowercase().contains(s)))
        .map(|d| directory_json(&db, d))
        .collect();
    let page = paginate(items, |d| d["id"].as_str().unwrap_or_default(), &q.page, "desc")?;
    Ok(Json(page.to_list()).into_response())
}

pub async fn get(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let db = emu.db();
    let d = db.directories.iter().find(|d| d.id == id).ok_or_else(|| ApiError::not_found("Directory", &id))?;
    Ok(Json(directory_json(&db, d)).into_response())
}

/// `DELETE /directories/{id}` → 204: its users and groups go too, with `dsync.deleted`.
pub async fn delete(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    // The spec declares no 404 here: deleting what is not there is done (202).
    let Some(at) = db.directories.iter().position(|d| d.id == id) else {
        return Ok((StatusCode::ACCEPTED, Json(json!({}))).into_response());
    };
    let mut data = directory_json(&db, &db.directories[at]);
    data["state"] = json!("deleting");
    let gone = db.directories.remove(at);
    db.directory_users.retain(|u| u.directory_id != id);
    db.directory_groups.retain(|g| g.directory_id != id);
    db.record_event(&emu, "dsync.deleted", Some(&gone.organization_id), data);
    // 202: WorkOS removes a directory's users and groups after it answers.
    Ok((StatusCode::ACCEPTED, Json(json!({}))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct MembersQuery {
    #[serde(flatten)]
    page: PageParams,
    directory: Option<String>,
    group: Option<String>,
    user: Option<String>,
}

/// Either `directory` or `group` is required, as WorkOS requires.
pub async fn list_users(State(emu): State<Emulator>, Query(q): Query<MembersQuery>) -> ApiResult {
    let directory = q.directory.filter(|s| !s.is_empty());
    let group = q.group.filter(|s| !s.is_empty());
    if directory.is_none() && group.is_none() {
        return Err(ApiError::invalid("directory", "required", "Validation failed: either directory or group is required"));
    }
    let db = emu.db();
    let items: Vec<Value> = db
        .directory_users
        .iter()
        .filter(|u| directory.as_ref().is_none_or(|d| &u.directory_id == d))
        .filter(|u| group.as_ref().is_none_or(|g| u.group_ids.contains(g)))
        .map(|u| user_json(&db, u))
        .collect();
    let page = paginate(items, |u| u["id"].as_str().unwrap_or_default(), &q.page, "desc")?;
    Ok(Json(page.to_list()).into_response())
}

pub async fn get_user(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let db = emu.db();
    let u = db.directory_users.iter().find(|u| u.id == id).ok_or_else(|| ApiError::not_found("Directory User", &id))?;
    Ok(Json(user_json(&db, u)).into_response())
}

/// Either `directory` or `user` is required.
pub async fn list_groups(State(emu): State<Emulator>, Query(q): Query<MembersQuery>) -> ApiResult {
    let directory = q.directory.filter(|s| !s.is_empty());
    let user = q.user.filter(|s| !s.is_empty());
    if directory.is_none() && user.is_none() {
        return Err(ApiError::invalid("directory", "required", "Validation failed: either directory or user is required"));
    }
    let db = emu.db();
    let member_of: Option<Vec<String>> = user.as_ref().map(|id| {
        db.directory_users.iter().find(|u| &u.id == id).map(|u| u.group_ids.clone()).unwrap_or_default()
    });
    let items: Vec<Value> = db
        .directory_groups
        .iter()
        .filter(|g| directory.as_ref().is_none_or(|d| &g.directory_id == d))
        .filter(|g| member_of.as_ref().is_none_or(|ids| ids.contains(&g.id)))
        .map(|g| g.to_json())
        .collect();
    let page = paginate(items, |g| g["id"].as_str().unwrap_or_default(), &q.page, "desc")?;
    Ok(Json(page.to_list()).into_response())
}

pub async fn get_group(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let db = emu.db();
    let g = db.directory_groups.iter().find(|g| g.id == id).ok_or_else(|| ApiError::not_found("Directory Group", &id))?;
    Ok(Json(g.to_json()).into_response())
}
