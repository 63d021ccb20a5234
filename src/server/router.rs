//! Every route of Orgdeck, with the guards in front of them.

use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};

use super::state::AppState;
use super::{auth, guard, portal, statuses, tenants, webhooks};
use crate::app::{shell, App};

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .route("/login", get(auth::login))
        .route("/auth/callback", get(auth::callback))
        .route("/logout", post(auth::logout))
        .route("/portal/{intent}", post(portal::start))
        .route("/t/{tenant}", get(tenants::enter))
        .route("/webhooks/workos", post(webhooks::ingest))
        .route("/events/live", get(webhooks::live))
        .route("/health", get(|| async { "ok" }))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(statuses::typed_error_statuses))
        .layer(from_fn_with_state(state.clone(), auth::session_layer))
        .layer(from_fn_with_state(state.clone(), guard::same_origin_only))
        .with_state(state)
}
