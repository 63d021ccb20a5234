//! `/`: the session's organization and a card per widget type.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::orgs::{dashboard, OrgDashboard};
use crate::components::{loaded, OrgHeader, WidgetCard};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| dashboard());
    view! {
        <Title text="Dashboard · Orgdeck"/>
        {loaded(data, "Loading your organization…", |d| view! { <DashboardView dashboard=d/> })}
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
