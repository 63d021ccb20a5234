//! Where Orgdeck tells itself that an event arrived: one small interface, an
//! in-process broadcast today. The WorkOS read cache hears it first, then the
//! live pages; several instances can share it through the database without
//! its callers changing.

use std::sync::Arc;

use tokio::sync::broadcast;

use super::reads::Reads;
use super::store::StoredEvent;

/// Subscribers that fall this far behind skip ahead (and say so).
const BACKLOG: usize = 1024;

#[derive(Clone)]
pub struct Feed {
    tx: broadcast::Sender<StoredEvent>,
    reads: Arc<Reads>,
}

impl Feed {
    pub fn new(reads: Arc<Reads>) -> Feed {
        Feed { tx: broadcast::channel(BACKLOG).0, reads }
    }

    /// Tells every listener; nobody listening is fine. The read cache forgets
    /// what the event changed before anyone hears of it: a page that reloads
    /// on the event reads WorkOS afresh.
    pub async fn publish(&self, event: StoredEvent) {
        self.reads.forget_event(&event).await;
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<StoredEvent> {
        self.tx.subscribe()
    }
}
