//! What one person can make Orgdeck ask of WorkOS. WorkOS allows 6,000
//! requests a minute per API key, shared by every user of a deployment: each
//! person (by WorkOS user id; before sign-in, by address) has a bucket of
//! WorkOS calls that refills at `ORGDECK_USER_CALLS_PER_MINUTE` and holds
//! `ORGDECK_USER_CALLS_BURST`. Every endpoint that makes Orgdeck call WorkOS
//! spends what it calls; an empty bucket is a 429 with when to try again.
//! (The deployment's own share of the key's limit: `workos/budget.rs`.)

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

pub struct UserLimits {
    /// Which limit this is, in the metrics (`user_calls`, `sign_ins`).
    name: &'static str,
    limiter: DefaultKeyedRateLimiter<String>,
}

impl UserLimits {
    pub fn new(name: &'static str, per_minute: u32, burst: u32) -> UserLimits {
        let rate = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        UserLimits { name, limiter: RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst)) }
    }

    /// Spends `calls` of `who`'s bucket, or says when there will be enough.
    pub fn spend(&self, who: &str, calls: u32) -> Result<(), AppError> {
        let n = NonZeroU32::new(calls.max(1)).unwrap_or(NonZeroU32::MIN);
        let wait = match self.limiter.check_key_n(&who.to_string(), n) {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(not_until)) => not_until.wait_time_from(DefaultClock::default().now()),
            // More than the bucket ever holds: as long as a full refill.
            Err(_) => std::time::Duration::from_secs(60),
        };
        tracing::info!(who, calls, limit = self.name, "a person's WorkOS calls were limited");
        super::metrics::limit_refused(self.name);
        Err(AppError::TooManyRequests { retry_after: wait.as_secs_f64().ceil().max(1.0) as u64 })
    }

    /// Forgets the buckets that are full again (their people stopped asking).
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_spends_a_burst_then_waits_while_another_is_served() {
        let limits = UserLimits::new("test", 60, 5);
        for _ in 0..5 {
            limits.spend("user_ada", 1).unwrap();
        }
        match limits.spend("user_ada", 1) {
            Err(AppError::TooManyRequests { retry_after }) => assert!((1..=2).contains(&retry_after), "{retry_after}"),
            other => panic!("{other:?}"),
        }
        limits.spend("user_max", 5).expect("Max has a bucket of his own");
        assert!(limits.spend("user_bea", 6).is_err(), "never more than the burst at once");
    }
}
