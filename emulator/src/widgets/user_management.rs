//! `/_widgets/UserManagement/*`: what the UsersManagement and OrganizationSwitcher widgets call.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::caller::WidgetCaller;
use crate::http::{paginate, ApiError, ApiResult, Body, PageParams};
use crate::ids::{new_id, secret_token};
use crate::model::{Invitation, Membership, User};
use crate::emulator::{Emulator, INVITE_DAYS};
use crate::outbox::valid_email;
use crate::state::Db;

const MANAGE: &str = "widgets:users-table:manage";

fn status_of(db: &Db, m: &Membership, now: chrono::DateTime<chrono::Utc>) -> &'static str {
    if m.status != "pending" {
        return "Active";
    }
    match db.invitations.iter().rev().find(|i| i.user_id == m.user_id && i.organization_id == m.organization_id) {
        Some(i) if i.state == "pending" && i.expires_at <= now => "InviteExpired",
        Some(i) if i.state == "revoked" => "InviteRevoked",
        Some(_) => "Invited",
        None => "NoInvite",
    }
}

fn member_json(db: &Db, m: &Membership, user: &User, caller: &WidgetCaller, now: chrono::DateTime<chrono::Utc>) -> Value {
    let status = status_of(db, m, now);
    let is_me = user.id == caller.user_id;
    // Nobody edits or removes themselves from this table (that could lock them out).
    let actions: Vec<&str> = match (status, is_me) {
        (_, true) => vec![],
        ("Active", false) => vec!["edit-role", "revoke-membership"],
        (_, false) => vec!["resend-invite", "revoke-invite"],
    };
    let roles: Vec<Value> = m
        .role_slugs
        .iter()
        .filter_map(|s| db.role(s))
        .map(|r| json!({"name": r.name, "slug": r.slug, "description": r.description}))
        .collect();
    json!({
        "id": user.id,
        "email": user.email,
        "emailVerified": user.email_verified,
        "profilePictureUrl": user.profile_picture_url,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "createdAt": m.created_at,
        "lastActivityAt": user.last_sign_in_at,
        "status": status,
        "actions": actions,
        "isLoggedInUser": if is_me { json!(true) } else { Value::Null },
        "roles": roles,
    })
}

#[derive(Debug, Deserialize)]
pub struct MembersQuery {
    #[serde(flatten)]
    page: PageParams,
    search: Option<String>,
    role: Option<String>,
}

/// Members and pending invitations of the token's organization, oldest first.
pub async fn members(State(emu): State<Emulator>, caller: WidgetCaller, Query(q): Query<MembersQuery>) -> ApiResult {
    caller.require(MANAGE)?;
    let org = caller.organization()?.to_string();
    let now = emu.clock().now();
    let search = q.search.as_deref().map(str::to_lowercase).filter(|s| !s.is_empty());
    let role = q.role.filter(|r| !r.is_empty());
    let db = emu.db();
    let items: Vec<Value> = db
        .memberships
        .iter()
        .filter(|m| m.organization_id == org && m.status != "inactive")
        .filter(|m| role.as_ref().is_none_or(|r| m.role_slugs.contains(r)))
        .filter_map(|m| db.user(&m.user_id).map(|u| (m, u)))
        .filter(|(_, u)| {
            search.as_ref().is_none_or(|s| {
                u.email.contains(s.as_str()) || u.display_name().to_lowercase().contains(s.as_str())
            })
        })
        .map(|(m, u)| member_json(&db, m, u, &caller, now))
        .collect();
    let mut params = q.page;
    params.order = Some("asc".into());
    let page = paginate(items, |m| m["id"].as_str().unwrap_or_default(), &params, "asc")?;
    Ok(Json(json!({"data": page.data, "list_metadata": {"before": page.before, "after": page.after}})).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteBody {
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    #[serde(default)]
    roles: Vec<String>,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::widget(StatusCode::BAD_REQUEST, message)
}

fn check_roles(db: &Db, roles: &[String]) -> Result<(), ApiError> {
    if roles.len() > 1 {
        return Err(ApiError::widget(StatusCode::UNPROCESSABLE_ENTITY, "Multiple roles are not enabled for this environment."));
    }
    match roles.iter().find(|r| db.role(r).is_none()) {
        Some(r) => Err(bad(format!("Role '{r}' does not exist."))),
        None => Ok(()),
    }
}

/// Invites someone: a pending membership (and, for a new email, a user) plus an invitation.
pub async fn invite(State(emu): State<Emulator>, caller: WidgetCaller, Body(body): Body<InviteBody>) -> ApiResult {
    caller.require(MANAGE)?;
    let org = caller.organization()?.to_string();
    let email = body.email.unwrap_or_default().trim().to_lowercase();
    if !valid_email(&email) {
        return Err(bad("Enter a valid email address."));
    }
    let now = emu.clock().now();
    let now_iso = emu.now_iso();
    let millis = emu.clock().millis();
    let mut db = emu.db();
    check_roles(&db, &body.roles)?;
    let role = match body.roles.first() {
        Some(r) => r.clone(),
        None => db.default_role().map(|r| r.slug.clone()).ok_or_else(|| bad("This environment has no roles."))?,
    };
    let user_id = match db.user_by_email(&email) {
        Some(u) => u.id.clone(),
        None => {
            let id = new_id("user", millis);
            db.users.push(User {
                object: "user",
                id: id.clone(),
                email: email.clone(),
                email_verified: false,
                first_name: body.first_name.filter(|s| !s.is_empty()),
                last_name: body.last_name.filter(|s| !s.is_empty()),
                profile_picture_url: None,
                last_sign_in_at: None,
                external_id: None,
                metadata: Default::default(),
                locale: None,
                created_at: now_iso.clone(),
                updated_at: now_iso.clone(),
                password: None,
                previous_passwords: Vec::new(),
                password_last_used_at: None,
            });
            id
        }
    };
    match db.membership(&user_id, &org) {
        Some(m) if m.status == "pending" => return Err(bad(format!("{email} has already been invited."))),
        Some(_) => return Err(bad(format!("{email} is already a member of this organization."))),
        None => {}
    }
    let membership = Membership {
        id: new_id("om", millis),
        user_id: user_id.clone(),
        organization_id: org.clone(),
        status: "pending".into(),
        role_slugs: vec![role.clone()],
        created_at: now_iso.clone(),
        updated_at: now_iso.clone(),
    };
    db.memberships.push(membership.clone());
    db.membership_event(&emu, "organization_membership.created", &membership);
    let invitation = Invitation {
        id: new_id("invitation", millis),
        email,
        organization_id: org.clone(),
        user_id,
        inviter_user_id: Some(caller.user_id.clone()),
        state: "pending".into(),
        token: secret_token(),
        expires_at: now + chrono::Duration::days(INVITE_DAYS),
        role_slug: Some(role),
        accepted_user_id: None,
        created_at: now_iso.clone(),
        updated_at: now_iso,
    };
    let data = invitation.to_event_json();
    db.invitations.push(invitation);
    db.record_event(&emu, "invitation.created", Some(&org), data);
    Ok(Json(json!({"success": true})).into_response())
}


fn pending_invitation<'a>(db: &'a mut Db, user_id: &str, org: &str) -> Result<&'a mut Invitation, ApiError> {
    db.invitations
        .iter_mut()
        .rev()
        .find(|i| i.user_id == user_id && i.organization_id == org && i.state == "pending")
        .ok_or_else(|| ApiError::widget(StatusCode::NOT_FOUND, "No pending invitation for this user."))
}

pub async fn resend_invite(State(emu): State<Emulator>, caller: WidgetCaller, Path(user_id): Path<String>) -> ApiResult {
    caller.require(MANAGE)?;
    let org = caller.organization()?.to_string();
    let now = emu.clock().now();
    let now_iso = emu.now_iso();
    let mut db = emu.db();
    let invitation = pending_invitation(&mut db, &user_id, &org)?;
    invitation.expires_at = now + chrono::Duration::days(INVITE_DAYS);
    invitation.token = secret_token();
    invitation.updated_at = now_iso;
    let (id, data) = (invitation.id.clone(), invitation.to_event_json());
    db.record_event(&emu, "invitation.resent", Some(&org), data);
    Ok(Json(json!({"id": id, "success": true})).into_response())
}

/// Revoking an invitation removes the pending membership too.
pub async fn revoke_invite(State(emu): State<Emulator>, caller: WidgetCaller, Path(user_id): Path<String>) -> ApiResult {
    caller.require(MANAGE)?;
    let org = caller.organization()?.to_string();
    let now_iso = emu.now_iso();
    let mut db = emu.db();
    let id = pending_invitation(&mut db, &user_id, &org)?.id.clone();
    db.revoke_invitation(&emu, &id, &now_iso);
    Ok(Json(json!({"id": id, "success": true})).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RolesBody {
    #[serde(default)]
    roles: Vec<String>,
}

pub async fn change_roles(
    State(emu): State<Emulator>,
    caller: WidgetCaller,
    Path(user_id): Path<String>,
    Body(body): Body<RolesBody>,
) -> ApiResult {
    caller.require(MANAGE)?;
    let org = caller.organization()?.to_string();
    let now_iso = emu.now_iso();
    let mut db = emu.db();
    if body.roles.is_empty() {
        return Err(bad("Choose a role."));
    }
    check_roles(&db, &body.roles)?;
    let membership = db
        .memberships
        .iter_mut()
        .find(|m| m.user_id == user_id && m.organization_id == org)
        .ok_or_else(|| ApiError::widget(StatusCode::NOT_FOUND, "This user is not a member of the organization."))?;
    membership.role_slugs = body.roles;
    membership.updated_at = now_iso;
    let changed = membership.clone();
    let id = changed.id.clone();
    db.membership_event(&emu, "organization_membership.updated", &changed);
    Ok(Json(json!({"id": id, "success": true})).into_response())
}

pub async fn remove_member(State(emu): State<Emulator>, caller: WidgetCaller, Path(user_id): Path<String>) -> ApiResult {
    caller.require(MANAGE)?;
    let org = caller.organization()?.to_string();
    if user_id == caller.user_id {
        return Err(bad("You cannot remove yourself from the organization."));
    }
    let mut db = emu.db();
    let position = db
        .memberships
        .iter()
        .position(|m| m.user_id == user_id && m.organization_id == org)
        .ok_or_else(|| ApiError::widget(StatusCode::NOT_FOUND, "This user is not a member of the organization."))?;
    let removed = db.memberships.remove(position);
    db.membership_event(&emu, "organization_membership.deleted", &removed);
    Ok(Json(json!({"id": removed.id, "success": true})).into_response())
}

fn role_rows(db: &Db) -> Vec<Value> {
    db.roles
        .iter()
        .map(|r| json!({"name": r.name, "slug": r.slug, "default": r.default, "description": r.description}))
        .collect()
}

/// A bare JSON array: the widget reads it as one.
pub async fn roles(State(emu): State<Emulator>, caller: WidgetCaller) -> ApiResult {
    caller.require(MANAGE)?;
    caller.organization()?;
    Ok(Json(Value::Array(role_rows(&emu.db()))).into_response())
}

pub async fn roles_and_config(State(emu): State<Emulator>, caller: WidgetCaller) -> ApiResult {
    caller.require(MANAGE)?;
    caller.organization()?;
    Ok(Json(json!({"roles": role_rows(&emu.db()), "multipleRolesEnabled": false})).into_response())
}

/// The caller's organizations, for the OrganizationSwitcher (no permission needed).
pub async fn organizations(State(emu): State<Emulator>, caller: WidgetCaller) -> ApiResult {
    let db = emu.db();
    let data: Vec<Value> = db
        .memberships
        .iter()
        .filter(|m| m.user_id == caller.user_id && m.status == "active")
        .filter_map(|m| db.organization(&m.organization_id))
        .map(|o| json!({"id": o.id, "name": o.name, "current": Some(o.id.as_str()) == caller.organization_id.as_deref(), "favicon": null}))
        .collect();
    Ok(Json(json!({"data": data})).into_response())
}
