//! The HTML shell, the root component and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

use crate::pages::{DashboardPage, DoctorPage, EventsPage, LabPage, ReturnPage, WidgetPage};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::security::set_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.ico"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
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
            <nav class="topbar">
                <a href="/" class="brand">"Orgdeck"</a>
                <a href="/events">"Events"</a>
                <a href="/lab">"Widget lab"</a>
                <a href="/doctor">"Doctor"</a>
            </nav>
            <main>
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
