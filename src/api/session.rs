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

/// Signs the user out everywhere but here (OWASP ASVS V3.3.3: offered after a
/// password change): each of the user's other sessions is revoked at WorkOS
/// and refused by Orgdeck at once. How many were ended.
#[server(endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<usize, AppError> {
    use crate::server::session::revoked::LONGEST_TOKEN;
    use crate::server::session::CurrentSession;
    use crate::server::state::AppState;
    use crate::server::store::now_unix;
    use crate::server::workos::{authkit, reads};

    let session = CurrentSession::current()?;
    let state = AppState::current()?;
    state.limits.spend(&session.user_id, 1)?;
    let sessions = reads::sessions(&state.workos, &session.user_id, Some(&session.session_id)).await?;
    let others: Vec<String> = sessions.into_iter().filter(|s| !s.current && s.status == "active").map(|s| s.id).collect();
    if !others.is_empty() {
        state.limits.spend(&session.user_id, others.len() as u32)?;
    }
    for id in &others {
        authkit::revoke_session(&state.workos, id).await?;
        state.feed.end_session(id, now_unix() + LONGEST_TOKEN).await;
    }
    // The dashboard counts the user's sessions.
    state.feed.forget(None, Some(&session.user_id)).await;
    tracing::info!(user = %session.user_id, ended = others.len(), "ended the user's other sessions");
    Ok(others.len())
}
