//! The organization bar at the top of the dashboard.

use leptos::prelude::*;

use super::SignOutButton;
use crate::api::orgs::{plural, OrgChoice, OrgDashboard};
use crate::api::session::SwitchOrganization;

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
                {(dashboard.organizations.len() > 1)
                    .then(|| view! {
                        <OrgSwitcher current=dashboard.org_id.clone() organizations=dashboard.organizations.clone()/>
                        <p><a href="/widgets/organization-switcher" data-testid="switcher-link">"Switch with the OrganizationSwitcher widget"</a></p>
                    })}
                <SignOutButton/>
            </div>
        </header>
    }
}

/// Moves the session to another of the user's organizations, then reloads.
#[component]
fn OrgSwitcher(current: String, organizations: Vec<OrgChoice>) -> impl IntoView {
    let switch = ServerAction::<SwitchOrganization>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(Ok(())) = switch.value().get() {
            let _ = window().location().reload();
        }
    });
    let options = organizations
        .into_iter()
        .map(|o| {
            let selected = o.id == current;
            view! { <option value=o.id selected=selected>{o.name}</option> }
        })
        .collect_view();
    let error = move || match switch.value().get() {
        Some(Err(e)) => Some(view! { <p class="forbidden" role="alert">{e.detail()}</p> }),
        _ => None,
    };
    view! {
        <ActionForm action=switch attr:class="switcher">
            <label>
                "Organization "
                <select name="organization_id" data-testid="org-switcher">{options}</select>
            </label>
            <button type="submit" class="secondary">"Switch"</button>
        </ActionForm>
        {error}
    }
}
