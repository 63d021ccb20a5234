//! `POST /widgets/token`: the short-lived token an organization's widgets run on.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::http::{ApiError, ApiResult, Body};
use crate::emulator::Emulator;

/// Every scope the official SDKs and widgets know.
pub const KNOWN_SCOPES: &[&str] = &[
    "widgets:users-table:manage",
    "widgets:domain-verification:manage",
    "widgets:sso:manage",
    "widgets:api-keys:manage",
    "widgets:dsync:manage",
    "widgets:audit-log-streaming:manage",
    "widgets:pipes:manage",
    "widgets:user-api-keys:manage-self",
    "widgets:user-api-keys:manage-all",
];

/// "Widget tokens expire after one hour."
pub const WIDGET_TOKEN_SECONDS: i64 = 3600;

#[derive(Debug, Deserialize)]
pub struct TokenBody {
    organization_id: Option<String>,
    user_id: Option<String>,
    scopes: Option<Vec<String>>,
}

/// 201 `{token}`. The spec 0.1.0 requires `organization_id`; the official
/// SDKs (and the newer spec) make both ids optional, and the UserProfile and
/// UserSecurity widgets run on a user-only token, so the emulator requires the
/// user (a widget acts as someone) and takes the organization when given.
pub async fn create(State(emu): State<Emulator>, Body(body): Body<TokenBody>) -> ApiResult {
    let org_id = body.organization_id.filter(|s| !s.is_empty());
    let user_id = body.user_id.filter(|s| !s.is_empty()).ok_or_else(|| match org_id {
        None => ApiError::required("organization_id"),
        Some(_) => ApiError::required("user_id"),
    })?;
    let scopes = body.scopes.unwrap_or_default();
    if let Some(bad) = scopes.iter().find(|s| !KNOWN_SCOPES.contains(&s.as_str())) {
        return Err(ApiError::invalid("scopes", "invalid", format!("'{bad}' is not a valid widget scope.")));
    }
    if !scopes.is_empty() && org_id.is_none() {
        return Err(ApiError::invalid(
            "organization_id",
            "required",
            "organization_id is required when scopes are given.",
        ));
    }
    let db = emu.db();
    db.user(&user_id).ok_or_else(|| ApiError::not_found("User", &user_id))?;
    let mut permissions: Vec<String> = Vec::new();
    if let Some(org_id) = &org_id {
        db.organization(org_id).ok_or_else(|| ApiError::not_found("Organization", org_id))?;
        let membership = db.active_membership(&user_id, org_id).ok_or_else(|| {
            ApiError::invalid(
                "user_id",
                "not_a_member",
                format!("User '{user_id}' is not an active member of organization '{org_id}'."),
            )
        })?;
        // "The requested scopes will also be restricted to the permissions that
        // the user has in the requested organization": ungranted scopes are dropped.
        let granted = db.permissions_of(membership);
        permissions = scopes.into_iter().filter(|s| granted.contains(s)).collect();
        permissions.dedup();
    }
    // The user's newest live AuthKit session in that organization, so UserSessions
    // can mark the current one; otherwise a fresh session ID that names no session.
    // (Several browsers of one user look alike here: apps pass `currentSessionId`.)
    let sid = db
        .sessions
        .values()
        // A user-only token (profile, security) belongs to no organization: any session of the user's.
        .filter(|s| s.active && s.user_id == user_id && (org_id.is_none() || s.organization_id == org_id))
        .max_by(|a, b| a.created_at.cmp(&b.created_at))
        .map(|s| s.id.clone())
        .unwrap_or_else(|| crate::ids::new_id("session", emu.clock().millis()));
    drop(db);
    let iat = emu.clock().unix();
    let mut claims = json!({
        "iss": emu.base_url(),
        "sub": user_id,
        "sid": sid,
        "jti": crate::ids::new_id("jti", emu.clock().millis()),
        "permissions": permissions,
        "iat": iat,
        "exp": iat + WIDGET_TOKEN_SECONDS,
    });
    if let Some(org_id) = org_id {
        claims["org_id"] = json!(org_id);
    }
    Ok((StatusCode::CREATED, Json(json!({"token": emu.keys().sign(&claims)}))).into_response())
}
