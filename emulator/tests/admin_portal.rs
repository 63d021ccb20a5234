//! The Admin Portal's ground: SSO connections, directories, domains, portal
//! links and the event log through the official SDK, and the widgets'
//! `/_widgets/admin-portal/*` and `/_widgets/directory-sync/*` over HTTP.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use workos::resources::admin_portal::GenerateLinkParams;
use workos::resources::directory_sync::{ListDirectoriesParams, ListGroupsParams, ListUsersParams};
use workos::resources::events::ListEventsParams;
use workos::resources::organization_domains::CreateOrganizationDomainParams;
use workos::resources::sso::ListConnectionsParams;
use workos::{CreateOrganizationDomain, GenerateLink, GenerateLinkIntent};

const GLOBEX: &str = "Globex Inc";
const ACME: &str = "Acme Corp";

async fn events(env: &Env, kinds: &[&str]) -> Vec<(String, Value)> {
    let params = ListEventsParams { limit: Some(100), ..ListEventsParams::new(kinds.iter().map(|k| k.to_string()).collect()) };
    let list = env.client.events().list_events(params).await.expect("events");
    list.data.into_iter().map(|e| (e.event, serde_json::to_value(e.data).unwrap())).collect()
}

async fn set_dns(env: &Env, domain: &str, present: bool) {
    let res = env.http.post(format!("{}/_emulator/dns", env.base())).json(&json!({"domain": domain, "present": present})).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn connections_are_listed_by_organization_and_deleted_with_an_event() {
    let env = start().await;
    let sso = env.client.sso();
    let globex = env.org_id(GLOBEX);
    let list = sso.list_connections(ListConnectionsParams { organization_id: Some(globex.clone()), ..Default::default() }).await.unwrap();
    assert_eq!(list.data.len(), 1);
    let c = &list.data[0];
    assert_eq!((c.connection_type.as_str(), c.state.as_str(), c.name.as_str()), ("OktaSAML", "active", "Globex Okta"));
    assert_eq!(c.domains[0].domain, "globex.test");
    let acme = sso.list_connections(ListConnectionsParams { organization_id: Some(env.org_id(ACME)), ..Default::default() }).await.unwrap();
    assert!(acme.data.is_empty());
    assert_eq!(sso.get_connection(&c.id).await.unwrap().id, c.id);
    sso.delete_connection(&c.id).await.unwrap();
    assert_eq!(sso.get_connection(&c.id).await.unwrap_err().status(), Some(404));
    let log = events(&env, &["connection.deleted"]).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].1["organization_id"], globex.as_str());
}

#[tokio::test]
async fn directories_their_users_and_groups() {
    let env = start().await;
    let ds = env.client.directory_sync();
    let dirs = ds.list_directories(ListDirectoriesParams { organization_id: Some(env.org_id(GLOBEX)), ..Default::default() }).await.unwrap();
    assert_eq!(dirs.data.len(), 1);
    let d = &dirs.data[0];
    assert_eq!((d.type_.as_str(), d.state.as_str()), ("okta scim v2.0", "linked"));
    let meta = d.metadata.as_ref().unwrap();
    assert_eq!((meta.users.active, meta.users.inactive, meta.groups), (3, 1, 2));

    let users = ds.list_users(ListUsersParams { directory: Some(d.id.clone()), limit: Some(100), ..Default::default() }).await.unwrap();
    assert_eq!(users.data.len(), 4);
    let groups = ds.list_groups(ListGroupsParams { directory: Some(d.id.clone()), ..Default::default() }).await.unwrap();
    let engineering = groups.data.iter().find(|g| g.name == "Engineering").unwrap();
    let members = ds.list_users(ListUsersParams { group: Some(engineering.id.clone()), ..Default::default() }).await.unwrap();
    assert_eq!(members.data.len(), 2);
    let grace = ds.get_user(&members.data.iter().find(|u| u.email.as_deref() == Some("grace@globex.test")).unwrap().id).await.unwrap();
    assert_eq!(grace.first_name.as_deref(), Some("Grace"));
    let her_groups = ds.list_groups(ListGroupsParams { user: Some(grace.id.clone()), ..Default::default() }).await.unwrap();
    assert_eq!(her_groups.data.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["Engineering"]);
    assert_eq!(ds.get_group(&engineering.id).await.unwrap().name, "Engineering");
    assert_eq!(ds.list_users(ListUsersParams::default()).await.unwrap_err().status(), Some(422), "directory or group is required");

    ds.delete_directory(&d.id).await.unwrap();
    assert_eq!(ds.get_directory(&d.id).await.unwrap_err().status(), Some(404));
    assert_eq!(events(&env, &["dsync.deleted"]).await.len(), 1);
}

#[tokio::test]
async fn a_domain_verifies_only_when_its_txt_record_answers() {
    let env = start().await;
    let domains = env.client.organization_domains();
    let acme = env.org_id(ACME);
    let new = |domain: &str| CreateOrganizationDomainParams::new(CreateOrganizationDomain { domain: domain.into(), organization_id: acme.clone() });
    let d = domains.create_organization_domain(new("acme-eu.test")).await.unwrap();
    assert_eq!(d.state.as_ref().map(|s| s.as_str()), Some("pending"));
    assert_eq!(d.verification_prefix.as_deref(), Some("workos-verification"));
    assert!(d.verification_token.is_some());
    assert_eq!(domains.create_organization_domain(new("globex.test")).await.unwrap_err().status(), Some(409));
    assert_eq!(domains.create_organization_domain(new("not a domain")).await.unwrap_err().status(), Some(422));

    let failed = domains.verify_organization_domain(&d.id).await.unwrap();
    assert_eq!(failed.state.as_ref().map(|s| s.as_str()), Some("failed"));
    set_dns(&env, "acme-eu.test", true).await;
    let verified = domains.verify_organization_domain(&d.id).await.unwrap();
    assert_eq!(verified.state.as_ref().map(|s| s.as_str()), Some("verified"));
    let org = env.client.organizations().get_organization(&acme).await.unwrap();
    assert!(org.domains.iter().any(|x| x.domain == "acme-eu.test"), "the organization lists it");

    domains.delete_organization_domain(&d.id).await.unwrap();
    assert_eq!(domains.get_organization_domain(&d.id).await.unwrap_err().status(), Some(404));
    let kinds = ["organization_domain.created", "organization_domain.verification_failed", "organization_domain.verified", "organization_domain.deleted"];
    let log: Vec<String> = events(&env, &kinds).await.into_iter().map(|(k, _)| k).collect();
    assert_eq!(log, ["organization_domain.deleted", "organization_domain.verified", "organization_domain.verification_failed", "organization_domain.created"], "newest first");
}

#[tokio::test]
async fn portal_links_last_five_minutes_and_need_a_real_organization() {
    let env = start().await;
    let portal = env.client.admin_portal();
    let link = |org: &str| {
        GenerateLinkParams::new(GenerateLink {
            organization: org.to_string(),
            intent: Some(GenerateLinkIntent::SSO),
            return_url: Some("http://127.0.0.1:3000/return/sso".into()),
            success_url: Some("http://127.0.0.1:3000/return/sso?outcome=completed".into()),
            external_user_id: None,
            it_contact_emails: None,
        })
    };
    let res = portal.generate_link(link(&env.org_id(ACME))).await.unwrap();
    let url = url::Url::parse(res.link.expose()).unwrap();
    assert_eq!(url.path(), "/portal/launch");
    let secret = url.query_pairs().find(|(k, _)| k == "secret").unwrap().1.to_string();
    let acme = env.org_id(ACME);
    let now = env.emu.emulator.clock().unix();
    let stored = env.emu.emulator.db().portal_links[&secret].clone();
    assert_eq!((stored.intent.as_str(), stored.organization_id.as_str()), ("sso", acme.as_str()));
    assert_eq!(stored.expires_at - now, 300);
    let err = portal.generate_link(link("org_bogus")).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.api().map(|a| a.message.as_str()), Some("Could not find an organization with the id, org_bogus."));
    assert_eq!(portal.generate_link(link("")).await.unwrap_err().status(), Some(422));
}

async fn widget(env: &Env, method: Method, path: &str, token: &str) -> (u16, Value) {
    env.widget(method, path, Some(token), None, &[]).await
}

#[tokio::test]
async fn the_sso_widget_sees_its_connection_and_certificate() {
    let env = start().await;
    let t = env.widget_token("bea@globex.test", Some(GLOBEX), &["widgets:sso:manage"]).await;
    let (status, list) = widget(&env, Method::GET, "/_widgets/admin-portal/sso-connections", &t).await;
    assert_eq!(status, 200, "{list}");
    let c = &list[0];
    assert_eq!((c["type"].as_str(), c["state"].as_str(), c["providerTag"].as_str()), (Some("OktaSaml"), Some("Active"), Some("Saml")));
    let cert = &c["latestExpiringCertificate"];
    assert!(cert["value"].as_str().unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
    let not_after = chrono::DateTime::parse_from_rfc3339(cert["notAfter"].as_str().unwrap()).unwrap();
    let days = (not_after.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_days();
    assert!((19..=20).contains(&days), "expires soon: {days} days");
    assert_eq!(c["latestExpiredCertificate"], Value::Null);

    let acme = env.widget_token("ada@acme.test", Some(ACME), &["widgets:sso:manage"]).await;
    assert_eq!(widget(&env, Method::GET, "/_widgets/admin-portal/sso-connections", &acme).await.1, json!([]));
    let (status, link) = widget(&env, Method::POST, "/_widgets/admin-portal/generate-link?intent=sso", &acme).await;
    assert_eq!(status, 201);
    assert!(link["link"].as_str().unwrap().contains("/portal/launch?apiToken="));
    let (status, _) = widget(&env, Method::POST, "/_widgets/admin-portal/generate-link?intent=log_streams", &acme).await;
    assert_eq!(status, 403, "the token has only widgets:sso:manage");
}

#[tokio::test]
async fn the_domain_widget_lists_reverifies_and_deletes() {
    let env = start().await;
    let t = env.widget_token("ada@acme.test", Some(ACME), &["widgets:domain-verification:manage"]).await;
    let (status, list) = widget(&env, Method::GET, "/_widgets/admin-portal/organization-domains", &t).await;
    assert_eq!(status, 200);
    let rows = list["data"].as_array().unwrap();
    assert_eq!(rows.iter().map(|d| (d["domain"].as_str().unwrap(), d["state"].as_str().unwrap())).collect::<Vec<_>>(), [("acme.test", "Verified"), ("acme-labs.test", "Pending")]);
    let pending = rows[1]["id"].as_str().unwrap().to_string();
    assert_eq!(rows[1]["verificationPrefix"], "workos-verification");
    assert!(rows[1]["verificationToken"].is_string());

    set_dns(&env, "acme-labs.test", true).await;
    let (status, d) = widget(&env, Method::POST, &format!("/_widgets/admin-portal/organization-domains/{pending}/reverify"), &t).await;
    assert_eq!((status, d["state"].as_str()), (200, Some("Verified")));
    let (status, gone) = widget(&env, Method::DELETE, &format!("/_widgets/admin-portal/organization-domains/{pending}"), &t).await;
    assert_eq!((status, gone["domain"].as_str()), (200, Some("acme-labs.test")));
    // Another organization's domain is not found.
    let globex_domain = env.emu.emulator.db().organizations.iter().find(|o| o.name == GLOBEX).unwrap().domains[0].id.clone();
    let (status, _) = widget(&env, Method::DELETE, &format!("/_widgets/admin-portal/organization-domains/{globex_domain}"), &t).await;
    assert_eq!(status, 404);
    assert_eq!(events(&env, &["organization_domain.verified", "organization_domain.deleted"]).await.len(), 2);
}

#[tokio::test]
async fn the_stream_and_directory_widgets_see_their_organization_only() {
    let env = start().await;
    let globex = env.widget_token("bea@globex.test", Some(GLOBEX), &["widgets:audit-log-streaming:manage", "widgets:dsync:manage"]).await;
    let (status, stream) = widget(&env, Method::GET, "/_widgets/admin-portal/audit-log-stream", &globex).await;
    assert_eq!(status, 200);
    assert_eq!((stream["type"].as_str(), stream["state"].as_str()), (Some("Datadog"), Some("Active")));
    assert!(stream["auditLogTrailId"].is_string());
    let acme = env.widget_token("ada@acme.test", Some(ACME), &["widgets:audit-log-streaming:manage", "widgets:dsync:manage"]).await;
    assert_eq!(widget(&env, Method::GET, "/_widgets/admin-portal/audit-log-stream", &acme).await.1, json!({}));

    let (status, dirs) = widget(&env, Method::GET, "/_widgets/directory-sync/directories", &globex).await;
    assert_eq!(status, 200, "{dirs}");
    let d = &dirs["data"][0];
    assert_eq!((d["type"].as_str(), d["state"].as_str()), (Some("okta scim v2.0"), Some("linked")));
    assert_eq!(d["metadata"], json!({"users": {"active": 3, "inactive": 1}, "groups": 2}));
    assert!(dirs["link"].as_str().unwrap().contains("/portal/launch?secret="));
    let id = d["id"].as_str().unwrap();
    let (status, detail) = widget(&env, Method::GET, &format!("/_widgets/directory-sync/directories/{id}"), &globex).await;
    assert_eq!((status, detail["name"].as_str()), (200, Some("Globex Okta SCIM")));
    assert_eq!(widget(&env, Method::GET, &format!("/_widgets/directory-sync/directories/{id}"), &acme).await.0, 404);
    let (_, none) = widget(&env, Method::GET, "/_widgets/directory-sync/directories", &acme).await;
    assert_eq!(none["data"], json!([]));
}
