//! The Orgdeck server: settings → (embedded emulator) → state → router → serve.
//! `orgdeck doctor [--json]` runs the integration checks instead, and exits
//! with the number of failures.

// mimalloc rather than glibc's malloc: a widget-token call spent ~14% of its
// CPU allocating and freeing (bench/RESULTS.md), mostly hyper's and axum's
// per-request buffers and boxes; with mimalloc it costs ~12 µs less.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's settings for a small server's memory: its arena committed as it
/// is used rather than all at first (`arena_eager_commit` 0: on Linux an
/// eagerly committed arena is purged without being decommitted, and its freed
/// pages stayed resident), and freed pages returned at once (`purge_delay` 0,
/// not a second later). RSS after `make bench`'s load: 49–61 MiB without
/// these, 29–31 with them (glibc's malloc ~30); the token call's CPU the same.
///
/// Set in a constructor because mimalloc reads them when it first allocates,
/// which is before `main`; `.init_array.00100` runs before mimalloc's own
/// constructor (priority 101) and those without one, and Rust's runtime
/// (which allocates) starts after all of them. `MIMALLOC_*` variables for
/// these two do not override them; the other options' do.
#[cfg(all(feature = "ssr", target_os = "linux"))]
#[used]
#[link_section = ".init_array.00100"]
static MIMALLOC_OPTIONS: extern "C" fn() = {
    extern "C" fn set() {
        // mimalloc 3's `mi_option_t` values (libmimalloc-sys names only some options).
        const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
        const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
        // SAFETY: setting an option is allowed at any time, before the first allocation too.
        unsafe {
            libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
        }
    }
    set
};

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() {
    use leptos::prelude::get_configuration;
    use orgdeck::server::{embedded, router, router::router, settings::Settings, shutdown, state::AppState, store::Store, webhooks};

    let fail = |what: String| -> ! {
        eprintln!("orgdeck: cannot start.\n  {what}");
        std::process::exit(2);
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    // The request's span whatever RUST_LOG says (it has no lines of its own):
    // its trace id is on every line logged in a request, `warn` ones too.
    let filter = filter.add_directive(orgdeck::server::observe::SPAN_DIRECTIVE.parse().expect("a valid directive"));
    // One JSON object a line for a log collector; the banner goes into it too.
    let json = match std::env::var("LOG_FORMAT").as_deref() {
        Ok("json") => true,
        Ok("text") | Err(_) => false,
        Ok(other) => fail(format!("LOG_FORMAT: '{other}' is neither text nor json\n  fix: set LOG_FORMAT=json for one JSON object a line, or unset it")),
    };
    // Spans to an OpenTelemetry collector when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    let traces = orgdeck::server::traces::Traces::from_env().unwrap_or_else(|e| fail(e));
    {
        use tracing_subscriber::layer::SubscriberExt;
        use tracing_subscriber::util::SubscriberInitExt;
        use tracing_subscriber::Layer;
        // JSON: every span the line is in, so a WorkOS call's line carries its request's trace id.
        let lines = match json {
            true => tracing_subscriber::fmt::layer().json().with_current_span(true).with_span_list(true).boxed(),
            // Colours for a terminal only: escape codes in a journal or a file are noise.
            false => tracing_subscriber::fmt::layer().with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout())).boxed(),
        };
        // Each with its own filter: the logs as RUST_LOG says, the traces with
        // the WorkOS and database calls (debug spans, made only when exported).
        let exported = traces.as_ref().map(|t| t.layer().with_filter(t.filter()));
        tracing_subscriber::registry().with(lines.with_filter(filter)).with(exported).init();
    }

    let conf = get_configuration(None).unwrap_or_else(|e| fail(format!("Leptos configuration: {e}")));
    let mut leptos_options = conf.leptos_options;
    orgdeck::server::assets::use_hashed_names(&mut leptos_options);
    let addr = leptos_options.site_addr;
    let dir = std::env::current_dir().unwrap_or_else(|e| fail(format!("working directory: {e}")));
    let mut settings = Settings::load(&dir, addr).unwrap_or_else(|e| fail(e.to_string()));
    let emulator = embedded::start_if_needed(&mut settings, &dir).await.unwrap_or_else(|e| fail(e));
    let banner = embedded::banner(&settings, emulator.as_ref());
    let store = Store::connect(&settings.database_url)
        .await
        .unwrap_or_else(|e| {
            fail(format!(
                "{e}\n  fix: point DATABASE_URL at a writable sqlite: file (or unset it for sqlite://data/orgdeck.db), \
                 or at a PostgreSQL database this user may create tables in"
            ))
        });
    let state = AppState::new(leptos_options, settings, store);
    // Other instances' events and cache changes, when the database is shared.
    let listening = state.feed.listen().await.unwrap_or_else(|e| {
        fail(format!("{e}\n  fix: check that DATABASE_URL's PostgreSQL server is up and this user may connect"))
    });
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("doctor") {
        let checks = orgdeck::server::doctor::run(&state).await;
        match args.iter().any(|a| a == "--json") {
            true => println!("{}", serde_json::to_string_pretty(&checks).unwrap_or_default()),
            false => print!("{}", orgdeck::server::doctor::as_text(&checks)),
        }
        drop(emulator);
        std::process::exit(orgdeck::server::doctor::failures(&checks).min(100) as i32);
    }
    let app = router(state.clone());

    let listener = tokio::net::TcpListener::bind(&addr).await.unwrap_or_else(|e| {
        fail(format!("cannot listen on {addr}: {e}. Stop whatever uses that port, or set LEPTOS_SITE_ADDR."))
    });
    match json {
        true => tracing::info!(banner = %banner.trim(), "started"),
        false => print!("{banner}"),
    }
    orgdeck::server::assets::precompress(std::path::Path::new(&*state.leptos_options.site_root));
    // What webhooks missed while Orgdeck was down, then every minute.
    let catching_up = webhooks::spawn_catch_up(state.clone(), webhooks::CATCH_UP_EVERY);
    let shutdown = state.shutdown.clone();
    tokio::spawn(async move {
        shutdown::signalled().await;
        tracing::info!("shutting down: /ready answers 503, no new connections, the requests under way finish");
        shutdown.begin();
    });
    let (drain, grace) = (state.settings.shutdown_drain, state.settings.shutdown_grace);
    let served = router::serve_until(listener, app, state.shutdown.clone(), drain, grace).await;
    // The requests are done: then what runs beside them, the database, and the emulator they used.
    catching_up.abort();
    if let Some(task) = listening {
        task.abort();
    }
    state.store.close().await;
    drop(emulator);
    if let Some(traces) = traces {
        // The exporter's last batch (it blocks on its own thread's send).
        let _ = tokio::task::spawn_blocking(move || traces.flush()).await;
    }
    match served {
        Ok(()) => tracing::info!("stopped"),
        Err(e) => {
            eprintln!("orgdeck: server error: {e}");
            std::process::exit(1);
        }
    }
}

#[cfg(not(feature = "ssr"))]
pub fn main() {
    // The browser entry is `hydrate()` in lib.rs.
}
