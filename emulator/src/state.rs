//! The emulator's in-memory WorkOS environment and the shared state of its server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use crate::clock::{iso, Clock};
use crate::ids::stable_id;
use crate::keys::SigningKeys;
use crate::model::*;
use crate::seed::Seed;

/// Everything a WorkOS environment holds, as of now.
#[derive(Debug, Default)]
pub struct Db {
    /// In creation order; list endpoints sort from this.
    pub organizations: Vec<Organization>,
    pub users: Vec<User>,
    pub memberships: Vec<Membership>,
    pub roles: Vec<Role>,
    pub invitations: Vec<Invitation>,
    pub sessions: HashMap<String, Session>,
    pub auth_requests: HashMap<String, AuthRequest>,
    pub auth_codes: HashMap<String, AuthCode>,
    pub refresh_tokens: HashMap<String, RefreshGrant>,
    /// Every email "sent", oldest first.
    pub outbox: Vec<Email>,
    /// When each user last had codes sent (unix seconds), for the 3-per-minute limit.
    pub code_sends: Vec<(String, i64)>,
    pub email_challenges: HashMap<String, EmailChallenge>,
    /// By token (`x-elevated-access-token`).
    pub elevated: HashMap<String, ElevatedAccess>,
    pub totp_factors: Vec<TotpFactor>,
    pub totp_challenges: HashMap<String, TotpChallenge>,
    pub api_keys: Vec<ApiKey>,
    pub passkeys: Vec<crate::passkeys::StoredPasskey>,
    pub connections: Vec<Connection>,
    pub directories: Vec<Directory>,
    pub directory_users: Vec<DirectoryUser>,
    pub directory_groups: Vec<DirectoryGroup>,
    pub audit_log_streams: Vec<AuditLogStream>,
    pub audit_log_entries: Vec<AuditLogEntry>,
    /// Oldest first.
    pub events: Vec<Event>,
    /// By secret.
    pub portal_links: HashMap<String, PortalLink>,
    /// Open Admin Portal sessions, by cookie value.
    pub portal_sessions: HashMap<String, crate::portal::PortalSession>,
    /// Domains whose verification TXT record the emulator's DNS answers
    /// (`POST /_emulator/dns`).
    pub dns_records: std::collections::HashSet<String>,
    pub passkey_registrations: HashMap<String, crate::passkeys::PendingRegistration>,
}

impl Db {
    pub fn from_seed(seed: &Seed, keys: &SigningKeys) -> Db {
        let base: DateTime<Utc> = DateTime::parse_from_rfc3339(&seed.environment.created_at)
            .expect("validated by Seed::parse")
            .with_timezone(&Utc);
        // Seeded entities are one second apart, in seed order, so that sorting
        // by creation time is deterministic.
        let mut tick = 0i64;
        let mut next = || {
            tick += 1;
            base + chrono::Duration::seconds(tick)
        };
        let mut db = Db::default();
        for r in &seed.roles {
            let t = next();
            db.roles.push(Role {
                id: stable_id("role", &r.slug, t.timestamp_millis()),
                slug: r.slug.clone(),
                name: r.name.clone(),
                description: r.description.clone(),
                permissions: r.permissions.clone(),
                default: r.default,
                created_at: iso(t),
            });
        }
        let mut org_ids = HashMap::new();
        for o in &seed.organizations {
            let t = next();
            let id = o.id.clone().unwrap_or_else(|| stable_id("org", &o.key, t.timestamp_millis()));
            org_ids.insert(o.key.clone(), id.clone());
            let domains = o
                .domains
                .iter()
                .map(|d| OrganizationDomain {
                    object: "organization_domain",
                    id: stable_id("org_domain", &d.domain, t.timestamp_millis()),
                    organization_id: id.clone(),
                    domain: d.domain.clone(),
                    state: d.state.clone(),
                    verification_strategy: "dns".into(),
                    verification_token: (d.state != "verified").then(|| {
                        stable_id("tok", &d.domain, 0)[4..].to_lowercase()
                    }),
                    verification_prefix: (d.state != "verified").then(|| "workos-verification".to_string()),
                    created_at: iso(t),
                    updated_at: iso(t),
                })
                .collect();
            db.organizations.push(Organization {
                object: "organization",
                id,
                name: o.name.clone(),
                allow_profiles_outside_organization: false,
                domains,
                metadata: o.metadata.clone(),
                external_id: o.external_id.clone(),
                stripe_customer_id: None,
                created_at: iso(t),
                updated_at: iso(t),
            });
        }
        let mut user_ids = HashMap::new();
        for u in &seed.users {
            let t = next();
            let id = u.id.clone().unwrap_or_else(|| stable_id("user", &u.key, t.timestamp_millis()));
            user_ids.insert(u.key.clone(), id.clone());
            db.users.push(User {
                object: "user",
                id,
                email: u.email.to_lowercase(),
                email_verified: u.email_verified,
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
                profile_picture_url: None,
                last_sign_in_at: None,
                external_id: None,
                metadata: HashMap::new(),
                locale: None,
                created_at: iso(t),
                updated_at: iso(t),
                password: Some(u.password.clone()),
                previous_passwords: Vec::new(),
                password_last_used_at: None,
            });
        }
        for m in &seed.memberships {
            let t = next();
            db.memberships.push(Membership {
                id: stable_id("om", &format!("{}@{}", m.user, m.organization), t.timestamp_millis()),
                user_id: user_ids[&m.user].clone(),
                organization_id: org_ids[&m.organization].clone(),
                status: m.status.clone(),
                role_slugs: vec![m.role.clone()],
                created_at: iso(t),
                updated_at: iso(t),
            });
        }
        for k in &seed.api_keys {
            let t = next();
            db.api_keys.push(ApiKey {
                id: stable_id("api_key", &k.key, t.timestamp_millis()),
                owner: ApiKeyOwner::Organization { organization_id: org_ids[&k.organization].clone() },
                name: k.name.clone(),
                value: k.value.clone(),
                permissions: k.permissions.clone(),
                created_at: iso(t),
                updated_at: iso(t),
                last_used_at: None,
                expires_at: None,
            });
        }
        // Certificates are dated from now, so "expires in 20 days" stays true.
        let started = Utc::now();
        for c in &seed.connections {
            let t = next();
            let id = stable_id("conn", &c.key, t.timestamp_millis());
            let certificates = if c.connection_type.ends_with("SAML") {
                let not_before = started - chrono::Duration::days(30);
                let not_after = started + chrono::Duration::days(c.certificate_days_left);
                vec![Certificate {
                    id: stable_id("cert", &c.key, t.timestamp_millis()),
                    value: keys.certificate_pem(&format!("CN={}", c.name), not_before.timestamp().max(0) as u64, not_after.timestamp().max(0) as u64),
                    not_before: iso(not_before),
                    not_after: iso(not_after),
                }]
            } else {
                Vec::new()
            };
            db.connections.push(Connection {
                id,
                organization_id: org_ids[&c.organization].clone(),
                connection_type: c.connection_type.clone(),
                name: c.name.clone(),
                state: c.state.clone(),
                domains: c.domains.clone(),
                certificates,
                idp_metadata: None,
                last_session_at: None,
                created_at: iso(t),
                updated_at: iso(t),
            });
        }
        for d in &seed.directories {
            let t = next();
            let directory_id = stable_id("directory", &d.key, t.timestamp_millis());
            let organization_id = org_ids[&d.organization].clone();
            let mut group_ids = HashMap::new();
            for g in &d.groups {
                let id = stable_id("directory_group", &format!("{}:{g}", d.key), t.timestamp_millis());
                group_ids.insert(g.clone(), id.clone());
                db.directory_groups.push(DirectoryGroup {
                    id,
                    idp_id: stable_id("idp", g, 0)[4..].to_lowercase(),
                    directory_id: directory_id.clone(),
                    organization_id: organization_id.clone(),
                    name: g.clone(),
                    created_at: iso(t),
                    updated_at: iso(t),
                });
            }
            for u in &d.users {
                db.directory_users.push(DirectoryUser {
                    id: stable_id("directory_user", &format!("{}:{}", d.key, u.email), t.timestamp_millis()),
                    directory_id: directory_id.clone(),
                    organization_id: organization_id.clone(),
                    idp_id: stable_id("idp", &u.email, 0)[4..].to_lowercase(),
                    email: u.email.to_lowercase(),
                    first_name: u.first_name.clone(),
                    last_name: u.last_name.clone(),
                    state: u.state.clone(),
                    group_ids: u.groups.iter().map(|g| group_ids[g].clone()).collect(),
                    created_at: iso(t),
                    updated_at: iso(t),
                });
            }
            db.directories.push(Directory {
                id: directory_id,
                organization_id,
                directory_type: d.directory_type.clone(),
                state: d.state.clone(),
                name: d.name.clone(),
                domain: d.domain.clone(),
                external_key: stable_id("key", &d.key, 0)[4..].to_lowercase(),
                last_sync_run_at: Some(iso(t)),
                created_at: iso(t),
                updated_at: iso(t),
            });
        }
        for a in &seed.audit_log_streams {
            let t = next();
            db.audit_log_streams.push(AuditLogStream {
                id: stable_id("audit_log_stream", &a.organization, t.timestamp_millis()),
                organization_id: org_ids[&a.organization].clone(),
                stream_type: a.stream_type.clone(),
                state: a.state.clone(),
                settings: Default::default(),
                error_message: None,
                created_at: iso(t),
                updated_at: iso(t),
            });
        }
        db
    }

    /// Appends an event to the log (`GET /events`; webhooks deliver from it).
    pub fn record_event(&mut self, emu: &Emulator, event: &str, organization_id: Option<&str>, data: serde_json::Value) -> String {
        let id = crate::ids::new_id("event", emu.clock().millis());
        let event = Event { id: id.clone(), event: event.to_string(), organization_id: organization_id.map(str::to_string), data, created_at: emu.now_iso() };
        emu.webhooks().publish(&event);
        self.events.push(event);
        id
    }

    /// The user's live AuthKit sessions, newest first.
    pub fn live_sessions(&self, user_id: &str) -> Vec<&Session> {
        let mut out: Vec<&Session> = self.sessions.values().filter(|s| s.active && s.user_id == user_id).collect();
        out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        out
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

    /// A directory's active and inactive users, and its groups.
    pub fn directory_counts(&self, directory_id: &str) -> (usize, usize, usize) {
        let users = self.directory_users.iter().filter(|u| u.directory_id == directory_id);
        let (active, inactive) = users.fold((0, 0), |(a, i), u| if u.state == "active" { (a + 1, i) } else { (a, i + 1) });
        (active, inactive, self.directory_groups.iter().filter(|g| g.directory_id == directory_id).count())
    }

    /// Whether any organization has this domain (in any state).
    pub fn domain_in_use(&self, domain: &str) -> bool {
        self.organizations.iter().any(|o| o.domains.iter().any(|d| d.domain == domain))
    }

    /// The user's enrolled (verified) authenticator-app factor.
    pub fn totp_factor(&self, user_id: &str) -> Option<&TotpFactor> {
        self.totp_factors.iter().find(|f| f.user_id == user_id && f.verified)
    }

    pub fn organization(&self, id: &str) -> Option<&Organization> {
        self.organizations.iter().find(|o| o.id == id)
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        let email = email.to_lowercase();
        self.users.iter().find(|u| u.email == email)
    }

    pub fn role(&self, slug: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.slug == slug)
    }

    pub fn default_role(&self) -> Option<&Role> {
        self.roles.iter().find(|r| r.default).or_else(|| self.roles.last())
    }

    pub fn membership(&self, user_id: &str, organization_id: &str) -> Option<&Membership> {
        self.memberships
            .iter()
            .find(|m| m.user_id == user_id && m.organization_id == organization_id)
    }

    pub fn active_membership(&self, user_id: &str, organization_id: &str) -> Option<&Membership> {
        self.membership(user_id, organization_id).filter(|m| m.status == "active")
    }

    /// The union of the permissions of the membership's roles.
    pub fn permissions_of(&self, membership: &Membership) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for slug in &membership.role_slugs {
            for p in self.role(slug).map(|r| r.permissions.as_slice()).unwrap_or_default() {
                if !out.contains(p) {
                    out.push(p.clone());
                }
            }
        }
        out
    }
}

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
