//! Security headers on every answer. A page's Content-Security-Policy allows
//! exactly what Orgdeck loads: its own files, the inline hydration script by
//! the render's nonce, WebAssembly, and WorkOS's API (the widgets call it from
//! the browser). Everything else gets a policy that allows nothing to frame or
//! run it.

use axum::http::header::{
    HeaderName, HeaderValue, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::response::Response;
use tower::util::MapResponseLayer;

use super::state::AppState;

/// For what is not a Leptos page: JSON, files, the sign-in pages (which link
/// only this site's stylesheet and icon).
const BASELINE: &str = "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

/// The policy of a server-rendered page whose inline scripts carry `nonce`.
/// Styles may be inline: the official widgets (Radix) set `style` attributes.
pub fn page_policy(nonce: &str, workos_origin: &str) -> String {
    format!(
        "default-src 'self'; \
         script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; \
         connect-src 'self' {workos_origin}; \
         img-src 'self' data: blob: https: {workos_origin}; \
         font-src 'self' data:; \
         base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
    )
}

/// Called while the shell renders: the nonce exists only inside the render.
pub fn set_page_policy() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(state), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<AppState>(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = page_policy(&nonce, &state.settings.api.base_url());
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// The headers every answer carries, unless it set its own (a page keeps
/// its policy); HSTS too behind https. One layer around the whole app, not
/// tower-http's one per header on the router: `Router::layer` wraps each
/// route anew, and a request cloned the boxed stack, a box per layer.
pub fn headers(https: bool) -> MapResponseLayer<impl FnOnce(Response) -> Response + Clone> {
    const EVERY_ANSWER: [(HeaderName, &str); 4] = [
        (CONTENT_SECURITY_POLICY, BASELINE),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Older browsers that ignore frame-ancestors.
        (X_FRAME_OPTIONS, "DENY"),
        // WorkOS learns which site sent a user, not which page (the paths hold ids).
        (REFERRER_POLICY, "strict-origin-when-cross-origin"),
    ];
    const HSTS: &str = "max-age=63072000; includeSubDomains";
    MapResponseLayer::new(move |mut response: Response| {
        let headers = response.headers_mut();
        for (name, value) in EVERY_ANSWER {
            headers.entry(name).or_insert(HeaderValue::from_static(value));
        }
        if https {
            headers.entry(STRICT_TRANSPORT_SECURITY).or_insert(HeaderValue::from_static(HSTS));
        }
        response
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_may_run_only_its_own_scripts_and_reach_only_workos() {
        let p = page_policy("abc123", "https://api.workos.com");
        assert!(p.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"), "{p}");
        assert!(!p.contains("'unsafe-eval'") && !p.contains("script-src *"), "{p}");
        assert!(p.contains("connect-src 'self' https://api.workos.com;"), "{p}");
        assert!(p.contains("frame-ancestors 'none'"), "{p}");
    }
}
