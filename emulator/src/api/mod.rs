//! The server-to-server WorkOS API (Bearer API key).

pub mod api_keys;
pub mod authorization;
pub mod organizations;
pub mod user_management;
pub mod widget_tokens;

use axum::routing::{delete, get, post};
use axum::Router;

use crate::state::Emulator;

pub fn router(emu: &Emulator) -> Router<Emulator> {
    Router::new()
        .route("/organizations", get(organizations::list).post(organizations::create))
        .route("/organizations/{id}", get(organizations::get))
        .route("/user_management/users/{id}", get(user_management::get_user))
        .route("/user_management/users/{id}/sessions", get(user_management::list_sessions))
        .route("/user_management/users/{id}/auth_factors", get(user_management::list_auth_factors))
        .route("/user_management/users/{id}/api_keys", get(api_keys::list_for_user).post(api_keys::create_for_user))
        .route("/user_management/sessions/revoke", post(user_management::revoke_session))
        .route("/organizations/{id}/api_keys", get(api_keys::list_for_organization).post(api_keys::create_for_organization))
        .route("/api_keys/validations", post(api_keys::validate))
        .route("/api_keys/{id}", delete(api_keys::delete))
        .route("/api_keys/{id}/expire", post(api_keys::expire))
        .route("/user_management/organization_memberships", get(user_management::list_memberships))
        .route("/authorization/organizations/{id}/roles", get(authorization::list_organization_roles))
        .route("/widgets/token", post(widget_tokens::create))
        .layer(axum::middleware::from_fn_with_state(emu.clone(), crate::http::require_api_key))
}
