//! The grant types of `POST /user_management/authenticate` besides a code and
//! a refresh token: a password, a magic-auth code, and the steps a sign-in can
//! stop at (`pending_authentication_token`): choosing an organization, an
//! authenticator-app code, the code that verifies the email address. Each
//! ends in a new session, as the hosted sign-in page's do.

use axum::http::StatusCode;
use serde_json::json;

use crate::clock::iso;
use crate::emulator::Emulator;
use crate::http::ApiError;
use crate::ids::{new_id, secret_token};
use crate::model::{PendingAuth, Session};
use crate::state::Db;

pub const MAGIC_AUTH: &str = "urn:workos:oauth:grant-type:magic-auth:code";
pub const EMAIL_VERIFICATION: &str = "urn:workos:oauth:grant-type:email-verification:code";
pub const MFA_TOTP: &str = "urn:workos:oauth:grant-type:mfa-totp";
pub const ORGANIZATION_SELECTION: &str = "urn:workos:oauth:grant-type:organization-selection";
pub const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// A sign-in may wait this long at one of its steps (WorkOS: ten minutes).
const PENDING_SECONDS: i64 = 600;
/// AuthKit sessions last thirty days.
pub const SESSION_DAYS: i64 = 30;

/// Who signed in, into which organization, and how: the start of a session.
pub struct SignedIn {
    pub user_id: String,
    pub organization_id: Option<String>,
    pub auth_method: String,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

/// `{code, message}`: the shape of the spec's 400s and 403s for sign-in.
pub fn refused(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(status, json!({"code": code, "message": message.into()}))
}

fn invalid_pending() -> ApiError {
    refused(StatusCode::BAD_REQUEST, "invalid_pending_authentication_token", "The pending authentication token is invalid or has expired.")
}

/// A new active session for the sign-in (and its `session.created` event).
pub fn new_session(emu: &Emulator, db: &mut Db, who: &SignedIn) -> String {
    let now = emu.clock().now();
    let now_iso = iso(now);
    let session_id = new_id("session", emu.clock().millis());
    let session = Session {
        id: session_id.clone(),
        user_id: who.user_id.clone(),
        organization_id: who.organization_id.clone(),
        active: true,
        status: "active".into(),
        auth_method: who.auth_method.clone(),
        ip_address: who.ip_address.clone(),
        user_agent: who.user_agent.clone(),
        created_at: now_iso.clone(),
        updated_at: now_iso.clone(),
        last_activity_at: now_iso,
        expires_at: iso(now + chrono::Duration::days(SESSION_DAYS)),
        ended_at: None,
    };
    let data = session.to_json();
    db.sessions.insert(session_id.clone(), session);
    db.record_event(emu, "session.created", who.organization_id.as_deref(), data);
    session_id
}

/// The user's first factor passed: the next step, or the session. A user with
/// an authenticator app answers a challenge; a user in several organizations
/// (none asked for) picks one. Both stop with a 403 and a pending token.
pub fn after_first_factor(emu: &Emulator, db: &mut Db, who: SignedIn, organization_id: Option<String>) -> Result<SignedIn, ApiError> {
    let user = db.user(&who.user_id).cloned().ok_or_else(|| refused(StatusCode::BAD_REQUEST, "invalid_credentials", "Invalid credentials."))?;
    let pending = |step: &str, challenge_id: Option<String>| PendingAuth {
        user_id: user.id.clone(),
        step: step.into(),
        auth_method: who.auth_method.clone(),
        challenge_id,
        code: None,
        ip_address: who.ip_address.clone(),
        user_agent: who.user_agent.clone(),
        expires_at: emu.clock().unix() + PENDING_SECONDS,
    };
    if let Some(factor) = db.totp_factor(&user.id).cloned() {
        let challenge = crate::mfa::new_challenge(emu, db, &factor);
        let token = secret_token();
        db.pending_auths.insert(token.clone(), pending("mfa_challenge", Some(challenge.id.clone())));
        let mut e = refused(StatusCode::FORBIDDEN, "mfa_challenge", "The user must complete a multi-factor authentication challenge.");
        e.body["pending_authentication_token"] = json!(token);
        e.body["user"] = serde_json::to_value(&user).unwrap_or_default();
        e.body["authentication_factors"] = json!([{"id": factor.id, "type": "totp"}]);
        e.body["authentication_challenge"] = json!({"object": "authentication_challenge", "id": challenge.id, "authentication_factor_id": factor.id});
        return Err(e);
    }
    choose_organization(emu, db, who, organization_id)
}

fn choose_organization(emu: &Emulator, db: &mut Db, who: SignedIn, organization_id: Option<String>) -> Result<SignedIn, ApiError> {
    let active: Vec<String> =
        db.memberships.iter().filter(|m| m.user_id == who.user_id && m.status == "active").map(|m| m.organization_id.clone()).collect();
    let organization_id = match organization_id {
        Some(org) if active.contains(&org) => Some(org),
        Some(org) => {
            return Err(refused(StatusCode::BAD_REQUEST, "invalid_organization_id", format!("The user is not a member of organization '{org}'.")));
        }
        None if active.len() > 1 => {
            let token = secret_token();
            db.pending_auths.insert(
                token.clone(),
                PendingAuth {
                    user_id: who.user_id.clone(),
                    step: "organization_selection".into(),
                    auth_method: who.auth_method.clone(),
                    challenge_id: None,
                    code: None,
                    ip_address: who.ip_address.clone(),
                    user_agent: who.user_agent.clone(),
                    expires_at: emu.clock().unix() + PENDING_SECONDS,
                },
            );
            let organizations: Vec<_> = active
                .iter()
                .filter_map(|id| db.organization(id))
                .map(|o| json!({"id": o.id, "name": o.name}))
                .collect();
            let mut e = refused(StatusCode::FORBIDDEN, "organization_selection_required", "The user must choose an organization to sign in to.");
            e.body["pending_authentication_token"] = json!(token);
            e.body["organizations"] = json!(organizations);
            e.body["user"] = serde_json::to_value(db.user(&who.user_id)).unwrap_or_default();
            return Err(e);
        }
        None => active.first().cloned(),
    };
    Ok(SignedIn { organization_id, ..who })
}

fn take_pending(emu: &Emulator, db: &mut Db, token: Option<&str>, step: &str) -> Result<PendingAuth, ApiError> {
    let token = token.filter(|t| !t.is_empty()).ok_or_else(|| ApiError::required("pending_authentication_token"))?;
    let now = emu.clock().unix();
    let pending = db.pending_auths.get(token).filter(|p| p.expires_at > now && p.step == step).cloned().ok_or_else(invalid_pending)?;
    db.pending_auths.remove(token);
    Ok(pending)
}

fn resumed(p: &PendingAuth) -> SignedIn {
    SignedIn {
        user_id: p.user_id.clone(),
        organization_id: None,
        auth_method: p.auth_method.clone(),
        ip_address: p.ip_address.clone(),
        user_agent: p.user_agent.clone(),
    }
}

/// `grant_type=password`: the user's email and password.
pub fn password(emu: &Emulator, db: &mut Db, email: Option<&str>, password: Option<&str>, base: SignedIn, organization_id: Option<String>) -> Result<SignedIn, ApiError> {
    let email = email.filter(|e| !e.is_empty()).ok_or_else(|| ApiError::required("email"))?;
    let password = password.filter(|p| !p.is_empty()).ok_or_else(|| ApiError::required("password"))?;
    let user = db
        .user_by_email(email)
        .filter(|u| u.password.as_deref() == Some(password))
        .cloned()
        .ok_or_else(|| refused(StatusCode::BAD_REQUEST, "invalid_credentials", "Invalid credentials."))?;
    let now = emu.now_iso();
    if let Some(u) = db.users.iter_mut().find(|u| u.id == user.id) {
        u.password_last_used_at = Some(now);
    }
    after_first_factor(emu, db, SignedIn { user_id: user.id, auth_method: "password".into(), ..base }, organization_id)
}

/// `grant_type=urn:workos:oauth:grant-type:magic-auth:code`: the code emailed
/// by `POST /user_management/magic_auth`, good once, for ten minutes.
pub fn magic_auth(emu: &Emulator, db: &mut Db, email: Option<&str>, code: Option<&str>, base: SignedIn, organization_id: Option<String>) -> Result<SignedIn, ApiError> {
    let email = email.filter(|e| !e.is_empty()).ok_or_else(|| ApiError::required("email"))?.to_lowercase();
    let code = code.filter(|c| !c.is_empty()).ok_or_else(|| ApiError::required("code"))?;
    let now = emu.now_iso();
    let Some(m) = db.magic_auths.iter_mut().rev().find(|m| m.email == email && m.code == code.trim()) else {
        return Err(refused(StatusCode::BAD_REQUEST, "invalid_one_time_code", "The code is incorrect."));
    };
    if m.used {
        return Err(refused(StatusCode::BAD_REQUEST, "one_time_code_previously_used", "The code was used before."));
    }
    if m.expires_at <= now {
        return Err(refused(StatusCode::BAD_REQUEST, "one_time_code_expired", "The code has expired."));
    }
    m.used = true;
    let user_id = m.user_id.clone();
    // The code reached the address: it is verified.
    if let Some(u) = db.users.iter_mut().find(|u| u.id == user_id) {
        u.email_verified = true;
    }
    after_first_factor(emu, db, SignedIn { user_id, auth_method: "magic_code".into(), ..base }, organization_id)
}

/// `grant_type=urn:workos:oauth:grant-type:organization-selection`.
pub fn organization_selection(emu: &Emulator, db: &mut Db, token: Option<&str>, organization_id: Option<String>) -> Result<SignedIn, ApiError> {
    let org = organization_id.filter(|o| !o.is_empty()).ok_or_else(|| ApiError::required("organization_id"))?;
    let pending = take_pending(emu, db, token, "organization_selection")?;
    choose_organization(emu, db, resumed(&pending), Some(org))
}

/// `grant_type=urn:workos:oauth:grant-type:mfa-totp`: the challenge's code.
pub fn mfa_totp(
    emu: &Emulator,
    db: &mut Db,
    token: Option<&str>,
    challenge_id: Option<&str>,
    code: Option<&str>,
    organization_id: Option<String>,
) -> Result<SignedIn, ApiError> {
    let challenge_id = challenge_id.filter(|c| !c.is_empty()).ok_or_else(|| ApiError::required("authentication_challenge_id"))?;
    let code = code.filter(|c| !c.is_empty()).ok_or_else(|| ApiError::required("code"))?;
    let key = token.filter(|t| !t.is_empty()).ok_or_else(|| ApiError::required("pending_authentication_token"))?;
    let now = emu.clock().unix();
    let pending = db.pending_auths.get(key).filter(|p| p.expires_at > now && p.step == "mfa_challenge").cloned().ok_or_else(invalid_pending)?;
    if pending.challenge_id.as_deref() != Some(challenge_id) {
        return Err(invalid_pending());
    }
    let factor = db.totp_challenges.get(challenge_id).map(|c| c.factor_id.clone()).ok_or_else(invalid_pending)?;
    if !crate::mfa::check(emu, db, &factor, code) {
        // The pending token stays: the user may try the next code.
        return Err(refused(StatusCode::BAD_REQUEST, "invalid_one_time_code", "The code is incorrect."));
    }
    db.pending_auths.remove(key);
    db.totp_challenges.remove(challenge_id);
    choose_organization(emu, db, resumed(&pending), organization_id)
}

/// `grant_type=urn:workos:oauth:grant-type:email-verification:code`.
pub fn email_verification(emu: &Emulator, db: &mut Db, token: Option<&str>, code: Option<&str>, organization_id: Option<String>) -> Result<SignedIn, ApiError> {
    let code = code.filter(|c| !c.is_empty()).ok_or_else(|| ApiError::required("code"))?;
    let key = token.filter(|t| !t.is_empty()).ok_or_else(|| ApiError::required("pending_authentication_token"))?;
    let now = emu.clock().unix();
    let pending =
        db.pending_auths.get(key).filter(|p| p.expires_at > now && p.step == "email_verification").cloned().ok_or_else(invalid_pending)?;
    if pending.code.as_deref() != Some(code.trim()) {
        return Err(refused(StatusCode::BAD_REQUEST, "invalid_one_time_code", "The code is incorrect."));
    }
    db.pending_auths.remove(key);
    if let Some(u) = db.users.iter_mut().find(|u| u.id == pending.user_id) {
        u.email_verified = true;
    }
    after_first_factor(emu, db, resumed(&pending), organization_id)
}

/// `grant_type=urn:ietf:params:oauth:grant-type:device_code`: the emulator
/// starts no device authorizations, so every device code is unknown.
pub fn device_code(device_code: Option<&str>) -> Result<SignedIn, ApiError> {
    device_code.filter(|c| !c.is_empty()).ok_or_else(|| ApiError::required("device_code"))?;
    Err(ApiError::oauth(StatusCode::BAD_REQUEST, "expired_token", "The device code is unknown or has expired."))
}
