//! `/user_management/invitations`: the invitations the Members widget sends
//! are these (a pending membership, and a user for a new address); one made
//! here shows in the widget, and either side can resend, revoke or accept it.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;

use crate::emulator::{Emulator, INVITE_DAYS};
use crate::http::{paginate, ApiError, ApiResult, Body, PageParams};
use crate::ids::{new_id, secret_token};
use crate::model::{Invitation, Membership, User};
use crate::state::Db;
use crate::outbox::valid_email;

fn out(emu: &Emulator, i: &Invitation) -> serde_json::Value {
    i.to_json(&emu.base_url())
}

/// Expired invitations say so (by the emulator's clock).
fn refresh_expiry(emu: &Emulator, db: &mut Db) {
    let now = emu.clock().now();
    for i in db.invitations.iter_mut().filter(|i| i.state == "pending" && i.expires_at <= now) {
        i.state = "expired".into();
    }
}

fn position(db: &Db, id: &str) -> Result<usize, ApiError> {
    db.invitations.iter().position(|i| i.id == id).ok_or_else(|| ApiError::not_found("Invitation", id))
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(flatten)]
    page: PageParams,
    organization_id: Option<String>,
    email: Option<String>,
}

pub async fn list(State(emu): State<Emulator>, Query(q): Query<ListQuery>) -> ApiResult {
    let org = q.organization_id.filter(|s| !s.is_empty());
    let email = q.email.filter(|s| !s.is_empty()).map(|e| e.to_lowercase());
    let mut db = emu.db();
    refresh_expiry(&emu, &mut db);
    let items: Vec<_> = db
        .invitations
        .iter()
        .filter(|i| org.as_ref().is_none_or(|o| &i.organization_id == o))
        .filter(|i| email.as_ref().is_none_or(|e| &i.email == e))
        .map(|i| out(&emu, i))
        .collect();
    let page = paginate(items, |i| i["id"].as_str().unwrap_or_default(), &q.page, "desc")?;
    Ok(Json(page.to_list()).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CreateBody {
    email: Option<String>,
    organization_id: Option<String>,
    role_slug: Option<String>,
    expires_in_days: Option<i64>,
    inviter_user_id: Option<String>,
}

/// `POST /user_management/invitations` → 201. With an organization, the
/// invited person is a pending member (what the Members widget lists).
pub async fn create(State(emu): State<Emulator>, Body(body): Body<CreateBody>) -> ApiResult {
    let email = body.email.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()).ok_or_else(|| ApiError::required("email"))?;
    if !valid_email(&email) {
        return Err(ApiError::invalid("email", "invalid", format!("'{email}' is not a valid email address.")));
    }
    let days = body.expires_in_days.unwrap_or(INVITE_DAYS);
    if !(1..=30).contains(&days) {
        return Err(ApiError::invalid("expires_in_days", "invalid", "expires_in_days must be between 1 and 30."));
    }
    let org = body.organization_id.filter(|s| !s.is_empty());
    let now = emu.clock().now();
    let now_iso = emu.now_iso();
    let millis = emu.clock().millis();
    let mut db = emu.db();
    if let Some(o) = &org {
        db.organization(o).ok_or_else(|| ApiError::not_found("Organization", o))?;
    }
    if let Some(inviter) = body.inviter_user_id.as_deref().filter(|s| !s.is_empty()) {
        db.user(inviter).ok_or_else(|| ApiError::not_found("User", inviter))?;
    }
    let role = match body.role_slug.filter(|s| !s.is_empty()) {
        Some(r) if db.role(&r).is_some() => Some(r),
        Some(r) => return Err(ApiError::invalid("role_slug", "invalid", format!("Role '{r}' does not exist."))),
        None => None,
    };
    let user_id = match db.user_by_email(&email) {
        Some(u) => u.id.clone(),
        None => {
            let user = User::new(new_id("user", millis), email.clone(), &now_iso);
            let id = user.id.clone();
            db.users.push(user);
            id
        }
    };
    if let Some(o) = &org {
        if db.membership(&user_id, o).is_some() {
            return Err(ApiError::invalid("email", "user_already_organization_member", format!("{email} is already a member of (or invited to) this organization.")));
        }
        let role_slugs = role.clone().or_else(|| db.default_role().map(|r| r.slug.clone())).into_iter().collect();
        let m = Membership {
            id: new_id("om", millis),
            user_id: user_id.clone(),
            organization_id: o.clone(),
            status: "pending".into(),
            role_slugs,
            created_at: now_iso.clone(),
            updated_at: now_iso.clone(),
        };
        db.memberships.push(m.clone());
        db.membership_event(&emu, "organization_membership.created", &m);
    }
    let invitation = Invitation {
        id: new_id("invitation", millis),
        email,
        organization_id: org.clone().unwrap_or_default(),
        user_id,
        inviter_user_id: body.inviter_user_id.filter(|s| !s.is_empty()),
        state: "pending".into(),
        token: secret_token(),
        expires_at: now + chrono::Duration::days(days),
        role_slug: role,
        accepted_user_id: None,
        created_at: now_iso.clone(),
        updated_at: now_iso,
    };
    let data = invitation.to_event_json();
    db.record_event(&emu, "invitation.created", org.as_deref(), data);
    let body = out(&emu, &invitation);
    db.invitations.push(invitation);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub async fn get(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    refresh_expiry(&emu, &mut db);
    let at = position(&db, &id)?;
    Ok(Json(out(&emu, &db.invitations[at])).into_response())
}

pub async fn by_token(State(emu): State<Emulator>, Path(token): Path<String>) -> ApiResult {
    let mut db = emu.db();
    refresh_expiry(&emu, &mut db);
    let i = db.invitations.iter().find(|i| i.token == token).ok_or_else(|| ApiError::not_found("Invitation", &token))?;
    Ok(Json(out(&emu, i)).into_response())
}

fn not_pending(i: &Invitation) -> ApiError {
    // The spec's one code for each operation: the message says which state.
    ApiError::bad_request("invite_not_pending", format!("The invitation is {}, no longer pending.", i.state))
}

/// `POST …/{id}/accept`: the person is a member (the pending membership active).
pub async fn accept(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let now_iso = emu.now_iso();
    let mut db = emu.db();
    refresh_expiry(&emu, &mut db);
    let at = position(&db, &id)?;
    if db.invitations[at].state != "pending" {
        return Err(not_pending(&db.invitations[at]));
    }
    let (user_id, org) = (db.invitations[at].user_id.clone(), db.invitations[at].organization_id.clone());
    {
        let i = &mut db.invitations[at];
        i.state = "accepted".into();
        i.accepted_user_id = Some(user_id.clone());
        i.updated_at = now_iso.clone();
    }
    if let Some(m) = db.memberships.iter_mut().find(|m| m.user_id == user_id && m.organization_id == org && m.status == "pending") {
        m.status = "active".into();
        m.updated_at = now_iso.clone();
        let m = m.clone();
        db.membership_event(&emu, "organization_membership.updated", &m);
    }
    if let Some(u) = db.users.iter_mut().find(|u| u.id == user_id) {
        // The invitation reached the address.
        u.email_verified = true;
        u.updated_at = now_iso;
    }
    let i = db.invitations[at].clone();
    db.record_event(&emu, "invitation.accepted", Some(&org).filter(|o| !o.is_empty()).map(|o| o.as_str()), i.to_event_json());
    Ok(Json(out(&emu, &i)).into_response())
}

/// `POST …/{id}/resend`: a new token and expiry, the email again (pending ones only).
pub async fn resend(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let now = emu.clock().now();
    let mut db = emu.db();
    refresh_expiry(&emu, &mut db);
    let at = position(&db, &id)?;
    // The spec names the state that stops a resend (an expired one too: the
    // Members widget, not the API, renews those).
    if db.invitations[at].state != "pending" {
        let state = db.invitations[at].state.clone();
        let code = match state.as_str() {
            "expired" => "invite_expired",
            "revoked" => "invite_revoked",
            _ => "invite_accepted",
        };
        return Err(ApiError::bad_request(code, format!("The invitation is {state}: it cannot be resent.")));
    }
    let i = &mut db.invitations[at];
    i.state = "pending".into();
    i.token = secret_token();
    i.expires_at = now + chrono::Duration::days(INVITE_DAYS);
    i.updated_at = crate::clock::iso(now);
    let i = i.clone();
    db.record_event(&emu, "invitation.resent", Some(i.organization_id.as_str()).filter(|o| !o.is_empty()), i.to_event_json());
    Ok(Json(out(&emu, &i)).into_response())
}

/// `POST …/{id}/revoke`: the token stops working and the pending membership
/// goes, as when the Members widget revokes it.
pub async fn revoke(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let now_iso = emu.now_iso();
    let mut db = emu.db();
    refresh_expiry(&emu, &mut db);
    let Some(at) = db.invitations.iter().position(|i| i.id == id) else {
        // The spec's revoke declares 400 (`invite_not_pending`) and no 404.
        return Err(ApiError::bad_request("invite_not_pending", format!("Invitation not found '{id}'.")));
    };
    if db.invitations[at].state != "pending" {
        return Err(not_pending(&db.invitations[at]));
    }
    db.revoke_invitation(&emu, &id, &now_iso);
    let at = position(&db, &id)?;
    Ok(Json(out(&emu, &db.invitations[at])).into_response())
}
