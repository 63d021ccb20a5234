//! Who calls a `/_widgets/*` route: the user, organization, session and
//! permissions its widget token names.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;

use crate::http::{bearer, ApiError};
use crate::emulator::Emulator;

/// The caller of a `/_widgets/*` route, from its Bearer token. A missing, forged
/// or expired token is a 403: the only status on which the widgets fetch a new token.
#[derive(Debug, Clone)]
pub struct WidgetCaller {
    pub user_id: String,
    pub organization_id: Option<String>,
    /// The token's `sid`: the AuthKit session it names, if any.
    pub session_id: Option<String>,
    pub permissions: Vec<String>,
}

impl WidgetCaller {
    pub fn require(&self, permission: &str) -> Result<(), ApiError> {
        if self.permissions.iter().any(|p| p == permission) {
            Ok(())
        } else {
            Err(ApiError::widget(
                StatusCode::FORBIDDEN,
                format!("This token does not grant the '{permission}' permission."),
            ))
        }
    }

    pub fn organization(&self) -> Result<&str, ApiError> {
        self.organization_id
            .as_deref()
            .ok_or_else(|| ApiError::widget(StatusCode::FORBIDDEN, "This token is not for an organization."))
    }
}

impl FromRequestParts<Emulator> for WidgetCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, emu: &Emulator) -> Result<Self, Self::Rejection> {
        let forbidden = |m: &str| ApiError::widget(StatusCode::FORBIDDEN, m);
        let token = bearer(&parts.headers).ok_or_else(|| forbidden("Missing authorization token."))?;
        let claims = emu.keys().verify(token).ok_or_else(|| forbidden("Invalid authorization token."))?;
        let exp = claims["exp"].as_i64().unwrap_or(0);
        if exp <= emu.clock().unix() {
            return Err(forbidden("The authorization token has expired."));
        }
        let user_id = claims["sub"].as_str().unwrap_or_default().to_string();
        if emu.db().user(&user_id).is_none() {
            return Err(forbidden("The token's user no longer exists."));
        }
        Ok(WidgetCaller {
            user_id,
            organization_id: claims["org_id"].as_str().map(str::to_string),
            session_id: claims["sid"].as_str().map(str::to_string),
            permissions: claims["permissions"]
                .as_array()
                .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
        })
    }
}
