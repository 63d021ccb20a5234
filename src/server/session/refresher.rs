//! Resolving a sealed session: checked against WorkOS's signing keys, and
//! refreshed when its access token has (nearly) expired. Concurrent requests
//! with the same expired session refresh it once (refresh tokens are single
//! use) and share the result, on this instance (a lock per session) and
//! across instances ([`Store::refresh_once`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::current::CurrentSession;
use crate::server::store::{now_unix, Store};
use crate::server::workos::authkit;

/// Refresh when fewer than this many seconds of the access token remain: a
/// token that expires between this check and a later WorkOS call would fail
/// that call instead.
pub const REFRESH_MARGIN: i64 = 60;

pub enum Resolved {
    /// Good until `exp` (the access token's expiry, Unix seconds).
    Valid { session: CurrentSession, exp: i64 },
    /// Refreshed: the new sealed session goes out on this response.
    Refreshed { session: CurrentSession, exp: i64, sealed: String },
    Invalid,
}

#[derive(Default)]
pub struct SessionRefresher {
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The sealed session's access-token expiry (one more unseal: the SDK's
/// `authenticate` does not return it).
pub fn expiry(sealed: &str, password: &str) -> Option<i64> {
    let data = workos::helpers::session::unseal_session(sealed, password).ok()?;
    crate::server::workos::token_part(data.access_token.expose(), 1).and_then(|c| c["exp"].as_i64())
}


/// Why a refresh made no new session.
enum RefreshFailed {
    Refused(String),
    Unreachable(String),
}

impl SessionRefresher {
    pub async fn resolve(&self, client: &workos::Client, store: &Store, password: &str, sealed: &str) -> Resolved {
        let now = authkit::authenticate(client, sealed, password).await;
        let exp = now.authenticated.then(|| expiry(sealed, password)).flatten();
        let expiring = exp.is_some_and(|exp| exp - now_unix() < REFRESH_MARGIN);
        if now.authenticated && !expiring {
            return match (CurrentSession::from_state(&now), exp) {
                (Some(session), Some(exp)) => Resolved::Valid { session: CurrentSession { expires_at: exp, ..session }, exp },
                _ => Resolved::Invalid,
            };
        }
        if !now.needs_refresh && !expiring {
            return Resolved::Invalid;
        }
        let key = crate::server::settings::hex(&<sha2::Sha256 as sha2::Digest>::digest(sealed.as_bytes()));
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
            locks.retain(|_, l| Arc::strong_count(l) > 1);
            locks.entry(now.session_id.clone()).or_default().clone()
        };
        let _guard = lock.lock().await;
        let refreshed = store
            .refresh_once(&key, || async {
                match authkit::refresh(client, sealed, password, None).await {
                    Ok(Ok(sealed)) => Ok(sealed),
                    Ok(Err(reason)) => Err(RefreshFailed::Refused(reason)),
                    Err(e) => Err(RefreshFailed::Unreachable(e.detail())),
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
                return match (CurrentSession::from_state(&now), exp) {
                    (Some(session), Some(exp)) => Resolved::Valid { session: CurrentSession { expires_at: exp, ..session }, exp },
                    _ => Resolved::Invalid,
                };
            }
            Err(RefreshFailed::Unreachable(e)) => {
                tracing::warn!("session refresh failed: {e}");
                return Resolved::Invalid;
            }
        };
        let after = authkit::authenticate(client, &new_sealed, password).await;
        match (CurrentSession::from_state(&after).filter(|_| after.authenticated), expiry(&new_sealed, password)) {
            (Some(session), Some(exp)) => Resolved::Refreshed { session: CurrentSession { expires_at: exp, ..session }, exp, sealed: new_sealed },
            _ => Resolved::Invalid,
        }
    }
}
