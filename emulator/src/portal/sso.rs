//! The `sso` intent: pick the identity provider, give its metadata, test a
//! sign-in, activate. The connection exists (as `draft`) from the first step.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;
use serde_json::json;

use super::flow::{finish, invalid, page};
use crate::model::PortalSession;
use crate::ids::new_id;
use crate::model::Connection;
use crate::emulator::Emulator;

/// The providers offered: (form value, label, the public API's connection type).
const PROVIDERS: &[(&str, &str, &str)] = &[
    ("okta", "Okta (SAML)", "OktaSAML"),
    ("entra", "Microsoft Entra ID (SAML)", "AzureSAML"),
    ("google", "Google Workspace (SAML)", "GoogleSAML"),
    ("oidc", "Generic OpenID Connect", "GenericOIDC"),
];

fn connection(emu: &Emulator, session: &PortalSession) -> Option<Connection> {
    let id = session.connection_id.as_deref()?;
    emu.db().connections.iter().find(|c| c.id == id && c.organization_id == session.organization_id).cloned()
}

/// The organization's connections, and the provider picker.
pub async fn start(State(emu): State<Emulator>, session: PortalSession) -> Response {
    let existing: Vec<Connection> = emu.db().connections.iter().filter(|c| c.organization_id == session.organization_id).cloned().collect();
    page(
        &session,
        "Single Sign-On",
        html! {
            h1 { "Set up Single Sign-On" }
            @for c in &existing {
                p data-testid="existing-connection" { (c.name) " · " (c.connection_type) " · " (c.state) }
            }
            p.sub { "Choose your identity provider." }
            form method="post" action="/portal/sso/provider" {
                @for (value, label, _) in PROVIDERS {
                    button type="submit" name="provider" value=(value) { (label) }
                }
            }
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct ProviderForm {
    provider: Option<String>,
}

/// Creates the draft connection for this session.
pub async fn choose_provider(State(emu): State<Emulator>, session: PortalSession, Form(f): Form<ProviderForm>) -> Response {
    let Some((_, label, kind)) = PROVIDERS.iter().find(|(v, _, _)| Some(*v) == f.provider.as_deref()) else {
        return Redirect::to("/portal/sso").into_response();
    };
    let now = emu.now_iso();
    let mut db = emu.db();
    let org_name = db.organization(&session.organization_id).map(|o| o.name.clone()).unwrap_or_default();
    let id = new_id("conn", emu.clock().millis());
    db.connections.push(Connection {
        id: id.clone(),
        organization_id: session.organization_id.clone(),
        connection_type: kind.to_string(),
        name: format!("{org_name} {}", label.split(" (").next().unwrap_or(label)),
        state: "draft".into(),
        domains: Vec::new(),
        certificates: Vec::new(),
        idp_metadata: None,
        last_session_at: None,
        created_at: now.clone(),
        updated_at: now,
    });
    if let Some(s) = db.portal_sessions.get_mut(&session.id) {
        s.connection_id = Some(id);
    }
    Redirect::to("/portal/sso/configure").into_response()
}

fn configure_form(c: &Connection, error: Option<&str>) -> maud::Markup {
    html! {
        h1 { "Configure " (c.name) }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form method="post" action="/portal/sso/configure" {
            @if c.is_saml() {
                p.sub { "Paste your identity provider's SAML metadata URL, or its metadata XML." }
                label for="metadata_url" { "IdP metadata URL" }
                input id="metadata_url" name="metadata_url" type="url" placeholder="https://…";
                label for="metadata_xml" { "IdP metadata XML" }
                textarea id="metadata_xml" name="metadata_xml" rows="6" style="width:100%" {}
            } @else {
                label for="client_id" { "Client ID" }
                input id="client_id" name="client_id" required;
                label for="client_secret" { "Client secret" }
                input id="client_secret" name="client_secret" type="password" required;
                label for="discovery_url" { "Discovery endpoint" }
                input id="discovery_url" name="discovery_url" type="url" placeholder="https://…/.well-known/openid-configuration" required;
            }
            button.primary type="submit" { "Save configuration" }
        }
    }
}

pub async fn configure_page(State(emu): State<Emulator>, session: PortalSession) -> Response {
    match connection(&emu, &session) {
        Some(c) => page(&session, "Configure SSO", configure_form(&c, None)),
        None => Redirect::to("/portal/sso").into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct ConfigureForm {
    metadata_url: Option<String>,
    metadata_xml: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    discovery_url: Option<String>,
}

fn https_url(value: &str) -> bool {
    url::Url::parse(value).is_ok_and(|u| u.scheme() == "https" && u.host().is_some())
}

/// What is wrong with the metadata, in words a person can act on.
fn check(c: &Connection, f: &ConfigureForm) -> Result<String, &'static str> {
    let some = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    if c.is_saml() {
        match (some(&f.metadata_url), some(&f.metadata_xml)) {
            (None, None) => Err("Give the metadata URL or paste the metadata XML."),
            (Some(u), _) if !https_url(&u) => Err("The metadata URL must be an https:// address."),
            (Some(u), _) => Ok(u),
            (None, Some(x)) if !x.starts_with('<') || !x.contains("EntityDescriptor") => {
                Err("That is not SAML metadata: it needs an EntityDescriptor element.")
            }
            (None, Some(x)) if !x.contains("X509Certificate") => Err("The metadata has no signing certificate (X509Certificate)."),
            (None, Some(x)) => Ok(x),
        }
    } else {
        match (some(&f.client_id), some(&f.client_secret), some(&f.discovery_url)) {
            (Some(_), Some(_), Some(d)) if https_url(&d) => Ok(d),
            (Some(_), Some(_), Some(_)) => Err("The discovery endpoint must be an https:// address."),
            _ => Err("The client ID, client secret and discovery endpoint are all needed."),
        }
    }
}

pub async fn configure(State(emu): State<Emulator>, session: PortalSession, Form(f): Form<ConfigureForm>) -> Response {
    let Some(c) = connection(&emu, &session) else { return Redirect::to("/portal/sso").into_response() };
    match check(&c, &f) {
        Err(problem) => invalid(&session, "Configure SSO", configure_form(&c, Some(problem))),
        Ok(metadata) => {
            let now = emu.clock().now();
            let mut db = emu.db();
            if let Some(c) = db.connections.iter_mut().find(|x| x.id == c.id) {
                c.idp_metadata = Some(metadata);
                c.state = "validating".into();
                c.updated_at = crate::clock::iso(now);
                if c.is_saml() && c.certificates.is_empty() {
                    let (from, to) = (now - chrono::Duration::days(1), now + chrono::Duration::days(365));
                    c.certificates.push(crate::model::Certificate {
                        id: new_id("cert", emu.clock().millis()),
                        value: emu.keys().certificate_pem(&format!("CN={}", c.name), from.timestamp().max(0) as u64, to.timestamp().max(0) as u64),
                        not_before: crate::clock::iso(from),
                        not_after: crate::clock::iso(to),
                    });
                }
            }
            Redirect::to("/portal/sso/test").into_response()
        }
    }
}

pub async fn test_page(State(emu): State<Emulator>, session: PortalSession) -> Response {
    let Some(c) = connection(&emu, &session) else { return Redirect::to("/portal/sso").into_response() };
    let tested = c.last_session_at.is_some();
    page(
        &session,
        "Test SSO",
        html! {
            h1 { "Test your connection" }
            @if tested {
                p data-testid="test-result" { "Test sign-in succeeded. Activate the connection to let your users sign in with it." }
                form method="post" action="/portal/sso/activate" { button.primary type="submit" { "Activate connection" } }
            } @else {
                p.sub { "Sign in once through " (c.name) " to check the configuration." }
                form method="post" action="/portal/sso/test" { button.primary type="submit" { "Test sign-in" } }
            }
        },
    )
}

/// The emulator's IdP answers the test sign-in at once.
pub async fn test(State(emu): State<Emulator>, session: PortalSession) -> Response {
    let Some(c) = connection(&emu, &session) else { return Redirect::to("/portal/sso").into_response() };
    let now = emu.now_iso();
    if let Some(c) = emu.db().connections.iter_mut().find(|x| x.id == c.id) {
        c.last_session_at = Some(now);
    }
    Redirect::to("/portal/sso/test").into_response()
}

/// Active, with a `connection.activated` event; then off to `success_url`.
pub async fn activate(State(emu): State<Emulator>, session: PortalSession) -> Response {
    let Some(c) = connection(&emu, &session).filter(|c| c.last_session_at.is_some()) else {
        return Redirect::to("/portal/sso/test").into_response();
    };
    let now = emu.now_iso();
    let mut db = emu.db();
    let org_domains: Vec<String> = db.organization(&c.organization_id).map(|o| o.domains.iter().map(|d| d.domain.clone()).collect()).unwrap_or_default();
    let Some(conn) = db.connections.iter_mut().find(|x| x.id == c.id) else { return Redirect::to("/portal/sso").into_response() };
    conn.state = "active".into();
    conn.domains = org_domains;
    conn.updated_at = now;
    let mut data = conn.to_json();
    data["external_key"] = json!(crate::ids::stable_id("key", &conn.id, 0)[4..].to_lowercase());
    db.record_event(&emu, "connection.activated", Some(&c.organization_id), data);
    drop(db);
    finish(&session, "Single Sign-On is active.")
}
