//! How many live streams may be open: a few per session (its tabs), and a
//! bounded number per instance in all, since each holds a connection.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Streams one session may hold open: a few tabs.
pub const PER_SESSION: usize = 8;
/// Streams one instance holds open in all.
pub const IN_ALL: usize = 10_000;

/// The open streams, by session.
#[derive(Default)]
pub struct LiveStreams {
    open: Mutex<HashMap<String, usize>>,
}

/// One open stream's place; given back when the stream is dropped.
pub struct Slot {
    streams: Arc<LiveStreams>,
    session_id: String,
}

impl LiveStreams {
    /// A place for one more stream of `session_id`, unless it or the instance is full.
    pub fn open(self: &Arc<Self>, session_id: &str) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let total: usize = open.values().sum();
        let mine = open.entry(session_id.to_string()).or_default();
        if *mine >= PER_SESSION || total >= IN_ALL {
            return None;
        }
        *mine += 1;
        Some(Slot { streams: self.clone(), session_id: session_id.to_string() })
    }

    /// Streams open now (all sessions).
    pub fn count(&self) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).values().sum()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.streams.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.session_id) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.session_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_holds_a_few_streams_and_gives_each_back() {
        let streams = Arc::new(LiveStreams::default());
        let held: Vec<Slot> = (0..PER_SESSION).map(|_| streams.open("session_1").expect("a place")).collect();
        assert!(streams.open("session_1").is_none(), "the ninth is refused");
        let other = streams.open("session_2").expect("another session has its own");
        assert_eq!(streams.count(), PER_SESSION + 1);
        drop(held);
        drop(other);
        assert_eq!(streams.count(), 0);
        assert!(streams.open("session_1").is_some());
    }
}
