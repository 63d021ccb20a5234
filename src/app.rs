//! The HTML shell, the root component and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

use crate::components::theme_toggle::EARLY_SCRIPT;
use crate::components::ThemeToggle;
use crate::pages::{DashboardPage, DoctorPage, EventsPage, LabPage, ReturnPage, WidgetPage};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::security::set_page_policy();
    // The stylesheet's hashed name as the server read it at start: Leptos's
    // `HashedStylesheet` reads the build's hash file again on every render.
    #[cfg(feature = "ssr")]
    let stylesheet = use_context::<crate::server::state::AppState>().map(|s| s.stylesheet.to_string());
    #[cfg(not(feature = "ssr"))]
    let stylesheet: Option<String> = None;
    let stylesheet = match stylesheet {
        Some(href) => view! { <link id="leptos" rel="stylesheet" href=href/> }.into_any(),
        None => view! { <HashedStylesheet options=options.clone() id="leptos"/> }.into_any(),
    };
    // Only pages with islands load the WASM (its 140-odd KiB are most of a
    // first visit's bytes): a widget page is server HTML and the widgets bundle.
    #[cfg(feature = "ssr")]
    let wasm = use_context::<axum::http::request::Parts>().is_none_or(|p| ships_wasm(p.uri.path()));
    #[cfg(not(feature = "ssr"))]
    let wasm = true;
    let hydration = match wasm {
        true => view! { <HydrationScripts options=options.clone() islands=true/> }.into_any(),
        false => view! { <script nonce=leptos::nonce::use_nonce() inner_html=LIVE_WITHOUT_WASM></script> }.into_any(),
    };
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.ico"/>
                // The remembered theme, before the first paint (no flash of the other one).
                <script nonce=leptos::nonce::use_nonce() inner_html=EARLY_SCRIPT></script>
                {stylesheet}
                <AutoReload options=options.clone()/>
                {hydration}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// A page without WASM is live once parsed, unless a widget frame is still to
/// start (the widgets bundle marks the page then). The same marker the WASM
/// sets after hydrating, so a test waits for either the same way.
const LIVE_WITHOUT_WASM: &str = "document.addEventListener('DOMContentLoaded',function(){if(!document.querySelector('[data-widget-boot]'))document.body.dataset.hydrated='true'})";

/// Whether the page at `path` has islands, so needs the WASM. A widget page
/// has none: its frame is started by the widgets bundle (components/widget_host.rs)
/// and the theme toggle by the shell's script.
pub fn ships_wasm(path: &str) -> bool {
    !path.starts_with("/widgets/")
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    // In order: a page arrives whole (no out-of-order swaps), so the live feed
    // can lift its fresh live region out of a plain fetch of the page.
    view! {
        <Title text="Orgdeck"/>
        <Router>
            <a class="skip" href="#main">"Skip to content"</a>
            <header class="topbar">
                <a href="/" class="brand">"Orgdeck"</a>
                <nav aria-label="Orgdeck">
                    <A href="/" exact=true>"Dashboard"</A>
                    <A href="/events">"Events"</A>
                    <A href="/lab">"Widget lab"</A>
                    <A href="/doctor">"Doctor"</A>
                </nav>
                <div class="topbar-end"><ThemeToggle/></div>
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <p class="notice">"Page not found." <a href="/">"Go to the dashboard"</a></p> }>
                    <Route path=StaticSegment("") view=DashboardPage ssr=SsrMode::InOrder/>
                    <Route path=(StaticSegment("widgets"), ParamSegment("slug")) view=WidgetPage ssr=SsrMode::InOrder/>
                    <Route path=(StaticSegment("return"), ParamSegment("slug")) view=ReturnPage ssr=SsrMode::InOrder/>
                    <Route path=StaticSegment("events") view=EventsPage ssr=SsrMode::InOrder/>
                    <Route path=StaticSegment("doctor") view=DoctorPage ssr=SsrMode::InOrder/>
                    <Route path=StaticSegment("lab") view=LabPage ssr=SsrMode::InOrder/>
                </Routes>
            </main>
        </Router>
    }
}
