//! `/`: the session's organization and a card per widget type.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::dashboard::dashboard;
use crate::model::dashboard::{FlowRow, OrgDashboard};
use crate::components::{loaded, LiveFeed, LiveRegion, OrgHeader, TimeAgo, WidgetCard};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| dashboard());
    view! {
        <Title text="Dashboard · Orgdeck"/>
        <LiveRegion name="dashboard">
            {loaded(data, "Loading your organization…", |d| view! { <DashboardView dashboard=d/> })}
        </LiveRegion>
        <LiveFeed/>
    }
}

#[component]
fn DashboardView(dashboard: OrgDashboard) -> impl IntoView {
    let cards = dashboard.cards.clone().into_iter().map(|card| view! { <WidgetCard card/> }).collect_view();
    let flows = dashboard.flows.clone();
    view! {
        <OrgHeader dashboard=dashboard/>
        <h2 class="section">"Manage your organization"</h2>
        <div class="cards">{cards}</div>
        {(!flows.is_empty()).then(|| view! { <RecentFlows flows/> })}
    }
}

#[component]
fn RecentFlows(flows: Vec<FlowRow>) -> impl IntoView {
    let rows = flows
        .into_iter()
        .map(|f| {
            let href = format!("/return/{}?flow={}", f.slug, f.id);
            view! {
                <tr data-status=f.status.clone()>
                    <td><code>{f.intent}</code></td><td><TimeAgo at=f.started_at/></td><td>{f.status.clone()}</td>
                    <td><a href=href>"Details"</a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2 class="section">"Your recent Admin Portal flows"</h2>
        <table data-testid="flows">
            <thead><tr><th>"Intent"</th><th>"Started"</th><th>"How it ended"</th><th></th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
