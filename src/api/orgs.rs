//! The signed-in user's organization: the dashboard and the members as WorkOS reports them.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub name: String,
    pub email: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainView {
    pub domain: String,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardStatus {
    /// The user may open it.
    Open,
    /// The user's role lacks this permission.
    Forbidden { permission: String },
    /// Orgdeck does not open this widget type yet.
    NotBuilt,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub slug: String,
    pub title: String,
    pub purpose: String,
    pub status: CardStatus,
    /// The capability's live state, e.g. "3 members · 1 pending invitation".
    pub detail: Option<String>,
    /// The hosted Admin Portal intent for the same ground, if any.
    pub portal_intent: Option<String>,
    /// Hosted-only intents on this card: (intent, button label).
    pub hosted_only: Vec<(String, String)>,
}

/// One of the user's recent hosted Admin Portal flows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowRow {
    pub id: String,
    pub slug: String,
    pub intent: String,
    pub started_at: String,
    /// `completed`, `returned`, `abandoned`, `in progress` or `link expired`.
    pub status: String,
}

/// How a flow stands: its recorded outcome, else "in progress" while its
/// five-minute link may still be used, else "link expired".
#[cfg(feature = "ssr")]
pub fn flow_status(outcome: Option<&str>, started_at: &str, now: &str) -> String {
    match outcome {
        Some(o) => o.to_string(),
        None => {
            let started = started_at.parse::<chrono::DateTime<chrono::Utc>>().ok();
            let now = now.parse::<chrono::DateTime<chrono::Utc>>().ok();
            match (started, now) {
                (Some(s), Some(n)) if (n - s).num_seconds() > 300 => "link expired".into(),
                _ => "in progress".into(),
            }
        }
    }
}

/// One of the user's organizations, for switching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgChoice {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDashboard {
    pub org_id: String,
    pub org_name: String,
    /// Every organization the user is an active member of (this one included).
    pub organizations: Vec<OrgChoice>,
    pub domains: Vec<DomainView>,
    pub active_members: usize,
    pub pending_invitations: usize,
    pub viewer: Viewer,
    pub cards: Vec<Card>,
    pub flows: Vec<FlowRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: String,
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The dashboard of the session's organization.
#[server(endpoint = "dashboard")]
pub async fn dashboard() -> Result<OrgDashboard, AppError> {
    use crate::catalog::{WidgetKind, CATALOG, HOSTED_ONLY_INTENTS};
    use crate::server::auth::CurrentSession;
    use crate::server::state::AppState;

    let (session, org_id) = CurrentSession::with_organization()?;
    let state = AppState::current()?;
    let (client, reads) = (&state.workos, &state.reads);
    let may = |permission: &str| session.permissions.iter().any(|p| p == permission);
    // Only what the user's role may see is read at all.
    let (this, organizations, me, api_keys, sso, dirs, stream) = tokio::join!(
        reads.organization_and_members(client, &org_id),
        reads.user_organizations(client, &session.user_id),
        reads.user(client, &session.user_id),
        async { if may("widgets:api-keys:manage") { Some(reads.api_key_count(client, &org_id).await) } else { None } },
        async { if may("widgets:sso:manage") { Some(reads.connections(client, &org_id).await) } else { None } },
        async { if may("widgets:dsync:manage") { Some(reads.directories(client, &org_id).await) } else { None } },
        async {
            match may("widgets:audit-log-streaming:manage") {
                true => Some(reads.log_stream(client, &org_id, &session.user_id).await),
                false => None,
            }
        },
    );
    let this = this?;
    let (org, members, invitations) = &*this;
    let organizations = organizations?.to_vec();
    let me = me?;
    let api_keys = api_keys.transpose()?;
    let sso = sso.transpose()?;
    let dirs = dirs.transpose()?;
    let stream = stream.transpose()?;
    let verified = org.domains.iter().filter(|d| d.state.as_ref().is_some_and(|s| s.as_str() == "verified")).count();
    let cards = CATALOG
        .iter()
        .filter(|w| w.card)
        .map(|w| {
            let status = match (w.built, w.missing_permission(&session.permissions)) {
                (_, Some(p)) => CardStatus::Forbidden { permission: p.to_string() },
                (false, None) => CardStatus::NotBuilt,
                (true, None) => CardStatus::Open,
            };
            let detail = match w.kind {
                WidgetKind::Users => Some(format!(
                    "{} · {}",
                    plural(members.len(), "member", "members"),
                    plural(invitations.len(), "pending invitation", "pending invitations")
                )),
                WidgetKind::Profile => Some(format!("{} · {}", me.name, me.email)),
                WidgetKind::Security => {
                    Some(format!("Authenticator app {}", if me.mfa_enabled { "on" } else { "off" }))
                }
                WidgetKind::Sessions => Some(plural(me.active_sessions, "active session", "active sessions")),
                WidgetKind::ApiKeys => api_keys.map(|n| plural(n, "API key", "API keys")),
                WidgetKind::Sso => sso.as_ref().map(|list| match list.first() {
                    None => "Not set up".to_string(),
                    Some(c) => format!("{} · {}", c.name, c.state),
                }),
                WidgetKind::Domains => Some(format!("{} verified · {} other", verified, org.domains.len() - verified)),
                WidgetKind::DirectorySync => dirs.as_ref().map(|list| match list.first() {
                    None => "Not set up".to_string(),
                    Some(d) => format!("{} · {} · {}", d.name, d.state, plural(d.active_users, "user", "users")),
                }),
                WidgetKind::AuditLogStreaming => stream.as_ref().map(|s| match s {
                    None => "Not set up".to_string(),
                    Some(s) => format!("{} · {}", s.destination, s.state),
                }),
                _ => None,
            };
            let portal_intent = w.portal_intent.map(str::to_string);
            let hosted_only = HOSTED_ONLY_INTENTS
                .iter()
                .filter(|(_, slug, _)| *slug == w.slug)
                .map(|(intent, _, label)| (intent.to_string(), label.to_string()))
                .collect();
            Card { slug: w.slug.into(), title: w.title.into(), purpose: w.purpose.into(), status, detail, portal_intent, hosted_only }
        })
        .collect();
    let now = crate::server::store::now_iso();
    let recent = state.store.recent_flows(&org_id, &session.user_id, 5).await.map_err(crate::server::store::db_error)?;
    let flows = recent
        .into_iter()
        .map(|f| FlowRow { status: flow_status(f.outcome.as_deref(), &f.started_at, &now), id: f.id, slug: f.slug, intent: f.intent, started_at: f.started_at })
        .collect();
    Ok(OrgDashboard {
        org_id,
        org_name: org.name.clone(),
        organizations,
        domains: org
            .domains
            .iter()
            .map(|d| DomainView {
                domain: d.domain.clone(),
                state: d.state.as_ref().map(|s| s.as_str().to_string()).unwrap_or_else(|| "unknown".into()),
            })
            .collect(),
        active_members: members.len(),
        pending_invitations: invitations.len(),
        flows,
        viewer: Viewer { name: me.name.clone(), email: me.email.clone(), role: session.role },
        cards,
    })
}

#[cfg(feature = "ssr")]
pub(crate) mod calls {
    use workos::resources::api_keys::ListOrganizationApiKeysParams;
    use workos::resources::multi_factor_auth::ListUserAuthFactorsParams;
    use workos::resources::organization_membership::ListOrganizationMembershipsParams;
    use workos::resources::user_management::ListSessionsParams;
    use workos::{UserManagementOrganizationMembershipStatuses as Status, UserOrganizationMembershipStatus};

    use super::MemberRow;
    use crate::api::capabilities::{ConnectionRow, DirectoryRow};
    use crate::error::AppError;
    use crate::server::workos::{display_name, explain};

    /// The organization, its active members and its pending invitations: two
    /// WorkOS calls (or more for a large organization's pages), made together.
    pub async fn organization_and_members(
        client: &workos::Client,
        org_id: &str,
    ) -> Result<(workos::Organization, Vec<MemberRow>, Vec<MemberRow>), AppError> {
        let organizations = client.organizations();
        let (org, memberships) = tokio::join!(organizations.get_organization(org_id), memberships(client, org_id));
        let org = match org {
            Ok(o) => o,
            Err(e) => return Err(explain(client, e).await),
        };
        let (members, invitations) = memberships?;
        Ok((org, members, invitations))
    }

    /// The user's own state from WorkOS (the session's copy of the user is as
    /// old as the sign-in): name, email, authenticator app, live sessions.
    pub struct UserState {
        pub name: String,
        pub email: String,
        pub mfa_enabled: bool,
        pub active_sessions: usize,
    }

    pub async fn user_state(client: &workos::Client, user_id: &str) -> Result<UserState, AppError> {
        let um = client.user_management();
        let mfa = client.multi_factor_auth();
        let sessions_params = ListSessionsParams { limit: Some(100), ..Default::default() };
        let (user, factors, sessions) = tokio::join!(
            um.get_user(user_id),
            mfa.list_user_auth_factors(user_id, ListUserAuthFactorsParams { limit: Some(1), ..Default::default() }),
            um.list_sessions(user_id, sessions_params),
        );
        let user = match user {
            Ok(u) => u,
            Err(e) => return Err(explain(client, e).await),
        };
        let factors = match factors {
            Ok(f) => f,
            Err(e) => return Err(explain(client, e).await),
        };
        let sessions = match sessions {
            Ok(s) => s,
            Err(e) => return Err(explain(client, e).await),
        };
        Ok(UserState {
            name: display_name(&user),
            email: user.email,
            mfa_enabled: !factors.data.is_empty(),
            active_sessions: sessions.data.iter().filter(|s| s.status.as_str() == "active").count(),
        })
    }

    /// How many API keys the organization has.
    pub async fn api_key_count(client: &workos::Client, org_id: &str) -> Result<usize, AppError> {
        let params = ListOrganizationApiKeysParams { limit: Some(100), ..Default::default() };
        match client.api_keys().list_organization_api_keys(org_id, params).await {
            Ok(k) => Ok(k.data.len()),
            Err(e) => Err(explain(client, e).await),
        }
    }

    /// The organization's SSO connections.
    pub async fn connections(client: &workos::Client, org_id: &str) -> Result<Vec<ConnectionRow>, AppError> {
        use workos::resources::sso::ListConnectionsParams;
        let params = ListConnectionsParams { organization_id: Some(org_id.to_string()), limit: Some(100), ..Default::default() };
        match client.sso().list_connections(params).await {
            Ok(list) => Ok(list
                .data
                .into_iter()
                .map(|c| ConnectionRow {
                    id: c.id,
                    name: c.name,
                    connection_type: c.connection_type.as_str().to_string(),
                    state: c.state.as_str().to_string(),
                    certificate_ends: None,
                })
                .collect()),
            Err(e) => Err(explain(client, e).await),
        }
    }

    /// The organization's directories, with their user and group counts.
    pub async fn directories(client: &workos::Client, org_id: &str) -> Result<Vec<DirectoryRow>, AppError> {
        use workos::resources::directory_sync::ListDirectoriesParams;
        let params = ListDirectoriesParams { organization_id: Some(org_id.to_string()), limit: Some(100), ..Default::default() };
        match client.directory_sync().list_directories(params).await {
            Ok(list) => Ok(list
                .data
                .into_iter()
                .map(|d| DirectoryRow {
                    active_users: d.metadata.as_ref().map_or(0, |m| m.users.active.max(0) as usize),
                    groups: d.metadata.as_ref().map_or(0, |m| m.groups.max(0) as usize),
                    name: d.name,
                    directory_type: d.type_.as_str().to_string(),
                    state: d.state.as_str().to_string(),
                })
                .collect()),
            Err(e) => Err(explain(client, e).await),
        }
    }

    /// The organizations the user is an active member of.
    pub async fn user_organizations(client: &workos::Client, user_id: &str) -> Result<Vec<super::OrgChoice>, AppError> {
        let page = client
            .organization_membership()
            .list_organization_memberships(ListOrganizationMembershipsParams {
                user_id: Some(user_id.to_string()),
                statuses: Some(vec![Status::Active]),
                limit: Some(100),
                order: Some(workos::PaginationOrder::Asc),
                ..Default::default()
            })
            .await;
        match page {
            Ok(p) => Ok(p
                .data
                .into_iter()
                .map(|m| super::OrgChoice { name: m.organization_name.unwrap_or_else(|| m.organization_id.clone()), id: m.organization_id })
                .collect()),
            Err(e) => Err(explain(client, e).await),
        }
    }

    /// Active members and pending invitations, oldest first, in as few calls as paging allows.
    pub async fn memberships(client: &workos::Client, org_id: &str) -> Result<(Vec<MemberRow>, Vec<MemberRow>), AppError> {
        let mut members = Vec::new();
        let mut invitations = Vec::new();
        let mut after = None;
        loop {
            let page = client
                .organization_membership()
                .list_organization_memberships(ListOrganizationMembershipsParams {
                    organization_id: Some(org_id.to_string()),
                    statuses: Some(vec![Status::Active, Status::Pending]),
                    limit: Some(100),
                    order: Some(workos::PaginationOrder::Asc),
                    after: after.take(),
                    ..Default::default()
                })
                .await;
            let page = match page {
                Ok(p) => p,
                Err(e) => return Err(explain(client, e).await),
            };
            for m in &page.data {
                let row = MemberRow { user_id: m.user.id.clone(), name: display_name(&m.user), email: m.user.email.clone(), role: m.role.slug.clone() };
                match m.status {
                    UserOrganizationMembershipStatus::Pending => invitations.push(row),
                    _ => members.push(row),
                }
            }
            match page.list_metadata.after {
                Some(a) if !page.data.is_empty() => after = Some(a),
                _ => break,
            }
        }
        Ok((members, invitations))
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn a_flow_that_never_came_back_expires_with_its_link() {
        let start = "2026-11-26T09:00:00.000Z";
        assert_eq!(flow_status(Some("completed"), start, "2026-11-26T10:00:00.000Z"), "completed");
        assert_eq!(flow_status(None, start, "2026-11-26T09:04:59.000Z"), "in progress");
        assert_eq!(flow_status(None, start, "2026-11-26T09:05:01.000Z"), "link expired");
    }
}
