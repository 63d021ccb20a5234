//! Each capability (a widget type's ground) in one place: what its dashboard
//! card says and what WorkOS holds for it now. Both are matches on
//! `WidgetKind` the compiler holds complete, beside the catalog row
//! (`catalog.rs`) and the return page's view of `CapabilityState`
//! (`pages/return_page.rs`): a new widget type is a list of compiler errors.

use std::sync::Arc;

use super::read_cache::{OrgAndMembers, ReadCache};
use super::session::CurrentSession;
use super::workos::reads::{self, UserState};
use super::workos::widget_api;
use crate::catalog::{WidgetInfo, WidgetKind};
use crate::error::AppError;
use crate::model::capability::{CapabilityState, ConnectionRow, DirectoryRow, StreamRow};
use crate::model::plural;

/// What the dashboard read (through the cache) to fill its cards; a read the
/// user's role may not see is not made at all (`None`). The organization and
/// the user are the page's own (its header); a card's own read that fails
/// fails that card alone (`Some(Err)`), which then says so.
pub struct CardReads {
    pub org: OrgAndMembers,
    pub me: Arc<UserState>,
    pub api_keys: Option<Result<usize, AppError>>,
    pub connections: Option<Result<Arc<Vec<ConnectionRow>>, AppError>>,
    pub directories: Option<Result<Arc<Vec<DirectoryRow>>, AppError>>,
    pub stream: Option<Result<Option<StreamRow>, AppError>>,
}

impl CardReads {
    /// Every read the session's cards need, made together.
    pub async fn read(cache: &ReadCache, client: &workos::Client, session: &CurrentSession, org_id: &str) -> Result<CardReads, AppError> {
        let may = |kind: WidgetKind| session.may_use(kind.info()).is_ok();
        let user_id = session.user_id.as_str();
        let (org, me, api_keys, connections, directories, stream) = tokio::join!(
            cache.organization_and_members(client, org_id),
            cache.user(client, user_id),
            async { if may(WidgetKind::ApiKeys) { Some(cache.api_key_count(client, org_id).await) } else { None } },
            async { if may(WidgetKind::Sso) { Some(cache.connections(client, org_id).await) } else { None } },
            async { if may(WidgetKind::DirectorySync) { Some(cache.directories(client, org_id).await) } else { None } },
            async { if may(WidgetKind::AuditLogStreaming) { Some(cache.log_stream(client, org_id, user_id).await) } else { None } },
        );
        Ok(CardReads { org: org?, me: me?, api_keys, connections, directories, stream })
    }

    /// Whether the organization has a SAML connection (whose certificate the
    /// hosted portal can renew).
    pub fn has_saml_connection(&self) -> bool {
        matches!(&self.connections, Some(Ok(list)) if list.iter().any(|c| c.connection_type.contains("SAML")))
    }
}

/// A card's one line of live state, e.g. "3 members · 1 pending invitation";
/// the error of its own read if that failed.
pub fn card_detail(kind: WidgetKind, reads: &CardReads) -> Result<Option<String>, AppError> {
    let (org, members, invitations) = &*reads.org;
    let not_set_up = || "Not set up".to_string();
    // A read made for this card: its line, or its error.
    fn said<T>(read: &Option<Result<T, AppError>>, line: impl FnOnce(&T) -> String) -> Result<Option<String>, AppError> {
        match read {
            None => Ok(None),
            Some(Ok(v)) => Ok(Some(line(v))),
            Some(Err(e)) => Err(e.clone()),
        }
    }
    match kind {
        WidgetKind::Users => Ok(Some(format!(
            "{} · {}",
            plural(members.len(), "member", "members"),
            plural(invitations.len(), "pending invitation", "pending invitations")
        ))),
        WidgetKind::Profile => Ok(Some(format!("{} · {}", reads.me.name, reads.me.email))),
        WidgetKind::Security => Ok(Some(format!("Authenticator app {}", if reads.me.mfa_enabled { "on" } else { "off" }))),
        WidgetKind::Sessions => Ok(Some(plural(reads.me.active_sessions, "active session", "active sessions"))),
        WidgetKind::ApiKeys => said(&reads.api_keys, |n| plural(*n, "API key", "API keys")),
        WidgetKind::Sso => said(&reads.connections, |list| list.first().map_or_else(not_set_up, |c| format!("{} · {}", c.name, c.state))),
        WidgetKind::Domains => {
            let verified = org.domains.iter().filter(|d| d.state.as_ref().is_some_and(|s| s.as_str() == "verified")).count();
            Ok(Some(format!("{} verified · {} other", verified, org.domains.len() - verified)))
        }
        WidgetKind::DirectorySync => said(&reads.directories, |list| {
            list.first().map_or_else(not_set_up, |d| format!("{} · {} · {}", d.name, d.state, plural(d.active_users, "user", "users")))
        }),
        WidgetKind::AuditLogStreaming => {
            said(&reads.stream, |s| s.as_ref().map_or_else(not_set_up, |s| format!("{} · {}", s.destination, s.state)))
        }
        WidgetKind::OrganizationSwitcher => Ok(None),
    }
}

/// What WorkOS holds now for `widget`'s ground, read afresh, as the session's
/// user may see it (a role without the widget's permission is refused).
pub async fn fresh(client: &workos::Client, widget: &WidgetInfo, session: &CurrentSession) -> Result<CapabilityState, AppError> {
    session.may_use(widget)?;
    let org = || session.clone().in_organization().map(|(_, org)| org);
    let org_name = |org_id: String| async move { reads::organization(client, &org_id).await.map(|o| o.name) };
    Ok(match widget.kind {
        WidgetKind::Profile => {
            let u = reads::user(client, &session.user_id).await?;
            CapabilityState::Profile { name: super::workos::display_name(&u), email: u.email, email_verified: u.email_verified, locale: u.locale }
        }
        WidgetKind::Security => {
            let types = reads::auth_factor_types(client, &session.user_id, 10).await?;
            CapabilityState::Security { authenticator_app: types.iter().any(|t| t == "totp") }
        }
        WidgetKind::Sessions => CapabilityState::Sessions { sessions: reads::sessions(client, &session.user_id, Some(&session.session_id)).await? },
        WidgetKind::ApiKeys => {
            let org_id = org()?;
            let (org_name, keys) = tokio::join!(org_name(org_id.clone()), reads::api_keys(client, &org_id));
            CapabilityState::ApiKeys { org_name: org_name?, keys: keys? }
        }
        WidgetKind::Sso => {
            let org_id = org()?;
            let (org_name, connections, ends) = tokio::join!(
                org_name(org_id.clone()),
                reads::connections(client, &org_id),
                widget_api::certificate_ends(client, &org_id, &session.user_id)
            );
            let (org_name, mut connections) = (org_name?, connections?);
            for (id, at) in ends? {
                if let Some(c) = connections.iter_mut().find(|c| c.id == id) {
                    c.certificate_ends = Some(at);
                }
            }
            CapabilityState::Sso { org_name, connections }
        }
        WidgetKind::Domains => {
            let organization = reads::organization(client, &org()?).await?;
            CapabilityState::Domains { domains: reads::domains(&organization), org_name: organization.name }
        }
        WidgetKind::DirectorySync => {
            let org_id = org()?;
            let (org_name, directories) = tokio::join!(org_name(org_id.clone()), reads::directories(client, &org_id));
            CapabilityState::Directories { org_name: org_name?, directories: directories? }
        }
        WidgetKind::AuditLogStreaming => {
            let org_id = org()?;
            let (org_name, stream) = tokio::join!(org_name(org_id.clone()), widget_api::log_stream(client, &org_id, &session.user_id));
            CapabilityState::AuditLogStream { org_name: org_name?, stream: stream? }
        }
        WidgetKind::OrganizationSwitcher => CapabilityState::Organization { org_name: org_name(org()?).await? },
        WidgetKind::Users => {
            let (org, members, invitations) = reads::organization_and_members(client, &org()?).await?;
            CapabilityState::Members { org_name: org.name, members, invitations }
        }
    })
}
