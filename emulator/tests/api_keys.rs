//! API keys: the public API through the official SDK, and the ApiKeys widget's
//! private API over HTTP, on one store.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use workos::resources::api_keys::{CreateApiKeyExpireParams, CreateOrganizationApiKeyParams, CreateValidationParams, ListOrganizationApiKeysParams};
use workos::resources::user_management::{CreateUserApiKeyParams, ListUserApiKeysParams};
use workos::{ApiKeyOwnerOneOf, CreateOrganizationApiKey, CreateUserApiKey, ExpireApiKey, ValidateApiKey};

const SEEDED: &str = "sk_acme_ci_0123456789abcdefghijkl";

async fn validate(env: &Env, value: &str) -> Option<workos::ApiKey> {
    env.client
        .api_keys()
        .create_validation(CreateValidationParams::new(ValidateApiKey { value: value.to_string().into() }))
        .await
        .expect("validation answers")
        .api_key
}

#[tokio::test]
async fn an_organization_key_lives_and_dies_through_the_sdk() {
    let env = start().await;
    let acme = env.org_id("Acme Corp");
    let keys = env.client.api_keys();
    let seeded = keys.list_organization_api_keys(&acme, ListOrganizationApiKeysParams::default()).await.unwrap();
    assert_eq!(seeded.data.len(), 1);
    assert_eq!(seeded.data[0].obfuscated_value, "sk_...ijkl");
    assert_eq!((seeded.data[0].owner.type_.as_str(), seeded.data[0].owner.id.as_str()), ("organization", acme.as_str()));
    let key = validate(&env, SEEDED).await.expect("the seeded key is live");
    assert!(matches!(&key.owner, ApiKeyOwnerOneOf::ApiKeyOwner(o) if o.id == acme));
    assert!(key.last_used_at.is_some(), "validating is a use");
    assert!(validate(&env, "sk_not_a_key").await.is_none());

    let created = keys
        .create_organization_api_key(
            &acme,
            CreateOrganizationApiKeyParams::new(CreateOrganizationApiKey {
                name: "Reporting".into(),
                permissions: Some(vec!["reports:read".into(), "reports:write".into()]),
                expires_at: None,
            }),
        )
        .await
        .unwrap();
    let value = created.value.expose().to_string();
    assert!(value.starts_with("sk_") && created.obfuscated_value == format!("sk_...{}", &value[value.len() - 4..]));
    assert_eq!(validate(&env, &value).await.unwrap().permissions, ["reports:read", "reports:write"]);

    let expired = keys.create_api_key_expire(&created.id, CreateApiKeyExpireParams::new(ExpireApiKey { expires_at: None })).await.unwrap();
    assert!(expired.expires_at.is_some());
    assert!(validate(&env, &value).await.is_none(), "expired keys do not validate");
    let again = keys.create_api_key_expire(&created.id, CreateApiKeyExpireParams::new(ExpireApiKey { expires_at: None })).await.unwrap_err();
    assert_eq!(again.status(), Some(409));

    keys.delete_api_key(&created.id).await.unwrap();
    assert_eq!(keys.delete_api_key(&created.id).await.unwrap_err().status(), Some(404));
    let bad = keys
        .create_organization_api_key(&acme, CreateOrganizationApiKeyParams::new(CreateOrganizationApiKey { name: "x".into(), permissions: Some(vec!["root".into()]), expires_at: None }))
        .await
        .unwrap_err();
    assert_eq!(bad.status(), Some(422));
    assert_eq!(keys.list_organization_api_keys("org_nope", ListOrganizationApiKeysParams::default()).await.unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn a_users_key_needs_a_membership() {
    let env = start().await;
    let um = env.client.user_management();
    let max = env.user_id("max@acme.test");
    let new = |org: &str| CreateUserApiKeyParams::new(CreateUserApiKey { name: "Max's laptop".into(), organization_id: org.to_string(), permissions: None, expires_at: None });
    let err = um.create_user_api_key(&max, new(&env.org_id("Globex Inc"))).await.unwrap_err();
    assert_eq!(err.status(), Some(422));
    let created = um.create_user_api_key(&max, new(&env.org_id("Acme Corp"))).await.unwrap();
    let listed = um.list_user_api_keys(&max, ListUserApiKeysParams::default()).await.unwrap();
    assert_eq!(listed.data.len(), 1);
    assert_eq!(listed.data[0].owner.organization_id, env.org_id("Acme Corp"));
    let key = validate(&env, created.value.expose()).await.unwrap();
    assert!(matches!(key.owner, ApiKeyOwnerOneOf::UserApiKeyOwner(o) if o.id == max));
}

async fn widget(env: &Env, method: Method, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    env.widget(method, path, Some(token), body, &[]).await
}

#[tokio::test]
async fn the_widget_creates_shows_once_and_revokes() {
    let env = start().await;
    let t = env.widget_token("ada@acme.test", Some("Acme Corp"), &["widgets:api-keys:manage"]).await;
    let (status, perms) = widget(&env, Method::GET, "/_widgets/ApiKeys/permissions?limit=100", &t, None).await;
    assert_eq!(status, 200, "{perms}");
    let slugs: Vec<&str> = perms["data"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["reports:read", "reports:write", "webhooks:manage"]);
    assert!(perms["data"][0]["id"].is_string() && perms["data"][0]["name"].is_string());

    let (status, created) = widget(&env, Method::POST, "/_widgets/ApiKeys/organization-api-keys", &t, Some(json!({"name": "Deploy bot", "permissions": ["webhooks:manage"], "expiresAt": null}))).await;
    assert_eq!(status, 201, "{created}");
    let value = created["value"].as_str().unwrap().to_string();
    assert_eq!(created["obfuscatedValue"], format!("sk_...{}", &value[value.len() - 4..]));

    let (_, list) = widget(&env, Method::GET, "/_widgets/ApiKeys/organization-api-keys?limit=10", &t, None).await;
    let rows = list["data"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["name"], "Deploy bot", "newest first");
    assert!(rows[0].get("value").is_none(), "the value is never listed");
    assert_eq!(rows[0]["permissions"], json!(["webhooks:manage"]));
    let (_, found) = widget(&env, Method::GET, "/_widgets/ApiKeys/organization-api-keys?search=deploy", &t, None).await;
    assert_eq!(found["data"].as_array().unwrap().len(), 1);
    let (_, paged) = widget(&env, Method::GET, "/_widgets/ApiKeys/organization-api-keys?limit=1", &t, None).await;
    let after = paged["list_metadata"]["after"].as_str().unwrap();
    let (_, next) = widget(&env, Method::GET, &format!("/_widgets/ApiKeys/organization-api-keys?limit=1&after={after}"), &t, None).await;
    assert_eq!(next["data"][0]["name"], "CI pipeline");

    let (status, bad) = widget(&env, Method::POST, "/_widgets/ApiKeys/organization-api-keys", &t, Some(json!({"name": "", "permissions": []}))).await;
    assert_eq!((status, bad["errors"][0]["field"].as_str()), (422, Some("name")));

    let id = created["id"].as_str().unwrap();
    let (status, row) = widget(&env, Method::POST, &format!("/_widgets/ApiKeys/{id}/expire"), &t, Some(json!({"expiresAt": "2099-01-01T00:00:00.000Z"}))).await;
    assert_eq!((status, row["expiresAt"].as_str()), (200, Some("2099-01-01T00:00:00.000Z")));
    assert!(validate(&env, &value).await.is_some(), "not expired yet");
    let (status, body) = widget(&env, Method::DELETE, &format!("/_widgets/ApiKeys/{id}"), &t, None).await;
    assert_eq!((status, &body), (200, &json!({"success": true})));
    assert!(validate(&env, &value).await.is_none(), "revoked keys do not validate");

    // Another organization's token sees none of it.
    let globex = env.widget_token("bea@globex.test", Some("Globex Inc"), &["widgets:api-keys:manage"]).await;
    let (_, theirs) = widget(&env, Method::GET, "/_widgets/ApiKeys/organization-api-keys", &globex, None).await;
    assert_eq!(theirs["data"], json!([]));
    let seeded_id = rows[1]["id"].as_str().unwrap();
    let (status, _) = widget(&env, Method::DELETE, &format!("/_widgets/ApiKeys/{seeded_id}"), &globex, None).await;
    assert_eq!(status, 404);
    // A member's token has no api-keys permission.
    let member = env.widget_token("max@acme.test", Some("Acme Corp"), &["widgets:api-keys:manage"]).await;
    assert_eq!(widget(&env, Method::GET, "/_widgets/ApiKeys/organization-api-keys", &member, None).await.0, 403);
}

#[tokio::test]
async fn user_keys_are_the_callers_own_unless_manage_all() {
    let env = start().await;
    // Bea is a member in Acme (no key permissions there) and admin in Globex.
    let bea = env.widget_token("bea@globex.test", Some("Globex Inc"), &["widgets:user-api-keys:manage-self"]).await;
    let (status, created) = widget(&env, Method::POST, "/_widgets/UserApiKeys/api-keys", &bea, Some(json!({"name": "Bea's script", "permissions": []}))).await;
    assert_eq!(status, 201, "{created}");
    let (_, mine) = widget(&env, Method::GET, "/_widgets/UserApiKeys/api-keys", &bea, None).await;
    let row = &mine["data"][0];
    assert_eq!(row["owner"]["type"], "user");
    assert_eq!(row["owner"]["email"], "bea@globex.test");
    assert_eq!(row["owner"]["displayName"], "Bea Both");
    let (status, _) = widget(&env, Method::GET, "/_widgets/UserApiKeys/permissions", &bea, None).await;
    assert_eq!(status, 200);
    let id = created["id"].as_str().unwrap();
    let (status, _) = widget(&env, Method::POST, &format!("/_widgets/UserApiKeys/{id}/expire"), &bea, Some(json!({}))).await;
    assert_eq!(status, 200);
    let (status, _) = widget(&env, Method::DELETE, &format!("/_widgets/UserApiKeys/{id}"), &bea, None).await;
    assert_eq!(status, 200);
    let none = env.widget_token("max@acme.test", Some("Acme Corp"), &[]).await;
    assert_eq!(widget(&env, Method::GET, "/_widgets/UserApiKeys/api-keys", &none, None).await.0, 403);
}
