//! The session itself: which of the user's organizations it is in.

use leptos::prelude::*;

use crate::error::AppError;

/// Moves the session to another organization of the user's (a refresh with
/// `organization_id`; WorkOS refuses one the user is not a member of). The
/// new sealed cookie goes out on this response; the page then reloads in
/// that organization.
#[server(endpoint = "switch_organization")]
pub async fn switch_organization(organization_id: String) -> Result<(), AppError> {
    use axum::http::header::SET_COOKIE;
    use crate::server::session::{CurrentSession, SealedSession};
    use crate::server::state::AppState;
    use crate::server::workos::authkit;

    let session = CurrentSession::current()?;
    if session.organization_id.as_deref() == Some(organization_id.as_str()) {
        return Ok(());
    }
    let sealed = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<SealedSession>().cloned())
        .ok_or(AppError::NotSignedIn)?;
    let state = AppState::current()?;
    state.limits.spend(&session.user_id, 1)?;
    let password = &state.settings.cookie_password;
    let new_sealed = authkit::refresh(&state.workos, &sealed.0, password, Some(&organization_id)).await?.map_err(|reason| {
        tracing::info!(reason, "organization switch refused");
        AppError::Invalid {
            field: Some("organization_id".into()),
            message: "WorkOS did not move your session to that organization: you are not an active member of it.".into(),
        }
    })?;
    let response = use_context::<leptos_axum::ResponseOptions>()
        .ok_or_else(|| AppError::Internal { message: "no response to set the cookie on".into() })?;
    response.append_header(SET_COOKIE, state.cookies.session(&new_sealed));
    Ok(())
}
