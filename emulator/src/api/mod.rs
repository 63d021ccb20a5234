//! The server-to-server WorkOS API (Bearer API key).

pub mod api_keys;
pub mod audit_logs;
pub mod authorization;
pub mod directory_sync;
pub mod events;
pub mod groups;
pub mod invitations;
pub mod memberships;
pub mod organization_domains;
pub mod organizations;
pub mod portal;
pub mod sso;
pub mod user_management;
pub mod users;
pub mod widget_tokens;

use axum::routing::{delete, get, post, put};
use axum::Router;

use crate::emulator::Emulator;

pub fn router(emu: &Emulator) -> Router<Emulator> {
    Router::new()
        .route("/organizations", get(organizations::list).post(organizations::create))
        .route("/organizations/{id}", get(organizations::get).put(organizations::update).delete(organizations::delete))
        .route("/organizations/external_id/{external_id}", get(organizations::by_external_id))
        .route("/organizations/{id}/audit_log_configuration", get(organizations::audit_log_configuration))
        .route("/organizations/{id}/audit_logs_retention", get(organizations::get_retention).put(organizations::set_retention))
        .route("/organizations/{id}/feature-flags", get(organizations::feature_flags))
        .route("/organizations/{id}/groups", get(groups::list).post(groups::create))
        .route("/organizations/{id}/groups/{group_id}", get(groups::get).patch(groups::update).delete(groups::delete))
        .route("/organizations/{id}/groups/{group_id}/organization-memberships", get(groups::list_members).post(groups::add_member))
        .route("/organizations/{id}/groups/{group_id}/organization-memberships/{om_id}", delete(groups::remove_member))
        .route("/user_management/users", get(users::list).post(users::create))
        .route("/user_management/users/external_id/{external_id}", get(users::by_external_id))
        .route("/user_management/users/{id}", get(user_management::get_user).put(users::update).delete(users::delete))
        .route("/user_management/users/{id}/identities", get(users::identities))
        .route("/user_management/users/{id}/feature-flags", get(users::empty_list))
        .route("/user_management/users/{id}/authorized_applications", get(users::empty_list))
        .route("/user_management/users/{id}/authorized_applications/{application_id}", delete(users::revoke_application))
        .route("/user_management/users/{id}/data_providers", get(users::data_providers))
        .route("/user_management/users/{id}/connected_accounts/{slug}", get(users::connected_account).delete(users::connected_account))
        .route("/user_management/users/{id}/email_verification/send", post(users::send_verification))
        .route("/user_management/users/{id}/email_verification/confirm", post(users::confirm_verification))
        .route("/user_management/users/{id}/email_change/send", post(users::send_email_change))
        .route("/user_management/users/{id}/email_change/confirm", post(users::confirm_email_change))
        .route("/user_management/magic_auth", post(users::send_magic_auth))
        .route("/auth/challenges/{id}/verify", post(users::verify_challenge))
        .route("/user_management/users/{id}/sessions", get(user_management::list_sessions))
        .route("/user_management/users/{id}/auth_factors", get(user_management::list_auth_factors).post(users::enroll_factor))
        .route("/user_management/users/{id}/api_keys", get(api_keys::list_for_user).post(api_keys::create_for_user))
        .route("/user_management/sessions/revoke", post(user_management::revoke_session))
        .route("/organizations/{id}/api_keys", get(api_keys::list_for_organization).post(api_keys::create_for_organization))
        .route("/api_keys/validations", post(api_keys::validate))
        .route("/api_keys/{id}", delete(api_keys::delete))
        .route("/api_keys/{id}/expire", post(api_keys::expire))
        .route("/user_management/organization_memberships", get(user_management::list_memberships).post(memberships::create))
        .route("/user_management/organization_memberships/{id}", get(memberships::get).put(memberships::update).delete(memberships::delete))
        .route("/user_management/organization_memberships/{id}/deactivate", put(memberships::deactivate))
        .route("/user_management/organization_memberships/{id}/reactivate", put(memberships::reactivate))
        .route("/user_management/organization_memberships/{id}/groups", get(memberships::groups))
        .route("/user_management/invitations", get(invitations::list).post(invitations::create))
        .route("/user_management/invitations/by_token/{token}", get(invitations::by_token))
        .route("/user_management/invitations/{id}", get(invitations::get))
        .route("/user_management/invitations/{id}/accept", post(invitations::accept))
        .route("/user_management/invitations/{id}/resend", post(invitations::resend))
        .route("/user_management/invitations/{id}/revoke", post(invitations::revoke))
        .route("/authorization/roles", get(authorization::list_roles).post(authorization::create_environment_role))
        .route("/authorization/roles/{slug}", get(authorization::get_role).patch(authorization::update_environment_role))
        .route("/authorization/roles/{slug}/permissions", put(authorization::set_role_permissions).post(authorization::add_role_permission))
        .route(
            "/authorization/organizations/{id}/roles",
            get(authorization::list_organization_roles).post(authorization::create_organization_role),
        )
        .route(
            "/authorization/organizations/{id}/roles/{slug}",
            get(authorization::get_organization_role)
                .patch(authorization::update_organization_role)
                .delete(authorization::delete_organization_role),
        )
        .route(
            "/authorization/organizations/{id}/roles/{slug}/permissions",
            put(authorization::set_organization_role_permissions).post(authorization::add_organization_role_permission),
        )
        .route(
            "/authorization/organizations/{id}/roles/{slug}/permissions/{permission}",
            delete(authorization::remove_organization_role_permission),
        )
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
        .route("/audit_logs/actions", get(audit_logs::list_actions))
        .route("/audit_logs/actions/{action}/schemas", get(audit_logs::list_schemas).post(audit_logs::create_schema))
        .route("/audit_logs/exports", post(audit_logs::create_export))
        .route("/audit_logs/exports/{id}", get(audit_logs::get_export))
        .layer(axum::middleware::from_fn_with_state(emu.clone(), crate::layers::require_api_key))
}
