//! The server-to-server WorkOS API (Bearer API key).

pub mod api_keys;
pub mod audit_logs;
pub mod authorization;
pub mod directory_sync;
pub mod events;
pub mod organization_domains;
pub mod organizations;
pub mod portal;
pub mod sso;
pub mod user_management;
pub mod widget_tokens;

use axum::routing::{delete, get, post};
use axum::Router;

use crate::emulator::Emulator;

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
        .route("/connections", get(sso::list))
        .route("/connections/{id}", get(sso::get).delete(sso::delete))
        .route("/directories", get(directory_sync::list))
        .route("/directories/{id}", get(directory_sync::get).delete(directory_sync::delete))
        .route("/directory_users", get(directory_sync::list_users))
        .route("/directory_users/{id}", get(directory_sync::get_user))
        .route("/directory_groups", get(directory_sync::list_groups))
        .route("/directory_groups/{id}", get(directory_sync::get_group))
        .route("/organization_domains", post(organization_domains::create))
        .route("/organization_domains/{id}", get(organization_domains::get).delete(organization_domains::delete))
        .route("/organization_domains/{id}/verify", post(organization_domains::verify_route))
        .route("/portal/generate_link", post(portal::generate_link))
        .route("/events", get(events::list))
        .route("/audit_logs/events", post(audit_logs::create))
        .layer(axum::middleware::from_fn_with_state(emu.clone(), crate::layers::require_api_key))
}
