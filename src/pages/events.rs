//! `/events?organization=&event=&before=`: the WorkOS events Orgdeck received
//! for one of the user's organizations, newest first, with each payload on demand.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::events::{event_payload, events_page};
use crate::model::events::{EventPage as Page, EventRow};
use crate::components::{loaded, ErrorNotice, LiveFeed, LiveRegion};
use crate::error::AppError;

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
        <h1>"WorkOS events"</h1>
        <p class="muted">"What WorkOS told Orgdeck, by webhook or through the Events API, each stored once."</p>
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
    let rows = page.rows.into_iter().map(|row| view! { <EventLine row/> }).collect_view();
    view! {
        <form method="get" action="/events" class="filters">
            <label for="filter-organization">"Organization"</label>
            <select id="filter-organization" name="organization">{organizations}</select>
            <label for="filter-event">"Type"</label>
            <select id="filter-event" name="event"><option value="">"Every type"</option>{types}</select>
            <button type="submit">"Filter"</button>
        </form>
        <table data-testid="events">
            <thead><tr><th>"Event"</th><th>"When"</th><th>"Came by"</th><th></th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {next}
    }
}

#[component]
fn EventLine(row: EventRow) -> impl IntoView {
    view! {
        <tr data-event=row.event.clone()>
            <td><code>{row.event.clone()}</code></td><td>{row.created_at}</td><td>{row.source}</td>
            <td><Payload id=row.id/></td>
        </tr>
    }
}

/// The event's payload, fetched the first time it is asked for.
#[island]
fn Payload(id: String) -> impl IntoView {
    let open = RwSignal::new(false);
    let payload = RwSignal::new(None::<Result<String, AppError>>);
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        if open.get_untracked() && payload.with_untracked(Option::is_none) {
            let id = id.clone();
            leptos::task::spawn_local(async move { payload.set(Some(event_payload(id).await)) });
        }
    };
    let shown = move || {
        open.get().then(|| match payload.get() {
            None => view! { <p class="loading">"Loading the payload…"</p> }.into_any(),
            Some(Ok(text)) => view! { <pre class="payload" data-testid="payload">{text}</pre> }.into_any(),
            Some(Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
        })
    };
    view! {
        <button type="button" on:click=toggle>
            {move || if open.get() { "Hide payload" } else { "Show payload" }}
        </button>
        {shown}
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
