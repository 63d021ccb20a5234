//! The organization's WorkOS events as they arrive (server-sent events from
//! `/events/live`; the browser reconnects by itself), newest first.

use leptos::prelude::*;

use crate::api::events::LiveEvent;

/// How many lines the feed keeps.
#[cfg(feature = "hydrate")]
const KEEP: usize = 20;

/// Reloads `data` once for a burst of events, shortly after the first.
pub fn reload_after_events<T>(data: Resource<T>) -> Callback<()>
where
    T: Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    let pending = RwSignal::new(false);
    Callback::new(move |_| {
        if !pending.get_untracked() {
            pending.set(true);
            set_timeout(
                move || {
                    pending.set(false);
                    data.refetch();
                },
                std::time::Duration::from_millis(250),
            );
        }
    })
}

#[component]
pub fn LiveFeed(
    /// Called for each event (and when the feed fell behind), so a page can
    /// reload what the event changed.
    on_event: Callback<()>,
) -> impl IntoView {
    let events = RwSignal::new(Vec::<LiveEvent>::new());
    let connected = RwSignal::new(false);
    let signed_out = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| listen(events, connected, signed_out, on_event));
    #[cfg(not(feature = "hydrate"))]
    let _ = on_event;
    let rows = move || {
        events
            .get()
            .into_iter()
            .map(|e| view! { <li data-event=e.event.clone()><code>{e.event.clone()}</code> " " <span class="muted">{e.created_at}</span></li> })
            .collect_view()
    };
    view! {
        <section class="live-feed" data-testid="live-feed" data-connected=move || connected.get().to_string()>
            <h2 class="section">"Live events"</h2>
            <Show when=move || signed_out.get()>
                <p class="notice" data-testid="signed-out">
                    "This session was signed out from another device. " <a href="/login">"Sign in again"</a>
                </p>
            </Show>
            <Show when=move || !events.get().is_empty() fallback=|| view! { <p class="muted">"Waiting for WorkOS events…"</p> }>
                <ul>{rows}</ul>
            </Show>
            <p><a href="/events">"All events"</a></p>
        </section>
    }
}

#[cfg(feature = "hydrate")]
fn listen(events: RwSignal<Vec<LiveEvent>>, connected: RwSignal<bool>, signed_out: RwSignal<bool>, on_event: Callback<()>) {
    use send_wrapper::SendWrapper;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    let Ok(source) = EventSource::new("/events/live") else { return };
    let on_workos = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
        let Some(text) = m.data().as_string() else { return };
        if let Ok(e) = serde_json::from_str::<LiveEvent>(&text) {
            events.update(|list| {
                list.insert(0, e);
                list.truncate(KEEP);
            });
        }
        on_event.run(());
    });
    let on_lagged = Closure::<dyn FnMut(MessageEvent)>::new(move |_| on_event.run(()));
    let on_open = Closure::<dyn FnMut()>::new(move || connected.set(true));
    let closer = source.clone();
    let on_signed_out = Closure::<dyn FnMut(MessageEvent)>::new(move |_| {
        closer.close();
        connected.set(false);
        signed_out.set(true);
    });
    let _ = source.add_event_listener_with_callback("signed_out", on_signed_out.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("workos", on_workos.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("lagged", on_lagged.as_ref().unchecked_ref());
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    let live = SendWrapper::new((source, on_workos, on_lagged, on_open, on_signed_out));
    on_cleanup(move || live.0.close());
}
