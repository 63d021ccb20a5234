//! Orgdeck: manage your organization through WorkOS Widgets and the Admin Portal.

pub mod api;
pub mod app;
pub mod catalog;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;

/// The browser entry. Leptos's island loader calls it, then hydrates each island
/// of the server-rendered page (`#[island]`); everything else stays server HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::{document, set_timeout};
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Tests wait for this marker before clicking (events bound before hydration are
    // lost); the loader hydrates the islands right after this returns, within the
    // current task, so a timer runs after them.
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
