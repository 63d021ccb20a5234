//! Passkeys (WebAuthn) for `/_widgets/UserProfile/passkeys*`: registration options
//! out, a real attestation back, verified by `webauthn-rs`.
//!
//! The relying party is the host of the page that calls (its `Origin`): the
//! emulator has no AuthKit domain a browser could use from the app's page, and
//! WebAuthn refuses IP addresses as RP IDs, so the page must be on a domain name
//! (`localhost` will do).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use url::Url;
use webauthn_rs::prelude::{RegisterPublicKeyCredential, Uuid};
use webauthn_rs::{Webauthn, WebauthnBuilder};

use crate::http::{ApiError, ApiResult, Body};
use crate::ids::new_id;
use crate::model::{PendingRegistration, StoredPasskey};
use crate::emulator::Emulator;
use super::caller::WidgetCaller;

/// How long the browser has to answer registration options.
const REGISTRATION_SECONDS: i64 = 300;

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::widget(StatusCode::BAD_REQUEST, message)
}

fn relying_party(emu: &Emulator, origin: &Url) -> Result<Webauthn, ApiError> {
    let Some(rp_id) = origin.domain() else {
        return Err(bad(format!(
            "Passkeys need this page on a domain name, not the IP address {}: open it as http://localhost{}.",
            origin.host_str().unwrap_or_default(),
            origin.port().map(|p| format!(":{p}")).unwrap_or_default(),
        )));
    };
    WebauthnBuilder::new(rp_id, origin)
        .and_then(|b| b.rp_name(&emu.seed().environment.team_name).allow_any_port(true).build())
        .map_err(|e| bad(format!("Passkeys cannot be set up from {origin}: {e}")))
}

fn caller_origin(headers: &HeaderMap) -> Result<Url, ApiError> {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .and_then(|o| Url::parse(o).ok())
        .ok_or_else(|| bad("Passkeys are registered from a web page: the request has no Origin."))
}

/// WebAuthn wants a stable opaque user handle: derived from the user ID.
fn user_handle(user_id: &str) -> Uuid {
    let digest = Sha256::digest(format!("webauthn-user:{user_id}"));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

/// `POST /_widgets/UserProfile/passkeys` → `{challengeId, options}`; `options` is
/// `PublicKeyCredentialCreationOptionsJSON` (for `PublicKeyCredential.parseCreationOptionsFromJSON`).
pub async fn register(State(emu): State<Emulator>, caller: WidgetCaller, headers: HeaderMap) -> ApiResult {
    let origin = caller_origin(&headers)?;
    let rp = relying_party(&emu, &origin)?;
    let mut db = emu.db();
    let user = db.user(&caller.user_id).cloned().ok_or_else(|| ApiError::widget(StatusCode::FORBIDDEN, "The token's user no longer exists."))?;
    let existing = db.passkeys.iter().filter(|p| p.user_id == user.id).map(|p| p.credential.cred_id().clone()).collect::<Vec<_>>();
    let (options, state) = rp
        .start_passkey_registration(user_handle(&user.id), &user.email, &user.display_name(), Some(existing).filter(|e| !e.is_empty()))
        .map_err(|e| bad(format!("Passkey registration could not start: {e}")))?;
    let now = emu.clock().unix();
    db.passkey_registrations.retain(|_, r| r.expires_at > now);
    let id = new_id("webauthn_challenge", emu.clock().millis());
    db.passkey_registrations.insert(
        id.clone(),
        PendingRegistration { user_id: user.id, origin, state, expires_at: now + REGISTRATION_SECONDS },
    );
    let options = serde_json::to_value(&options).map_err(|e| bad(e.to_string()))?;
    Ok(Json(json!({"challengeId": id, "options": options["publicKey"]})).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyBody {
    challenge_id: Option<String>,
    response: Option<Value>,
}

/// `POST /_widgets/UserProfile/passkeys/verify`: the browser's
/// `RegistrationResponseJSON`, checked against the challenge and origin.
pub async fn verify(State(emu): State<Emulator>, caller: WidgetCaller, Body(body): Body<VerifyBody>) -> ApiResult {
    let id = body.challenge_id.unwrap_or_default();
    let now = emu.clock().unix();
    let pending = {
        let mut db = emu.db();
        db.passkey_registrations
            .remove(&id)
            .filter(|r| r.user_id == caller.user_id && r.expires_at > now)
            .ok_or_else(|| bad("This passkey registration has expired: start again."))?
    };
    let response: RegisterPublicKeyCredential = serde_json::from_value(body.response.unwrap_or(Value::Null))
        .map_err(|e| bad(format!("The passkey response could not be read: {e}")))?;
    let rp = relying_party(&emu, &pending.origin)?;
    let credential = rp
        .finish_passkey_registration(&response, &pending.state)
        .map_err(|e| bad(format!("The passkey could not be verified: {e}")))?;
    let mut db = emu.db();
    if db.passkeys.iter().any(|p| p.credential.cred_id() == credential.cred_id()) {
        return Err(bad("This passkey is already registered."));
    }
    db.passkeys.push(StoredPasskey {
        id: new_id("passkey", emu.clock().millis()),
        user_id: caller.user_id.clone(),
        credential,
        created_at: emu.now_iso(),
        last_used_at: None,
    });
    Ok(Json(json!({"success": true})).into_response())
}

/// `DELETE /_widgets/UserProfile/passkeys/{id}`
pub async fn delete(State(emu): State<Emulator>, caller: WidgetCaller, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    let at = db
        .passkeys
        .iter()
        .position(|p| p.id == id && p.user_id == caller.user_id)
        .ok_or_else(|| ApiError::widget(StatusCode::NOT_FOUND, "Passkey not found."))?;
    db.passkeys.remove(at);
    Ok(Json(json!({"success": true})).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Seed;

    #[test]
    fn an_ip_origin_is_refused_with_the_fix() {
        let emu = Emulator::new(Seed::default_seed());
        let e = relying_party(&emu, &Url::parse("http://127.0.0.1:3000").unwrap()).err().unwrap();
        assert!(e.body["message"].as_str().unwrap().contains("http://localhost:3000"), "{}", e.body);
        assert!(relying_party(&emu, &Url::parse("http://localhost:3000").unwrap()).is_ok());
    }
}
