//! Widget tokens: minted on demand for the session's organization and user, with
//! the catalog's scopes. The organization never comes from the request.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::widget::WidgetSetup;

/// Where and how the browser mounts `widget` against this deployment's WorkOS.
#[cfg(feature = "ssr")]
pub(crate) fn setup_for(widget: &crate::catalog::WidgetInfo, state: &crate::server::state::AppState) -> WidgetSetup {
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
        token_details: false,
        bundle: state.widget_bundle.to_string(),
    }
}

/// The widget, if this session may open it.
#[cfg(feature = "ssr")]
fn allowed(slug: &str) -> Result<(&'static crate::catalog::WidgetInfo, crate::server::session::CurrentSession), AppError> {
    use crate::catalog::WidgetInfo;
    use crate::server::session::CurrentSession;

    let widget = WidgetInfo::by_slug(slug).ok_or_else(|| AppError::UnknownWidget { slug: slug.to_string() })?;
    let session = CurrentSession::current()?;
    crate::server::widget_token::may_open(widget, &session)?;
    Ok((widget, session))
}

/// May this user open this widget, and where does it call WorkOS?
#[server(endpoint = "widget_page")]
pub async fn widget_page(slug: String) -> Result<WidgetSetup, AppError> {
    use crate::catalog::WidgetKind;

    let (widget, session) = allowed(&slug)?;
    let state = crate::server::state::AppState::current()?;
    state.limits.spend(&session.user_id, 1)?;
    // Against real WorkOS, a site missing from the allowed web origins would
    // get a widget that fails with CORS errors only: say it in words instead.
    let site = &state.settings.site_url;
    if !state.settings.is_emulator() && state.cors.refused(&state.workos, site).await {
        return Err(AppError::OriginRefused { origin: site.clone() });
    }
    Ok(WidgetSetup {
        token_details: state.settings.is_admin(&session.user_id, &session.email, session.email_verified),
        current_session_id: (widget.kind == WidgetKind::Sessions).then_some(session.session_id),
        ..setup_for(widget, &state)
    })
}

// The widget token itself: `server::widget_token` (a plain handler, the busiest call).
