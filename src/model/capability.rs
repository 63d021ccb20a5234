//! What WorkOS holds now for one capability (a widget type's ground): the
//! return page shows it after a widget or portal flow, and a flow keeps it as
//! its snapshot, so the effect is seen outside the widget.

use serde::{Deserialize, Serialize};

use super::organization::MemberRow;
use super::events::EventRow;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: String,
    pub current: bool,
    pub user_agent: Option<String>,
    pub ip_address: Option<String>,
    pub status: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRow {
    pub name: String,
    pub obfuscated_value: String,
    pub permissions: Vec<String>,
    pub expires_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionRow {
    pub id: String,
    pub name: String,
    pub connection_type: String,
    pub state: String,
    /// When its SAML signing certificate ends (the widget API's date; read
    /// only where it is shown).
    pub certificate_ends: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamRow {
    pub destination: String,
    pub state: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryRow {
    pub name: String,
    pub directory_type: String,
    pub state: String,
    pub active_users: usize,
    pub groups: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainRow {
    pub domain: String,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CapabilityState {
    Sso { org_name: String, connections: Vec<ConnectionRow> },
    Domains { org_name: String, domains: Vec<DomainRow> },
    Directories { org_name: String, directories: Vec<DirectoryRow> },
    /// Read through the widget API: WorkOS's public API has no log streams.
    AuditLogStream { org_name: String, stream: Option<StreamRow> },
    Members { org_name: String, members: Vec<MemberRow>, invitations: Vec<MemberRow> },
    Profile { name: String, email: String, email_verified: bool, locale: Option<String> },
    Security { authenticator_app: bool },
    Sessions { sessions: Vec<SessionRow> },
    ApiKeys { org_name: String, keys: Vec<KeyRow> },
    Organization { org_name: String },
}

/// How a hosted Admin Portal flow went, and what changed since it started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowView {
    pub intent: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub outcome: Option<String>,
    pub changes: Vec<String>,
    /// WorkOS events about the organization received since the flow started.
    pub events: Vec<EventRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnState {
    pub now: CapabilityState,
    pub flow: Option<FlowView>,
}

impl ConnectionRow {
    /// "OktaSAML · active · certificate ends 2026-12-16"
    pub fn summary(&self) -> String {
        match &self.certificate_ends {
            Some(at) => format!("{} · {} · certificate ends {}", self.connection_type, self.state, at.get(..10).unwrap_or(at)),
            None => format!("{} · {}", self.connection_type, self.state),
        }
    }
}

impl CapabilityState {
    /// Rows keyed by their first cell (a name), for telling what changed.
    fn rows(&self) -> Vec<(String, String)> {
        let row = |key: &str, rest: String| (key.to_string(), rest);
        match self {
            CapabilityState::Sso { connections, .. } => {
                connections.iter().map(|c| row(&c.name, c.summary())).collect()
            }
            CapabilityState::AuditLogStream { stream, .. } => {
                stream.iter().map(|s| row("Audit-log stream", format!("{} · {}", s.destination, s.state))).collect()
            }
            CapabilityState::Domains { domains, .. } => domains.iter().map(|d| row(&d.domain, d.state.clone())).collect(),
            CapabilityState::Directories { directories, .. } => directories
                .iter()
                .map(|d| row(&d.name, format!("{} · {} · {} users · {} groups", d.directory_type, d.state, d.active_users, d.groups)))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// What changed between two states of one capability, in sentences.
pub fn changes(before: &CapabilityState, after: &CapabilityState) -> Vec<String> {
    let (old, new) = (before.rows(), after.rows());
    let mut out = Vec::new();
    for (key, value) in &new {
        match old.iter().find(|(k, _)| k == key) {
            None => out.push(format!("Added {key} ({value})")),
            Some((_, was)) if was != value => out.push(format!("{key}: {was} → {value}")),
            Some(_) => {}
        }
    }
    for (key, value) in &old {
        if !new.iter().any(|(k, _)| k == key) {
            out.push(format!("Removed {key} ({value})"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn okta(state: &str, ends: Option<&str>) -> ConnectionRow {
        ConnectionRow {
            id: "conn_1".into(),
            name: "Globex Okta".into(),
            connection_type: "OktaSAML".into(),
            state: state.into(),
            certificate_ends: ends.map(str::to_string),
        }
    }

    #[test]
    fn a_renewed_certificate_is_a_change_of_its_connection() {
        let sso = |ends| CapabilityState::Sso { org_name: "Globex".into(), connections: vec![okta("active", Some(ends))] };
        let said = changes(&sso("2026-12-16T10:00:00.000Z"), &sso("2029-11-25T10:00:00.000Z"));
        assert_eq!(said, vec!["Globex Okta: OktaSAML · active · certificate ends 2026-12-16 → OktaSAML · active · certificate ends 2029-11-25"]);
        assert!(changes(&sso("2026-12-16T10:00:00.000Z"), &sso("2026-12-16T10:00:00.000Z")).is_empty());
    }

    #[test]
    fn a_new_destination_replaces_the_stream() {
        let stream = |destination: &str| CapabilityState::AuditLogStream {
            org_name: "Globex".into(),
            stream: Some(StreamRow { destination: destination.into(), state: "Active".into(), error: None }),
        };
        let none = CapabilityState::AuditLogStream { org_name: "Globex".into(), stream: None };
        assert_eq!(changes(&stream("Datadog"), &stream("GenericHttps")), vec!["Audit-log stream: Datadog · Active → GenericHttps · Active"]);
        assert_eq!(changes(&none, &stream("Splunk")), vec!["Added Audit-log stream (Splunk · Active)"]);
    }
}
