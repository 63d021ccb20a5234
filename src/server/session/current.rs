//! The signed-in user of the request being served, as its access token says
//! (verified against WorkOS's JWKS by the session layer).

use workos::helpers::session::SessionState;

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentSession {
    pub session_id: String,
    pub user_id: String,
    pub email: String,
    /// Whether WorkOS says `email` is verified (admins listed by email need it).
    pub email_verified: bool,
    pub name: String,
    pub organization_id: Option<String>,
    pub role: String,
    pub permissions: Vec<String>,
    /// When its access token expires (Unix seconds; 0 when not known).
    pub expires_at: i64,
}

/// The request's valid sealed session (after any refresh), for handlers that
/// change the session itself, such as switching organization.
#[derive(Debug, Clone)]
pub struct SealedSession(pub String);

impl CurrentSession {
    /// The session an authenticated [`SessionState`] describes.
    pub fn from_state(state: &SessionState) -> Option<CurrentSession> {
        let user = state.user.as_ref()?;
        Some(CurrentSession {
            session_id: state.session_id.clone(),
            user_id: user.id.clone(),
            email: user.email.clone(),
            email_verified: user.email_verified,
            name: crate::server::workos::display_name(user),
            organization_id: Some(state.organization_id.clone()).filter(|o| !o.is_empty()),
            role: state.role.clone(),
            permissions: state.permissions.clone(),
            expires_at: 0,
        })
    }

    /// The session of the request being served (page or server function).
    pub fn current() -> Result<CurrentSession, AppError> {
        leptos::prelude::use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CurrentSession>().cloned())
            .ok_or(AppError::NotSignedIn)
    }

    /// The session and its organization: everything in Orgdeck belongs to one.
    pub fn with_organization() -> Result<(CurrentSession, String), AppError> {
        Self::current()?.in_organization()
    }

    /// This session with its organization, or why it has none.
    pub fn in_organization(self) -> Result<(CurrentSession, String), AppError> {
        match self.organization_id.clone() {
            Some(org) => Ok((self, org)),
            None => Err(AppError::NoOrganization { email: self.email }),
        }
    }

    /// The permission `widget` needs that this session's role lacks, as an error.
    pub fn may_use(&self, widget: &crate::catalog::WidgetInfo) -> Result<(), AppError> {
        match widget.missing_permission(&self.permissions) {
            Some(permission) => Err(AppError::MissingPermission { permission: permission.into(), role: self.role.clone() }),
            None => Ok(()),
        }
    }
}

/// The signed-in session as an axum extractor: handlers that need one take
/// `Session`, and a request without one is refused with `NotSignedIn`.
pub struct Session(pub CurrentSession);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<CurrentSession>().cloned().map(Session).ok_or(AppError::NotSignedIn)
    }
}

/// `Option<Session>`: handlers that serve the signed-out too (with a redirect to sign in).
impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Session {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentSession>().cloned().map(Session))
    }
}
