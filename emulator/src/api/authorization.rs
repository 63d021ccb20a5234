//! `/authorization/*`: roles and their permissions.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use crate::http::{ApiError, ApiResult};
use crate::emulator::Emulator;

/// The roles an organization can assign: the environment roles (this emulator
/// has no organization-specific roles), in seed order.
pub async fn list_organization_roles(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let db = emu.db();
    db.organization(&id).ok_or_else(|| ApiError::not_found("Organization", &id))?;
    let data: Vec<_> = db.roles.iter().map(|r| r.to_json()).collect();
    Ok(Json(json!({"object": "list", "data": data})).into_response())
}
