//! `/organizations`, users, memberships and roles, through the official SDK.

mod common;

use std::collections::HashMap;

use common::*;
use futures_util::TryStreamExt;
use workos::resources::organization_membership::ListOrganizationMembershipsParams;
use workos::resources::organizations::{CreateOrganizationParams, ListOrganizationsParams};
use workos::{OrganizationDomainData, OrganizationDomainDataState, OrganizationInput, PaginationOrder};

fn input(name: &str, domain: Option<&str>) -> OrganizationInput {
    #[allow(deprecated)]
    OrganizationInput {
        name: name.into(),
        allow_profiles_outside_organization: None,
        domains: None,
        domain_data: domain.map(|d| vec![OrganizationDomainData { domain: d.into(), state: OrganizationDomainDataState::Pending }]),
        metadata: Some(HashMap::from([("tier".to_string(), "gold".to_string())])),
        external_id: None,
    }
}

#[tokio::test]
async fn lists_seeded_organizations_newest_first_with_cursors() {
    let env = start().await;
    let orgs = env.client.organizations();
    let all = orgs.list_organizations(ListOrganizationsParams::default()).await.unwrap();
    assert_eq!(all.object, "list");
    let names: Vec<_> = all.data.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Globex Inc", "Acme Corp"]);
    let acme = &all.data[1];
    assert!(acme.id.starts_with("org_"));
    let domains: Vec<_> = acme.domains.iter().map(|d| (d.domain.as_str(), d.state.as_ref().map(|s| s.as_str()))).collect();
    assert_eq!(domains, [("acme.test", Some("verified")), ("acme-labs.test", Some("pending"))]);
    assert!(acme.metadata.is_empty());

    let first = orgs
        .list_organizations(ListOrganizationsParams { limit: Some(1), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(first.data.len(), 1);
    assert_eq!(first.list_metadata.before, None);
    let after = first.list_metadata.after.clone().expect("a second page");
    let second = orgs
        .list_organizations(ListOrganizationsParams { limit: Some(1), after: Some(after), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(second.data[0].name, "Acme Corp");
    assert_eq!(second.list_metadata.after, None);
    assert_eq!(second.list_metadata.before.as_deref(), Some(second.data[0].id.as_str()));

    let asc = orgs
        .list_organizations(ListOrganizationsParams { order: Some(PaginationOrder::Asc), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(asc.data[0].name, "Acme Corp");

    let paged: Vec<_> = orgs
        .list_organizations_auto_paging(ListOrganizationsParams { limit: Some(1), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(paged.len(), 2, "auto-paging walks every page and stops");
}

#[tokio::test]
async fn filters_by_search_and_domain() {
    let env = start().await;
    let orgs = env.client.organizations();
    let found = orgs
        .list_organizations(ListOrganizationsParams { search: Some("glob".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(found.data.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["Globex Inc"]);
    let by_domain = orgs
        .list_organizations(ListOrganizationsParams { domains: Some(vec!["acme-labs.test".into()]), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(by_domain.data.len(), 1);
    assert_eq!(by_domain.data[0].name, "Acme Corp");
}

#[tokio::test]
async fn get_organization_and_its_404() {
    let env = start().await;
    let acme = env.org_id("Acme Corp");
    let org = env.client.organizations().get_organization(&acme).await.unwrap();
    assert_eq!(org.name, "Acme Corp");
    let err = env.client.organizations().get_organization("org_01NOPE").await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.code(), Some("entity_not_found"));
    assert!(err.request_id().is_some_and(|r| r.len() == 36), "X-Request-ID reaches the SDK");
}

#[tokio::test]
async fn creates_organizations_and_refuses_bad_ones() {
    let env = start().await;
    let orgs = env.client.organizations();
    let created = orgs
        .create_organization(CreateOrganizationParams::new(input("Initech", Some("initech.test"))))
        .await
        .unwrap();
    assert!(created.id.starts_with("org_"));
    assert_eq!(created.domains[0].domain, "initech.test");
    assert_eq!(created.metadata.get("tier").map(String::as_str), Some("gold"));
    let fetched = orgs.get_organization(&created.id).await.unwrap();
    assert_eq!(fetched.name, "Initech");
    let listed = orgs.list_organizations(ListOrganizationsParams::default()).await.unwrap();
    assert_eq!(listed.data[0].id, created.id, "newest first");

    let dup = orgs
        .create_organization(CreateOrganizationParams::new(input("Acme Again", Some("acme.test"))))
        .await
        .unwrap_err();
    assert_eq!(dup.status(), Some(409));

    let nameless = orgs.create_organization(CreateOrganizationParams::new(input("  ", None))).await.unwrap_err();
    assert_eq!(nameless.status(), Some(422));
    let body: serde_json::Value = serde_json::from_slice(&nameless.api().unwrap().raw_body).unwrap();
    assert_eq!(body["errors"][0]["field"], "name");
}

#[tokio::test]
async fn wrong_or_missing_api_key_is_401() {
    let env = start().await;
    for key in ["sk_test_wrong", ""] {
        let err = env
            .client_with_key(key)
            .organizations()
            .list_organizations(ListOrganizationsParams::default())
            .await
            .unwrap_err();
        assert!(err.is_unauthorized(), "{key:?}: {err}");
    }
}

#[tokio::test]
async fn users_memberships_and_roles() {
    let env = start().await;
    let ada = env.user_id("ada@acme.test");
    let user = env.client.user_management().get_user(&ada).await.unwrap();
    assert_eq!((user.email.as_str(), user.first_name.as_deref()), ("ada@acme.test", Some("Ada")));
    assert!(user.email_verified);
    let missing = env.client.user_management().get_user("user_01NOPE").await.unwrap_err();
    assert_eq!((missing.status(), missing.code()), (Some(404), Some("entity_not_found")));

    let acme = env.org_id("Acme Corp");
    let members = env
        .client
        .organization_membership()
        .list_organization_memberships(ListOrganizationMembershipsParams {
            organization_id: Some(acme.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut emails: Vec<_> = members.data.iter().map(|m| m.user.email.clone()).collect();
    emails.sort();
    assert_eq!(emails, ["ada@acme.test", "bea@globex.test", "max@acme.test"]);
    let ada_m = members.data.iter().find(|m| m.user_id == ada).unwrap();
    assert_eq!(ada_m.role.slug, "admin");
    assert_eq!(ada_m.organization_name.as_deref(), Some("Acme Corp"));
    assert!(ada_m.id.starts_with("om_"));

    let bea = env.user_id("bea@globex.test");
    let beas = env
        .client
        .organization_membership()
        .list_organization_memberships(ListOrganizationMembershipsParams { user_id: Some(bea), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(beas.data.len(), 2);

    let nora = env.user_id("nora@example.test");
    let none = env
        .client
        .organization_membership()
        .list_organization_memberships(ListOrganizationMembershipsParams { user_id: Some(nora), ..Default::default() })
        .await
        .unwrap();
    assert!(none.data.is_empty(), "the user in no organization");

    let neither = env
        .client
        .organization_membership()
        .list_organization_memberships(ListOrganizationMembershipsParams::default())
        .await
        .unwrap_err();
    assert_eq!(neither.status(), Some(400), "the spec's missing_user_id_or_organization_id");

    let roles = env.client.authorization().list_organization_roles(&acme).await.unwrap();
    let admin = roles.data.iter().find(|r| r.slug == "admin").unwrap();
    assert!(admin.permissions.iter().any(|p| p == "widgets:users-table:manage"));
    assert_eq!(admin.permissions.len(), 9);
    let member = roles.data.iter().find(|r| r.slug == "member").unwrap();
    assert!(member.permissions.is_empty());
    let err = env.client.authorization().list_organization_roles("org_01NOPE").await.unwrap_err();
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn ids_are_stable_across_restarts_and_reset_restores_the_seed() {
    let first = start().await;
    let second = start().await;
    assert_eq!(first.org_id("Acme Corp"), second.org_id("Acme Corp"));
    assert_eq!(first.user_id("ada@acme.test"), second.user_id("ada@acme.test"));

    let created = first
        .client
        .organizations()
        .create_organization(CreateOrganizationParams::new(input("Temporary", None)))
        .await
        .unwrap();
    let res = first.http.post(format!("{}/_emulator/reset", first.base())).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let err = first.client.organizations().get_organization(&created.id).await.unwrap_err();
    assert_eq!(err.status(), Some(404));
}
