//! Whose WorkOS events a session may read. An organization's events carry
//! other people's details (sign-ins with their IP address and browser,
//! invitees' emails, directory users): the organization's admins (a role
//! with any widget's management permission, or an admin listed in
//! `Leptos.toml`) read them all; a member reads only the events about
//! himself. The list, the payloads and the live stream all ask here.

use super::session::current::CurrentSession;
use super::settings::Settings;
use super::store::StoredEvent;
use crate::catalog;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventScope {
    /// Every event of the organization.
    Organization,
    /// Only the events about this user.
    Own(String),
}

impl EventScope {
    /// The scope of `session` in `organization`: its role's permissions are
    /// the session's organization's, so in another of the user's
    /// organizations he reads as a member does (unless a listed admin).
    pub fn of(session: &CurrentSession, settings: &Settings, organization: &str) -> EventScope {
        let in_session_org = session.organization_id.as_deref() == Some(organization);
        let manages = in_session_org && catalog::scopes().any(|scope| session.permissions.iter().any(|p| p == scope));
        let listed = settings.lists_admin(&session.user_id, &session.email, session.email_verified);
        match manages || listed {
            true => EventScope::Organization,
            false => EventScope::Own(session.user_id.clone()),
        }
    }

    /// The user the store must filter on, if any.
    pub fn user(&self) -> Option<&str> {
        match self {
            EventScope::Organization => None,
            EventScope::Own(user) => Some(user),
        }
    }

    pub fn allows(&self, event: &StoredEvent) -> bool {
        match self {
            EventScope::Organization => true,
            EventScope::Own(user) => event.user_id.as_deref() == Some(user),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(permissions: &[&str]) -> CurrentSession {
        CurrentSession {
            session_id: "session_1".into(),
            user_id: "user_max".into(),
            email: "max@acme.test".into(),
            email_verified: true,
            name: "Max".into(),
            organization_id: Some("org_1".into()),
            role: "member".into(),
            permissions: permissions.iter().map(|p| p.to_string()).collect(),
            expires_at: 0,
        }
    }

    fn event(user: Option<&str>) -> StoredEvent {
        StoredEvent {
            id: "event_1".into(),
            event: "session.created".into(),
            organization_id: Some("org_1".into()),
            user_id: user.map(str::to_string),
            created_at: String::new(),
            received_at: String::new(),
            source: "webhook".into(),
            payload: "{}".into(),
        }
    }

    #[test]
    fn a_member_reads_only_the_events_about_himself() {
        let settings = Settings::from_sources(|_| None, None, "127.0.0.1:3000".parse().unwrap()).unwrap();
        let member = EventScope::of(&session(&[]), &settings, "org_1");
        assert_eq!(member, EventScope::Own("user_max".into()));
        assert!(member.allows(&event(Some("user_max"))));
        assert!(!member.allows(&event(Some("user_ada"))) && !member.allows(&event(None)));
        let admin = EventScope::of(&session(&["widgets:users-table:manage"]), &settings, "org_1");
        assert!(admin.allows(&event(Some("user_ada"))) && admin.allows(&event(None)));
        let elsewhere = EventScope::of(&session(&["widgets:users-table:manage"]), &settings, "org_2");
        assert_eq!(elsewhere, EventScope::Own("user_max".into()), "an admin of one organization is a member of another");
        let listed = Settings { admins: vec!["MAX@acme.test".into()], ..settings };
        assert_eq!(EventScope::of(&session(&[]), &listed, "org_2"), EventScope::Organization);
    }
}
