//! `POST /portal/:intent`: the hosted Admin Portal, for the session's organization.
//! Records the flow (with the capability's state now), asks WorkOS for a
//! five-minute link that comes back to `/return/:slug?flow=…`, and sends the
//! browser there at once. The link is never stored, cached or logged.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use workos::resources::admin_portal::GenerateLinkParams;
use workos::{GenerateLink, GenerateLinkIntent};

use super::auth::{problem_page, site_origin, CurrentSession};
use super::state::AppState;
use super::store::Flow;
use crate::catalog::WidgetInfo;
use crate::error::AppError;

pub async fn start(
    State(state): State<AppState>,
    session: Option<Extension<CurrentSession>>,
    headers: HeaderMap,
    Path(intent): Path<String>,
) -> Response {
    let Some(Extension(session)) = session else {
        return Redirect::to("/login").into_response();
    };
    match begin(&state, &session, &headers, &intent).await {
        Ok(link) => Redirect::to(&link).into_response(),
        Err(e) => problem_page(&state, StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_GATEWAY), &e),
    }
}

async fn begin(state: &AppState, session: &CurrentSession, headers: &HeaderMap, intent: &str) -> Result<String, AppError> {
    let widget = WidgetInfo::by_intent(intent).ok_or_else(|| AppError::UnknownWidget { slug: intent.to_string() })?;
    let organization_id = session.organization_id.clone().ok_or_else(|| AppError::NoOrganization { email: session.email.clone() })?;
    // Also checks the permission: a member is refused here, before any link exists.
    let snapshot = crate::api::capabilities::calls::state_of(&state.workos, widget, session).await?;
    let flow_id = format!("flow_{}", ulid::Ulid::new());
    let back = format!("{}/return/{}?flow={flow_id}", site_origin(state, headers), widget.slug);
    let params = GenerateLinkParams::new(GenerateLink {
        organization: organization_id.clone(),
        intent: Some(GenerateLinkIntent::from(intent)),
        return_url: Some(format!("{back}&outcome=returned")),
        success_url: Some(format!("{back}&outcome=completed")),
        external_user_id: None,
        it_contact_emails: None,
    });
    let link = match state.workos.admin_portal().generate_link(params).await {
        Ok(r) => r.link.expose().to_string(),
        Err(e) => return Err(super::workos::explain(&state.workos, e).await),
    };
    let flow = Flow {
        id: flow_id,
        organization_id,
        user_id: session.user_id.clone(),
        intent: intent.to_string(),
        slug: widget.slug.to_string(),
        started_at: super::store::now_iso(),
        ended_at: None,
        outcome: None,
        snapshot: serde_json::to_string(&snapshot).unwrap_or_default(),
    };
    state.store.start_flow(&flow).await.map_err(super::store::db_error)?;
    tracing::info!(flow = %flow.id, intent, organization = %flow.organization_id, "Admin Portal flow started");
    Ok(link)
}
