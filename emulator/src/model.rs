//! The entities the emulator keeps, serialised exactly as the WorkOS public API
//! (snake_case, `object` tags, ISO timestamps) answers them.

use std::collections::HashMap;

use serde::Serialize;
use url::Url;
use webauthn_rs::prelude::{Passkey, PasskeyRegistration};
use serde_json::{json, Value};

#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub object: &'static str,
    pub id: String,
    pub name: String,
    pub allow_profiles_outside_organization: bool,
    pub domains: Vec<OrganizationDomain>,
    pub metadata: HashMap<String, String>,
    pub external_id: Option<String>,
    /// A string when set, absent otherwise (the spec has no `null` for it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stripe_customer_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrganizationDomain {
    pub object: &'static str,
    pub id: String,
    pub organization_id: String,
    pub domain: String,
    pub state: String,
    pub verification_strategy: String,
    /// Only while the domain waits for its DNS record: absent once verified
    /// (the spec types them string, never `null`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_prefix: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub object: &'static str,
    pub id: String,
    pub email: String,
    pub email_verified: bool,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub profile_picture_url: Option<String>,
    pub last_sign_in_at: Option<String>,
    pub external_id: Option<String>,
    pub metadata: HashMap<String, String>,
    pub locale: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Only the hosted sign-in page reads it; never serialised.
    #[serde(skip)]
    pub password: Option<String>,
    /// Earlier passwords, newest last: a new password may not repeat one.
    #[serde(skip)]
    pub previous_passwords: Vec<String>,
    /// When the password was last used to sign in.
    #[serde(skip)]
    pub password_last_used_at: Option<String>,
}

impl User {
    /// A new user with only an email address (and no password).
    pub fn new(id: String, email: String, now: &str) -> User {
        User {
            object: "user",
            id,
            email,
            email_verified: false,
            first_name: None,
            last_name: None,
            profile_picture_url: None,
            last_sign_in_at: None,
            external_id: None,
            metadata: HashMap::new(),
            locale: None,
            created_at: now.to_string(),
            updated_at: now.to_string(),
            password: None,
            previous_passwords: Vec::new(),
            password_last_used_at: None,
        }
    }

    pub fn display_name(&self) -> String {
        match (&self.first_name, &self.last_name) {
            (Some(f), Some(l)) => format!("{f} {l}"),
            (Some(f), None) => f.clone(),
            (None, Some(l)) => l.clone(),
            (None, None) => self.email.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Membership {
    pub id: String,
    pub user_id: String,
    pub organization_id: String,
    /// `active`, `inactive` or `pending` (invited, not yet accepted).
    pub status: String,
    pub role_slugs: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Membership {
    pub fn to_json(&self, user: &User, organization_name: Option<&str>) -> Value {
        json!({
            "object": "organization_membership",
            "id": self.id,
            "user_id": self.user_id,
            "organization_id": self.organization_id,
            "organization_name": organization_name,
            "status": self.status,
            "role": {"slug": self.role_slugs.first()},
            "roles": self.role_slugs.iter().map(|s| json!({"slug": s})).collect::<Vec<_>>(),
            "directory_managed": false,
            "custom_attributes": {},
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "user": user,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Role {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
    pub default: bool,
    /// An organization role's organization; none for the environment's roles.
    pub organization_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Role {
    pub fn to_json(&self) -> Value {
        json!({
            "object": "role",
            "id": self.id,
            "slug": self.slug,
            "name": self.name,
            "description": self.description,
            "type": if self.organization_id.is_some() { "OrganizationRole" } else { "EnvironmentRole" },
            "resource_type_slug": "organization",
            "permissions": self.permissions,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }

    /// As `role.*` and `organization_role.*` events carry it.
    pub fn to_event_json(&self) -> Value {
        let mut out = self.to_json();
        if let Some(org) = &self.organization_id {
            out["object"] = json!("organization_role");
            out["organization_id"] = json!(org);
        }
        out
    }
}

/// A group of an organization's members (`/organizations/{id}/groups`).
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub description: Option<String>,
    /// Organization membership ids.
    pub members: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Group {
    pub fn to_json(&self) -> Value {
        json!({
            "object": "group",
            "id": self.id,
            "organization_id": self.organization_id,
            "name": self.name,
            "description": self.description,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: String,
    pub email: String,
    pub organization_id: String,
    pub user_id: String,
    pub inviter_user_id: Option<String>,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub state: String,
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// The role the invited person gets; none: the environment's default.
    pub role_slug: Option<String>,
    pub accepted_user_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Invitation {
    /// WorkOS's invitation object, as events carry it: without the token, which
    /// only the inviter's own API calls see.
    pub fn to_event_json(&self) -> Value {
        let at = |state: &str| (self.state == state).then(|| self.updated_at.clone());
        json!({
            "object": "invitation",
            "id": self.id,
            "email": self.email,
            "state": self.state,
            "accepted_at": at("accepted"),
            "revoked_at": at("revoked"),
            "expires_at": crate::clock::iso(self.expires_at),
            "organization_id": self.organization_id,
            "inviter_user_id": self.inviter_user_id,
            "accepted_user_id": self.accepted_user_id,
            "role_slug": self.role_slug,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }

    /// The public API's invitation: the event's, with the token and the link
    /// that accepts it (the inviter's to send, or WorkOS's email's).
    pub fn to_json(&self, base_url: &str) -> Value {
        let mut out = self.to_event_json();
        out["token"] = json!(self.token);
        out["accept_invitation_url"] = json!(format!("{base_url}/user_management/invitations/accept?invitation_token={}", self.token));
        out
    }
}

/// An AuthKit session: what a `sid` claim names.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub organization_id: Option<String>,
    pub active: bool,
    /// `active`, `revoked` or `expired` (the public API's `status`).
    pub status: String,
    /// How the user proved who they are: `password` (the hosted page's form or
    /// its user buttons) or `passkey`; the public API's `auth_method`.
    pub auth_method: String,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub last_activity_at: String,
    pub expires_at: String,
    pub ended_at: Option<String>,
}

impl Session {
    /// The public API's shape (`GET /user_management/users/{id}/sessions`).
    pub fn to_json(&self) -> Value {
        // `organization_id` is a string when there is one, absent otherwise (the spec's).
        let mut out = json!({
            "object": "session",
            "id": self.id,
            "user_id": self.user_id,
            "ip_address": self.ip_address,
            "user_agent": self.user_agent,
            "auth_method": self.auth_method,
            "status": self.status,
            "expires_at": self.expires_at,
            "ended_at": self.ended_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        });
        if let Some(org) = &self.organization_id {
            out["organization_id"] = json!(org);
        }
        out
    }
}

/// An email the emulator "sent": kept in the outbox for people and tests to read.
#[derive(Debug, Clone, Serialize)]
pub struct Email {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The one-time code the email carries, if any.
    pub code: Option<String>,
    /// What the email is for: `elevated_access`, `email_change`, …
    pub purpose: String,
    pub created_at: String,
}

/// A one-time code sent by email: identity checks before sensitive changes, and
/// the confirmation of a new email address.
#[derive(Debug, Clone)]
pub struct EmailChallenge {
    pub id: String,
    pub user_id: String,
    pub code: String,
    pub expires_at: i64,
    /// For an email change: the address the code was sent to.
    pub new_email: Option<String>,
}

/// Proof of a recent identity check, sent as `x-elevated-access-token`.
#[derive(Debug, Clone)]
pub struct ElevatedAccess {
    pub user_id: String,
    pub expires_at: i64,
}

/// An authenticator-app (TOTP) factor; `verified` once its first code matched.
#[derive(Debug, Clone)]
pub struct TotpFactor {
    pub id: String,
    pub user_id: String,
    /// Base32, as authenticator apps take it.
    pub secret: String,
    pub issuer: String,
    pub account: String,
    pub verified: bool,
    /// The last time step accepted: a code is good once (RFC 6238 §5.2).
    pub last_step: Option<u64>,
    pub last_used_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl TotpFactor {
    /// The public API's `authentication_factor` (no secret once enrolled).
    pub fn to_json(&self) -> Value {
        json!({
            "object": "authentication_factor",
            "id": self.id,
            "type": "totp",
            "user_id": self.user_id,
            "totp": {"issuer": self.issuer, "user": self.account},
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }
}

/// A challenge to answer with a factor's code.
#[derive(Debug, Clone)]
pub struct TotpChallenge {
    pub id: String,
    pub factor_id: String,
    pub user_id: String,
    pub expires_at: i64,
    pub created_at: String,
}

/// Who an API key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiKeyOwner {
    Organization { organization_id: String },
    /// A user's own key, scoped to one of their organizations.
    User { user_id: String, organization_id: String },
}

impl ApiKeyOwner {
    pub fn organization_id(&self) -> &str {
        match self {
            ApiKeyOwner::Organization { organization_id } | ApiKeyOwner::User { organization_id, .. } => organization_id,
        }
    }
}

/// An API key an organization (or one of its users) issued for its own API clients.
#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: String,
    pub owner: ApiKeyOwner,
    pub name: String,
    /// The full secret: shown once when created; kept to validate presented keys.
    pub value: String,
    pub permissions: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    pub last_used_at: Option<String>,
    pub expires_at: Option<String>,
}

impl ApiKey {
    /// `sk_...` and the last four characters (WorkOS's documented form): all a
    /// list ever shows again.
    pub fn obfuscated(&self) -> String {
        let tail = &self.value[self.value.len().saturating_sub(4)..];
        format!("sk_...{tail}")
    }

    pub fn is_expired(&self, now_iso: &str) -> bool {
        self.expires_at.as_deref().is_some_and(|e| e <= now_iso)
    }

    /// The public API's shape (`owner` tagged by `type`).
    pub fn to_json(&self) -> Value {
        let owner = match &self.owner {
            ApiKeyOwner::Organization { organization_id } => json!({"type": "organization", "id": organization_id}),
            ApiKeyOwner::User { user_id, organization_id } => {
                json!({"type": "user", "id": user_id, "organization_id": organization_id})
            }
        };
        json!({
            "object": "api_key",
            "id": self.id,
            "owner": owner,
            "name": self.name,
            "obfuscated_value": self.obfuscated(),
            "last_used_at": self.last_used_at,
            "expires_at": self.expires_at,
            "permissions": self.permissions,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }
}

/// A single-use authorization code handed to `redirect_uri`.
#[derive(Debug, Clone)]
pub struct AuthCode {
    pub session_id: String,
    pub user_id: String,
    pub organization_id: Option<String>,
    pub code_challenge: Option<String>,
    pub expires_at: i64,
}

/// A single-use, rotating refresh token.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub session_id: String,
    pub user_id: String,
    pub organization_id: Option<String>,
}

/// A sign-in in progress on the hosted page (the validated authorize parameters,
/// and how far the user got).
#[derive(Debug, Clone)]
pub struct AuthRequest {
    pub redirect_uri: String,
    pub state: Option<String>,
    pub organization_id: Option<String>,
    pub code_challenge: Option<String>,
    pub login_hint: Option<String>,
    pub expires_at: i64,
    /// Set once the first factor (password, or the user's button) passed.
    pub user_id: Option<String>,
    /// Set once the authenticator-app code passed (users with a TOTP factor).
    pub mfa_passed: bool,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

/// An identity provider's signing certificate on a SAML connection.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub id: String,
    pub value: String,
    pub not_before: String,
    pub not_after: String,
}

/// An SSO connection. `connection_type` is the public API's (`OktaSAML`, `GenericOIDC`, …).
#[derive(Debug, Clone)]
pub struct Connection {
    pub id: String,
    pub organization_id: String,
    pub connection_type: String,
    pub name: String,
    /// `draft`, `validating`, `active`, `inactive` (the public API's `state`).
    pub state: String,
    pub domains: Vec<String>,
    pub certificates: Vec<Certificate>,
    /// What the portal's setup took: the IdP metadata URL or XML.
    pub idp_metadata: Option<String>,
    pub last_session_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Connection {
    pub fn is_saml(&self) -> bool {
        self.connection_type.ends_with("SAML")
    }

    /// The public API's shape (`GET /connections`).
    pub fn to_json(&self) -> Value {
        json!({
            "object": "connection",
            "id": self.id,
            "organization_id": self.organization_id,
            "connection_type": self.connection_type,
            "name": self.name,
            "state": self.state,
            "status": if self.state == "active" { "linked" } else { "unlinked" },
            "domains": self.domains.iter().map(|d| json!({
                "id": crate::ids::stable_id("conn_domain", &format!("{}:{d}", self.id), 0),
                "object": "connection_domain",
                "domain": d,
            })).collect::<Vec<_>>(),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }
}

/// A directory (SCIM or HRIS) provisioning an organization's users and groups.
#[derive(Debug, Clone)]
pub struct Directory {
    pub id: String,
    pub organization_id: String,
    /// The public API's type string: `okta scim v2.0`, `gsuite directory`, …
    pub directory_type: String,
    /// `linked`, `validating`, `invalid_credentials`, `unlinked`, `deleting`.
    pub state: String,
    pub name: String,
    pub domain: Option<String>,
    pub external_key: String,
    pub last_sync_run_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone)]
pub struct DirectoryUser {
    pub id: String,
    pub directory_id: String,
    pub organization_id: String,
    pub idp_id: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// `active`, `suspended` or `inactive`.
    pub state: String,
    pub group_ids: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone)]
pub struct DirectoryGroup {
    pub id: String,
    pub idp_id: String,
    pub directory_id: String,
    pub organization_id: String,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
}

impl DirectoryGroup {
    pub fn to_json(&self) -> Value {
        json!({
            "object": "directory_group",
            "id": self.id,
            "idp_id": self.idp_id,
            "directory_id": self.directory_id,
            "organization_id": self.organization_id,
            "name": self.name,
            "raw_attributes": {},
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }
}

/// An organization's audit-log stream to a SIEM.
#[derive(Debug, Clone)]
pub struct AuditLogStream {
    pub id: String,
    pub organization_id: String,
    /// `Datadog`, `Splunk`, `S3`, `GoogleCloudStorage`, `GenericHttps`, `AzureSentinel`, `Snowflake`.
    pub stream_type: String,
    /// `Active`, `Inactive`, `Error`, `Invalid`.
    pub state: String,
    pub settings: std::collections::BTreeMap<String, String>,
    pub error_message: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One event of the environment's log (`GET /events`, and webhook deliveries).
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub event: String,
    pub organization_id: Option<String>,
    pub data: Value,
    pub created_at: String,
}

impl Event {
    pub fn to_json(&self) -> Value {
        json!({"object": "event", "id": self.id, "event": self.event, "data": self.data, "created_at": self.created_at})
    }
}

/// A short-lived Admin Portal link: one organization, one intent.
#[derive(Debug, Clone)]
pub struct PortalLink {
    pub secret: String,
    pub organization_id: String,
    pub intent: String,
    pub return_url: Option<String>,
    pub success_url: Option<String>,
    pub expires_at: i64,
}

/// An audit-log event an application recorded for an organization (`POST /audit_logs/events`).
#[derive(Debug, Clone)]
pub struct AuditLogEntry {
    pub id: String,
    pub organization_id: String,
    pub action: String,
    pub occurred_at: String,
    pub actor: String,
    pub targets: Vec<String>,
    pub location: String,
}

/// An open portal: one organization, one intent, and where to send the browser after.
#[derive(Debug, Clone)]
pub struct PortalSession {
    pub id: String,
    pub organization_id: String,
    pub intent: String,
    pub return_url: Option<String>,
    pub success_url: Option<String>,
    pub expires_at: i64,
    /// The SSO connection being set up in this session.
    pub connection_id: Option<String>,
    /// The directory being set up in this session.
    pub directory_id: Option<String>,
    /// The log-stream destination chosen in this session.
    pub stream_type: Option<String>,
}

/// A passkey a user registered through the UserSecurity widget.
#[derive(Debug, Clone)]
pub struct StoredPasskey {
    pub id: String,
    pub user_id: String,
    pub credential: Passkey,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PendingRegistration {
    pub user_id: String,
    pub origin: Url,
    pub state: PasskeyRegistration,
    pub expires_at: i64,
}

/// A sign-in that passed its first factor and waits for one more step
/// (`pending_authentication_token`): choosing an organization, an
/// authenticator-app code, or the code emailed to verify the address.
#[derive(Debug, Clone)]
pub struct PendingAuth {
    pub user_id: String,
    /// `organization_selection`, `mfa_challenge` or `email_verification`.
    pub step: String,
    pub auth_method: String,
    /// For `mfa_challenge`: the challenge the code answers.
    pub challenge_id: Option<String>,
    /// For `email_verification`: the code sent.
    pub code: Option<String>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub expires_at: i64,
}

/// A magic-auth code emailed for passwordless sign-in (`POST /user_management/magic_auth`).
#[derive(Debug, Clone)]
pub struct MagicAuth {
    pub id: String,
    pub email: String,
    pub user_id: String,
    pub code: String,
    pub expires_at: String,
    pub created_at: String,
    pub used: bool,
}

impl MagicAuth {
    pub fn to_json(&self) -> Value {
        json!({
            "object": "magic_auth",
            "id": self.id,
            "user_id": self.user_id,
            "email": self.email,
            "code": self.code,
            "expires_at": self.expires_at,
            "created_at": self.created_at,
            "updated_at": self.created_at,
        })
    }
}

/// A version of an audit-log action's schema (`POST /audit_logs/actions/{action}/schemas`).
#[derive(Debug, Clone)]
pub struct AuditLogSchema {
    pub action: String,
    pub version: u32,
    pub actor: Option<Value>,
    pub targets: Vec<Value>,
    pub metadata: Option<Value>,
    pub created_at: String,
}

impl AuditLogSchema {
    pub fn to_json(&self) -> Value {
        let mut out = json!({
            "object": "audit_log_schema",
            "version": self.version,
            "targets": self.targets,
            "created_at": self.created_at,
        });
        if let Some(a) = &self.actor {
            out["actor"] = a.clone();
        }
        if let Some(m) = &self.metadata {
            out["metadata"] = m.clone();
        }
        out
    }
}

/// An export of an organization's audit-log events, as CSV; ready at once.
#[derive(Debug, Clone)]
pub struct AuditLogExport {
    pub id: String,
    pub organization_id: String,
    pub csv: String,
    pub created_at: String,
}
