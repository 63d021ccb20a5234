//! A countdown to the current widget token's expiry.

use leptos::prelude::*;

#[component]
pub fn TokenClock(#[prop(into)] expires_at: Signal<Option<i64>>) -> impl IntoView {
    let now = RwSignal::new(None::<i64>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let tick = move || {
            now.try_set(Some((js_sys::Date::now() / 1000.0) as i64));
        };
        tick();
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
            on_cleanup(move || handle.clear());
        }
    });
    let text = move || match (expires_at.get(), now.get()) {
        (Some(exp), Some(now)) if exp > now => {
            let left = exp - now;
            format!("Token expires in {}:{:02}", left / 60, left % 60)
        }
        (Some(_), Some(_)) => "Token expired; the widget fetches a new one".to_string(),
        _ => "Fetching a widget token…".to_string(),
    };
    view! { <p class="token-clock" data-testid="token-clock">{text}</p> }
}
