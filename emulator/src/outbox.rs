//! The emails the emulator "sends" (verification codes, email changes): nothing
//! leaves the machine; a person reads them at `/_emulator/outbox`, a test as JSON.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use maud::html;
use serde::Deserialize;
use serde_json::json;

use crate::ids::new_id;
use crate::model::Email;
use crate::emulator::Emulator;
use crate::state::Db;

/// One-time codes sent by email live ten minutes.
pub const CODE_SECONDS: i64 = 600;

/// A six-digit one-time code.
pub fn six_digits() -> String {
    use rand::Rng;
    format!("{:06}", rand::thread_rng().gen_range(0..1_000_000))
}

/// Whether `email` can be an address to send to (a local part, `@`, a dotted domain).
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !email.contains(char::is_whitespace)
}

/// Puts an email in the outbox and returns its id.
pub fn send(emu: &Emulator, db: &mut Db, to: &str, purpose: &str, subject: String, text: String, code: Option<String>) -> String {
    let id = new_id("email", emu.clock().millis());
    // Never the subject or text: they carry the one-time code.
    tracing::info!(to, purpose, "emulator outbox: an email was sent");
    db.outbox.push(Email {
        id: id.clone(),
        to: to.to_string(),
        subject,
        text,
        code,
        purpose: purpose.to_string(),
        created_at: emu.now_iso(),
    });
    id
}

#[derive(Debug, Deserialize)]
pub struct OutboxQuery {
    to: Option<String>,
}

/// `GET /_emulator/outbox[?to=]`: newest first; HTML for a browser, JSON otherwise.
pub async fn list(State(emu): State<Emulator>, headers: HeaderMap, Query(q): Query<OutboxQuery>) -> Response {
    let to = q.to.map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty());
    let emails: Vec<Email> = emu
        .db()
        .outbox
        .iter()
        .rev()
        .filter(|e| to.as_ref().is_none_or(|t| e.to.eq_ignore_ascii_case(t)))
        .cloned()
        .collect();
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html {
        Html(page(&emails)).into_response()
    } else {
        Json(json!({"data": emails})).into_response()
    }
}

fn page(emails: &[Email]) -> String {
    let body = html! {
        h1 { "Outbox" }
        p.sub { "Every email the emulator has sent, newest first. Nothing leaves this machine." }
        @if emails.is_empty() {
            p { "No emails yet." }
        }
        @for e in emails {
            article.email data-to=(e.to) {
                h2 { (e.subject) }
                p.who { "To " (e.to) " · " (e.created_at) }
                @if let Some(code) = &e.code {
                    p { "Code: " strong.code { (code) } }
                }
                pre { (e.text) }
            }
        }
    };
    crate::pages::document("Outbox · WorkOS emulator", true, body)
}
