//! The `certificate_renewal` intent: upload the identity provider's new SAML
//! signing certificate for the organization's connection.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;
use serde_json::json;
use x509_cert::der::DecodePem;
use x509_cert::Certificate as X509;

use super::flow::{finish, invalid, page};
use crate::model::PortalSession;
use crate::ids::new_id;
use crate::model::{Certificate, Connection};
use crate::emulator::Emulator;

fn saml_connection(emu: &Emulator, session: &PortalSession) -> Option<Connection> {
    emu.db().connections.iter().find(|c| c.organization_id == session.organization_id && c.is_saml()).cloned()
}

fn form_page(c: &Connection, error: Option<&str>) -> maud::Markup {
    let current = c.certificates.iter().max_by(|a, b| a.not_after.cmp(&b.not_after));
    html! {
        h1 { "Renew the certificate of " (c.name) }
        @if let Some(cert) = current { p.sub data-testid="current-certificate" { "The current certificate ends " (cert.not_after) "." } }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form method="post" action="/portal/certificate_renewal" {
            label for="certificate" { "New certificate (PEM)" }
            textarea id="certificate" name="certificate" rows="8" style="width:100%" required {}
            button.primary type="submit" { "Upload certificate" }
        }
    }
}

pub async fn start(State(emu): State<Emulator>, session: PortalSession) -> Response {
    match saml_connection(&emu, &session) {
        Some(c) => page(&session, "Certificate renewal", form_page(&c, None)),
        None => page(&session, "Certificate renewal", html! {
            h1 { "No SAML connection" }
            p.sub { "This organization has no SAML connection whose certificate could be renewed." }
        }),
    }
}

#[derive(Debug, Deserialize)]
pub struct UploadForm {
    certificate: Option<String>,
}

fn iso(t: x509_cert::time::Time) -> Option<String> {
    let secs = t.to_unix_duration().as_secs() as i64;
    chrono::DateTime::from_timestamp(secs, 0).map(crate::clock::iso)
}

/// A parsable certificate that is still valid replaces none: it is added, and
/// the connection signs with the latest-ending one.
pub async fn upload(State(emu): State<Emulator>, session: PortalSession, Form(f): Form<UploadForm>) -> Response {
    let Some(c) = saml_connection(&emu, &session) else { return Redirect::to("/portal/certificate_renewal").into_response() };
    let pem = f.certificate.unwrap_or_default();
    let parsed = X509::from_pem(pem.trim().as_bytes());
    let Ok(cert) = parsed else {
        return invalid(&session, "Certificate renewal", form_page(&c, Some("That is not a PEM certificate (-----BEGIN CERTIFICATE----- …).")));
    };
    let validity = &cert.tbs_certificate.validity;
    let (Some(not_before), Some(not_after)) = (iso(validity.not_before), iso(validity.not_after)) else {
        return invalid(&session, "Certificate renewal", form_page(&c, Some("The certificate's dates cannot be read.")));
    };
    let now = emu.now_iso();
    if not_after <= now {
        return invalid(&session, "Certificate renewal", form_page(&c, Some("This certificate has already expired: upload the new one.")));
    }
    let mut db = emu.db();
    let Some(conn) = db.connections.iter_mut().find(|x| x.id == c.id) else { return Redirect::to("/portal/certificate_renewal").into_response() };
    conn.certificates.push(Certificate { id: new_id("cert", emu.clock().millis()), value: pem.trim().to_string(), not_before, not_after: not_after.clone() });
    conn.updated_at = now.clone();
    let data = json!({
        "connection": {"id": conn.id, "organization_id": conn.organization_id},
        "certificate": {"certificate_type": "ResponseSigning", "expiry_date": not_after},
        "renewed_at": now,
    });
    db.record_event(&emu, "connection.saml_certificate_renewed", Some(&c.organization_id), data);
    drop(db);
    finish(&session, "The new certificate is in place.")
}
