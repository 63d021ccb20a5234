//! The Orgdeck server: settings → (embedded emulator) → state → router → serve.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() {
    use axum::middleware::from_fn_with_state;
    use axum::routing::{get, post};
    use axum::Router;
    use leptos::prelude::*;
    use leptos_axum::{generate_route_list, LeptosRoutes};
    use orgdeck::app::{shell, App};
    use orgdeck::server::{auth, embedded, guard, settings::Settings, state::AppState};

    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let fail = |what: String| -> ! {
        eprintln!("orgdeck: cannot start.\n  {what}");
        std::process::exit(2);
    };

    let conf = get_configuration(None).unwrap_or_else(|e| fail(format!("Leptos configuration: {e}")));
    let leptos_options = conf.leptos_options;
    let addr = leptos_options.site_addr;
    let dir = std::env::current_dir().unwrap_or_else(|e| fail(format!("working directory: {e}")));
    let mut settings = Settings::load(&dir, addr).unwrap_or_else(|e| fail(e.to_string()));
    let emulator = embedded::start_if_needed(&mut settings, &dir).await.unwrap_or_else(|e| fail(e));
    let banner = embedded::banner(&settings, emulator.as_ref());
    let state = AppState::new(leptos_options.clone(), settings);

    let routes = generate_route_list(App);
    let app = Router::new()
        .route("/login", get(auth::login))
        .route("/auth/callback", get(auth::callback))
        .route("/logout", post(auth::logout))
        .route("/health", get(|| async { "ok" }))
        .leptos_routes(&state, routes, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(from_fn_with_state(state.clone(), auth::session_layer))
        .layer(from_fn_with_state(state.clone(), guard::same_origin_only))
        .with_state(state);

    let listener = tokio::net::TcpListener::bind(&addr).await.unwrap_or_else(|e| {
        fail(format!("cannot listen on {addr}: {e}. Stop whatever uses that port, or set LEPTOS_SITE_ADDR."))
    });
    print!("{banner}");
    if let Err(e) = axum::serve(listener, app.into_make_service()).await {
        eprintln!("orgdeck: server error: {e}");
        std::process::exit(1);
    }
    drop(emulator);
}

#[cfg(not(feature = "ssr"))]
pub fn main() {
    // The browser entry is `hydrate()` in lib.rs.
}
