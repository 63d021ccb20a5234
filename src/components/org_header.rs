//! The organization bar at the top of the dashboard.

use leptos::prelude::*;

use super::SignOutButton;
use crate::api::orgs::{plural, OrgDashboard};

#[component]
pub fn OrgHeader(dashboard: OrgDashboard) -> impl IntoView {
    let domains = dashboard
        .domains
        .into_iter()
        .map(|d| {
            let class = format!("domain {}", d.state);
            view! { <li class=class title=d.state.clone()>{d.domain}" "<span class="state">{d.state.clone()}</span></li> }
        })
        .collect_view();
    view! {
        <header class="org-header">
            <div>
                <h1 data-testid="org-name">{dashboard.org_name}</h1>
                <ul class="domains">{domains}</ul>
                <p class="muted" data-testid="member-count">
                    {plural(dashboard.active_members, "member", "members")}
                </p>
            </div>
            <div class="viewer">
                <p>
                    <strong data-testid="viewer-name">{dashboard.viewer.name}</strong>
                    <span class="role" data-testid="viewer-role">{dashboard.viewer.role}</span>
                </p>
                <p class="muted">{dashboard.viewer.email}</p>
                <SignOutButton/>
            </div>
        </header>
    }
}
