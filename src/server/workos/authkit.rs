//! AuthKit: the hosted sign-in, the code exchange, and the SDK's sealed
//! session (authenticate, refresh, sign-out). Sealing itself is local.

use workos::helpers::session::{SessionData, SessionRefreshOptions, SessionState};
use workos::resources::user_management::{AuthenticateWithCodeParams, GetAuthorizationUrlParams};
use workos::Client;

use crate::error::AppError;

/// Where AuthKit signs the browser in and sends it back to `redirect_uri`.
pub fn authorization_url(client: &Client, redirect_uri: String, state: String, code_challenge: String, method: String) -> Result<String, AppError> {
    client
        .user_management()
        .get_authorization_url(GetAuthorizationUrlParams {
            provider: Some(workos::UserManagementAuthenticationProvider::Authkit),
            state: Some(state),
            code_challenge: Some(code_challenge),
            code_challenge_method: Some(method),
            ..GetAuthorizationUrlParams::new(redirect_uri)
        })
        .map_err(|e| AppError::Internal { message: e.to_string() })
}

/// How a code exchange went.
pub enum Exchanged {
    /// The session, for this organization (if any) and user.
    Session { data: SessionData, organization_id: Option<String>, user_id: String },
    /// A code used before, expired, or not this sign-in's: the browser's stale link.
    Stale,
}

/// Spends the sign-in code (with its PKCE verifier) for a session; WorkOS
/// lists the session with the device it came from.
pub async fn exchange_code(
    client: &Client,
    code: String,
    code_verifier: String,
    ip_address: Option<String>,
    user_agent: Option<String>,
) -> Result<Exchanged, AppError> {
    let params = AuthenticateWithCodeParams { ip_address, user_agent, code_verifier: Some(code_verifier.into()), ..AuthenticateWithCodeParams::new(code) };
    match client.user_management().authenticate_with_code(params).await {
        Ok(auth) => Ok(Exchanged::Session {
            organization_id: auth.organization_id,
            user_id: auth.user.id.clone(),
            data: SessionData { access_token: auth.access_token, refresh_token: auth.refresh_token, user: Some(auth.user), impersonator: auth.impersonator },
        }),
        Err(e) if e.code() == Some("invalid_grant") => {
            tracing::info!(request_id = e.request_id(), "a sign-in code was refused (used before, expired, or not this sign-in's)");
            Ok(Exchanged::Stale)
        }
        Err(e) => Err(e.into()),
    }
}

/// The sealed session checked against WorkOS's signing keys (offline once
/// the JWKS is known).
pub async fn authenticate(client: &Client, sealed: &str, password: &str) -> SessionState {
    client.session(sealed.to_string(), password.to_string()).authenticate().await
}

/// A new sealed session from the refresh token (into `organization_id`, if
/// given): `Ok(Err(reason))` when WorkOS refuses it.
pub async fn refresh(client: &Client, sealed: &str, password: &str, organization_id: Option<&str>) -> Result<Result<String, String>, AppError> {
    let options = SessionRefreshOptions { organization_id: organization_id.map(str::to_string) };
    let refreshed = client.session(sealed.to_string(), password.to_string()).refresh(options).await?;
    Ok(match refreshed.authenticated {
        true => Ok(refreshed.sealed_session),
        false => Err(refreshed.reason.to_string()),
    })
}

/// Ends one of the user's sessions at WorkOS (its refresh token stops working).
pub async fn revoke_session(client: &Client, session_id: &str) -> Result<(), AppError> {
    use workos::resources::user_management::RevokeSessionParams;
    let params = RevokeSessionParams::new(workos::RevokeSession { session_id: session_id.to_string() });
    Ok(client.user_management().revoke_session(params).await?)
}

/// Where the browser ends the WorkOS session too, then comes back to `return_to`.
pub async fn logout_url(client: &Client, sealed: &str, password: &str, return_to: &str) -> Option<String> {
    client.session(sealed.to_string(), password.to_string()).logout_url(Some(return_to)).await.ok()
}
