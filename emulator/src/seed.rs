//! The TOML seed: what the emulator's WorkOS environment holds at start and after a reset.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

/// The seed shipped with the emulator (`emulator/seed.toml`).
pub const DEFAULT_SEED: &str = include_str!("../seed.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    pub environment: EnvironmentSeed,
    #[serde(default)]
    pub roles: Vec<RoleSeed>,
    #[serde(default)]
    pub organizations: Vec<OrganizationSeed>,
    #[serde(default)]
    pub users: Vec<UserSeed>,
    #[serde(default)]
    pub memberships: Vec<MembershipSeed>,
    /// What an API key may be granted (the Dashboard's API-key permissions).
    #[serde(default)]
    pub api_key_permissions: Vec<ApiKeyPermissionSeed>,
    #[serde(default)]
    pub api_keys: Vec<ApiKeySeed>,
    #[serde(default)]
    pub connections: Vec<ConnectionSeed>,
    #[serde(default)]
    pub directories: Vec<DirectorySeed>,
    #[serde(default)]
    pub audit_log_streams: Vec<AuditLogStreamSeed>,
    /// Where events are delivered (more can be added at run time).
    #[serde(default)]
    pub webhook_endpoints: Vec<WebhookEndpointSeed>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookEndpointSeed {
    pub url: String,
    pub secret: String,
    /// Event types; empty for all.
    #[serde(default)]
    pub events: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionSeed {
    pub key: String,
    pub organization: String,
    /// The public API's type: `OktaSAML`, `GenericSAML`, `GoogleSAML`, `GenericOIDC`, …
    pub connection_type: String,
    pub name: String,
    #[serde(default = "default_connection_state")]
    pub state: String,
    #[serde(default)]
    pub domains: Vec<String>,
    /// SAML only: the signing certificate expires this many days after the emulator starts.
    #[serde(default = "default_certificate_days")]
    pub certificate_days_left: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectorySeed {
    pub key: String,
    pub organization: String,
    /// The public API's type: `okta scim v2.0`, `gsuite directory`, …
    pub directory_type: String,
    pub name: String,
    #[serde(default = "default_directory_state")]
    pub state: String,
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub users: Vec<DirectoryUserSeed>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectoryUserSeed {
    pub email: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default = "default_status")]
    pub state: String,
    #[serde(default)]
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditLogStreamSeed {
    pub organization: String,
    /// `Datadog`, `Splunk`, `S3`, `GoogleCloudStorage`, `GenericHttps`, `AzureSentinel`, `Snowflake`.
    pub stream_type: String,
    #[serde(default = "default_stream_state")]
    pub state: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentSeed {
    pub api_key: String,
    pub client_id: String,
    #[serde(default = "default_signing_key_seed")]
    pub signing_key_seed: String,
    #[serde(default)]
    pub cors_origins: Vec<String>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// When the seeded entities were created (ISO 8601); fixes their IDs' time part.
    #[serde(default = "default_created_at")]
    pub created_at: String,
    /// The name authenticator apps and emails show.
    #[serde(default = "default_team_name")]
    pub team_name: String,
    #[serde(default)]
    pub password_policy: PasswordPolicy,
}

/// The Dashboard's password strength settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicy {
    #[serde(default = "default_min_length")]
    pub min_length: usize,
    #[serde(default)]
    pub require_uppercase: bool,
    #[serde(default)]
    pub require_number: bool,
    #[serde(default)]
    pub require_symbol: bool,
    /// Refuse passwords on the emulator's short list of breached passwords.
    #[serde(default)]
    pub refuse_pwned: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy { min_length: default_min_length(), require_uppercase: false, require_number: false, require_symbol: false, refuse_pwned: false }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyPermissionSeed {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeySeed {
    pub key: String,
    pub organization: String,
    pub name: String,
    /// The secret itself, so that tests and docs can present it.
    pub value: String,
    #[serde(default)]
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSeed {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub permissions: Vec<String>,
    #[serde(default)]
    pub default: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSeed {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub domains: Vec<DomainSeed>,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
    #[serde(default)]
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainSeed {
    pub domain: String,
    #[serde(default = "default_domain_state")]
    pub state: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSeed {
    pub key: String,
    pub email: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    pub password: String,
    #[serde(default = "yes")]
    pub email_verified: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembershipSeed {
    pub user: String,
    pub organization: String,
    pub role: String,
    #[serde(default = "default_status")]
    pub status: String,
}

fn default_signing_key_seed() -> String {
    "workos-emulator".into()
}
fn default_created_at() -> String {
    "2026-01-01T00:00:00.000Z".into()
}
fn default_connection_state() -> String {
    "active".into()
}
fn default_certificate_days() -> i64 {
    365
}
fn default_directory_state() -> String {
    "linked".into()
}
fn default_stream_state() -> String {
    "Active".into()
}
fn default_team_name() -> String {
    "WorkOS Emulator".into()
}
fn default_min_length() -> usize {
    8
}
fn default_domain_state() -> String {
    "verified".into()
}
fn default_status() -> String {
    "active".into()
}
fn yes() -> bool {
    true
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot read seed file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("seed is not valid TOML for the emulator: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("seed is inconsistent: {0}")]
    Invalid(String),
}

/// How far from today a seeded certificate may end: a century either way.
const CERTIFICATE_DAYS: i64 = 36_500;

impl Seed {
    pub fn default_seed() -> Self {
        Self::parse(DEFAULT_SEED).expect("the bundled seed.toml is valid")
    }

    pub fn from_file(path: &Path) -> Result<Self, SeedError> {
        let text = std::fs::read_to_string(path).map_err(|source| SeedError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Self, SeedError> {
        let seed: Seed = toml::from_str(text)?;
        seed.validate()?;
        Ok(seed)
    }

    fn validate(&self) -> Result<(), SeedError> {
        let bad = |m: String| Err(SeedError::Invalid(m));
        if !self.environment.api_key.starts_with("sk_") {
            return bad("environment.api_key must start with `sk_`".into());
        }
        if !self.environment.client_id.starts_with("client_") {
            return bad("environment.client_id must start with `client_`".into());
        }
        if chrono::DateTime::parse_from_rfc3339(&self.environment.created_at).is_err() {
            return bad("environment.created_at must be an ISO 8601 timestamp".into());
        }
        let roles = unique(self.roles.iter().map(|r| r.slug.as_str()), "role slug")?;
        let orgs = unique(self.organizations.iter().map(|o| o.key.as_str()), "organization key")?;
        let users = unique(self.users.iter().map(|u| u.key.as_str()), "user key")?;
        unique(self.users.iter().map(|u| u.email.as_str()), "user email")?;
        if self.roles.iter().filter(|r| r.default).count() > 1 {
            return bad("at most one role may be `default = true`".into());
        }
        for d in self.organizations.iter().flat_map(|o| &o.domains) {
            if !matches!(d.state.as_str(), "verified" | "pending" | "failed" | "legacy_verified") {
                return bad(format!("domain {} has unknown state `{}`", d.domain, d.state));
            }
        }
        let mut pairs = HashSet::new();
        for m in &self.memberships {
            if !users.contains(m.user.as_str()) {
                return bad(format!("membership names unknown user `{}`", m.user));
            }
            if !orgs.contains(m.organization.as_str()) {
                return bad(format!("membership names unknown organization `{}`", m.organization));
            }
            if !roles.contains(m.role.as_str()) {
                return bad(format!("membership names unknown role `{}`", m.role));
            }
            if !matches!(m.status.as_str(), "active" | "inactive" | "pending") {
                return bad(format!("membership status `{}` is not active|inactive|pending", m.status));
            }
            if !pairs.insert((m.user.as_str(), m.organization.as_str())) {
                return bad(format!("user `{}` is in `{}` twice", m.user, m.organization));
            }
        }
        let permissions = unique(self.api_key_permissions.iter().map(|p| p.slug.as_str()), "API-key permission")?;
        unique(self.api_keys.iter().map(|k| k.key.as_str()), "API key")?;
        for k in &self.api_keys {
            if !orgs.contains(k.organization.as_str()) {
                return bad(format!("API key `{}` names unknown organization `{}`", k.key, k.organization));
            }
            if let Some(p) = k.permissions.iter().find(|p| !permissions.contains(p.as_str())) {
                return bad(format!("API key `{}` names unknown permission `{p}`", k.key));
            }
        }
        for c in &self.connections {
            if !orgs.contains(c.organization.as_str()) {
                return bad(format!("connection `{}` names unknown organization `{}`", c.key, c.organization));
            }
            if !matches!(c.state.as_str(), "draft" | "validating" | "active" | "inactive") {
                return bad(format!("connection `{}` has unknown state `{}`", c.key, c.state));
            }
            if !(-CERTIFICATE_DAYS..=CERTIFICATE_DAYS).contains(&c.certificate_days_left) {
                return bad(format!("connection `{}`: certificate_days_left must be within ±{CERTIFICATE_DAYS} days", c.key));
            }
        }
        unique(self.connections.iter().map(|c| c.key.as_str()), "connection key")?;
        unique(self.directories.iter().map(|d| d.key.as_str()), "directory key")?;
        for d in &self.directories {
            if !orgs.contains(d.organization.as_str()) {
                return bad(format!("directory `{}` names unknown organization `{}`", d.key, d.organization));
            }
            for u in &d.users {
                if let Some(g) = u.groups.iter().find(|g| !d.groups.contains(g)) {
                    return bad(format!("directory `{}` user {} is in unknown group `{g}`", d.key, u.email));
                }
            }
        }
        for a in &self.audit_log_streams {
            if !orgs.contains(a.organization.as_str()) {
                return bad(format!("audit-log stream names unknown organization `{}`", a.organization));
            }
        }
        if self.environment.password_policy.min_length < 1 {
            return bad("environment.password_policy.min_length must be at least 1".into());
        }
        Ok(())
    }
}

fn unique<'a>(items: impl Iterator<Item = &'a str>, what: &str) -> Result<HashSet<&'a str>, SeedError> {
    let mut seen = HashSet::new();
    for item in items {
        if !seen.insert(item) {
            return Err(SeedError::Invalid(format!("duplicate {what} `{item}`")));
        }
    }
    Ok(seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_seed_has_what_the_docs_promise() {
        let seed = Seed::default_seed();
        assert_eq!(seed.environment.api_key, "sk_test_emulator");
        assert_eq!(seed.environment.client_id, "client_emulator");
        assert!(seed.organizations.len() >= 2);
        let admin = seed.roles.iter().find(|r| r.slug == "admin").unwrap();
        assert!(admin.permissions.iter().any(|p| p == "widgets:users-table:manage"));
        let member = seed.roles.iter().find(|r| r.slug == "member").unwrap();
        assert!(member.permissions.is_empty());
        let orgless = seed
            .users
            .iter()
            .filter(|u| !seed.memberships.iter().any(|m| m.user == u.key))
            .count();
        assert!(orgless >= 1, "a user in no organization");
    }

    #[test]
    fn unknown_reference_is_reported() {
        let text = DEFAULT_SEED.replace("role = \"member\"", "role = \"owner\"");
        let err = Seed::parse(&text).unwrap_err().to_string();
        assert!(err.contains("unknown role `owner`"), "{err}");
    }

    #[test]
    fn bad_api_key_is_reported() {
        let text = DEFAULT_SEED.replace("sk_test_emulator", "test_emulator");
        let err = Seed::parse(&text).unwrap_err().to_string();
        assert!(err.contains("api_key"), "{err}");
    }
}
