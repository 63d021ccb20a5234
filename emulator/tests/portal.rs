//! The hosted Admin Portal, driven like a browser: links good once for five
//! minutes, one organization per link, and each flow's effect seen through the SDK.

mod common;

use common::*;
use reqwest::{Client, Response};
use workos::resources::admin_portal::GenerateLinkParams;
use workos::resources::events::ListEventsParams;
use workos::resources::sso::ListConnectionsParams;
use workos::{GenerateLink, GenerateLinkIntent};

const SUCCESS: &str = "http://127.0.0.1:3000/return/sso?outcome=completed";
const RETURN: &str = "http://127.0.0.1:3000/return/sso?outcome=returned";

async fn link(env: &Env, org: &str, intent: GenerateLinkIntent) -> String {
    let params = GenerateLinkParams::new(GenerateLink {
        organization: env.org_id(org),
        intent: Some(intent),
        return_url: Some(RETURN.into()),
        success_url: Some(SUCCESS.into()),
        external_user_id: None,
        it_contact_emails: None,
    });
    env.client.admin_portal().generate_link(params).await.unwrap().link.expose().to_string()
}

fn location(res: &Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn post(env: &Env, b: &Client, path: &str, form: &[(&str, &str)]) -> Response {
    b.post(format!("{}{path}", env.base())).form(form).send().await.unwrap()
}

async fn page(env: &Env, b: &Client, path: &str) -> String {
    b.get(format!("{}{path}", env.base())).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn a_link_works_once_and_not_after_five_minutes() {
    let env = start().await;
    let url = link(&env, "Acme Corp", GenerateLinkIntent::SSO).await;
    let b = browser();
    let res = b.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/portal/sso");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("wos-portal=") && cookie.contains("HttpOnly") && cookie.contains("Path=/portal") && cookie.contains("SameSite=Lax"), "{cookie}");
    let html = page(&env, &b, "/portal/sso").await;
    assert!(html.contains("Set up Single Sign-On") && html.contains(RETURN), "the logo goes back: {html}");

    let again = browser().get(&url).send().await.unwrap();
    assert_eq!(again.status(), 410, "used");
    assert!(again.text().await.unwrap().contains("This link has expired"));
    let stale = link(&env, "Acme Corp", GenerateLinkIntent::SSO).await;
    env.set_clock(301).await;
    assert_eq!(browser().get(&stale).send().await.unwrap().status(), 410, "five minutes");
    assert_eq!(browser().get(format!("{}/portal/sso", env.base())).send().await.unwrap().status(), 410, "no session");
}

#[tokio::test]
async fn the_widgets_form_post_opens_the_portal_too() {
    let env = start().await;
    let t = env.widget_token("ada@acme.test", Some("Acme Corp"), &["widgets:domain-verification:manage"]).await;
    let (_, body) = env.widget(reqwest::Method::POST, "/_widgets/admin-portal/generate-link?intent=domain_verification", Some(&t), None, &[]).await;
    let url = url::Url::parse(body["link"].as_str().unwrap()).unwrap();
    let token = url.query_pairs().find(|(k, _)| k == "apiToken").unwrap().1.to_string();
    let b = browser();
    let res = post(&env, &b, "/portal/launch", &[("apiToken", &token)]).await;
    assert_eq!(location(&res), "/portal/domain_verification");
    assert!(page(&env, &b, "/portal/domain_verification").await.contains("acme-labs.test"));
}

#[tokio::test]
async fn sso_setup_validates_metadata_tests_and_activates() {
    let env = start().await;
    let b = browser();
    b.get(link(&env, "Acme Corp", GenerateLinkIntent::SSO).await).send().await.unwrap();
    let res = post(&env, &b, "/portal/sso/provider", &[("provider", "okta")]).await;
    assert_eq!(location(&res), "/portal/sso/configure");
    let sso = env.client.sso();
    let list = sso.list_connections(ListConnectionsParams { organization_id: Some(env.org_id("Acme Corp")), ..Default::default() }).await.unwrap();
    assert_eq!((list.data.len(), list.data[0].state.as_str()), (1, "draft"));

    for (form, problem) in [
        (vec![("metadata_url", "http://idp.example/metadata")], "https://"),
        (vec![("metadata_xml", "<html>nope</html>")], "EntityDescriptor"),
        (vec![("metadata_xml", "<EntityDescriptor></EntityDescriptor>")], "X509Certificate"),
        (vec![], "metadata URL or paste"),
    ] {
        let res = post(&env, &b, "/portal/sso/configure", &form).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains(problem), "{problem}");
    }
    let xml = "<EntityDescriptor><IDPSSODescriptor><KeyDescriptor><X509Certificate>MIIC</X509Certificate></KeyDescriptor></IDPSSODescriptor></EntityDescriptor>";
    let res = post(&env, &b, "/portal/sso/configure", &[("metadata_xml", xml)]).await;
    assert_eq!(location(&res), "/portal/sso/test");
    let res = post(&env, &b, "/portal/sso/activate", &[]).await;
    assert_eq!(location(&res), "/portal/sso/test", "not before a test sign-in");
    post(&env, &b, "/portal/sso/test", &[]).await;
    assert!(page(&env, &b, "/portal/sso/test").await.contains("Test sign-in succeeded"));
    let res = post(&env, &b, "/portal/sso/activate", &[]).await;
    assert_eq!(location(&res), SUCCESS);

    let list = sso.list_connections(ListConnectionsParams { organization_id: Some(env.org_id("Acme Corp")), ..Default::default() }).await.unwrap();
    let c = &list.data[0];
    assert_eq!((c.state.as_str(), c.connection_type.as_str(), c.name.as_str()), ("active", "OktaSAML", "Acme Corp Okta"));
    assert!(c.domains.iter().any(|d| d.domain == "acme.test"));
    let events = env.client.events().list_events(ListEventsParams::new(vec!["connection.activated".into()])).await.unwrap();
    assert_eq!(events.data.len(), 1);
    assert_eq!(events.data[0].data["id"], c.id.as_str());
}

#[tokio::test]
async fn domain_verification_shows_the_record_and_verifies_when_it_answers() {
    let env = start().await;
    let b = browser();
    b.get(link(&env, "Acme Corp", GenerateLinkIntent::DomainVerification).await).send().await.unwrap();
    let res = post(&env, &b, "/portal/domain_verification", &[("domain", "globex.test")]).await;
    assert_eq!(res.status(), 422, "another organization's domain");
    let res = post(&env, &b, "/portal/domain_verification", &[("domain", "acme-eu.test")]).await;
    let record_page = location(&res);
    let html = page(&env, &b, &record_page).await;
    assert!(html.contains("workos-verification.acme-eu.test"), "{html}");

    let res = post(&env, &b, &format!("{record_page}/verify"), &[]).await;
    assert_eq!(location(&res), record_page, "no TXT record yet");
    assert!(page(&env, &b, &record_page).await.contains("could not find the TXT record"));
    env.http.post(format!("{}/_emulator/dns", env.base())).json(&serde_json::json!({"domain": "acme-eu.test", "present": true})).send().await.unwrap();
    let res = post(&env, &b, &format!("{record_page}/verify"), &[]).await;
    assert_eq!(location(&res), SUCCESS);
    let org = env.client.organizations().get_organization(&env.org_id("Acme Corp")).await.unwrap();
    let d = org.domains.iter().find(|d| d.domain == "acme-eu.test").unwrap();
    assert_eq!(d.state.as_ref().map(|s| s.as_str()), Some("verified"));

    // This session belongs to Acme: Globex's domain is out of its reach.
    let globex = env.emu.emulator.db().organizations.iter().find(|o| o.name == "Globex Inc").unwrap().domains[0].id.clone();
    let res = post(&env, &b, &format!("/portal/domain_verification/{globex}/verify"), &[]).await;
    assert_eq!(location(&res), "/portal/domain_verification");
}

#[tokio::test]
async fn directory_sync_links_and_provisions_with_events() {
    use workos::resources::directory_sync::{ListDirectoriesParams, ListUsersParams};
    let env = start().await;
    let b = browser();
    b.get(link(&env, "Acme Corp", GenerateLinkIntent::Dsync).await).send().await.unwrap();
    let res = post(&env, &b, "/portal/dsync", &[("directory_type", "okta")]).await;
    assert_eq!(location(&res), "/portal/dsync/link");
    assert!(page(&env, &b, "/portal/dsync/link").await.contains("/scim/v2.0/"));
    let res = post(&env, &b, "/portal/dsync/link", &[]).await;
    assert_eq!(location(&res), SUCCESS);
    let ds = env.client.directory_sync();
    let dirs = ds.list_directories(ListDirectoriesParams { organization_id: Some(env.org_id("Acme Corp")), ..Default::default() }).await.unwrap();
    let d = &dirs.data[0];
    assert_eq!((d.type_.as_str(), d.state.as_str(), d.name.as_str()), ("okta scim v2.0", "linked", "Acme Corp Okta"));
    let users = ds.list_users(ListUsersParams { directory: Some(d.id.clone()), ..Default::default() }).await.unwrap();
    assert_eq!(users.data.len(), 3);
    assert!(users.data.iter().all(|u| u.email.as_deref().is_some_and(|e| e.ends_with("@acme.test"))));
    let kinds: Vec<String> = ["dsync.activated", "dsync.user.created", "dsync.group.created"].iter().map(|s| s.to_string()).collect();
    let events = env.client.events().list_events(ListEventsParams { limit: Some(50), ..ListEventsParams::new(kinds) }).await.unwrap();
    let count = |k: &str| events.data.iter().filter(|e| e.event == k).count();
    assert_eq!((count("dsync.activated"), count("dsync.user.created"), count("dsync.group.created")), (1, 3, 2));
}

#[tokio::test]
async fn log_streams_check_the_settings_and_replace_the_stream() {
    let env = start().await;
    let b = browser();
    b.get(link(&env, "Globex Inc", GenerateLinkIntent::LogStreams).await).send().await.unwrap();
    assert!(page(&env, &b, "/portal/log_streams").await.contains("Datadog · Active"));
    post(&env, &b, "/portal/log_streams", &[("destination", "Splunk")]).await;
    let res = post(&env, &b, "/portal/log_streams/settings", &[("hec_url", "http://splunk.globex.test:8088"), ("hec_token", "t")]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("https://"));
    let res = post(&env, &b, "/portal/log_streams/settings", &[("hec_url", "https://splunk.globex.test:8088"), ("hec_token", "t0k3n")]).await;
    assert_eq!(location(&res), SUCCESS);
    let t = env.widget_token("bea@globex.test", Some("Globex Inc"), &["widgets:audit-log-streaming:manage"]).await;
    let (_, stream) = env.widget(reqwest::Method::GET, "/_widgets/admin-portal/audit-log-stream", Some(&t), None, &[]).await;
    assert_eq!((stream["type"].as_str(), stream["state"].as_str()), (Some("Splunk"), Some("Active")));
    let stored = env.emu.emulator.db().audit_log_streams[0].settings.clone();
    assert!(!stored.contains_key("hec_token"), "secrets are not kept for show: {stored:?}");
}

#[tokio::test]
async fn the_audit_log_viewer_shows_what_the_sdk_recorded_for_that_organization_only() {
    use workos::resources::audit_logs::CreateEventParams;
    use workos::{AuditLogEvent, AuditLogEventActor, AuditLogEventContext, AuditLogEventIngestion, AuditLogEventTarget};
    let env = start().await;
    let record = |org: String, action: &str| {
        CreateEventParams::new(AuditLogEventIngestion {
            organization_id: org,
            event: AuditLogEvent {
                action: action.into(),
                occurred_at: "2026-11-26T09:00:00.000Z".into(),
                actor: AuditLogEventActor { id: "user_1".into(), type_: "user".into(), name: Some("Bea Both".into()), metadata: None },
                targets: vec![AuditLogEventTarget { id: "doc_1".into(), type_: "document".into(), name: Some("Q3 plan".into()), metadata: None }],
                context: AuditLogEventContext { location: "203.0.113.7".into(), user_agent: None },
                metadata: None,
                version: None,
            },
        })
    };
    let logs = env.client.audit_logs();
    assert!(logs.create_event(record(env.org_id("Globex Inc"), "document.updated")).await.unwrap().success);
    logs.create_event(record(env.org_id("Acme Corp"), "document.deleted")).await.unwrap();
    assert_eq!(logs.create_event(record("org_nope".into(), "x.y")).await.unwrap_err().status(), Some(404));

    let b = browser();
    b.get(link(&env, "Globex Inc", GenerateLinkIntent::AuditLogs).await).send().await.unwrap();
    let html = page(&env, &b, "/portal/audit_logs").await;
    assert!(html.contains("document.updated") && html.contains("Bea Both") && html.contains("Q3 plan"), "{html}");
    assert!(!html.contains("document.deleted"), "Acme's events are not Globex's");
    assert!(page(&env, &b, "/portal/audit_logs?action=user.signed_in").await.contains("No events yet."));
}

#[tokio::test]
async fn certificate_renewal_takes_a_valid_pem_and_records_the_event() {
    let env = start().await;
    let b = browser();
    b.get(link(&env, "Globex Inc", GenerateLinkIntent::CertificateRenewal).await).send().await.unwrap();
    assert!(page(&env, &b, "/portal/certificate_renewal").await.contains("Renew the certificate of Globex Okta"));
    let res = post(&env, &b, "/portal/certificate_renewal", &[("certificate", "not a certificate")]).await;
    assert_eq!(res.status(), 422);
    let now = env.emu.emulator.clock().unix() as u64;
    let expired = env.emu.emulator.keys().certificate_pem("CN=Old", now - 900_000, now - 1);
    let res = post(&env, &b, "/portal/certificate_renewal", &[("certificate", &expired)]).await;
    assert!(res.text().await.unwrap().contains("already expired"));
    // The emulated IdP's new certificate, as a customer would download it.
    let url = format!("{}/_emulator/idp/certificate?subject=CN%3DGlobex%20Okta%202027&days=1095", env.emu.base_url());
    let fresh = reqwest::get(url).await.unwrap().text().await.unwrap();
    assert!(fresh.starts_with("-----BEGIN CERTIFICATE-----"), "{fresh}");
    let res = post(&env, &b, "/portal/certificate_renewal", &[("certificate", &fresh)]).await;
    assert_eq!(location(&res), SUCCESS);

    let t = env.widget_token("bea@globex.test", Some("Globex Inc"), &["widgets:sso:manage"]).await;
    let (_, list) = env.widget(reqwest::Method::GET, "/_widgets/admin-portal/sso-connections", Some(&t), None, &[]).await;
    assert_eq!(list[0]["x509Certificates"].as_array().unwrap().len(), 2);
    assert!(list[0]["latestExpiringCertificate"]["notAfter"].as_str().unwrap() > "2029", "the new one signs now");
    let events = env.client.events().list_events(ListEventsParams::new(vec!["connection.saml_certificate_renewed".into()])).await.unwrap();
    assert_eq!(events.data.len(), 1);
}
