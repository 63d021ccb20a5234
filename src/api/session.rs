//! The session itself: which of the user's organizations it is in.

use leptos::prelude::*;

use crate::error::AppError;

/// Moves the session to another organization of the user's. The new sealed
/// cookie goes out on this response; the page then reloads in that organization.
#[server(endpoint = "switch_organization")]
pub async fn switch_organization(organization_id: String) -> Result<(), AppError> {
    use axum::http::header::SET_COOKIE;
    use crate::server::auth::{self, CurrentSession, SealedSession};
    use crate::server::state::AppState;

    let session = CurrentSession::current()?;
    if session.organization_id.as_deref() == Some(organization_id.as_str()) {
        return Ok(());
    }
    let sealed = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<SealedSession>().cloned())
        .ok_or(AppError::NotSignedIn)?;
    let state = AppState::current()?;
    let new_sealed = auth::switch_organization(&state, &sealed.0, &organization_id).await?;
    let response = use_context::<leptos_axum::ResponseOptions>()
        .ok_or_else(|| AppError::Internal { message: "no response to set the cookie on".into() })?;
    response.append_header(SET_COOKIE, auth::session_cookie(&state, &new_sealed));
    Ok(())
}
