//! `/user_management/users/{id}` and `/user_management/organization_memberships`.

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;

use crate::http::{csv, paginate, ApiError, ApiResult, Body, PageParams};
use crate::emulator::Emulator;

pub async fn get_user(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let db = emu.db();
    let user = db.user(&id).ok_or_else(|| ApiError::not_found("User", &id))?;
    Ok(Json(user).into_response())
}

#[derive(Debug, Deserialize)]
pub struct MembershipQuery {
    #[serde(flatten)]
    page: PageParams,
    user_id: Option<String>,
    organization_id: Option<String>,
    statuses: Option<String>,
}

pub async fn list_memberships(State(emu): State<Emulator>, Query(q): Query<MembershipQuery>) -> ApiResult {
    let user_id = q.user_id.filter(|s| !s.is_empty());
    let org_id = q.organization_id.filter(|s| !s.is_empty());
    if user_id.is_none() && org_id.is_none() {
        return Err(ApiError::bad_request("missing_user_id_or_organization_id", "Either user_id or organization_id is required."));
    }
    let mut statuses = csv(q.statuses.as_deref());
    if let Some(bad) = statuses.iter().find(|s| !matches!(s.as_str(), "active" | "inactive" | "pending")) {
        return Err(ApiError::invalid("statuses", "invalid", format!("'{bad}' is not one of active, inactive, pending")));
    }
    if statuses.is_empty() {
        statuses.push("active".into());
    }
    let db = emu.db();
    let items: Vec<_> = db
        .memberships
        .iter()
        .filter(|m| user_id.as_ref().is_none_or(|u| &m.user_id == u))
        .filter(|m| org_id.as_ref().is_none_or(|o| &m.organization_id == o))
        .filter(|m| statuses.contains(&m.status))
        .filter_map(|m| {
            let user = db.user(&m.user_id)?;
            let org_name = db.organization(&m.organization_id).map(|o| o.name.as_str());
            Some(m.to_json(user, org_name))
        })
        .collect();
    let page = paginate(items, |m| m["id"].as_str().unwrap_or_default(), &q.page, "desc")?;
    Ok(Json(page.to_list()).into_response())
}

/// `GET /user_management/users/{id}/sessions`: every session, newest first
/// (revoked and expired ones too, with their `status`).
pub async fn list_sessions(State(emu): State<Emulator>, Path(id): Path<String>, Query(page): Query<PageParams>) -> ApiResult {
    let db = emu.db();
    db.user(&id).ok_or_else(|| ApiError::not_found("User", &id))?;
    let mut sessions: Vec<_> = db.sessions.values().filter(|s| s.user_id == id).collect();
    sessions.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    let items: Vec<_> = sessions.into_iter().map(|s| s.to_json()).collect();
    let page = paginate(items, |s| s["id"].as_str().unwrap_or_default(), &page, "desc")?;
    Ok(Json(page.to_list()).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RevokeSessionBody {
    session_id: Option<String>,
}

/// `POST /user_management/sessions/revoke`: the session's refresh token stops
/// working. 200 with no body (the spec's); an unknown session is the spec's 400.
pub async fn revoke_session(State(emu): State<Emulator>, body: Result<Body<RevokeSessionBody>, ApiError>) -> ApiResult {
    let Body(body) = body.map_err(ApiError::as_bad_request)?;
    let id = body.session_id.filter(|s| !s.is_empty()).ok_or_else(|| ApiError::bad_request("invalid_request_parameters", "session_id is required."))?;
    let mut db = emu.db();
    if !db.sessions.contains_key(&id) {
        return Err(ApiError::bad_request("entity_not_found", format!("Session not found '{id}'.")));
    }
    db.revoke_session(&emu, &id);
    Ok(axum::http::StatusCode::OK.into_response())
}

/// `GET /user_management/users/{id}/auth_factors`: the user's enrolled factors.
pub async fn list_auth_factors(State(emu): State<Emulator>, Path(id): Path<String>, Query(page): Query<PageParams>) -> ApiResult {
    let db = emu.db();
    // The spec declares 422, not 404, for a user that is not there.
    db.user(&id).ok_or_else(|| ApiError::invalid("user_id", "not_found", format!("User not found '{id}'.")))?;
    let items: Vec<_> = db.totp_factors.iter().filter(|f| f.user_id == id && f.verified).map(|f| f.to_json()).collect();
    let page = paginate(items, |f| f["id"].as_str().unwrap_or_default(), &page, "desc")?;
    Ok(Json(page.to_list()).into_response())
}
