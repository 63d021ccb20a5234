//! Widget tokens: minted on demand for the session's organization and user, with
//! the catalog's scopes. The organization never comes from the request.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What a widget page needs to mount its widget (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetSetup {
    pub slug: String,
    pub title: String,
    pub purpose: String,
    pub component: String,
    pub api_hostname: String,
    pub api_port: Option<u16>,
    pub api_https: bool,
    /// UserSessions marks this session as "This device" (a widget token's `sid`
    /// cannot know which of the user's browsers is asking).
    pub current_session_id: Option<String>,
    /// On the (offline) emulator, provider logos do not come from WorkOS's CDN.
    pub offline_icons: bool,
    /// The hosted Admin Portal intent covering the same ground, if any.
    pub portal_intent: Option<String>,
    /// The lab's token: the widget gets exactly this one, never a fresh one.
    #[serde(default)]
    pub fixed_token: Option<String>,
    /// The widgets bundle's address (a new one for each build of it).
    pub bundle: String,
}

#[cfg(feature = "ssr")]
impl WidgetSetup {
    /// Where and how the browser mounts `widget` against this deployment's WorkOS.
    pub(crate) fn for_widget(widget: &crate::catalog::WidgetInfo, state: &crate::server::state::AppState) -> WidgetSetup {
        let settings = &state.settings;
        let api = &settings.api;
        WidgetSetup {
            slug: widget.slug.into(),
            title: widget.title.into(),
            purpose: widget.purpose.into(),
            component: widget.component.into(),
            api_hostname: api.hostname.clone(),
            api_port: api.port,
            api_https: api.https,
            current_session_id: None,
            offline_icons: settings.is_emulator(),
            portal_intent: widget.portal_intent.map(str::to_string),
            fixed_token: None,
            bundle: state.widget_bundle.to_string(),
        }
    }
}

#[cfg(feature = "ssr")]
fn allowed(slug: &str) -> Result<(&'static crate::catalog::WidgetInfo, crate::server::auth::CurrentSession), AppError> {
    use crate::catalog::{TokenKind, WidgetInfo};
    use crate::server::auth::CurrentSession;

    let widget = WidgetInfo::by_slug(slug).ok_or_else(|| AppError::UnknownWidget { slug: slug.to_string() })?;
    let session = CurrentSession::current()?;
    if widget.token != TokenKind::UserOnly && session.organization_id.is_none() {
        return Err(AppError::NoOrganization { email: session.email });
    }
    if let Some(permission) = widget.missing_permission(&session.permissions) {
        return Err(AppError::MissingPermission { permission: permission.into(), role: session.role });
    }
    if !widget.built {
        return Err(AppError::NotBuilt { title: widget.title.into() });
    }
    Ok((widget, session))
}

/// May this user open this widget, and where does it call WorkOS?
#[server(endpoint = "widget_mount")]
pub async fn widget_mount(slug: String) -> Result<WidgetSetup, AppError> {
    use crate::catalog::WidgetKind;

    let (widget, session) = allowed(&slug)?;
    let state = crate::server::state::AppState::current()?;
    // Against real WorkOS, a site missing from the allowed web origins would
    // get a widget that fails with CORS errors only: say it in words instead.
    let site = &state.settings.site_url;
    if !state.settings.is_emulator() && state.origin.refused(&state.workos, site).await {
        return Err(AppError::OriginRefused { origin: site.clone() });
    }
    Ok(WidgetSetup {
        current_session_id: (widget.kind == WidgetKind::Sessions).then_some(session.session_id),
        ..WidgetSetup::for_widget(widget, &state)
    })
}

/// A fresh widget token (never cached): the widget calls this on mount, before
/// the token expires and after a 403.
#[server(endpoint = "widget_token")]
pub async fn widget_token(slug: String) -> Result<String, AppError> {
    use crate::catalog::TokenKind;
    use workos::resources::widgets::CreateTokenParams;
    use workos::{WidgetSessionToken, WidgetSessionTokenScopes};

    let (widget, session) = allowed(&slug)?;
    let state = crate::server::state::AppState::current()?;
    let organization_id = match widget.token {
        TokenKind::UserOnly => None,
        TokenKind::Organization | TokenKind::OrganizationSession => session.organization_id.clone(),
    };
    let scopes: Vec<WidgetSessionTokenScopes> = widget.scopes().into_iter().map(WidgetSessionTokenScopes::from).collect();
    let request = WidgetSessionToken {
        organization_id,
        user_id: Some(session.user_id.clone()),
        scopes: (!scopes.is_empty()).then_some(scopes),
    };
    match state.workos.widgets().create_token(CreateTokenParams::new(request)).await {
        Ok(r) => Ok(r.token.expose().to_string()),
        Err(e) => Err(crate::server::workos::explain(&state.workos, e).await),
    }
}
