//! How often an in-memory cache answered and how often it did not: what the
//! tests (and `make bench`'s reasoning) read to know a cache is doing its job,
//! and what `/metrics` shows (`orgdeck_cache_lookups_total`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use metrics::Counter;

pub struct HitCounts {
    /// The cache's name in the metrics.
    name: &'static str,
    hits: AtomicU64,
    misses: AtomicU64,
    /// Its two series, looked up once (on first use: the recorder is
    /// installed by then) rather than by name and labels per look-up.
    series: OnceLock<[Counter; 2]>,
}

impl HitCounts {
    pub fn new(name: &'static str) -> HitCounts {
        HitCounts { name, hits: AtomicU64::new(0), misses: AtomicU64::new(0), series: OnceLock::new() }
    }

    /// Counts `found` as a hit or a miss, and hands it back.
    pub fn count<T>(&self, found: Option<T>) -> Option<T> {
        let [hit, miss] = self.series.get_or_init(|| super::metrics::cache_lookups(self.name));
        let (count, series) = if found.is_some() { (&self.hits, hit) } else { (&self.misses, miss) };
        count.fetch_add(1, Ordering::Relaxed);
        series.increment(1);
        found
    }

    /// (hits, misses) so far.
    pub fn get(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }
}
