//! The organization bar at the top of the dashboard.

use leptos::prelude::*;

use super::error_notice::SignOutButton;
use crate::model::dashboard::OrgDashboard;
use crate::model::organization::OrgChoice;
use crate::model::plural;
use crate::api::session::switch_organization;

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
#[island]
fn OrgSwitcher(current: String, organizations: Vec<OrgChoice>) -> impl IntoView {
    let chosen = RwSignal::new(current.clone());
    let error = RwSignal::new(None::<String>);
    let switch = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let organization_id = chosen.get_untracked();
        leptos::task::spawn_local(async move {
            match switch_organization(organization_id).await {
                Ok(()) => {
                    #[cfg(feature = "hydrate")]
                    let _ = window().location().reload();
                }
                Err(e) => error.set(Some(e.detail())),
            }
        });
    };
    let options = organizations
        .into_iter()
        .map(|o| {
            let selected = o.id == current;
            view! { <option value=o.id selected=selected>{o.name}</option> }
        })
        .collect_view();
    view! {
        <form class="switcher" on:submit=switch>
            <label>
                "Organization "
                <select name="organization_id" data-testid="org-switcher" on:change=move |ev| chosen.set(event_target_value(&ev))>
                    {options}
                </select>
            </label>
            <button type="submit" class="secondary">"Switch"</button>
        </form>
        {move || error.get().map(|message| view! { <p class="forbidden" role="alert">{message}</p> })}
    }
}
