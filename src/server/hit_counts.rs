//! How often an in-memory cache answered and how often it did not: what the
//! tests (and `make bench`'s reasoning) read to know a cache is doing its job,
//! and what `/metrics` shows (`orgdeck_cache_lookups_total`).

use std::sync::atomic::{AtomicU64, Ordering};

pub struct HitCounts {
    /// The cache's name in the metrics.
    name: &'static str,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl HitCounts {
    pub fn new(name: &'static str) -> HitCounts {
        HitCounts { name, hits: AtomicU64::new(0), misses: AtomicU64::new(0) }
    }

    /// Counts `found` as a hit or a miss, and hands it back.
    pub fn count<T>(&self, found: Option<T>) -> Option<T> {
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        super::metrics::cache_lookup(self.name, found.is_some());
        found
    }

    /// (hits, misses) so far.
    pub fn get(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }
}
