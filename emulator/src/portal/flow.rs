//! What every portal page shares: the session a link opened (from its
//! cookie), the page frame, and the end of a flow.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use maud::{html, Markup};

use crate::model::PortalSession;
use crate::emulator::Emulator;

/// The cookie (scoped to `/portal`) that names the portal session.
pub const COOKIE: &str = "wos-portal";

impl FromRequestParts<Emulator> for PortalSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, emu: &Emulator) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let now = emu.clock().unix();
        jar.get(COOKIE)
            .and_then(|c| emu.db().portal_sessions.get(c.value()).filter(|s| s.expires_at > now).cloned())
            .ok_or_else(expired_page)
    }
}

/// WorkOS's page for a link that is no longer good.
pub fn expired_page() -> Response {
    let body = html! {
        h1 { "This link has expired" }
        p.sub { "Admin Portal links work once, for five minutes. Ask the application for a new one." }
    };
    (StatusCode::GONE, Html(layout("Link expired", None, &body))).into_response()
}

/// Setup finished: to `success_url`, or a page saying so.
pub fn finish(session: &PortalSession, what: &str) -> Response {
    match &session.success_url {
        Some(url) => Redirect::to(url).into_response(),
        None => {
            let body = html! { h1 { "All set" } p.sub { (what) } };
            Html(layout("Admin Portal", session.return_url.as_deref(), &body)).into_response()
        }
    }
}

/// The portal's page: the logo goes back to the application (`return_url`).
pub fn layout(title: &str, return_url: Option<&str>, body: &Markup) -> String {
    let body = html! {
        p {
            @match return_url {
                Some(url) => a.logo href=(url) data-testid="portal-logo" { "← Back to the application" },
                None => span.badge { "Admin Portal" },
            }
        }
        (body)
        p.badge { "WorkOS emulator · Admin Portal" }
    };
    crate::pages::document(&format!("{title} · Admin Portal"), true, body)
}

/// A page of the flow, or the same page again with what was wrong (422).
pub fn page(session: &PortalSession, title: &str, body: Markup) -> Response {
    Html(layout(title, session.return_url.as_deref(), &body)).into_response()
}

pub fn invalid(session: &PortalSession, title: &str, body: Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page(session, title, body)).into_response()
}
