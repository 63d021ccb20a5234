//! `/_widgets/UserProfile/*`: what the UserProfile, UserSecurity and UserSessions
//! widgets call. None needs a permission; any token for the user will do (a
//! user-only widget token included). Sensitive changes need a recent identity
//! check, proved by `x-elevated-access-token`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::caller::WidgetCaller;
use crate::http::{ApiError, ApiResult, Body};
use crate::ids::{new_id, secret_token};
use crate::model::{ElevatedAccess, EmailChallenge, Session, User};
use crate::emulator::Emulator;
use crate::state::Db;
use crate::outbox::{six_digits, valid_email, CODE_SECONDS};
use crate::{mfa, outbox, passwords};

/// Verification codes and elevated access last ten minutes.
pub const ELEVATED_SECONDS: i64 = 600;
/// "magic-auth, email-verification and password-reset sends 3/60 s".
const SENDS_PER_MINUTE: usize = 3;

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::widget(StatusCode::BAD_REQUEST, message)
}

fn me_json(user: &User) -> Value {
    json!({
        "id": user.id,
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "locale": user.locale,
        "profilePictureUrl": user.profile_picture_url,
        "oauthProfiles": null,
    })
}

fn user<'a>(db: &'a Db, caller: &WidgetCaller) -> Result<&'a User, ApiError> {
    db.user(&caller.user_id).ok_or_else(|| ApiError::widget(StatusCode::FORBIDDEN, "The token's user no longer exists."))
}

fn user_mut<'a>(db: &'a mut Db, caller: &WidgetCaller) -> Result<&'a mut User, ApiError> {
    db.users
        .iter_mut()
        .find(|u| u.id == caller.user_id)
        .ok_or_else(|| ApiError::widget(StatusCode::FORBIDDEN, "The token's user no longer exists."))
}

/// A 401, not a 403: a 403 would make the widget swap its token, which cannot help here.
fn require_elevated(emu: &Emulator, db: &Db, headers: &HeaderMap, caller: &WidgetCaller) -> Result<(), ApiError> {
    let now = emu.clock().unix();
    let ok = headers
        .get("x-elevated-access-token")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| db.elevated.get(t))
        .is_some_and(|e| e.user_id == caller.user_id && e.expires_at > now);
    if ok {
        Ok(())
    } else {
        Err(ApiError::widget(
            StatusCode::UNAUTHORIZED,
            "Verify your identity first: this change needs a verification code sent in the last ten minutes.",
        ))
    }
}


/// At most three codes a minute per user; the widget shows the message of the 429.
fn rate_limit(emu: &Emulator, db: &mut Db, user_id: &str) -> Result<(), ApiError> {
    let now = emu.clock().unix();
    db.code_sends.retain(|(_, at)| now - at < 60);
    let recent: Vec<i64> = db.code_sends.iter().filter(|(u, _)| u == user_id).map(|(_, at)| *at).collect();
    if recent.len() >= SENDS_PER_MINUTE {
        let wait = 60 - (now - recent.iter().min().copied().unwrap_or(now));
        let mut e = ApiError::widget(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many codes were requested. Try again in {wait} seconds."),
        );
        e.retry_after = Some(wait.max(1) as u64);
        return Err(e);
    }
    db.code_sends.push((user_id.to_string(), now));
    Ok(())
}

fn grant_elevated(emu: &Emulator, db: &mut Db, user_id: &str) -> Value {
    let token = secret_token();
    let expires = emu.clock().now() + chrono::Duration::seconds(ELEVATED_SECONDS);
    db.elevated.retain(|_, e| e.expires_at > emu.clock().unix());
    db.elevated.insert(token.clone(), ElevatedAccess { user_id: user_id.to_string(), expires_at: expires.timestamp() });
    json!({"elevatedAccessToken": token, "expiresAt": crate::clock::iso(expires)})
}

pub async fn me(State(emu): State<Emulator>, caller: WidgetCaller) -> ApiResult {
    let db = emu.db();
    Ok(Json(me_json(user(&db, &caller)?)).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateMe {
    first_name: Option<String>,
    last_name: Option<String>,
    locale: Option<String>,
}

/// Names up to 256 characters; an empty one clears the name.
pub async fn update_me(State(emu): State<Emulator>, caller: WidgetCaller, Body(body): Body<UpdateMe>) -> ApiResult {
    let clean = |v: Option<String>, field: &str| -> Result<Option<Option<String>>, ApiError> {
        match v.map(|s| s.trim().to_string()) {
            None => Ok(None),
            Some(s) if s.chars().count() > 256 => Err(bad(format!("{field} must be at most 256 characters."))),
            Some(s) if s.is_empty() => Ok(Some(None)),
            Some(s) => Ok(Some(Some(s))),
        }
    };
    let first = clean(body.first_name, "First name")?;
    let last = clean(body.last_name, "Last name")?;
    let locale = clean(body.locale, "Locale")?;
    if let Some(Some(l)) = &locale {
        if !valid_locale(l) {
            return Err(bad(format!("'{l}' is not a locale (use a language tag such as en or en-GB).")));
        }
    }
    let now = emu.now_iso();
    let mut db = emu.db();
    let u = user_mut(&mut db, &caller)?;
    if let Some(v) = first {
        u.first_name = v;
    }
    if let Some(v) = last {
        u.last_name = v;
    }
    if let Some(v) = locale {
        u.locale = v;
    }
    u.updated_at = now;
    let (me, data) = (me_json(u), serde_json::to_value(&*u).unwrap_or_default());
    db.record_event(&emu, "user.updated", None, data);
    Ok(Json(me).into_response())
}

fn valid_locale(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or_default();
    (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Emails a code to the user's own address: the first half of an identity check.
pub async fn send_verification(State(emu): State<Emulator>, caller: WidgetCaller) -> ApiResult {
    let mut db = emu.db();
    let email = user(&db, &caller)?.email.clone();
    rate_limit(&emu, &mut db, &caller.user_id)?;
    let code = six_digits();
    let id = new_id("auth_challenge", emu.clock().millis());
    db.email_challenges.insert(
        id.clone(),
        EmailChallenge { id: id.clone(), user_id: caller.user_id.clone(), code: code.clone(), expires_at: emu.clock().unix() + CODE_SECONDS, new_email: None },
    );
    let team = emu.seed().environment.team_name.clone();
    outbox::send(
        &emu,
        &mut db,
        &email,
        "elevated_access",
        format!("Your {team} verification code is {code}"),
        format!("Enter {code} to confirm it's you. The code expires in 10 minutes.\nIf you did not ask for it, you can ignore this email."),
        Some(code),
    );
    Ok(Json(json!({"authenticationChallenge": id, "type": "EmailVerification"})).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyBody {
    code: Option<String>,
    authentication_challenge_id: Option<String>,
}

const WRONG_CODE: &str = "The code is incorrect or has expired.";

/// A right code becomes an elevated-access token; a wrong one leaves the challenge open.
pub async fn verify(State(emu): State<Emulator>, caller: WidgetCaller, Body(body): Body<VerifyBody>) -> ApiResult {
    let id = body.authentication_challenge_id.unwrap_or_default();
    let code = body.code.unwrap_or_default();
    let now = emu.clock().unix();
    let mut db = emu.db();
    let open = db
        .email_challenges
        .get(&id)
        .filter(|c| c.user_id == caller.user_id && c.new_email.is_none() && c.expires_at > now)
        .cloned()
        .ok_or_else(|| bad(WRONG_CODE))?;
    if open.code != code.trim() {
        return Err(bad(WRONG_CODE));
    }
    db.email_challenges.remove(&id);
    Ok(Json(grant_elevated(&emu, &mut db, &caller.user_id)).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailChangeBody {
    new_email: Option<String>,
}

/// Sends a code to the new address; the change happens when it comes back.
pub async fn send_email_change(
    State(emu): State<Emulator>,
    caller: WidgetCaller,
    headers: HeaderMap,
    Body(body): Body<EmailChangeBody>,
) -> ApiResult {
    let new_email = body.new_email.unwrap_or_default().trim().to_lowercase();
    let mut db = emu.db();
    require_elevated(&emu, &db, &headers, &caller)?;
    if !valid_email(&new_email) {
        return Err(ApiError::widget(StatusCode::UNPROCESSABLE_ENTITY, "Enter a valid email address."));
    }
    if user(&db, &caller)?.email == new_email {
        return Err(bad("That is already your email address."));
    }
    if db.user_by_email(&new_email).is_some() {
        return Err(ApiError::widget(StatusCode::CONFLICT, "Another account already uses this email address."));
    }
    rate_limit(&emu, &mut db, &caller.user_id)?;
    let code = six_digits();
    let expires = emu.clock().now() + chrono::Duration::seconds(CODE_SECONDS);
    // One pending change per user: a new request replaces the old code.
    db.email_challenges.retain(|_, c| !(c.user_id == caller.user_id && c.new_email.is_some()));
    let id = new_id("email_change", emu.clock().millis());
    db.email_challenges.insert(
        id.clone(),
        EmailChallenge { id, user_id: caller.user_id.clone(), code: code.clone(), expires_at: expires.timestamp(), new_email: Some(new_email.clone()) },
    );
    let team = emu.seed().environment.team_name.clone();
    outbox::send(
        &emu,
        &mut db,
        &new_email,
        "email_change",
        format!("Confirm your new {team} email address"),
        format!("Enter {code} to make {new_email} your email address. The code expires in 10 minutes."),
        Some(code),
    );
    Ok(Json(json!({"expiresAt": crate::clock::iso(expires)})).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CodeBody {
    code: Option<String>,
}

/// The new address proved itself: it becomes the user's (verified) email.
pub async fn verify_email_change(State(emu): State<Emulator>, caller: WidgetCaller, Body(body): Body<CodeBody>) -> ApiResult {
    let code = body.code.unwrap_or_default();
    let now = emu.clock().unix();
    let now_iso = emu.now_iso();
    let mut db = emu.db();
    let pending = db
        .email_challenges
        .values()
        .find(|c| c.user_id == caller.user_id && c.new_email.is_some() && c.expires_at > now)
        .cloned()
        .ok_or_else(|| bad("There is no email change waiting: request a new code."))?;
    if pending.code != code.trim() {
        return Err(bad(WRONG_CODE));
    }
    let new_email = pending.new_email.clone().unwrap_or_default();
    if db.user_by_email(&new_email).is_some_and(|u| u.id != caller.user_id) {
        return Err(ApiError::widget(StatusCode::CONFLICT, "Another account already uses this email address."));
    }
    db.email_challenges.remove(&pending.id);
    let u = user_mut(&mut db, &caller)?;
    u.email = new_email;
    u.email_verified = true;
    u.updated_at = now_iso;
    let (me, data) = (me_json(u), serde_json::to_value(&*u).unwrap_or_default());
    db.record_event(&emu, "user.updated", None, data);
    let mut out = grant_elevated(&emu, &mut db, &caller.user_id);
    out["user"] = me;
    Ok(Json(out).into_response())
}

/// What the user can sign in with, and the environment's password rules.
pub async fn authentication_information(State(emu): State<Emulator>, caller: WidgetCaller) -> ApiResult {
    let db = emu.db();
    let u = user(&db, &caller)?;
    let current = caller.session_id.as_deref().and_then(|sid| db.sessions.get(sid)).filter(|s| s.user_id == u.id);
    let method = current.map(|s| s.auth_method.as_str());
    let mfa = db.totp_factor(&u.id);
    let passkeys: Vec<_> = db.passkeys.iter().filter(|p| p.user_id == u.id).collect();
    let policy = &emu.seed().environment.password_policy;
    let body = json!({"data": {
        "verificationMethods": {
            "Password": {
                "provider": "Password",
                "isSetUp": u.password.is_some(),
                "lastUsed": u.password_last_used_at,
                "isCurrentSession": method == Some("password"),
            },
            "Mfa": {"provider": "MFA", "isSetUp": mfa.is_some(), "lastUsed": mfa.and_then(|f| f.last_used_at.clone())},
            "Passkey": {
                "provider": "Passkey",
                "isSetUp": !passkeys.is_empty(),
                "lastUsed": passkeys.iter().filter_map(|p| p.last_used_at.clone()).max(),
                "passKeys": passkeys.iter().map(|p| json!({"id": p.id})).collect::<Vec<_>>(),
                "isCurrentSession": method == Some("passkey"),
            },
        },
        "passwordSettings": {
            "isPasswordNumberRequired": policy.require_number,
            "isPasswordPwnedRequired": policy.refuse_pwned,
            "isPasswordSymbolRequired": policy.require_symbol,
            "isPasswordUppercaseRequired": policy.require_uppercase,
            "passwordMinimumLength": policy.min_length,
            "passwordMinimumStrength": 0,
        },
    }});
    Ok(Json(body).into_response())
}

fn created() -> Response {
    (StatusCode::CREATED, Json(json!({"success": true}))).into_response()
}

fn check_policy(emu: &Emulator, u: &User, password: &str) -> Result<(), ApiError> {
    let previous: Vec<&str> = u.password.iter().chain(u.previous_passwords.iter()).map(String::as_str).collect();
    let problems = passwords::problems(&emu.seed().environment.password_policy, password, &u.email, &previous);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::new(StatusCode::BAD_REQUEST, passwords::strength_error(problems)))
    }
}

#[derive(Debug, Deserialize)]
pub struct CreatePasswordBody {
    password: Option<String>,
}

/// For a user who has none yet (invited, or signed up another way).
pub async fn create_password(
    State(emu): State<Emulator>,
    caller: WidgetCaller,
    headers: HeaderMap,
    Body(body): Body<CreatePasswordBody>,
) -> ApiResult {
    let password = body.password.unwrap_or_default();
    let now = emu.now_iso();
    let mut db = emu.db();
    require_elevated(&emu, &db, &headers, &caller)?;
    let u = user_mut(&mut db, &caller)?;
    if u.password.is_some() {
        return Err(bad("A password is already set: change it instead."));
    }
    check_policy(&emu, u, &password)?;
    u.password = Some(password);
    u.updated_at = now;
    Ok(created())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePasswordBody {
    new_password: Option<String>,
    current_password: Option<String>,
}

/// The current password stands in for an identity check here, as in the widget.
pub async fn update_password(State(emu): State<Emulator>, caller: WidgetCaller, Body(body): Body<UpdatePasswordBody>) -> ApiResult {
    let new_password = body.new_password.unwrap_or_default();
    let now = emu.now_iso();
    let mut db = emu.db();
    let u = user_mut(&mut db, &caller)?;
    match &u.password {
        None => return Err(bad("No password is set yet: set one instead.")),
        // The widget recognises exactly this message and marks the current-password field.
        Some(p) if Some(p) != body.current_password.as_ref() => return Err(bad("Invalid credentials")),
        Some(_) => {}
    }
    check_policy(&emu, u, &new_password)?;
    if let Some(old) = u.password.replace(new_password) {
        u.previous_passwords.push(old);
    }
    u.updated_at = now;
    Ok(created())
}

/// A new authenticator-app factor with its secret, URI and QR code, and the
/// challenge its first code answers.
pub async fn create_totp_factor(State(emu): State<Emulator>, caller: WidgetCaller, headers: HeaderMap) -> ApiResult {
    let mut db = emu.db();
    require_elevated(&emu, &db, &headers, &caller)?;
    let email = user(&db, &caller)?.email.clone();
    if db.totp_factor(&caller.user_id).is_some() {
        return Err(bad("An authenticator app is already set up. Remove it before adding another."));
    }
    let factor = mfa::new_factor(&emu, &mut db, &caller.user_id, &email);
    let challenge = mfa::new_challenge(&emu, &mut db, &factor);
    let enrol = mfa::enrolment(&factor).ok_or_else(|| bad("The authenticator secret could not be encoded."))?;
    Ok(Json(json!({
        "authenticationFactor": {
            "object": "authentication_factor",
            "id": factor.id,
            "type": "totp",
            "user_id": factor.user_id,
            "totp": {"issuer": factor.issuer, "user": factor.account, "secret": factor.secret, "qr_code": enrol.qr_code, "uri": enrol.uri},
            "created_at": factor.created_at,
            "updated_at": factor.updated_at,
        },
        "authenticationChallenge": {
            "object": "authentication_challenge",
            "id": challenge.id,
            "expires_at": crate::clock::iso(chrono::DateTime::from_timestamp(challenge.expires_at, 0).unwrap_or_default()),
            "code": null,
            "authentication_factor_id": factor.id,
            "created_at": challenge.created_at,
            "updated_at": challenge.created_at,
        },
    }))
    .into_response())
}

/// `{success: false}` (200) for a wrong code, as the widget expects; the
/// challenge stays open for another try.
pub async fn verify_totp_factor(State(emu): State<Emulator>, caller: WidgetCaller, Body(body): Body<VerifyBody>) -> ApiResult {
    let id = body.authentication_challenge_id.unwrap_or_default();
    let now = emu.clock().unix();
    let mut db = emu.db();
    let challenge = db
        .totp_challenges
        .get(&id)
        .filter(|c| c.user_id == caller.user_id && c.expires_at > now)
        .cloned()
        .ok_or_else(|| bad("This setup has expired: start again."))?;
    let ok = mfa::check(&emu, &mut db, &challenge.factor_id, &body.code.unwrap_or_default());
    if ok {
        db.totp_challenges.remove(&id);
    }
    Ok(Json(json!({"success": ok})).into_response())
}

pub async fn delete_totp_factors(State(emu): State<Emulator>, caller: WidgetCaller, headers: HeaderMap) -> ApiResult {
    let mut db = emu.db();
    require_elevated(&emu, &db, &headers, &caller)?;
    db.totp_factors.retain(|f| f.user_id != caller.user_id);
    db.totp_challenges.retain(|_, c| c.user_id != caller.user_id);
    Ok(Json(json!({"success": true})).into_response())
}

fn active_session_json(s: &Session) -> Value {
    json!({
        "id": s.id,
        "userlandUserId": s.user_id,
        "ipAddress": s.ip_address,
        "userAgent": s.user_agent,
        "organizationId": s.organization_id,
        "state": {"tag": "Active", "expiresAt": s.expires_at},
        "currentLocation": null,
        "usedSsoAuth": s.auth_method == "sso",
        "usedPasswordAuth": s.auth_method == "password",
        "usedPasskeyAuth": s.auth_method == "passkey",
        "usedMagicAuth": s.auth_method == "magic_code",
        "usedImpersonation": s.auth_method == "impersonation",
        "usedAppleOauth": false,
        "usedBitbucketOauth": false,
        "usedGithubOauth": false,
        "usedGitLabOauth": false,
        "usedGoogleOauth": false,
        "usedLinkedInOauth": false,
        "usedMicrosoftOauth": false,
        "usedSlackOauth": false,
        "usedXeroOauth": false,
        "impersonatorUserId": null,
        "impersonatorEmail": null,
        "impersonationReason": null,
        "lastActivityAt": s.last_activity_at,
        "createdAt": s.created_at,
        "updatedAt": s.updated_at,
    })
}

/// The user's live sessions, newest first, in every organization.
pub async fn sessions(State(emu): State<Emulator>, caller: WidgetCaller) -> ApiResult {
    let db = emu.db();
    let data: Vec<Value> = db.live_sessions(&caller.user_id).into_iter().map(active_session_json).collect();
    Ok(Json(json!({"data": data})).into_response())
}

pub async fn revoke_session(State(emu): State<Emulator>, caller: WidgetCaller, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    if !db.sessions.get(&id).is_some_and(|s| s.user_id == caller.user_id && s.active) {
        return Err(ApiError::widget(StatusCode::NOT_FOUND, "Session not found."));
    }
    db.revoke_session(&emu, &id);
    Ok(Json(json!({"success": true})).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokeAllBody {
    current_session_id: Option<String>,
}

/// Every other live session of the user; the one named stays.
pub async fn revoke_all_sessions(State(emu): State<Emulator>, caller: WidgetCaller, Body(body): Body<RevokeAllBody>) -> ApiResult {
    let keep = body.current_session_id.filter(|s| !s.is_empty()).ok_or_else(|| bad("currentSessionId is required."))?;
    let mut db = emu.db();
    let others: Vec<String> =
        db.live_sessions(&caller.user_id).into_iter().filter(|s| s.id != keep).map(|s| s.id.clone()).collect();
    for id in others {
        db.revoke_session(&emu, &id);
    }
    Ok(Json(json!({"success": true})).into_response())
}
