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
    pub name: String,
    pub connection_type: String,
    pub state: String,
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
    /// WorkOS has no public API for log streams: only the widget shows one.
    AuditLogStream { org_name: String },
    Members { org_name: String, members: Vec<MemberRow>, invitations: Vec<MemberRow> },
    Profile { name: String, email: String, email_verified: bool, locale: Option<String> },
    Security { authenticator_app: bool },
    Sessions { sessions: Vec<SessionRow> },
    ApiKeys { org_name: String, keys: Vec<KeyRow> },
    Organization { org_name: String },
}

/// The state of the capability behind widget `slug`, for the session's user and organization.
#[server(endpoint = "capability_now")]
pub async fn capability_now(slug: String) -> Result<CapabilityState, AppError> {
    use crate::catalog::{WidgetInfo, WidgetKind};
    use crate::server::auth::CurrentSession;
    use crate::server::state::AppState;
    use crate::server::workos::{display_name, explain};
    use workos::resources::api_keys::ListOrganizationApiKeysParams;
    use workos::resources::multi_factor_auth::ListUserAuthFactorsParams;
    use workos::resources::user_management::ListSessionsParams;

    let widget = WidgetInfo::by_slug(&slug).ok_or_else(|| AppError::UnknownWidget { slug: slug.clone() })?;
    let session = CurrentSession::current()?;
    if let Some(permission) = widget.missing_permission(&session.permissions) {
        return Err(AppError::MissingPermission { permission: permission.into(), role: session.role });
    }
    let state = AppState::current()?;
    let client = &state.workos;
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
            use super::orgs::calls;
            let org_id = org()?;
            let organization = match client.organizations().get_organization(&org_id).await {
                Ok(o) => o,
                Err(e) => return Err(explain(client, e).await),
            };
            let org_name = organization.name.clone();
            Ok(match widget.kind {
                WidgetKind::Sso => CapabilityState::Sso { org_name, connections: calls::connections(client, &org_id).await? },
                WidgetKind::DirectorySync => CapabilityState::Directories { org_name, directories: calls::directories(client, &org_id).await? },
                WidgetKind::Domains => CapabilityState::Domains {
                    org_name,
                    domains: organization
                        .domains
                        .iter()
                        .map(|d| DomainRow { domain: d.domain.clone(), state: d.state.as_ref().map_or("unknown", |s| s.as_str()).to_string() })
                        .collect(),
                },
                _ => CapabilityState::AuditLogStream { org_name },
            })
        }
        WidgetKind::OrganizationSwitcher => match client.organizations().get_organization(&org()?).await {
            Ok(o) => Ok(CapabilityState::Organization { org_name: o.name }),
            Err(e) => Err(explain(client, e).await),
        },
        WidgetKind::Users => {
            let (org, members, invitations) = super::orgs::calls::organization_and_members(client, &org()?).await?;
            Ok(CapabilityState::Members { org_name: org.name, members, invitations })
        }
    }
}
