//! The `log_streams` intent: pick the destination, give its settings (checked,
//! problems explained); the organization's audit-log stream becomes Active.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;

use super::flow::{finish, invalid, page};
use crate::model::PortalSession;
use crate::ids::new_id;
use crate::model::AuditLogStream;
use crate::emulator::Emulator;

/// A destination: its type, its label, and its settings' (name, label).
type Destination = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

const DESTINATIONS: &[Destination] = &[
    ("Datadog", "Datadog", &[("api_key", "API key"), ("region", "Region (US1, US3, US5, EU1, AP1)")]),
    ("Splunk", "Splunk", &[("hec_url", "HTTP Event Collector URL"), ("hec_token", "HEC token")]),
    ("S3", "Amazon S3", &[("bucket", "Bucket name"), ("region", "AWS region"), ("role_arn", "IAM role ARN")]),
    ("GenericHttps", "HTTPS endpoint", &[("endpoint", "Endpoint URL")]),
];

fn https(v: &str) -> bool {
    url::Url::parse(v).is_ok_and(|u| u.scheme() == "https" && u.host().is_some())
}

/// The first problem with the settings, in words a person can act on.
fn check(kind: &str, f: &BTreeMap<String, String>) -> Result<(), String> {
    let get = |k: &str| f.get(k).map(|v| v.trim()).unwrap_or_default();
    match kind {
        "Datadog" if get("api_key").len() != 32 || !get("api_key").chars().all(|c| c.is_ascii_hexdigit()) => {
            Err("A Datadog API key is 32 hexadecimal characters.".into())
        }
        "Datadog" if !["US1", "US3", "US5", "EU1", "AP1"].contains(&get("region").to_uppercase().as_str()) => {
            Err("The region must be one of US1, US3, US5, EU1, AP1.".into())
        }
        "Splunk" if !https(get("hec_url")) => Err("The HTTP Event Collector URL must be an https:// address.".into()),
        "Splunk" if get("hec_token").is_empty() => Err("The HEC token is needed.".into()),
        "S3" if !(3..=63).contains(&get("bucket").len()) || !get("bucket").chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.') => {
            Err("An S3 bucket name is 3 to 63 lowercase letters, digits, dots and hyphens.".into())
        }
        "S3" if get("region").is_empty() => Err("The AWS region is needed.".into()),
        "S3" if !get("role_arn").starts_with("arn:aws:iam::") || !get("role_arn").contains(":role/") => {
            Err("The role ARN looks like arn:aws:iam::123456789012:role/name.".into())
        }
        "GenericHttps" if !https(get("endpoint")) => Err("The endpoint must be an https:// address.".into()),
        _ => Ok(()),
    }
}

pub async fn start(State(emu): State<Emulator>, session: PortalSession) -> Response {
    let existing = emu.db().audit_log_streams.iter().find(|s| s.organization_id == session.organization_id).cloned();
    page(
        &session,
        "Log streams",
        html! {
            h1 { "Stream audit logs" }
            @if let Some(s) = &existing { p data-testid="existing-stream" { (s.stream_type) " · " (s.state) } }
            p.sub { "Choose where your audit logs go." }
            form method="post" action="/portal/log_streams" {
                @for (value, label, _) in DESTINATIONS { button type="submit" name="destination" value=(value) { (label) } }
            }
        },
    )
}

pub async fn choose_destination(State(emu): State<Emulator>, session: PortalSession, Form(f): Form<BTreeMap<String, String>>) -> Response {
    let Some((kind, ..)) = DESTINATIONS.iter().find(|(v, ..)| Some(*v) == f.get("destination").map(String::as_str)) else {
        return Redirect::to("/portal/log_streams").into_response();
    };
    if let Some(s) = emu.db().portal_sessions.get_mut(&session.id) {
        s.stream_type = Some(kind.to_string());
    }
    Redirect::to("/portal/log_streams/settings").into_response()
}

fn settings_form(kind: &str, error: Option<&str>) -> maud::Markup {
    let (_, label, fields) = DESTINATIONS.iter().find(|(v, ..)| *v == kind).copied().unwrap_or(DESTINATIONS[0]);
    html! {
        h1 { "Stream to " (label) }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form method="post" action="/portal/log_streams/settings" {
            @for (name, field_label) in fields {
                label for=(name) { (field_label) }
                input id=(name) name=(name) required;
            }
            button.primary type="submit" { "Start streaming" }
        }
    }
}

pub async fn settings_page(session: PortalSession) -> Response {
    match session.stream_type.as_deref() {
        Some(kind) => page(&session, "Log streams", settings_form(kind, None)),
        None => Redirect::to("/portal/log_streams").into_response(),
    }
}

/// The organization's one stream is replaced by this one, Active.
pub async fn save(State(emu): State<Emulator>, session: PortalSession, Form(f): Form<BTreeMap<String, String>>) -> Response {
    let Some(kind) = session.stream_type.clone() else { return Redirect::to("/portal/log_streams").into_response() };
    if let Err(problem) = check(&kind, &f) {
        return invalid(&session, "Log streams", settings_form(&kind, Some(&problem)));
    }
    let now = emu.now_iso();
    let mut db = emu.db();
    db.audit_log_streams.retain(|s| s.organization_id != session.organization_id);
    db.audit_log_streams.push(AuditLogStream {
        id: new_id("audit_log_stream", emu.clock().millis()),
        organization_id: session.organization_id.clone(),
        stream_type: kind,
        state: "Active".into(),
        // Secrets the customer typed stay out of what the emulator shows back.
        settings: f.into_iter().filter(|(k, _)| !k.contains("key") && !k.contains("token")).collect(),
        error_message: None,
        created_at: now.clone(),
        updated_at: now,
    });
    drop(db);
    finish(&session, "Your audit logs are streaming.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn settings_problems_are_explained() {
        assert!(check("Datadog", &form(&[("api_key", "abc"), ("region", "US1")])).unwrap_err().contains("32 hexadecimal"));
        assert!(check("Datadog", &form(&[("api_key", &"a".repeat(32)), ("region", "mars")])).unwrap_err().contains("region"));
        assert!(check("Datadog", &form(&[("api_key", &"a".repeat(32)), ("region", "eu1")])).is_ok());
        assert!(check("S3", &form(&[("bucket", "Bad_Bucket"), ("region", "us-east-1"), ("role_arn", "x")])).unwrap_err().contains("bucket"));
        assert!(check("GenericHttps", &form(&[("endpoint", "http://siem.example")])).unwrap_err().contains("https://"));
    }
}
