//! `/_widgets/UserManagement/*` over HTTP, as the official UsersManagement and
//! OrganizationSwitcher widgets call it from the browser.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use workos::resources::organization_membership::ListOrganizationMembershipsParams;
use workos::UserManagementOrganizationMembershipStatuses;

async fn widget_token(env: &Env, email: &str, org: &str) -> String {
    env.widget_token(email, Some(org), &["widgets:users-table:manage"]).await
}

async fn call(env: &Env, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    env.widget(method, &format!("/_widgets/UserManagement{path}"), token, body, &[]).await
}

fn emails(members: &Value) -> Vec<String> {
    members["data"].as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn members_lists_the_organization_in_the_widget_shape() {
    let env = start().await;
    let t = widget_token(&env, "ada@acme.test", "Acme Corp").await;
    let (status, body) = call(&env, Method::GET, "/members", Some(&t), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(emails(&body), ["ada@acme.test", "max@acme.test", "bea@globex.test"]);
    let ada = &body["data"][0];
    assert_eq!(ada["isLoggedInUser"], true);
    assert_eq!(ada["status"], "Active");
    assert_eq!(ada["firstName"], "Ada");
    assert_eq!(ada["emailVerified"], true);
    assert_eq!(ada["roles"][0]["slug"], "admin");
    assert_eq!(ada["roles"][0]["name"], "Admin");
    assert_eq!(ada["actions"], json!([]));
    assert_eq!(body["data"][1]["actions"], json!(["edit-role", "revoke-membership"]));
    assert_eq!(body["data"][1]["isLoggedInUser"], Value::Null);

    let (_, page) = call(&env, Method::GET, "/members?limit=2", Some(&t), None).await;
    assert_eq!(emails(&page).len(), 2);
    let after = page["list_metadata"]["after"].as_str().unwrap().to_string();
    let (_, rest) = call(&env, Method::GET, &format!("/members?limit=2&after={after}"), Some(&t), None).await;
    assert_eq!(emails(&rest), ["bea@globex.test"]);

    let (_, found) = call(&env, Method::GET, "/members?search=max", Some(&t), None).await;
    assert_eq!(emails(&found), ["max@acme.test"]);
    let (_, admins) = call(&env, Method::GET, "/members?role=admin", Some(&t), None).await;
    assert_eq!(emails(&admins), ["ada@acme.test"]);
}

#[tokio::test]
async fn bad_missing_expired_or_unpermitted_tokens_are_403() {
    let env = start().await;
    let (status, body) = call(&env, Method::GET, "/members", None, None).await;
    assert_eq!(status, 403);
    assert!(body["message"].is_string());
    let (status, _) = call(&env, Method::GET, "/members", Some("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"), None).await;
    assert_eq!(status, 403);

    let member = widget_token(&env, "max@acme.test", "Acme Corp").await;
    let (status, body) = call(&env, Method::GET, "/members", Some(&member), None).await;
    assert_eq!(status, 403);
    assert!(body["message"].as_str().unwrap().contains("widgets:users-table:manage"));

    let t = widget_token(&env, "ada@acme.test", "Acme Corp").await;
    env.set_clock(3601).await;
    let (status, body) = call(&env, Method::GET, "/members", Some(&t), None).await;
    assert_eq!(status, 403);
    assert!(body["message"].as_str().unwrap().contains("expired"));
    env.set_clock(0).await;
    let (status, _) = call(&env, Method::GET, "/members", Some(&t), None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_invite_is_a_pending_membership_the_public_api_shows() {
    let env = start().await;
    let t = widget_token(&env, "ada@acme.test", "Acme Corp").await;
    let (status, body) = call(
        &env,
        Method::POST,
        "/invite-user",
        Some(&t),
        Some(json!({"email": "Newbie@Acme.test", "roles": ["member"]})),
    )
    .await;
    assert_eq!((status, body), (200, json!({"success": true})));

    let (_, members) = call(&env, Method::GET, "/members", Some(&t), None).await;
    let invited = members["data"].as_array().unwrap().iter().find(|m| m["email"] == "newbie@acme.test").unwrap().clone();
    assert_eq!(invited["status"], "Invited");
    assert_eq!(invited["actions"], json!(["resend-invite", "revoke-invite"]));

    let pending = env
        .client
        .organization_membership()
        .list_organization_memberships(ListOrganizationMembershipsParams {
            organization_id: Some(env.org_id("Acme Corp")),
            statuses: Some(vec![UserManagementOrganizationMembershipStatuses::Pending]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(pending.data.len(), 1);
    assert_eq!(pending.data[0].user.email, "newbie@acme.test");
    assert_eq!(pending.data[0].role.slug, "member");

    let (status, body) = call(&env, Method::POST, "/invite-user", Some(&t), Some(json!({"email": "newbie@acme.test", "roles": []}))).await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = call(&env, Method::POST, "/invite-user", Some(&t), Some(json!({"email": "max@acme.test", "roles": []}))).await;
    assert_eq!(status, 400, "already a member");
    let (status, _) = call(&env, Method::POST, "/invite-user", Some(&t), Some(json!({"email": "not-an-email", "roles": []}))).await;
    assert_eq!(status, 400);
    let (status, _) = call(&env, Method::POST, "/invite-user", Some(&t), Some(json!({"email": "x@acme.test", "roles": ["owner"]}))).await;
    assert_eq!(status, 400, "unknown role");

    let id = invited["id"].as_str().unwrap();
    let (status, body) = call(&env, Method::POST, &format!("/invites/{id}/resend"), Some(&t), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["success"], true);
    assert!(body["id"].as_str().unwrap().starts_with("invitation_"));

    let (status, _) = call(&env, Method::DELETE, &format!("/invites/{id}"), Some(&t), None).await;
    assert_eq!(status, 200);
    let (_, members) = call(&env, Method::GET, "/members", Some(&t), None).await;
    assert!(!emails(&members).contains(&"newbie@acme.test".to_string()));
    let (status, _) = call(&env, Method::POST, &format!("/invites/{id}/resend"), Some(&t), None).await;
    assert_eq!(status, 404, "a revoked invitation cannot be resent");
}

#[tokio::test]
async fn roles_change_and_members_are_removed() {
    let env = start().await;
    let t = widget_token(&env, "ada@acme.test", "Acme Corp").await;
    let max = env.user_id("max@acme.test");

    let (status, roles) = call(&env, Method::GET, "/roles", Some(&t), None).await;
    assert_eq!(status, 200);
    assert!(roles.is_array(), "a bare array");
    assert_eq!(roles[1], json!({"name": "Member", "slug": "member", "default": true, "description": "Uses the product; manages nothing."}));
    let (_, config) = call(&env, Method::GET, "/roles-and-config", Some(&t), None).await;
    assert_eq!(config["multipleRolesEnabled"], false);
    assert_eq!(config["roles"].as_array().unwrap().len(), 2);

    let (status, body) = call(&env, Method::POST, &format!("/members/{max}"), Some(&t), Some(json!({"roles": ["admin"]}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true);
    let m = env
        .client
        .organization_membership()
        .list_organization_memberships(ListOrganizationMembershipsParams { user_id: Some(max.clone()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(m.data[0].role.slug, "admin");
    let (status, _) = call(&env, Method::POST, &format!("/members/{max}"), Some(&t), Some(json!({"roles": ["admin", "member"]}))).await;
    assert_eq!(status, 422, "one role per member here");

    let ada = env.user_id("ada@acme.test");
    let (status, _) = call(&env, Method::DELETE, &format!("/members/{ada}"), Some(&t), None).await;
    assert_eq!(status, 400, "not yourself");
    let (status, _) = call(&env, Method::DELETE, &format!("/members/{max}"), Some(&t), None).await;
    assert_eq!(status, 200);
    let (status, _) = call(&env, Method::DELETE, &format!("/members/{max}"), Some(&t), None).await;
    assert_eq!(status, 404);
    let (_, members) = call(&env, Method::GET, "/members", Some(&t), None).await;
    assert_eq!(emails(&members), ["ada@acme.test", "bea@globex.test"]);
}

#[tokio::test]
async fn organizations_are_the_callers_own_with_the_current_one_marked() {
    let env = start().await;
    // Bea is a plain member in Acme: the switcher needs no permission.
    let t = widget_token(&env, "bea@globex.test", "Acme Corp").await;
    let (status, body) = call(&env, Method::GET, "/organizations", Some(&t), None).await;
    assert_eq!(status, 200);
    let mut rows: Vec<(String, bool)> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["name"].as_str().unwrap().to_string(), o["current"].as_bool().unwrap()))
        .collect();
    rows.sort();
    assert_eq!(rows, [("Acme Corp".to_string(), true), ("Globex Inc".to_string(), false)]);
}

#[tokio::test]
async fn cors_preflight_allows_loopback_origins_only() {
    let env = start().await;
    let preflight = |origin: &'static str| {
        env.http
            .request(Method::OPTIONS, format!("{}/_widgets/UserManagement/members", env.base()))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization,content-type,workos-widgets-type,workos-widgets-version")
            .send()
    };
    let ok = preflight("http://localhost:3000").await.unwrap();
    assert!(ok.status().is_success());
    assert_eq!(ok.headers()["access-control-allow-origin"], "http://localhost:3000");
    let allowed = ok.headers()["access-control-allow-headers"].to_str().unwrap().to_lowercase();
    for h in ["authorization", "content-type", "workos-widgets-type", "workos-widgets-version"] {
        assert!(allowed.contains(h), "{allowed}");
    }
    let methods = ok.headers()["access-control-allow-methods"].to_str().unwrap();
    assert!(methods.contains("DELETE") && methods.contains("POST"));
    let foreign = preflight("https://evil.example").await.unwrap();
    assert!(!foreign.headers().contains_key("access-control-allow-origin"));
}
