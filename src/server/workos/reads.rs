//! The WorkOS reads behind Orgdeck's pages, each turned into the rows the
//! pages show. The read cache (`server/read_cache.rs`) wraps the ones the
//! dashboard makes on every view; the return page reads afresh.

use workos::resources::api_keys::ListOrganizationApiKeysParams;
use workos::resources::directory_sync::ListDirectoriesParams;
use workos::resources::multi_factor_auth::ListUserAuthFactorsParams;
use workos::resources::organization_membership::ListOrganizationMembershipsParams;
use workos::resources::organizations::ListOrganizationsParams;
use workos::resources::sso::ListConnectionsParams;
use workos::resources::user_management::ListSessionsParams;
use workos::{Client, UserManagementOrganizationMembershipStatuses as Status, UserOrganizationMembershipStatus};

use super::display_name;
use crate::error::AppError;
use crate::model::capability::{ConnectionRow, DirectoryRow, DomainRow, KeyRow, SessionRow};
use crate::model::organization::{MemberRow, OrgChoice};

/// The organization, its active members and its pending invitations.
pub type OrgAndMembers = (workos::Organization, Vec<MemberRow>, Vec<MemberRow>);

pub async fn organization(client: &Client, org_id: &str) -> Result<workos::Organization, AppError> {
    Ok(client.organizations().get_organization(org_id).await?)
}

/// The organization's domains with their verification state.
pub fn domains(org: &workos::Organization) -> Vec<DomainRow> {
    org.domains
        .iter()
        .map(|d| DomainRow { domain: d.domain.clone(), state: d.state.as_ref().map_or("unknown", |s| s.as_str()).to_string() })
        .collect()
}

/// Organizations by name (`search`), at most a hundred: for the admin tools.
pub async fn organizations(client: &Client, search: Option<String>, limit: i64) -> Result<Vec<OrgChoice>, AppError> {
    let params = ListOrganizationsParams { limit: Some(limit), search, ..Default::default() };
    let list = client.organizations().list_organizations(params).await?;
    Ok(list.data.into_iter().map(|o| OrgChoice { id: o.id, name: o.name }).collect())
}

/// The organization, its active members and its pending invitations: two
/// WorkOS calls (or more for a large organization's pages), made together.
pub async fn organization_and_members(client: &Client, org_id: &str) -> Result<OrgAndMembers, AppError> {
    let (org, memberships) = tokio::join!(organization(client, org_id), memberships(client, org_id));
    let (members, invitations) = memberships?;
    Ok((org?, members, invitations))
}

/// The user's own state from WorkOS (the session's copy of the user is as
/// old as the sign-in): name, email, authenticator app, live sessions.
pub struct UserState {
    pub name: String,
    pub email: String,
    pub mfa_enabled: bool,
    pub active_sessions: usize,
}

pub async fn user_state(client: &Client, user_id: &str) -> Result<UserState, AppError> {
    let (user, factors, sessions) = tokio::join!(user(client, user_id), auth_factor_types(client, user_id, 1), sessions(client, user_id, None));
    let user = user?;
    Ok(UserState {
        name: display_name(&user),
        email: user.email,
        mfa_enabled: !factors?.is_empty(),
        active_sessions: sessions?.iter().filter(|s| s.status == "active").count(),
    })
}

pub async fn user(client: &Client, user_id: &str) -> Result<workos::User, AppError> {
    Ok(client.user_management().get_user(user_id).await?)
}

/// The types of the user's first `limit` sign-in factors (`totp`: an authenticator app).
pub async fn auth_factor_types(client: &Client, user_id: &str, limit: i64) -> Result<Vec<String>, AppError> {
    let params = ListUserAuthFactorsParams { limit: Some(limit), ..Default::default() };
    let factors = client.multi_factor_auth().list_user_auth_factors(user_id, params).await?;
    Ok(factors.data.iter().map(|f| f.type_.as_str().to_string()).collect())
}

/// The user's sessions; `current` marks the one with that id.
pub async fn sessions(client: &Client, user_id: &str, current: Option<&str>) -> Result<Vec<SessionRow>, AppError> {
    let params = ListSessionsParams { limit: Some(100), ..Default::default() };
    let page = client.user_management().list_sessions(user_id, params).await?;
    Ok(page
        .data
        .into_iter()
        .map(|s| SessionRow {
            current: Some(s.id.as_str()) == current,
            id: s.id,
            user_agent: s.user_agent,
            ip_address: s.ip_address,
            status: s.status.as_str().to_string(),
            created_at: s.created_at,
        })
        .collect())
}

/// The organization's API keys (their values obfuscated by WorkOS).
pub async fn api_keys(client: &Client, org_id: &str) -> Result<Vec<KeyRow>, AppError> {
    let params = ListOrganizationApiKeysParams { limit: Some(100), ..Default::default() };
    let keys = client.api_keys().list_organization_api_keys(org_id, params).await?;
    Ok(keys
        .data
        .into_iter()
        .map(|k| KeyRow { name: k.name, obfuscated_value: k.obfuscated_value, permissions: k.permissions, expires_at: k.expires_at })
        .collect())
}

/// The organization's SSO connections.
pub async fn connections(client: &Client, org_id: &str) -> Result<Vec<ConnectionRow>, AppError> {
    let params = ListConnectionsParams { organization_id: Some(org_id.to_string()), limit: Some(100), ..Default::default() };
    let list = client.sso().list_connections(params).await?;
    Ok(list
        .data
        .into_iter()
        .map(|c| ConnectionRow {
            id: c.id,
            name: c.name,
            connection_type: c.connection_type.as_str().to_string(),
            state: c.state.as_str().to_string(),
            certificate_ends: None,
        })
        .collect())
}

/// The organization's directories, with their user and group counts.
pub async fn directories(client: &Client, org_id: &str) -> Result<Vec<DirectoryRow>, AppError> {
    let params = ListDirectoriesParams { organization_id: Some(org_id.to_string()), limit: Some(100), ..Default::default() };
    let list = client.directory_sync().list_directories(params).await?;
    Ok(list
        .data
        .into_iter()
        .map(|d| DirectoryRow {
            active_users: d.metadata.as_ref().map_or(0, |m| m.users.active.max(0) as usize),
            groups: d.metadata.as_ref().map_or(0, |m| m.groups.max(0) as usize),
            name: d.name,
            directory_type: d.type_.as_str().to_string(),
            state: d.state.as_str().to_string(),
        })
        .collect())
}

/// The organizations the user is an active member of.
pub async fn user_organizations(client: &Client, user_id: &str) -> Result<Vec<OrgChoice>, AppError> {
    let page = client
        .organization_membership()
        .list_organization_memberships(ListOrganizationMembershipsParams {
            user_id: Some(user_id.to_string()),
            statuses: Some(vec![Status::Active]),
            limit: Some(100),
            order: Some(workos::PaginationOrder::Asc),
            ..Default::default()
        })
        .await?;
    Ok(page
        .data
        .into_iter()
        .map(|m| OrgChoice { name: m.organization_name.unwrap_or_else(|| m.organization_id.clone()), id: m.organization_id })
        .collect())
}

/// One user id among the organization's memberships (any status), if it has any.
pub async fn any_member(client: &Client, org_id: &str) -> Result<Option<String>, AppError> {
    let params = ListOrganizationMembershipsParams { organization_id: Some(org_id.to_string()), limit: Some(1), ..Default::default() };
    let list = client.organization_membership().list_organization_memberships(params).await?;
    Ok(list.data.into_iter().next().map(|m| m.user_id))
}

/// Active members and pending invitations, oldest first, in as few calls as paging allows.
pub async fn memberships(client: &Client, org_id: &str) -> Result<(Vec<MemberRow>, Vec<MemberRow>), AppError> {
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
            .await?;
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
