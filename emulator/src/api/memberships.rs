//! `/user_management/organization_memberships/{id}` and creating one: the same
//! memberships the Members widget lists and the hosted sign-in checks (an
//! inactive membership cannot be signed in to).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;

use crate::emulator::Emulator;
use crate::http::{paginate, ApiError, ApiResult, Body, PageParams};
use crate::ids::new_id;
use crate::model::Membership;
use crate::state::Db;

fn json_of(db: &Db, m: &Membership) -> serde_json::Value {
    match db.user(&m.user_id) {
        Some(u) => m.to_json(u, db.organization(&m.organization_id).map(|o| o.name.as_str())),
        None => serde_json::Value::Null,
    }
}

fn position(db: &Db, id: &str) -> Result<usize, ApiError> {
    db.memberships.iter().position(|m| m.id == id).ok_or_else(|| ApiError::not_found("Organization membership", id))
}

/// `role_slug` or `role_slugs` (one role: multiple roles are off in the
/// emulator's environment), each a role of the environment or the organization.
fn roles(db: &Db, organization_id: &str, one: Option<String>, many: Option<Vec<String>>) -> Result<Option<Vec<String>>, ApiError> {
    let wanted = match (one, many) {
        (Some(_), Some(_)) => return Err(ApiError::invalid("role_slugs", "invalid", "Give role_slug or role_slugs, not both.")),
        (Some(r), None) => vec![r],
        (None, Some(rs)) => rs,
        (None, None) => return Ok(None),
    };
    if wanted.len() != 1 {
        return Err(ApiError::invalid("role_slugs", "invalid", "Multiple roles are not enabled for this environment: give one role."));
    }
    for r in &wanted {
        let known = db.roles.iter().any(|x| &x.slug == r && x.organization_id.as_deref().is_none_or(|o| o == organization_id));
        if !known {
            return Err(ApiError::invalid("role_slug", "invalid", format!("Role '{r}' does not exist.")));
        }
    }
    Ok(Some(wanted))
}

#[derive(Debug, Deserialize)]
pub struct CreateBody {
    user_id: Option<String>,
    organization_id: Option<String>,
    role_slug: Option<String>,
    role_slugs: Option<Vec<String>>,
}

/// `POST /user_management/organization_memberships` → 201, active at once.
pub async fn create(State(emu): State<Emulator>, Body(body): Body<CreateBody>) -> ApiResult {
    let user_id = body.user_id.filter(|s| !s.is_empty()).ok_or_else(|| ApiError::required("user_id"))?;
    let org = body.organization_id.filter(|s| !s.is_empty()).ok_or_else(|| ApiError::required("organization_id"))?;
    let now = emu.now_iso();
    let mut db = emu.db();
    db.user(&user_id).ok_or_else(|| ApiError::not_found("User", &user_id))?;
    db.organization(&org).ok_or_else(|| ApiError::not_found("Organization", &org))?;
    if db.membership(&user_id, &org).is_some() {
        return Err(ApiError::bad_request("organization_membership_already_exists", format!("User '{user_id}' is already a member of organization '{org}'.")));
    }
    let role_slugs = match roles(&db, &org, body.role_slug, body.role_slugs)? {
        Some(r) => r,
        None => db.default_role().map(|r| vec![r.slug.clone()]).unwrap_or_default(),
    };
    let m = Membership {
        id: new_id("om", emu.clock().millis()),
        user_id,
        organization_id: org,
        status: "active".into(),
        role_slugs,
        created_at: now.clone(),
        updated_at: now,
    };
    db.memberships.push(m.clone());
    db.membership_event(&emu, "organization_membership.created", &m);
    Ok((StatusCode::CREATED, Json(json_of(&db, &m))).into_response())
}

pub async fn get(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let db = emu.db();
    let at = position(&db, &id)?;
    Ok(Json(json_of(&db, &db.memberships[at])).into_response())
}

#[derive(Debug, Deserialize)]
pub struct UpdateBody {
    role_slug: Option<String>,
    role_slugs: Option<Vec<String>>,
}

/// `PUT …/{id}`: the membership's role.
pub async fn update(State(emu): State<Emulator>, Path(id): Path<String>, Body(body): Body<UpdateBody>) -> ApiResult {
    let now = emu.now_iso();
    let mut db = emu.db();
    let at = position(&db, &id)?;
    let org = db.memberships[at].organization_id.clone();
    if let Some(r) = roles(&db, &org, body.role_slug, body.role_slugs)? {
        db.memberships[at].role_slugs = r;
        db.memberships[at].updated_at = now;
    }
    let m = db.memberships[at].clone();
    db.membership_event(&emu, "organization_membership.updated", &m);
    Ok(Json(json_of(&db, &m)).into_response())
}

/// `DELETE …/{id}`: 200, no body; the user's sessions in that organization end.
pub async fn delete(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    let at = position(&db, &id)?;
    let m = db.memberships.remove(at);
    end_sessions_in(&emu, &mut db, &m);
    for g in db.groups.iter_mut() {
        g.members.retain(|x| x != &m.id);
    }
    db.membership_event(&emu, "organization_membership.deleted", &m);
    Ok(StatusCode::OK.into_response())
}

fn end_sessions_in(emu: &Emulator, db: &mut Db, m: &Membership) {
    let ended: Vec<String> = db
        .sessions
        .values()
        .filter(|s| s.active && s.user_id == m.user_id && s.organization_id.as_deref() == Some(&m.organization_id))
        .map(|s| s.id.clone())
        .collect();
    for sid in ended {
        db.revoke_session(emu, &sid);
    }
}

/// `PUT …/{id}/deactivate` and `…/reactivate`: an inactive membership keeps its
/// role but cannot be signed in to (and its sessions there end). A pending one
/// (an invitation not yet accepted) is the spec's 400.
async fn set_active(emu: Emulator, id: String, active: bool) -> ApiResult {
    let now = emu.now_iso();
    let mut db = emu.db();
    let at = position(&db, &id)?;
    let to = if active { "active" } else { "inactive" };
    if db.memberships[at].status == "pending" {
        return Err(match active {
            true => ApiError::bad_request("cannot_reactivate_pending_organization_membership", "A pending membership cannot be reactivated: the user accepts the invitation instead."),
            false => ApiError::bad_request("cannot_deactivate_pending_organization_membership", "A pending membership cannot be deactivated: delete it instead."),
        });
    }
    // Already so: nothing changes, no event (idempotent, as WorkOS's).
    if db.memberships[at].status == to {
        return Ok(Json(json_of(&db, &db.memberships[at])).into_response());
    }
    db.memberships[at].status = to.into();
    db.memberships[at].updated_at = now;
    let m = db.memberships[at].clone();
    if !active {
        end_sessions_in(&emu, &mut db, &m);
    }
    db.membership_event(&emu, "organization_membership.updated", &m);
    Ok(Json(json_of(&db, &m)).into_response())
}

pub async fn deactivate(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    set_active(emu, id, false).await
}

pub async fn reactivate(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    set_active(emu, id, true).await
}

/// `GET …/{id}/groups`: the organization groups the membership is in.
pub async fn groups(State(emu): State<Emulator>, Path(id): Path<String>, Query(page): Query<PageParams>) -> ApiResult {
    let db = emu.db();
    position(&db, &id)?;
    let items: Vec<_> = db.groups.iter().filter(|g| g.members.contains(&id)).map(|g| g.to_json()).collect();
    let page = paginate(items, |g| g["id"].as_str().unwrap_or_default(), &page.lenient(), "desc")?;
    Ok(Json(page.to_list()).into_response())
}
