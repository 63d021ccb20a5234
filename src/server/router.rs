//! Every route of Orgdeck, with the guards in front of them.

use std::net::SocketAddr;

use axum::middleware::from_fn_with_state;
use axum::serve::{ListenerExt, TapIo};
use axum::routing::{get, post};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::{TcpListener, TcpStream};
use tower_http::compression::{CompressionLayer, CompressionLevel};

use super::state::AppState;
use super::{assets, guard, live, page_cache, portal, problem, security, session, sign_in, statuses, tenants, webhooks};
use crate::app::{shell, App};

/// Serves `app` on `listener` with the client's address known to handlers, and
/// Nagle's algorithm off on every connection: Leptos streams a page in several
/// small writes, and each would otherwise wait for the browser's delayed ACK
/// (~40 ms per page on a kept-alive connection).
pub async fn serve(listener: TcpListener, app: Router) -> std::io::Result<()> {
    axum::serve(nodelay(listener), app.into_make_service_with_connect_info::<SocketAddr>()).await
}

/// `listener`, with every connection it accepts set to `TCP_NODELAY`.
pub fn nodelay(listener: TcpListener) -> TapIo<TcpListener, fn(&mut TcpStream)> {
    fn set(tcp: &mut TcpStream) {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("TCP_NODELAY not set on a connection: {e}");
        }
    }
    listener.tap_io(set as fn(&mut TcpStream))
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let site_root: std::sync::Arc<std::path::Path> = std::path::Path::new(&*options.site_root).into();
    let kept = page_cache::Kept { pages: state.pages.clone(), reads: state.cache.clone(), store: state.store.clone() };
    let routes = Router::new()
        .route("/login", get(sign_in::login))
        .route("/auth/callback", get(sign_in::callback))
        .route("/logout", post(sign_in::logout))
        .route("/portal/{intent}", post(portal::start))
        .route("/t/{tenant}", get(tenants::enter))
        .route("/webhooks/workos", post(webhooks::ingest))
        .route("/events/live", get(live::live))
        .route("/health", get(|| async { "ok" }))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(statuses::typed_error_statuses))
        .layer(from_fn_with_state(state.clone(), problem::problem_pages))
        // Inside the session layer: it needs the session, and a refreshed cookie goes on after.
        .layer(from_fn_with_state(kept, page_cache::serve_kept))
        .layer(from_fn_with_state(state.clone(), session::session_layer))
        .layer(from_fn_with_state(state.clone(), guard::same_origin_only))
        // Files anyone may fetch: their compressed copies need no session.
        .layer(from_fn_with_state(site_root, assets::serve_compressed))
        // Outside the guards, so their refusals and redirects are `no-store` too.
        .layer(axum::middleware::from_fn(assets::cache_headers));
    security::with_headers(routes, state.settings.secure_cookies)
        // Outermost, so every layer above reads bodies as written. Pages,
        // server functions and files not yet precompressed; a level that keeps
        // up with a busy server (the files' own siblings use the best).
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(5)))
        .with_state(state)
}
