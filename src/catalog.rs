//! The one table of widget types. Server (token scopes, permission checks) and UI
//! (cards, widget pages, the lab's choices) both read it, and every list of
//! permissions, scopes or Admin Portal intents is derived from it. Adding a
//! widget type is one row here and a `WidgetKind` variant, and the compiler
//! then names each place that must say what the new capability is.

use serde::{Deserialize, Serialize};

/// What kind of token a widget runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenKind {
    /// A widget token for the session's organization and user.
    Organization,
    /// A widget token with no organization: the user's own settings.
    UserOnly,
    /// An organization token whose `sid` names the user's current session.
    OrganizationSession,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WidgetKind {
    Users,
    Sso,
    Domains,
    DirectorySync,
    AuditLogStreaming,
    ApiKeys,
    Profile,
    Security,
    Sessions,
    OrganizationSwitcher,
}

/// One row of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WidgetInfo {
    pub kind: WidgetKind,
    /// The URL segment: `/widgets/{slug}`.
    pub slug: &'static str,
    pub title: &'static str,
    pub purpose: &'static str,
    /// The `@workos-inc/widgets` component.
    pub component: &'static str,
    pub token: TokenKind,
    /// The role permission the widget needs, which is also the token scope asked for.
    pub permission: Option<&'static str>,
    /// The hosted Admin Portal intent covering the same ground.
    pub portal_intent: Option<&'static str>,
    /// Whether Orgdeck opens this widget yet.
    pub built: bool,
    /// Shown as a dashboard card (the switcher lives in the header).
    pub card: bool,
}

pub const CATALOG: &[WidgetInfo] = &[
    WidgetInfo {
        kind: WidgetKind::Users,
        slug: "users",
        title: "Members",
        purpose: "Invite people, change their roles, remove members.",
        component: "UsersManagement",
        token: TokenKind::Organization,
        permission: Some("widgets:users-table:manage"),
        portal_intent: None,
        built: true,
        card: true,
    },
    WidgetInfo {
        kind: WidgetKind::Sso,
        slug: "sso",
        title: "Single sign-on",
        purpose: "Connect your identity provider (SAML or OIDC).",
        component: "AdminPortalSsoConnection",
        token: TokenKind::Organization,
        permission: Some("widgets:sso:manage"),
        portal_intent: Some("sso"),
        built: true,
        card: true,
    },
    WidgetInfo {
        kind: WidgetKind::Domains,
        slug: "domains",
        title: "Domains",
        purpose: "Prove you own your email domains.",
        component: "AdminPortalDomainVerification",
        token: TokenKind::Organization,
        permission: Some("widgets:domain-verification:manage"),
        portal_intent: Some("domain_verification"),
        built: true,
        card: true,
    },
    WidgetInfo {
        kind: WidgetKind::DirectorySync,
        slug: "directory-sync",
        title: "Directory sync",
        purpose: "Provision users and groups from your directory.",
        component: "DirectorySync",
        token: TokenKind::Organization,
        permission: Some("widgets:dsync:manage"),
        portal_intent: Some("dsync"),
        built: true,
        card: true,
    },
    WidgetInfo {
        kind: WidgetKind::AuditLogStreaming,
        slug: "audit-log-streaming",
        title: "Audit-log streaming",
        purpose: "Stream audit logs to your SIEM.",
        component: "AdminPortalAuditLogStreaming",
        token: TokenKind::Organization,
        permission: Some("widgets:audit-log-streaming:manage"),
        portal_intent: Some("log_streams"),
        built: true,
        card: true,
    },
    WidgetInfo {
        kind: WidgetKind::ApiKeys,
        slug: "api-keys",
        title: "API keys",
        purpose: "Create and revoke your organization's API keys.",
        component: "ApiKeys",
        token: TokenKind::Organization,
        permission: Some("widgets:api-keys:manage"),
        portal_intent: None,
        built: true,
        card: true,
    },
    WidgetInfo {
        kind: WidgetKind::Profile,
        slug: "profile",
        title: "Your profile",
        purpose: "Your name and email.",
        component: "UserProfile",
        token: TokenKind::UserOnly,
        permission: None,
        portal_intent: None,
        built: true,
        card: true,
    },
    WidgetInfo {
        kind: WidgetKind::Security,
        slug: "security",
        title: "Security",
        purpose: "Your password, authenticator app and passkeys.",
        component: "UserSecurity",
        token: TokenKind::UserOnly,
        permission: None,
        portal_intent: None,
        built: true,
        card: true,
    },
    WidgetInfo {
        kind: WidgetKind::Sessions,
        slug: "sessions",
        title: "Sessions",
        purpose: "Where you are signed in; sign out elsewhere.",
        component: "UserSessions",
        token: TokenKind::OrganizationSession,
        permission: None,
        portal_intent: None,
        built: true,
        card: true,
    },
    WidgetInfo {
        kind: WidgetKind::OrganizationSwitcher,
        slug: "organization-switcher",
        title: "Organization switcher",
        purpose: "Move between your organizations.",
        component: "OrganizationSwitcher",
        token: TokenKind::Organization,
        permission: None,
        portal_intent: None,
        built: true,
        card: false,
    },
];

/// Hosted-only Admin Portal intents worth a button of their own: (intent, the
/// card it sits on, the button's label).
pub const HOSTED_ONLY_INTENTS: &[(&str, &str, &str)] =
    &[("audit_logs", "audit-log-streaming", "View audit logs"), ("certificate_renewal", "sso", "Renew certificate")];

impl WidgetInfo {
    pub fn by_slug(slug: &str) -> Option<&'static WidgetInfo> {
        CATALOG.iter().find(|w| w.slug == slug)
    }

    /// The catalog row a hosted Admin Portal intent belongs to (its permission,
    /// its return page); the hosted-only intents ride on their nearest row.
    pub fn by_intent(intent: &str) -> Option<&'static WidgetInfo> {
        match HOSTED_ONLY_INTENTS.iter().find(|(i, _, _)| *i == intent) {
            Some((_, slug, _)) => Self::by_slug(slug),
            None => CATALOG.iter().find(|w| w.portal_intent == Some(intent)),
        }
    }

    /// The permission this user lacks for the widget, if any.
    pub fn missing_permission(&self, granted: &[String]) -> Option<&'static str> {
        self.permission.filter(|p| !granted.iter().any(|g| g == p))
    }

    /// The token scopes to ask for.
    pub fn scopes(&self) -> Vec<&'static str> {
        self.permission.into_iter().collect()
    }
}

impl WidgetKind {
    /// This kind's catalog row (every kind has one: `every_kind_has_one_row`).
    pub fn info(self) -> &'static WidgetInfo {
        CATALOG.iter().find(|w| w.kind == self).unwrap_or(&CATALOG[0])
    }
}

/// Every scope a widget token can be asked for: the catalog's permissions.
pub fn scopes() -> impl Iterator<Item = &'static str> {
    CATALOG.iter().filter_map(|w| w.permission)
}

/// Every hosted Admin Portal intent Orgdeck opens: the rows' own, then the hosted-only ones.
pub fn portal_intents() -> impl Iterator<Item = &'static str> {
    CATALOG.iter().filter_map(|w| w.portal_intent).chain(HOSTED_ONLY_INTENTS.iter().map(|(intent, _, _)| *intent))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_kind_has_one_row() {
        use WidgetKind::*;
        // A new kind fails to compile here (the match is not exhaustive) until it is listed.
        let listed = |kind: WidgetKind| match kind {
            Users | Sso | Domains | DirectorySync | AuditLogStreaming | ApiKeys | Profile | Security | Sessions | OrganizationSwitcher => kind,
        };
        for kind in [Users, Sso, Domains, DirectorySync, AuditLogStreaming, ApiKeys, Profile, Security, Sessions, OrganizationSwitcher].map(listed) {
            assert_eq!(CATALOG.iter().filter(|w| w.kind == kind).count(), 1, "{kind:?}");
            assert_eq!(kind.info().kind, kind);
        }
    }

    #[test]
    fn the_lab_offers_every_scope_and_intent_once() {
        let scopes: Vec<_> = scopes().collect();
        assert_eq!(scopes.len(), 6, "{scopes:?}");
        let intents: Vec<_> = portal_intents().collect();
        assert_eq!(intents, ["sso", "domain_verification", "dsync", "log_streams", "audit_logs", "certificate_renewal"]);
    }

    use super::*;

    #[test]
    fn slugs_are_unique_and_url_safe() {
        for (i, w) in CATALOG.iter().enumerate() {
            assert!(w.slug.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", w.slug);
            assert!(CATALOG[i + 1..].iter().all(|o| o.slug != w.slug), "duplicate {}", w.slug);
        }
    }

    #[test]
    fn every_row_of_the_architecture_table_is_here() {
        let rows = [
            ("users", "UsersManagement", Some("widgets:users-table:manage"), None),
            ("sso", "AdminPortalSsoConnection", Some("widgets:sso:manage"), Some("sso")),
            ("domains", "AdminPortalDomainVerification", Some("widgets:domain-verification:manage"), Some("domain_verification")),
            ("directory-sync", "DirectorySync", Some("widgets:dsync:manage"), Some("dsync")),
            ("audit-log-streaming", "AdminPortalAuditLogStreaming", Some("widgets:audit-log-streaming:manage"), Some("log_streams")),
            ("api-keys", "ApiKeys", Some("widgets:api-keys:manage"), None),
            ("profile", "UserProfile", None, None),
            ("security", "UserSecurity", None, None),
            ("sessions", "UserSessions", None, None),
        ];
        for (slug, component, permission, intent) in rows {
            let w = WidgetInfo::by_slug(slug).unwrap();
            assert_eq!((w.component, w.permission, w.portal_intent), (component, permission, intent), "{slug}");
        }
        assert_eq!(WidgetInfo::by_slug("profile").unwrap().token, TokenKind::UserOnly);
        assert_eq!(WidgetInfo::by_slug("sessions").unwrap().token, TokenKind::OrganizationSession);
    }

    #[test]
    fn every_portal_intent_has_a_row() {
        for (intent, slug) in [("sso", "sso"), ("domain_verification", "domains"), ("dsync", "directory-sync"), ("log_streams", "audit-log-streaming"), ("audit_logs", "audit-log-streaming"), ("certificate_renewal", "sso")] {
            assert_eq!(WidgetInfo::by_intent(intent).map(|w| w.slug), Some(slug), "{intent}");
        }
        assert!(WidgetInfo::by_intent("bogus").is_none());
    }

    #[test]
    fn missing_permission_is_named() {
        let users = WidgetInfo::by_slug("users").unwrap();
        assert_eq!(users.missing_permission(&[]), Some("widgets:users-table:manage"));
        assert_eq!(users.missing_permission(&["widgets:users-table:manage".into()]), None);
        assert_eq!(WidgetInfo::by_slug("profile").unwrap().missing_permission(&[]), None);
    }
}
