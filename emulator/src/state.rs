//! The emulator's in-memory WorkOS environment: its records (`model.rs`) and
//! the look-ups every surface shares. Only data: it is made from a seed in
//! `seeding.rs`, and changed (with the events changes emit) through the
//! `Emulator` handle in `emulator.rs`.

use std::collections::HashMap;

use crate::model::*;

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
    pub passkeys: Vec<StoredPasskey>,
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
    pub portal_sessions: HashMap<String, PortalSession>,
    /// Domains whose verification TXT record the emulator's DNS answers
    /// (`POST /_emulator/dns`).
    pub dns_records: std::collections::HashSet<String>,
    pub passkey_registrations: HashMap<String, PendingRegistration>,
    /// By `pending_authentication_token`.
    pub pending_auths: HashMap<String, PendingAuth>,
    pub magic_auths: Vec<MagicAuth>,
    pub groups: Vec<Group>,
    /// Audit-log action schemas: (action, version, schema JSON, created_at).
    pub audit_log_schemas: Vec<AuditLogSchema>,
    pub audit_log_exports: Vec<AuditLogExport>,
    /// Days an organization's audit-log events are kept, by organization id (default 30).
    pub audit_log_retention: HashMap<String, i64>,
}

impl Db {
    /// The user's live AuthKit sessions, newest first.
    pub fn live_sessions(&self, user_id: &str) -> Vec<&Session> {
        let mut out: Vec<&Session> = self.sessions.values().filter(|s| s.active && s.user_id == user_id).collect();
        out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        out
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
