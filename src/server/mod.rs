//! Server-only code (the `ssr` feature): settings, shared state, sign-in and
//! sessions, the WorkOS client, the embedded emulator, request guards.

pub mod assets;
pub mod auth;
pub mod doctor;
pub mod embedded;
pub mod feed;
pub mod guard;
pub mod origin;
pub mod portal;
pub mod reads;
pub mod router;
pub mod security;
pub mod settings;
pub mod statuses;
pub mod state;
pub mod store;
pub mod tenants;
pub mod webhooks;
pub mod widget_api;
pub mod workos;
