//! WorkOS reads behind the dashboard, kept for a short while per organization
//! and per user: WorkOS's rate limit (6,000 requests a minute per key) is the
//! ceiling of a busy deployment, and a dashboard view costs up to eleven reads.
//!
//! An entry goes when its time is up, when an event says its organization or
//! user changed ([`ReadCache::forget_event`], called by the feed before it tells
//! any listener), and when Orgdeck itself starts or ends something that
//! changes it ([`ReadCache::forget`]). Concurrent misses for one key wait for the
//! same WorkOS call. Errors are never kept.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;

use super::hit_counts::HitCounts;
use super::store::StoredEvent;
use super::workos::reads::{self, UserState};
use super::workos::widget_api;
use crate::error::AppError;
use crate::model::capability::{CapabilityState, ConnectionRow, DirectoryRow, StreamRow};
use crate::model::organization::OrgChoice;

/// Long enough to absorb a busy dashboard, short enough that a change WorkOS
/// sends no event for (or a lost webhook, until the catch-up) shows soon.
pub const KEEP_FOR: Duration = Duration::from_secs(30);
const CAPACITY: u64 = 20_000;

/// The return page shows what WorkOS holds *now*, after what the user just did:
/// its read is shared only by the views of these few seconds (a reload, a
/// script looping on it), and forgotten at once by any event.
pub const FRESH_FOR: Duration = Duration::from_secs(2);

pub type OrgAndMembers = Arc<reads::OrgAndMembers>;

/// One kind of read, keyed by an organization or a user id.
struct CachedRead<V>(Cache<String, V>, HitCounts);

impl<V: Clone + Send + Sync + 'static> CachedRead<V> {
    fn new() -> Self {
        Self::kept_for(KEEP_FOR)
    }

    fn kept_for(time: Duration) -> Self {
        CachedRead(Cache::builder().max_capacity(CAPACITY).time_to_live(time).build(), HitCounts::new("workos_reads"))
    }

    async fn get(&self, changes: &AtomicU64, key: &str, load: impl Future<Output = Result<V, AppError>>) -> Result<V, AppError> {
        let seen = changes.load(Ordering::SeqCst);
        let loaded = std::sync::atomic::AtomicBool::new(false);
        let load = async {
            loaded.store(true, Ordering::Relaxed);
            load.await
        };
        // On the heap: moka's future and the SDK's are large, and a debug
        // build moves them through the stack of the page being rendered.
        let value = Box::pin(self.0.try_get_with(key.to_string(), Box::pin(load))).await;
        // A caller that waited for another's load counts as a hit: it made no call.
        self.1.count((!loaded.load(Ordering::Relaxed)).then_some(()));
        let value = value.map_err(|e| (*e).clone())?;
        // Something was forgotten while WorkOS answered: what it answered may
        // predate that change, so it serves this caller but is not kept.
        if changes.load(Ordering::SeqCst) != seen {
            self.0.invalidate(key).await;
        }
        Ok(value)
    }

    async fn forget(&self, key: &str) {
        self.0.invalidate(key).await;
    }

    fn forget_all(&self) {
        self.0.invalidate_all();
    }
}

pub struct ReadCache {
    changes: AtomicU64,
    // By capability, organization and user: the return page's fresh state.
    capability: CachedRead<CapabilityState>,
    // By organization.
    organization: CachedRead<OrgAndMembers>,
    connections: CachedRead<Arc<Vec<ConnectionRow>>>,
    directories: CachedRead<Arc<Vec<DirectoryRow>>>,
    stream: CachedRead<Option<StreamRow>>,
    api_keys: CachedRead<usize>,
    // By user.
    user_organizations: CachedRead<Arc<Vec<OrgChoice>>>,
    user: CachedRead<Arc<UserState>>,
}

impl Default for ReadCache {
    fn default() -> Self {
        ReadCache {
            changes: AtomicU64::new(0),
            capability: CachedRead::kept_for(FRESH_FOR),
            organization: CachedRead::new(),
            connections: CachedRead::new(),
            directories: CachedRead::new(),
            stream: CachedRead::new(),
            api_keys: CachedRead::new(),
            user_organizations: CachedRead::new(),
            user: CachedRead::new(),
        }
    }
}

impl ReadCache {
    pub async fn organization_and_members(&self, client: &workos::Client, org_id: &str) -> Result<OrgAndMembers, AppError> {
        let load = async { reads::organization_and_members(client, org_id).await.map(Arc::new) };
        self.organization.get(&self.changes, org_id, load).await
    }

    pub async fn connections(&self, client: &workos::Client, org_id: &str) -> Result<Arc<Vec<ConnectionRow>>, AppError> {
        let load = async { reads::connections(client, org_id).await.map(Arc::new) };
        self.connections.get(&self.changes, org_id, load).await
    }

    pub async fn directories(&self, client: &workos::Client, org_id: &str) -> Result<Arc<Vec<DirectoryRow>>, AppError> {
        let load = async { reads::directories(client, org_id).await.map(Arc::new) };
        self.directories.get(&self.changes, org_id, load).await
    }

    /// Read with `user_id`'s widget token (the stream is the organization's, whoever reads it).
    pub async fn log_stream(&self, client: &workos::Client, org_id: &str, user_id: &str) -> Result<Option<StreamRow>, AppError> {
        let load = widget_api::log_stream(client, org_id, user_id);
        self.stream.get(&self.changes, org_id, load).await
    }

    pub async fn api_key_count(&self, client: &workos::Client, org_id: &str) -> Result<usize, AppError> {
        let load = async { reads::api_keys(client, org_id).await.map(|keys| keys.len()) };
        self.api_keys.get(&self.changes, org_id, load).await
    }

    pub async fn user_organizations(&self, client: &workos::Client, user_id: &str) -> Result<Arc<Vec<OrgChoice>>, AppError> {
        let load = async { reads::user_organizations(client, user_id).await.map(Arc::new) };
        self.user_organizations.get(&self.changes, user_id, load).await
    }

    pub async fn user(&self, client: &workos::Client, user_id: &str) -> Result<Arc<UserState>, AppError> {
        let load = async { reads::user_state(client, user_id).await.map(Arc::new) };
        self.user.get(&self.changes, user_id, load).await
    }

    /// What WorkOS holds for the capability `kind` of `org_id` as `user_id` may
    /// see it, read at most [`FRESH_FOR`] ago. Not emptied by [`ReadCache::forget`]
    /// (the return page forgets the dashboard's reads on every view), only by events.
    pub async fn capability(
        &self,
        kind: &str,
        org_id: Option<&str>,
        user_id: &str,
        load: impl Future<Output = Result<CapabilityState, AppError>>,
    ) -> Result<CapabilityState, AppError> {
        let key = format!("{kind}|{}|{user_id}", org_id.unwrap_or_default());
        self.capability.get(&self.changes, &key, load).await
    }

    /// How many times anything was forgotten so far: a page rendered from
    /// these reads is stale once this moves (`page_cache`).
    pub fn changes(&self) -> u64 {
        self.changes.load(Ordering::SeqCst)
    }

    /// Orgdeck itself changed (or is about to show fresh) what WorkOS holds for
    /// this organization and user: a sign-in, a flow's return.
    pub async fn forget(&self, org_id: Option<&str>, user_id: Option<&str>) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        if let Some(org) = org_id {
            self.organization.forget(org).await;
            self.connections.forget(org).await;
            self.directories.forget(org).await;
            self.stream.forget(org).await;
            self.api_keys.forget(org).await;
        }
        if let Some(user) = user_id {
            self.user_organizations.forget(user).await;
            self.user.forget(user).await;
        }
    }

    /// What an event says changed. Names travel: a renamed user is in every
    /// member list, a renamed organization in every switcher; an event that
    /// names neither an organization nor a user may touch anything.
    pub async fn forget_event(&self, event: &StoredEvent) {
        self.forget(event.organization_id.as_deref(), event.user_id.as_deref()).await;
        self.capability.forget_all();
        let kind = event.event.as_str();
        if matches!(kind, "user.updated" | "user.deleted") {
            self.organization.forget_all();
        }
        if matches!(kind, "organization.updated" | "organization.deleted") {
            self.user_organizations.forget_all();
        }
        if event.organization_id.is_none() && event.user_id.is_none() {
            self.forget_everything();
        }
    }

    pub fn forget_everything(&self) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        self.capability.forget_all();
        self.organization.forget_all();
        self.connections.forget_all();
        self.directories.forget_all();
        self.stream.forget_all();
        self.api_keys.forget_all();
        self.user_organizations.forget_all();
        self.user.forget_all();
    }
}
