//! `/`: the session's organization and a card per widget type.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::orgs::{dashboard, OrgDashboard};
use crate::components::{ErrorNotice, OrgHeader, WidgetCard};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| dashboard());
    view! {
        <Title text="Dashboard · Orgdeck"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading your organization…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <DashboardView dashboard=d/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardView(dashboard: OrgDashboard) -> impl IntoView {
    let cards = dashboard.cards.clone().into_iter().map(|card| view! { <WidgetCard card/> }).collect_view();
    view! {
        <OrgHeader dashboard=dashboard/>
        <h2 class="section">"Manage your organization"</h2>
        <div class="cards">{cards}</div>
    }
}
