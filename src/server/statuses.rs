//! Server functions answer a failure with the status it means (400 unreadable,
//! 401 signed out, 403 forbidden, 404 not found, 422 invalid, 429 with WorkOS's
//! Retry-After, 502/504 WorkOS failing or silent), not Leptos's
//! blanket 500: one layer, so no server function can forget it.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::header::{HeaderValue, CONTENT_LENGTH, RETRY_AFTER};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use crate::error::AppError;

/// Errors are a few hundred bytes; anything bigger is not one of ours.
const MOST: usize = 64 * 1024;

pub async fn typed_error_statuses(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MOST).await else {
        parts.headers.remove(CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = AppError::from_wire(&bytes) {
        mark(&error, &mut parts);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// What an answer carrying `error` says in its head: the error's status, and
/// `Retry-After` when it has one. Also for the handlers that answer as a
/// server function does (widget_token.rs).
pub fn mark(error: &AppError, parts: &mut axum::http::response::Parts) {
    parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(seconds) = error.retry_after() {
        parts.headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
}
