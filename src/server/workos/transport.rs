//! The SDK's transport: its requests sent on hyper's pooled client, the
//! client reqwest itself runs on, with the TLS reqwest gives it (rustls with
//! ring and the webpki roots, HTTP/1.1, `TCP_NODELAY`, idle connections kept
//! 90 s) and the SDK's timeout over the whole call, as reqwest's.
//!
//! Why not the SDK's own (reqwest): each call went through reqwest's request
//! builder, which parses the SDK's URL string as a WHATWG URL (IDNA host
//! processing included) and again into the `Uri` hyper sends, copies the
//! headers the SDK already built, and boxes its timeout: ~10 of a widget-token
//! call's ~115 µs of Orgdeck CPU (bench/RESULTS.md). Here the URL is parsed
//! once, as a `Uri`, and the SDK's headers and body are moved, not copied.
//!
//! What reqwest does that this does not: proxies from `HTTP(S)_PROXY` and
//! `ALL_PROXY` — when one is set, [`chosen`] keeps the SDK's reqwest
//! transport, which tunnels through it — and following redirects, which no
//! WorkOS API call answers with (a 3xx reaches the SDK as an error).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::body::Bytes;
use axum::http::{header, HeaderValue, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use workos::transport::{HttpRequest, HttpResponse, HttpTransport, SharedTransport, TransportError};

/// reqwest's default: how long an unused connection stays in the pool.
const IDLE: Duration = Duration::from_secs(90);

/// The environment variables reqwest reads a proxy from.
const PROXY_VARIABLES: [&str; 6] = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];

/// This transport, or the SDK's reqwest one (`reqwest`, built only then) when
/// `var` names a proxy.
pub fn chosen(timeout: Duration, reqwest: impl FnOnce() -> SharedTransport, var: impl Fn(&str) -> Option<String>) -> SharedTransport {
    let proxied = PROXY_VARIABLES.iter().any(|name| var(name).is_some_and(|v| !v.trim().is_empty()));
    match proxied {
        true => reqwest(),
        false => Arc::new(HyperTransport::new(timeout)),
    }
}

pub struct HyperTransport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

impl HyperTransport {
    pub fn new(timeout: Duration) -> HyperTransport {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            // ring's provider supports the default versions: this cannot fail.
            .expect("ring supports TLS 1.2 and 1.3")
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().wrap_connector(http);
        let client = Client::builder(TokioExecutor::new()).pool_idle_timeout(IDLE).pool_timer(TokioTimer::new()).build(https);
        HyperTransport { client, timeout }
    }

    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let uri: Uri = req.url.parse().map_err(TransportError::other)?;
        let mut request = Request::new(Full::new(req.body.unwrap_or_default()));
        *request.method_mut() = req.method;
        *request.uri_mut() = uri;
        *request.headers_mut() = req.headers;
        // reqwest's default, which a server may look for.
        request.headers_mut().entry(header::ACCEPT).or_insert(HeaderValue::from_static("*/*"));
        let response = self.client.request(request).await.map_err(|e| match e.is_connect() {
            true => TransportError::connect(e),
            false => TransportError::other(e),
        })?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(TransportError::other)?.to_bytes();
        Ok(HttpResponse { status: parts.status, headers: parts.headers, body })
    }
}

#[async_trait]
impl HttpTransport for HyperTransport {
    async fn execute(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        match tokio::time::timeout(self.timeout, self.send(req)).await {
            Ok(answered) => answered,
            Err(elapsed) => Err(TransportError::timeout(elapsed)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, Method};
    use workos::transport::TransportErrorKind;

    fn post(url: String) -> HttpRequest {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer sk_test"));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        HttpRequest { method: Method::POST, url, headers, body: Some(Bytes::from_static(b"{\"a\":1}")) }
    }

    #[tokio::test]
    async fn a_call_goes_out_as_the_sdk_built_it_and_its_answer_comes_back_whole() {
        let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel();
        let app = axum::Router::new().route(
            "/widgets/token",
            axum::routing::post(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let _ = seen_tx.send((method, uri, headers, body));
                async { ([("x-request-id", "req_1")], axum::Json(serde_json::json!({"token": "t"}))) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let transport = HyperTransport::new(Duration::from_secs(5));
        let answer = transport.execute(post(format!("http://{addr}/widgets/token?x=1"))).await.unwrap();
        assert_eq!(answer.status, 200);
        assert_eq!(answer.headers.get("x-request-id").unwrap(), "req_1");
        assert_eq!(&answer.body[..], br#"{"token":"t"}"#);
        let (method, uri, headers, body) = seen_rx.recv().await.unwrap();
        assert_eq!((method, uri.to_string()), (Method::POST, "/widgets/token?x=1".to_string()));
        assert_eq!(headers.get(header::AUTHORIZATION).unwrap(), "Bearer sk_test");
        assert_eq!(headers.get(header::HOST).unwrap(), &addr.to_string());
        assert_eq!(headers.get(header::ACCEPT).unwrap(), "*/*");
        assert_eq!(&body[..], b"{\"a\":1}");
        // An https address is spoken to in TLS: this plain-HTTP server cannot answer it.
        assert!(transport.execute(post(format!("https://{addr}/widgets/token"))).await.is_err());
    }

    #[tokio::test]
    async fn no_answer_in_time_is_a_timeout_and_no_listener_a_connect_failure_both_retried() {
        // Accepts and never answers.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let transport = HyperTransport::new(Duration::from_millis(200));
        let e = transport.execute(post(format!("http://{addr}/x"))).await.unwrap_err();
        assert_eq!(e.kind, TransportErrorKind::Timeout, "{e}");
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let e = transport.execute(post(format!("http://{closed}/x"))).await.unwrap_err();
        assert_eq!(e.kind, TransportErrorKind::Connect, "{e}");
        assert!(e.is_retryable());
        let e = transport.execute(post("not a url".into())).await.unwrap_err();
        assert_eq!(e.kind, TransportErrorKind::Other, "{e}");
    }

    #[test]
    fn a_proxy_in_the_environment_keeps_reqwest_which_goes_through_it() {
        let reqwest: SharedTransport = Arc::new(workos::transport::ReqwestTransport::with_timeout(Duration::from_secs(1)));
        let is_reqwest = |var: &dyn Fn(&str) -> Option<String>| Arc::ptr_eq(&chosen(Duration::from_secs(1), || reqwest.clone(), var), &reqwest);
        assert!(!is_reqwest(&|_| None));
        for name in PROXY_VARIABLES {
            assert!(is_reqwest(&|v| (v == name).then(|| "http://proxy.internal:3128".to_string())), "{name}");
        }
        assert!(!is_reqwest(&|v| (v == "HTTPS_PROXY").then(|| " ".to_string())), "an empty variable names no proxy");
    }
}
