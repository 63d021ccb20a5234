//! Cross-site request refusal: every state-changing request (server functions,
//! sign-out) must come from this site's own pages. Leptos has no CSRF check of its own.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::state::AppState;

pub async fn same_origin_only(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // WorkOS's webhooks come from WorkOS, not a page: their signature is their check.
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || request.uri().path() == "/webhooks/workos"
        || same_origin(request.headers(), &state.settings.site_url)
    {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site {} request", request.method());
        (StatusCode::FORBIDDEN, "Cross-site request refused: state-changing requests must come from Orgdeck's own pages.")
            .into_response()
    }
}

/// The request's `Origin` (or, lacking one, `Referer`) is this site: the configured
/// site URL, or the origin of the `Host` the browser used.
pub fn same_origin(headers: &HeaderMap, site_url: &str) -> bool {
    let scheme = if site_url.starts_with("https://") { "https" } else { "http" };
    let host_origin = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("{scheme}://{h}"));
    let matches = |origin: &str| origin == site_url || host_origin.as_deref() == Some(origin);
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        return matches(origin);
    }
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .is_some_and(|u| matches(&u.origin().ascii_serialization()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(header::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        h
    }

    #[test]
    fn own_origin_passes_and_others_do_not() {
        let site = "http://127.0.0.1:3000";
        assert!(same_origin(&headers(&[("origin", site)]), site));
        assert!(same_origin(&headers(&[("origin", "http://localhost:3000"), ("host", "localhost:3000")]), site));
        assert!(same_origin(&headers(&[("referer", "http://127.0.0.1:3000/widgets/users")]), site));
        assert!(!same_origin(&headers(&[("origin", "https://evil.example"), ("host", "127.0.0.1:3000")]), site));
        assert!(!same_origin(&headers(&[("origin", "null")]), site));
        assert!(!same_origin(&headers(&[("host", "127.0.0.1:3000")]), site), "no Origin, no Referer");
    }
}
