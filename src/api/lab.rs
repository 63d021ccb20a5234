//! The widget lab, for admins: mint a widget token for any organization, member
//! and scope set, read it, open the widget with exactly that token, open the
//! hosted Admin Portal for any intent. Every action is recorded.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::orgs::OrgChoice;
use super::tokens::WidgetSetup;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberChoice {
    pub user_id: String,
    pub email: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabAction {
    pub at: String,
    pub who: String,
    pub what: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabState {
    pub organizations: Vec<OrgChoice>,
    /// Leptos.toml `[tenants]`: tenant id → organization id.
    pub tenants: Vec<(String, String)>,
}

/// A minted token, taken apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minted {
    pub token: String,
    pub header: String,
    pub claims: String,
    pub expires_at: Option<i64>,
    /// The same request as a shell command, the API key redacted.
    pub curl: String,
    /// What the lab mounts the widget with (this very token).
    pub mount: WidgetSetup,
}

#[cfg(feature = "ssr")]
use crate::server::auth::CurrentSession;

#[server(endpoint = "lab_setup")]
pub async fn lab_setup(search: Option<String>) -> Result<LabState, AppError> {
    use workos::resources::organizations::ListOrganizationsParams;
    let (_, state) = CurrentSession::admin()?;
    let params = ListOrganizationsParams { limit: Some(100), search: search.filter(|s| !s.is_empty()), ..Default::default() };
    let organizations = match state.workos.organizations().list_organizations(params).await {
        Ok(list) => list.data.into_iter().map(|o| OrgChoice { id: o.id, name: o.name }).collect(),
        Err(e) => return Err(crate::server::workos::explain(&state.workos, e).await),
    };
    Ok(LabState { organizations, tenants: state.settings.tenants.clone() })
}

/// What was done in the lab, newest first.
#[server(endpoint = "lab_history")]
pub async fn lab_history() -> Result<Vec<LabAction>, AppError> {
    let (_, state) = CurrentSession::admin()?;
    state.store.lab_actions(50).await.map_err(crate::server::store::db_error)
}

#[server(endpoint = "lab_members")]
pub async fn lab_members(organization_id: String) -> Result<Vec<MemberChoice>, AppError> {
    let (_, state) = CurrentSession::admin()?;
    let (members, _) = crate::api::orgs::calls::memberships(&state.workos, &organization_id).await?;
    Ok(members.into_iter().map(|m| MemberChoice { user_id: m.user_id, email: m.email, role: m.role }).collect())
}

#[server(endpoint = "lab_mint")]
pub async fn lab_mint(organization_id: Option<String>, user_id: Option<String>, slug: String, scopes: Option<Vec<String>>) -> Result<Minted, AppError> {
    use workos::resources::widgets::CreateTokenParams;
    use workos::{WidgetSessionToken, WidgetSessionTokenScopes};

    use crate::catalog::WidgetInfo;
    let (session, state) = CurrentSession::admin()?;
    let widget = WidgetInfo::by_slug(&slug).ok_or_else(|| AppError::UnknownWidget { slug: slug.clone() })?;
    let organization_id = organization_id.filter(|o| !o.is_empty());
    let user_id = user_id.filter(|u| !u.is_empty());
    let scopes = scopes.unwrap_or_default();
    let request = WidgetSessionToken {
        organization_id: organization_id.clone(),
        user_id: user_id.clone(),
        scopes: (!scopes.is_empty()).then(|| scopes.iter().map(|s| WidgetSessionTokenScopes::from(s.as_str())).collect()),
    };
    let body = serde_json::json!({"organization_id": organization_id, "user_id": user_id, "scopes": scopes});
    let detail = format!("{} for {} / {} with [{}]", widget.slug, organization_id.as_deref().unwrap_or("no organization"), user_id.as_deref().unwrap_or("no user"), scopes.join(", "));
    let minted = state.workos.widgets().create_token(CreateTokenParams::new(request)).await;
    let token = match minted {
        Ok(r) => r.token.expose().to_string(),
        Err(e) => {
            let err = crate::server::workos::explain(&state.workos, e).await;
            record(&state, &session.email, "mint refused", &format!("{detail}: {err}")).await?;
            return Err(err);
        }
    };
    record(&state, &session.email, "minted a widget token", &detail).await?;
    let part = |i| crate::server::workos::token_part(&token, i).unwrap_or_default();
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
        mount: WidgetSetup { portal_intent: None, fixed_token: Some(token.clone()), ..WidgetSetup::for_widget(widget, &state) },
        token,
    })
}

/// A hosted Admin Portal link for any intent of any organization (the admin
/// goes there at once; the link is not kept).
#[server(endpoint = "lab_portal")]
pub async fn lab_portal(organization_id: String, intent: String) -> Result<String, AppError> {
    use workos::resources::admin_portal::GenerateLinkParams;
    use workos::{GenerateLink, GenerateLinkIntent};
    let (session, state) = CurrentSession::admin()?;
    let parsed = GenerateLinkIntent::from(intent.as_str());
    if matches!(parsed, GenerateLinkIntent::Unknown(_)) {
        return Err(AppError::Invalid { field: Some("intent".into()), message: format!("'{intent}' is not an Admin Portal intent.") });
    }
    let back = format!("{}/lab", state.settings.site_url);
    let request = GenerateLink {
        organization: organization_id.clone(),
        intent: Some(parsed),
        return_url: Some(back.clone()),
        success_url: Some(back),
        external_user_id: None,
        it_contact_emails: None,
    };
    match state.workos.admin_portal().generate_link(GenerateLinkParams::new(request)).await {
        Ok(r) => {
            record(&state, &session.email, "opened the Admin Portal", &format!("{intent} for {organization_id}")).await?;
            Ok(r.link.expose().to_string())
        }
        Err(e) => Err(crate::server::workos::explain(&state.workos, e).await),
    }
}

#[cfg(feature = "ssr")]
async fn record(state: &crate::server::state::AppState, who: &str, what: &str, detail: &str) -> Result<(), AppError> {
    let action = LabAction { at: crate::server::store::now_iso(), who: who.into(), what: what.into(), detail: detail.into() };
    state.store.record_lab_action(&action).await.map_err(crate::server::store::db_error)
}
