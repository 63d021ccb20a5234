//! The `domain_verification` intent: add a domain, see the TXT record to
//! publish, verify it (the emulator's DNS answers as `POST /_emulator/dns` says).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;

use super::flow::{finish, invalid, page};
use crate::model::PortalSession;
use crate::api::organization_domains;
use crate::model::OrganizationDomain;
use crate::emulator::Emulator;

fn domains_of(emu: &Emulator, session: &PortalSession) -> Vec<OrganizationDomain> {
    emu.db().organization(&session.organization_id).map(|o| o.domains.clone()).unwrap_or_default()
}

fn start_page(domains: &[OrganizationDomain], error: Option<&str>) -> maud::Markup {
    html! {
        h1 { "Verify a domain" }
        p.sub { "Prove your organization owns an email domain by publishing a DNS record." }
        @for d in domains {
            p data-testid="domain" { (d.domain) " · " (d.state) " "
                @if d.state != "verified" { a href=(format!("/portal/domain_verification/{}", d.id)) { "Verify" } }
            }
        }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form method="post" action="/portal/domain_verification" {
            label for="domain" { "Domain" }
            input id="domain" name="domain" placeholder="example.com" required;
            button.primary type="submit" { "Add domain" }
        }
    }
}

pub async fn start(State(emu): State<Emulator>, session: PortalSession) -> Response {
    let domains = domains_of(&emu, &session);
    page(&session, "Domain verification", start_page(&domains, None))
}

#[derive(Debug, Deserialize)]
pub struct AddForm {
    domain: Option<String>,
}

pub async fn add(State(emu): State<Emulator>, session: PortalSession, Form(f): Form<AddForm>) -> Response {
    let result = organization_domains::add(&emu, &mut emu.db(), &session.organization_id, f.domain.as_deref().unwrap_or_default());
    match result {
        Ok(d) => Redirect::to(&format!("/portal/domain_verification/{}", d.id)).into_response(),
        Err(e) => {
            let message = e.body["message"].as_str().unwrap_or("That domain cannot be added.").to_string();
            invalid(&session, "Domain verification", start_page(&domains_of(&emu, &session), Some(&message)))
        }
    }
}

/// One of this organization's domains (another organization's is not found).
fn own(emu: &Emulator, session: &PortalSession, id: &str) -> Option<OrganizationDomain> {
    domains_of(emu, session).into_iter().find(|d| d.id == id)
}

pub async fn record(State(emu): State<Emulator>, session: PortalSession, Path(id): Path<String>) -> Response {
    let Some(d) = own(&emu, &session, &id) else { return Redirect::to("/portal/domain_verification").into_response() };
    page(
        &session,
        "Domain verification",
        html! {
            h1 { "Verify " (d.domain) }
            @if d.state == "failed" {
                p.error role="alert" { "We could not find the TXT record. Check it at your DNS provider and try again." }
            }
            p.sub { "Add this TXT record at your DNS provider, then verify." }
            p { "Type: " code { "TXT" } }
            p { "Host / Name: " code data-testid="txt-host" { (d.verification_prefix.clone().unwrap_or_default()) "." (d.domain) } }
            p { "Value: " code data-testid="txt-value" { (d.verification_token.clone().unwrap_or_default()) } }
            form method="post" action=(format!("/portal/domain_verification/{}/verify", d.id)) {
                button.primary type="submit" { "Verify domain" }
            }
        },
    )
}

pub async fn verify(State(emu): State<Emulator>, session: PortalSession, Path(id): Path<String>) -> Response {
    if own(&emu, &session, &id).is_none() {
        return Redirect::to("/portal/domain_verification").into_response();
    }
    let result = organization_domains::verify(&emu, &mut emu.db(), &id);
    match result {
        Ok(d) if d.state == "verified" => finish(&session, &format!("{} is verified.", d.domain)),
        _ => Redirect::to(&format!("/portal/domain_verification/{id}")).into_response(),
    }
}
