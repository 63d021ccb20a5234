//! The session behind every request: the sealed `wos-session` cookie,
//! resolved once per cookie ([`resolved`]), refreshed when its access token
//! expires ([`refresher`]; the new cookie goes out on the same response), and
//! handed to handlers ([`Session`]) and server functions
//! ([`CurrentSession::current`]) as a request extension.
//!
//! Cookies and redirects are set here, in middleware, not in streamed pages:
//! headers set after streaming began would be lost.

pub mod cookies;
pub mod current;
pub mod refresher;
pub mod resolved;
pub mod revoked;

use std::borrow::Cow;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

pub use current::{CurrentSession, SealedSession, Session};
use cookies::{with_cookie, SESSION};
use refresher::Resolved;

use super::state::AppState;
use crate::error::AppError;

impl CurrentSession {
    /// The session, if its user may use the admin tools (the doctor, the lab),
    /// with the state they work on.
    pub fn admin() -> Result<(CurrentSession, AppState), AppError> {
        let session = Self::current()?;
        let state = AppState::current()?;
        if !state.settings.is_admin(&session.user_id, &session.email, session.email_verified) {
            return Err(AppError::MissingPermission { permission: "admin (Leptos.toml [orgdeck] admins)".into(), role: session.role });
        }
        Ok((session, state))
    }
}

/// The session this cookie stands for now, and the cookie to send back when
/// it changed (refreshed, or cleared because it is no good).
async fn resolve<'h>(state: &AppState, sealed: &'h str) -> (Option<(Arc<CurrentSession>, Cow<'h, str>)>, Option<HeaderValue>) {
    if let Some(session) = state.resolved.get(sealed).await {
        return (Some((session, Cow::Borrowed(sealed))), None);
    }
    let password = &state.settings.cookie_password;
    match state.sessions.resolve(&state.workos, &state.store, password, sealed).await {
        Resolved::Valid { session, exp } => {
            let session = Arc::new(session);
            state.resolved.keep(sealed, session.clone(), exp).await;
            (Some((session, Cow::Borrowed(sealed))), None)
        }
        Resolved::Refreshed { session, exp, sealed } => {
            let session = Arc::new(session);
            state.resolved.keep(&sealed, session.clone(), exp).await;
            let cookie = state.cookies.session(&sealed);
            (Some((session, Cow::Owned(sealed))), Some(cookie))
        }
        Resolved::Invalid => (None, Some(state.cookies.clear(SESSION))),
    }
}

/// The session a request's `wos-session` cookie stands for now (with the
/// sealed cookie), and the cookie to send back when it changed: refreshed, or
/// cleared because it is no good or its session ended elsewhere. The layer
/// below asks for every request; the widget token, on a route of its own, asks itself.
/// The session is shared with the cache that resolved it (a token call only
/// reads it); the sealed cookie is borrowed from `headers` unless refreshed.
pub async fn from_cookie<'h>(state: &AppState, headers: &'h HeaderMap) -> (Option<(Arc<CurrentSession>, Cow<'h, str>)>, Option<HeaderValue>) {
    let (signed_in, set_cookie) = match state.cookies.read(headers, SESSION) {
        Some(sealed) => resolve(state, sealed).await,
        None => (None, None),
    };
    // A session ended elsewhere (signed out, revoked at WorkOS): its cookie's copies are no good.
    match signed_in {
        Some((session, _)) if state.revoked.contains(&session.session_id).await => (None, Some(state.cookies.clear(SESSION))),
        other => (other, set_cookie),
    }
}

/// Authenticates the `wos-session` cookie on every request and sends
/// signed-out page views to `/login`.
pub async fn session_layer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    // Static files need no session: skip the JWT check (and any refresh) for them.
    if is_static(request.uri().path()) {
        return next.run(request).await;
    }
    let (signed_in, set_cookie) = from_cookie(&state, request.headers()).await;
    // Owned, so the request (whose headers the cookie was borrowed from) can take it.
    let signed_in = signed_in.map(|(session, sealed)| (session, sealed.into_owned()));
    let signed_in = signed_in.is_some_and(|(session, sealed)| {
        request.extensions_mut().insert(Arc::unwrap_or_clone(session));
        request.extensions_mut().insert(SealedSession(sealed));
        true
    });
    let path = request.uri().path();
    if !signed_in && request.method() == Method::GET && needs_sign_in(path) {
        let target = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let login = format!("/login?return_to={}", url::form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>());
        let response = Redirect::to(&login).into_response();
        return match set_cookie {
            Some(c) => with_cookie(response, c),
            None => response,
        };
    }
    let response = next.run(request).await;
    // A handler that set the session itself (an organization switch) has the last word.
    match set_cookie {
        Some(c) if !state.cookies.sets(&response, SESSION) => with_cookie(response, c),
        _ => response,
    }
}

fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || path.starts_with("/widget-host/") || path == "/favicon.ico"
}

/// Pages need a session; sign-in itself, static files and server functions
/// (which answer `NotSignedIn` themselves) do not.
fn needs_sign_in(path: &str) -> bool {
    const OPEN: &[&str] =
        &["/login", "/logout", "/auth/", "/pkg/", "/widget-host/", "/api/", "/favicon.ico", "/health", "/ready", "/metrics", "/webhooks/", "/events/live"];
    !OPEN.iter().any(|p| path == p.trim_end_matches('/') || path.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_files_skip_the_session_check() {
        assert!(is_static("/pkg/orgdeck.wasm") && is_static("/widget-host/host.js") && is_static("/favicon.ico"));
        assert!(!is_static("/") && !is_static("/api/widget_token") && !is_static("/pkgs"));
    }

    #[test]
    fn pages_need_sign_in_but_assets_and_auth_do_not() {
        for p in ["/", "/widgets/users", "/return/users"] {
            assert!(needs_sign_in(p), "{p}");
        }
        for p in ["/login", "/auth/callback", "/pkg/orgdeck.js", "/widget-host/host.js", "/favicon.ico", "/api/widget_token"] {
            assert!(!needs_sign_in(p), "{p}");
        }
    }
}
