//! AuthKit: the hosted sign-in page, code and refresh-token exchange, logout and JWKS.

use std::net::SocketAddr;
use std::sync::MutexGuard;

use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use url::Url;

use crate::http::{ApiError, ApiResult, Body};
use crate::ids::{new_id, secret_token};
use crate::grants::{self, SignedIn};
use crate::model::{AuthCode, AuthRequest, RefreshGrant};
use crate::pages;
use crate::emulator::Emulator;
use crate::state::Db;

/// AuthKit access tokens live five minutes.
pub const ACCESS_TOKEN_SECONDS: i64 = 300;
const CODE_SECONDS: i64 = 600;
const SIGN_IN_SECONDS: i64 = 1800;

#[derive(Debug, Deserialize)]
pub struct AuthorizeQuery {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    response_type: Option<String>,
    provider: Option<String>,
    state: Option<String>,
    organization_id: Option<String>,
    login_hint: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

/// `GET /user_management/authorize`: validates the request, then shows the sign-in page.
pub async fn authorize(State(emu): State<Emulator>, Query(q): Query<AuthorizeQuery>) -> Response {
    let problem = |msg: String| (StatusCode::BAD_REQUEST, Html(pages::error_page(&msg))).into_response();
    if q.client_id.as_deref() != Some(emu.client_id()) {
        return problem(format!(
            "Invalid client ID '{}'. This emulator's client ID is '{}'.",
            q.client_id.unwrap_or_default(),
            emu.client_id()
        ));
    }
    let Some(redirect_uri) = q.redirect_uri.filter(|r| !r.is_empty()) else {
        return problem("The redirect_uri parameter is required.".into());
    };
    if !redirect_allowed(&emu, &redirect_uri) {
        return problem(format!(
            "The redirect URI '{redirect_uri}' is not allowed for this environment. Allowed: {}",
            describe_allowed_redirects(&emu)
        ));
    }
    let back = |error: &str, description: &str| {
        Redirect::to(&with_query(&redirect_uri, &[("error", error), ("error_description", description)], q.state.as_deref()))
            .into_response()
    };
    if q.response_type.as_deref() != Some("code") {
        return back("unsupported_response_type", "response_type must be 'code'.");
    }
    if q.provider.as_deref().is_some_and(|p| p != "authkit") {
        return back("invalid_request", "This emulator signs in with provider 'authkit' only.");
    }
    if q.code_challenge.is_some() && q.code_challenge_method.as_deref().unwrap_or("S256") != "S256" {
        return back("invalid_request", "code_challenge_method must be 'S256'.");
    }
    let now = emu.clock().unix();
    let mut db = emu.db();
    if let Some(org) = &q.organization_id {
        if db.organization(org).is_none() {
            drop(db);
            return back("organization_invalid", &format!("Organization '{org}' does not exist."));
        }
    }
    db.auth_requests.retain(|_, r| r.expires_at > now);
    let request_id = secret_token();
    db.auth_requests.insert(
        request_id.clone(),
        AuthRequest {
            redirect_uri,
            state: q.state,
            organization_id: q.organization_id,
            code_challenge: q.code_challenge,
            login_hint: q.login_hint,
            expires_at: now + SIGN_IN_SECONDS,
            user_id: None,
            mfa_passed: false,
            ip_address: None,
            user_agent: None,
        },
    );
    let page = pages::sign_in_page(&db, &request_id, None);
    Html(page).into_response()
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    request: String,
    user_id: Option<String>,
    email: Option<String>,
    password: Option<String>,
    organization_id: Option<String>,
}

/// AuthKit sessions end after thirty days however active they are.

/// The browser's address and user agent, as the hosted page sees them.
pub struct ClientInfo {
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_string());
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(ClientInfo {
            ip_address: forwarded.or(peer),
            user_agent: parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string),
        })
    }
}

fn expired_page() -> Response {
    (StatusCode::BAD_REQUEST, Html(pages::error_page("This sign-in page has expired. Go back to the application and sign in again.")))
        .into_response()
}

/// `POST /user_management/authorize/sign-in`: the hosted page's forms. The first
/// post names the user (a user's button, or email and password); later posts
/// of the same sign-in (the organization picker) only add to it.
pub async fn sign_in(State(emu): State<Emulator>, client: ClientInfo, Form(form): Form<SignInForm>) -> Response {
    let now = emu.clock().unix();
    let now_iso = emu.now_iso();
    let mut db = emu.db();
    let Some(mut request) = db.auth_requests.get(&form.request).filter(|r| r.expires_at > now).cloned() else {
        return expired_page();
    };
    if request.user_id.is_none() {
        let user = match (&form.user_id, &form.email) {
            (Some(id), _) if !id.is_empty() => db.user(id).filter(|u| u.password.is_some()).cloned(),
            (_, Some(email)) => db
                .user_by_email(email)
                .filter(|u| u.password.is_some() && u.password == form.password)
                .cloned(),
            _ => None,
        };
        let Some(user) = user else {
            let page = pages::sign_in_page(&db, &form.request, Some("Incorrect email or password."));
            return (StatusCode::UNAUTHORIZED, Html(page)).into_response();
        };
        if let Some(u) = db.users.iter_mut().find(|u| u.id == user.id) {
            u.password_last_used_at = Some(now_iso);
        }
        request.user_id = Some(user.id.clone());
        request.mfa_passed = db.totp_factor(&user.id).is_none();
        request.ip_address = client.ip_address;
        request.user_agent = client.user_agent;
    }
    if let Some(org) = form.organization_id.filter(|s| !s.is_empty()) {
        request.organization_id = Some(org);
    }
    db.auth_requests.insert(form.request.clone(), request.clone());
    continue_sign_in(&emu, db, &form.request, request)
}

#[derive(Debug, Deserialize)]
pub struct MfaForm {
    request: String,
    code: Option<String>,
}

/// `POST /user_management/authorize/mfa`: the authenticator-app code of a user who enrolled one.
pub async fn mfa(State(emu): State<Emulator>, Form(form): Form<MfaForm>) -> Response {
    let now = emu.clock().unix();
    let mut db = emu.db();
    let Some(mut request) = db.auth_requests.get(&form.request).filter(|r| r.expires_at > now).cloned() else {
        return expired_page();
    };
    let Some(user) = request.user_id.as_deref().and_then(|id| db.user(id)).cloned() else {
        return expired_page();
    };
    if !request.mfa_passed {
        let factor = db.totp_factor(&user.id).map(|f| f.id.clone());
        let ok = factor.is_some_and(|f| crate::mfa::check(&emu, &mut db, &f, form.code.as_deref().unwrap_or_default()));
        if !ok {
            let page = pages::mfa_page(&form.request, &user, Some("That code is not right. Enter the current code from your authenticator app."));
            return (StatusCode::UNAUTHORIZED, Html(page)).into_response();
        }
        request.mfa_passed = true;
        db.auth_requests.insert(form.request.clone(), request.clone());
    }
    continue_sign_in(&emu, db, &form.request, request)
}

/// The next step of a sign-in whose user is known: the authenticator code, the
/// organization, then back to the application with a code.
fn continue_sign_in(emu: &Emulator, mut db: MutexGuard<'_, Db>, key: &str, request: AuthRequest) -> Response {
    let Some(user) = request.user_id.as_deref().and_then(|id| db.user(id)).cloned() else {
        return expired_page();
    };
    if !request.mfa_passed {
        return Html(pages::mfa_page(key, &user, None)).into_response();
    }
    let active: Vec<String> = db
        .memberships
        .iter()
        .filter(|m| m.user_id == user.id && m.status == "active")
        .map(|m| m.organization_id.clone())
        .collect();
    let organization_id = match request.organization_id.clone() {
        Some(org) if active.contains(&org) => Some(org),
        Some(org) => {
            db.auth_requests.remove(key);
            drop(db);
            return Redirect::to(&with_query(
                &request.redirect_uri,
                &[("error", "organization_invalid"), ("error_description", &format!("{} is not a member of organization '{org}'.", user.email))],
                request.state.as_deref(),
            ))
            .into_response();
        }
        None if active.len() > 1 => {
            // AuthKit asks which organization to sign in to.
            return Html(pages::organization_picker(&db, key, &user, &active)).into_response();
        }
        None => active.first().cloned(),
    };
    db.auth_requests.remove(key);
    let now = emu.clock().now();
    let who = SignedIn {
        user_id: user.id.clone(),
        organization_id: organization_id.clone(),
        auth_method: "password".into(),
        ip_address: request.ip_address.clone(),
        user_agent: request.user_agent.clone(),
    };
    let session_id = crate::grants::new_session(emu, &mut db, &who);
    let code = secret_token();
    db.auth_codes.insert(
        code.clone(),
        AuthCode {
            session_id,
            user_id: user.id.clone(),
            organization_id,
            code_challenge: request.code_challenge,
            expires_at: now.timestamp() + CODE_SECONDS,
        },
    );
    drop(db);
    Redirect::to(&with_query(&request.redirect_uri, &[("code", &code)], request.state.as_deref())).into_response()
}

#[derive(Debug, Deserialize)]
pub struct AuthenticateBody {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    organization_id: Option<String>,
    ip_address: Option<String>,
    user_agent: Option<String>,
    email: Option<String>,
    password: Option<String>,
    pending_authentication_token: Option<String>,
    authentication_challenge_id: Option<String>,
    device_code: Option<String>,
}

/// `POST /user_management/authenticate`: every grant type of WorkOS's spec
/// (the ones that start a session are in `grants.rs`). A code or refresh token
/// that is not (or no longer) good is OAuth's `invalid_grant`, as the official
/// SDKs read it.
pub async fn authenticate(State(emu): State<Emulator>, Body(body): Body<AuthenticateBody>) -> ApiResult {
    if body.client_id.as_deref() != Some(emu.client_id()) {
        return Err(ApiError::oauth(StatusCode::BAD_REQUEST, "invalid_client", "Invalid client ID."));
    }
    let secret_ok = body.client_secret.as_deref() == Some(emu.api_key());
    if body.client_secret.is_some() && !secret_ok {
        return Err(ApiError::oauth(StatusCode::UNAUTHORIZED, "invalid_client", "Invalid client secret."));
    }
    let now = emu.clock().unix();
    let mut db = emu.db();
    let base = SignedIn {
        user_id: String::new(),
        organization_id: None,
        auth_method: String::new(),
        ip_address: body.ip_address.clone().filter(|v| !v.is_empty()),
        user_agent: body.user_agent.clone().filter(|v| !v.is_empty()),
    };
    let wanted_org = body.organization_id.clone().filter(|o| !o.is_empty());
    let secret_required = || ApiError::oauth(StatusCode::UNAUTHORIZED, "invalid_client", "client_secret is required.");
    let started = |db: &mut Db, who: Result<SignedIn, ApiError>| -> Result<(String, String, Option<String>), ApiError> {
        let who = who?;
        let session_id = crate::grants::new_session(&emu, db, &who);
        Ok((session_id, who.user_id, who.organization_id))
    };
    let (session_id, user_id, organization_id) = match body.grant_type.as_deref() {
        Some("authorization_code") => {
            let code = body.code.filter(|c| !c.is_empty()).ok_or_else(|| ApiError::required("code"))?;
            // Single use: the code is gone whether or not the exchange succeeds.
            let grant = db.auth_codes.remove(&code).filter(|g| g.expires_at > now).ok_or_else(|| {
                ApiError::oauth(StatusCode::BAD_REQUEST, "invalid_grant", format!("The code '{code}' has expired or is invalid."))
            })?;
            match (&grant.code_challenge, &body.code_verifier) {
                (Some(challenge), Some(verifier)) if pkce_s256(verifier) == *challenge => {}
                (Some(_), _) => {
                    return Err(ApiError::oauth(StatusCode::BAD_REQUEST, "invalid_grant", "The code_verifier does not match the code_challenge."));
                }
                (None, _) if !secret_ok => {
                    return Err(ApiError::oauth(StatusCode::UNAUTHORIZED, "invalid_client", "client_secret is required."));
                }
                (None, _) => {}
            }
            (grant.session_id, grant.user_id, grant.organization_id)
        }
        Some("refresh_token") => {
            if !secret_ok {
                return Err(ApiError::oauth(StatusCode::UNAUTHORIZED, "invalid_client", "client_secret is required."));
            }
            let token = body.refresh_token.filter(|t| !t.is_empty()).ok_or_else(|| ApiError::required("refresh_token"))?;
            let invalid = || ApiError::oauth(StatusCode::BAD_REQUEST, "invalid_grant", "Refresh token is invalid or has already been used.");
            let grant = db.refresh_tokens.get(&token).cloned().ok_or_else(invalid)?;
            let now_iso = emu.now_iso();
            if let Some(s) = db.sessions.get_mut(&grant.session_id).filter(|s| s.active && s.expires_at <= now_iso) {
                s.active = false;
                s.status = "expired".into();
                s.ended_at = Some(s.expires_at.clone());
            }
            if !db.sessions.get(&grant.session_id).is_some_and(|s| s.active) {
                db.refresh_tokens.remove(&token);
                return Err(invalid());
            }
            let organization_id = match body.organization_id.filter(|o| !o.is_empty()) {
                None => grant.organization_id.clone(),
                Some(org) => {
                    if db.organization(&org).is_none() {
                        return Err(ApiError::not_found("Organization", &org));
                    }
                    if db.active_membership(&grant.user_id, &org).is_none() {
                        return Err(ApiError::oauth(
                            StatusCode::BAD_REQUEST,
                            "invalid_grant",
                            format!("The user is not a member of organization '{org}'."),
                        ));
                    }
                    Some(org)
                }
            };
            // Rotation: the token is spent only once the exchange succeeds.
            db.refresh_tokens.remove(&token);
            if let Some(s) = db.sessions.get_mut(&grant.session_id) {
                s.organization_id = organization_id.clone();
            }
            (grant.session_id, grant.user_id, organization_id)
        }
        Some("password") if !secret_ok => return Err(secret_required()),
        Some("password") => {
            let who = grants::password(&emu, &mut db, body.email.as_deref(), body.password.as_deref(), base, wanted_org);
            started(&mut db, who)?
        }
        Some(_) if !secret_ok && body.grant_type.as_deref() != Some(grants::DEVICE_CODE) => return Err(secret_required()),
        Some(grants::MAGIC_AUTH) => {
            let who = grants::magic_auth(&emu, &mut db, body.email.as_deref(), body.code.as_deref(), base, wanted_org);
            started(&mut db, who)?
        }
        Some(grants::ORGANIZATION_SELECTION) => {
            let who = grants::organization_selection(&emu, &mut db, body.pending_authentication_token.as_deref(), wanted_org);
            started(&mut db, who)?
        }
        Some(grants::MFA_TOTP) => {
            let who = grants::mfa_totp(
                &emu,
                &mut db,
                body.pending_authentication_token.as_deref(),
                body.authentication_challenge_id.as_deref(),
                body.code.as_deref(),
                wanted_org,
            );
            started(&mut db, who)?
        }
        Some(grants::EMAIL_VERIFICATION) => {
            let who = grants::email_verification(&emu, &mut db, body.pending_authentication_token.as_deref(), body.code.as_deref(), wanted_org);
            started(&mut db, who)?
        }
        Some(grants::DEVICE_CODE) => started(&mut db, grants::device_code(body.device_code.as_deref()))?,
        Some(other) => {
            return Err(ApiError::invalid("grant_type", "invalid", format!("grant_type '{other}' is not one of WorkOS's grant types.")));
        }
        None => return Err(ApiError::required("grant_type")),
    };
    let now_iso = emu.now_iso();
    // What the application saw of the browser (RS sends these when set) is the best description of the device.
    if let Some(s) = db.sessions.get_mut(&session_id) {
        if let Some(ip) = body.ip_address.filter(|v| !v.is_empty()) {
            s.ip_address = Some(ip);
        }
        if let Some(ua) = body.user_agent.filter(|v| !v.is_empty()) {
            s.user_agent = Some(ua);
        }
        s.last_activity_at = now_iso.clone();
        s.updated_at = now_iso.clone();
    }
    let user = {
        let user = db
            .users
            .iter_mut()
            .find(|u| u.id == user_id)
            .ok_or_else(|| ApiError::oauth(StatusCode::BAD_REQUEST, "invalid_grant", "The user no longer exists."))?;
        user.last_sign_in_at = Some(now_iso);
        user.clone()
    };
    let access_token = access_token(&emu, &db, &session_id, &user_id, organization_id.as_deref());
    let refresh_token = secret_token();
    db.refresh_tokens.insert(
        refresh_token.clone(),
        RefreshGrant { session_id, user_id, organization_id: organization_id.clone() },
    );
    let mut out = json!({
        "user": user,
        "access_token": access_token,
        "refresh_token": refresh_token,
        "authentication_method": "Password",
    });
    if let Some(org) = organization_id {
        out["organization_id"] = json!(org);
    }
    Ok(Json(out).into_response())
}

/// An AuthKit access token: RS256, five minutes, with the role and permissions
/// the user holds in the session's organization.
pub fn access_token(emu: &Emulator, db: &Db, session_id: &str, user_id: &str, organization_id: Option<&str>) -> String {
    let iat = emu.clock().unix();
    let mut claims = json!({
        "iss": emu.base_url(),
        "sub": user_id,
        "sid": session_id,
        "jti": new_id("jti", emu.clock().millis()),
        "iat": iat,
        "exp": iat + ACCESS_TOKEN_SECONDS,
    });
    if let Some(m) = organization_id.and_then(|org| db.active_membership(user_id, org)) {
        claims["org_id"] = json!(m.organization_id);
        claims["role"] = json!(m.role_slugs.first());
        claims["roles"] = json!(m.role_slugs);
        claims["permissions"] = json!(db.permissions_of(m));
        claims["entitlements"] = json!([]);
    }
    emu.keys().sign(&claims)
}

#[derive(Debug, Deserialize)]
pub struct LogoutQuery {
    session_id: Option<String>,
    return_to: Option<String>,
}

/// `GET /user_management/sessions/logout`: ends the session, then goes to `return_to`.
pub async fn logout(State(emu): State<Emulator>, Query(q): Query<LogoutQuery>) -> Response {
    let Some(sid) = q.session_id.as_deref().filter(|s| !s.is_empty()) else {
        return ApiError::invalid("session_id", "required", "session_id is required.").into_response();
    };
    emu.db().revoke_session(&emu, sid);
    // No open redirect through logout: back only to where sign-in may return.
    // 302, the spec's (a browser follows it as it would a 303).
    match q.return_to.filter(|r| return_allowed(&emu, r)) {
        Some(url) => (StatusCode::FOUND, [(header::LOCATION, url)]).into_response(),
        None => Html(pages::signed_out_page()).into_response(),
    }
}

/// `GET /sso/jwks/{client_id}`
pub async fn jwks(State(emu): State<Emulator>, Path(client_id): Path<String>) -> ApiResult {
    if client_id != emu.client_id() {
        return Err(ApiError::not_found("Client", &client_id));
    }
    let keys: Vec<Value> = vec![emu.keys().jwk().clone()];
    Ok(Json(json!({"keys": keys})).into_response())
}

fn pkce_s256(verifier: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn redirect_allowed(emu: &Emulator, uri: &str) -> bool {
    let listed = &emu.seed().environment.redirect_uris;
    if !listed.is_empty() {
        return listed.iter().any(|u| u == uri);
    }
    Url::parse(uri).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https")
            && matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
    })
}

/// Where sign-out may send the browser: a site sign-in may return to (the
/// origin of a listed redirect URI), or any loopback http(s) address when none
/// are listed, the same rule as [`redirect_allowed`].
fn return_allowed(emu: &Emulator, uri: &str) -> bool {
    let Ok(url) = Url::parse(uri) else { return false };
    let listed = &emu.seed().environment.redirect_uris;
    match listed.is_empty() {
        true => redirect_allowed(emu, uri),
        false => listed.iter().filter_map(|u| Url::parse(u).ok()).any(|u| u.origin() == url.origin()),
    }
}

fn describe_allowed_redirects(emu: &Emulator) -> String {
    let listed = &emu.seed().environment.redirect_uris;
    if listed.is_empty() {
        "any http(s) URI on 127.0.0.1, localhost or [::1]".into()
    } else {
        listed.join(", ")
    }
}

fn with_query(base: &str, pairs: &[(&str, &str)], state: Option<&str>) -> String {
    let Ok(mut url) = Url::parse(base) else {
        return base.to_string();
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
        if let Some(s) = state {
            q.append_pair("state", s);
        }
    }
    url.into()
}
