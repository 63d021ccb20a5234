//! The HTML shell, the root component and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, StaticSegment};

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
                <HydrationScripts options/>
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
    // Tests wait for this marker before clicking: events bound before hydration are lost.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

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
                    <Route path=StaticSegment("") view=DashboardPage/>
                    <Route path=(StaticSegment("widgets"), ParamSegment("slug")) view=WidgetPage/>
                    <Route path=(StaticSegment("return"), ParamSegment("slug")) view=ReturnPage/>
                    <Route path=StaticSegment("events") view=EventsPage/>
                    <Route path=StaticSegment("doctor") view=DoctorPage/>
                    <Route path=StaticSegment("lab") view=LabPage/>
                </Routes>
            </main>
        </Router>
    }
}
