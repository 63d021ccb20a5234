//! `/t/{tenant}`: your app's own tenant ids (Leptos.toml `[tenants]`) as ways
//! into Orgdeck. The map only names an organization; the session must already
//! be in it, since the organization a token is for always comes from the
//! signed-in session, never from the request.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::problem::html_page;
use super::session::Session;
use super::state::AppState;
use crate::error::AppError;

pub async fn enter(State(state): State<AppState>, session: Option<Session>, Path(tenant): Path<String>) -> Response {
    let Some(Session(session)) = session else {
        return Redirect::to(&format!("/login?return_to=/t/{}", url::form_urlencoded::byte_serialize(tenant.as_bytes()).collect::<String>()))
            .into_response();
    };
    let Some((_, organization)) = state.settings.tenants.iter().find(|(t, _)| *t == tenant) else {
        let page = html_page(
            &state,
            "No such tenant",
            &format!("Leptos.toml [tenants] has no tenant “{tenant}”: check the address, or add the tenant to the map."),
            Some(("/", "Go to the dashboard")),
        );
        return (StatusCode::NOT_FOUND, page).into_response();
    };
    match session.organization_id.as_deref() == Some(organization.as_str()) {
        true => Redirect::to("/").into_response(),
        false => AppError::WrongTenant { tenant, organization: organization.clone() }.into_response(),
    }
}
