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
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
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
