//! The public API of API keys: an organization's keys, a user's keys, and the
//! validation an application's API runs on every request it receives.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api_keys::{self, NewKey};
use crate::http::{paginate, ApiError, ApiResult, Body, PageParams};
use crate::model::{ApiKey, ApiKeyOwner};
use crate::emulator::Emulator;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(flatten)]
    page: PageParams,
    organization_id: Option<String>,
}

fn list_of(keys: Vec<&ApiKey>, params: &PageParams) -> ApiResult<Value> {
    let items: Vec<Value> = keys.into_iter().map(ApiKey::to_json).collect();
    Ok(paginate(items, |k| k["id"].as_str().unwrap_or_default(), params, "desc")?.to_list())
}

fn with_value(key: &ApiKey) -> Value {
    let mut out = key.to_json();
    out["value"] = json!(key.value);
    out
}

/// `GET /organizations/{id}/api_keys`: the organization's own keys (not its users').
pub async fn list_for_organization(State(emu): State<Emulator>, Path(org): Path<String>, Query(q): Query<ListQuery>) -> ApiResult {
    let db = emu.db();
    db.organization(&org).ok_or_else(|| ApiError::not_found("Organization", &org))?;
    let keys = api_keys::matching(&db, None, |o| matches!(o, ApiKeyOwner::Organization { organization_id } if *organization_id == org));
    Ok(Json(list_of(keys, &q.page.clone().lenient())?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CreateBody {
    name: Option<String>,
    permissions: Option<Vec<String>>,
    expires_at: Option<String>,
    organization_id: Option<String>,
}

/// `POST /organizations/{id}/api_keys` → 201 with the value, shown this once.
pub async fn create_for_organization(State(emu): State<Emulator>, Path(org): Path<String>, Body(body): Body<CreateBody>) -> ApiResult {
    let mut db = emu.db();
    db.organization(&org).ok_or_else(|| ApiError::not_found("Organization", &org))?;
    let new = NewKey {
        owner: ApiKeyOwner::Organization { organization_id: org },
        name: body.name,
        permissions: body.permissions.unwrap_or_default(),
        expires_at: body.expires_at,
    };
    let key = api_keys::create(&emu, &mut db, new)?;
    Ok((StatusCode::CREATED, Json(with_value(&key))).into_response())
}

/// `GET /user_management/users/{id}/api_keys[?organization_id]`
pub async fn list_for_user(State(emu): State<Emulator>, Path(user): Path<String>, Query(q): Query<ListQuery>) -> ApiResult {
    let db = emu.db();
    db.user(&user).ok_or_else(|| ApiError::not_found("User", &user))?;
    let org = q.organization_id.filter(|o| !o.is_empty());
    let keys = api_keys::matching(&db, None, |o| {
        matches!(o, ApiKeyOwner::User { user_id, organization_id } if *user_id == user && org.as_ref().is_none_or(|x| x == organization_id))
    });
    Ok(Json(list_of(keys, &q.page.clone().lenient())?).into_response())
}

/// `POST /user_management/users/{id}/api_keys`: the user must be an active member of the organization.
pub async fn create_for_user(State(emu): State<Emulator>, Path(user): Path<String>, Body(body): Body<CreateBody>) -> ApiResult {
    let mut db = emu.db();
    db.user(&user).ok_or_else(|| ApiError::not_found("User", &user))?;
    let org = body.organization_id.filter(|o| !o.is_empty()).ok_or_else(|| ApiError::required("organization_id"))?;
    db.organization(&org).ok_or_else(|| ApiError::not_found("Organization", &org))?;
    if db.active_membership(&user, &org).is_none() {
        return Err(ApiError::invalid("organization_id", "not_a_member", format!("User '{user}' is not an active member of organization '{org}'.")));
    }
    let new = NewKey {
        owner: ApiKeyOwner::User { user_id: user, organization_id: org },
        name: body.name,
        permissions: body.permissions.unwrap_or_default(),
        expires_at: body.expires_at,
    };
    let key = api_keys::create(&emu, &mut db, new)?;
    Ok((StatusCode::CREATED, Json(with_value(&key))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ValidateBody {
    value: Option<String>,
}

/// `POST /api_keys/validations`: `{api_key: null}` for an unknown, revoked or expired key.
pub async fn validate(State(emu): State<Emulator>, Body(body): Body<ValidateBody>) -> ApiResult {
    let value = body.value.filter(|v| !v.is_empty()).ok_or_else(|| ApiError::required("value"))?;
    let mut db = emu.db();
    let key = api_keys::validate(&emu, &mut db, &value);
    Ok(Json(json!({"api_key": key.as_ref().map(ApiKey::to_json)})).into_response())
}

/// `DELETE /api_keys/{id}` → 204.
pub async fn delete(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    let at = db.api_keys.iter().position(|k| k.id == id).ok_or_else(|| ApiError::not_found("API key", &id))?;
    api_keys::revoke(&emu, &mut db, at);
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize)]
pub struct ExpireBody {
    expires_at: Option<String>,
}

/// `POST /api_keys/{id}/expire`: now, or at `expires_at`.
pub async fn expire(State(emu): State<Emulator>, Path(id): Path<String>, Body(body): Body<ExpireBody>) -> ApiResult {
    let mut db = emu.db();
    let key = api_keys::expire(&emu, &mut db, &id, body.expires_at)?;
    Ok(Json(key.to_json()).into_response())
}
