//! The organization's WorkOS events as they arrive (server-sent events from
//! `/events/live`; the browser reconnects by itself), newest first. A burst of
//! events refreshes the page's live region (`data-live`) from the server.

use leptos::prelude::*;

use super::time_ago::TimeAgo;
use crate::model::events::LiveEvent;

/// How many lines the feed keeps.
#[cfg(feature = "hydrate")]
const KEEP: usize = 20;

/// The page's part that events change: the live feed replaces it with the
/// server's fresh rendering of the same page after a burst of events.
#[component]
pub fn LiveRegion(name: &'static str, children: Children) -> impl IntoView {
    view! { <div data-live=name>{children()}</div> }
}

/// The feed, told when this page read its data: what was stored since then
/// is news to the page even if it came before the stream opened.
#[component]
pub fn LiveFeed() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let since = crate::api::events::page_read_at();
    #[cfg(not(feature = "ssr"))]
    let since = String::new();
    view! { <LiveEvents since/> }
}

#[island]
fn LiveEvents(since: String) -> impl IntoView {
    let events = RwSignal::new(Vec::<LiveEvent>::new());
    let rows = move || {
        events
            .get()
            .into_iter()
            .map(|e| {
                view! {
                    <li data-event=e.event.clone() title=e.event.clone()>
                        <span class="sentence">{e.sentence}</span>
                        <span class="meta"><TimeAgo at=e.created_at/></span>
                    </li>
                }
            })
            .collect_view()
    };
    let connected = RwSignal::new(false);
    let signed_out = RwSignal::new(false);
    #[cfg(not(feature = "hydrate"))]
    let _ = &since;
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::listen(&since, events, connected, signed_out));
    view! {
        <section class="live-feed" data-testid="live-feed" data-connected=move || connected.get().to_string()>
            <h2 class="section">"Happening now"</h2>
            <Show when=move || signed_out.get()>
                <p class="notice" data-testid="signed-out">
                    "This session was signed out from another device. " <a href="/login">"Sign in again"</a>
                </p>
            </Show>
            <Show
                when=move || !events.with(Vec::is_empty)
                fallback=|| view! { <p class="muted">"Changes in your organization appear here as they happen."</p> }
            >
                <ul class="panel event-list">{rows}</ul>
                <p><a href="/events">"All events →"</a></p>
            </Show>
        </section>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use js_sys::Promise;
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    use super::{LiveEvent, KEEP};

    // The page's fresh HTML, its live regions swapped in once it is all there (so
    // the old view stays until then). An island the fresh region has exactly as
    // before (same component, same props) is kept, live, in its new place; only
    // the others are hydrated (`__hydrateIsland` is Leptos's island loader).
    // Leptos never frees a hydrated island, so hydrating every island again
    // after every burst made a page left open grow without end. A redirect
    // (signed out) or an error leaves the page as it is.
    #[wasm_bindgen(inline_js = r#"
export async function refreshLiveRegions() {
  const res = await fetch(location.href, { headers: { accept: "text/html" }, redirect: "manual" });
  if (!res.ok) return;
  const fresh = new DOMParser().parseFromString(await res.text(), "text/html");
  const same = (a, b) => a.dataset.component === b.dataset.component && a.dataset.props === b.dataset.props;
  for (const old of document.querySelectorAll("[data-live]")) {
    const next = fresh.querySelector(`[data-live="${old.dataset.live}"]`);
    if (!next) continue;
    const live = [...old.querySelectorAll("leptos-island")];
    const hydrate = [];
    for (const island of next.querySelectorAll("leptos-island")) {
      const at = live.findIndex((kept) => same(kept, island));
      if (at >= 0) island.replaceWith(live.splice(at, 1)[0]);
      else hydrate.push(island);
    }
    old.replaceWith(next);
    for (const island of hydrate) {
      window.__hydrateIsland?.(island, island.dataset.component);
    }
  }
}"#)]
    extern "C" {
        #[wasm_bindgen(js_name = refreshLiveRegions)]
        fn refresh_live_regions() -> Promise;
    }

    /// Refreshes the live regions once for a burst of events, shortly after the
    /// first; events that come while a refresh is under way make one more.
    #[derive(Clone, Copy)]
    struct Refresh {
        pending: RwSignal<bool>,
        again: RwSignal<bool>,
    }

    impl Refresh {
        fn soon(self) {
            if self.pending.get_untracked() {
                self.again.set(true);
                return;
            }
            self.pending.set(true);
            set_timeout(
                move || {
                    leptos::task::spawn_local(async move {
                        loop {
                            self.again.set(false);
                            let _ = wasm_bindgen_futures::JsFuture::from(refresh_live_regions()).await;
                            if !self.again.get_untracked() {
                                break;
                            }
                        }
                        self.pending.set(false);
                    })
                },
                std::time::Duration::from_millis(250),
            );
        }
    }

    pub fn listen(since: &str, events: RwSignal<Vec<LiveEvent>>, connected: RwSignal<bool>, signed_out: RwSignal<bool>) {
        let url = format!("/events/live?since={}", js_sys::encode_uri_component(since));
        let Ok(source) = EventSource::new(&url) else { return };
        let refresh = Refresh { pending: RwSignal::new(false), again: RwSignal::new(false) };
        let on_workos = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
            let Some(text) = m.data().as_string() else { return };
            if let Ok(e) = serde_json::from_str::<LiveEvent>(&text) {
                events.update(|list| {
                    list.insert(0, e);
                    list.truncate(KEEP);
                });
            }
            refresh.soon();
        });
        let on_lagged = Closure::<dyn FnMut(MessageEvent)>::new(move |_| refresh.soon());
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
}
