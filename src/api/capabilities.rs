//! What WorkOS holds now for one capability: the return page shows it after a
//! widget or portal flow, so the effect is seen outside the widget.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::orgs::MemberRow;
use crate::error::AppError;

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
    pub events: Vec<super::events::EventRow>,
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

/// The state of the capability behind widget `slug`, for the session's user and
/// organization; with `flow`, also how that Admin Portal flow ended (recorded
/// the first time) and what changed since it started.
#[server(endpoint = "capability_now")]
pub async fn capability_now(slug: String, flow: Option<String>, outcome: Option<String>) -> Result<ReturnState, AppError> {
    use crate::catalog::WidgetInfo;
    use crate::server::auth::CurrentSession;
    use crate::server::state::AppState;

    let widget = WidgetInfo::by_slug(&slug).ok_or_else(|| AppError::UnknownWidget { slug: slug.clone() })?;
    let session = CurrentSession::current()?;
    let state = AppState::current()?;
    // Back from a widget or the hosted portal: whatever it changed, the
    // dashboard reads afresh too.
    state.feed.forget(session.organization_id.as_deref(), Some(&session.user_id)).await;
    let now = calls::state_of(&state.workos, widget, &session).await?;
    let Some(flow_id) = flow.filter(|f| !f.is_empty()) else {
        return Ok(ReturnState { now, flow: None });
    };
    let org = session.organization_id.clone().ok_or_else(|| AppError::NoOrganization { email: session.email.clone() })?;
    use crate::server::store::{db_error, now_iso};
    // Only the organization and user that started a flow may see it.
    let found = state.store.flow(&flow_id, &org, &session.user_id).await.map_err(db_error)?;
    let Some(record) = found.filter(|f| f.slug == widget.slug) else {
        return Err(AppError::Invalid { field: Some("flow".into()), message: "This Admin Portal flow is not one of yours.".into() });
    };
    let outcome = match outcome.as_deref() {
        Some("completed") => "completed",
        Some("returned") => "returned",
        _ => "abandoned",
    };
    // The first return decides the outcome; later views show that one.
    let (outcome, ended_at) = match (record.outcome.clone(), record.ended_at.clone()) {
        (Some(o), at) => (o, at),
        (None, _) => {
            let at = now_iso();
            state.store.end_flow(&record.id, outcome, &at).await.map_err(db_error)?;
            (outcome.to_string(), Some(at))
        }
    };
    let before: Option<CapabilityState> = serde_json::from_str(&record.snapshot).ok();
    let since = crate::server::store::EventQuery { organization_id: Some(org), since: Some(record.started_at.clone()), limit: 50, ..Default::default() };
    let events = state.store.events(&since).await.map_err(db_error)?.into_iter().map(super::events::row).collect();
    Ok(ReturnState {
        flow: Some(FlowView {
            intent: record.intent,
            started_at: record.started_at,
            ended_at,
            outcome: Some(outcome),
            changes: before.map(|b| changes(&b, &now)).unwrap_or_default(),
            events,
        }),
        now,
    })
}

#[cfg(feature = "ssr")]
pub(crate) mod calls {
    use super::*;
    use crate::catalog::{WidgetInfo, WidgetKind};
    use crate::server::auth::CurrentSession;
    use crate::server::widget_api;
    use crate::server::workos::{display_name, explain};
    use workos::resources::api_keys::ListOrganizationApiKeysParams;
    use workos::resources::multi_factor_auth::ListUserAuthFactorsParams;
    use workos::resources::user_management::ListSessionsParams;

    /// The capability's state now, as the session's user may see it.
    pub async fn state_of(client: &workos::Client, widget: &WidgetInfo, session: &CurrentSession) -> Result<CapabilityState, AppError> {
        if let Some(permission) = widget.missing_permission(&session.permissions) {
            return Err(AppError::MissingPermission { permission: permission.into(), role: session.role.clone() });
        }
        let org = || session.organization_id.clone().ok_or_else(|| AppError::NoOrganization { email: session.email.clone() });
        match widget.kind {
            WidgetKind::Profile => match client.user_management().get_user(&session.user_id).await {
                Ok(u) => Ok(CapabilityState::Profile { name: display_name(&u), email: u.email, email_verified: u.email_verified, locale: u.locale }),
                Err(e) => Err(explain(client, e).await),
            },
            WidgetKind::Security => {
                let params = ListUserAuthFactorsParams { limit: Some(10), ..Default::default() };
                match client.multi_factor_auth().list_user_auth_factors(&session.user_id, params).await {
                    Ok(f) => Ok(CapabilityState::Security { authenticator_app: f.data.iter().any(|f| f.type_.as_str() == "totp") }),
                    Err(e) => Err(explain(client, e).await),
                }
            }
            WidgetKind::Sessions => {
                let params = ListSessionsParams { limit: Some(100), ..Default::default() };
                match client.user_management().list_sessions(&session.user_id, params).await {
                    Ok(page) => Ok(CapabilityState::Sessions {
                        sessions: page
                            .data
                            .into_iter()
                            .map(|s| SessionRow {
                                current: s.id == session.session_id,
                                id: s.id,
                                user_agent: s.user_agent,
                                ip_address: s.ip_address,
                                status: s.status.as_str().to_string(),
                                created_at: s.created_at,
                            })
                            .collect(),
                    }),
                    Err(e) => Err(explain(client, e).await),
                }
            }
            WidgetKind::ApiKeys => {
                let org_id = org()?;
                let params = ListOrganizationApiKeysParams { limit: Some(100), ..Default::default() };
                let (organizations, api_keys) = (client.organizations(), client.api_keys());
                let (organization, keys) =
                    tokio::join!(organizations.get_organization(&org_id), api_keys.list_organization_api_keys(&org_id, params));
                let (organization, keys) = match (organization, keys) {
                    (Ok(o), Ok(k)) => (o, k),
                    (Err(e), _) | (_, Err(e)) => return Err(explain(client, e).await),
                };
                Ok(CapabilityState::ApiKeys {
                    org_name: organization.name,
                    keys: keys
                        .data
                        .into_iter()
                        .map(|k| KeyRow { name: k.name, obfuscated_value: k.obfuscated_value, permissions: k.permissions, expires_at: k.expires_at })
                        .collect(),
                })
            }
            WidgetKind::Sso | WidgetKind::Domains | WidgetKind::DirectorySync | WidgetKind::AuditLogStreaming => {
                use crate::api::orgs::calls;
                let org_id = org()?;
                let organization = match client.organizations().get_organization(&org_id).await {
                    Ok(o) => o,
                    Err(e) => return Err(explain(client, e).await),
                };
                let org_name = organization.name.clone();
                Ok(match widget.kind {
                    WidgetKind::Sso => {
                        let (connections, ends) =
                            tokio::join!(calls::connections(client, &org_id), widget_api::certificate_ends(client, &org_id, &session.user_id));
                        let mut connections = connections?;
                        for (id, at) in ends? {
                            if let Some(c) = connections.iter_mut().find(|c| c.id == id) {
                                c.certificate_ends = Some(at);
                            }
                        }
                        CapabilityState::Sso { org_name, connections }
                    }
                    WidgetKind::DirectorySync => CapabilityState::Directories { org_name, directories: calls::directories(client, &org_id).await? },
                    WidgetKind::Domains => CapabilityState::Domains {
                        org_name,
                        domains: organization
                            .domains
                            .iter()
                            .map(|d| DomainRow { domain: d.domain.clone(), state: d.state.as_ref().map_or("unknown", |s| s.as_str()).to_string() })
                            .collect(),
                    },
                    _ => CapabilityState::AuditLogStream { org_name, stream: widget_api::log_stream(client, &org_id, &session.user_id).await? },
                })
            }
            WidgetKind::OrganizationSwitcher => match client.organizations().get_organization(&org()?).await {
                Ok(o) => Ok(CapabilityState::Organization { org_name: o.name }),
                Err(e) => Err(explain(client, e).await),
            },
            WidgetKind::Users => {
                let (org, members, invitations) = crate::api::orgs::calls::organization_and_members(client, &org()?).await?;
                Ok(CapabilityState::Members { org_name: org.name, members, invitations })
            }
        }
    }
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
