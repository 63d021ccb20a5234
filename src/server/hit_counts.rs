//! How often an in-memory cache answered and how often it did not: what the
//! tests (and `make bench`'s reasoning) read to know a cache is doing its job.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct HitCounts {
    hits: AtomicU64,
    misses: AtomicU64,
}

impl HitCounts {
    /// Counts `found` as a hit or a miss, and hands it back.
    pub fn count<T>(&self, found: Option<T>) -> Option<T> {
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// (hits, misses) so far.
    pub fn get(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }
}
