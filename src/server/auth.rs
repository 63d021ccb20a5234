//! Sign-in with AuthKit, and the sealed `wos-session` cookie behind every request.
//!
//! Cookies and redirects are set here, in axum handlers and middleware, not in
//! streamed pages: headers set after streaming began would be lost.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use leptos::prelude::use_context;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use workos::helpers::session::{seal, seal_session, unseal, SessionData, SessionRefreshOptions, SessionState};
use workos::resources::user_management::{AuthenticateWithCodeParams, GetAuthorizationUrlParams};

use super::settings::{hex, random_hex};
use super::state::AppState;
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "wos-session";
const SIGN_IN_COOKIE: &str = "orgdeck-sign-in";
/// authkit-nextjs's default: the refresh token, not the cookie, bounds a session.
const SESSION_MAX_AGE: u64 = 400 * 24 * 3600;
const SIGN_IN_MAX_AGE: u64 = 600;

/// The request's valid sealed session (after any refresh), for handlers that
/// change the session itself, such as switching organization.
#[derive(Debug, Clone)]
pub struct SealedSession(pub String);

/// The signed-in user, as the session's access token says (verified against the JWKS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentSession {
    pub session_id: String,
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub organization_id: Option<String>,
    pub role: String,
    pub permissions: Vec<String>,
}

impl CurrentSession {
    fn from_state(state: &SessionState) -> Option<CurrentSession> {
        let user = state.user.as_ref()?;
        let name = super::workos::display_name(user);
        Some(CurrentSession {
            session_id: state.session_id.clone(),
            user_id: user.id.clone(),
            email: user.email.clone(),
            name,
            organization_id: Some(state.organization_id.clone()).filter(|o| !o.is_empty()),
            role: state.role.clone(),
            permissions: state.permissions.clone(),
        })
    }

    /// The session of the request being served (page or server function).
    pub fn current() -> Result<CurrentSession, AppError> {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CurrentSession>().cloned())
            .ok_or(AppError::NotSignedIn)
    }

    /// The session and its organization: everything in Orgdeck belongs to one.
    pub fn with_organization() -> Result<(CurrentSession, String), AppError> {
        let session = Self::current()?;
        match session.organization_id.clone() {
            Some(org) => Ok((session, org)),
            None => Err(AppError::NoOrganization { email: session.email }),
        }
    }

    /// The session, if its user may use the admin tools (the doctor, the lab),
    /// with the state they work on.
    pub fn admin() -> Result<(CurrentSession, AppState), AppError> {
        let session = Self::current()?;
        let state = AppState::current()?;
        if !state.settings.is_admin(&session.email) {
            return Err(AppError::MissingPermission { permission: "admin (Leptos.toml [orgdeck] admins)".into(), role: session.role });
        }
        Ok((session, state))
    }
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
}

/// What the browser that started a sign-in keeps (sealed) until WorkOS sends it back.
#[derive(Debug, Serialize, Deserialize)]
struct SignIn {
    nonce: String,
    return_to: String,
    /// PKCE: a code intercepted on its way back is useless without this.
    code_verifier: String,
}

/// Only paths on this site: no open redirect through `return_to`. A browser
/// drops tabs and newlines from a `Location` and reads `\\` as `/` (so
/// `/\t/evil.example` is `//evil.example`): the path is resolved by the same
/// URL standard and written back percent-encoded, which is also always a valid
/// header value (a raw control character would have made the redirect panic).
fn local_path(p: Option<&str>) -> String {
    let Ok(here) = url::Url::parse("http://orgdeck.invalid/") else {
        return "/".into();
    };
    match p.filter(|p| p.starts_with('/')).and_then(|p| here.join(p).ok()) {
        // `/.//evil.example` resolves to the path `//evil.example`: another site again.
        Some(u) if u.origin() == here.origin() && !u.path().starts_with("//") => u[url::Position::BeforePath..].to_string(),
        _ => "/".into(),
    }
}

/// Where AuthKit sends the browser back. On the emulator with no configured
/// redirect URI, that is the loopback host the browser used (`localhost` or
/// `127.0.0.1`): cookies are per host, and passkeys need `localhost`.
fn redirect_uri_for(state: &AppState, headers: &HeaderMap) -> String {
    let settings = &state.settings;
    if settings.redirect_uri_fixed {
        return settings.redirect_uri.clone();
    }
    let site_port = url::Url::parse(&settings.site_url).ok().and_then(|u| u.port_or_known_default());
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).and_then(|h| url::Url::parse(&format!("http://{h}")).ok());
    match host {
        Some(u) if matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")) && u.port_or_known_default() == site_port => {
            format!("http://{}/auth/callback", &u[url::Position::BeforeHost..url::Position::AfterPort])
        }
        _ => settings.redirect_uri.clone(),
    }
}

/// This site's origin as the browser sees it (the same rule as [`redirect_uri_for`]).
pub fn site_origin(state: &AppState, headers: &HeaderMap) -> String {
    redirect_uri_for(state, headers).trim_end_matches("/auth/callback").to_string()
}

/// `GET /login`: off to AuthKit, remembering where to come back to.
pub async fn login(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<LoginQuery>) -> Response {
    let nonce = random_hex(16);
    let pkce = match workos::generate_pkce_pair() {
        Ok(p) => p,
        Err(e) => return problem_page(&state, StatusCode::INTERNAL_SERVER_ERROR, &AppError::Internal { message: e.to_string() }),
    };
    let sign_in = SignIn { nonce: nonce.clone(), return_to: local_path(q.return_to.as_deref()), code_verifier: pkce.code_verifier };
    let sealed = match seal(&sign_in, &state.settings.cookie_password) {
        Ok(s) => s,
        Err(e) => return problem_page(&state, StatusCode::INTERNAL_SERVER_ERROR, &AppError::Internal { message: e.to_string() }),
    };
    let url = state.workos.user_management().get_authorization_url(GetAuthorizationUrlParams {
        provider: Some(workos::UserManagementAuthenticationProvider::Authkit),
        state: Some(nonce),
        code_challenge: Some(pkce.code_challenge),
        code_challenge_method: Some(pkce.code_challenge_method.to_string()),
        ..GetAuthorizationUrlParams::new(redirect_uri_for(&state, &headers))
    });
    match url {
        Ok(url) => with_cookie(Redirect::to(&url).into_response(), cookie(&state, SIGN_IN_COOKIE, &sealed, SIGN_IN_MAX_AGE)),
        Err(e) => problem_page(&state, StatusCode::INTERNAL_SERVER_ERROR, &AppError::Internal { message: e.to_string() }),
    }
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /auth/callback`: checks `state`, spends the code once, seals the session,
/// and redirects to a clean URL (no code left in the address bar or history).
pub async fn callback(State(state): State<AppState>, request: Request) -> Response {
    let headers = request.headers().clone();
    let q = match Query::<CallbackQuery>::try_from_uri(request.uri()) {
        Ok(Query(q)) => q,
        Err(_) => CallbackQuery { code: None, state: None, error: Some("invalid_request".into()), error_description: None },
    };
    // WorkOS lists sessions with the device they came from.
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string);
    let ip_address = client_ip(&request);
    let pending: Option<SignIn> =
        read_cookie(&headers, &cookie_name(&state, SIGN_IN_COOKIE)).and_then(|c| unseal(&c, &state.settings.cookie_password).ok());
    let clear_sign_in = cookie(&state, SIGN_IN_COOKIE, "", 0);
    let Some(pending) = pending.filter(|p| q.state.as_deref() == Some(p.nonce.as_str())) else {
        let page = html_page(
            &state,
            "This sign-in link has expired",
            "It was already used, is more than ten minutes old, or was started in another browser.",
            Some(("/login", "Sign in again")),
        );
        return with_cookie((StatusCode::BAD_REQUEST, page).into_response(), clear_sign_in);
    };
    if let Some(error) = q.error {
        let detail = q.error_description.unwrap_or_else(|| error.clone());
        let page = html_page(&state, "Sign-in did not complete", &detail, Some(("/login", "Try again")));
        return with_cookie((StatusCode::BAD_REQUEST, page).into_response(), clear_sign_in);
    }
    // `code=` is no code (found by fuzz_callback_queries_are_answered_with_a_page:
    // WorkOS's 422 for an empty code had become a 502).
    let Some(code) = q.code.filter(|c| !c.is_empty()) else {
        let page = html_page(&state, "Sign-in did not complete", "WorkOS sent no authorization code.", Some(("/login", "Try again")));
        return with_cookie((StatusCode::BAD_REQUEST, page).into_response(), clear_sign_in);
    };
    let params = AuthenticateWithCodeParams {
        ip_address,
        user_agent,
        code_verifier: Some(pending.code_verifier.clone().into()),
        ..AuthenticateWithCodeParams::new(code)
    };
    let auth = match state.workos.user_management().authenticate_with_code(params).await {
        Ok(a) => a,
        // A code used before (a replayed or reloaded callback) or expired: the browser's stale link.
        Err(e) if e.code() == Some("invalid_grant") => {
            tracing::info!(request_id = e.request_id(), "a sign-in code was refused (used before, expired, or not this sign-in's)");
            let page = html_page(
                &state,
                "This sign-in link has expired",
                "WorkOS accepts each sign-in link once, within minutes, and only in the browser that started it.",
                Some(("/login", "Sign in again")),
            );
            return with_cookie((StatusCode::BAD_REQUEST, page).into_response(), clear_sign_in);
        }
        Err(e) => {
            let e = super::workos::explain(&state.workos, e).await;
            return with_cookie(problem_page(&state, StatusCode::BAD_GATEWAY, &e), clear_sign_in);
        }
    };
    // A sign-in starts on WorkOS's current state, not on what another session saw.
    state.feed.forget(auth.organization_id.as_deref(), Some(&auth.user.id)).await;
    let data = SessionData {
        access_token: auth.access_token,
        refresh_token: auth.refresh_token,
        user: Some(auth.user),
        impersonator: auth.impersonator,
    };
    match seal_session(&data, &state.settings.cookie_password) {
        Ok(sealed) => {
            let response = Redirect::to(&local_path(Some(&pending.return_to))).into_response();
            let response = with_cookie(response, clear_sign_in);
            with_cookie(response, session_cookie(&state, &sealed))
        }
        Err(e) => problem_page(&state, StatusCode::INTERNAL_SERVER_ERROR, &AppError::Internal { message: e.to_string() }),
    }
}

/// `POST /logout`: ends the WorkOS session too, then lands on the home page
/// (which asks to sign in).
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let home = format!("{}/", state.settings.site_url);
    let target = match read_cookie(&headers, &cookie_name(&state, SESSION_COOKIE)) {
        Some(sealed) => state
            .workos
            .session(sealed, state.settings.cookie_password.clone())
            .logout_url(Some(&home))
            .await
            .unwrap_or(home),
        None => home,
    };
    with_cookie(Redirect::to(&target).into_response(), cookie(&state, SESSION_COOKIE, "", 0))
}

/// Coordinates refreshes: concurrent requests with the same expired session
/// refresh it once (refresh tokens are single use) and share the result, on
/// this instance (a lock per session) and across instances ([`Store::refresh_once`]).
///
/// [`Store::refresh_once`]: super::store::Store::refresh_once
#[derive(Default)]
pub struct SessionRefresher {
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// Refresh when fewer than this many seconds of the access token remain.
const REFRESH_MARGIN: i64 = 60;

/// Whether the sealed session's access token expires within `margin` seconds.
fn expires_within(sealed: &str, password: &str, margin: i64) -> bool {
    let Ok(data) = workos::helpers::session::unseal_session(sealed, password) else { return false };
    let exp = super::workos::token_part(data.access_token.expose(), 1).and_then(|c| c["exp"].as_i64());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    exp.is_some_and(|exp| exp - now < margin)
}

enum Resolved {
    Valid(CurrentSession),
    Refreshed(CurrentSession, String),
    Invalid,
}

/// Why a refresh made no new session.
enum RefreshFailed {
    Refused(String),
    Unreachable(String),
}

impl SessionRefresher {
    async fn resolve(&self, state: &AppState, sealed: &str) -> Resolved {
        let password = &state.settings.cookie_password;
        let now = state.workos.session(sealed.to_string(), password.clone()).authenticate().await;
        // A token about to expire is refreshed now: one that expires between this
        // check and a later WorkOS call would fail that call instead.
        let expiring = now.authenticated && expires_within(sealed, password, REFRESH_MARGIN);
        if now.authenticated && !expiring {
            return CurrentSession::from_state(&now).map_or(Resolved::Invalid, Resolved::Valid);
        }
        if !now.needs_refresh && !expiring {
            return Resolved::Invalid;
        }
        let key = hex(&Sha256::digest(sealed.as_bytes()));
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
            locks.retain(|_, l| Arc::strong_count(l) > 1);
            locks.entry(now.session_id.clone()).or_default().clone()
        };
        let _guard = lock.lock().await;
        let refreshed = state
            .store
            .refresh_once(&key, || async {
                let options = SessionRefreshOptions::default();
                match state.workos.session(sealed.to_string(), password.clone()).refresh(options).await {
                    Ok(r) if r.authenticated => Ok(r.sealed_session),
                    Ok(r) => Err(RefreshFailed::Refused(r.reason.to_string())),
                    Err(e) => Err(RefreshFailed::Unreachable(e.to_string())),
                }
            })
            .await;
        let refreshed = refreshed.unwrap_or_else(|e| Err(RefreshFailed::Unreachable(format!("Orgdeck's database: {e}"))));
        let new_sealed = match refreshed {
            Ok(s) => s,
            Err(RefreshFailed::Refused(reason)) => {
                tracing::info!(reason, "session could not be refreshed");
                return Resolved::Invalid;
            }
            // WorkOS or the database unreachable: a token that is still good keeps the user in.
            Err(RefreshFailed::Unreachable(e)) if expiring => {
                tracing::warn!("early session refresh failed, the token is still valid: {e}");
                return CurrentSession::from_state(&now).map_or(Resolved::Invalid, Resolved::Valid);
            }
            Err(RefreshFailed::Unreachable(e)) => {
                tracing::warn!("session refresh failed: {e}");
                return Resolved::Invalid;
            }
        };
        let after = state.workos.session(new_sealed.clone(), password.clone()).authenticate().await;
        match CurrentSession::from_state(&after).filter(|_| after.authenticated) {
            Some(s) => Resolved::Refreshed(s, new_sealed),
            None => Resolved::Invalid,
        }
    }
}

/// Authenticates the `wos-session` cookie on every request, refreshing it when the
/// access token expired (the new cookie goes out on this same response), and
/// sends signed-out page views to `/login`.
pub async fn session_layer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    // Static files need no session: skip the JWT check (and any refresh) for them.
    if is_static(request.uri().path()) {
        return next.run(request).await;
    }
    let mut set_cookie = None;
    let mut signed_in = false;
    if let Some(sealed) = read_cookie(request.headers(), &cookie_name(&state, SESSION_COOKIE)) {
        match state.sessions.resolve(&state, &sealed).await {
            Resolved::Valid(s) => {
                request.extensions_mut().insert(s);
                request.extensions_mut().insert(SealedSession(sealed));
                signed_in = true;
            }
            Resolved::Refreshed(s, new_sealed) => {
                request.extensions_mut().insert(s);
                set_cookie = Some(session_cookie(&state, &new_sealed));
                request.extensions_mut().insert(SealedSession(new_sealed));
                signed_in = true;
            }
            Resolved::Invalid => set_cookie = Some(cookie(&state, SESSION_COOKIE, "", 0)),
        }
    }
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
    let handler_set_session = cookies_named(response.headers(), &cookie_name(&state, SESSION_COOKIE));
    match set_cookie {
        Some(c) if !handler_set_session => with_cookie(response, c),
        _ => response,
    }
}

fn cookies_named(headers: &HeaderMap, name: &str) -> bool {
    let prefix = format!("{name}=");
    headers.get_all(header::SET_COOKIE).iter().any(|v| v.to_str().is_ok_and(|v| v.starts_with(&prefix)))
}

/// The `wos-session` cookie carrying `sealed`.
pub fn session_cookie(state: &AppState, sealed: &str) -> HeaderValue {
    cookie(state, SESSION_COOKIE, sealed, SESSION_MAX_AGE)
}

/// Moves the session to another of the user's organizations (a refresh with
/// `organization_id`; WorkOS refuses one the user is not a member of).
pub async fn switch_organization(state: &AppState, sealed: &str, organization_id: &str) -> Result<String, AppError> {
    let refreshed = state
        .workos
        .session(sealed.to_string(), state.settings.cookie_password.clone())
        .refresh(SessionRefreshOptions { organization_id: Some(organization_id.to_string()) })
        .await
        .map_err(|e| AppError::Internal { message: e.to_string() })?;
    if refreshed.authenticated {
        Ok(refreshed.sealed_session)
    } else {
        tracing::info!(reason = %refreshed.reason, "organization switch refused");
        Err(AppError::Invalid {
            field: Some("organization_id".into()),
            message: "WorkOS did not move your session to that organization: you are not an active member of it.".into(),
        })
    }
}

/// The browser's address: the first `X-Forwarded-For` hop behind a proxy, else the peer.
fn client_ip(request: &Request) -> Option<String> {
    let forwarded = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    forwarded.or_else(|| {
        request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string())
    })
}

fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || path.starts_with("/widget-host/") || path == "/favicon.ico"
}

/// Pages need a session; sign-in itself, static files and server functions
/// (which answer `NotSignedIn` themselves) do not.
fn needs_sign_in(path: &str) -> bool {
    const OPEN: &[&str] =
        &["/login", "/logout", "/auth/", "/pkg/", "/widget-host/", "/api/", "/favicon.ico", "/health", "/webhooks/", "/events/live"];
    !OPEN.iter().any(|p| path == p.trim_end_matches('/') || path.starts_with(p))
}

/// A cookie's name as sent: behind https with the `__Host-` prefix, which
/// browsers accept only Secure, for this host and `Path=/`, so that no other
/// site on the domain can set or shadow it (OWASP ASVS 3.4.4).
fn cookie_name(state: &AppState, name: &str) -> String {
    match state.settings.secure_cookies {
        true => format!("__Host-{name}"),
        false => name.to_string(),
    }
}

fn cookie(state: &AppState, name: &str, value: &str, max_age: u64) -> HeaderValue {
    let name = cookie_name(state, name);
    let secure = if state.settings.secure_cookies { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("orgdeck-invalid=; Max-Age=0"))
}

fn with_cookie(mut response: Response, cookie: HeaderValue) -> Response {
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v.to_string())
}

pub fn problem_page(state: &AppState, status: StatusCode, e: &AppError) -> Response {
    (status, html_page(state, &e.to_string(), &format!("{} {}", e.detail(), e.fix()), Some(("/login", "Sign in again")))).into_response()
}

/// A bare page for the sign-in handlers, which run outside the Leptos app
/// (maud escapes what it is given).
pub fn html_page(state: &AppState, title: &str, detail: &str, action: Option<(&str, &str)>) -> Html<String> {
    let page = maud::html! {
        (maud::DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) " · Orgdeck" }
                link rel="icon" href="/favicon.ico";
                link rel="stylesheet" href=(state.stylesheet);
            }
            body { main { section.notice.error role="alert" {
                h1 { (title) }
                p { (detail) }
                @if let Some((href, label)) = action { p { a.button href=(href) { (label) } } }
            } } }
        }
    };
    Html(page.into_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_to_stays_on_this_site() {
        assert_eq!(local_path(Some("/widgets/users?x=1")), "/widgets/users?x=1");
        assert_eq!(local_path(Some("//evil.example/")), "/");
        assert_eq!(local_path(Some("https://evil.example/")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(None), "/");
        // Found by fuzz_return_to_stays_on_this_site: what the browser drops or
        // rewrites, and control characters a header cannot carry.
        assert_eq!(local_path(Some("/\t/evil.example")), "/");
        assert_eq!(local_path(Some("/\n/evil.example/")), "/");
        assert_eq!(local_path(Some("/a\nb")), "/ab");
        assert_eq!(local_path(Some("/\u{1}é")), "/%01%C3%A9");
        assert_eq!(local_path(Some("/.//evil.example")), "/");
        assert_eq!(local_path(Some("/a/..//evil.example")), "/");
    }

    proptest::proptest! {
        /// Whatever `return_to` a link carries, the browser lands on this site
        /// and the redirect can be written.
        #[test]
        fn fuzz_return_to_stays_on_this_site(p in proptest::prop_oneof![
            proptest::arbitrary::any::<String>(),
            "[/\\\\\t\n\r %.:@?#a-z\u{1}\u{7f}é]{0,16}",
            "/[/\\\\\t\n\r]{0,3}[a-z.]{0,10}(:[0-9]{1,5})?(/.{0,8})?",
        ]) {
            let out = local_path(Some(&p));
            let here = url::Url::parse("https://orgdeck.example/").unwrap();
            let landed = here.join(&out).unwrap();
            proptest::prop_assert_eq!(landed.origin(), here.origin(), "{:?} → {:?}", p, out);
            proptest::prop_assert!(out.starts_with('/') && !out.starts_with("//"), "{:?} → {:?}", p, out);
            proptest::prop_assert!(HeaderValue::try_from(out.as_str()).is_ok(), "{:?} → {:?}", p, out);
            proptest::prop_assert_eq!(local_path(Some(&out)), out.clone(), "stable");
        }
    }

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

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; wos-session=abc+/=; b=2".parse().unwrap());
        assert_eq!(read_cookie(&h, SESSION_COOKIE).as_deref(), Some("abc+/="));
        assert_eq!(read_cookie(&h, "missing"), None);
    }
}
