//! The SDK's transport: its requests sent on hyper's HTTP/1.1 connections,
//! made by the connector reqwest itself uses with the TLS reqwest gives it
//! (rustls with ring and the webpki roots, `TCP_NODELAY`), kept for the next
//! call up to 90 s idle, and the SDK's timeout over the whole call, as reqwest's.
//!
//! The pool is this module's own, not hyper-util's legacy client's: that one
//! raced every checkout against a new connection (building the connect
//! future each call), formatted `Host`, and spawned a task per call to put
//! the connection back; here a call takes the newest idle connection under
//! one lock and puts it back when its answer is read (~5% of a token call's
//! own instructions, bench/RESULTS.md). A connection the server closed
//! before the call was written is replaced and the call sent again, as
//! hyper-util does.
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

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::body::Bytes;
use axum::http::uri::{Authority, Scheme};
use axum::http::{header, HeaderValue, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use tower::ServiceExt;
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

type Sender = http1::SendRequest<Full<Bytes>>;

/// Where a connection goes.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Origin {
    scheme: Scheme,
    authority: Authority,
}

/// An origin's idle connections (the newest last, used first: the likeliest
/// to be open still) and the `Host` its requests carry.
struct Pool {
    host: HeaderValue,
    idle: Vec<(Sender, Instant)>,
}

pub struct HyperTransport {
    connector: HttpsConnector<HttpConnector>,
    pools: Mutex<foldhash::HashMap<Origin, Pool>>,
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
        let connector = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().wrap_connector(http);
        HyperTransport { connector, pools: Mutex::default(), timeout }
    }

    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let uri: Uri = req.url.parse().map_err(TransportError::other)?;
        let (Some(scheme), Some(authority)) = (uri.scheme().cloned(), uri.authority().cloned()) else {
            return Err(TransportError::other(format!("{} is not an absolute URL", req.url)));
        };
        let origin = Origin { scheme, authority };
        let mut request = Request::new(Full::new(req.body.unwrap_or_default()));
        *request.method_mut() = req.method;
        // HTTP/1.1 asks for the path; the origin goes in `Host`.
        *request.uri_mut() = uri.path_and_query().cloned().map_or_else(|| Uri::from_static("/"), Uri::from);
        *request.headers_mut() = req.headers;
        // reqwest's default, which a server may look for.
        request.headers_mut().entry(header::ACCEPT).or_insert(HeaderValue::from_static("*/*"));
        loop {
            let (host, idle) = self.checkout(&origin).await?;
            request.headers_mut().entry(header::HOST).or_insert(host);
            let reused = idle.is_some();
            let mut sender = match idle {
                Some(sender) => sender,
                None => self.connect(&origin).await?,
            };
            let response = match sender.try_send_request(request).await {
                Ok(response) => response,
                Err(mut e) => match e.take_message() {
                    // A kept connection the server closed before the call
                    // was written: the call goes again, on another one.
                    Some(unsent) if reused => {
                        request = unsent;
                        continue;
                    }
                    _ => return Err(TransportError::other(e.into_error())),
                },
            };
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(TransportError::other)?.to_bytes();
            self.keep(origin, sender);
            return Ok(HttpResponse { status: parts.status, headers: parts.headers, body });
        }
    }

    /// The origin's `Host`, and its newest idle connection that is still open
    /// and ready for a call, if any.
    async fn checkout(&self, origin: &Origin) -> Result<(HeaderValue, Option<Sender>), TransportError> {
        loop {
            let (host, sender) = {
                let mut pools = self.pools.lock().unwrap_or_else(|e| e.into_inner());
                let pool = match pools.get_mut(origin) {
                    Some(pool) => pool,
                    None => pools.entry(origin.clone()).or_insert(Pool { host: host_of(origin)?, idle: Vec::new() }),
                };
                let sender = loop {
                    match pool.idle.pop() {
                        Some((sender, since)) if sender.is_closed() || since.elapsed() > IDLE => continue,
                        other => break other.map(|(sender, _)| sender),
                    }
                };
                (pool.host.clone(), sender)
            };
            match sender {
                None => return Ok((host, None)),
                // Ready once its connection has read the last answer through (at once, nearly always).
                Some(mut sender) => match sender.ready().await {
                    Ok(()) => return Ok((host, Some(sender))),
                    Err(_) => continue,
                },
            }
        }
    }

    /// A new connection to `origin`, driven by a task of its own.
    async fn connect(&self, origin: &Origin) -> Result<Sender, TransportError> {
        let uri = Uri::builder().scheme(origin.scheme.clone()).authority(origin.authority.clone()).path_and_query("/").build().map_err(TransportError::other)?;
        let io = self.connector.clone().oneshot(uri).await.map_err(TransportError::connect)?;
        let (sender, connection) = http1::handshake(io).await.map_err(TransportError::connect)?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("a connection to WorkOS ended: {e}");
            }
        });
        Ok(sender)
    }

    /// Puts a connection whose answer was read through back in its pool.
    fn keep(&self, origin: Origin, sender: Sender) {
        if sender.is_closed() {
            return;
        }
        let mut pools = self.pools.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(pool) = pools.get_mut(&origin) {
            pool.idle.push((sender, Instant::now()));
        }
    }
}

/// What `Host` says for `origin`: its host, and its port unless the scheme's own.
fn host_of(origin: &Origin) -> Result<HeaderValue, TransportError> {
    let host = origin.authority.host();
    let default = matches!((origin.scheme.as_str(), origin.authority.port_u16()), ("http", Some(80)) | ("https", Some(443)));
    let value = match origin.authority.port_u16() {
        Some(port) if !default => format!("{host}:{port}"),
        _ => host.to_string(),
    };
    HeaderValue::try_from(value).map_err(TransportError::other)
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

    /// A server answering `answers` calls on each connection, then closing it;
    /// the number of connections it accepted so far.
    async fn counting_server(answers: usize) -> (std::net::SocketAddr, Arc<std::sync::atomic::AtomicUsize>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = accepted.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let n = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    for i in 1..=answers {
                        // One small request a read: enough for these tests' calls.
                        if socket.read(&mut buf).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let body = format!("{{\"connection\":{n},\"call\":{i}}}");
                        let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len());
                        socket.write_all((head + &body).as_bytes()).await.unwrap();
                    }
                    // Closed without a word, as a server's idle timeout does.
                });
            }
        });
        (addr, accepted)
    }

    #[tokio::test]
    async fn a_connection_is_kept_for_the_next_call_and_one_the_server_closed_is_replaced() {
        let (addr, accepted) = counting_server(2).await;
        let transport = HyperTransport::new(Duration::from_secs(5));
        let mut bodies = Vec::new();
        for _ in 0..5 {
            let answer = transport.execute(post(format!("http://{addr}/widgets/token"))).await.unwrap();
            assert_eq!(answer.status, 200);
            bodies.push(String::from_utf8(answer.body.to_vec()).unwrap());
            // Lets the server's close reach the pool before the next call, as idle time does.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Two calls a connection: the second call reused the first's, and a closed one was never used again.
        assert_eq!(
            bodies,
            ["1:1", "1:2", "2:1", "2:2", "3:1"].map(|s| {
                let (c, i) = s.split_once(':').unwrap();
                format!("{{\"connection\":{c},\"call\":{i}}}")
            })
        );
        assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn calls_at_once_each_get_a_connection_and_all_are_kept() {
        let (addr, accepted) = counting_server(100).await;
        let transport = Arc::new(HyperTransport::new(Duration::from_secs(5)));
        let calls = (0..4).map(|_| {
            let transport = transport.clone();
            tokio::spawn(async move { transport.execute(post(format!("http://{addr}/x"))).await.unwrap().status })
        });
        for call in calls.collect::<Vec<_>>() {
            assert_eq!(call.await.unwrap(), 200);
        }
        let opened = accepted.load(std::sync::atomic::Ordering::SeqCst);
        assert!((1..=4).contains(&opened), "{opened}");
        // Later calls one at a time open none.
        for _ in 0..8 {
            assert_eq!(transport.execute(post(format!("http://{addr}/x"))).await.unwrap().status, 200);
        }
        assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), opened);
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
