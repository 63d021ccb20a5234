//! Sessions already resolved, by a hash of their sealed cookie, until a
//! minute before their access token expires: a request whose cookie was seen
//! is not unsealed or verified again (the SDK's check unseals the cookie and
//! verifies the JWT; reading its expiry unseals it once more). Only the hash
//! is kept, never the cookie.

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::future::Cache;
use sha2::{Digest, Sha256};

use super::current::CurrentSession;
use super::refresher::REFRESH_MARGIN;
use crate::server::hit_counts::HitCounts;
use crate::server::store::now_unix;

const CAPACITY: u64 = 100_000;

type Key = [u8; 32];

#[derive(Clone)]
struct Entry {
    session: Arc<CurrentSession>,
    /// The access token's expiry, Unix seconds.
    exp: i64,
}

/// Each entry lives until its token is due for a refresh.
struct UntilRefresh;

impl moka::Expiry<Key, Entry> for UntilRefresh {
    fn expire_after_create(&self, _: &Key, entry: &Entry, _: Instant) -> Option<Duration> {
        Some(Duration::from_secs((entry.exp - REFRESH_MARGIN - now_unix()).max(0) as u64))
    }
}

pub struct ResolvedSessions {
    cache: Cache<Key, Entry>,
    counts: HitCounts,
}

impl Default for ResolvedSessions {
    fn default() -> Self {
        ResolvedSessions {
            cache: Cache::builder().max_capacity(CAPACITY).expire_after(UntilRefresh).build(),
            counts: HitCounts::new("sessions"),
        }
    }
}

fn key(sealed: &str) -> Key {
    Sha256::digest(sealed.as_bytes()).into()
}

impl ResolvedSessions {
    /// The session this cookie resolved to, while its token is not due for a refresh.
    pub async fn get(&self, sealed: &str) -> Option<Arc<CurrentSession>> {
        let found = self.cache.get(&key(sealed)).await.filter(|e| e.exp - REFRESH_MARGIN > now_unix());
        self.counts.count(found).map(|e| e.session)
    }

    pub async fn keep(&self, sealed: &str, session: Arc<CurrentSession>, exp: i64) {
        if exp - REFRESH_MARGIN > now_unix() {
            self.cache.insert(key(sealed), Entry { session, exp }).await;
        }
    }

    /// (hits, misses) so far: how many requests were served without resolving their cookie.
    pub fn counts(&self) -> (u64, u64) {
        self.counts.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Arc<CurrentSession> {
        Arc::new(CurrentSession {
            session_id: "session_1".into(),
            user_id: "user_1".into(),
            email: "ada@acme.test".into(),
            email_verified: true,
            name: "Ada".into(),
            organization_id: Some("org_1".into()),
            role: "admin".into(),
            permissions: vec![],
            expires_at: 0,
        })
    }

    #[tokio::test]
    async fn a_session_is_kept_until_its_token_is_due_for_a_refresh() {
        let resolved = ResolvedSessions::default();
        assert_eq!(resolved.get("sealed").await, None);
        resolved.keep("sealed", session(), now_unix() + 3600).await;
        assert_eq!(resolved.get("sealed").await, Some(session()));
        assert_eq!(resolved.get("other").await, None);
        resolved.keep("due", session(), now_unix() + REFRESH_MARGIN - 1).await;
        assert_eq!(resolved.get("due").await, None, "a token that needs a refresh is resolved again");
        assert_eq!(resolved.counts(), (1, 3));
    }
}
