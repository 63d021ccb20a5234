//! The widget lab, for admins: mint a widget token for any organization, member
//! and scope set, read it, open the widget with exactly that token, open the
//! hosted Admin Portal for any intent. Every action is recorded.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::lab::{LabAction, LabState, MemberChoice, Minted};

#[cfg(feature = "ssr")]
use crate::server::{session::CurrentSession, state::AppState, workos::errors::with_visible_organizations};

#[server(endpoint = "lab_page")]
pub async fn lab_page(search: Option<String>) -> Result<LabState, AppError> {
    let (session, state) = CurrentSession::admin()?;
    state.limits.spend(&session.user_id, 1)?;
    let organizations = crate::server::workos::reads::organizations(&state.workos, search.filter(|s| !s.is_empty()), 100).await?;
    Ok(LabState { organizations, tenants: state.settings.tenants.clone() })
}

/// What was done in the lab, newest first.
#[server(endpoint = "lab_history")]
pub async fn lab_history() -> Result<Vec<LabAction>, AppError> {
    let (_, state) = CurrentSession::admin()?;
    Ok(state.store.lab_actions(50).await?.into_iter().map(Into::into).collect())
}

#[server(endpoint = "lab_members")]
pub async fn lab_members(organization_id: String) -> Result<Vec<MemberChoice>, AppError> {
    let (session, state) = CurrentSession::admin()?;
    state.limits.spend(&session.user_id, 1)?;
    let (members, _) = with_visible_organizations(&state.workos, crate::server::workos::reads::memberships(&state.workos, &organization_id).await).await?;
    Ok(members.into_iter().map(|m| MemberChoice { user_id: m.user_id, email: m.email, role: m.role }).collect())
}

#[server(endpoint = "lab_mint")]
pub async fn lab_mint(organization_id: Option<String>, user_id: Option<String>, slug: String, scopes: Option<Vec<String>>) -> Result<Minted, AppError> {
    use crate::catalog::WidgetInfo;
    use crate::server::workos::{token_part, tokens};

    let (session, state) = CurrentSession::admin()?;
    state.limits.spend(&session.user_id, 1)?;
    let widget = WidgetInfo::by_slug(&slug).ok_or_else(|| AppError::UnknownWidget { slug: slug.clone() })?;
    let organization_id = organization_id.filter(|o| !o.is_empty());
    let user_id = user_id.filter(|u| !u.is_empty());
    let scopes = scopes.unwrap_or_default();
    let body = serde_json::json!({"organization_id": organization_id, "user_id": user_id, "scopes": scopes});
    let detail = format!("{} for {} / {} with [{}]", widget.slug, organization_id.as_deref().unwrap_or("no organization"), user_id.as_deref().unwrap_or("no user"), scopes.join(", "));
    let scope_refs: Vec<&str> = scopes.iter().map(String::as_str).collect();
    let minted = tokens::mint(&state.workos, organization_id.as_deref(), user_id.as_deref(), &scope_refs).await;
    let token = match with_visible_organizations(&state.workos, minted).await {
        Ok(token) => token,
        Err(err) => {
            record(&state, &session.email, "mint refused", &format!("{detail}: {err}")).await?;
            return Err(err);
        }
    };
    record(&state, &session.email, "minted a widget token", &detail).await?;
    let part = |i| token_part(&token, i).unwrap_or_default();
    let (header, claims) = (part(0), part(1));
    let api = &state.settings.api;
    let curl = format!(
        "curl -X POST {}/widgets/token \\\n  -H 'Authorization: Bearer sk_…REDACTED' \\\n  -H 'Content-Type: application/json' \\\n  -d '{}'",
        api.base_url(),
        body
    );
    Ok(Minted {
        header: serde_json::to_string_pretty(&header).unwrap_or_default(),
        claims: serde_json::to_string_pretty(&claims).unwrap_or_default(),
        expires_at: claims["exp"].as_i64(),
        curl,
        mount: crate::model::widget::WidgetSetup { portal_intent: None, fixed_token: Some(token.clone()), ..super::widgets::setup_for(widget, &state) },
        token,
    })
}

/// A hosted Admin Portal link for any intent of any organization (the admin
/// goes there at once; the link is not kept).
#[server(endpoint = "lab_portal")]
pub async fn lab_portal(organization_id: String, intent: String) -> Result<String, AppError> {
    use crate::server::workos::admin_portal;
    let (session, state) = CurrentSession::admin()?;
    state.limits.spend(&session.user_id, 1)?;
    if !admin_portal::is_intent(&intent) {
        return Err(AppError::Invalid { field: Some("intent".into()), message: format!("'{intent}' is not an Admin Portal intent.") });
    }
    let back = format!("{}/lab", state.settings.site_url);
    let link = with_visible_organizations(&state.workos, admin_portal::link(&state.workos, &organization_id, &intent, back.clone(), back).await).await?;
    record(&state, &session.email, "opened the Admin Portal", &format!("{intent} for {organization_id}")).await?;
    Ok(link)
}

#[cfg(feature = "ssr")]
async fn record(state: &AppState, who: &str, what: &str, detail: &str) -> Result<(), AppError> {
    use crate::server::store::{now_iso, LabRecord};
    let line = LabRecord { at: now_iso(), who: who.into(), what: what.into(), detail: detail.into() };
    Ok(state.store.record_lab_action(&line).await?)
}
