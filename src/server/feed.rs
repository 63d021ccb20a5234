//! Where Orgdeck tells itself that an event arrived: one small interface, an
//! in-process broadcast today. The live pages listen to it; a cache can later
//! subscribe the same way, and several instances can share it through the
//! database without its callers changing.

use tokio::sync::broadcast;

use super::store::StoredEvent;

/// Subscribers that fall this far behind skip ahead (and say so).
const BACKLOG: usize = 1024;

#[derive(Clone)]
pub struct Feed {
    tx: broadcast::Sender<StoredEvent>,
}

impl Default for Feed {
    fn default() -> Self {
        Feed { tx: broadcast::channel(BACKLOG).0 }
    }
}

impl Feed {
    /// Tells every listener; nobody listening is fine.
    pub fn publish(&self, event: StoredEvent) {
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<StoredEvent> {
        self.tx.subscribe()
    }
}
