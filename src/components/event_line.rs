//! One WorkOS event as people read it: its sentence, when, how it came, and
//! its raw type and payload one click away (`/events` and the return page).

use leptos::prelude::*;

use super::error_notice::ErrorNotice;
use super::time_ago::TimeAgo;
use crate::api::events::event_payload;
use crate::error::AppError;
use crate::model::events::EventRow;

/// One event: its sentence, when, how it came; its type and payload on demand.
#[component]
pub fn EventLine(row: EventRow) -> impl IntoView {
    let came = if row.source == "webhook" { "by webhook" } else { "through the Events API" };
    let kind = row.event.clone();
    view! {
        <li data-event=kind>
            <span class="sentence" data-testid="sentence">{row.sentence}</span>
            <span class="meta"><TimeAgo at=row.created_at/>" · " {came}</span>
            <Payload id=row.id event=row.event/>
        </li>
    }
}

/// The event's raw type and payload, the payload fetched the first time it is asked for.
#[island]
fn Payload(id: String, event: String) -> impl IntoView {
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
        open.get().then(|| {
            let body = match payload.get() {
                None => view! { <p class="loading">"Loading the payload…"</p> }.into_any(),
                Some(Ok(text)) => view! { <pre class="payload" data-testid="payload">{text}</pre> }.into_any(),
                Some(Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
            };
            view! { <div class="raw"><p>"Type " <code data-testid="raw-type">{event.clone()}</code></p>{body}</div> }
        })
    };
    view! {
        <button type="button" class="secondary small" aria-expanded=move || open.get().to_string() on:click=toggle>
            {move || if open.get() { "Hide payload" } else { "Show payload" }}
        </button>
        {shown}
    }
}

