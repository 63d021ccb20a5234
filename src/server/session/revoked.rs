//! Sessions that ended before their access token did: signed out here, or
//! revoked at WorkOS (`session.revoked`). Their token still verifies until it
//! expires, so a copy of the old cookie would still read pages; the session
//! layer refuses every session in this set. Held in memory per instance,
//! filled from the database at start and kept in step across instances by
//! the feed (`Feed::end_session`).

use std::time::{Duration, Instant};

use moka::future::Cache;

use crate::server::store::now_unix;

/// More than any access token lives, for a revocation whose token's expiry is unknown.
pub const LONGEST_TOKEN: i64 = 24 * 3600;
const CAPACITY: u64 = 1_000_000;

/// Each entry lives until its session's token would have expired anyway.
struct UntilExpiry;

impl moka::Expiry<String, i64> for UntilExpiry {
    fn expire_after_create(&self, _: &String, until: &i64, _: Instant) -> Option<Duration> {
        Some(Duration::from_secs((until - now_unix()).max(0) as u64 + 1))
    }
}

pub struct RevokedSessions(Cache<String, i64>);

impl Default for RevokedSessions {
    fn default() -> Self {
        RevokedSessions(Cache::builder().max_capacity(CAPACITY).expire_after(UntilExpiry).build())
    }
}

impl RevokedSessions {
    /// `session_id` is refused until `until` (Unix seconds).
    pub async fn add(&self, session_id: &str, until: i64) {
        if until > now_unix() {
            self.0.insert(session_id.to_string(), until).await;
        }
    }

    pub async fn contains(&self, session_id: &str) -> bool {
        self.0.get(session_id).await.is_some_and(|until| until > now_unix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_revoked_session_is_refused_until_its_token_would_have_expired() {
        let revoked = RevokedSessions::default();
        assert!(!revoked.contains("session_1").await);
        revoked.add("session_1", now_unix() + 300).await;
        revoked.add("session_old", now_unix() - 1).await;
        assert!(revoked.contains("session_1").await);
        assert!(!revoked.contains("session_old").await, "its token has expired anyway");
    }
}
