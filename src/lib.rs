//! Orgdeck: manage your organization through WorkOS Widgets and the Admin Portal.

pub mod api;
pub mod app;
pub mod catalog;
pub mod components;
pub mod error;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;

/// The browser entry: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
