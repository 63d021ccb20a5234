//! The server-to-server WorkOS API (Bearer API key).

pub mod authorization;
pub mod organizations;
pub mod user_management;
pub mod widget_tokens;

use axum::routing::{get, post};
use axum::Router;

use crate::state::Emulator;

pub fn router(emu: &Emulator) -> Router<Emulator> {
    Router::new()
        .route("/organizations", get(organizations::list).post(organizations::create))
        .route("/organizations/{id}", get(organizations::get))
        .route("/user_management/users/{id}", get(user_management::get_user))
        .route("/user_management/organization_memberships", get(user_management::list_memberships))
        .route("/authorization/organizations/{id}/roles", get(authorization::list_organization_roles))
        .route("/widgets/token", post(widget_tokens::create))
        .layer(axum::middleware::from_fn_with_state(emu.clone(), crate::http::require_api_key))
}
