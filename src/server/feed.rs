//! Where Orgdeck tells itself that something changed: an event arrived, or
//! Orgdeck itself changed something in WorkOS. The WorkOS read cache hears it
//! first, then the live pages. One instance: an in-process broadcast. Several
//! instances on one PostgreSQL database: each also tells the others through
//! the database (LISTEN/NOTIFY), and each of them tells its own listeners.

use std::sync::Arc;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use super::read_cache::ReadCache;
use super::session::revoked::{RevokedSessions, LONGEST_TOKEN};
use super::store::{now_unix, Store, StoredEvent};

/// Subscribers that fall this far behind skip ahead (and say so).
const BACKLOG: usize = 1024;

/// What one instance tells the others (the event itself is in the shared database).
#[derive(Debug, Serialize, Deserialize)]
struct Notice {
    from: String,
    #[serde(flatten)]
    what: Change,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Change {
    Event(String),
    Forget { organization_id: Option<String>, user_id: Option<String> },
    /// A session ended here (signed out): refuse it until `until` (Unix seconds).
    SessionEnded { session_id: String, until: i64 },
}

/// The session a `session.revoked` event ends.
pub fn revoked_session(event: &StoredEvent) -> Option<String> {
    (event.event == "session.revoked")
        .then(|| serde_json::from_str::<serde_json::Value>(&event.payload).ok()?["data"]["id"].as_str().map(str::to_string))
        .flatten()
}

#[derive(Clone)]
pub struct Feed {
    tx: broadcast::Sender<StoredEvent>,
    reads: Arc<ReadCache>,
    revoked: Arc<RevokedSessions>,
    store: Store,
    /// This instance, so that it does not hear its own notices twice.
    instance: Arc<str>,
}

impl Feed {
    pub fn new(reads: Arc<ReadCache>, revoked: Arc<RevokedSessions>, store: Store) -> Feed {
        Feed { tx: broadcast::channel(BACKLOG).0, reads, revoked, store, instance: ulid::Ulid::new().to_string().into() }
    }

    /// Tells every listener, here and in the other instances; nobody listening
    /// is fine. The read cache forgets what the event changed before anyone
    /// hears of it: a page that reloads on the event reads WorkOS afresh.
    pub async fn publish(&self, event: StoredEvent) {
        let id = event.id.clone();
        // Kept for instances that start later (each instance's memory hears it below).
        if let Some(sid) = revoked_session(&event) {
            if let Err(e) = self.store.revoke_session(&sid, now_unix() + LONGEST_TOKEN).await {
                tracing::error!("could not record a revoked session: {e}");
            }
        }
        self.publish_here(event).await;
        self.tell_others(Change::Event(id)).await;
    }

    /// Orgdeck changed (or saw) something in WorkOS: every instance's cache
    /// forgets the organization's and the user's reads.
    pub async fn forget(&self, organization_id: Option<&str>, user_id: Option<&str>) {
        self.reads.forget(organization_id, user_id).await;
        let (organization_id, user_id) = (organization_id.map(str::to_string), user_id.map(str::to_string));
        self.tell_others(Change::Forget { organization_id, user_id }).await;
    }

    /// A session ended (a sign-out here): every instance refuses it from now
    /// until `until`, when its access token expires anyway; kept in the
    /// database for the instances that start meanwhile.
    pub async fn end_session(&self, session_id: &str, until: i64) {
        self.revoked.add(session_id, until).await;
        if let Err(e) = self.store.revoke_session(session_id, until).await {
            tracing::error!("could not record an ended session (this instance refuses it; others only until it restarts): {e}");
        }
        self.tell_others(Change::SessionEnded { session_id: session_id.to_string(), until }).await;
    }

    pub fn subscribe(&self) -> broadcast::Receiver<StoredEvent> {
        self.tx.subscribe()
    }

    /// Hears the other instances from now on (nothing to hear on SQLite),
    /// after taking in the sessions ended before this instance started.
    /// Returns once listening, so that nothing sent after it is missed, with
    /// the listening task (to stop at shutdown).
    pub async fn listen(&self) -> Result<Option<tokio::task::JoinHandle<()>>, String> {
        for (session_id, until) in self.store.revoked_sessions().await.map_err(|e| format!("cannot read the ended sessions: {e}"))? {
            self.revoked.add(&session_id, until).await;
        }
        let Some(mut notices) = self.store.listen().await.map_err(|e| format!("cannot listen for other instances' events: {e}"))? else {
            return Ok(None);
        };
        let feed = self.clone();
        Ok(Some(tokio::spawn(async move {
            while let Some(text) = notices.next().await {
                match serde_json::from_str::<Notice>(&text) {
                    Ok(n) if *n.from == *feed.instance => {}
                    Ok(n) => feed.heard(n.what).await,
                    Err(e) => tracing::warn!("an unreadable notice from another instance: {e}"),
                }
            }
        })))
    }

    async fn heard(&self, change: Change) {
        match change {
            Change::Event(id) => match self.store.event(&id).await {
                Ok(Some(event)) => self.publish_here(event).await,
                Ok(None) => tracing::warn!(id, "another instance told of an event that is not stored"),
                Err(e) => tracing::error!(id, "could not read an event another instance stored: {e}"),
            },
            Change::Forget { organization_id, user_id } => self.reads.forget(organization_id.as_deref(), user_id.as_deref()).await,
            Change::SessionEnded { session_id, until } => self.revoked.add(&session_id, until).await,
        }
    }

    async fn publish_here(&self, event: StoredEvent) {
        self.reads.forget_event(&event).await;
        // WorkOS ended a session: its cookie's copies stop here too (its token's
        // expiry is not in the event, so for as long as any token lives).
        if let Some(sid) = revoked_session(&event) {
            self.revoked.add(&sid, now_unix() + LONGEST_TOKEN).await;
        }
        let _ = self.tx.send(event);
    }

    async fn tell_others(&self, what: Change) {
        if !self.store.is_shared() {
            return;
        }
        let notice = Notice { from: self.instance.to_string(), what };
        let text = serde_json::to_string(&notice).unwrap_or_default();
        // Lost, the others' caches still expire and their pages still catch up on reload.
        if let Err(e) = self.store.notify(&text).await {
            tracing::warn!("could not tell the other instances: {e}");
        }
    }
}
