//! The emulator's shared handle: the environment (`state::Db`), the seed it
//! resets to, the signing keys, the clock, webhooks, faults and traffic; and
//! the changes to the environment that WorkOS tells of with an event.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::clock::{iso, Clock};
use crate::keys::SigningKeys;
use crate::model::*;
use crate::seed::Seed;
use crate::state::Db;

/// Changes that emit events (the event log is the environment's; the
/// webhooks and the clock are the handle's).
impl Db {
    /// Appends an event to the log (`GET /events`; webhooks deliver from it).
    pub fn record_event(&mut self, emu: &Emulator, event: &str, organization_id: Option<&str>, data: serde_json::Value) -> String {
        let id = crate::ids::new_id("event", emu.clock().millis());
        let event = Event { id: id.clone(), event: event.to_string(), organization_id: organization_id.map(str::to_string), data, created_at: emu.now_iso() };
        emu.webhooks().publish(&event);
        self.events.push(event);
        id
    }

    /// Ends a session: its refresh tokens stop working at once (`session.revoked`).
    pub fn revoke_session(&mut self, emu: &Emulator, session_id: &str) -> bool {
        let now_iso = emu.now_iso();
        let Some(s) = self.sessions.get_mut(session_id).filter(|s| s.active) else { return false };
        s.active = false;
        s.status = "revoked".into();
        s.ended_at = Some(now_iso.clone());
        s.updated_at = now_iso;
        let (data, org) = (s.to_json(), s.organization_id.clone());
        self.refresh_tokens.retain(|_, g| g.session_id != session_id);
        self.record_event(emu, "session.revoked", org.as_deref(), data);
        true
    }

    /// Revokes a pending invitation (its token stops working) and removes the
    /// pending membership it made, with their events: the Members widget's
    /// revoke and the public API's are this.
    pub fn revoke_invitation(&mut self, emu: &Emulator, id: &str, now_iso: &str) {
        let Some(invitation) = self.invitations.iter_mut().find(|i| i.id == id) else { return };
        invitation.state = "revoked".into();
        invitation.updated_at = now_iso.to_string();
        let invitation = invitation.clone();
        let org = Some(invitation.organization_id.as_str()).filter(|o| !o.is_empty());
        self.record_event(emu, "invitation.revoked", org, invitation.to_event_json());
        let is_pending = |m: &crate::model::Membership| {
            m.user_id == invitation.user_id && m.organization_id == invitation.organization_id && m.status == "pending"
        };
        let pending: Vec<_> = self.memberships.iter().filter(|m| is_pending(m)).cloned().collect();
        self.memberships.retain(|m| !is_pending(m));
        for m in &pending {
            self.membership_event(emu, "organization_membership.deleted", m);
        }
    }

    /// A membership as events carry it (without the embedded user).
    pub fn membership_event(&mut self, emu: &Emulator, event: &str, m: &crate::model::Membership) {
        let mut data = match self.user(&m.user_id) {
            Some(u) => m.to_json(u, None),
            None => return,
        };
        if let Some(o) = data.as_object_mut() {
            o.remove("user");
            o.remove("organization_name");
        }
        self.record_event(emu, event, Some(&m.organization_id), data);
    }
}

/// Invitations are good for seven days.
pub const INVITE_DAYS: i64 = 7;

/// The server's shared state: the environment, the seed it resets to, the key, the clock.
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

struct Inner {
    seed: Seed,
    db: Mutex<Db>,
    keys: Arc<SigningKeys>,
    clock: Clock,
    base_url: Mutex<String>,
    webhooks: crate::events::Webhooks,
    faults: crate::faults::Faults,
    traffic: crate::traffic::Traffic,
    refused_origins: Mutex<Vec<String>>,
    /// When set, every `/_emulator/*` request must carry it.
    control_token: Mutex<Option<String>>,
}

impl Emulator {
    pub fn new(seed: Seed) -> Emulator {
        let keys = SigningKeys::for_seed(&seed.environment.signing_key_seed);
        let db = Db::from_seed(&seed, &keys);
        let webhooks = crate::events::Webhooks::default();
        for e in &seed.webhook_endpoints {
            webhooks.add_endpoint(&e.url, &e.secret, e.events.clone());
        }
        Emulator {
            inner: Arc::new(Inner {
                seed,
                db: Mutex::new(db),
                keys,
                clock: Clock::default(),
                base_url: Mutex::new("http://127.0.0.1:4100".into()),
                webhooks,
                faults: crate::faults::Faults::default(),
                traffic: crate::traffic::Traffic::default(),
                refused_origins: Mutex::new(Vec::new()),
                control_token: Mutex::new(None),
            }),
        }
    }

    /// The environment, locked. Never hold it across an `.await`.
    pub fn db(&self) -> MutexGuard<'_, Db> {
        self.inner.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Back to the seed. Webhook endpoints and delivery settings stay (the app
    /// that registered one still listens); faults and the delivery log go.
    pub fn reset(&self) {
        *self.db() = Db::from_seed(&self.inner.seed, &self.inner.keys);
        self.inner.clock.set_offset(0);
        self.inner.webhooks.clear_faults();
        self.inner.webhooks.clear_deliveries();
        self.inner.faults.clear();
        self.inner.traffic.clear();
        self.set_refused_origins(Vec::new());
    }

    /// Origins the widgets API refuses (CORS), whatever else allows them.
    pub fn set_refused_origins(&self, origins: Vec<String>) {
        *self.inner.refused_origins.lock().unwrap_or_else(|e| e.into_inner()) = origins;
    }

    pub fn refuses_origin(&self, origin: &str) -> bool {
        self.inner.refused_origins.lock().unwrap_or_else(|e| e.into_inner()).iter().any(|o| o == origin)
    }

    /// Requires `X-Emulator-Control-Token: <token>` on every control request
    /// (`WORKOS_EMULATOR_CONTROL_TOKEN`); `None` lets this machine's tools in without one.
    pub fn set_control_token(&self, token: Option<String>) {
        *self.inner.control_token.lock().unwrap_or_else(|e| e.into_inner()) = token.filter(|t| !t.is_empty());
    }

    pub fn control_token(&self) -> Option<String> {
        self.inner.control_token.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn traffic(&self) -> &crate::traffic::Traffic {
        &self.inner.traffic
    }

    pub fn faults(&self) -> &crate::faults::Faults {
        &self.inner.faults
    }

    pub fn webhooks(&self) -> &crate::events::Webhooks {
        &self.inner.webhooks
    }

    pub fn seed(&self) -> &Seed {
        &self.inner.seed
    }

    pub fn keys(&self) -> &SigningKeys {
        &self.inner.keys
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub fn api_key(&self) -> &str {
        &self.inner.seed.environment.api_key
    }

    pub fn client_id(&self) -> &str {
        &self.inner.seed.environment.client_id
    }

    /// Where the emulator is reachable; the `iss` of its tokens and the base of its links.
    pub fn base_url(&self) -> String {
        self.inner.base_url.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set_base_url(&self, url: String) {
        *self.inner.base_url.lock().unwrap_or_else(|e| e.into_inner()) = url;
    }

    pub fn now_iso(&self) -> String {
        iso(self.clock().now())
    }
}
