//! One WorkOS event as people read it: its sentence, when, how it came, and
//! its raw type and payload one click away (`/events` and the return page).
//!
//! The payload comes with the page, in a native disclosure: no island, so a
//! live region swapped after every burst of events leaves nothing behind
//! (an island's hydrated state is never freed by Leptos).

use leptos::prelude::*;

use super::time_ago::TimeAgo;
use crate::model::events::EventRow;

#[component]
pub fn EventLine(row: EventRow) -> impl IntoView {
    let came = if row.source == "webhook" { "by webhook" } else { "through the Events API" };
    let kind = row.event.clone();
    view! {
        <li data-event=kind>
            <span class="sentence" data-testid="sentence">{row.sentence}</span>
            <span class="meta"><TimeAgo at=row.created_at/>" · " {came}</span>
            <details class="raw">
                <summary>"Show payload"</summary>
                <p>"Type " <code data-testid="raw-type">{row.event}</code></p>
                <pre class="payload" data-testid="payload">{row.payload}</pre>
            </details>
        </li>
    }
}
