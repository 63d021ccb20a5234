//! The private Widgets API (`/_widgets/*`) the official React widgets call from
//! the browser: CORS, and a widget or access token as Bearer.

pub mod admin_portal;
pub mod api_keys;
pub mod caller;
pub mod directory_sync;
pub mod passkeys;
pub mod user_management;
pub mod user_profile;

use axum::http::{HeaderValue, Method, StatusCode};
use axum::routing::{any, delete, get, post};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::http::{is_loopback_origin, ApiError};
use crate::emulator::Emulator;

pub fn router(emu: &Emulator) -> Router<Emulator> {
    use user_management as um;
    Router::new()
        .route("/_widgets/UserManagement/members", get(um::members))
        .route("/_widgets/UserManagement/members/{user_id}", post(um::change_roles).delete(um::remove_member))
        .route("/_widgets/UserManagement/invite-user", post(um::invite))
        .route("/_widgets/UserManagement/invites/{user_id}/resend", post(um::resend_invite))
        .route("/_widgets/UserManagement/invites/{user_id}", delete(um::revoke_invite))
        .route("/_widgets/UserManagement/roles", get(um::roles))
        .route("/_widgets/UserManagement/roles-and-config", get(um::roles_and_config))
        .route("/_widgets/UserManagement/organizations", get(um::organizations))
        .merge(user_profile_routes())
        .merge(api_key_routes())
        .merge(admin_portal_routes())
        // Unknown widget routes answer 404 with CORS too: without it the browser
        // reports a CORS failure and the widget blames the network.
        .route("/_widgets/{*rest}", any(not_found))
        .layer(cors(emu))
}

fn user_profile_routes() -> Router<Emulator> {
    use user_profile as up;
    const P: &str = "/_widgets/UserProfile";
    Router::new()
        .route(&format!("{P}/me"), get(up::me).post(up::update_me))
        .route(&format!("{P}/send-verification"), post(up::send_verification))
        .route(&format!("{P}/verify"), post(up::verify))
        .route(&format!("{P}/send-email-change"), post(up::send_email_change))
        .route(&format!("{P}/verify-email-change"), post(up::verify_email_change))
        .route(&format!("{P}/authentication-information"), get(up::authentication_information))
        .route(&format!("{P}/create-password"), post(up::create_password))
        .route(&format!("{P}/update-password"), post(up::update_password))
        .route(&format!("{P}/create-totp-factor"), post(up::create_totp_factor))
        .route(&format!("{P}/verify-totp-factor"), post(up::verify_totp_factor))
        .route(&format!("{P}/totp-factors"), delete(up::delete_totp_factors))
        .route(&format!("{P}/passkeys"), post(passkeys::register))
        .route(&format!("{P}/passkeys/verify"), post(passkeys::verify))
        .route(&format!("{P}/passkeys/{{passkey_id}}"), delete(passkeys::delete))
        .route(&format!("{P}/sessions"), get(up::sessions))
        .route(&format!("{P}/sessions/revoke-all"), delete(up::revoke_all_sessions))
        .route(&format!("{P}/sessions/revoke/{{session_id}}"), delete(up::revoke_session))
}

fn admin_portal_routes() -> Router<Emulator> {
    use admin_portal as ap;
    Router::new()
        .route("/_widgets/admin-portal/sso-connections", get(ap::sso_connections))
        .route("/_widgets/admin-portal/generate-link", post(ap::generate_link))
        .route("/_widgets/admin-portal/organization-domains", get(ap::organization_domains))
        .route("/_widgets/admin-portal/organization-domains/{id}", delete(ap::delete_domain))
        .route("/_widgets/admin-portal/organization-domains/{id}/reverify", post(ap::reverify_domain))
        .route("/_widgets/admin-portal/audit-log-stream", get(ap::audit_log_stream))
        .route("/_widgets/directory-sync/directories", get(directory_sync::directories))
        .route("/_widgets/directory-sync/directories/{id}", get(directory_sync::directory))
}

fn api_key_routes() -> Router<Emulator> {
    use api_keys as ak;
    Router::new()
        .route("/_widgets/ApiKeys/organization-api-keys", get(ak::list).post(ak::create))
        .route("/_widgets/ApiKeys/permissions", get(ak::permissions))
        .route("/_widgets/ApiKeys/{id}", delete(ak::delete))
        .route("/_widgets/ApiKeys/{id}/expire", post(ak::expire))
        .route("/_widgets/UserApiKeys/api-keys", get(ak::user_list).post(ak::user_create))
        .route("/_widgets/UserApiKeys/permissions", get(ak::permissions))
        .route("/_widgets/UserApiKeys/{id}", delete(ak::user_delete))
        .route("/_widgets/UserApiKeys/{id}/expire", post(ak::user_expire))
}

async fn not_found() -> ApiError {
    ApiError::widget(StatusCode::NOT_FOUND, "Not Found")
}

/// The browser calls these from the app's origin: any loopback origin, plus the
/// seed's `cors_origins` (WorkOS's "allowed web origins"), minus the origins
/// `POST /_emulator/cors` refuses (to show an app what a missing origin does).
fn cors(emu: &Emulator) -> CorsLayer {
    let extra = emu.seed().environment.cors_origins.clone();
    let emu = emu.clone();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
            let Ok(origin) = origin.to_str() else { return false };
            !emu.refuses_origin(origin) && (extra.iter().any(|o| o == origin) || is_loopback_origin(origin))
        }))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            "authorization".parse().expect("header name"),
            "content-type".parse().expect("header name"),
            "workos-widgets-type".parse().expect("header name"),
            "workos-widgets-version".parse().expect("header name"),
            "x-elevated-access-token".parse().expect("header name"),
        ])
        .expose_headers(["x-request-id".parse().expect("header name")])
        .max_age(std::time::Duration::from_secs(600))
}


