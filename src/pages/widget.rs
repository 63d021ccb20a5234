//! `/widgets/:slug`: one official widget and "Done" (for admins, the token's
//! countdown in a collapsed "Token details").

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::widgets::widget_page;
use crate::model::widget::WidgetSetup;
use crate::components::{loaded, WidgetHost};

#[component]
pub fn WidgetPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, widget_page);
    view! {
        <Title text="Widget · Orgdeck"/>
        <nav class="crumbs"><a href="/">"← Dashboard"</a></nav>
        {loaded(data, "Checking your access…", |m| {
            let title = format!("{} · Orgdeck", m.title);
            view! { <Title text=title/> <WidgetView mount=m/> }
        })}
    }
}

/// The widget (with its token clock for admins). Server HTML only: the page
/// ships no WASM (see `app::ships_wasm`); the widgets bundle starts the frame
/// and keeps the clock.
#[component]
fn WidgetView(mount: WidgetSetup) -> impl IntoView {
    let done = format!("/return/{}?outcome=done", mount.slug);
    let portal = mount.portal_intent.clone().map(|intent| {
        view! {
            <form method="post" action=format!("/portal/{intent}")>
                <button type="submit" class="secondary">"Set up in Admin Portal"</button>
            </form>
        }
    });
    let details = mount.token_details.then(|| {
        view! {
            <details class="token-details" data-testid="token-details">
                <summary>"Token details"</summary>
                <p class="token-clock" data-testid="token-clock" data-token-clock="">"Fetching a widget token…"</p>
            </details>
        }
    });
    view! {
        <header class="widget-header">
            <div>
                <h1>{mount.title.clone()}</h1>
                <p class="muted">{mount.purpose.clone()}</p>
            </div>
            <div class="widget-actions">
                <a class="button" href=done data-testid="done">"Done"</a>
                {portal}
            </div>
        </header>
        <WidgetHost mount=mount boot=true/>
        {details}
    }
}
