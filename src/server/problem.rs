//! Errors as pages, for the handlers outside Leptos (sign-in, the hosted
//! portal, tenant addresses): an axum handler returns `Result<_, AppError>`,
//! `IntoResponse` gives the error's status (and `Retry-After`), and the
//! [`problem_pages`] layer, which knows the stylesheet, writes the page.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::state::AppState;
use crate::error::AppError;

/// The error a handler answered with, waiting for [`problem_pages`] to render it.
#[derive(Clone)]
struct Problem(AppError);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::BAD_GATEWAY);
        let mut response = status.into_response();
        if let Some(seconds) = self.retry_after() {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(Problem(self));
        response
    }
}

/// Renders the errors handlers answered with as pages: what happened, the
/// fix, and a way to sign in again.
pub async fn problem_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let Some(Problem(e)) = response.extensions().get::<Problem>().cloned() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    // The router beneath measured the empty body; the page is another length.
    parts.headers.remove(CONTENT_LENGTH);
    let Html(page) = html_page(&state, &e.to_string(), &e.explained(), Some(("/login", "Sign in again")));
    parts.headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    Response::from_parts(parts, Body::from(page))
}

/// A bare page for the handlers that run outside the Leptos app (maud
/// escapes what it is given).
pub fn html_page(state: &AppState, title: &str, detail: &str, action: Option<(&str, &str)>) -> Html<String> {
    let page = maud::html! {
        (maud::DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) " · Orgdeck" }
                link rel="icon" href="/favicon.ico";
                link rel="stylesheet" href=(state.stylesheet);
            }
            body { main { section.notice.error role="alert" {
                h1 { (title) }
                p { (detail) }
                @if let Some((href, label)) = action { p { a.button href=(href) { (label) } } }
            } } }
        }
    };
    Html(page.into_string())
}
