//! An offline emulator of the parts of WorkOS that Orgdeck uses: the public API,
//! AuthKit, widget tokens and the private Widgets API, answering as WorkOS does.
//!
//! Run it alone (`workos-emulator --addr 127.0.0.1:4100`) or embed it with [`spawn`].

pub mod api;
pub mod api_keys;
pub mod authkit;
pub mod clock;
pub mod control;
pub mod emulator;
pub mod events;
pub mod faults;
pub mod grants;
pub mod http;
pub mod ids;
pub mod keys;
pub mod layers;
pub mod mfa;
pub mod model;
pub mod outbox;
pub mod pages;
pub mod passwords;
pub mod portal;
pub mod seed;
pub mod seeding;
pub mod state;
pub mod traffic;
pub mod widgets;

use std::net::SocketAddr;

use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use seed::Seed;
pub use emulator::Emulator;

/// Every route of the emulator.
pub fn router(emu: Emulator) -> Router {
    // WorkOS's public API and AuthKit answer a method they do not serve with a
    // JSON 405; the widgets' routes are left out, as their CORS layer must see
    // a preflight (`OPTIONS`) first.
    let public = Router::new()
        .merge(api::router(&emu))
        .route("/user_management/authorize", get(authkit::authorize))
        .route("/user_management/authorize/sign-in", post(authkit::sign_in))
        .route("/user_management/authorize/mfa", post(authkit::mfa))
        .route("/user_management/authenticate", post(authkit::authenticate))
        .route("/user_management/sessions/logout", get(authkit::logout))
        .route("/sso/jwks/{client_id}", get(authkit::jwks))
        .method_not_allowed_fallback(layers::method_not_allowed);
    Router::new()
        .merge(public)
        .merge(widgets::router(&emu))
        .merge(portal::router())
        .route("/health", get(control::health))
        .route("/_emulator/reset", post(control::reset))
        .route("/_emulator/clock", get(control::get_clock).post(control::set_clock))
        .route("/_emulator/outbox", get(outbox::list))
        .route("/_emulator/audit_log_exports/{file}", get(api::audit_logs::export_csv))
        .route("/_emulator/dns", post(control::set_dns))
        .route("/_emulator/idp/certificate", get(control::idp_certificate))
        .route("/_emulator/webhook_endpoints", get(control::list_webhook_endpoints).post(control::add_webhook_endpoint))
        .route("/_emulator/webhook_endpoints/{id}", axum::routing::delete(control::remove_webhook_endpoint))
        .route("/_emulator/webhooks/settings", get(control::get_webhook_settings).post(control::set_webhook_settings))
        .route("/_emulator/webhooks/faults", post(control::add_webhook_fault).delete(control::clear_webhook_faults))
        .route("/_emulator/deliveries", get(control::deliveries))
        .route("/_emulator/cors", post(control::set_cors))
        .route("/_emulator/requests", get(control::requests))
        .route("/_emulator/faults", get(control::list_faults).post(control::add_fault).delete(control::clear_faults))
        .fallback(layers::route_not_found)
        .layer(axum::middleware::from_fn_with_state(emu.clone(), layers::inject))
        .layer(axum::middleware::from_fn_with_state(emu.clone(), layers::control_only_from_here))
        .layer(axum::middleware::from_fn_with_state(emu.clone(), layers::count))
        .layer(axum::middleware::from_fn(layers::join_repeated_query))
        .layer(axum::middleware::from_fn(layers::add_request_id))
        .layer(axum::middleware::from_fn(layers::read_whole_body))
        .with_state(emu)
}

/// A running emulator; dropping it (or calling [`RunningEmulator::stop`]) stops the server.
pub struct RunningEmulator {
    pub emulator: Emulator,
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningEmulator {
    /// `http://127.0.0.1:PORT`: the `base_url` for the official SDK.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Every accepted connection with Nagle's algorithm off: a response written in
/// several small pieces would otherwise wait for the client's delayed ACK
/// (~40 ms per answer on a kept-alive connection).
pub fn nodelay(listener: TcpListener) -> axum::serve::TapIo<TcpListener, fn(&mut tokio::net::TcpStream)> {
    use axum::serve::ListenerExt;
    fn set(tcp: &mut tokio::net::TcpStream) {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("TCP_NODELAY not set on a connection: {e}");
        }
    }
    listener.tap_io(set as fn(&mut tokio::net::TcpStream))
}

/// Binds `addr` (port 0 picks a free one) and serves the emulator on a background task.
pub async fn spawn(seed: Seed, addr: SocketAddr) -> std::io::Result<RunningEmulator> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let emulator = Emulator::new(seed);
    emulator.set_base_url(format!("http://{addr}"));
    let app = router(emulator.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        // Connection info gives sessions the browser's IP address.
        let app = app.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(e) = axum::serve(nodelay(listener), app).with_graceful_shutdown(shutdown).await {
            tracing::error!("workos emulator stopped: {e}");
        }
    });
    Ok(RunningEmulator { emulator, addr, stop: Some(stop), task: Some(task) })
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn accepted_connections_have_nagles_algorithm_off() {
        use axum::serve::Listener;
        let mut listener = super::nodelay(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap());
        let addr = listener.local_addr().unwrap();
        let (client, (accepted, _)) = tokio::join!(tokio::net::TcpStream::connect(addr), listener.accept());
        client.unwrap();
        assert!(accepted.nodelay().unwrap());
    }
}
