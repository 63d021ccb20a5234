//! `/events?organization=&event=&before=`: the WorkOS events Orgdeck received
//! for one of the user's organizations, newest first, with each payload on demand.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::events::{event_payload, list_events, EventRow, EventsPage as Page};
use crate::components::{loaded, reload_after_events, ErrorNotice, LiveFeed};

#[component]
pub fn EventsPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        (q.get("organization"), q.get("event"), q.get("before"))
    };
    let data = Resource::new(args, |(organization, event, before)| list_events(organization, event, before));
    view! {
        <Title text="Events · Orgdeck"/>
        <nav class="crumbs"><a href="/">"← Dashboard"</a></nav>
        <h1>"WorkOS events"</h1>
        <p class="muted">"What WorkOS told Orgdeck, by webhook or through the Events API, each stored once."</p>
        {move || {
            let (_, event, _) = args();
            loaded(data, "Reading the events…", move |page| view! { <EventsView page event=event.clone()/> })
        }}
        <LiveFeed on_event=reload_after_events(data)/>
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
    let id = row.id.clone();
    let open = RwSignal::new(false);
    let payload = Resource::new(move || open.get().then(|| id.clone()), |id| async move {
        match id {
            Some(id) => event_payload(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <tr data-event=row.event.clone()>
            <td><code>{row.event.clone()}</code></td><td>{row.created_at}</td><td>{row.source}</td>
            <td><button type="button" on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { "Hide payload" } else { "Show payload" }}
            </button></td>
        </tr>
        <Show when=move || open.get()>
            <tr><td colspan="4">
                <Suspense fallback=|| view! { <p class="loading">"Loading the payload…"</p> }>
                    {move || Suspend::new(async move {
                        match payload.await {
                            Ok(Some(text)) => view! { <pre data-testid="payload">{text}</pre> }.into_any(),
                            Ok(None) => ().into_any(),
                            Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </td></tr>
        </Show>
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
