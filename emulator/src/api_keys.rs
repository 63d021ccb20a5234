//! The API keys an organization (or one of its users) issues for its own API
//! clients: one store behind both the ApiKeys widget and the public API.

use axum::http::StatusCode;
use serde_json::json;

use crate::http::ApiError;
use crate::ids::{new_id, secret_token};
use crate::model::{ApiKey, ApiKeyOwner};
use crate::emulator::Emulator;
use crate::state::Db;

/// What a new key asks for, from either API.
pub struct NewKey {
    pub owner: ApiKeyOwner,
    pub name: Option<String>,
    pub permissions: Vec<String>,
    pub expires_at: Option<String>,
}

/// A 422 in the private widget API's shape (`{message, errors}`), which the
/// public API shares apart from its extra `code`.
fn invalid(field: &str, code: &str, message: String) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({"message": message, "code": "unprocessable_entity", "errors": [{"field": field, "code": code}]}),
    )
}

/// Checks and creates a key; its `value` is in the returned key, to be shown once.
pub fn create(emu: &Emulator, db: &mut Db, new: NewKey) -> Result<ApiKey, ApiError> {
    let name = new.name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let name = name.ok_or_else(|| invalid("name", "required", "Name is required.".into()))?;
    if name.chars().count() > 256 {
        return Err(invalid("name", "too_long", "Name must be at most 256 characters.".into()));
    }
    let known = &emu.seed().api_key_permissions;
    if let Some(p) = new.permissions.iter().find(|p| !known.iter().any(|k| &k.slug == *p)) {
        return Err(invalid("permissions", "invalid", format!("'{p}' is not an API-key permission of this environment.")));
    }
    let now = emu.clock().now();
    let expires_at = match new.expires_at.filter(|e| !e.is_empty()) {
        None => None,
        Some(e) => match chrono::DateTime::parse_from_rfc3339(&e) {
            Ok(t) if t > now => Some(crate::clock::iso(t.with_timezone(&chrono::Utc))),
            Ok(_) => return Err(invalid("expires_at", "invalid", "The expiry must be in the future.".into())),
            Err(_) => return Err(invalid("expires_at", "invalid", format!("'{e}' is not an ISO 8601 timestamp."))),
        },
    };
    let mut permissions = new.permissions;
    permissions.dedup();
    let now_iso = crate::clock::iso(now);
    let key = ApiKey {
        id: new_id("api_key", emu.clock().millis()),
        owner: new.owner,
        name,
        value: format!("sk_{}", secret_token().to_lowercase()),
        permissions,
        created_at: now_iso.clone(),
        updated_at: now_iso,
        last_used_at: None,
        expires_at,
    };
    db.api_keys.push(key.clone());
    db.record_event(emu, "api_key.created", Some(key.owner.organization_id()), key.to_json());
    Ok(key)
}

/// Revokes the key at `position`: it is gone and stops validating at once (`api_key.revoked`).
pub fn revoke(emu: &Emulator, db: &mut Db, position: usize) -> ApiKey {
    let key = db.api_keys.remove(position);
    db.record_event(emu, "api_key.revoked", Some(key.owner.organization_id()), key.to_json());
    key
}

/// Expires a key now, or at `at` (ISO 8601). An already expired key is a 409.
pub fn expire(emu: &Emulator, db: &mut Db, id: &str, at: Option<String>) -> Result<ApiKey, ApiError> {
    let now_iso = emu.now_iso();
    let at = match at.filter(|a| !a.is_empty()) {
        None => now_iso.clone(),
        Some(a) => match chrono::DateTime::parse_from_rfc3339(&a) {
            Ok(t) => crate::clock::iso(t.with_timezone(&chrono::Utc)),
            Err(_) => return Err(invalid("expires_at", "invalid", format!("'{a}' is not an ISO 8601 timestamp."))),
        },
    };
    let key = db.api_keys.iter_mut().find(|k| k.id == id).ok_or_else(|| ApiError::not_found("API key", id))?;
    if key.is_expired(&now_iso) {
        return Err(ApiError::new(StatusCode::CONFLICT, json!({"message": "This API key has already expired."})));
    }
    key.expires_at = Some(at);
    key.updated_at = now_iso;
    Ok(key.clone())
}

/// The key a client presented, if it is live; validating counts as a use.
pub fn validate(emu: &Emulator, db: &mut Db, value: &str) -> Option<ApiKey> {
    let now = emu.now_iso();
    let key = db.api_keys.iter_mut().find(|k| k.value == value && !k.is_expired(&now))?;
    key.last_used_at = Some(now);
    Some(key.clone())
}

/// Keys whose name contains `search` (case-insensitive), oldest first.
pub fn matching<'a>(db: &'a Db, search: Option<&str>, owner: impl Fn(&ApiKeyOwner) -> bool) -> Vec<&'a ApiKey> {
    let search = search.map(str::to_lowercase).filter(|s| !s.is_empty());
    db.api_keys
        .iter()
        .filter(|k| owner(&k.owner))
        .filter(|k| search.as_ref().is_none_or(|s| k.name.to_lowercase().contains(s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Seed;

    fn new_key(org: &str, name: &str, permissions: &[&str]) -> NewKey {
        NewKey {
            owner: ApiKeyOwner::Organization { organization_id: org.into() },
            name: Some(name.into()),
            permissions: permissions.iter().map(|p| p.to_string()).collect(),
            expires_at: None,
        }
    }

    #[test]
    fn a_key_validates_until_it_expires() {
        let emu = Emulator::new(Seed::default_seed());
        let mut db = emu.db();
        let key = create(&emu, &mut db, new_key("org_1", "CI", &["reports:read"])).unwrap();
        assert!(key.value.starts_with("sk_") && key.obfuscated().starts_with("sk_...") && key.obfuscated().ends_with(&key.value[key.value.len() - 4..]));
        assert_eq!(validate(&emu, &mut db, &key.value).unwrap().id, key.id);
        expire(&emu, &mut db, &key.id, None).unwrap();
        assert!(validate(&emu, &mut db, &key.value).is_none());
        assert_eq!(expire(&emu, &mut db, &key.id, None).unwrap_err().status, StatusCode::CONFLICT);
    }

    #[test]
    fn bad_input_names_the_field() {
        let emu = Emulator::new(Seed::default_seed());
        let mut db = emu.db();
        let e = create(&emu, &mut db, new_key("org_1", " ", &[])).unwrap_err();
        assert_eq!(e.body["errors"][0]["field"], "name");
        let e = create(&emu, &mut db, new_key("org_1", "x", &["nope:nope"])).unwrap_err();
        assert_eq!(e.body["errors"][0]["field"], "permissions");
    }
}
