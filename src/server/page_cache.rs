//! Whole pages kept per viewer, for the pages a signed-in user loads most
//! (the dashboard): a view whose inputs have not changed is served from the
//! bytes of the last render instead of rendering again. Rendering was most of
//! a dashboard view's CPU (`bench/RESULTS.md`, the CPU breakdown): Leptos's
//! reactive graph, the view tree and a read of the build's hash file, for
//! the same HTML as the view before.
//!
//! What a page shows comes from the session (organization, user, role,
//! permissions: the key), the read cache, the flows in the store and the
//! clock. So a kept page is served only while the read cache has forgotten
//! nothing ([`ReadCache::changes`]: every event, sign-in and flow return
//! forgets, in every instance), no flow was started or ended here
//! ([`Store::flow_changes`]), and for [`KEEP_FOR`] at most (the relative
//! times, a flow's link expiring, a flow another instance recorded).
//!
//! Each answer gets a nonce of its own: the kept page's nonce is replaced in
//! its body and its Content-Security-Policy, so no two answers share one.
//!
//! [`ReadCache::changes`]: super::read_cache::ReadCache::changes
//! [`Store::flow_changes`]: super::store::Store::flow_changes

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use moka::future::Cache;

use super::hit_counts::HitCounts;
use super::read_cache::ReadCache;
use super::session::current::CurrentSession;
use super::store::Store;

/// The pages kept: the dashboard, whose every view showed the same thing.
const KEPT_PATHS: &[&str] = &["/"];
/// Short: a relative time ("2 minutes ago") is at most this late.
pub const KEEP_FOR: Duration = Duration::from_secs(5);
/// Bytes of pages kept at most (a dashboard is ~9 KB: some 1,800 viewers).
const CAPACITY_BYTES: u64 = 16 * 1024 * 1024;
/// A page larger than this is not kept (none is today).
const LARGEST: usize = 512 * 1024;

/// Put in the request by [`serve_kept`]; the render's copy of the request
/// shares it, so a server function can say the page must not be kept (a
/// header would not do: a streamed page's headers leave before its data).
#[derive(Clone, Default)]
struct DoNotKeep(Arc<std::sync::atomic::AtomicBool>);

/// The page being rendered shows a failed read: like the read cache, which
/// never keeps an error, the page is not kept, so the next view tries again.
pub fn do_not_keep() {
    if let Some(parts) = leptos::prelude::use_context::<axum::http::request::Parts>() {
        if let Some(flag) = parts.extensions.get::<DoNotKeep>() {
            flag.0.store(true, Ordering::SeqCst);
        }
    }
}

/// What the page was rendered from, besides its key: if either changed, it is stale.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Inputs {
    pub reads: u64,
    pub flows: u64,
}

#[derive(Clone)]
struct Page {
    inputs: Inputs,
    headers: HeaderMap,
    body: Arc<str>,
    nonce: Arc<str>,
}

pub struct PageCache {
    pages: Cache<String, Page>,
    counts: HitCounts,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache {
            pages: Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|key: &String, page: &Page| (key.len() + page.body.len()).try_into().unwrap_or(u32::MAX))
                .time_to_live(KEEP_FOR)
                .build(),
            counts: HitCounts::new("pages"),
        }
    }
}

/// Everything of the session a page may depend on, and the address.
fn key(session: &CurrentSession, path_and_query: &str) -> Option<String> {
    let org = session.organization_id.as_deref()?;
    let mut permissions = session.permissions.clone();
    permissions.sort();
    Some([path_and_query, org, &session.user_id, &session.role, &permissions.join(",")].join("\u{0}"))
}

impl PageCache {
    /// (hits, misses) so far.
    pub fn counts(&self) -> (u64, u64) {
        self.counts.get()
    }

    async fn get(&self, key: &str, now: Inputs) -> Option<Response> {
        let page = self.pages.get(key).await.filter(|p| p.inputs == now);
        self.counts.count(page).map(|p| p.answer(&leptos::nonce::Nonce::new().to_string()))
    }
}

impl Page {
    /// The kept page with `nonce` where its own was.
    fn answer(&self, nonce: &str) -> Response {
        let mut response = Response::new(Body::from(self.body.replace(&*self.nonce, nonce)));
        for (name, value) in &self.headers {
            let value = match value.to_str() {
                Ok(text) if text.contains(&*self.nonce) => HeaderValue::from_str(&text.replace(&*self.nonce, nonce)).unwrap_or_else(|_| value.clone()),
                _ => value.clone(),
            };
            response.headers_mut().append(name, value);
        }
        response
    }
}

/// The nonce a rendered page's scripts carry (from its policy header).
fn nonce_of(headers: &HeaderMap) -> Option<Arc<str>> {
    let policy = headers.get(axum::http::header::CONTENT_SECURITY_POLICY)?.to_str().ok()?;
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let len = policy[start..].find('\'')?;
    Some(policy[start..start + len].into())
}

/// What [`serve_kept`] works with: the pages, and what tells when one is
/// stale (the state's own handles: the state holds the cache, so this module
/// does not import the state).
#[derive(Clone)]
pub struct Kept {
    pub pages: Arc<PageCache>,
    pub reads: Arc<ReadCache>,
    pub store: Store,
}

impl Kept {
    /// The read cache's and the store's change counts now.
    fn inputs(&self) -> Inputs {
        Inputs { reads: self.reads.changes(), flows: self.store.flow_changes() }
    }
}

/// Serves a kept page when nothing it was rendered from changed; otherwise
/// renders, and keeps the page when it is a plain 200 HTML answer and
/// nothing changed while it rendered. Inside the session layer (which has
/// put the session in the request and adds any refreshed cookie after).
pub async fn serve_kept(State(kept): State<Kept>, mut request: Request, next: Next) -> Response {
    let path_and_query = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let key = match request.extensions().get::<CurrentSession>() {
        Some(session) if request.method() == Method::GET && KEPT_PATHS.contains(&request.uri().path()) => key(session, path_and_query),
        _ => None,
    };
    let Some(key) = key else {
        return next.run(request).await;
    };
    // Read before rendering: a change that lands during the render makes the page stale.
    let before = kept.inputs();
    if let Some(response) = kept.pages.get(&key, before).await {
        return response;
    }
    let refused = DoNotKeep::default();
    request.extensions_mut().insert(refused.clone());
    let response = next.run(request).await;
    let keepable = response.status() == StatusCode::OK
        && !response.headers().contains_key(SET_COOKIE)
        && response.headers().get(CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    let Some(nonce) = nonce_of(response.headers()).filter(|_| keepable) else {
        return response;
    };
    let (mut parts, body) = response.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, LARGEST).await {
        Ok(bytes) => bytes,
        Err(e) => {
            // The render failed midway (or outgrew LARGEST): what was sent is all there is.
            tracing::warn!("a page could not be read whole to keep it: {e}");
            parts.headers.remove(CONTENT_LENGTH);
            return Response::from_parts(parts, Body::empty());
        }
    };
    // Read once the whole page is rendered: the flag is set during the render.
    let refused = refused.0.load(Ordering::SeqCst);
    if let (true, false, Ok(text)) = (kept.inputs() == before, refused, std::str::from_utf8(&bytes)) {
        let page = Page { inputs: before, headers: parts.headers.clone(), body: text.into(), nonce };
        kept.pages.pages.insert(key, page).await;
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(role: &str, permissions: &[&str]) -> CurrentSession {
        CurrentSession {
            session_id: "session_1".into(),
            user_id: "user_1".into(),
            email: "ada@acme.test".into(),
            email_verified: true,
            name: "Ada".into(),
            organization_id: Some("org_1".into()),
            role: role.into(),
            permissions: permissions.iter().map(|p| p.to_string()).collect(),
            expires_at: 0,
        }
    }

    #[test]
    fn the_key_holds_everything_of_the_session_a_page_shows() {
        let admin = key(&session("admin", &["a", "b"]), "/").unwrap();
        assert_eq!(admin, key(&session("admin", &["b", "a"]), "/").unwrap(), "the order of permissions does not matter");
        assert_ne!(admin, key(&session("member", &["a", "b"]), "/").unwrap());
        assert_ne!(admin, key(&session("admin", &["a"]), "/").unwrap());
        assert_ne!(admin, key(&session("admin", &["a", "b"]), "/?x=1").unwrap());
        let mut other_org = session("admin", &["a", "b"]);
        other_org.organization_id = Some("org_2".into());
        assert_ne!(admin, key(&other_org, "/").unwrap());
        let mut other_user = session("admin", &["a", "b"]);
        other_user.user_id = "user_2".into();
        assert_ne!(admin, key(&other_user, "/").unwrap());
        other_user.organization_id = None;
        assert_eq!(key(&other_user, "/"), None, "no organization, nothing kept");
    }

    #[tokio::test]
    async fn a_kept_page_is_served_with_a_nonce_of_its_own_until_an_input_changes() {
        let cache = PageCache::default();
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        headers.insert(axum::http::header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("script-src 'nonce-OLDNONCE'"));
        let inputs = Inputs { reads: 3, flows: 1 };
        assert_eq!(nonce_of(&headers).as_deref(), Some("OLDNONCE"));
        let page = Page { inputs, headers, body: r#"<script nonce="OLDNONCE">x</script><p>kept</p>"#.into(), nonce: "OLDNONCE".into() };
        cache.pages.insert("k".into(), page).await;

        let first = cache.get("k", inputs).await.expect("kept");
        let second = cache.get("k", inputs).await.expect("kept");
        let policy = |r: &Response| r.headers()[axum::http::header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
        let (p1, p2) = (policy(&first), policy(&second));
        assert!(!p1.contains("OLDNONCE") && !p2.contains("OLDNONCE") && p1 != p2, "{p1} / {p2}");
        let body = String::from_utf8(axum::body::to_bytes(first.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
        let nonce = nonce_of(&HeaderMap::from_iter([(axum::http::header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&p1).unwrap())])).unwrap();
        assert_eq!(body, format!(r#"<script nonce="{nonce}">x</script><p>kept</p>"#));

        assert!(cache.get("k", Inputs { reads: 4, flows: 1 }).await.is_none(), "the read cache forgot something");
        assert!(cache.get("k", Inputs { reads: 3, flows: 2 }).await.is_none(), "a flow started or ended");
        assert!(cache.get("other", inputs).await.is_none());
        assert_eq!(cache.counts(), (2, 3));
    }
}
