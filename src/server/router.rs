//! Every route of Orgdeck, with the guards in front of them.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::time::Duration;

use axum::middleware::from_fn_with_state;
use axum::serve::{ListenerExt, TapIo};
use axum::routing::{get, post};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceBuilder;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};

use super::state::AppState;
use super::shutdown::Shutdown;
use super::{assets, guard, live, metrics, observe, page_cache, portal, problem, readiness, scrape, security, session, sign_in, statuses, tenants, webhooks, widget_token};
use crate::app::{shell, App};

/// Serves `app` on `listener` with the client's address known to handlers, and
/// Nagle's algorithm off on every connection: Leptos streams a page in several
/// small writes, and each would otherwise wait for the browser's delayed ACK
/// (~40 ms per page on a kept-alive connection).
pub async fn serve(listener: TcpListener, app: Router) -> std::io::Result<()> {
    serve_until(listener, app, Shutdown::default(), Duration::ZERO, Duration::MAX).await
}

/// [`serve`], until `shutdown` begins: then, after `drain` (new connections
/// still taken, `/ready` answering 503), no new connection is taken, the
/// requests under way finish (a kept-alive connection closes after its
/// answer), and after `grace` more whatever is still open is cut.
pub async fn serve_until(listener: TcpListener, app: Router, shutdown: Shutdown, drain: Duration, grace: Duration) -> std::io::Result<()> {
    let stopping = shutdown.clone();
    let server = axum::serve(nodelay(listener), app.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(async move {
        stopping.wait().await;
        tokio::time::sleep(drain).await;
    });
    let grace_over = async {
        shutdown.wait().await;
        tokio::time::sleep(drain.saturating_add(grace)).await;
    };
    tokio::select! {
        served = server.into_future() => served,
        _ = grace_over => {
            tracing::warn!("the shutdown grace ({} s) is over with requests still open: they are cut", grace.as_secs());
            Ok(())
        }
    }
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

/// The outer router's `/api/{*call}` match, dropped before the router
/// beneath matches again: axum prefixes a match already in the request to
/// its own (`/api/{*call}/api/widget_token`), as for a nested router.
async fn forget_outer_match(mut request: axum::extract::Request) -> axum::extract::Request {
    request.extensions_mut().remove::<axum::extract::MatchedPath>();
    request
}

/// Answers of a known size under 1 KiB go as they are: with their head they
/// fit one TCP segment either way, and a widget token (~900 bytes of
/// base64, which brotli shrinks by a fifth) cost its call more CPU in
/// brotli than everything else Orgdeck does for it. Otherwise tower-http's
/// default: no images, gRPC or event streams.
fn worth_compressing() -> impl Predicate {
    SizeAbove::new(1024).and(NotForContentType::GRPC).and(NotForContentType::IMAGES).and(NotForContentType::SSE)
}

pub fn router(state: AppState) -> Router {
    super::traces::keep_spans_on_leptos_tasks();
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
        // Liveness (the process answers) and readiness (it can serve users now).
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(readiness::ready))
        .route("/metrics", get(scrape::scrape))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // The route template each answer came from, for the metrics outside.
        .route_layer(axum::middleware::from_fn(metrics::carry_route))
        .with_state(state.clone());
    // The guards wrap the router once, not each route (a layer on a router
    // goes on every route's handler, and each `from_fn` clones everything
    // beneath it per request: with a boxed handler at the bottom, 14% of a
    // token call's CPU). Beneath them the router, whose clone is an `Arc`'s.
    let calls = ServiceBuilder::new()
        // Outermost, so the guards' refusals are `no-store` too.
        .layer(axum::middleware::from_fn(assets::cache_headers))
        .layer(from_fn_with_state(state.clone(), guard::same_origin_only))
        .layer(from_fn_with_state(state.clone(), session::session_layer))
        .layer(axum::middleware::from_fn(statuses::typed_error_statuses))
        .layer(axum::middleware::map_request(forget_outer_match))
        .service(routes.clone());
    let everything_else = ServiceBuilder::new()
        .layer(axum::middleware::from_fn(assets::cache_headers))
        // Files anyone may fetch: their compressed copies need no session.
        .layer(from_fn_with_state(site_root, assets::serve_compressed))
        .layer(from_fn_with_state(state.clone(), guard::same_origin_only))
        .layer(from_fn_with_state(state.clone(), session::session_layer))
        // Inside the session layer: it needs the session, and a refreshed cookie goes on after.
        .layer(from_fn_with_state(kept, page_cache::serve_kept))
        .layer(from_fn_with_state(state.clone(), problem::problem_pages))
        .service(routes);
    // A server function's call skips what only a page or a file can be: a
    // kept dashboard, a compressed copy, a problem page; the typed statuses
    // are server functions' alone. The widget token, the busiest call, has a
    // route of its own that does what the calls' guards do by itself
    // (widget_token.rs says why).
    let routes = Router::new()
        .route("/api/widget_token", post(widget_token::widget_token))
        .route_service("/api/{*call}", calls)
        .fallback_service(everything_else)
        .with_state(state.clone());
    // Around the whole app as one tower stack (not `Router::layer`, which
    // wraps each route anew: a request cloned a box per layer per route).
    let app = ServiceBuilder::new()
        // Outermost: every answer in a span, counted and timed, refusals too.
        .layer(axum::middleware::from_fn(observe::observe))
        // So every layer beneath reads bodies as written. Pages, server
        // functions and files not yet precompressed; a level that keeps up
        // with a busy server (the files' own siblings use the best).
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(5)).compress_when(worth_compressing()))
        .layer(security::headers(state.settings.secure_cookies))
        .service(routes);
    Router::new().fallback_service(app)
}
