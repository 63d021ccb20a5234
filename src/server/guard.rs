//! Cross-site request refusal: every state-changing request (server functions,
//! sign-out, the portal) must come from this site's own pages. Leptos has no
//! CSRF check of its own.
//!
//! This site is its configured origin (`site_url`), never the request's
//! `Host`: a name that resolves to this server (DNS rebinding) is not this
//! site. On the embedded emulator the loopback names of the same port are
//! this site too (`localhost` is where passkeys work).

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::state::AppState;

pub async fn same_origin_only(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // WorkOS's webhooks come from WorkOS, not a page: their signature is their check.
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || request.uri().path() == "/webhooks/workos"
        || same_origin(request.headers(), &state.origins)
    {
        next.run(request).await
    } else {
        refuse(&request)
    }
}

/// The answer to a cross-site request, logged (the widget token's own route refuses with it too).
pub fn refuse(request: &Request) -> Response {
    tracing::warn!(path = %request.uri().path(), "refused a cross-site {} request", request.method());
    (StatusCode::FORBIDDEN, "Cross-site request refused: state-changing requests must come from Orgdeck's own pages.").into_response()
}

/// The request's `Origin` (or, lacking one, `Referer`) is one of `origins`.
pub fn same_origin(headers: &HeaderMap, origins: &[String]) -> bool {
    let matches = |origin: &str| origins.iter().any(|o| o == origin);
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
    use crate::server::settings::Settings;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(header::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        h
    }

    fn emulator_site() -> Vec<String> {
        let mut s = Settings::from_sources(|_| None, None, "127.0.0.1:3000".parse().unwrap()).unwrap();
        s.use_emulator("sk_test_x", "client_x", "127.0.0.1:4100".parse().unwrap());
        s.origins()
    }

    #[test]
    fn own_origin_passes_and_others_do_not() {
        let site = emulator_site();
        assert!(same_origin(&headers(&[("origin", "http://127.0.0.1:3000")]), &site));
        assert!(same_origin(&headers(&[("origin", "http://localhost:3000"), ("host", "localhost:3000")]), &site));
        assert!(same_origin(&headers(&[("referer", "http://127.0.0.1:3000/widgets/users")]), &site));
        assert!(!same_origin(&headers(&[("origin", "https://evil.example"), ("host", "127.0.0.1:3000")]), &site));
        assert!(!same_origin(&headers(&[("origin", "null")]), &site));
        assert!(!same_origin(&headers(&[("host", "127.0.0.1:3000")]), &site), "no Origin, no Referer");
        assert!(!same_origin(&headers(&[("origin", "http://localhost:3001")]), &site), "another port is another site");
    }

    #[test]
    fn a_name_that_resolves_here_is_not_this_site() {
        // DNS rebinding: the attacker's name now points at this server, so the
        // browser sends Origin and Host alike.
        let rebinding = headers(&[("origin", "http://rebind.evil.example:3000"), ("host", "rebind.evil.example:3000")]);
        assert!(!same_origin(&rebinding, &emulator_site()));
        let real = Settings::from_sources(
            |k| match k {
                "WORKOS_API_KEY" => Some("sk_test_real".into()),
                "WORKOS_CLIENT_ID" => Some("client_real".into()),
                "WORKOS_COOKIE_PASSWORD" => Some("ab".repeat(32)),
                "WORKOS_REDIRECT_URI" => Some("https://orgdeck.example.com/auth/callback".into()),
                _ => None,
            },
            None,
            "127.0.0.1:3000".parse().unwrap(),
        )
        .unwrap();
        let origins = real.origins();
        assert_eq!(origins, vec![real.site_url.clone()], "against real WorkOS only the configured origin");
        assert!(!same_origin(&headers(&[("origin", "http://localhost:3000")]), &origins));
    }
}
