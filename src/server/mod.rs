//! Server-only code (the `ssr` feature): the floor of Orgdeck. Everything
//! that talks to WorkOS (`workos/`), the database (`store`) or the network
//! lives here; server functions in `api/` call down into it, and nothing here
//! imports `api/` (`tests/layers.rs` checks).

pub mod assets;
pub mod capabilities;
pub mod dashboard;
pub mod doctor;
pub mod embedded;
pub mod event_access;
pub mod event_words;
pub mod feed;
pub mod guard;
pub mod hit_counts;
pub mod limits;
pub mod live;
pub mod live_streams;
pub mod metrics;
pub mod observe;
pub mod page_cache;
pub mod portal;
pub mod problem;
pub mod proxies;
pub mod read_cache;
pub mod readiness;
pub mod router;
pub mod scrape;
pub mod security;
pub mod session;
pub mod settings;
pub mod shutdown;
pub mod sign_in;
pub mod state;
pub mod statuses;
pub mod store;
pub mod tenants;
pub mod traces;
pub mod webhooks;
pub mod widget_token;
pub mod workos;
