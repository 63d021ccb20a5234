//! `GET /metrics` (the recording is `metrics.rs`): answered to a scraper on
//! this machine or one with `METRICS_TOKEN`.

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::metrics::{handle, live_streams_open};
use super::state::AppState;

/// `GET /metrics`: the Prometheus text format, to a scraper on this machine
/// (a loopback address, not forwarded by a proxy) or one that sends
/// `Authorization: Bearer <METRICS_TOKEN>`.
pub async fn scrape(State(state): State<AppState>, ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>, headers: HeaderMap) -> Response {
    if !may_scrape(&headers, peer, state.settings.metrics_token.as_deref()) {
        return (
            StatusCode::FORBIDDEN,
            "Metrics are answered to this machine (not through a proxy) or with Authorization: Bearer <METRICS_TOKEN>.",
        )
            .into_response();
    }
    let handle = handle();
    handle.run_upkeep();
    live_streams_open(state.streams.count());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response()
}

/// Loopback and not forwarded (a proxy on this machine forwards the world),
/// or the right token, compared in constant time.
fn may_scrape(headers: &HeaderMap, peer: std::net::SocketAddr, token: Option<&str>) -> bool {
    let forwarded = headers.contains_key("x-forwarded-for") || headers.contains_key(header::FORWARDED);
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    match (token, bearer) {
        (Some(token), Some(given)) => {
            use subtle::ConstantTimeEq;
            token.as_bytes().ct_eq(given.as_bytes()).into()
        }
        _ => peer.ip().is_loopback() && !forwarded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_or_the_token_may_scrape() {
        let local: std::net::SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let remote: std::net::SocketAddr = "203.0.113.9:5000".parse().unwrap();
        let none = HeaderMap::new();
        assert!(may_scrape(&none, local, None));
        assert!(!may_scrape(&none, remote, None));
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
        assert!(!may_scrape(&proxied, local, None), "a proxy on this machine forwards anyone");
        let mut bearer = HeaderMap::new();
        bearer.insert(header::AUTHORIZATION, "Bearer s3cret-token".parse().unwrap());
        assert!(may_scrape(&bearer, remote, Some("s3cret-token")));
        assert!(!may_scrape(&bearer, remote, Some("another-token")));
        assert!(!may_scrape(&bearer, remote, None), "no token configured: only this machine");
    }
}
