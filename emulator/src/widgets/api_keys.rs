//! `/_widgets/ApiKeys/*` (the ApiKeys widget, organization scope) and
//! `/_widgets/UserApiKeys/*` (its `scope="user"` variant).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::caller::WidgetCaller;
use crate::api_keys::{self, NewKey};
use crate::http::{paginate, ApiError, ApiResult, Body, PageParams};
use crate::model::{ApiKey, ApiKeyOwner};
use crate::emulator::Emulator;
use crate::state::Db;

const MANAGE: &str = "widgets:api-keys:manage";
const MANAGE_SELF: &str = "widgets:user-api-keys:manage-self";
const MANAGE_ALL: &str = "widgets:user-api-keys:manage-all";

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(flatten)]
    page: PageParams,
    search: Option<String>,
}

fn row(key: &ApiKey) -> Value {
    json!({
        "id": key.id,
        "name": key.name,
        "obfuscatedValue": key.obfuscated(),
        "createdAt": key.created_at,
        "lastUsedAt": key.last_used_at,
        "expiresAt": key.expires_at,
        "permissions": key.permissions,
    })
}

fn user_row(db: &Db, key: &ApiKey) -> Value {
    let mut out = row(key);
    if let ApiKeyOwner::User { user_id, .. } = &key.owner {
        let u = db.user(user_id);
        out["owner"] = json!({
            "type": "user",
            "id": user_id,
            "email": u.map(|u| u.email.as_str()),
            "firstName": u.and_then(|u| u.first_name.as_deref()),
            "lastName": u.and_then(|u| u.last_name.as_deref()),
            "displayName": u.map(|u| u.display_name()),
        });
    }
    out
}

fn created_json(key: &ApiKey) -> Value {
    json!({
        "id": key.id,
        "value": key.value,
        "obfuscatedValue": key.obfuscated(),
        "createdAt": key.created_at,
        "name": key.name,
        "permissions": key.permissions,
        "expiresAt": key.expires_at,
    })
}

/// Newest first, like the Dashboard's list; `after`/`before` are key IDs.
fn page_of(rows: Vec<Value>, params: PageParams) -> ApiResult<Value> {
    let page = paginate(rows, |r| r["id"].as_str().unwrap_or_default(), &params, "desc")?;
    Ok(json!({"data": page.data, "list_metadata": {"before": page.before, "after": page.after}}))
}

fn not_found() -> ApiError {
    ApiError::widget(StatusCode::NOT_FOUND, "API key not found.")
}

pub async fn list(State(emu): State<Emulator>, caller: WidgetCaller, Query(q): Query<ListQuery>) -> ApiResult {
    caller.require(MANAGE)?;
    let org = caller.organization()?.to_string();
    let db = emu.db();
    let rows = api_keys::matching(&db, q.search.as_deref(), |o| matches!(o, ApiKeyOwner::Organization { organization_id } if *organization_id == org))
        .into_iter()
        .map(row)
        .collect();
    Ok(Json(page_of(rows, q.page)?).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBody {
    name: Option<String>,
    #[serde(default)]
    permissions: Vec<String>,
    expires_at: Option<String>,
}

pub async fn create(State(emu): State<Emulator>, caller: WidgetCaller, Body(body): Body<CreateBody>) -> ApiResult {
    caller.require(MANAGE)?;
    let owner = ApiKeyOwner::Organization { organization_id: caller.organization()?.to_string() };
    let mut db = emu.db();
    let key = api_keys::create(&emu, &mut db, NewKey { owner, name: body.name, permissions: body.permissions, expires_at: body.expires_at })
        .map_err(ApiError::for_widgets)?;
    Ok((StatusCode::CREATED, Json(created_json(&key))).into_response())
}

/// The permissions a key may be given (the environment's list, searchable).
pub async fn permissions(State(emu): State<Emulator>, caller: WidgetCaller, Query(q): Query<ListQuery>) -> ApiResult {
    if !(caller.permissions.iter().any(|p| p == MANAGE || p == MANAGE_SELF || p == MANAGE_ALL)) {
        caller.require(MANAGE)?;
    }
    let search = q.search.as_deref().map(str::to_lowercase).filter(|s| !s.is_empty());
    let rows: Vec<Value> = emu
        .seed()
        .api_key_permissions
        .iter()
        .filter(|p| search.as_ref().is_none_or(|s| p.slug.contains(s.as_str()) || p.name.to_lowercase().contains(s.as_str())))
        .map(|p| json!({"id": crate::ids::stable_id("perm", &p.slug, 0), "slug": p.slug, "name": p.name, "description": p.description}))
        .collect();
    let mut params = q.page;
    params.order = Some("asc".into());
    let page = paginate(rows, |r| r["id"].as_str().unwrap_or_default(), &params, "asc")?;
    Ok(Json(json!({"data": page.data, "list_metadata": {"before": page.before, "after": page.after}})).into_response())
}

fn org_key_position(db: &Db, org: &str, id: &str) -> Result<usize, ApiError> {
    db.api_keys
        .iter()
        .position(|k| k.id == id && k.owner == ApiKeyOwner::Organization { organization_id: org.to_string() })
        .ok_or_else(not_found)
}

/// "Revoke key": the key is gone and stops validating at once.
pub async fn delete(State(emu): State<Emulator>, caller: WidgetCaller, Path(id): Path<String>) -> ApiResult {
    caller.require(MANAGE)?;
    let org = caller.organization()?.to_string();
    let mut db = emu.db();
    let at = org_key_position(&db, &org, &id)?;
    crate::api_keys::revoke(&emu, &mut db, at);
    Ok(Json(json!({"success": true})).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpireBody {
    expires_at: Option<String>,
}

pub async fn expire(State(emu): State<Emulator>, caller: WidgetCaller, Path(id): Path<String>, Body(body): Body<ExpireBody>) -> ApiResult {
    caller.require(MANAGE)?;
    let org = caller.organization()?.to_string();
    let mut db = emu.db();
    org_key_position(&db, &org, &id)?;
    let key = api_keys::expire(&emu, &mut db, &id, body.expires_at).map_err(ApiError::for_widgets)?;
    Ok(Json(row(&key)).into_response())
}

/// Whose user keys the caller may see and change: everyone's in the
/// organization with `manage-all`, their own with `manage-self`.
fn user_scope(caller: &WidgetCaller) -> Result<(String, bool), ApiError> {
    let org = caller.organization()?.to_string();
    let all = caller.permissions.iter().any(|p| p == MANAGE_ALL);
    if !all {
        caller.require(MANAGE_SELF)?;
    }
    Ok((org, all))
}

fn user_key_visible(caller: &WidgetCaller, org: &str, all: bool, owner: &ApiKeyOwner) -> bool {
    matches!(owner, ApiKeyOwner::User { user_id, organization_id } if organization_id == org && (all || *user_id == caller.user_id))
}

pub async fn user_list(State(emu): State<Emulator>, caller: WidgetCaller, Query(q): Query<ListQuery>) -> ApiResult {
    let (org, all) = user_scope(&caller)?;
    let db = emu.db();
    let rows = api_keys::matching(&db, q.search.as_deref(), |o| user_key_visible(&caller, &org, all, o))
        .into_iter()
        .map(|k| user_row(&db, k))
        .collect();
    Ok(Json(page_of(rows, q.page)?).into_response())
}

/// A key of the caller's own, for the token's organization.
pub async fn user_create(State(emu): State<Emulator>, caller: WidgetCaller, Body(body): Body<CreateBody>) -> ApiResult {
    let (org, _) = user_scope(&caller)?;
    let owner = ApiKeyOwner::User { user_id: caller.user_id.clone(), organization_id: org };
    let mut db = emu.db();
    let key = api_keys::create(&emu, &mut db, NewKey { owner, name: body.name, permissions: body.permissions, expires_at: body.expires_at })
        .map_err(ApiError::for_widgets)?;
    Ok((StatusCode::CREATED, Json(created_json(&key))).into_response())
}

fn user_key_position(db: &Db, caller: &WidgetCaller, id: &str) -> Result<usize, ApiError> {
    let (org, all) = user_scope(caller)?;
    db.api_keys
        .iter()
        .position(|k| k.id == id && user_key_visible(caller, &org, all, &k.owner))
        .ok_or_else(not_found)
}

pub async fn user_delete(State(emu): State<Emulator>, caller: WidgetCaller, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    let at = user_key_position(&db, &caller, &id)?;
    crate::api_keys::revoke(&emu, &mut db, at);
    Ok(Json(json!({"success": true})).into_response())
}

pub async fn user_expire(State(emu): State<Emulator>, caller: WidgetCaller, Path(id): Path<String>, Body(body): Body<ExpireBody>) -> ApiResult {
    let mut db = emu.db();
    user_key_position(&db, &caller, &id)?;
    let key = api_keys::expire(&emu, &mut db, &id, body.expires_at).map_err(ApiError::for_widgets)?;
    Ok(Json(user_row(&db, &key)).into_response())
}
