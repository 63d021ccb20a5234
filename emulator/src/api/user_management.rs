//! `/user_management/users/{id}` and `/user_management/organization_memberships`.

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;

use crate::http::{csv, paginate, ApiError, ApiResult, PageParams};
use crate::state::Emulator;

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
        return Err(ApiError::invalid(
            "user_id",
            "required",
            "Validation failed: either user_id or organization_id is required",
        ));
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
