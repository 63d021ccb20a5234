//! The hosted Admin Portal: what a link from `POST /portal/generate_link` (or the
//! widgets' `generate-link`) opens. One file per intent; a link is good once, for
//! five minutes, and for one organization; the portal session it starts is kept
//! in a cookie scoped to `/portal`.

pub mod audit_logs;
pub mod certificate_renewal;
pub mod directory_sync;
pub mod domain_verification;
pub mod flow;
pub mod log_streams;
pub mod sso;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use maud::html;
use serde::Deserialize;

use flow::{expired_page, layout, COOKIE};

use crate::ids::secret_token;
use crate::model::PortalSession;
use crate::emulator::Emulator;

/// How long a portal session lasts once its link was opened.
const SESSION_SECONDS: i64 = 3600;

pub fn router() -> Router<Emulator> {
    Router::new()
        .route("/portal/launch", get(launch_link).post(launch_form))
        .route("/portal/sso", get(sso::start))
        .route("/portal/sso/provider", post(sso::choose_provider))
        .route("/portal/sso/configure", get(sso::configure_page).post(sso::configure))
        .route("/portal/sso/test", get(sso::test_page).post(sso::test))
        .route("/portal/sso/activate", post(sso::activate))
        .route("/portal/domain_verification", get(domain_verification::start).post(domain_verification::add))
        .route("/portal/domain_verification/{id}", get(domain_verification::record))
        .route("/portal/domain_verification/{id}/verify", post(domain_verification::verify))
        .route("/portal/dsync", get(directory_sync::start).post(directory_sync::choose_type))
        .route("/portal/dsync/link", get(directory_sync::link_page).post(directory_sync::link))
        .route("/portal/log_streams", get(log_streams::start).post(log_streams::choose_destination))
        .route("/portal/log_streams/settings", get(log_streams::settings_page).post(log_streams::save))
        .route("/portal/audit_logs", get(audit_logs::view))
        .route("/portal/certificate_renewal", get(certificate_renewal::start).post(certificate_renewal::upload))
        .route("/portal/{intent}", get(not_emulated))
}

#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    secret: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LinkForm {
    #[serde(rename = "apiToken")]
    api_token: Option<String>,
}

/// `GET /portal/launch?secret=` (the public API's link).
pub async fn launch_link(State(emu): State<Emulator>, jar: CookieJar, Query(q): Query<LinkQuery>) -> Response {
    launch(&emu, jar, q.secret.as_deref())
}

/// `POST /portal/launch` with `apiToken` (what the widgets' buttons submit).
pub async fn launch_form(State(emu): State<Emulator>, jar: CookieJar, Form(f): Form<LinkForm>) -> Response {
    launch(&emu, jar, f.api_token.as_deref())
}

/// Spends the link and opens a portal session; an unknown, expired or used link
/// gets the expired-link page and changes nothing.
fn launch(emu: &Emulator, jar: CookieJar, secret: Option<&str>) -> Response {
    let now = emu.clock().unix();
    let mut db = emu.db();
    let Some(link) = secret.and_then(|s| db.portal_links.remove(s)).filter(|l| l.expires_at > now) else {
        return expired_page();
    };
    let id = secret_token();
    db.portal_sessions.insert(
        id.clone(),
        PortalSession {
            id: id.clone(),
            organization_id: link.organization_id,
            intent: link.intent.clone(),
            return_url: link.return_url,
            success_url: link.success_url,
            expires_at: now + SESSION_SECONDS,
            connection_id: None,
            directory_id: None,
            stream_type: None,
        },
    );
    let cookie = Cookie::build((COOKIE, id)).path("/portal").http_only(true).same_site(SameSite::Lax).build();
    (jar.add(cookie), Redirect::to(&format!("/portal/{}", link.intent))).into_response()
}

async fn not_emulated(session: PortalSession) -> Response {
    let body = html! {
        h1 { "Not available in the emulator yet" }
        p.sub { "The emulator's Admin Portal does not have the " code { (session.intent) } " flow (it has sso, domain_verification, dsync, log_streams, audit_logs and certificate_renewal)." }
    };
    (StatusCode::NOT_IMPLEMENTED, Html(layout("Admin Portal", session.return_url.as_deref(), &body))).into_response()
}

