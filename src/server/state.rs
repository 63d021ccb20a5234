//! The state every handler and server function shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;

use super::auth::SessionRefresher;
use super::feed::Feed;
use super::origin::OriginCheck;
use super::reads::Reads;
use super::settings::Settings;
use super::store::Store;
use crate::error::AppError;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    pub workos: Arc<::workos::Client>,
    pub sessions: Arc<SessionRefresher>,
    pub store: Store,
    pub feed: Feed,
    pub reads: Arc<Reads>,
    /// Where the widgets bundle of this build is (`/widget-host/<hash>/host.js`).
    pub widget_bundle: Arc<str>,
    /// The app stylesheet's hashed address, for the pages outside Leptos.
    #[from_ref(skip)]
    pub stylesheet: Arc<str>,
    pub origin: Arc<OriginCheck>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, settings: Settings, store: Store) -> AppState {
        let workos = super::workos::client(&settings);
        let reads = Arc::new(Reads::default());
        let widget_bundle = super::assets::widget_bundle(std::path::Path::new(&*leptos_options.site_root)).into();
        let stylesheet = super::assets::stylesheet(&leptos_options).into();
        AppState {
            leptos_options,
            settings: Arc::new(settings),
            workos: Arc::new(workos),
            sessions: Arc::new(SessionRefresher::default()),
            feed: Feed::new(reads.clone(), store.clone()),
            store,
            reads,
            widget_bundle,
            stylesheet,
            origin: Arc::new(OriginCheck::default()),
        }
    }

    /// The state, inside a server function or a server-rendered page.
    pub fn current() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| AppError::Internal { message: "the server state is missing".into() })
    }
}
