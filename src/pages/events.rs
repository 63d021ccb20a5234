//! `/events?organization=&event=&before=`: the WorkOS events Orgdeck received
//! for one of the user's organizations, newest first, with each payload on demand.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::events::events_page;
use crate::model::events::EventPage as Page;
use crate::components::{loaded, EventLine, LiveFeed, LiveRegion};

#[component]
pub fn EventsPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        (q.get("organization"), q.get("event"), q.get("before"))
    };
    let data = Resource::new(args, |(organization, event, before)| events_page(organization, event, before));
    view! {
        <Title text="Events · Orgdeck"/>
        <nav class="crumbs"><a href="/">"← Dashboard"</a></nav>
        <h1>"Events"</h1>
        <p class="muted">"What happened in your organization, as WorkOS told Orgdeck (by webhook or through the Events API), newest first."</p>
        <LiveRegion name="events">
            {move || {
                let (_, event, _) = args();
                loaded(data, "Reading the events…", move |page| view! { <EventsView page event=event.clone()/> })
            }}
        </LiveRegion>
        <LiveFeed/>
    }
}

#[component]
fn EventsView(page: Page, event: Option<String>) -> impl IntoView {
    let org = page.organization_id.clone();
    let chosen = event.clone().unwrap_or_default();
    let organizations = page
        .organizations
        .iter()
        .map(|o| view! { <option value=o.id.clone() selected=o.id == org>{o.name.clone()}</option> })
        .collect_view();
    let types = page
        .types
        .iter()
        .map(|t| view! { <option value=t.clone() selected=*t == chosen>{t.clone()}</option> })
        .collect_view();
    let next = page.next.clone().map(|cursor| {
        let mut href = format!("/events?organization={}&before={}", urlencode(&org), urlencode(&cursor));
        if let Some(e) = &event {
            href.push_str(&format!("&event={}", urlencode(e)));
        }
        view! { <p><a href=href data-testid="older">"Older events →"</a></p> }
    });
    let filtered = event.is_some_and(|e| !e.is_empty());
    let list = if page.rows.is_empty() {
        let why = if filtered {
            "No events of this type yet. Choose “Every type” to see the others."
        } else {
            "Nothing yet. When something changes in this organization — a member invited, a domain verified, \
             an SSO connection set up, someone signing in — WorkOS tells Orgdeck, and it appears here."
        };
        view! { <p class="panel empty" data-testid="events-empty">{why}</p> }.into_any()
    } else {
        let rows = page.rows.into_iter().map(|row| view! { <EventLine row/> }).collect_view();
        view! { <ul class="panel event-list" data-testid="events">{rows}</ul> }.into_any()
    };
    view! {
        <form method="get" action="/events" class="filters" aria-label="Filter events">
            <div class="field">
                <label for="filter-organization">"Organization"</label>
                <select id="filter-organization" name="organization">{organizations}</select>
            </div>
            <div class="field">
                <label for="filter-event">"Type"</label>
                <select id="filter-event" name="event"><option value="">"Every type"</option>{types}</select>
            </div>
            <button type="submit">"Filter"</button>
        </form>
        {list}
        {next}
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
