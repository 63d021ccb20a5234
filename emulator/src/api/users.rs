//! `/user_management/users`: the environment's users through the public API,
//! the same records the hosted sign-in and the widgets use (a user created here
//! signs in with the password given, and appears in the Members widget once a
//! membership names them).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::emulator::Emulator;
use crate::http::{paginate, ApiError, ApiResult, Body, PageParams};
use crate::ids::new_id;
use crate::model::{MagicAuth, User};
use crate::state::Db;
use crate::outbox::{six_digits, valid_email, CODE_SECONDS};

fn find<'a>(db: &'a mut Db, id: &str) -> Result<&'a mut User, ApiError> {
    db.users.iter_mut().find(|u| u.id == id).ok_or_else(|| ApiError::not_found("User", id))
}

fn exists(db: &Db, id: &str) -> Result<(), ApiError> {
    db.user(id).map(|_| ()).ok_or_else(|| ApiError::not_found("User", id))
}

fn user_event(emu: &Emulator, db: &mut Db, event: &str, user: &User) {
    db.record_event(emu, event, None, serde_json::to_value(user).unwrap_or_default());
}

/// The metadata rules of the spec: at most 50 keys of 40 characters, values of 600.
fn check_metadata(metadata: &Option<HashMap<String, String>>) -> Result<(), ApiError> {
    let Some(m) = metadata else { return Ok(()) };
    if m.len() > 50 || m.iter().any(|(k, v)| k.chars().count() > 40 || v.chars().count() > 600) {
        return Err(ApiError::bad_request("invalid_metadata", "metadata holds at most 50 keys of up to 40 characters, each value up to 600."));
    }
    Ok(())
}

/// The environment's password rules, as a 422 naming each broken rule.
fn check_password(emu: &Emulator, password: &str, email: &str) -> Result<(), ApiError> {
    let problems = crate::passwords::problems(&emu.seed().environment.password_policy, password, email, &[]);
    if problems.is_empty() {
        return Ok(());
    }
    let mut e = ApiError::bad_request("password_strength_error", "The password does not meet the environment's password policy.");
    e.body["errors"] = json!(problems);
    Err(e)
}

/// The spec's 400 `user_creation_error`, naming the field at fault.
fn creation_error(field: &str, code: &str, message: String) -> ApiError {
    let mut e = ApiError::bad_request("user_creation_error", message);
    e.body["errors"] = json!([{"field": field, "code": code, "message": e.body["message"].clone()}]);
    e
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(flatten)]
    page: PageParams,
    organization: Option<String>,
    organization_id: Option<String>,
    email: Option<String>,
}

/// `GET /user_management/users`: newest first; `organization_id` keeps the
/// members of one organization (any membership status), `email` one address.
pub async fn list(State(emu): State<Emulator>, Query(q): Query<ListQuery>) -> ApiResult {
    let org = q.organization_id.or(q.organization).filter(|s| !s.is_empty());
    let email = q.email.filter(|s| !s.is_empty()).map(|e| e.to_lowercase());
    let db = emu.db();
    let items: Vec<User> = db
        .users
        .iter()
        .filter(|u| email.as_ref().is_none_or(|e| &u.email == e))
        .filter(|u| org.as_ref().is_none_or(|o| db.memberships.iter().any(|m| &m.organization_id == o && m.user_id == u.id)))
        .cloned()
        .collect();
    let page = paginate(items, |u| u.id.as_str(), &q.page, "desc")?;
    Ok(Json(page.to_list()).into_response())
}

#[derive(Debug, Deserialize)]
pub struct UserBody {
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email_verified: Option<bool>,
    metadata: Option<HashMap<String, String>>,
    external_id: Option<String>,
    password: Option<String>,
    password_hash: Option<String>,
    password_hash_type: Option<String>,
    locale: Option<String>,
}

/// `POST /user_management/users` → 201. A password is checked against the
/// environment's policy; a password hash is taken as given (the emulator
/// cannot check it, so that user signs in through other means).
pub async fn create(State(emu): State<Emulator>, Body(body): Body<UserBody>) -> ApiResult {
    let email = body.email.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()).ok_or_else(|| ApiError::required("email"))?;
    if !valid_email(&email) {
        return Err(ApiError::invalid("email", "invalid", format!("'{email}' is not a valid email address.")));
    }
    check_metadata(&body.metadata)?;
    if body.password_hash.is_some() != body.password_hash_type.is_some() {
        return Err(ApiError::bad_request("invalid_password_hash", "password_hash and password_hash_type go together."));
    }
    if let Some(p) = &body.password {
        check_password(&emu, p, &email)?;
    }
    let now = emu.now_iso();
    let mut db = emu.db();
    if db.user_by_email(&email).is_some() {
        return Err(creation_error("email", "email_not_available", format!("The email address {email} is already in use.")));
    }
    if let Some(ext) = body.external_id.as_deref().filter(|e| db.users.iter().any(|u| u.external_id.as_deref() == Some(*e))) {
        return Err(creation_error("external_id", "external_id_not_available", format!("A user with the external ID {ext} already exists.")));
    }
    let mut user = User::new(new_id("user", emu.clock().millis()), email, &now);
    user.first_name = body.first_name.filter(|s| !s.is_empty());
    user.last_name = body.last_name.filter(|s| !s.is_empty());
    user.email_verified = body.email_verified.unwrap_or(false);
    user.metadata = body.metadata.unwrap_or_default();
    user.external_id = body.external_id;
    user.password = body.password;
    user.locale = body.locale;
    db.users.push(user.clone());
    user_event(&emu, &mut db, "user.created", &user);
    Ok((StatusCode::CREATED, Json(user)).into_response())
}

pub async fn by_external_id(State(emu): State<Emulator>, Path(external_id): Path<String>) -> ApiResult {
    let db = emu.db();
    let user = db.users.iter().find(|u| u.external_id.as_deref() == Some(&external_id)).ok_or_else(|| ApiError::not_found("User", &external_id))?;
    Ok(Json(user).into_response())
}

/// `PUT /user_management/users/{id}`: the fields given change; a new password
/// meets the policy and ends none of the user's sessions (WorkOS's too).
pub async fn update(State(emu): State<Emulator>, Path(id): Path<String>, Body(body): Body<UserBody>) -> ApiResult {
    check_metadata(&body.metadata)?;
    let now = emu.now_iso();
    let mut db = emu.db();
    // The spec's update declares 422, not 404, for a user that is not there.
    let current = db.user(&id).cloned().ok_or_else(|| ApiError::invalid("id", "not_found", format!("User not found '{id}'.")))?;
    let email = body.email.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty());
    if let Some(e) = &email {
        if !valid_email(e) {
            return Err(ApiError::invalid("email", "invalid", format!("'{e}' is not a valid email address.")));
        }
        if db.user_by_email(e).is_some_and(|u| u.id != id) {
            return Err(ApiError::invalid("email", "email_not_available", format!("The email address {e} is already in use.")));
        }
    }
    if let Some(p) = &body.password {
        check_password(&emu, p, email.as_deref().unwrap_or(&current.email))?;
    }
    let user = find(&mut db, &id)?;
    if let Some(e) = email {
        if e != user.email {
            user.email = e;
            user.email_verified = false;
        }
    }
    if let Some(v) = body.first_name {
        user.first_name = Some(v).filter(|s| !s.is_empty());
    }
    if let Some(v) = body.last_name {
        user.last_name = Some(v).filter(|s| !s.is_empty());
    }
    if let Some(v) = body.email_verified {
        user.email_verified = v;
    }
    if let Some(v) = body.metadata {
        user.metadata = v;
    }
    if body.external_id.is_some() {
        user.external_id = body.external_id;
    }
    if body.locale.is_some() {
        user.locale = body.locale;
    }
    if let Some(p) = body.password {
        if let Some(old) = user.password.replace(p) {
            user.previous_passwords.push(old);
        }
    }
    user.updated_at = now;
    let user = user.clone();
    user_event(&emu, &mut db, "user.updated", &user);
    Ok(Json(user).into_response())
}

/// `DELETE /user_management/users/{id}`: the user, their memberships, sessions,
/// factors, passkeys and keys go; 200 with no body.
pub async fn delete(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    let user = db.user(&id).cloned().ok_or_else(|| ApiError::not_found("User", &id))?;
    let sessions: Vec<String> = db.sessions.values().filter(|s| s.user_id == id && s.active).map(|s| s.id.clone()).collect();
    for sid in sessions {
        db.revoke_session(&emu, &sid);
    }
    let gone: Vec<_> = db.memberships.iter().filter(|m| m.user_id == id).cloned().collect();
    for m in &gone {
        db.membership_event(&emu, "organization_membership.deleted", m);
    }
    db.memberships.retain(|m| m.user_id != id);
    db.totp_factors.retain(|f| f.user_id != id);
    db.passkeys.retain(|p| p.user_id != id);
    db.refresh_tokens.retain(|_, g| g.user_id != id);
    db.users.retain(|u| u.id != id);
    user_event(&emu, &mut db, "user.deleted", &user);
    Ok(StatusCode::OK.into_response())
}

/// `GET /user_management/users/{id}/identities`: the OAuth identities the user
/// signed in with. The emulator's sign-in has no OAuth providers: always empty.
pub async fn identities(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    exists(&emu.db(), &id)?;
    Ok(Json(json!([])).into_response())
}

/// An empty page in WorkOS's list shape, for the user's collections the
/// emulator keeps none of (feature flags, authorized OAuth applications).
pub async fn empty_list(State(emu): State<Emulator>, Path(id): Path<String>, Query(page): Query<PageParams>) -> ApiResult {
    exists(&emu.db(), &id)?;
    let page = paginate(Vec::<Value>::new(), |_| "", &page.lenient(), "desc")?;
    Ok(Json(page.to_list()).into_response())
}

/// `DELETE /user_management/users/{id}/authorized_applications/{application_id}`:
/// the user authorized none.
pub async fn revoke_application(State(emu): State<Emulator>, Path((id, app)): Path<(String, String)>) -> ApiResult {
    exists(&emu.db(), &id)?;
    Err(ApiError::not_found("Authorized application", &app))
}

#[derive(Debug, Deserialize)]
pub struct ProviderQuery {
    organization_id: Option<String>,
}

/// `GET /user_management/users/{id}/data_providers`: the environment has no
/// data integrations configured, so there is none to connect.
pub async fn data_providers(State(emu): State<Emulator>, Path(id): Path<String>, Query(q): Query<ProviderQuery>) -> ApiResult {
    let db = emu.db();
    exists(&db, &id)?;
    if let Some(org) = q.organization_id.filter(|o| !o.is_empty()) {
        db.organization(&org).ok_or_else(|| ApiError::not_found("Organization", &org))?;
    }
    Ok(Json(json!({"object": "list", "data": []})).into_response())
}

/// `GET|DELETE /user_management/users/{id}/connected_accounts/{slug}`: no
/// provider is configured, so the user has connected no account.
pub async fn connected_account(State(emu): State<Emulator>, Path((id, slug)): Path<(String, String)>) -> ApiResult {
    exists(&emu.db(), &id)?;
    Err(ApiError::not_found("Connected account", &slug))
}

fn code_email(emu: &Emulator, db: &mut Db, to: &str, purpose: &str, subject: String, text: String, code: &str) {
    crate::outbox::send(emu, db, to, purpose, subject, text, Some(code.to_string()));
}

/// `POST /user_management/users/{id}/email_verification/send`: a code to the
/// user's address (in the outbox), good for ten minutes.
pub async fn send_verification(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    let user = db.user(&id).cloned().ok_or_else(|| ApiError::not_found("User", &id))?;
    if user.email_verified {
        return Err(ApiError::bad_request("email_already_verified", format!("{} is already verified.", user.email)));
    }
    let code = six_digits();
    let challenge = new_id("email_verification", emu.clock().millis());
    db.email_challenges.retain(|_, c| !(c.user_id == id && c.id.starts_with("email_verification")));
    db.email_challenges.insert(
        challenge.clone(),
        crate::model::EmailChallenge { id: challenge, user_id: id.clone(), code: code.clone(), expires_at: emu.clock().unix() + CODE_SECONDS, new_email: None },
    );
    let team = emu.seed().environment.team_name.clone();
    code_email(&emu, &mut db, &user.email, "email_verification", format!("Verify your {team} email address"), format!("Enter {code} to verify your email address."), &code);
    Ok(Json(json!({"user": user})).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CodeBody {
    code: Option<String>,
}

pub async fn confirm_verification(State(emu): State<Emulator>, Path(id): Path<String>, Body(body): Body<CodeBody>) -> ApiResult {
    let code = body.code.filter(|c| !c.is_empty()).ok_or_else(|| ApiError::required("code"))?;
    let now = emu.clock().unix();
    let mut db = emu.db();
    exists(&db, &id)?;
    let challenge = db
        .email_challenges
        .values()
        .find(|c| c.user_id == id && c.id.starts_with("email_verification") && c.expires_at > now && c.code == code.trim())
        .map(|c| c.id.clone())
        .ok_or_else(|| ApiError::bad_request("email_verification_code_incorrect", "The code is incorrect or has expired."))?;
    db.email_challenges.remove(&challenge);
    let user = find(&mut db, &id)?;
    user.email_verified = true;
    user.updated_at = emu.now_iso();
    let user = user.clone();
    user_event(&emu, &mut db, "user.updated", &user);
    Ok(Json(json!({"user": user})).into_response())
}

#[derive(Debug, Deserialize)]
pub struct EmailChangeBody {
    new_email: Option<String>,
}

/// `POST /user_management/users/{id}/email_change/send`: a code to the new
/// address; the change happens when it comes back (`…/confirm`).
pub async fn send_email_change(State(emu): State<Emulator>, Path(id): Path<String>, Body(body): Body<EmailChangeBody>) -> ApiResult {
    let new_email = body.new_email.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()).ok_or_else(|| ApiError::required("new_email"))?;
    if !valid_email(&new_email) {
        return Err(ApiError::invalid("new_email", "invalid", format!("'{new_email}' is not a valid email address.")));
    }
    let mut db = emu.db();
    let user = db.user(&id).cloned().ok_or_else(|| ApiError::not_found("User", &id))?;
    if db.user_by_email(&new_email).is_some() {
        return Err(ApiError::new(StatusCode::CONFLICT, json!({"code": "email_not_available", "message": format!("{new_email} is already in use.")})));
    }
    let code = six_digits();
    let now = emu.clock().now();
    let expires = now + chrono::Duration::seconds(CODE_SECONDS);
    db.email_challenges.retain(|_, c| !(c.user_id == id && c.new_email.is_some()));
    let challenge = new_id("email_change", emu.clock().millis());
    db.email_challenges.insert(
        challenge.clone(),
        crate::model::EmailChallenge { id: challenge, user_id: id.clone(), code: code.clone(), expires_at: expires.timestamp(), new_email: Some(new_email.clone()) },
    );
    let team = emu.seed().environment.team_name.clone();
    code_email(&emu, &mut db, &new_email, "email_change", format!("Confirm your new {team} email address"), format!("Enter {code} to make {new_email} your email address."), &code);
    Ok(Json(json!({
        "object": "email_change",
        "user": user,
        "new_email": new_email,
        "expires_at": crate::clock::iso(expires),
        "created_at": crate::clock::iso(now),
    }))
    .into_response())
}

pub async fn confirm_email_change(State(emu): State<Emulator>, Path(id): Path<String>, Body(body): Body<CodeBody>) -> ApiResult {
    let code = body.code.filter(|c| !c.is_empty()).ok_or_else(|| ApiError::required("code"))?;
    let now = emu.clock().unix();
    let mut db = emu.db();
    exists(&db, &id)?;
    let pending = db
        .email_challenges
        .values()
        .find(|c| c.user_id == id && c.new_email.is_some() && c.expires_at > now)
        .cloned()
        .ok_or_else(|| ApiError::bad_request("email_change_code_expired", "There is no email change waiting (or its code expired): send a new code."))?;
    if pending.code != code.trim() {
        return Err(ApiError::bad_request("email_change_code_incorrect", "The code is incorrect."));
    }
    let new_email = pending.new_email.clone().unwrap_or_default();
    if db.user_by_email(&new_email).is_some_and(|u| u.id != id) {
        return Err(ApiError::new(StatusCode::CONFLICT, json!({"code": "email_not_available", "message": format!("{new_email} is already in use.")})));
    }
    db.email_challenges.remove(&pending.id);
    let user = find(&mut db, &id)?;
    user.email = new_email;
    user.email_verified = true;
    user.updated_at = emu.now_iso();
    let user = user.clone();
    user_event(&emu, &mut db, "user.updated", &user);
    Ok(Json(json!({"object": "email_change_confirmation", "user": user})).into_response())
}

#[derive(Debug, Deserialize)]
pub struct FactorBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    totp_issuer: Option<String>,
    totp_user: Option<String>,
    totp_secret: Option<String>,
}

/// `POST /user_management/users/{id}/auth_factors`: a new authenticator-app
/// factor and its first challenge (201). Verified by its first right code, at
/// sign-in (`mfa-totp`) or in the UserSecurity widget.
pub async fn enroll_factor(State(emu): State<Emulator>, Path(id): Path<String>, Body(body): Body<FactorBody>) -> ApiResult {
    match body.kind.as_deref() {
        Some("totp") => {}
        Some(other) => return Err(ApiError::invalid("type", "invalid", format!("'{other}' is not a factor type the emulator enrolls (totp)."))),
        None => return Err(ApiError::required("type")),
    }
    let mut db = emu.db();
    let user = db.user(&id).cloned().ok_or_else(|| ApiError::invalid("user_id", "not_found", format!("User not found '{id}'.")))?;
    let mut factor = crate::mfa::new_factor(&emu, &mut db, &id, body.totp_user.as_deref().unwrap_or(&user.email));
    if let Some(issuer) = body.totp_issuer.filter(|s| !s.is_empty()) {
        factor.issuer = issuer;
    }
    if let Some(secret) = body.totp_secret.filter(|s| !s.is_empty()) {
        factor.secret = secret;
    }
    if let Some(stored) = db.totp_factors.iter_mut().find(|f| f.id == factor.id) {
        *stored = factor.clone();
    }
    let enrolment = crate::mfa::enrolment(&factor).ok_or_else(|| ApiError::invalid("totp_secret", "invalid", "totp_secret is not a base32 secret."))?;
    let challenge = crate::mfa::new_challenge(&emu, &mut db, &factor);
    let mut json_factor = factor.to_json();
    json_factor["totp"] = json!({"issuer": factor.issuer, "user": factor.account, "secret": factor.secret, "qr_code": enrolment.qr_code, "uri": enrolment.uri});
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "authentication_factor": json_factor,
            "authentication_challenge": {
                "object": "authentication_challenge",
                "id": challenge.id,
                "expires_at": crate::clock::iso(chrono::DateTime::from_timestamp(challenge.expires_at, 0).unwrap_or_default()),
                "authentication_factor_id": factor.id,
                "created_at": challenge.created_at,
                "updated_at": challenge.created_at,
            },
        })),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct MagicBody {
    email: Option<String>,
}

/// `POST /user_management/magic_auth` → 201: a six-digit code emailed (in the
/// outbox) for `authenticate`'s magic-auth grant. An address with no user yet
/// gets one, as WorkOS signs them up.
pub async fn send_magic_auth(State(emu): State<Emulator>, Body(body): Body<MagicBody>) -> ApiResult {
    let email = body.email.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()).ok_or_else(|| ApiError::required("email"))?;
    if !valid_email(&email) {
        return Err(ApiError::invalid("email", "invalid", format!("'{email}' is not a valid email address.")));
    }
    let now = emu.clock().now();
    let now_iso = crate::clock::iso(now);
    let mut db = emu.db();
    let user_id = match db.user_by_email(&email) {
        Some(u) => u.id.clone(),
        None => {
            let user = User::new(new_id("user", emu.clock().millis()), email.clone(), &now_iso);
            db.users.push(user.clone());
            user_event(&emu, &mut db, "user.created", &user);
            user.id
        }
    };
    let code = six_digits();
    let magic = MagicAuth {
        id: new_id("magic_auth", emu.clock().millis()),
        email: email.clone(),
        user_id,
        code: code.clone(),
        expires_at: crate::clock::iso(now + chrono::Duration::seconds(CODE_SECONDS)),
        created_at: now_iso,
        used: false,
    };
    db.magic_auths.push(magic.clone());
    let team = emu.seed().environment.team_name.clone();
    code_email(&emu, &mut db, &email, "magic_auth", format!("Your {team} sign-in code is {code}"), format!("Enter {code} to sign in. The code expires in 10 minutes."), &code);
    Ok((StatusCode::CREATED, Json(magic.to_json())).into_response())
}

/// `POST /auth/challenges/{id}/verify` → 201 `{challenge, valid}`: a factor's
/// code against one of its challenges (outside the areas Orgdeck works in, but
/// how a factor enrolled through the API gets verified). A right code verifies
/// the factor, so sign-in asks for it from then on; a challenge is used once.
pub async fn verify_challenge(State(emu): State<Emulator>, Path(id): Path<String>, Body(body): Body<CodeBody>) -> ApiResult {
    let code = body.code.filter(|c| !c.is_empty()).ok_or_else(|| ApiError::required("code"))?;
    let now = emu.clock().unix();
    let mut db = emu.db();
    let challenge = db.totp_challenges.get(&id).cloned().ok_or_else(|| ApiError::not_found("Authentication challenge", &id))?;
    if challenge.expires_at <= now {
        return Err(ApiError::bad_request("authentication_challenge_expired", "The challenge has expired: create a new one."));
    }
    let valid = crate::mfa::check(&emu, &mut db, &challenge.factor_id, &code);
    if valid {
        db.totp_challenges.remove(&id);
    }
    let expires = chrono::DateTime::from_timestamp(challenge.expires_at, 0).unwrap_or_default();
    let out = json!({
        "challenge": {
            "object": "authentication_challenge",
            "id": challenge.id,
            "expires_at": crate::clock::iso(expires),
            "authentication_factor_id": challenge.factor_id,
            "created_at": challenge.created_at,
            "updated_at": challenge.created_at,
        },
        "valid": valid,
    });
    Ok((StatusCode::CREATED, Json(out)).into_response())
}
