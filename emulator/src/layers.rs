//! What stands in front of the routes: request ids, the API key check, the
//! traffic count and injected faults. Kept apart from the core they use
//! (`http`, `faults`, `traffic`), which holds data and knows no `Emulator`.

use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::http::{bearer, is_loopback_origin, ApiError};
use crate::ids::request_id;
use crate::emulator::Emulator;

/// Every response carries an `X-Request-ID`, as WorkOS's do.
pub async fn add_request_id(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if let Ok(v) = HeaderValue::from_str(&request_id()) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// Server-to-server routes require `Authorization: Bearer <api key>`.
pub async fn require_api_key(State(emu): State<Emulator>, request: Request, next: Next) -> Response {
    if bearer(request.headers()) == Some(emu.api_key()) {
        next.run(request).await
    } else {
        ApiError::unauthorized().into_response()
    }
}

/// The emulator's own control routes are not WorkOS traffic and are not counted.
pub async fn count(State(emu): State<Emulator>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string());
    let route = route.unwrap_or_else(|| "(no route)".into());
    if !route.starts_with("/_emulator/") && route != "/health" {
        emu.traffic().record(request.method().as_str(), &route);
    }
    next.run(request).await
}

/// WorkOS's error body for a status, when the fault gives none (the
/// emulator's own 401 where it has one).
fn default_body(status: StatusCode) -> Value {
    match status.as_u16() {
        401 => ApiError::unauthorized().body,
        404 => json!({"message": "Not Found", "code": "entity_not_found"}),
        422 => json!({"message": "Validation failed", "code": "invalid_request_parameters", "errors": []}),
        429 => json!({"message": "Too many requests", "code": "rate_limit_exceeded"}),
        s if s >= 500 => json!({"message": "Internal Server Error", "code": "server_error"}),
        _ => json!({"message": status.canonical_reason().unwrap_or("Error")}),
    }
}

/// Control routes are never faulted: a test must always be able to clear them.
pub async fn inject(State(emu): State<Emulator>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/_emulator/") || path == "/health" {
        return next.run(request).await;
    }
    let Some(fault) = emu.faults().take(request.method().as_str(), &path) else {
        return next.run(request).await;
    };
    if fault.hang {
        std::future::pending::<()>().await;
    }
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    let Some(status) = fault.status.and_then(|s| StatusCode::from_u16(s).ok()) else {
        return next.run(request).await;
    };
    let body = fault.body.clone().unwrap_or_else(|| default_body(status));
    ApiError { status, body, retry_after: fault.retry_after }.into_response()
}


/// The control API (`/_emulator/*`) answers only this machine's tools and
/// pages, never another site's page open in the developer's browser: a
/// cross-site request (`Sec-Fetch-Site`), an `Origin` that is not loopback,
/// and the content types a plain form or `no-cors` fetch can send are
/// refused, so a browser must preflight (and the control API answers no
/// CORS). With a control token set, every control request must carry it.
pub async fn control_only_from_here(State(emu): State<Emulator>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/_emulator/") {
        return next.run(request).await;
    }
    if let Err(refused) = control_allowed(request.method(), request.headers(), emu.control_token().as_deref()) {
        tracing::warn!(path = %request.uri().path(), "refused a control request: {}", refused.body["message"]);
        return refused.into_response();
    }
    next.run(request).await
}

fn control_allowed(method: &Method, headers: &HeaderMap, token: Option<&str>) -> Result<(), ApiError> {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_ascii_lowercase);
    let forbidden = |message: &str| ApiError::new(StatusCode::FORBIDDEN, json!({"message": message, "code": "control_refused"}));
    if text(header::HeaderName::from_static("sec-fetch-site")).as_deref() == Some("cross-site") {
        return Err(forbidden("The emulator's control API does not answer other sites' pages."));
    }
    if let Some(origin) = text(header::ORIGIN) {
        if !is_loopback_origin(&origin) {
            return Err(forbidden("The emulator's control API answers only pages on this machine (a loopback Origin)."));
        }
    }
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    let content_type = text(header::CONTENT_TYPE).unwrap_or_default();
    let form_like = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"].iter().any(|t| content_type.starts_with(t));
    if !safe && form_like {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            json!({"message": "The control API takes JSON (Content-Type: application/json).", "code": "unsupported_media_type"}),
        ));
    }
    if let Some(token) = token {
        let sent = headers.get("x-emulator-control-token").and_then(|v| v.to_str().ok());
        if sent != Some(token) {
            return Err(forbidden("This emulator's control API needs its token (X-Emulator-Control-Token)."));
        }
    }
    Ok(())
}

/// The most a request body may hold (the emulator's largest, a portal's PEM
/// upload or an audit-log event, is a few KiB).
const BODY_LIMIT: usize = 1 << 20;

/// Reads every request body before any route sees it. A handler that answers
/// without reading the body (a 401 before the JSON is parsed, a 404 for an
/// unknown id) would otherwise leave unread bytes on a kept-alive connection,
/// and hyper then closes it: a client's next request there fails. Too large a
/// body is a JSON 413, and that connection closes (its rest is never read).
pub async fn read_whole_body(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await,
        Err(_) => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            json!({"message": format!("The request body is larger than {BODY_LIMIT} bytes."), "code": "payload_too_large"}),
        )
        .into_response(),
    }
}

/// WorkOS's array query parameters come two ways: the spec's form style
/// (`domains=a&domains=b`, or `domains[]=a`) and the comma-joined style the
/// Node SDK sends (`domains=a,b`). Routes read the comma-joined one, so a
/// repeated (or `[]`-suffixed) key is joined here, in order.
pub async fn join_repeated_query(mut request: Request, next: Next) -> Response {
    if let Some(query) = request.uri().query().filter(|q| q.contains('&') || q.contains("%5B%5D") || q.contains("[]")) {
        let mut joined: Vec<(String, String)> = Vec::new();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let key = key.strip_suffix("[]").unwrap_or(&key).to_string();
            match joined.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => {
                    v.push(',');
                    v.push_str(&value);
                }
                None => joined.push((key, value.into_owned())),
            }
        }
        let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(joined).finish();
        let path_and_query = format!("{}?{query}", request.uri().path());
        let mut parts = request.uri().clone().into_parts();
        if let Ok(pq) = path_and_query.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = axum::http::Uri::from_parts(parts) {
                *request.uri_mut() = uri;
            }
        }
    }
    next.run(request).await
}

/// A path the emulator does not serve: NestJS's 404, as WorkOS's API answers it.
pub async fn route_not_found(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        json!({"message": format!("Cannot {method} {}", uri.path()), "error": "Not Found", "statusCode": 404}),
    )
}

/// A path served for other methods only: a JSON 405 in the same shape (axum
/// adds `Allow`), so a client's error handling reads it as a WorkOS error.
pub async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        json!({"message": format!("Cannot {method} {}", uri.path()), "error": "Method Not Allowed", "statusCode": 405}),
    )
}
