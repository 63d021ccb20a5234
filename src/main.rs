#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() {
    use axum::Router;
    use leptos::prelude::*;
    use leptos_axum::{generate_route_list, LeptosRoutes};
    use orgdeck::app::{shell, App};

    let conf = match get_configuration(None) {
        Ok(conf) => conf,
        Err(e) => {
            eprintln!("orgdeck: cannot read the Leptos configuration: {e}");
            std::process::exit(2);
        }
    };
    let leptos_options = conf.leptos_options;
    let addr = leptos_options.site_addr;
    let routes = generate_route_list(App);

    let app = Router::new()
        .leptos_routes(&leptos_options, routes, {
            let leptos_options = leptos_options.clone();
            move || shell(leptos_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(leptos_options);

    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("orgdeck: cannot listen on {addr}: {e}. Stop whatever uses that port, or set LEPTOS_SITE_ADDR.");
            std::process::exit(2);
        }
    };
    println!("Orgdeck on http://{addr}");
    if let Err(e) = axum::serve(listener, app.into_make_service()).await {
        eprintln!("orgdeck: server error: {e}");
        std::process::exit(1);
    }
}

#[cfg(not(feature = "ssr"))]
pub fn main() {
    // The browser entry is `hydrate()` in lib.rs.
}
