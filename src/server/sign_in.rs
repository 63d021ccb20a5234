//! Sign-in with AuthKit: `GET /login` (off to WorkOS with a sealed nonce and
//! PKCE), `GET /auth/callback` (the code spent once, the session sealed into
//! its cookie) and `POST /logout` (the WorkOS session ends too).

use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use serde::{Deserialize, Serialize};
use workos::helpers::session::{seal, seal_session, unseal};

use super::problem::html_page;
use super::session::cookies::{with_cookie, SESSION, SIGN_IN, SIGN_IN_MAX_AGE};
use super::session::refresher::expiry;
use super::session::revoked::LONGEST_TOKEN;
use super::session::{SealedSession, Session};
use super::settings::random_hex;
use super::state::AppState;
use super::store::now_unix;
use super::workos::authkit::{self, Exchanged};
use crate::error::AppError;

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

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal { message: e.to_string() }
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
pub async fn login(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<LoginQuery>) -> Result<Response, AppError> {
    let nonce = random_hex(16);
    let pkce = workos::generate_pkce_pair().map_err(internal)?;
    let sign_in = SignIn { nonce: nonce.clone(), return_to: local_path(q.return_to.as_deref()), code_verifier: pkce.code_verifier };
    let sealed = seal(&sign_in, &state.settings.cookie_password).map_err(internal)?;
    let method = pkce.code_challenge_method.to_string();
    let url = authkit::authorization_url(&state.workos, redirect_uri_for(&state, &headers), nonce, pkce.code_challenge, method)?;
    Ok(with_cookie(Redirect::to(&url).into_response(), state.cookies.set(SIGN_IN, &sealed, SIGN_IN_MAX_AGE)))
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
/// Whatever happens, the sign-in cookie is spent.
pub async fn callback(State(state): State<AppState>, request: Request) -> Response {
    let clear_sign_in = state.cookies.clear(SIGN_IN);
    let (request, _) = request.into_parts();
    let response = match finish(&state, &request).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    with_cookie(response, clear_sign_in)
}

async fn finish(state: &AppState, request: &Parts) -> Result<Response, AppError> {
    let headers = &request.headers;
    let q = match Query::<CallbackQuery>::try_from_uri(&request.uri) {
        Ok(Query(q)) => q,
        Err(_) => CallbackQuery { code: None, state: None, error: Some("invalid_request".into()), error_description: None },
    };
    let stale = || {
        let detail = "It was already used, is more than ten minutes old, or was started in another browser.";
        (StatusCode::BAD_REQUEST, html_page(state, "This sign-in link has expired", detail, Some(("/login", "Sign in again")))).into_response()
    };
    let not_completed = |detail: &str| {
        (StatusCode::BAD_REQUEST, html_page(state, "Sign-in did not complete", detail, Some(("/login", "Try again")))).into_response()
    };
    let pending: Option<SignIn> = state.cookies.read(headers, SIGN_IN).and_then(|c| unseal(&c, &state.settings.cookie_password).ok());
    let Some(pending) = pending.filter(|p| q.state.as_deref() == Some(p.nonce.as_str())) else {
        return Ok(stale());
    };
    if let Some(error) = q.error {
        return Ok(not_completed(&q.error_description.unwrap_or(error)));
    }
    // `code=` is no code (found by fuzz_callback_queries_are_answered_with_a_page:
    // WorkOS's 422 for an empty code had become a 502).
    let Some(code) = q.code.filter(|c| !c.is_empty()) else {
        return Ok(not_completed("WorkOS sent no authorization code."));
    };
    // WorkOS lists sessions with the device they came from.
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string);
    let ip = client_ip(request, &state.settings.trusted_proxies);
    // No user yet: the browser's address has the bucket.
    state.sign_ins.spend(ip.as_deref().unwrap_or("unknown"), 1)?;
    let exchanged = authkit::exchange_code(&state.workos, code, pending.code_verifier.clone(), ip, user_agent).await;
    let (data, organization_id, user_id) = match exchanged {
        Ok(Exchanged::Session { data, organization_id, user_id }) => (data, organization_id, user_id),
        Ok(Exchanged::Stale) => {
            let detail = "WorkOS accepts each sign-in link once, within minutes, and only in the browser that started it.";
            let page = html_page(state, "This sign-in link has expired", detail, Some(("/login", "Sign in again")));
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
        // WorkOS refused Orgdeck itself (its key, its request): a bad gateway, whatever it said.
        Err(e) => return Ok((StatusCode::BAD_GATEWAY, e).into_response()),
    };
    // A sign-in starts on WorkOS's current state, not on what another session saw.
    state.feed.forget(organization_id.as_deref(), Some(&user_id)).await;
    let sealed = seal_session(&data, &state.settings.cookie_password).map_err(internal)?;
    let response = Redirect::to(&local_path(Some(&pending.return_to))).into_response();
    Ok(with_cookie(response, state.cookies.session(&sealed)))
}

/// `POST /logout`: ends the session here (a copy of the cookie is refused by
/// every instance from now on) and at WorkOS, then lands on the home page
/// (which asks to sign in).
pub async fn logout(
    State(state): State<AppState>,
    session: Option<Session>,
    current: Option<Extension<SealedSession>>,
    headers: HeaderMap,
) -> Response {
    let home = format!("{}/", state.settings.site_url);
    let password = &state.settings.cookie_password;
    let target = match state.cookies.read(&headers, SESSION) {
        Some(sealed) => {
            if let Some(Session(session)) = session {
                // The session as it is now (the layer may just have refreshed it): refused while its token lives.
                let now_sealed = current.map_or(sealed.to_string(), |Extension(s)| s.0);
                let until = expiry(&now_sealed, password).unwrap_or_else(|| now_unix() + LONGEST_TOKEN);
                state.feed.end_session(&session.session_id, until).await;
            }
            authkit::logout_url(&state.workos, sealed, password, &home).await.unwrap_or(home)
        }
        None => home,
    };
    with_cookie(Redirect::to(&target).into_response(), state.cookies.clear(SESSION))
}

/// The browser's address (WorkOS lists sessions with it): see `proxies`.
fn client_ip(request: &Parts, trusted: &[ipnet::IpNet]) -> Option<String> {
    let peer = request.extensions.get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let forwarded: Vec<&str> = request.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    super::proxies::client_ip(peer, &forwarded, trusted).map(|ip| ip.to_string())
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
            proptest::prop_assert!(axum::http::HeaderValue::try_from(out.as_str()).is_ok(), "{:?} → {:?}", p, out);
            proptest::prop_assert_eq!(local_path(Some(&out)), out.clone(), "stable");
        }
    }
}
