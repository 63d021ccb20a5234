//! The state every handler and server function shares. It only holds things;
//! none of the modules it names depends on it.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;

use super::feed::Feed;
use super::limits::UserLimits;
use super::workos::budget::Budget;
use super::live_streams::LiveStreams;
use super::page_cache::PageCache;
use super::read_cache::ReadCache;
use super::session::cookies::Cookies;
use super::session::refresher::SessionRefresher;
use super::session::resolved::ResolvedSessions;
use super::session::revoked::RevokedSessions;
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::store::Store;
use super::workos::cors::CorsCheck;
use super::workos::reach::Reach;
use crate::error::AppError;

/// Cloned by every layer and server function of every request: one shared
/// count to bump (the fields behind it each had their own, and the options
/// their strings: 7% of a widget-token call's CPU went to cloning and
/// dropping them).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What leptos_axum takes from the state (its file handler, its routes).
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    pub workos: Arc<::workos::Client>,
    pub sessions: Arc<SessionRefresher>,
    /// Sessions already resolved, by cookie: most requests unseal nothing.
    pub resolved: Arc<ResolvedSessions>,
    /// Sessions ended before their token: refused whatever their cookie says.
    pub revoked: Arc<RevokedSessions>,
    pub cookies: Cookies,
    pub store: Store,
    pub feed: Feed,
    /// The WorkOS reads the dashboard makes, kept for a short while.
    pub cache: Arc<ReadCache>,
    /// Pages kept per viewer while nothing they show changed (the dashboard).
    pub pages: Arc<PageCache>,
    /// Where the widgets bundle of this build is (`/widget-host/<hash>/host.js`).
    pub widget_bundle: Arc<str>,
    /// The app stylesheet's hashed address, read once at start: every page's
    /// link (the shell) and the pages outside Leptos.
    pub stylesheet: Arc<str>,
    pub cors: Arc<CorsCheck>,
    /// The origins of this site's pages (`Settings::origins`), for the Origin
    /// check of every state-changing request.
    pub origins: Arc<[String]>,
    /// The live streams open now, by session.
    pub streams: Arc<LiveStreams>,
    /// What each person may make Orgdeck call WorkOS.
    pub limits: Arc<UserLimits>,
    /// Sign-ins by address (no user yet).
    pub sign_ins: Arc<UserLimits>,
    /// Whether WorkOS answered Orgdeck's calls lately (`/ready`).
    pub reach: Arc<Reach>,
    /// Whether the server is shutting down (`/ready`, live streams).
    pub shutdown: Shutdown,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, settings: Settings, store: Store) -> AppState {
        let budget = Arc::new(Budget::new(store.clone(), settings.workos_calls_per_minute));
        let reach = Arc::new(Reach::default());
        let workos = super::workos::client(&settings, Some(budget), Some(reach.clone()));
        let limits = Arc::new(UserLimits::new("user_calls", settings.user_calls_per_minute, settings.user_calls_burst));
        let sign_ins = Arc::new(UserLimits::new("sign_ins", settings.sign_ins_per_minute, settings.sign_ins_per_minute));
        super::metrics::handle();
        super::metrics::budget_per_minute(settings.workos_calls_per_minute);
        let cache = Arc::new(ReadCache::default());
        let revoked = Arc::new(RevokedSessions::default());
        let widget_bundle = super::assets::widget_bundle(std::path::Path::new(&*leptos_options.site_root)).into();
        let stylesheet = super::assets::stylesheet(&leptos_options).into();
        AppState(Arc::new(Shared {
            leptos_options,
            cookies: Cookies { secure: settings.secure_cookies },
            origins: settings.origins().into(),
            settings: Arc::new(settings),
            workos: Arc::new(workos),
            sessions: Arc::new(SessionRefresher::default()),
            resolved: Arc::new(ResolvedSessions::default()),
            feed: Feed::new(cache.clone(), revoked.clone(), store.clone()),
            revoked,
            store,
            cache,
            pages: Arc::default(),
            widget_bundle,
            stylesheet,
            cors: Arc::new(CorsCheck::default()),
            streams: Arc::new(LiveStreams::default()),
            limits,
            sign_ins,
            reach,
            shutdown: Shutdown::default(),
        }))
    }

    /// The state, inside a server function or a server-rendered page.
    pub fn current() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| AppError::Internal { message: "the server state is missing".into() })
    }
}
